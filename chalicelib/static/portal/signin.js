// Sign in and Choose account.

import { PORTAL, session, saveSession, clearSession, api } from "./session.js";
import { h, go, field, notice, messageOf, card, messageCard, submitting, ROLE_LABEL, scopeText } from "./dom.js";

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
      enter(reply.body.accounts);
    });
  });
  card("Sign in", "Manage your account's users, contacts and access.", info, error, form,
    h("p", { class: "below" }, h("a", { href: new URL("password-reset", PORTAL) }, "Forgot your password?")));
  form.elements.email.focus();
}

export function enter(accounts) {
  if (accounts.length === 0) {
    clearSession();
    messageCard("No active account", "Your login is not an active member of any account. Ask an administrator to invite you again.", "Back to sign in", "login", "error");
  } else if (accounts.length === 1) {
    saveSession({ ...session(), account_id: accounts[0].account_id });
    go("./");
  } else {
    renderChooseAccount(accounts);
  }
}

export function renderChooseAccount(accounts) {
  const list = h("ul", { class: "account-list" }, accounts.map((account) => h("li", {},
    h("button", { type: "button", onclick: () => {
      saveSession({ ...session(), account_id: account.account_id });
      go("./");
    } },
    h("span", {}, h("strong", {}, account.name), h("br"), h("span", { class: "meta" }, scopeText(account.sub_accounts))),
    h("span", { class: `badge ${account.role}` }, ROLE_LABEL[account.role] || account.role)))));
  card("Choose account", "Your login is a member of several accounts. Which one do you want to manage?", list);
  list.querySelector("button").focus();
}
