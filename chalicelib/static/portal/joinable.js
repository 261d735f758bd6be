// Accounts a signed-in person may join without an invitation: those whose verified email domain is their
// address's, open to requests or to joining at once (GET /me/joinable-accounts). Shown under Choose account,
// and instead of "No active account" to a login in none.

import { session, saveSession, api } from "./session.js";
import { t } from "./i18n.js";
import { h, go, notice, announce, messageOf } from "./dom.js";

const POLICY = { get request() { return t("An admin approves your request"); }, get auto_join() { return t("You join at once"); } };

export async function joinableAccounts() {
  const reply = await api("GET", "/me/joinable-accounts");
  return reply.status === 200 ? reply.body.items : [];
}

function choice(account, error) {
  const asking = account.join_policy === "request";
  const status = h("span", { class: "meta", role: "status" });
  const button = h("button", { type: "button", class: "small", "aria-label": asking ? t("Ask to join {account}", { account: account.name }) : t("Join {account}", { account: account.name }) },
    asking ? t("Ask to join") : t("Join"));
  button.addEventListener("click", async () => {
    button.disabled = true;
    error.textContent = "";
    const reply = await api("POST", `/accounts/${encodeURIComponent(account.account_id)}/join`);
    if ((reply.status === 201 || reply.status === 200) && !reply.body.join_request_id) {
      saveSession({ ...session(), account_id: account.account_id });
      return go("./");
    }
    if (reply.status === 202 || reply.status === 200) {
      button.remove();
      status.textContent = t("Request sent: waiting for an admin's approval.");
      announce(t("Your request to join {account} is waiting for an admin's approval.", { account: account.name }));
      return;
    }
    button.disabled = false;
    error.textContent = messageOf(reply);
  });
  return h("li", { class: "joinable" }, h("span", {}, h("strong", {}, account.name), h("br"),
    h("span", { class: "meta" }, POLICY[account.join_policy] || "")), status, button);
}

// the section, or null when there is nothing to join
export function joinableSection(accounts) {
  if (accounts.length === 0) return null;
  const error = notice();
  return h("section", { class: "joinable-accounts", "aria-labelledby": "joinable-title" },
    h("h2", { id: "joinable-title" }, t("Accounts you can join")),
    h("p", { class: "hint" }, t("Your email address is at a domain these accounts have verified.")), error,
    h("ul", { class: "account-list" }, accounts.map((account) => choice(account, error))));
}
