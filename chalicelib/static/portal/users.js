// User Management: the three tabs, their sortable tables and each row's actions.

import { clearSession, api } from "./session.js";
import { h, announce, go, dateCell, messageOf, table, ROLE_LABEL, fullName } from "./dom.js";
import { actionsMenu } from "./menu.js";
import { state, isGroupManager, flash, PAGE_SIZE, frame, loadMore, subAccountName } from "./frame.js";
import { openInvite } from "./invite.js";
import { openEditMember } from "./edit-member.js";
import { inviteControl, refreshSeats } from "./seats.js";
import { t, tn, formatNumber } from "./i18n.js";

export const TABS = [
  { key: "active", label: t("Active users") },
  { key: "pending", label: t("Pending invitations") },
  { key: "deactivated", label: t("Deactivated users") },
];

export function renderUserManagement() {
  const tablist = h("div", { role: "tablist", "aria-label": t("Users") }, TABS.map((tab) => h("button", {
    type: "button", role: "tab", id: `tab-${tab.key}`, "aria-controls": "panel",
    "aria-selected": String(tab.key === state.tab), tabindex: tab.key === state.tab ? "0" : "-1",
    onclick: () => selectTab(tab.key),
  }, tab.label, h("span", { class: "count", id: `count-${tab.key}` }, "…"))));
  tablist.addEventListener("keydown", (event) => {
    const index = TABS.findIndex((tab) => tab.key === state.tab);
    const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
    if (event.key === "Home" || event.key === "End" || step) {
      event.preventDefault();
      const next = event.key === "Home" ? 0 : event.key === "End" ? TABS.length - 1 : (index + step + TABS.length) % TABS.length;
      selectTab(TABS[next].key, true);
    }
  });
  const panel = h("div", { class: "panel", role: "tabpanel", id: "panel", "aria-labelledby": `tab-${state.tab}`, tabindex: "0" });
  frame("app", t("User Management"), isGroupManager() ? t("the members of the group you manage") : null,
    inviteControl(openInvite), searchBox(), tablist, panel);
  loadAll();
}

export function selectTab(key, focus = false) {
  state.tab = key;
  for (const tab of TABS) {
    const button = document.getElementById(`tab-${tab.key}`);
    button.setAttribute("aria-selected", String(tab.key === key));
    button.tabIndex = tab.key === key ? 0 : -1;
  }
  if (focus) document.getElementById(`tab-${key}`).focus();
  document.getElementById("panel").setAttribute("aria-labelledby", `tab-${key}`);
  renderPanel();
}

export async function loadMembers(status, more = false) {
  const { sort, order } = state.sorts[status];
  const previous = state.lists[status];
  const cursor = more && previous?.next_cursor ? `&cursor=${encodeURIComponent(previous.next_cursor)}` : "";
  const reply = await api("GET", `/accounts/${state.account.account_id}/members?status=${status}&sort=${sort}&order=${order}&limit=${PAGE_SIZE}${cursor}`);
  if (reply.status !== 200) { state.lists[status] = { items: [], error: messageOf(reply) }; return; }
  state.lists[status] = { items: [...(more ? previous.items : []), ...reply.body.items], next_cursor: reply.body.next_cursor };
}

