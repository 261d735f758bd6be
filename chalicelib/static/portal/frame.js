// The signed-in portal's frame: who is signed in where, the screens they may use, the sidebar and heading,
// one flash message, and the dialogs and lists every screen shares.

import { PORTAL, session, saveSession, clearSession, api } from "./session.js";
import { t, settleLocale, chosenLocale } from "./i18n.js";
import { h, show, announce, go, notice, messageOf, messageCard, submitting, nextId, errorAlert } from "./dom.js";
import { enter, renderChooseAccount } from "./signin.js";
import { renderUserManagement } from "./users.js";
import { renderContacts } from "./contacts.js";
import { renderGroups } from "./groups.js";
import { renderProfile } from "./profile.js";
import { renderAudit } from "./audit.js";
import { renderWebhooks } from "./webhooks.js";
import { renderSecurity } from "./security.js";
import { renderAccountSettings } from "./account.js";
import { renderDomains } from "./domains.js";
import { renderJoinRequests } from "./join-requests.js";
import { renderInviteLinks } from "./invite-links.js";
import { renderProvisioning } from "./provisioning.js";
import { applyBrand, useDefaultBrand, setTitle } from "./brand.js";

export const state = { me: null, account: null, self: null, permissions: [], tab: "active",
  sorts: { active: { sort: "email", order: "asc" }, deactivated: { sort: "email", order: "asc" },
    pending: { sort: "email", order: "asc" } }, lists: {} };

export async function renderApp() {
  const current = session();
  if (!current || !current.token) return go("login");
  const [me, catalog] = await Promise.all([api("GET", "/me"), api("GET", "/permissions")]);
  if (me.status === 401) { clearSession(); return go("login"); }
  if (me.status !== 200) return messageCard(t("Something went wrong"), messageOf(me), t("Sign in again"), "login", "error");
  state.me = me.body;
  // the page's language: the user's own, else this browser's choice, else the account's default (read below)
  const own = me.body.user.locale || chosenLocale();
  if (own && settleLocale(own)) return; // reloading in it
  state.permissions = catalog.status === 200 ? catalog.body.permissions : [];
  const accounts = me.body.accounts;
  state.account = accounts.find((a) => a.account_id === current.account_id) || null;
  if (!state.account && current.account_id && me.body.accounts_cursor) {
    // chosen past the first page (GET /me lists 50): the account itself says its name to a member
    const chosen = await api("GET", `/accounts/${encodeURIComponent(current.account_id)}`);
    if (chosen.status === 200) state.account = { account_id: chosen.body.account_id, name: chosen.body.name };
  }
  if (!state.account) {
    const cursor = me.body.accounts_cursor;
    if (accounts.length === 1 && !cursor) { state.account = accounts[0]; saveSession({ ...current, account_id: accounts[0].account_id }); }
    else if (accounts.length > 0) { useDefaultBrand(); renderSessionNav(); return renderChooseAccount(accounts, cursor); }
    else { useDefaultBrand(); renderSessionNav(); return enter([]); }
  }
  if (state.account.mfa_required) { useDefaultBrand(); return renderMfaRequired(); }
  const base = `/accounts/${state.account.account_id}`;
  // the account comes alongside (no extra round trip): its brand, and its language for a user who chose none
  const [self, subAccounts, account] = await Promise.all([api("GET", `${base}/members/${state.me.user.user_id}`),
    api("GET", `${base}/sub-accounts?limit=100`), api("GET", base)]);
  if (account.status === 200) applyBrand(account.body.brand); else useDefaultBrand();
  if (!own && settleLocale(account.status === 200 ? account.body.default_locale : null)) return;
  state.self = self.status === 200 ? self.body : null;
  state.subAccounts = subAccounts.status === 200 ? subAccounts.body.items : [];
  if (canManageUsers()) {
    const groups = await api("GET", `${base}/groups?limit=100`);
    state.groups = groups.status === 200 ? groups.body.items : [];
  }
  renderSessionNav();
  let view = SCREENS[document.body.dataset.page] || SCREENS.app;
  if (!view.allowed() && document.body.dataset.page === "app") {
    // the portal's home, for someone who may not manage users: the first screen they may use, at its address
    const [first, path] = NAV.find(([key]) => SCREENS[key].allowed());
    history.replaceState(null, "", new URL(path, PORTAL));
    document.body.dataset.page = first;
    view = SCREENS[first];
  }
  if (!view.allowed()) return frame(document.body.dataset.page, view.title, null, null,
    h("div", { class: "notice info", role: "status" }, view.refusal));
  view.render();
}

