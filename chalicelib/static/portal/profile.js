// Your info: the login's names, title and phones, its password, two-step sign-in, passkeys and sessions.

import { session, saveSession, api } from "./session.js";
import { h, field, notice, messageOf, submitting } from "./dom.js";
import { passwordFields } from "./passwords.js";
import { state, flash, frame, reply401, value, orNull } from "./frame.js";
import { sessionsCard } from "./sessions.js";
import { twoStepCard, passkeysCard } from "./factors.js";
import { languageCard } from "./language.js";
import { t } from "./i18n.js";

export function renderProfile() {
  const user = state.me.user;
  const profileError = notice();
  const profile = h("form", { novalidate: true, "aria-labelledby": "profile-title" },
    h("h2", { id: "profile-title" }, t("Profile")), profileError,
    h("div", { class: "row" }, field(t("First name"), { name: "first_name", value: user.first_name || "", autocomplete: "given-name", required: true, maxlength: 100 }),
      field(t("Last name"), { name: "last_name", value: user.last_name || "", autocomplete: "family-name", required: true, maxlength: 100 })),
    field(t("Email"), { type: "email", name: "email", value: user.email, readonly: true, autocomplete: "username" }, t("Your login; it cannot be changed here.")),
    field(t("Title"), { name: "title", value: user.title || "", autocomplete: "organization-title", maxlength: 100 }),
    h("div", { class: "row" }, field(t("Cell phone"), { type: "tel", name: "cell_phone", value: user.cell_phone || "", autocomplete: "tel" }),
      field(t("Office phone"), { type: "tel", name: "office_phone", value: user.office_phone || "", autocomplete: "work tel" }),
      field(t("Extension"), { name: "extension", value: user.extension || "", maxlength: 10 })),
    h("div", { class: "actions start" }, h("button", { type: "submit", class: "primary" }, t("Save profile"))));
  profile.addEventListener("submit", (event) => {
    event.preventDefault();
    const body = { first_name: value(profile, "first_name"), last_name: value(profile, "last_name"), title: orNull(value(profile, "title")),
      cell_phone: orNull(value(profile, "cell_phone")), office_phone: orNull(value(profile, "office_phone")), extension: orNull(value(profile, "extension")) };
    if (!body.first_name || !body.last_name) { profileError.textContent = t("Your first and last name cannot be empty."); return; }
    submitting(profile, async () => {
      profileError.textContent = "";
      const reply = await api("PATCH", "/me", body);
      if (reply401(reply)) return;
      if (reply.status !== 200) { profileError.textContent = messageOf(reply); return; }
      state.me.user = reply.body;
      flash(t("Your profile was saved."));
    });
  });
  const passwordError = notice();
  const fresh = passwordFields(t("New password"));
  const password = h("form", { novalidate: true, "aria-labelledby": "password-title" },
    h("h2", { id: "password-title" }, t("Password")), passwordError,
    field(t("Current password"), { type: "password", name: "current_password", autocomplete: "current-password", required: true }),
    ...fresh.nodes,
    h("p", { class: "hint" }, t("Changing it signs out every other session of your login.")),
    h("div", { class: "actions start" }, h("button", { type: "submit", class: "primary" }, t("Change password"))));
  password.addEventListener("submit", (event) => {
    event.preventDefault();
    const problem = fresh.check();
    if (problem) { passwordError.textContent = problem; return; }
    submitting(password, async () => {
      passwordError.textContent = "";
      const reply = await api("POST", "/me/password", { current_password: password.elements.current_password.value, new_password: fresh.value() });
      if (reply.status === 401 && reply.body?.error?.code === "invalid_credentials") {
        passwordError.textContent = t("The current password is not right."); password.elements.current_password.focus(); return;
      }
      if (reply401(reply)) return;
      if (reply.body?.error?.code === "mfa_required") {
        passwordError.textContent = t("Sign out and sign in again with your second factor to change your password."); return;
      }
      if (reply.status !== 200) { passwordError.textContent = messageOf(reply); return; }
      saveSession({ ...session(), token: reply.body.access_token, expires_at: reply.body.expires_at });
      password.reset();
      flash(t("Your password was changed. Other sessions were signed out."));
    });
  });
  frame("profile", t("Your info"), t("your login, the same at every account"), null,
    h("div", { class: "cards" }, h("section", { class: "card" }, profile), h("section", { class: "card" }, password),
      twoStepCard(), passkeysCard(), languageCard()),
    h("div", { class: "cards" }, sessionsCard()));
}
