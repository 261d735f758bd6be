// Invite links (Manage users): a link to share (a team chat, an intranet page) through which people join or,
// by default, ask to join; its address is shown once, when it is made (only its hash is kept). Each link's
// uses of its most, its expiry and its state; revoking one stops it at once.

import { api } from "./session.js";
import { h, field, when, table, dateCell, messageOf, copyField, columnHeads, errorAlert } from "./dom.js";
import { state, frame, openForm, reply401, value, confirmDo, subAccountName } from "./frame.js";
import { moduleBoxes, checked, scopeChooser } from "./choosers.js";
import { t, formatNumber } from "./i18n.js";

export const TOO_MANY = t("This account already has 10 active invite links, the most it may have. Revoke one you no "
  + "longer need (or wait for one to expire or be used up), then create the new one.");
const STATES = { active: ["sent", t("Active")], revoked: ["failed", t("Revoked")], expired: ["expired", t("Expired")], used: ["queued", t("Used up")] };

export function linkState(link, now = Date.now()) {
  if (link.revoked_at) return "revoked";
  if (link.uses >= link.max_uses) return "used";
  return new Date(link.expires_at).getTime() <= now ? "expired" : "active";
}

export async function renderInviteLinks() {
  const panel = h("div", { class: "panel", id: "panel", "aria-live": "polite" });
  frame("invite-links", t("Invite links"), t("links to share, through which people join or ask to join"),
    h("button", { type: "button", class: "primary", onclick: () => openCreate(load) }, t("Create invite link")), panel);
  const base = `/accounts/${state.account.account_id}/invite-links`;
  async function load() {
    const reply = await api("GET", base);
    if (reply401(reply)) return;
    if (reply.status !== 200) { panel.replaceChildren(errorAlert(reply)); return; }
    draw(reply.body.items);
  }
  function draw(items) {
    if (items.length === 0) {
      panel.replaceChildren(h("p", { class: "empty" }, t("No invite links yet. Create one to share with people who should join; by default an admin approves each of them.")));
      return;
    }
    panel.replaceChildren(table(h("caption", { class: "visually-hidden" }, t("Invite links")),
      columnHeads([t("Link"), t("Gives"), t("Uses"), t("Expires"), t("Approval"), t("Status")]),
      h("tbody", {}, items.map((link) => row(link, `${base}/${link.invite_link_id}`, load)))));
  }
  await load();
}

const linkEnd = (link) => `…${link.invite_link_id.slice(-6)}`;

function gives(link) {
  const group = link.group_id && link.group_id !== "default" ? (state.groups || []).find((g) => g.group_id === link.group_id) : null;
  if (group) return t("The group {group}", { group: group.name });
  const modules = link.permissions.map((key) => (state.permissions.find((p) => p.key === key) || { label: key }).label);
  const scope = link.sub_accounts === "all" ? t("all sub-accounts")
    : link.sub_accounts.length ? link.sub_accounts.map(subAccountName).join(", ") : t("no sub-account");
  return t("{modules}; {scope}", { modules: modules.length ? modules.join(", ") : t("No modules"), scope });
}

function row(link, path, reload) {
  const status = linkState(link);
  const [badge, label] = STATES[status];
  const domains = link.allowed_domains ? t("only {domains}", { domains: `@${link.allowed_domains.join(", @")}` }) : null;
  return h("tr", {},
    h("td", { class: "name" }, h("strong", {}, t("Link {end}", { end: linkEnd(link) })), h("span", {}, t("made {date}", { date: when(link.created_at) }))),
    h("td", { class: "wrap" }, gives(link), domains ? h("span", { class: "hint block" }, domains) : null),
    h("td", {}, `${link.uses} / ${link.max_uses}`),
    dateCell(link.expires_at),
    h("td", {}, link.require_approval ? t("Required") : t("Not required")),
    h("td", {}, h("span", { class: `badge ${badge}` }, label)),
    h("td", { class: "row-actions" }, status === "active" ? h("button", { type: "button", class: "small danger",
      "aria-label": t("Revoke the invite link {end}", { end: linkEnd(link) }), onclick: () => confirmDo(
        t("Revoke the invite link {end}? It stops working at once; people who already joined through it stay members.", { end: linkEnd(link) }), t("Revoke"), () => api("DELETE", path), 204, t("The invite link was revoked."), reload) },
    t("Revoke")) : null));
}

