// Join requests (Manage users; a group manager sees those that came through links into their group): people
// who asked to join through a verified email domain or an invite link, each approved with the access chosen
// here (what the domain or link grants, shown first) or denied.

import { api } from "./session.js";
import { h, table, dateCell, messageOf, fullName, columnHeads, errorAlert } from "./dom.js";
import { state, flash, frame, openForm, reply401, confirmDo, isGroupManager, isOwner } from "./frame.js";
import { accessChooser } from "./access.js";
import { t } from "./i18n.js";

const STATUSES = [["pending", t("Pending")], ["approved", t("Approved")], ["denied", t("Denied")], ["expired", t("Expired")]];
const BADGES = { pending: "queued", approved: "sent", denied: "failed", expired: "expired" };
const VIA = { domain: t("Their email's domain"), invite_link: t("An invite link") };
const EMPTY = { pending: t("No one is waiting to join. People at your verified email domains who ask to join, and people "
  + "who open an invite link that needs approval, are listed here."), approved: t("No approved requests."),
denied: t("No denied requests."), expired: t("No expired requests (a request lapses after 14 days).") };

export async function renderJoinRequests() {
  const status = h("select", { id: "join-status", name: "status" }, STATUSES.map(([key, label]) => h("option", { value: key }, label)));
  const filters = h("form", { class: "filters one", novalidate: true, "aria-label": t("Filter join requests") },
    h("div", { class: "field" }, h("label", { for: "join-status" }, t("Status")), status));
  const panel = h("div", { class: "panel", id: "panel", "aria-live": "polite" });
  frame("join-requests", t("Join requests"), t("people who asked to join this account"), null, filters, panel);
  const base = `/accounts/${state.account.account_id}/join-requests`;
  const grants = await grantsLookup();
  async function load() {
    const reply = await api("GET", `${base}?status=${status.value}&limit=100`);
    if (reply401(reply)) return;
    if (reply.status !== 200) { panel.replaceChildren(errorAlert(reply)); return; }
    draw(reply.body.items);
  }
  function draw(items) {
    if (items.length === 0) { panel.replaceChildren(h("p", { class: "empty" }, EMPTY[status.value])); return; }
    const pending = status.value === "pending";
    panel.replaceChildren(table(h("caption", { class: "visually-hidden" }, t("Join requests")),
      columnHeads([t("Person"), t("Came through"), t("Asked"), pending ? t("Expires") : t("Status")], pending),
      h("tbody", {}, items.map((request) => row(request, pending, `${base}/${request.join_request_id}`, grants, load)))));
  }
  status.addEventListener("change", load);
  filters.addEventListener("submit", (event) => { event.preventDefault(); load(); });
  await load();
}

function row(request, pending, path, grants, reload) {
  const person = request.user || { email: request.email };
  const who = fullName(person);
  return h("tr", {},
    h("td", { class: "name wrap" }, h("strong", {}, who), who !== request.email ? h("span", {}, request.email) : null),
    h("td", {}, VIA[request.via] || request.via),
    dateCell(request.created_at),
    pending ? dateCell(request.expires_at)
      : h("td", {}, h("span", { class: `badge ${BADGES[request.status]}` }, STATUSES.find(([key]) => key === request.status)[1])),
    pending ? h("td", { class: "row-actions" },
      h("button", { type: "button", class: "small", "aria-label": t("Approve {email}", request),
        onclick: () => openApprove(request, path, grants(request), reload) }, t("Approve")),
      h("button", { type: "button", class: "small danger", "aria-label": t("Deny {email}", request), onclick: () =>
        confirmDo(t("Deny {email}'s request to join {account}? They are told, and may ask again after 7 days.",
          { email: request.email, account: state.account.name }),
        t("Deny"), () => api("POST", `${path}/deny`), 204, t("{email}'s request was denied.", request), reload) }, t("Deny"))) : null);
}

// What a request's domain or link grants, to start the approval from: the links are listed to Manage users,
// the domains to the owner; otherwise the approver starts from nothing chosen.
async function grantsLookup() {
  const base = `/accounts/${state.account.account_id}`;
  if (isGroupManager()) return () => null;
  const [links, domains] = await Promise.all([api("GET", `${base}/invite-links`),
    isOwner() ? api("GET", `${base}/email-domains?limit=100`) : Promise.resolve({ status: 0 })]);
  const linkList = links.status === 200 ? links.body.items : [];
  const domainList = domains.status === 200 ? domains.body.items : [];
  return (request) => {
    if (request.via === "invite_link") {
      const link = linkList.find((l) => l.invite_link_id === request.invite_link_id);
      return link && { group_id: link.group_id || "default", role: "member", permissions: link.permissions, sub_accounts: link.sub_accounts };
    }
    const at = request.email.slice(request.email.lastIndexOf("@") + 1);
    const domain = domainList.find((d) => d.domain === at);
    return domain && { role: "member", permissions: domain.auto_join_permissions, sub_accounts: domain.auto_join_sub_accounts };
  };
}

// The body the API takes: a custom group decides modules and sub-accounts; an Admin holds everything.
function approveBody(chosen, request, granted) {
  if (chosen.group_id !== "default") return { group_id: chosen.group_id };
  // the default group is no stored group: named only to take the person out of the link's custom group
  const group = granted && granted.group_id !== "default" && request.via === "invite_link" ? { group_id: "default" } : {};
  if (chosen.role === "admin") return { ...group, role: "admin" };
  return { ...group, role: "member", permissions: chosen.permissions, sub_accounts: chosen.sub_accounts };
}

function openApprove(request, path, granted, reload) {
  const manager = isGroupManager();
  const access = manager ? null : accessChooser("approve", granted || { sub_accounts: "all" });
  const nodes = [h("p", { class: "hint" }, request.via === "domain" ? t("{email} asked through their email's domain.", request)
    : t("{email} asked through an invite link.", request)),
    manager ? h("p", { class: "notice info" }, t("They join the group you manage, with its modules and sub-accounts."))
      : h("p", { class: "hint" }, granted ? t("Chosen below: what the link or domain grants. Change it before approving if needed.")
        : t("Choose what they may use here.")),
    ...(access ? access.nodes : [])];
  openForm(t("Approve {email}", request), nodes, t("Approve"), async (form, error) => {
    const body = access ? approveBody(access.value(), request, granted) : {};
    const reply = await api("POST", `${path}/approve`, body);
    if (reply401(reply)) return true;
    if (reply.status !== 201) { error.textContent = messageOf(reply); return false; }
    await reload();
    const names = { email: request.email, account: state.account.name };
    flash(request.user ? t("{email} is now a member of {account}.", names) : t("{email} was sent an invitation to {account}.", names));
    return true;
  }, { wide: true });
}
