// Provisioning (the owner): connecting the company's identity provider (Okta, Microsoft Entra ID) over SCIM
// 2.0: the base URL the directory calls, and the bearer tokens it calls with. A token is shown once, when it
// is made (only its hash is kept); two may be active at once so a directory can move to a new one before
// the old one is revoked.

import { api, API } from "./session.js";
import { h, when, table, dateCell, messageOf, copyField, columnHeads, errorAlert } from "./dom.js";
import { state, frame, openForm, reply401, confirmDo } from "./frame.js";
import { t } from "./i18n.js";

export const TOO_MANY = t("This account already has 2 active SCIM tokens, the most it may have. Revoke the one your "
  + "directory no longer uses, then create the new one.");

export const scimBase = (accountId) => new URL(`scim/v2/${encodeURIComponent(accountId)}`, API).href;

export async function renderProvisioning() {
  const panel = h("div", { class: "panel", id: "panel", "aria-live": "polite" });
  frame("provisioning", t("Provisioning"), t("your identity provider (Okta, Microsoft Entra ID) manages this account's users"),
    h("button", { type: "button", class: "primary", onclick: () => create(load) }, t("Create SCIM token")),
    h("section", { class: "panel", "aria-labelledby": "scim-connect" },
      h("h2", { id: "scim-connect" }, t("Connect your directory")),
      h("p", {}, t("In your identity provider's SCIM provisioning settings, give this base URL (Okta: SCIM connector "
        + "base URL; Microsoft Entra ID: Tenant URL) and a SCIM token below as the bearer token. It creates users "
        + "only at your verified email domains, and removing someone there takes them out of this account only.")),
      copyField(t("SCIM base URL"), "scim-base-url", scimBase(state.account.account_id), { copy: t("Copy the SCIM base URL"),
        copied: t("SCIM base URL copied."), select: t("Select the SCIM base URL and copy it.") })),
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
      panel.replaceChildren(h("p", { class: "empty" }, t("No SCIM tokens yet. Create one and give it to your identity provider.")));
      return;
    }
    panel.replaceChildren(table(h("caption", { class: "visually-hidden" }, t("SCIM tokens")),
      columnHeads([t("Token"), t("Created"), t("Last used")]),
      h("tbody", {}, items.map((token) => row(token, `${base}/${encodeURIComponent(token.scim_token_id)}`, load)))));
  }
  await load();
}

const tokenEnd = (token) => `…${token.scim_token_id.slice(-6)}`;

function row(token, path, reload) {
  return h("tr", {},
    h("td", { class: "name" }, h("strong", {}, t("Token {end}", { end: tokenEnd(token) })),
      h("span", {}, token.created_by ? "" : t("made by your hosting provider"))),
    dateCell(token.created_at),
    token.last_used_at ? h("td", { class: "date" }, h("time", { datetime: token.last_used_at }, when(token.last_used_at)))
      : h("td", { class: "date" }, t("Never")),
    h("td", { class: "row-actions" }, h("button", { type: "button", class: "small danger",
      "aria-label": t("Revoke the SCIM token {end}", { end: tokenEnd(token) }), onclick: () => confirmDo(t("Revoke the SCIM token {end}? It "
        + "stops working at once: a directory still calling with it is refused. The users it provisioned stay.", { end: tokenEnd(token) }), t("Revoke"),
      () => api("DELETE", path), 204, t("The SCIM token was revoked."), reload) }, t("Revoke"))));
}

function create(reload) {
  openForm(t("Create SCIM token"), [
    h("p", {}, t("The token lets your identity provider create, change and remove this account's users. It is "
      + "shown once, right after it is made.")),
  ], t("Create token"), async (_form, error) => {
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
  openForm(t("Your SCIM token"), [
    h("p", { class: "notice info" }, t("Copy it now: it will not be shown again. Anyone who has it can manage this "
      + "account's users through SCIM until it is revoked.")),
    copyField(t("Token"), "scim-token", made.token, { copy: t("Copy the token"), copied: t("Token copied."), select: t("Select the token and copy it.") }),
    h("p", { class: "hint" }, t("Okta: HTTP Header authorization, “Bearer” and the token. Microsoft Entra ID: the "
      + "Secret Token field, the token alone.")),
  ], null, null, { wide: true });
}