// This account's policy wants a second factor this session was not signed in with: its screens answer 403
// mfa_required, so say so and point to Your info (which works) rather than show empty screens.
function renderMfaRequired() {
  state.self = null;
  renderSessionNav();
  if (document.body.dataset.page === "profile") return SCREENS.profile.render();
  frame(document.body.dataset.page, t("Two-step sign-in required"), null, null,
    h("div", { class: "notice error", role: "alert", id: "mfa-required" },
      t("{account} requires two-step sign-in. Add a second factor under Your info, then sign out and sign in with it to use this account.",
        { account: state.account.name }), " ",
      h("a", { href: new URL("profile", PORTAL).href }, t("Go to Your info"))));
}

export function renderSessionNav() {
  const nav = document.getElementById("session-nav");
  const accounts = state.me ? state.me.accounts : [];
  const items = [];
  if (!state.me) {
    const onLogin = document.body.dataset.page === "login";
    nav.replaceChildren(...(onLogin ? [] : [h("a", { class: "button small", href: new URL("login", PORTAL) }, t("Sign in"))]));
    return;
  }
  items.push(h("span", { class: "who" }, state.me.user.email));
  const more = Boolean(state.me.accounts_cursor);
  if ((accounts.length > 1 || more) && state.account) {
    // the first page's accounts, the current one (chosen past them), and the chooser for all the others
    const shown = accounts.some((a) => a.account_id === state.account.account_id) ? accounts : [state.account, ...accounts];
    const options = shown.map((a) => h("option", { value: a.account_id, selected: a.account_id === state.account.account_id }, a.name));
    if (more) options.push(h("option", { value: "" }, t("More accounts…")));
    const select = h("select", { id: "account-switch", "aria-label": t("Account"), onchange: (event) => {
      saveSession({ ...session(), account_id: event.target.value || null });
      go("./");
    } }, options);
    items.push(select);
  }
  items.push(h("button", { type: "button", class: "small", onclick: signOut }, t("Sign out")));
  nav.replaceChildren(...items);
}

export async function signOut() {
  await api("POST", "/auth/logout");
  clearSession();
  go("login");
}

// a group manager (without Manage users) manages the members of their own group: the API shows them only those
export function isGroupManager() {
  return Boolean(state.self && state.self.group_manager && !canManageUsers());
}

export function canManageUsers() {
  return Boolean(state.self && state.self.permissions.includes("user_management"));
}

export function flash(text, kind = "ok") {
  const node = document.getElementById("flash");
  node.className = `notice ${kind}`;
  node.setAttribute("role", kind === "error" ? "alert" : "status");
  node.textContent = text;
  announce(text);
}

export const PAGE_SIZE = 50;

export const hasPermission = (key) => Boolean(state.self && state.self.permissions.includes(key));
export const isOwner = () => Boolean(state.self && state.self.role === "owner");

// the titles and refusals are getters: read in the page's language of the moment (a user's own may replace it)
export const SCREENS = {
  app: { get title() { return t("User Management"); }, allowed: () => canManageUsers() || isGroupManager(), render: () => renderUserManagement(),
    get refusal() { return t("You are signed in, but managing users needs the User management permission at this account."); } },
  groups: { get title() { return t("Groups"); }, allowed: () => canManageUsers(), render: () => renderGroups(),
    get refusal() { return t("User groups are managed by people with the Manage users permission."); } },
  contacts: { get title() { return t("Contacts"); }, allowed: () => hasPermission("contacts"), render: () => renderContacts(),
    get refusal() { return t("Contacts need the Manage contacts permission at this account."); } },
  audit: { get title() { return t("Audit log"); }, allowed: () => canManageUsers(), render: () => renderAudit(),
    get refusal() { return t("The audit log is for people with the Manage users permission."); } },
  webhooks: { get title() { return t("Webhooks"); }, allowed: () => isOwner(), render: () => renderWebhooks(),
    get refusal() { return t("Webhooks are managed by the account's owner."); } },
  account: { get title() { return t("Account settings"); }, allowed: () => hasPermission("profile"), render: () => renderAccountSettings(),
    get refusal() { return t("Account settings need the Edit account profile permission at this account."); } },
  domains: { get title() { return t("Email domains"); }, allowed: () => isOwner(), render: () => renderDomains(),
    get refusal() { return t("Email domains are managed by the account's owner."); } },
  "join-requests": { get title() { return t("Join requests"); }, allowed: () => canManageUsers() || isGroupManager(), render: () => renderJoinRequests(),
    get refusal() { return t("Join requests are decided by people with the Manage users permission, or a group's manager."); } },
  "invite-links": { get title() { return t("Invite links"); }, allowed: () => canManageUsers(), render: () => renderInviteLinks(),
    get refusal() { return t("Invite links are made by people with the Manage users permission."); } },
  provisioning: { get title() { return t("Provisioning"); }, allowed: () => isOwner(), render: () => renderProvisioning(),
    get refusal() { return t("Provisioning (SCIM) is set up by the account's owner."); } },
  security: { get title() { return t("Security"); }, allowed: () => isOwner(), render: () => renderSecurity(),
    get refusal() { return t("The account's security policy is set by its owner."); } },
  profile: { get title() { return t("Your info"); }, allowed: () => true, render: () => renderProfile(), refusal: "" },
};
// the sidebar's order: [screen, its address]; each link is named by its screen's title
export const NAV = [["app", ""], ["groups", "groups"], ["contacts", "contacts"], ["audit", "audit"], ["webhooks", "webhooks"],
  ["account", "account"], ["domains", "domains"], ["join-requests", "join-requests"], ["invite-links", "invite-links"],
  ["provisioning", "provisioning"], ["security", "security"], ["profile", "profile"]];