function groupSelect() {
  const custom = (state.groups || []).filter((g) => g.group_id !== "default");
  const select = h("select", { id: "link-group", name: "group_id" }, h("option", { value: "default" }, t("Default User Group (the modules chosen here)")),
    custom.map((g) => h("option", { value: g.group_id }, g.name)));
  const node = h("div", { class: "field" }, h("label", { for: "link-group" }, t("User group")), select);
  node.hidden = custom.length === 0;
  return { node, select, group: () => custom.find((g) => g.group_id === select.value) || null };
}

function openCreate(reload) {
  const placement = groupSelect();
  const scope = scopeChooser("link-scope", "all");
  const hint = h("p", { class: "hint", id: "link-modules-hint" }, t("People who join through the link are Users with these modules."));
  const modules = h("fieldset", { "aria-describedby": hint.id }, h("legend", {}, t("Permissions")), hint, moduleBoxes("module"));
  const sync = () => {
    const group = placement.group();
    modules.disabled = Boolean(group);
    for (const box of modules.querySelectorAll("input")) if (group) box.checked = group.permissions.includes(box.value);
    scope.preview(group ? group.sub_accounts : null);
    hint.textContent = group ? t("Members of {group} hold its modules and reach its sub-accounts.", { group: group.name })
      : t("People who join through the link are Users with these modules.");
  };
  placement.select.addEventListener("change", sync);
  const nodes = [placement.node, modules, scope.node,
    h("div", { class: "row" }, field(t("Most uses"), { type: "number", name: "max_uses", value: "25", min: 1, max: 1000, required: true }, "1 to 1,000 people."),
      field(t("Expires in (days)"), { type: "number", name: "expires_in_days", value: "7", min: 1, max: 30, required: true }, "1 to 30 days.")),
    field(t("Only for these email domains (optional)"), { name: "allowed_domains", autocomplete: "off", placeholder: "example.com, example.org" },
      t("Separated by commas. Empty: any address may use the link.")),
    h("label", { class: "check" }, h("input", { type: "checkbox", name: "require_approval", checked: true, "aria-describedby": "link-approval-hint" }),
      t("An admin approves each person")),
    h("p", { class: "hint", id: "link-approval-hint" }, t("Recommended: anyone who gets hold of the link can use it. Without approval they join at once."))];
  openForm(t("Create invite link"), nodes, t("Create link"), async (form, error) => {
    const body = createBody(form, placement.group(), scope);
    if (typeof body === "string") { error.textContent = body; return false; }
    const reply = await api("POST", `/accounts/${state.account.account_id}/invite-links`, body);
    if (reply401(reply)) return true;
    if (reply.status === 409) { error.textContent = TOO_MANY; return false; }
    if (reply.status !== 201) { error.textContent = messageOf(reply); return false; }
    await reload();
    setTimeout(() => showUrl(reply.body));
    return true;
  }, { wide: true });
}

// the body the API takes, or what is wrong with the form
function createBody(form, group, scope) {
  const maxUses = Number(value(form, "max_uses"));
  const days = Number(value(form, "expires_in_days"));
  if (!Number.isInteger(maxUses) || maxUses < 1 || maxUses > 1000) return t("Most uses: a whole number from 1 to 1,000.");
  if (!Number.isInteger(days) || days < 1 || days > 30) return t("Expires in: a whole number of days from 1 to 30.");
  const domains = value(form, "allowed_domains").split(/[\s,;]+/).map((d) => d.replace(/^@/, "")).filter(Boolean);
  const body = { max_uses: maxUses, expires_in_days: days, allowed_domains: domains.length ? domains : null,
    require_approval: form.elements.require_approval.checked };
  if (group) return { ...body, group_id: group.group_id };
  const sub = scope.value();
  if (Array.isArray(sub) && sub.length === 0) return t("Choose at least one sub-account, or all of them.");
  return { ...body, permissions: checked(form, "module"), sub_accounts: sub };
}

function showUrl(link) {
  openForm(t("Your invite link"), [
    h("p", { class: "notice info" }, link.max_uses === 1
      ? t("Copy it now: it is shown only this once. Anyone who has it can use it until it expires, is used once or is revoked.")
      : t("Copy it now: it is shown only this once. Anyone who has it can use it until it expires, is used {count} times or is revoked.",
        { count: formatNumber(link.max_uses) })),
    copyField(t("Link"), "invite-link-url", link.url, { copy: t("Copy the link"), copied: t("Link copied."), select: t("Select the link and copy it.") }),
    h("p", { class: "hint" }, link.require_approval ? t("Each person who uses it waits for an admin's approval under Join requests.")
      : t("People who use it join at once.")),
  ], null, null, { wide: true });
}
