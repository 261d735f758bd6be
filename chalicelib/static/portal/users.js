// User Management: the three tabs, their sortable tables and each row's actions.

import { clearSession, api } from "./session.js";
import { h, announce, go, dateCell, messageOf, table, ROLE_LABEL, fullName } from "./dom.js";
import { actionsMenu } from "./menu.js";
import { state, isGroupManager, flash, PAGE_SIZE, frame, loadMore, subAccountName } from "./frame.js";
import { openInvite } from "./invite.js";
import { openEditMember } from "./edit-member.js";
import { inviteControl, refreshSeats } from "./seats.js";

export const TABS = [
  { key: "active", label: "Active users" },
  { key: "pending", label: "Pending invitations" },
  { key: "deactivated", label: "Deactivated users" },
];

export function renderUserManagement() {
  const tablist = h("div", { role: "tablist", "aria-label": "Users" }, TABS.map((tab) => h("button", {
    type: "button", role: "tab", id: `tab-${tab.key}`, "aria-controls": "panel",
    "aria-selected": String(tab.key === state.tab), tabindex: tab.key === state.tab ? "0" : "-1",
    onclick: () => selectTab(tab.key),
  }, tab.label, h("span", { class: "count", id: `count-${tab.key}` }, "…"))));
  tablist.addEventListener("keydown", (event) => {
    const index = TABS.findIndex((t) => t.key === state.tab);
    const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
    if (event.key === "Home" || event.key === "End" || step) {
      event.preventDefault();
      const next = event.key === "Home" ? 0 : event.key === "End" ? TABS.length - 1 : (index + step + TABS.length) % TABS.length;
      selectTab(TABS[next].key, true);
    }
  });
  const panel = h("div", { class: "panel", role: "tabpanel", id: "panel", "aria-labelledby": `tab-${state.tab}`, tabindex: "0" });
  frame("app", "User Management", isGroupManager() ? "the members of the group you manage" : null,
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
  { key: "first_name", label: "First name" }, { key: "last_name", label: "Last name" },
  { key: "email", label: "Email" }, { key: "title", label: "Title" }, { key: "role", label: "Role" },
  { key: "group", label: "Group", fixed: true }, { key: "modules", label: "Modules", fixed: true },
  { key: "sub_accounts", label: "Sub-accounts", fixed: true },
  { key: "joined_at", label: "Joined" }, { key: "last_login_at", label: "Last sign-in" },
];
export const INVITATION_COLUMNS = [
  { key: "email", label: "Email" }, { key: "role", label: "Role" }, { key: "created_at", label: "Invited" },
  { key: "last_sent_at", label: "Last sent" }, { key: "expires_at", label: "Expires" }, { key: "status", label: "Status" },
];

export function header(columns, tab) {
  const { sort, order } = state.sorts[tab];
  return h("thead", {}, h("tr", {}, columns.map((column) => {
    if (column.fixed) return h("th", { scope: "col" }, column.label);
    const sorted = column.key === sort;
    return h("th", { scope: "col", "aria-sort": sorted ? (order === "asc" ? "ascending" : "descending") : "none" },
      h("button", { type: "button", onclick: () => sortBy(tab, column.key) }, column.label,
        h("span", { class: "sort-mark", "aria-hidden": "true" }, sorted ? (order === "asc" ? "▲" : "▼") : "↕")));
  }), h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, "Actions"))));
}

export async function sortBy(tab, key) {
  const current = state.sorts[tab];
  state.sorts[tab] = { sort: key, order: current.sort === key && current.order === "asc" ? "desc" : "asc" };
  if (tab !== "pending") await loadMembers(tab);
  renderPanel();
  const label = [...MEMBER_COLUMNS, ...INVITATION_COLUMNS].find((c) => c.key === key).label;
  announce(`Sorted by ${label}, ${state.sorts[tab].order === "asc" ? "ascending" : "descending"}`);
  const button = [...document.querySelectorAll("#panel th button")].find((b) => b.firstChild.textContent === label);
  if (button) button.focus();
}

