// Sign in (a password, then a second factor when the login has one, or a passkey alone) and Choose account.

import { PORTAL, session, saveSession, clearSession, api } from "./session.js";
import { t } from "./i18n.js";
import { h, go, field, notice, messageOf, card, messageCard, submitting, announce, ROLE_LABEL, scopeText } from "./dom.js";
import { getPasskey, passkeyProblem, passkeysSupported } from "./webauthn.js";
import { takeJoinLink, backToJoin } from "./join.js";
import { joinableAccounts, joinableSection } from "./joinable.js";

// ---------- sign in and Choose account

export function renderLogin(message) {
  const error = notice();
  const info = message ? h("div", { class: "notice ok", role: "status" }, message) : null;
  const form = h("form", { novalidate: true },
    field(t("Email"), { type: "email", name: "email", autocomplete: "username", required: true }),
    field(t("Password"), { type: "password", name: "password", autocomplete: "current-password", required: true }),
    h("button", { type: "submit", class: "primary wide" }, t("Sign in")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submitting(form, async () => {
      const reply = await api("POST", "/auth/login", { email: form.elements.email.value, password: form.elements.password.value });
      if (reply.status !== 200) {
        error.textContent = reply.status === 401 ? t("The email or password is not right.") : messageOf(reply);
        form.elements.password.focus();
        return;
      }
      if (reply.body.mfa_required) { renderSecondStep(reply.body); return; }
      signedIn(reply.body);
    });
  });
  const passkey = passkeysSupported()
    ? h("button", { type: "button", class: "wide", id: "passkey-sign-in", onclick: () => withPasskey(error) }, t("Sign in with a passkey"))
    : null;
  card(t("Sign in"), t("Manage your account's users, contacts and access."), info, error, form, passkey ? h("p", { class: "or" }, t("or")) : null, passkey,
    h("p", { class: "below" }, h("a", { href: new URL("password-reset", PORTAL) }, t("Forgot your password?"))));
  form.elements.email.focus();
}

function signedIn(body) {
  saveSession({ token: body.access_token, expires_at: body.expires_at });
  const joining = takeJoinLink(); // signed in from an invite link's page: back there to confirm
  if (joining) return backToJoin(joining);
  enter(body.accounts, body.accounts_cursor);
}

async function withPasskey(error) {
  error.textContent = "";
  try {
    const options = await api("POST", "/auth/passkey/options");
    if (options.status !== 200) { error.textContent = messageOf(options); return; }
    const reply = await api("POST", "/auth/passkey", { credential: await getPasskey(options.body) });
    if (reply.status !== 200) { error.textContent = t("That passkey did not sign you in."); return; }
    signedIn(reply.body);
  } catch (problem) { error.textContent = passkeyProblem(problem); }
}

// The second step: a code from the app, a recovery code, or a passkey (only the login's own methods).
export function renderSecondStep(step, recovery = false) {
  const error = notice();
  const methods = step.methods;
  const finish = async (proof) => {
    const reply = await api("POST", "/auth/login/mfa", { mfa_token: step.mfa_token, ...proof });
    if (reply.status === 200) { signedIn(reply.body); return; }
    if (reply.body?.error?.code === "unauthenticated") { renderLogin(t("The sign-in took too long; please sign in again.")); return; }
    error.textContent = reply.body?.error?.code === "invalid_code" ? t("That code is not right.") : messageOf(reply);
    const input = document.querySelector("#second-step input");
    if (input) { input.value = ""; input.focus(); }
  };
  const codeForm = methods.includes("totp") ? h("form", { novalidate: true, id: "second-step" },
    recovery
      ? field(t("Recovery code"), { name: "code", autocomplete: "off", required: true }, t("One of the codes you saved when you set up the app."))
      : field(t("Code from your authenticator app"), { name: "code", inputmode: "numeric", autocomplete: "one-time-code", maxlength: 8, required: true }),
    h("button", { type: "submit", class: "primary wide" }, t("Verify"))) : null;
  if (codeForm) {
    codeForm.addEventListener("submit", (event) => {
      event.preventDefault();
      const code = codeForm.elements.code.value.trim();
      if (!code) { error.textContent = t("Enter the code."); return; }
      submitting(codeForm, () => finish(recovery ? { recovery_code: code } : { code }));
    });
  }
  const passkey = methods.includes("passkey") && step.passkey_options ? h("button", { type: "button", class: codeForm ? "wide" : "primary wide",
    id: "second-step-passkey", onclick: async () => {
      try { await finish({ credential: await getPasskey(step.passkey_options) }); } catch (problem) { error.textContent = passkeyProblem(problem); }
    } }, t("Use a passkey")) : null;
  const other = methods.includes("recovery_code") ? h("p", { class: "below" }, h("button", { type: "button", class: "link",
    onclick: () => renderSecondStep(step, !recovery) }, recovery ? t("Use a code from the app instead") : t("Use a recovery code instead"))) : null;
  card(t("Two-step sign-in"), t("Your login asks for a second step."), error, codeForm, passkey, other,
    h("p", { class: "below" }, h("a", { href: new URL("login", PORTAL) }, t("Start again"))));
  (codeForm ? codeForm.elements.code : passkey).focus();
}

