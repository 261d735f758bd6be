// Password reset: asking for a link, and setting a new password from it.

import { PORTAL, linkToken, clearSession, api } from "./session.js";
import { t, useLocale } from "./i18n.js";
import { applyBrand, useDefaultBrand } from "./brand.js";
import { h, field, notice, messageOf, card, messageCard, submitting } from "./dom.js";
import { passwordFields } from "./passwords.js";
import { renderLogin } from "./signin.js";

// ---------- password reset

export function renderPasswordReset() {
  if (linkToken) return renderNewPassword(linkToken);
  const error = notice();
  const form = h("form", { novalidate: true },
    field(t("Email"), { type: "email", name: "email", autocomplete: "username", required: true }),
    h("button", { type: "submit", class: "primary wide" }, t("Email me a link")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submitting(form, async () => {
      const reply = await api("POST", "/auth/password-reset", { email: form.elements.email.value });
      if (reply.status !== 202) { error.textContent = messageOf(reply); return; }
      messageCard(t("Check your inbox"), t("If {email} has a login, we sent it a link to set a new password. The link works for one hour.",
        { email: form.elements.email.value.trim() }), t("Back to sign in"), "login", "ok");
    });
  });
  card(t("Reset your password"), t("We will email you a link to set a new password."), error, form,
    h("p", { class: "below" }, h("a", { href: new URL("login", PORTAL) }, t("Back to sign in"))));
  form.elements.email.focus();
}

export async function renderNewPassword(token) {
  // the link's brand and language before anything is drawn; a link that no longer works says so on submit
  const lookup = await api("POST", "/auth/password-reset/lookup", { token });
  if (lookup.status === 200) {
    applyBrand(lookup.body.brand);
    await useLocale(lookup.body.locale);
  } else useDefaultBrand();
  const error = notice();
  const password = passwordFields(t("New password"));
  const form = h("form", { novalidate: true }, ...password.nodes,
    h("button", { type: "submit", class: "primary wide" }, t("Set new password")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const problem = password.check();
    if (problem) { error.textContent = problem; return; }
    submitting(form, async () => {
      const reply = await api("POST", "/auth/password-reset/confirm", { token, new_password: password.value() });
      if (reply.status === 204) {
        clearSession();
        history.replaceState(null, "", new URL("login", PORTAL)); // a reload signs in, not resets again
        document.body.dataset.page = "login";
        return renderLogin(t("Your password is changed. Sign in with the new one."));
      }
      if (reply.status === 404) return messageCard(t("This link no longer works"), t("The link was already used, or a newer one was sent. Ask for a new link."), t("Ask for a new link"), "password-reset", "error");
      if (reply.status === 410) return messageCard(t("This link has expired"), t("Password reset links work for one hour. Ask for a new one."), t("Ask for a new link"), "password-reset", "error");
      error.textContent = messageOf(reply);
    });
  });
  card(t("Set a new password"), t("Choose a new password for your login. Every other session will be signed out."), error, form);
  form.elements.password.focus();
}
