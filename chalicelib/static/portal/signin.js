// Sign in and Choose account.

import { PORTAL, session, saveSession, clearSession, api } from "./session.js";
import { h, go, field, notice, messageOf, card, messageCard, submitting, announce, ROLE_LABEL, scopeText } from "./dom.js";

// ---------- sign in and Choose account

export function renderLogin(message) {
  const error = notice();
  const info = message ? h("div", { class: "notice ok", role: "status" }, message) : null;
  const form = h("form", { novalidate: true },
    field("Email", { type: "email", name: "email", autocomplete: "username", required: true }),
    field("Password", { type: "password", name: "password", autocomplete: "current-password", required: true }),
    h("button", { type: "submit", class: "primary wide" }, "Sign in"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submitting(form, async () => {
      const reply = await api("POST", "/auth/login", { email: form.elements.email.value, password: form.elements.password.value });
      if (reply.status !== 200) {
        error.textContent = reply.status === 401 ? "The email or password is not right." : messageOf(reply);
        form.elements.password.focus();
        return;
      }
      saveSession({ token: reply.body.access_token, expires_at: reply.body.expires_at });
      enter(reply.body.accounts, reply.body.accounts_cursor);
    });
  });
  card("Sign in", "Manage your account's users, contacts and access.", info, error, form,
    h("p", { class: "below" }, h("a", { href: new URL("password-reset", PORTAL) }, "Forgot your password?")));
  form.elements.email.focus();
}

// `cursor`: more accounts follow the first page (GET /me/accounts pages on)
export function enter(accounts, cursor = null) {
  if (accounts.length === 0) {
    clearSession();
    messageCard("No active account", "Your login is not an active member of any account. Ask an administrator to invite you again.", "Back to sign in", "login", "error");
  } else if (accounts.length === 1 && !cursor) {
    saveSession({ ...session(), account_id: accounts[0].account_id });
    go("./");
  } else {
    renderChooseAccount(accounts, cursor);
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
export function renderChooseAccount(accounts, cursor = null) {
  const list = h("ul", { class: "account-list", id: "account-list" }, accounts.map(accountChoice));
  const error = notice();
  const more = h("button", { type: "button", class: "more", "aria-controls": "account-list" }, "More accounts");
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
    announce(`${added.length} more accounts listed${next ? "" : "; that is all of them"}.`);
    const first = added.length ? added[0].querySelector("button") : null;
    if (first) first.focus();
  });
  card("Choose account", "Your login is a member of several accounts. Which one do you want to manage?", error, list, moreRow);
  list.querySelector("button").focus();
}