export function sidebar(current) {
  const links = NAV.filter(([view]) => SCREENS[view].allowed()).map(([view, path]) =>
    h("a", { href: new URL(path, PORTAL).href, "aria-current": view === current ? "page" : null }, SCREENS[view].title));
  return h("nav", { class: "sidebar", "aria-label": t("Portal") }, h("h2", {}, t("Configuration")), links);
}

export function frame(view, title, lead, action, ...body) {
  setTitle(title);
  const head = h("div", { class: "page-head" },
    h("div", {}, h("h1", {}, title), h("p", {}, lead ? `${state.account.name} · ${lead}` : state.account.name)), action);
  const message = h("div", { class: "notice ok", role: "status", id: "flash" });
  show(h("div", { class: "layout" }, sidebar(view), h("div", { class: "content" }, head, message, ...body)));
}

export function loadMore(onMore, shown) {
  const button = h("button", { type: "button", class: "more" }, t("Load more"));
  button.addEventListener("click", async () => {
    button.disabled = true;
    await onMore();
    announce(t("More rows loaded."));
    const rows = document.querySelectorAll("#panel tbody tr, .panel tbody tr");
    const next = rows[shown];
    if (next) { next.tabIndex = -1; next.focus(); }
  });
  return h("p", { class: "more-row" }, button);
}

// a dialog with one form; `submit` returns true when it is done (the dialog closes)
export function openForm(title, nodes, submitLabel, submit, { danger = false, wide = false } = {}) {
  const opener = document.activeElement;
  const error = notice();
  const titleId = `dialog-title-${nextId()}`;
  const form = h("form", { novalidate: true }, h("h2", { id: titleId }, title), error, ...nodes,
    h("div", { class: "actions" },
      h("button", { type: "button", onclick: () => dialog.close() }, submitLabel ? t("Cancel") : t("Close")),
      submitLabel ? h("button", { type: "submit", class: danger ? "primary danger-fill" : "primary" }, submitLabel) : null));
  const dialog = h("dialog", { "aria-labelledby": titleId, class: wide ? "wide" : null }, form);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!submitLabel) return;
    submitting(form, async () => {
      error.textContent = "";
      if (await submit(form, error)) dialog.close();
    });
  });
  dialog.addEventListener("close", () => {
    dialog.remove();
    if (opener && opener.isConnected) opener.focus();
    else { const node = document.getElementById("flash"); if (node) { node.tabIndex = -1; node.focus(); } }
  });
  document.body.append(dialog);
  dialog.showModal();
  const first = form.querySelector("input:not([disabled]):not([type=hidden]), textarea, select");
  (first || form.querySelector("button")).focus();
  return { dialog, form, error };
}

export function reply401(reply) {
  if (reply.status === 401) { clearSession(); go("login"); return true; }
  return false;
}

export const value = (form, name) => form.elements[name].value.trim();
export const orNull = (text) => (text === "" ? null : text);

// The first page of a list again, or (more) the next one appended; false when it failed (shown in panel).
export async function fetchPage(list, more, path, panel) {
  const cursor = more && list.next_cursor ? `&cursor=${encodeURIComponent(list.next_cursor)}` : "";
  const reply = await api("GET", `${path}${cursor}`);
  if (reply401(reply)) return false;
  if (reply.status !== 200) { panel.replaceChildren(errorAlert(reply)); return false; }
  list.items = [...(more ? list.items : []), ...reply.body.items];
  list.next_cursor = reply.body.next_cursor;
  return true;
}

// a confirmation, then the call, then `after` (a screen's reload)
export function confirmDo(question, actionLabel, call, expected, done, after) {
  openForm(t("{action}?", { action: actionLabel }), [h("p", {}, question)], actionLabel, async (form, error) => {
    const reply = await call();
    if (reply401(reply)) return true;
    if (reply.status !== expected) { error.textContent = messageOf(reply); return false; }
    await after();
    flash(done);
    return true;
  }, { danger: true });
}

export function subAccountName(id) {
  return (state.subAccounts.find((s) => s.sub_account_id === id) || { name: id }).name;
}
