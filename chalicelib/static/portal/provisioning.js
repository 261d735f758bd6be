// Provisioning (the owner): connecting the company's identity provider (Okta, Microsoft Entra ID) over SCIM
// 2.0: the base URL the directory calls, and the bearer tokens it calls with. A token is shown once, when it
// is made (only its hash is kept); two may be active at once so a directory can move to a new one before
// the old one is revoked.

import { api, API } from "./session.js";
import { h, when, table, dateCell, messageOf, copyField, columnHeads, errorAlert } from "./dom.js";
import { state, frame, openForm, reply401, confirmDo } from "./frame.js";

export const TOO_MANY = "This account already has 2 active SCIM tokens, the most it may have. Revoke the one your "
  + "directory no longer uses, then create the new one.";

export const scimBase = (accountId) => new URL(`scim/v2/${encodeURIComponent(accountId)}`, API).href;

export async function renderProvisioning() {
  const panel = h("div", { class: "panel", id: "panel", "aria-live": "polite" });
  frame("provisioning", "Provisioning", "your identity provider (Okta, Microsoft Entra ID) manages this account's users",
    h("button", { type: "button", class: "primary", onclick: () => create(load) }, "Create SCIM token"),
    h("section", { class: "panel", "aria-labelledby": "scim-connect" },
      h("h2", { id: "scim-connect" }, "Connect your directory"),
      h("p", {}, "In your identity provider's SCIM provisioning settings, give this base URL (Okta: SCIM connector "
        + "base URL; Microsoft Entra ID: Tenant URL) and a SCIM token below as the bearer token. It creates users "
        + "only at your verified email domains, and removing someone there takes them out of this account only."),
      copyField("SCIM base URL", "scim-base-url", scimBase(state.account.account_id))),
    panel);
  const base = `/accounts/${state.account.account_id}/scim-tokens`;
  async function load() {
    const reply = await api("GET", base);
    if (reply401(reply)) return;
    if (reply.status !== 200) { panel.replaceChildren(errorAlert(reply)); return; }
    draw(reply.body.items);
  }
  function draw(items) {
    if (items.length === 0) {
      panel.replaceChildren(h("p", { class: "empty" }, "No SCIM tokens yet. Create one and give it to your identity provider."));
      return;
    }
    panel.replaceChildren(table(h("caption", { class: "visually-hidden" }, "SCIM tokens"),
      columnHeads(["Token", "Created", "Last used"]),
      h("tbody", {}, items.map((token) => row(token, `${base}/${encodeURIComponent(token.scim_token_id)}`, load)))));
  }
  await load();
}

const tokenName = (token) => `the SCIM token …${token.scim_token_id.slice(-6)}`;

function row(token, path, reload) {
  return h("tr", {},
    h("td", { class: "name" }, h("strong", {}, `Token …${token.scim_token_id.slice(-6)}`),
      h("span", {}, token.created_by ? "" : "made by your hosting provider")),
    dateCell(token.created_at),
    token.last_used_at ? h("td", { class: "date" }, h("time", { datetime: token.last_used_at }, when(token.last_used_at)))
      : h("td", { class: "date" }, "Never"),
    h("td", { class: "row-actions" }, h("button", { type: "button", class: "small danger",
      "aria-label": `Revoke ${tokenName(token)}`, onclick: () => confirmDo(`Revoke ${tokenName(token)}? It stops working at `
        + "once: a directory still calling with it is refused. The users it provisioned stay.", "Revoke",
      () => api("DELETE", path), 204, "The SCIM token was revoked.", reload) }, "Revoke")));
}

function create(reload) {
  openForm("Create SCIM token", [
    h("p", {}, "The token lets your identity provider create, change and remove this account's users. It is "
      + "shown once, right after it is made."),
  ], "Create token", async (_form, error) => {
    const reply = await api("POST", `/accounts/${state.account.account_id}/scim-tokens`);
    if (reply401(reply)) return true;
    if (reply.status === 409) { error.textContent = TOO_MANY; return false; }
    if (reply.status !== 201) { error.textContent = messageOf(reply); return false; }
    await reload();
    setTimeout(() => showToken(reply.body));
    return true;
  });
}

function showToken(made) {
  openForm("Your SCIM token", [
    h("p", { class: "notice info" }, "Copy it now: it will not be shown again. Anyone who has it can manage this "
      + "account's users through SCIM until it is revoked."),
    copyField("Token", "scim-token", made.token),
    h("p", { class: "hint" }, "Okta: HTTP Header authorization, \"Bearer\" and the token. Microsoft Entra ID: the "
      + "Secret Token field, the token alone."),
  ], null, null, { wide: true });
}