export function renderPanel() {
  updateCounts();
  const panel = document.getElementById("panel");
  const list = state.lists[state.tab];
  if (!list) { panel.replaceChildren(h("p", { class: "empty" }, "Loading…")); return; }
  if (list.error) { panel.replaceChildren(h("p", { class: "notice error", role: "alert" }, list.error)); return; }
  const items = matching(list.items);
  const table = state.tab === "pending" ? invitationTable(items) : memberTable(items, state.tab);
  panel.replaceChildren(table);
  if (state.query && list.next_cursor) {
    panel.prepend(h("p", { class: "hint search-scope" }, `Searched the ${list.items.length} loaded; Load more to search the rest.`));
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
  return h("div", { class: "field search", role: "search" }, h("label", { for: "user-search" }, "Search users"), input);
}

const modulesText = (m) => {
  if (m.role !== "member") return "All";
  const grantable = state.permissions.filter((p) => !p.admin_only);
  if (m.permissions.length === 0) return "None";
  if (grantable.every((p) => m.permissions.includes(p.key))) return "All";
  const labels = m.permissions.map((key) => (state.permissions.find((p) => p.key === key) || { label: key }).label);
  return labels.length <= 2 ? labels.join(", ") : `${labels.length} modules`;
};
const groupText = (m) => (m.group_id === "default" ? "Default"
  : ((state.groups || []).find((g) => g.group_id === m.group_id)?.name || "Your group") + (m.group_manager ? " (manager)" : ""));
const scopeCell = (scope) => (scope === "all" ? "All" : scope.length === 0 ? "None" : scope.map(subAccountName).join(", "));

export function memberTable(items, tab) {
  if (items.length === 0) {
    if (state.query) return h("p", { class: "empty" }, `No user matches “${state.query}”.`);
    return h("p", { class: "empty" }, tab === "active" ? "No active users." : "No deactivated users.");
  }
  return table(h("caption", { class: "visually-hidden" }, tab === "active" ? "Active users" : "Deactivated users"),
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
  if (member.role === "owner") return h("span", { class: "hint" }, "Account owner");
  if (member.user_id === state.me.user.user_id) return h("span", { class: "hint" }, "You");
  if (isGroupManager() && member.group_manager) return h("span", { class: "hint" }, "Group manager");
  const who = fullName(member);
  const path = `/accounts/${state.account.account_id}/members/${member.user_id}`;
  const remove = { label: "Remove", name: `Remove ${who}`, danger: true, run: () => confirmThen(
    `Remove ${who} from ${state.account.name}? They can be invited again later.`, "Remove",
    () => api("DELETE", path), 204, `${who} was removed.`) };
  if (tab === "deactivated") {
    return actionsMenu(`Actions for ${who}`, [{ label: "Reactivate", name: `Reactivate ${who}`,
      run: () => run(() => api("POST", `${path}/reactivate`), 200, `${who} was reactivated.`) }, remove]);
  }
  return actionsMenu(`Actions for ${who}`, [
    !isGroupManager() && { label: "Edit", name: `Edit ${who}`, run: () => openEditMember(member) },
    { label: "Reset password", name: `Reset password for ${who}`, run: () => confirmThen(
      `Email ${member.email} a link to set a new password? Their current password keeps working until they do.`,
      "Send reset link", () => api("POST", `${path}/password-reset`), 202, `A password reset link was sent to ${member.email}.`) },
    { label: "Sign out everywhere", name: `Sign out ${who} everywhere`, run: () => confirmThen(
      `Sign ${who} out of ${state.account.name} on every device? They can sign in again at once.`, "Sign out",
      () => api("POST", `${path}/sign-out`), 204, `${who} was signed out of ${state.account.name}.`) },
    { label: "Deactivate", name: `Deactivate ${who}`, danger: true, run: () => confirmThen(
      `Deactivate ${who}? They lose access to ${state.account.name} at once.`, "Deactivate",
      () => api("POST", `${path}/deactivate`), 200, `${who} was deactivated.`) },
    remove,
  ]);
}

export function invitationTable(items) {
  if (items.length === 0) return h("p", { class: "empty" }, state.query ? `No invitation matches “${state.query}”.` : "No pending invitations.");
  const { sort, order } = state.sorts.pending;
  const sorted = [...items].sort((a, b) => String(a[sort] ?? "").localeCompare(String(b[sort] ?? "")) * (order === "asc" ? 1 : -1));
  return table(h("caption", { class: "visually-hidden" }, "Pending invitations"), header(INVITATION_COLUMNS, "pending"),
    h("tbody", {}, sorted.map((inv) => {
      const path = `/accounts/${state.account.account_id}/invitations/${inv.invitation_id}`;
      return h("tr", {},
        h("td", { class: "wrap" }, inv.email), h("td", {}, h("span", { class: `badge ${inv.role}` }, ROLE_LABEL[inv.role])),
        dateCell(inv.created_at), dateCell(inv.last_sent_at), dateCell(inv.expires_at),
        h("td", {}, h("span", { class: `badge ${inv.status === "expired" ? "expired" : inv.delivery}` },
          inv.status === "expired" ? "Expired" : { queued: "Queued", sent: "Sent", failed: "Not delivered" }[inv.delivery] || inv.delivery)),
        h("td", { class: "row-actions" }, actionsMenu(`Actions for the invitation to ${inv.email}`, [
          { label: "Resend", name: `Resend the invitation to ${inv.email}`,
            run: () => run(() => api("POST", `${path}/resend`), 200, `The invitation to ${inv.email} was sent again.`) },
          { label: "Revoke", name: `Revoke the invitation to ${inv.email}`, danger: true,
            run: () => confirmThen(`Revoke the invitation to ${inv.email}? Its link stops working.`, "Revoke",
              () => api("DELETE", path), 204, `The invitation to ${inv.email} was revoked.`) }])));
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
    h("form", { method: "dialog" }, h("h2", { id: "confirm-title" }, `${actionLabel}?`), h("p", {}, question),
      h("div", { class: "actions" },
        h("button", { type: "submit", value: "cancel" }, "Cancel"),
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