// pending and expired invitations: two lists of the API, each with its own cursor
export async function loadInvitations(more = false) {
  const base = `/accounts/${state.account.account_id}/invitations?limit=${PAGE_SIZE}`;
  const previous = more ? state.lists.pending : null;
  const fetchOne = (status) => {
    const cursor = previous ? previous.cursors[status] : "";
    if (previous && !cursor) return Promise.resolve({ status: 200, body: { items: [], next_cursor: null } });
    return api("GET", `${base}&status=${status}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
  };
  const [pending, expired] = await Promise.all([fetchOne("pending"), fetchOne("expired")]);
  const items = [...(previous ? previous.items : []), ...[pending, expired].flatMap((r) => (r.status === 200 ? r.body.items : []))];
  const cursors = { pending: pending.body?.next_cursor || null, expired: expired.body?.next_cursor || null };
  state.lists.pending = { items, cursors, next_cursor: cursors.pending || cursors.expired,
    error: pending.status !== 200 ? messageOf(pending) : null };
}

let counted = ""; // the tabs' counts last shown: when they change, so may the seats

export async function loadAll() {
  await Promise.all([loadMembers("active"), loadMembers("deactivated"), loadInvitations(), refreshSeats()]);
  counted = countsShown();
  renderPanel();
}

function countsShown() {
  return TABS.map((tab) => `${state.lists[tab.key]?.items.length}${state.lists[tab.key]?.next_cursor ? "+" : ""}`).join(",");
}

export function updateCounts() {
  for (const tab of TABS) {
    const list = state.lists[tab.key];
    const node = document.getElementById(`count-${tab.key}`);
    if (list && node) node.textContent = `${list.items.length}${list.next_cursor ? "+" : ""}`;
  }
  const now = countsShown();
  if (counted && now !== counted) refreshSeats(); // an invite (its dialog reloads the pending list only)
  counted = now;
}

// the API sorts by the first seven; group, modules and sub-accounts are shown, not sorted
export const MEMBER_COLUMNS = [
  { key: "first_name", label: t("First name") }, { key: "last_name", label: t("Last name") },
  { key: "email", label: t("Email") }, { key: "title", label: t("Title") }, { key: "role", label: t("Role") },
  { key: "group", label: t("Group"), fixed: true }, { key: "modules", label: t("Modules"), fixed: true },
  { key: "sub_accounts", label: t("Sub-accounts"), fixed: true },
  { key: "joined_at", label: t("Joined") }, { key: "last_login_at", label: t("Last sign-in") },
];
export const INVITATION_COLUMNS = [
  { key: "email", label: t("Email") }, { key: "role", label: t("Role") }, { key: "created_at", label: t("Invited") },
  { key: "last_sent_at", label: t("Last sent") }, { key: "expires_at", label: t("Expires") }, { key: "status", label: t("Status") },
];

export function header(columns, tab) {
  const { sort, order } = state.sorts[tab];
  return h("thead", {}, h("tr", {}, columns.map((column) => {
    if (column.fixed) return h("th", { scope: "col" }, column.label);
    const sorted = column.key === sort;
    return h("th", { scope: "col", "aria-sort": sorted ? (order === "asc" ? "ascending" : "descending") : "none" },
      h("button", { type: "button", onclick: () => sortBy(tab, column.key) }, column.label,
        h("span", { class: "sort-mark", "aria-hidden": "true" }, sorted ? (order === "asc" ? "▲" : "▼") : "↕")));
  }), h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, t("Actions")))));
}

export async function sortBy(tab, key) {
  const current = state.sorts[tab];
  state.sorts[tab] = { sort: key, order: current.sort === key && current.order === "asc" ? "desc" : "asc" };
  if (tab !== "pending") await loadMembers(tab);
  renderPanel();
  const label = [...MEMBER_COLUMNS, ...INVITATION_COLUMNS].find((c) => c.key === key).label;
  announce(state.sorts[tab].order === "asc" ? t("Sorted by {column}, ascending", { column: label })
    : t("Sorted by {column}, descending", { column: label }));
  const button = [...document.querySelectorAll("#panel th button")].find((b) => b.firstChild.textContent === label);
  if (button) button.focus();
}

export function renderPanel() {
  updateCounts();
  const panel = document.getElementById("panel");
  const list = state.lists[state.tab];
  if (!list) { panel.replaceChildren(h("p", { class: "empty" }, t("Loading…"))); return; }
  if (list.error) { panel.replaceChildren(h("p", { class: "notice error", role: "alert" }, list.error)); return; }
  const items = matching(list.items);
  const table = state.tab === "pending" ? invitationTable(items) : memberTable(items, state.tab);
  panel.replaceChildren(table);
  if (state.query && list.next_cursor) {
    panel.prepend(h("p", { class: "hint search-scope" }, tn("Searched the {count} loaded; Load more to search the rest.", "Searched the {count} loaded; Load more to search the rest.", list.items.length)));
  }
  if (list.next_cursor) panel.append(loadMore(async () => {
    if (state.tab === "pending") await loadInvitations(true); else await loadMembers(state.tab, true);
    renderPanel();
  }, list.items.length));
}

// the search box: a person's names, email or title, among the rows loaded
function matching(items) {
  const words = (state.query || "").toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return items;
  return items.filter((item) => {
    const text = [item.first_name, item.last_name, item.email, item.title].filter(Boolean).join(" ").toLowerCase();
    return words.every((word) => text.includes(word));
  });
}

export function searchBox() {
  const input = h("input", { type: "search", id: "user-search", name: "q", autocomplete: "off", value: state.query || "",
    oninput: () => { state.query = input.value; renderPanel(); } });
  return h("div", { class: "field search", role: "search" }, h("label", { for: "user-search" }, t("Search users")), input);
}

const modulesText = (m) => {
  if (m.role !== "member") return t("All");
  const grantable = state.permissions.filter((p) => !p.admin_only);
  if (m.permissions.length === 0) return t("None");
  if (grantable.every((p) => m.permissions.includes(p.key))) return t("All");
  const labels = m.permissions.map((key) => (state.permissions.find((p) => p.key === key) || { label: key }).label);
  return labels.length <= 2 ? labels.join(", ") : t("{count} modules", { count: formatNumber(labels.length) });
};
const groupText = (m) => (m.group_id === "default" ? t("Default")
  : m.group_manager ? t("{group} (manager)", { group: groupNamed(m.group_id) }) : groupNamed(m.group_id));
const groupNamed = (id) => (state.groups || []).find((g) => g.group_id === id)?.name || t("Your group");
const scopeCell = (scope) => (scope === "all" ? t("All") : scope.length === 0 ? t("None") : scope.map(subAccountName).join(", "));

export function memberTable(items, tab) {
  if (items.length === 0) {
    if (state.query) return h("p", { class: "empty" }, t("No user matches “{query}”.", { query: state.query }));
    return h("p", { class: "empty" }, tab === "active" ? t("No active users.") : t("No deactivated users."));
  }
  return table(h("caption", { class: "visually-hidden" }, tab === "active" ? t("Active users") : t("Deactivated users")),
    header(MEMBER_COLUMNS, tab),
    h("tbody", {}, items.map((m) => {
      const opens = tab === "active" && canEdit(m);
      // the row opens the user (as the menu's Edit does, which is the keyboard's way)
      return h("tr", { class: opens ? "opens" : null, onclick: opens ? (event) => {
        if (!event.target.closest("button, a, .menu")) openEditMember(m);
      } : null },
        h("td", {}, m.first_name || "—"), h("td", {}, m.last_name || "—"), h("td", { class: "wrap" }, m.email),
        h("td", {}, m.title || "—"), h("td", {}, h("span", { class: `badge ${m.role}` }, ROLE_LABEL[m.role])),
        h("td", {}, groupText(m)), h("td", {}, modulesText(m)), h("td", {}, scopeCell(m.sub_accounts)),
        dateCell(m.joined_at), dateCell(m.last_login_at),
        h("td", { class: "row-actions" }, memberActions(m, tab)));
    })));
}

export function canEdit(member) {
  return member.role !== "owner" && member.user_id !== state.me.user.user_id && !isGroupManager();
}

export function memberActions(member, tab) {
  if (member.role === "owner") return h("span", { class: "hint" }, t("Account owner"));
  if (member.user_id === state.me.user.user_id) return h("span", { class: "hint" }, t("You"));
  if (isGroupManager() && member.group_manager) return h("span", { class: "hint" }, t("Group manager"));
  const who = fullName(member);
  const path = `/accounts/${state.account.account_id}/members/${member.user_id}`;
  const names = { person: who, email: member.email, account: state.account.name };
  const remove = { label: t("Remove"), name: t("Remove {person}", names), danger: true, run: () => confirmThen(
    t("Remove {person} from {account}? They can be invited again later.", names), t("Remove"),
    () => api("DELETE", path), 204, t("{person} was removed.", names)) };
  if (tab === "deactivated") {
    return actionsMenu(t("Actions for {person}", names), [{ label: t("Reactivate"), name: t("Reactivate {person}", names),
      run: () => run(() => api("POST", `${path}/reactivate`), 200, t("{person} was reactivated.", names)) }, remove]);
  }
  return actionsMenu(t("Actions for {person}", names), [
    !isGroupManager() && { label: t("Edit"), name: t("Edit {person}", names), run: () => openEditMember(member) },
    { label: t("Reset password"), name: t("Reset password for {person}", names), run: () => confirmThen(
      t("Email {email} a link to set a new password? Their current password keeps working until they do.", names),
      t("Send reset link"), () => api("POST", `${path}/password-reset`), 202, t("A password reset link was sent to {email}.", names)) },
    { label: t("Sign out everywhere"), name: t("Sign out {person} everywhere", names), run: () => confirmThen(
      t("Sign {person} out of {account} on every device? They can sign in again at once.", names), t("Sign out"),
      () => api("POST", `${path}/sign-out`), 204, t("{person} was signed out of {account}.", names)) },
    { label: t("Deactivate"), name: t("Deactivate {person}", names), danger: true, run: () => confirmThen(
      t("Deactivate {person}? They lose access to {account} at once.", names), t("Deactivate"),
      () => api("POST", `${path}/deactivate`), 200, t("{person} was deactivated.", names)) },
    remove,
  ]);
}

// The Status column shows an invitation's delivery (or Expired), so it sorts by what it shows: its status
// alone is "pending" for every row of the tab, and would leave Queued and Sent in the API's order.
const statusLabel = (inv) => (inv.status === "expired" ? t("Expired")
  : { queued: t("Queued"), sent: t("Sent"), failed: t("Not delivered") }[inv.delivery] || inv.delivery);
const sortValue = (inv, sort) => String((sort === "status" ? statusLabel(inv) : inv[sort]) ?? "");

export function invitationTable(items) {
  if (items.length === 0) return h("p", { class: "empty" }, state.query ? t("No invitation matches “{query}”.", { query: state.query }) : t("No pending invitations."));
  const { sort, order } = state.sorts.pending;
  const sorted = [...items].sort((a, b) => sortValue(a, sort).localeCompare(sortValue(b, sort)) * (order === "asc" ? 1 : -1));
  return table(h("caption", { class: "visually-hidden" }, t("Pending invitations")), header(INVITATION_COLUMNS, "pending"),
    h("tbody", {}, sorted.map((inv) => {
      const path = `/accounts/${state.account.account_id}/invitations/${inv.invitation_id}`;
      return h("tr", {},
        h("td", { class: "wrap" }, inv.email), h("td", {}, h("span", { class: `badge ${inv.role}` }, ROLE_LABEL[inv.role])),
        dateCell(inv.created_at), dateCell(inv.last_sent_at), dateCell(inv.expires_at),
        h("td", {}, h("span", { class: `badge ${inv.status === "expired" ? "expired" : inv.delivery}` },
          statusLabel(inv))),
        h("td", { class: "row-actions" }, actionsMenu(t("Actions for the invitation to {email}", inv), [
          { label: t("Resend"), name: t("Resend the invitation to {email}", inv),
            run: () => run(() => api("POST", `${path}/resend`), 200, t("The invitation to {email} was sent again.", inv)) },
          { label: t("Revoke"), name: t("Revoke the invitation to {email}", inv), danger: true,
            run: () => confirmThen(t("Revoke the invitation to {email}? Its link stops working.", inv), t("Revoke"),
              () => api("DELETE", path), 204, t("The invitation to {email} was revoked.", inv)) }])));
    })));
}

export async function run(call, expected, done) {
  const reply = await call();
  if (reply.status === 401) { clearSession(); return go("login"); }
  if (reply.status !== expected) { flash(messageOf(reply), "error"); return; }
  await loadAll();
  flash(done);
}

export function confirmThen(question, actionLabel, call, expected, done) {
  const opener = document.activeElement;
  const dialog = h("dialog", { "aria-labelledby": "confirm-title" },
    h("form", { method: "dialog" }, h("h2", { id: "confirm-title" }, t("{action}?", { action: actionLabel })), h("p", {}, question),
      h("div", { class: "actions" },
        h("button", { type: "submit", value: "cancel" }, t("Cancel")),
        h("button", { type: "submit", value: "confirm", class: "primary" }, actionLabel))));
  dialog.addEventListener("close", async () => {
    dialog.remove();
    if (dialog.returnValue === "confirm") await run(call, expected, done);
    if (opener && opener.isConnected) return opener.focus();
    const message = document.getElementById("flash"); // the row is gone: the message saying so takes focus
    message.tabIndex = -1;
    message.focus();
  });
  document.body.append(dialog);
  dialog.showModal();
  dialog.querySelector("button[value=cancel]").focus();
}
