// /portal/join#token=…: an invite link someone shared. The page says which account it is for, until when,
// and whether an admin approves each person; a signed-in person confirms (never a join on opening alone);
// anyone else signs in first (and comes back here) or gives an email address, which is sent a link of its own
// (so the address is proven before anyone joins). The token stays in fragments and request bodies only.

import { PORTAL, linkToken, session, saveSession, clearSession, api } from "./session.js";
import { t, useLocale } from "./i18n.js";
import { h, go, field, notice, when, messageOf, card, messageCard, submitting } from "./dom.js";
import { applyBrand } from "./brand.js";

// the link a person leaves to sign in, kept in this tab only; sign-in sends them back with it (signin.js)
export const JOIN_KEY = "portal.join";

export function takeJoinLink() {
  const token = sessionStorage.getItem(JOIN_KEY);
  sessionStorage.removeItem(JOIN_KEY);
  return token;
}

export function backToJoin(token) {
  location.assign(new URL(`join#token=${encodeURIComponent(token)}`, PORTAL));
}

// the answers that end the page, whoever asks, each with why in words; true when it was one of them
const ENDINGS = () => ({
  404: [t("This invite link is not valid"), t("It was revoked, or the address is incomplete. Ask whoever shared it for a new one.")],
  410: [t("This invite link has expired"), t("It is past its date or has been used as many times as it may be. Ask whoever shared it for a new one.")],
  403: [t("This link is not for your address"), t("It may only be used by email addresses at the domains its account chose. Ask whoever shared it to invite you instead.")],
});
function ended(reply) {
  const ending = ENDINGS()[reply.status];
  if (ending && (reply.status !== 403 || reply.body?.error?.code === "domain_not_allowed")) {
    messageCard(ending[0], ending[1], reply.status === 403 ? null : t("Go to sign in"), reply.status === 403 ? null : "login", "error");
    return true;
  }
  if (reply.status !== 429) return false;
  messageCard(t("This link is busy"), messageOf(reply), null, null, "error");
  return true;
}

export async function renderJoin() {
  if (!linkToken) return messageCard(t("This link is incomplete"), t("Open the invite link again, or copy the whole address."), null, null, "error");
  const lookup = await api("POST", "/invite-links/lookup", { token: linkToken });
  if (ended(lookup)) return;
  if (lookup.status !== 200) return messageCard(t("Something went wrong"), messageOf(lookup), null, null, "error");
  const link = lookup.body;
  applyBrand(link.brand);
  if (link.locale) await useLocale(link.locale); // the link's language, then the browser's
  const summary = h("div", { class: "invite-summary" }, h("dl", {},
    h("dt", {}, t("Account")), h("dd", {}, link.account_name),
    h("dt", {}, t("Valid until")), h("dd", {}, when(link.expires_at)),
    h("dt", {}, t("Approval")), h("dd", {}, link.require_approval ? t("An admin of the account approves each person") : t("Not needed: you join at once"))));
  const me = session()?.token ? await api("GET", "/me") : null;
  if (me && me.status === 401) clearSession();
  if (me && me.status === 200) return confirmJoin(link, summary, me.body.user.email);
  askSignedOut(link, summary);
}

function confirmJoin(link, summary, email) {
  const error = notice();
  const button = h("button", { type: "submit", class: "primary wide" }, link.require_approval
    ? t("Ask to join {account}", { account: link.account_name }) : t("Join {account}", { account: link.account_name }));
  const form = h("form", { novalidate: true }, h("p", {}, t("You are signed in as {email}.", { email })), button);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submitting(form, async () => {
      const reply = await api("POST", "/invite-links/join", { token: linkToken });
      if (ended(reply)) return;
      if ((reply.status === 201 || reply.status === 200) && reply.body.account_id && !reply.body.join_request_id) {
        saveSession({ ...session(), account_id: reply.body.account_id });
        return go("./");
      }
      if (reply.status === 202 || (reply.status === 200 && reply.body.join_request_id)) {
        return messageCard(t("Your request is waiting for an admin"), t("An admin of {account} decides it; you get an email either way. Once approved, the account is among yours when you sign in.",
          { account: link.account_name }), t("Go to your accounts"), "./", "ok");
      }
      error.textContent = messageOf(reply);
    });
  });
  card(t("Join {account}", { account: link.account_name }), t("Someone shared a link to this account with you."), summary, error, form,
    h("p", { class: "below" }, h("button", { type: "button", class: "link", onclick: async () => {
      await api("POST", "/auth/logout");
      clearSession();
      location.reload();
    } }, t("Not you? Sign out"))));
  button.focus();
}

function askSignedOut(link, summary) {
  const error = notice();
  const signIn = h("button", { type: "button", class: "primary wide", onclick: () => {
    sessionStorage.setItem(JOIN_KEY, linkToken);
    go("login");
  } }, t("Sign in to join"));
  const form = h("form", { novalidate: true, "aria-labelledby": "by-email" }, h("h2", { id: "by-email" }, t("No login yet?")),
    field(t("Your email"), { type: "email", name: "email", autocomplete: "email", required: true },
      link.require_approval ? t("Your request waits for an admin; once approved, an invitation arrives at this address.")
        : t("We email this address a link of its own to finish joining.")),
    h("button", { type: "submit", class: "wide" }, link.require_approval ? t("Ask to join by email") : t("Email me a link")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const email = form.elements.email.value.trim();
    if (!/^[^\s@]+@[^\s@]+$/.test(email)) { error.textContent = t("Give your email address."); form.elements.email.focus(); return; }
    submitting(form, async () => {
      const reply = await api("POST", "/invite-links/join", { token: linkToken, email });
      if (ended(reply)) return;
      if (reply.status !== 202) { error.textContent = messageOf(reply); return; }
      messageCard(t("Check your inbox"), link.require_approval
        ? t("If {email} may join {account}, its request now waits for an admin, and an invitation is emailed there once it is approved.",
          { email, account: link.account_name })
        : t("If {email} may join {account}, an email with a link of its own is on its way there. Open it to finish joining.",
          { email, account: link.account_name }), null, null, "ok");
    });
  });
  card(t("Join {account}", { account: link.account_name }), t("Someone shared a link to this account with you."), summary, error, signIn,
    h("p", { class: "or" }, t("or")), form);
  signIn.focus();
}