// `cursor`: more accounts follow the first page (GET /me/accounts pages on). A login with one account or none
// is asked first whether accounts of its email's verified domain are open to it: those are offered here.
export async function enter(accounts, cursor = null) {
  const joinable = accounts.length <= 1 && !cursor ? await joinableAccounts() : null;
  if (accounts.length === 0 && joinable.length > 0) {
    card(t("Join an account"), t("Your login is not an active member of any account yet."), joinableSection(joinable));
    document.querySelector(".joinable-accounts button").focus();
  } else if (accounts.length === 0) {
    clearSession();
    messageCard(t("No active account"), t("Your login is not an active member of any account. Ask an administrator to invite you again."), t("Back to sign in"), "login", "error");
  } else if (accounts.length === 1 && !cursor && joinable.length === 0) {
    saveSession({ ...session(), account_id: accounts[0].account_id });
    go("./");
  } else {
    renderChooseAccount(accounts, cursor, joinable);
  }
}

function accountChoice(account) {
  return h("li", {},
    h("button", { type: "button", onclick: () => {
      saveSession({ ...session(), account_id: account.account_id });
      go("./");
    } },
    h("span", {}, h("strong", {}, account.name), h("br"), h("span", { class: "meta" }, scopeText(account.sub_accounts))),
    h("span", { class: `badge ${account.role}` }, ROLE_LABEL[account.role] || account.role)));
}

// The first page of the user's accounts (by name), and "More accounts" while the API has more: each press
// adds the next page (GET /me/accounts?cursor=) and moves the focus to the first account it added.
export async function renderChooseAccount(accounts, cursor = null, joinable = null) {
  const list = h("ul", { class: "account-list", id: "account-list" }, accounts.map(accountChoice));
  const error = notice();
  const more = h("button", { type: "button", class: "more", "aria-controls": "account-list" }, t("More accounts"));
  const moreRow = h("p", { class: "more-row" }, more);
  let next = cursor;
  moreRow.hidden = !next;
  more.addEventListener("click", async () => {
    more.disabled = true;
    const reply = await api("GET", `/me/accounts?cursor=${encodeURIComponent(next)}`);
    more.disabled = false;
    if (reply.status !== 200) { error.textContent = messageOf(reply); return; }
    const added = reply.body.items.map(accountChoice);
    list.append(...added);
    next = reply.body.next_cursor;
    moreRow.hidden = !next;
    announce(next ? t("More accounts listed: {count}.", { count: added.length })
      : t("More accounts listed: {count}. That is all of them.", { count: added.length }));
    const first = added.length ? added[0].querySelector("button") : null;
    if (first) first.focus();
  });
  const lead = accounts.length > 1 || cursor ? t("Your login is a member of several accounts. Which one do you want to manage?")
    : t("Which account do you want to manage?");
  card(t("Choose account"), lead, error, list, moreRow);
  list.querySelector("button").focus();
  // the accounts open to this login, under its own (asked here when the caller did not ask already)
  const open = joinable || await joinableAccounts();
  const section = joinableSection(open);
  if (section) list.closest(".card").append(section);
}
