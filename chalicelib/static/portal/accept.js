// Accepting an invitation from its emailed link.

import { linkToken, saveSession, api } from "./session.js";
import { t, useLocale } from "./i18n.js";
import { h, go, field, notice, when, messageOf, card, messageCard, submitting, ROLE_LABEL, OPERATOR } from "./dom.js";
import { passwordFields } from "./passwords.js";
import { applyBrand } from "./brand.js";

// ---------- accepting an invitation

// A link that opens nothing (404): the service tells its holder why, accepted already, withdrawn, replaced by a
// newer email, or not valid at all.
function gone(reply) {
  const why = reply.body && reply.body.error && reply.body.error.message;
  return messageCard(t("This invitation is no longer valid"), why || t("It was already used or withdrawn."), t("Go to sign in"), "login", "error");
}

export async function renderAccept() {
  if (!linkToken) return messageCard(t("This link is incomplete"), t("Open the link from your invitation email again, or copy the whole address."), null, null, "error");
  const lookup = await api("POST", "/invitations/lookup", { token: linkToken });
  if (lookup.status === 410) return messageCard(t("This invitation has expired"), t("Ask the person who invited you to send it again."), t("Go to sign in"), "login", "error");
  if (lookup.status === 404) return gone(lookup);
  if (lookup.status !== 200) return messageCard(t("Something went wrong"), messageOf(lookup), null, null, "error");
  const invitation = lookup.body;
  applyBrand(invitation.brand);
  if (invitation.locale) await useLocale(invitation.locale); // the invitation's language, then the browser's
  const summary = h("div", { class: "invite-summary" }, h("dl", {},
    h("dt", {}, t("Account")), h("dd", {}, invitation.account_name),
    h("dt", {}, t("Invited by")), h("dd", {}, invitation.invited_by_name || OPERATOR.name),
    h("dt", {}, t("Your role")), h("dd", {}, ROLE_LABEL[invitation.role] || invitation.role),
    h("dt", {}, t("Email")), h("dd", {}, invitation.email),
    h("dt", {}, t("Valid until")), h("dd", {}, when(invitation.expires_at))));
  const error = notice();
  let password = null;
  const form = h("form", { novalidate: true });
  if (invitation.existing_user) {
    form.append(field(t("Your password"), { type: "password", name: "password", autocomplete: "current-password", required: true },
      t("You already have a login as {email}: confirm it is you.", { email: invitation.email })));
  } else {
    password = passwordFields(t("Choose a password"));
    form.append(h("div", { class: "row" },
      field(t("First name"), { name: "first_name", autocomplete: "given-name", required: true, maxlength: 100 }),
      field(t("Last name"), { name: "last_name", autocomplete: "family-name", required: true, maxlength: 100 })),
    ...password.nodes);
  }
  form.append(h("button", { type: "submit", class: "primary wide" }, t("Accept invitation")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const body = { token: linkToken, password: form.elements.password.value };
    if (password) {
      body.first_name = form.elements.first_name.value.trim();
      body.last_name = form.elements.last_name.value.trim();
      if (!body.first_name || !body.last_name) { error.textContent = t("Please give your first and last name."); return; }
      const problem = password.check();
      if (problem) { error.textContent = problem; return; }
    }
    submitting(form, async () => {
      const reply = await api("POST", "/invitations/accept", body);
      if (reply.status === 201) {
        saveSession({ token: reply.body.access_token, expires_at: reply.body.expires_at, account_id: reply.body.account_id });
        return go("./");
      }
      if (reply.status === 401) { error.textContent = t("That password is not right."); form.elements.password.focus(); return; }
      if (reply.status === 404) return gone(reply);
      if (reply.status === 409) return messageCard(t("This invitation is no longer valid"), messageOf(reply), t("Go to sign in"), "login", "error");
      if (reply.status === 410) return messageCard(t("This invitation has expired"), t("Ask the person who invited you to send it again."), t("Go to sign in"), "login", "error");
      error.textContent = messageOf(reply);
    });
  });
  const greeting = invitation.invited_by_name
    ? t("{person} invited you to join {account}.", { person: invitation.invited_by_name, account: invitation.account_name })
    : t("You are invited to join {account}.", { account: invitation.account_name });
  card(t("Accept your invitation"), greeting, summary, error, form);
  form.querySelector("input").focus();
}
