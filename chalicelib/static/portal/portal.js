// The portal's pages, as one module: each page is rendered from the public JSON API and nothing else.
// Elements are built with the DOM API (never innerHTML with data), so a name or email is always text.

const PORTAL = new URL("../", import.meta.url); // .../portal/
const API = new URL("../../", import.meta.url); // the API's root, a stage prefix included
const SESSION_KEY = "portal.session";

// A link's token is read once and taken out of the address bar (and so out of history and referrers).
const linkToken = new URLSearchParams(location.hash.slice(1)).get("token");
if (location.hash) history.replaceState(null, "", location.pathname + location.search);

const main = document.getElementById("main");
const announcer = document.getElementById("announcer");

// ---------- small helpers

function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "class") node.className = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function show(...nodes) {
  main.replaceChildren(...nodes);
}

function announce(text) {
  announcer.textContent = "";
  setTimeout(() => (announcer.textContent = text), 30);
}

function go(path) {
  location.assign(new URL(path, PORTAL));
}

let fieldCount = 0;
function field(label, attrs = {}, hint = null) {
  const id = attrs.id || `field-${++fieldCount}`;
  const hintId = hint ? `${id}-hint` : null;
  const control = attrs.tag === "textarea"
    ? h("textarea", { ...attrs, tag: null, id, "aria-describedby": hintId })
    : h("input", { type: "text", ...attrs, id, "aria-describedby": hintId });
  return h("div", { class: "field" }, h("label", { for: id }, label), control,
    hint ? h("span", { class: "hint", id: hintId }, hint) : null);
}

function notice(kind = "error") {
  return h("div", { class: `notice ${kind}`, role: kind === "error" ? "alert" : "status" });
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const dayFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });
function when(iso) {
  return iso ? dateFormat.format(new Date(iso)) : "—";
}
// a table cell: the day, with the exact time on hover and for screen readers in the cell's text
function dateCell(iso) {
  if (!iso) return h("td", { class: "date" }, "—");
  return h("td", { class: "date" }, h("time", { datetime: iso, title: when(iso) }, dayFormat.format(new Date(iso))));
}

function messageOf(reply) {
  const error = reply.body && reply.body.error;
  if (!error) return `Something went wrong (${reply.status}). Please try again.`;
  if (error.code === "rate_limited") return `${error.message || "Too many attempts."} Please try again a little later.`;
  const details = (error.details || []).map((d) => `${d.field.replace(/^body\.?/, "")}: ${d.message}`);
  return [error.message, ...details].join(" ");
}

// A data table whose cells carry their column's name (data-label): on a phone each row shows as a card,
// each value under its name (portal.css), since eight columns cannot fit 375 px.
function table(...children) {
  const node = h("table", {}, ...children);
  const labels = [...node.querySelectorAll("thead th")].map((th) => th.textContent.replace(/[▲▼↕]/g, "").trim());
  for (const row of node.querySelectorAll("tbody tr")) {
    [...row.children].forEach((cell, index) => { if (labels[index]) cell.dataset.label = labels[index]; });
  }
  return node;
}

// ---------- one Actions menu per row (a menu button; its items are menuitems, reached with the arrows)

let openMenu = null;

function closeMenu(focusButton = false) {
  if (!openMenu) return;
  const { menu, button } = openMenu;
  openMenu = null;
  menu.hidden = true;
  button.setAttribute("aria-expanded", "false");
  if (focusButton) button.focus();
}

// items: { label, name (the accessible name, naming whom), run, danger }; a false item is left out
function actionsMenu(name, items) {
  const id = `menu-${++fieldCount}`;
  const button = h("button", { type: "button", class: "small menu-button", "aria-haspopup": "menu",
    "aria-expanded": "false", "aria-controls": id, "aria-label": name }, "Actions", h("span", { class: "caret", "aria-hidden": "true" }, "▾"));
  const entries = items.filter(Boolean).map((item) => h("button", { type: "button", role: "menuitem", tabindex: "-1",
    class: item.danger ? "danger" : null, "aria-label": item.name || null, onclick: () => {
      closeMenu(true); // focus back on the row's button first: a dialog the item opens returns there
      item.run();
    } }, item.label));
  const menu = h("div", { role: "menu", id, class: "menu", "aria-label": name, hidden: true }, entries);
  const move = (step) => {
    const index = entries.indexOf(document.activeElement);
    entries[(index + step + entries.length) % entries.length].focus();
  };
  menu.addEventListener("keydown", (event) => {
    const keys = { ArrowDown: () => move(1), ArrowUp: () => move(-1), Home: () => entries[0].focus(),
      End: () => entries[entries.length - 1].focus(), Escape: () => closeMenu(true), Tab: () => closeMenu(false) };
    if (!keys[event.key]) return;
    if (event.key !== "Tab") event.preventDefault();
    keys[event.key]();
  });
  const open = (last = false) => {
    closeMenu();
    menu.hidden = false;
    button.setAttribute("aria-expanded", "true");
    openMenu = { menu, button };
    place(menu, button);
    (last ? entries[entries.length - 1] : entries[0]).focus();
  };
  button.addEventListener("click", () => (openMenu && openMenu.menu === menu ? closeMenu(true) : open()));
  button.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") { event.preventDefault(); open(event.key === "ArrowUp"); }
  });
  return h("span", { class: "menu-wrap" }, button, menu);
}

// under the button, right-aligned to it, kept inside the viewport (above it when there is no room below)
function place(menu, button) {
  const box = button.getBoundingClientRect();
  const width = menu.offsetWidth;
  const height = menu.offsetHeight;
  const left = Math.min(Math.max(8, box.right - width), window.innerWidth - width - 8);
  const below = box.bottom + 4 + height <= window.innerHeight - 8;
  menu.style.left = `${Math.max(8, left)}px`;
  menu.style.top = `${below ? box.bottom + 4 : Math.max(8, box.top - height - 4)}px`;
}

document.addEventListener("click", (event) => {
  if (openMenu && !event.target.closest(".menu-wrap")) closeMenu();
});
// a scroll (the page's, or the tap's own scrolling into view) moves the menu with its button
const replace = () => { if (openMenu) place(openMenu.menu, openMenu.button); };
window.addEventListener("resize", replace);
document.addEventListener("scroll", replace, true);

// ---------- the session (sessionStorage only: it ends with the tab, never in localStorage)

function session() {
  try { return JSON.parse(sessionStorage.getItem(SESSION_KEY)) || null; } catch { return null; }
}
function saveSession(value) {
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(value));
}
function clearSession() {
  sessionStorage.removeItem(SESSION_KEY);
}

async function api(method, path, body) {
  const headers = { Accept: "application/json" };
  const current = session();
  if (current && current.token) headers.Authorization = `Bearer ${current.token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(new URL(path.replace(/^\//, ""), API), {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: "omit",
    });
  } catch {
    return { status: 0, body: { error: { message: "The service cannot be reached. Check your connection." } } };
  }
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  return { status: response.status, body: data };
}

// ---------- passwords (the API's rule: 10 to 256 characters)

function strength(password) {
  if (password.length < 10) return { level: 0, label: "Too short: at least 10 characters" };
  const kinds = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  const level = Math.min(4, 1 + (password.length >= 14) + (kinds >= 3) + (password.length >= 20));
  return { level, label: ["", "Weak", "Fair", "Good", "Strong"][level] };
}

function passwordFields(label = "Password") {
  const first = field(label, { type: "password", name: "password", autocomplete: "new-password", required: true,
    minlength: 10, maxlength: 256 }, "At least 10 characters. A long phrase is easiest to remember.");
  const input = first.querySelector("input");
  const meter = h("div", { class: "meter", "data-level": "0", "aria-hidden": "true" }, h("span"));
  const status = h("span", { class: "hint", id: `${input.id}-strength`, "aria-live": "polite" }, "");
  input.setAttribute("aria-describedby", `${input.id}-hint ${input.id}-strength`);
  input.addEventListener("input", () => {
    const { level, label: text } = strength(input.value);
    meter.dataset.level = String(level);
    meter.firstChild.style.width = `${input.value ? Math.max(10, level * 25) : 0}%`;
    status.textContent = input.value ? `Strength: ${text}` : "";
  });
  first.append(meter, status);
  const again = field("Repeat the password", { type: "password", name: "password_again",
    autocomplete: "new-password", required: true });
  return { nodes: [first, again], check() {
    const repeated = again.querySelector("input").value;
    if (input.value.length < 10) return "The password needs at least 10 characters.";
    if (input.value.length > 256) return "The password can have at most 256 characters.";
    if (input.value !== repeated) return "The two passwords are not the same.";
    return null;
  }, value: () => input.value };
}

function card(title, lead, ...body) {
  const heading = h("h1", { id: "page-title" }, title);
  show(h("div", { class: "centered" }, h("section", { class: "card", "aria-labelledby": "page-title" },
    heading, lead ? h("p", { class: "lead" }, lead) : null, ...body)));
  document.title = `${title} · Client portal`;
}

function messageCard(title, text, linkText, linkPath, kind = "info") {
  card(title, null, h("div", { class: `notice ${kind}`, role: kind === "error" ? "alert" : "status" }, text),
    linkText ? h("p", { class: "below" }, h("a", { href: new URL(linkPath, PORTAL) }, linkText)) : null);
}

async function submitting(form, work) {
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  try { await work(); } finally { button.disabled = false; }
}

// ---------- sign in and Choose account

function renderLogin(message) {
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

function enter(accounts) {
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

const ROLE_LABEL = { owner: "Owner", admin: "Admin", member: "User" };

function scopeText(scope) {
  if (scope === "all" || scope === undefined) return "All sub-accounts";
  if (scope.length === 0) return "No sub-account";
  return scope.map((s) => s.name).join(", ");
}

function renderChooseAccount(accounts) {
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

// ---------- password reset

function renderPasswordReset() {
  if (linkToken) return renderNewPassword(linkToken);
  const error = notice();
  const form = h("form", { novalidate: true },
    field("Email", { type: "email", name: "email", autocomplete: "username", required: true }),
    h("button", { type: "submit", class: "primary wide" }, "Email me a link"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submitting(form, async () => {
      const reply = await api("POST", "/auth/password-reset", { email: form.elements.email.value });
      if (reply.status !== 202) { error.textContent = messageOf(reply); return; }
      messageCard("Check your inbox", `If ${form.elements.email.value.trim()} has a login, we sent it a link to set a new password. The link works for one hour.`, "Back to sign in", "login", "ok");
    });
  });
  card("Reset your password", "We will email you a link to set a new password.", error, form,
    h("p", { class: "below" }, h("a", { href: new URL("login", PORTAL) }, "Back to sign in")));
  form.elements.email.focus();
}

function renderNewPassword(token) {
  const error = notice();
  const password = passwordFields("New password");
  const form = h("form", { novalidate: true }, ...password.nodes,
    h("button", { type: "submit", class: "primary wide" }, "Set new password"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const problem = password.check();
    if (problem) { error.textContent = problem; return; }
    submitting(form, async () => {
      const reply = await api("POST", "/auth/password-reset/confirm", { token, new_password: password.value() });
      if (reply.status === 204) {
        clearSession();
        return renderLogin("Your password is changed. Sign in with the new one.");
      }
      if (reply.status === 404) return messageCard("This link no longer works", "The link was already used, or a newer one was sent. Ask for a new link.", "Ask for a new link", "password-reset", "error");
      if (reply.status === 410) return messageCard("This link has expired", "Password reset links work for one hour. Ask for a new one.", "Ask for a new link", "password-reset", "error");
      error.textContent = messageOf(reply);
    });
  });
  card("Set a new password", "Choose a new password for your login. Every other session will be signed out.", error, form);
  form.elements.password.focus();
}

// ---------- accepting an invitation

async function renderAccept() {
  if (!linkToken) return messageCard("This link is incomplete", "Open the link from your invitation email again, or copy the whole address.", null, null, "error");
  const lookup = await api("POST", "/invitations/lookup", { token: linkToken });
  if (lookup.status === 410) return messageCard("This invitation has expired", "Ask the person who invited you to send it again.", "Go to sign in", "login", "error");
  if (lookup.status === 404) return messageCard("This invitation is no longer valid", "It was already used or it was withdrawn. If you accepted it, sign in; otherwise ask for a new invitation.", "Go to sign in", "login", "error");
  if (lookup.status !== 200) return messageCard("Something went wrong", messageOf(lookup), null, null, "error");
  const invitation = lookup.body;
  const summary = h("div", { class: "invite-summary" }, h("dl", {},
    h("dt", {}, "Account"), h("dd", {}, invitation.account_name),
    h("dt", {}, "Invited by"), h("dd", {}, invitation.invited_by_name || "The account's provider"),
    h("dt", {}, "Your role"), h("dd", {}, ROLE_LABEL[invitation.role] || invitation.role),
    h("dt", {}, "Email"), h("dd", {}, invitation.email),
    h("dt", {}, "Valid until"), h("dd", {}, when(invitation.expires_at))));
  const error = notice();
  let password = null;
  const form = h("form", { novalidate: true });
  if (invitation.existing_user) {
    form.append(field("Your password", { type: "password", name: "password", autocomplete: "current-password", required: true },
      `You already have a login as ${invitation.email}: confirm it is you.`));
  } else {
    password = passwordFields("Choose a password");
    form.append(h("div", { class: "row" },
      field("First name", { name: "first_name", autocomplete: "given-name", required: true, maxlength: 100 }),
      field("Last name", { name: "last_name", autocomplete: "family-name", required: true, maxlength: 100 })),
    ...password.nodes);
  }
  form.append(h("button", { type: "submit", class: "primary wide" }, "Accept invitation"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const body = { token: linkToken, password: form.elements.password.value };
    if (password) {
      body.first_name = form.elements.first_name.value.trim();
      body.last_name = form.elements.last_name.value.trim();
      if (!body.first_name || !body.last_name) { error.textContent = "Please give your first and last name."; return; }
      const problem = password.check();
      if (problem) { error.textContent = problem; return; }
    }
    submitting(form, async () => {
      const reply = await api("POST", "/invitations/accept", body);
      if (reply.status === 201) {
        saveSession({ token: reply.body.access_token, expires_at: reply.body.expires_at, account_id: reply.body.account_id });
        return go("./");
      }
      if (reply.status === 401) { error.textContent = "That password is not right."; form.elements.password.focus(); return; }
      if (reply.status === 404 || reply.status === 409) return messageCard("This invitation is no longer valid", "It was already used or withdrawn.", "Go to sign in", "login", "error");
      if (reply.status === 410) return messageCard("This invitation has expired", "Ask the person who invited you to send it again.", "Go to sign in", "login", "error");
      error.textContent = messageOf(reply);
    });
  });
  const greeting = invitation.invited_by_name
    ? `${invitation.invited_by_name} invited you to join ${invitation.account_name}.`
    : `You are invited to join ${invitation.account_name}.`;
  card("Accept your invitation", greeting, summary, error, form);
  form.querySelector("input").focus();
}

// ---------- signed in: User Management

const state = { me: null, account: null, self: null, permissions: [], tab: "active",
  sorts: { active: { sort: "email", order: "asc" }, deactivated: { sort: "email", order: "asc" },
    pending: { sort: "email", order: "asc" } }, lists: {} };

const REASONS = { invalid_email: "not a valid email address", disposable_email: "disposable addresses are not accepted",
  already_member: "already a member", already_invited: "already invited", duplicate: "listed twice" };

async function renderApp() {
  const current = session();
  if (!current || !current.token) return go("login");
  const [me, catalog] = await Promise.all([api("GET", "/me"), api("GET", "/permissions")]);
  if (me.status === 401) { clearSession(); return go("login"); }
  if (me.status !== 200) return messageCard("Something went wrong", messageOf(me), "Sign in again", "login", "error");
  state.me = me.body;
  state.permissions = catalog.status === 200 ? catalog.body.permissions : [];
  const accounts = me.body.accounts;
  state.account = accounts.find((a) => a.account_id === current.account_id) || null;
  if (!state.account) {
    if (accounts.length === 1) { state.account = accounts[0]; saveSession({ ...current, account_id: accounts[0].account_id }); }
    else if (accounts.length > 1) { renderSessionNav(); return renderChooseAccount(accounts); }
    else { renderSessionNav(); return enter([]); }
  }
  const base = `/accounts/${state.account.account_id}`;
  const [self, subAccounts] = await Promise.all([api("GET", `${base}/members/${state.me.user.user_id}`),
    api("GET", `${base}/sub-accounts?limit=100`)]);
  state.self = self.status === 200 ? self.body : null;
  state.subAccounts = subAccounts.status === 200 ? subAccounts.body.items : [];
  if (canManageUsers()) {
    const groups = await api("GET", `${base}/groups?limit=100`);
    state.groups = groups.status === 200 ? groups.body.items : [];
  }
  renderSessionNav();
  const view = SCREENS[document.body.dataset.page] || SCREENS.app;
  if (!view.allowed()) return frame(document.body.dataset.page, view.title, null, null,
    h("div", { class: "notice info", role: "status" }, view.refusal));
  view.render();
}

function renderSessionNav() {
  const nav = document.getElementById("session-nav");
  const accounts = state.me ? state.me.accounts : [];
  const items = [];
  if (!state.me) {
    const onLogin = document.body.dataset.page === "login";
    nav.replaceChildren(...(onLogin ? [] : [h("a", { class: "button small", href: new URL("login", PORTAL) }, "Sign in")]));
    return;
  }
  items.push(h("span", { class: "who" }, state.me.user.email));
  if (accounts.length > 1 && state.account) {
    const select = h("select", { id: "account-switch", "aria-label": "Account", onchange: (event) => {
      saveSession({ ...session(), account_id: event.target.value });
      go("./");
    } }, accounts.map((a) => h("option", { value: a.account_id, selected: a.account_id === state.account.account_id }, a.name)));
    items.push(select);
  }
  items.push(h("button", { type: "button", class: "small", onclick: signOut }, "Sign out"));
  nav.replaceChildren(...items);
}

async function signOut() {
  await api("POST", "/auth/logout");
  clearSession();
  go("login");
}

// a group manager (without Manage users) manages the members of their own group: the API shows them only those
function isGroupManager() {
  return Boolean(state.self && state.self.group_manager && !canManageUsers());
}

function canManageUsers() {
  return Boolean(state.self && state.self.permissions.includes("user_management"));
}

const TABS = [
  { key: "active", label: "Active users" },
  { key: "pending", label: "Pending invitations" },
  { key: "deactivated", label: "Deactivated users" },
];

function renderUserManagement() {
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
    h("button", { type: "button", class: "primary", onclick: openInvite }, "Invite users"), tablist, panel);
  loadAll();
}

function selectTab(key, focus = false) {
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

function flash(text, kind = "ok") {
  const node = document.getElementById("flash");
  node.className = `notice ${kind}`;
  node.setAttribute("role", kind === "error" ? "alert" : "status");
  node.textContent = text;
  announce(text);
}

const PAGE_SIZE = 50;

async function loadMembers(status, more = false) {
  const { sort, order } = state.sorts[status];
  const previous = state.lists[status];
  const cursor = more && previous?.next_cursor ? `&cursor=${encodeURIComponent(previous.next_cursor)}` : "";
  const reply = await api("GET", `/accounts/${state.account.account_id}/members?status=${status}&sort=${sort}&order=${order}&limit=${PAGE_SIZE}${cursor}`);
  if (reply.status !== 200) { state.lists[status] = { items: [], error: messageOf(reply) }; return; }
  state.lists[status] = { items: [...(more ? previous.items : []), ...reply.body.items], next_cursor: reply.body.next_cursor };
}

// pending and expired invitations: two lists of the API, each with its own cursor
async function loadInvitations(more = false) {
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

async function loadAll() {
  await Promise.all([loadMembers("active"), loadMembers("deactivated"), loadInvitations()]);
  renderPanel();
}

function updateCounts() {
  for (const tab of TABS) {
    const list = state.lists[tab.key];
    const node = document.getElementById(`count-${tab.key}`);
    if (list && node) node.textContent = `${list.items.length}${list.next_cursor ? "+" : ""}`;
  }
}

const MEMBER_COLUMNS = [
  { key: "first_name", label: "First name" }, { key: "last_name", label: "Last name" },
  { key: "email", label: "Email" }, { key: "title", label: "Title" }, { key: "role", label: "Role" },
  { key: "joined_at", label: "Joined" }, { key: "last_login_at", label: "Last sign-in" },
];
const INVITATION_COLUMNS = [
  { key: "email", label: "Email" }, { key: "role", label: "Role" }, { key: "created_at", label: "Invited" },
  { key: "last_sent_at", label: "Last sent" }, { key: "expires_at", label: "Expires" }, { key: "status", label: "Status" },
];

function header(columns, tab) {
  const { sort, order } = state.sorts[tab];
  return h("thead", {}, h("tr", {}, columns.map((column) => {
    const sorted = column.key === sort;
    return h("th", { scope: "col", "aria-sort": sorted ? (order === "asc" ? "ascending" : "descending") : "none" },
      h("button", { type: "button", onclick: () => sortBy(tab, column.key) }, column.label,
        h("span", { class: "sort-mark", "aria-hidden": "true" }, sorted ? (order === "asc" ? "▲" : "▼") : "↕")));
  }), h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, "Actions"))));
}

async function sortBy(tab, key) {
  const current = state.sorts[tab];
  state.sorts[tab] = { sort: key, order: current.sort === key && current.order === "asc" ? "desc" : "asc" };
  if (tab !== "pending") await loadMembers(tab);
  renderPanel();
  const label = [...MEMBER_COLUMNS, ...INVITATION_COLUMNS].find((c) => c.key === key).label;
  announce(`Sorted by ${label}, ${state.sorts[tab].order === "asc" ? "ascending" : "descending"}`);
  const button = [...document.querySelectorAll("#panel th button")].find((b) => b.firstChild.textContent === label);
  if (button) button.focus();
}

function renderPanel() {
  updateCounts();
  const panel = document.getElementById("panel");
  const list = state.lists[state.tab];
  if (!list) { panel.replaceChildren(h("p", { class: "empty" }, "Loading…")); return; }
  if (list.error) { panel.replaceChildren(h("p", { class: "notice error", role: "alert" }, list.error)); return; }
  const table = state.tab === "pending" ? invitationTable(list.items) : memberTable(list.items, state.tab);
  panel.replaceChildren(table);
  if (list.next_cursor) panel.append(loadMore(async () => {
    if (state.tab === "pending") await loadInvitations(true); else await loadMembers(state.tab, true);
    renderPanel();
  }, list.items.length));
}

function fullName(person) {
  return [person.first_name, person.last_name].filter(Boolean).join(" ") || person.email;
}

function memberTable(items, tab) {
  if (items.length === 0) return h("p", { class: "empty" }, tab === "active" ? "No active users." : "No deactivated users.");
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
        dateCell(m.joined_at), dateCell(m.last_login_at),
        h("td", { class: "row-actions" }, memberActions(m, tab)));
    })));
}

function canEdit(member) {
  return member.role !== "owner" && member.user_id !== state.me.user.user_id && !isGroupManager();
}

function memberActions(member, tab) {
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
    { label: "Deactivate", name: `Deactivate ${who}`, danger: true, run: () => confirmThen(
      `Deactivate ${who}? They lose access to ${state.account.name} at once.`, "Deactivate",
      () => api("POST", `${path}/deactivate`), 200, `${who} was deactivated.`) },
    remove,
  ]);
}

function invitationTable(items) {
  if (items.length === 0) return h("p", { class: "empty" }, "No pending invitations.");
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

async function run(call, expected, done) {
  const reply = await call();
  if (reply.status === 401) { clearSession(); return go("login"); }
  if (reply.status !== expected) { flash(messageOf(reply), "error"); return; }
  await loadAll();
  flash(done);
}

function confirmThen(question, actionLabel, call, expected, done) {
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

// ---------- Invite users

function openInvite() {
  const opener = document.activeElement;
  const error = notice();
  const scope = scopeChooser("invite-scope", "all");
  const placement = groupChooser("invite-group", "default", false);
  const results = h("ul", { class: "results", "aria-label": "Results" });
  const modules = state.permissions.map((p) => {
    const box = h("input", { type: "checkbox", name: "module", value: p.key, "data-admin-only": p.admin_only ? "1" : null });
    return h("label", { class: p.admin_only ? "locked" : "" }, box, p.label, p.admin_only ? h("span", { class: "lock" }, "Admins only") : null);
  });
  const modulesHint = h("p", { class: "hint", id: "modules-hint" }, "A User gets only the modules ticked here. Admin-only modules need the Admin role.");
  const manager = isGroupManager();
  const form = h("form", { novalidate: true, class: manager ? "group-manager" : null },
    h("h2", { id: "invite-title" }, "Invite users"), error, results,
    manager ? h("p", { class: "notice info" }, "They join the group you manage, with its modules and sub-accounts.") : null,
    field("Email addresses", { tag: "textarea", name: "emails", required: true, autocomplete: "off" }, "One per line, or separated by commas; up to 50 at once. Each gets its own link."),
    h("fieldset", { hidden: manager }, h("legend", {}, "Role"), h("div", { class: "choices" },
      h("label", {}, h("input", { type: "radio", name: "role", value: "member", checked: true }), "User"),
      h("label", {}, h("input", { type: "radio", name: "role", value: "admin" }), "Admin"))),
    h("fieldset", { "aria-describedby": "modules-hint", hidden: manager }, h("legend", {}, "Modules"), modulesHint, h("div", { class: "modules" }, modules)),
    manager ? null : scope.node, manager ? null : placement.node,
    field("Personal message (optional)", { tag: "textarea", name: "message", maxlength: 500, rows: 3 }, "Shown in the email, up to 500 characters. Links are not allowed: the email has its own button."),
    h("div", { class: "actions" },
      h("button", { type: "button", value: "close", onclick: () => dialog.close() }, "Close"),
      h("button", { type: "submit", class: "primary" }, "Send invitations")));
  const dialog = h("dialog", { "aria-labelledby": "invite-title", class: "wide" }, form);
  const syncRole = () => {
    const inGroup = placement.value().group_id !== "default";
    for (const radio of form.querySelectorAll("input[name=role]")) {
      radio.disabled = inGroup && radio.value === "admin";
      if (inGroup && radio.value === "member") radio.checked = true;
    }
    const admin = form.elements.role.value === "admin";
    scope.setDisabled(admin || inGroup);
    for (const box of form.querySelectorAll("input[name=module]")) {
      const locked = admin || inGroup || box.dataset.adminOnly === "1";
      box.disabled = locked;
      if (admin) box.checked = true;
      else if (box.dataset.adminOnly === "1") box.checked = false;
      else if (box.dataset.wasAdmin === "1") box.checked = false;
      box.dataset.wasAdmin = admin ? "1" : "";
    }
    modulesHint.textContent = inGroup ? "Members of a user group get the group's modules and sub-accounts."
      : admin ? "An Admin holds every module, admin-only ones included."
        : "A User gets only the modules ticked here. Admin-only modules need the Admin role.";
  };
  for (const radio of form.querySelectorAll("input[name=role]")) radio.addEventListener("change", syncRole);
  placement.onChange(syncRole);
  syncRole();
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const emails = form.elements.emails.value.split(/[\s,;]+/).map((e) => e.trim()).filter(Boolean);
    if (emails.length === 0) { error.textContent = "Give at least one email address."; form.elements.emails.focus(); return; }
    if (emails.length > 50) { error.textContent = "At most 50 addresses at once."; form.elements.emails.focus(); return; }
    const role = form.elements.role.value;
    const { group_id, group_manager } = placement.value();
    const body = manager ? { emails } : { emails, role, group_id, group_manager };
    if (!manager && group_id === "default" && role === "member") {
      body.permissions = [...form.querySelectorAll("input[name=module]:checked")].map((b) => b.value);
      body.sub_accounts = scope.value();
      if (body.sub_accounts !== "all" && body.sub_accounts.length === 0) { error.textContent = "Choose at least one sub-account, or all of them."; return; }
    }
    if (form.elements.message.value.trim()) body.message = form.elements.message.value.trim();
    submitting(form, async () => {
      error.textContent = "";
      const reply = await api("POST", `/accounts/${state.account.account_id}/invitations`, body);
      if (reply.status !== 200) { error.textContent = messageOf(reply); return; }
      const invited = reply.body.results.filter((r) => r.status === "invited").length;
      results.replaceChildren(...reply.body.results.map((r) => h("li", {}, h("span", {}, r.email),
        r.status === "invited" ? h("span", { class: "invited" }, "Invited")
          : h("span", { class: "skipped" }, `Skipped: ${REASONS[r.reason] || r.reason}`))));
      form.elements.emails.value = reply.body.results.filter((r) => r.status !== "invited").map((r) => r.email).join("\n");
      announce(`${invited} of ${reply.body.results.length} invited.`);
      form.scrollTop = 0; // the results are at the top
      await loadInvitations();
      updateCounts();
      if (state.tab === "pending") renderPanel();
    });
  });
  dialog.addEventListener("close", () => {
    dialog.remove();
    if (opener && opener.isConnected) opener.focus();
  });
  document.body.append(dialog);
  dialog.showModal();
  form.elements.emails.focus();
}

// ---------- the signed-in frame: sidebar, heading, one flash message

const hasPermission = (key) => Boolean(state.self && state.self.permissions.includes(key));
const isOwner = () => Boolean(state.self && state.self.role === "owner");

const SCREENS = {
  app: { title: "User Management", allowed: () => canManageUsers() || isGroupManager(), render: () => renderUserManagement(),
    refusal: "You are signed in, but managing users needs the User management permission at this account." },
  groups: { title: "Groups", allowed: () => canManageUsers(), render: () => renderGroups(),
    refusal: "User groups are managed by people with the Manage users permission." },
  contacts: { title: "Contacts", allowed: () => hasPermission("contacts"), render: () => renderContacts(),
    refusal: "Contacts need the Manage contacts permission at this account." },
  audit: { title: "Audit log", allowed: () => canManageUsers(), render: () => renderAudit(),
    refusal: "The audit log is for people with the Manage users permission." },
  webhooks: { title: "Webhooks", allowed: () => isOwner(), render: () => renderWebhooks(),
    refusal: "Webhooks are managed by the account's owner." },
  profile: { title: "Your info", allowed: () => true, render: () => renderProfile(), refusal: "" },
};
const NAV = [["app", "", "User Management"], ["groups", "groups", "Groups"], ["contacts", "contacts", "Contacts"],
  ["audit", "audit", "Audit log"], ["webhooks", "webhooks", "Webhooks"], ["profile", "profile", "Your info"]];

function sidebar(current) {
  const links = NAV.filter(([view]) => SCREENS[view].allowed()).map(([view, path, label]) =>
    h("a", { href: new URL(path, PORTAL).href, "aria-current": view === current ? "page" : null }, label));
  return h("nav", { class: "sidebar", "aria-label": "Portal" }, h("h2", {}, "Configuration"), links);
}

function frame(view, title, lead, action, ...body) {
  document.title = `${title} · Client portal`;
  const head = h("div", { class: "page-head" },
    h("div", {}, h("h1", {}, title), h("p", {}, lead ? `${state.account.name} · ${lead}` : state.account.name)), action);
  const message = h("div", { class: "notice ok", role: "status", id: "flash" });
  show(h("div", { class: "layout" }, sidebar(view), h("div", { class: "content" }, head, message, ...body)));
}

function loadMore(onMore, shown) {
  const button = h("button", { type: "button", class: "more" }, "Load more");
  button.addEventListener("click", async () => {
    button.disabled = true;
    await onMore();
    announce("More rows loaded.");
    const rows = document.querySelectorAll("#panel tbody tr, .panel tbody tr");
    const next = rows[shown];
    if (next) { next.tabIndex = -1; next.focus(); }
  });
  return h("p", { class: "more-row" }, button);
}

// a dialog with one form; `submit` returns true when it is done (the dialog closes)
function openForm(title, nodes, submitLabel, submit, { danger = false, wide = false } = {}) {
  const opener = document.activeElement;
  const error = notice();
  const titleId = `dialog-title-${++fieldCount}`;
  const form = h("form", { novalidate: true }, h("h2", { id: titleId }, title), error, ...nodes,
    h("div", { class: "actions" },
      h("button", { type: "button", onclick: () => dialog.close() }, submitLabel ? "Cancel" : "Close"),
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

function reply401(reply) {
  if (reply.status === 401) { clearSession(); go("login"); return true; }
  return false;
}

const value = (form, name) => form.elements[name].value.trim();
const orNull = (text) => (text === "" ? null : text);

// ---------- choosers shared by Invite users, Edit user and groups

function moduleBoxes(name, selected = []) {
  return h("div", { class: "modules" }, state.permissions.filter((p) => !p.admin_only).map((p) =>
    h("label", {}, h("input", { type: "checkbox", name, value: p.key, checked: selected.includes(p.key) }), p.label)));
}

function checked(form, name) {
  return [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((b) => b.value);
}

function scopeChooser(id, current) {
  const chosen = current === "all" ? [] : current.map((s) => (typeof s === "string" ? s : s.sub_account_id));
  const all = h("input", { type: "radio", name: `${id}-mode`, value: "all", checked: current === "all" });
  const some = h("input", { type: "radio", name: `${id}-mode`, value: "some", checked: current !== "all" });
  const boxes = state.subAccounts.map((s) => h("label", {},
    h("input", { type: "checkbox", name: `${id}-ids`, value: s.sub_account_id, checked: chosen.includes(s.sub_account_id) }), s.name));
  const list = h("div", { class: "modules sub-list" }, boxes.length ? boxes : h("span", { class: "hint" }, "This account has no sub-accounts yet."));
  const node = h("fieldset", { class: "scope" }, h("legend", {}, "Sub-accounts"),
    h("div", { class: "choices" }, h("label", {}, all, "All sub-accounts"), h("label", {}, some, "Only these")), list);
  const sync = () => { for (const box of list.querySelectorAll("input")) box.disabled = node.disabled || all.checked; };
  all.addEventListener("change", sync);
  some.addEventListener("change", sync);
  sync();
  return { node,
    value: () => (all.checked ? "all" : [...list.querySelectorAll("input:checked")].map((b) => b.value)),
    setDisabled(disabled) { node.disabled = disabled; sync(); } };
}

function groupChooser(id, currentGroup, currentManager) {
  const groups = state.groups || [];
  const select = h("select", { id, name: "group_id" }, groups.map((g) =>
    h("option", { value: g.group_id, selected: g.group_id === currentGroup }, g.group_id === "default" ? "Default User Group (own role and modules)" : g.name)));
  const manager = h("input", { type: "checkbox", id: `${id}-manager`, name: "group_manager", checked: currentManager });
  const managerRow = h("label", { class: "check" }, manager, "Group manager: manages the members of this group");
  const node = h("div", { class: "field" }, h("label", { for: id }, "User group"), select, managerRow);
  const listeners = [];
  const sync = () => {
    const custom = select.value !== "default";
    manager.disabled = !custom;
    if (!custom) manager.checked = false;
    for (const listener of listeners) listener();
  };
  select.addEventListener("change", sync);
  setTimeout(sync);
  if (groups.length <= 1) node.hidden = true; // only the default group: nothing to choose
  return { node, onChange: (listener) => listeners.push(listener),
    value: () => ({ group_id: select.value || "default", group_manager: select.value !== "default" && manager.checked }) };
}

// ---------- Edit a user (role, modules, sub-accounts, group, contact details at this account)

function openEditMember(member) {
  const who = fullName(member);
  const scope = scopeChooser("edit-scope", member.sub_accounts);
  const placement = groupChooser("edit-group", member.group_id || "default", member.group_manager);
  const role = h("fieldset", {}, h("legend", {}, "Role"), h("div", { class: "choices" },
    h("label", {}, h("input", { type: "radio", name: "role", value: "member", checked: member.role === "member" }), "User"),
    h("label", {}, h("input", { type: "radio", name: "role", value: "admin", checked: member.role === "admin" }), "Admin")));
  const modules = moduleBoxes("module", member.role === "member" ? member.permissions : []);
  const modulesSet = h("fieldset", {}, h("legend", {}, "Modules"), modules);
  const details = h("div", { class: "row" },
    field("Title", { name: "title", value: member.title || "", maxlength: 100 }),
    field("Cell phone", { name: "cell_phone", type: "tel", value: member.cell_phone || "", autocomplete: "off" }));
  const details2 = h("div", { class: "row" },
    field("Office phone", { name: "office_phone", type: "tel", value: member.office_phone || "", autocomplete: "off" }),
    field("Extension", { name: "extension", value: member.extension || "", maxlength: 10 }));
  const { form } = openForm(`Edit ${who}`, [h("p", { class: "hint" }, member.email), placement.node, role, modulesSet, scope.node, details, details2],
    "Save changes", async (form, error) => {
      const { group_id, group_manager } = placement.value();
      const body = { group_id, title: orNull(value(form, "title")), cell_phone: orNull(value(form, "cell_phone")),
        office_phone: orNull(value(form, "office_phone")), extension: orNull(value(form, "extension")) };
      if (group_id === "default") {
        body.role = form.elements.role.value;
        if (body.role === "member") {
          body.permissions = checked(form, "module");
          body.sub_accounts = scope.value();
        }
      } else body.group_manager = group_manager;
      const reply = await api("PATCH", `/accounts/${state.account.account_id}/members/${member.user_id}`, body);
      if (reply401(reply)) return true;
      if (reply.status !== 200) { error.textContent = messageOf(reply); return false; }
      await loadAll();
      flash(`${who} was updated.`);
      return true;
    }, { wide: true });
  const sync = () => {
    const inGroup = placement.value().group_id !== "default";
    for (const radio of form.querySelectorAll("input[name=role]")) radio.disabled = inGroup;
    const admin = !inGroup && form.elements.role.value === "admin";
    for (const box of modules.querySelectorAll("input")) box.disabled = inGroup || admin;
    scope.setDisabled(inGroup || admin);
  };
  for (const radio of form.querySelectorAll("input[name=role]")) radio.addEventListener("change", sync);
  placement.onChange(sync);
  sync();
}

// ---------- Contacts

const CATEGORIES = [["general", "General"], ["product", "Products"], ["domain", "Domains"], ["invoice", "Invoices"],
  ["support", "Support"], ["affiliate", "Affiliates"]];
const CATEGORY_HINTS = { general: "News and account notices", product: "Orders, renewals and product changes",
  domain: "Domain registrations and renewals", invoice: "New invoices and payment reminders",
  support: "Replies to support tickets", affiliate: "Affiliate commissions and payouts" };

// The first page of a list again, or (more) the next one appended; false when it failed (shown in panel).
async function fetchPage(list, more, path, panel) {
  const cursor = more && list.next_cursor ? `&cursor=${encodeURIComponent(list.next_cursor)}` : "";
  const reply = await api("GET", `${path}${cursor}`);
  if (reply401(reply)) return false;
  if (reply.status !== 200) { panel.replaceChildren(h("p", { class: "notice error", role: "alert" }, messageOf(reply))); return false; }
  list.items = [...(more ? list.items : []), ...reply.body.items];
  list.next_cursor = reply.body.next_cursor;
  return true;
}

async function renderContacts() {
  const list = { items: [], next_cursor: null };
  const panel = h("div", { class: "panel", id: "panel" });
  frame("contacts", "Contacts", "people who receive this account's emails without signing in",
    h("button", { type: "button", class: "primary", onclick: () => openContact(null, reload) }, "Add contact"), panel);
  const base = `/accounts/${state.account.account_id}/contacts`;
  async function load(more) {
    if (await fetchPage(list, more, `${base}?limit=${PAGE_SIZE}`, panel)) draw();
  }
  async function reload() { await load(false); }
  function draw() {
    if (list.items.length === 0) {
      panel.replaceChildren(h("p", { class: "empty" }, "No contacts yet. Add the people who should get invoices, domain or support emails."));
      return;
    }
    panel.replaceChildren(table(h("caption", { class: "visually-hidden" }, "Contacts"),
      h("thead", {}, h("tr", {}, ["Name", "Email", "Company", "Phone", "Emails they receive"].map((label) => h("th", { scope: "col" }, label)),
        h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, "Actions")))),
      h("tbody", {}, list.items.map((c) => {
        const who = fullName(c);
        const chosen = CATEGORIES.filter(([key]) => c.email_preferences[key]);
        return h("tr", {}, h("td", {}, [c.first_name, c.last_name].filter(Boolean).join(" ") || "—"), h("td", {}, c.email),
          h("td", {}, c.company_name || "—"), h("td", {}, c.phone || "—"),
          h("td", {}, chosen.length ? h("span", { class: "tags" }, chosen.map(([, label]) => h("span", { class: "badge category" }, label)))
            : h("span", { class: "hint" }, "None")),
          h("td", { class: "row-actions" },
            h("button", { type: "button", class: "small", "aria-label": `Edit ${who}`, onclick: () => openContact(c, reload) }, "Edit"),
            h("button", { type: "button", class: "small danger", "aria-label": `Remove ${who}`, onclick: () =>
              confirmDo(`Remove ${who}? They stop receiving this account's emails.`, "Remove", () => api("DELETE", `${base}/${c.contact_id}`), 204,
                `${who} was removed.`, reload) }, "Remove")));
      }))));
    if (list.next_cursor) panel.append(loadMore(() => load(true), list.items.length));
  }
  await load(false);
}

function openContact(contact, reload) {
  const c = contact || { email: "", first_name: "", last_name: "", company_name: "", phone: "", email_preferences: {} };
  const categories = h("fieldset", {}, h("legend", {}, "Emails they receive"), h("div", { class: "modules" },
    CATEGORIES.map(([key, label]) => h("label", {}, h("input", { type: "checkbox", name: "category", value: key, checked: Boolean(c.email_preferences[key]) }),
      h("span", {}, label, h("span", { class: "hint block" }, CATEGORY_HINTS[key]))))));
  const nodes = [
    h("div", { class: "row" }, field("First name", { name: "first_name", value: c.first_name || "", autocomplete: "off", maxlength: 100 }),
      field("Last name", { name: "last_name", value: c.last_name || "", autocomplete: "off", maxlength: 100 })),
    field("Email", { type: "email", name: "email", value: c.email, required: true, autocomplete: "off" }),
    h("div", { class: "row" }, field("Company", { name: "company_name", value: c.company_name || "", autocomplete: "off", maxlength: 100 }),
      field("Phone", { type: "tel", name: "phone", value: c.phone || "", autocomplete: "off" })),
    categories,
  ];
  openForm(contact ? `Edit ${fullName(contact)}` : "Add contact", nodes, contact ? "Save changes" : "Add contact", async (form, error) => {
    const prefs = Object.fromEntries(CATEGORIES.map(([key]) => [key, checked(form, "category").includes(key)]));
    const body = { email: value(form, "email"), email_preferences: prefs };
    for (const name of ["first_name", "last_name", "company_name", "phone"]) {
      const text = value(form, name);
      if (text || contact) body[name] = orNull(text);
    }
    if (!body.email) { error.textContent = "Give the contact's email address."; form.elements.email.focus(); return false; }
    const base = `/accounts/${state.account.account_id}/contacts`;
    const reply = contact ? await api("PATCH", `${base}/${contact.contact_id}`, body) : await api("POST", base, body);
    if (reply401(reply)) return true;
    if (reply.status !== (contact ? 200 : 201)) {
      error.textContent = reply.body?.error?.code === "contact_exists" ? `${body.email} is already a contact of this account.` : messageOf(reply);
      return false;
    }
    await reload();
    flash(contact ? `${body.email} was updated.` : `${body.email} was added.`);
    return true;
  }, { wide: true });
}

// a confirmation, then the call, then `after` (a screen's reload)
function confirmDo(question, actionLabel, call, expected, done, after) {
  openForm(`${actionLabel}?`, [h("p", {}, question)], actionLabel, async (form, error) => {
    const reply = await call();
    if (reply401(reply)) return true;
    if (reply.status !== expected) { error.textContent = messageOf(reply); return false; }
    await after();
    flash(done);
    return true;
  }, { danger: true });
}

// ---------- Groups

async function renderGroups() {
  const panel = h("div", { class: "panel", id: "panel" });
  frame("groups", "Groups", "shared modules and sub-accounts for sets of users",
    h("button", { type: "button", class: "primary", onclick: () => openGroup(null, reload) }, "Create group"), panel);
  const base = `/accounts/${state.account.account_id}/groups`;
  const list = { items: [], next_cursor: null };
  async function load(more) {
    if (!(await fetchPage(list, more, `${base}?limit=${PAGE_SIZE}`, panel))) return;
    state.groups = list.items; // the choices of Invite users and Edit
    draw();
  }
  async function reload() { await load(false); }
  const labelOf = (key) => (state.permissions.find((p) => p.key === key) || { label: key }).label;
  function draw() {
    panel.replaceChildren(table(h("caption", { class: "visually-hidden" }, "User groups"),
      h("thead", {}, h("tr", {}, ["Group", "Modules", "Sub-accounts", "Members"].map((label) => h("th", { scope: "col" }, label)),
        h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, "Actions")))),
      h("tbody", {}, list.items.map((g) => {
        const builtIn = g.group_id === "default";
        return h("tr", {},
          h("td", { class: "name" }, h("strong", {}, builtIn ? "Default User Group" : g.name),
            h("span", {}, builtIn ? "Each member has their own role, modules and sub-accounts" : g.description || "")),
          h("td", {}, builtIn ? "Per member" : g.permissions.length ? h("span", { class: "tags" }, g.permissions.map((k) => h("span", { class: "badge category" }, labelOf(k)))) : "None"),
          h("td", {}, builtIn ? "Per member" : scopeText(g.sub_accounts === "all" ? "all" : g.sub_accounts.map((id) => ({ name: subAccountName(id) })))),
          h("td", {}, String(g.member_count)),
          h("td", { class: "row-actions" },
            h("button", { type: "button", class: "small", "aria-label": `Members of ${g.name}`, onclick: () => openGroupMembers(g) }, "Members"),
            builtIn ? null : h("button", { type: "button", class: "small", "aria-label": `Edit ${g.name}`, onclick: () => openGroup(g, reload) }, "Edit"),
            builtIn ? null : h("button", { type: "button", class: "small danger", "aria-label": `Delete ${g.name}`, onclick: () =>
              confirmDo(`Delete the group ${g.name}? A group can be deleted once it has no members and no pending invitations.`, "Delete",
                () => api("DELETE", `${base}/${g.group_id}`), 204, `The group ${g.name} was deleted.`, reload) }, "Delete")));
      }))));
    if (list.next_cursor) panel.append(loadMore(() => load(true), list.items.length));
  }
  await reload();
}

function subAccountName(id) {
  return (state.subAccounts.find((s) => s.sub_account_id === id) || { name: id }).name;
}

function openGroup(group, reload) {
  const scope = scopeChooser("group-scope", group ? group.sub_accounts : "all");
  const nodes = [
    field("Name", { name: "name", value: group ? group.name : "", required: true, maxlength: 100, autocomplete: "off" }),
    field("Description", { name: "description", value: group?.description || "", maxlength: 500, autocomplete: "off" }, "Optional: what this group is for."),
    h("fieldset", {}, h("legend", {}, "Modules its members hold"), moduleBoxes("module", group ? group.permissions : [])),
    scope.node,
  ];
  openForm(group ? `Edit ${group.name}` : "Create group", nodes, group ? "Save changes" : "Create group", async (form, error) => {
    const body = { name: value(form, "name"), description: orNull(value(form, "description")),
      permissions: checked(form, "module"), sub_accounts: scope.value() };
    if (!body.name) { error.textContent = "Give the group a name."; form.elements.name.focus(); return false; }
    if (!group && body.description === null) delete body.description;
    const base = `/accounts/${state.account.account_id}/groups`;
    const reply = group ? await api("PATCH", `${base}/${group.group_id}`, body) : await api("POST", base, body);
    if (reply401(reply)) return true;
    if (reply.status !== (group ? 200 : 201)) { error.textContent = messageOf(reply); return false; }
    await reload();
    flash(group ? `The group ${body.name} was saved.` : `The group ${body.name} was created.`);
    return true;
  }, { wide: true });
}

async function openGroupMembers(group) {
  const list = h("div", { class: "group-members" }, h("p", { class: "hint" }, "Loading…"));
  const base = `/accounts/${state.account.account_id}`;
  const title = group.group_id === "default" ? "Default User Group" : group.name;
  openForm(`Members of ${title}`, [list], null, null, { wide: true });
  const shown = { items: [], next_cursor: null };
  async function draw(more = false) {
    const cursor = more && shown.next_cursor ? `&cursor=${encodeURIComponent(shown.next_cursor)}` : "";
    const reply = await api("GET", `${base}/members?group_id=${encodeURIComponent(group.group_id)}&status=active&limit=${PAGE_SIZE}${cursor}`);
    if (reply.status !== 200) { list.replaceChildren(h("p", { class: "notice error", role: "alert" }, messageOf(reply))); return; }
    shown.items = [...(more ? shown.items : []), ...reply.body.items];
    shown.next_cursor = reply.body.next_cursor;
    if (shown.items.length === 0) { list.replaceChildren(h("p", { class: "empty" }, "No members yet. Invite users into this group from User Management.")); return; }
    list.replaceChildren(h("ul", { class: "results" }, shown.items.map((m) => h("li", {},
      h("span", {}, h("strong", {}, fullName(m)), " ", h("span", { class: "hint" }, m.email)),
      h("span", { class: "inline-actions" },
        m.group_manager ? h("span", { class: "badge admin" }, "Manager") : null,
        group.group_id === "default" ? h("span", { class: `badge ${m.role}` }, ROLE_LABEL[m.role]) :
          h("button", { type: "button", class: "small", "aria-label": `${m.group_manager ? "Remove as manager" : "Make manager"}: ${fullName(m)}`,
            onclick: async () => {
              const changed = await api("PATCH", `${base}/members/${m.user_id}`, { group_id: group.group_id, group_manager: !m.group_manager });
              if (changed.status !== 200) { announce(messageOf(changed)); return; }
              announce(`${fullName(m)} ${m.group_manager ? "is no longer" : "is now"} a manager of ${title}.`);
              await draw();
              const again = [...list.querySelectorAll("button")].find((b) => b.getAttribute("aria-label").endsWith(fullName(m)));
              if (again) again.focus();
            } }, m.group_manager ? "Remove as manager" : "Make manager"))))));
    if (shown.next_cursor) list.append(h("p", { class: "more-row" }, h("button", { type: "button", onclick: () => draw(true) }, "Load more")));
  }
  await draw();
}

// ---------- Your info

function renderProfile() {
  const user = state.me.user;
  const profileError = notice();
  const profile = h("form", { novalidate: true, "aria-labelledby": "profile-title" },
    h("h2", { id: "profile-title" }, "Profile"), profileError,
    h("div", { class: "row" }, field("First name", { name: "first_name", value: user.first_name || "", autocomplete: "given-name", required: true, maxlength: 100 }),
      field("Last name", { name: "last_name", value: user.last_name || "", autocomplete: "family-name", required: true, maxlength: 100 })),
    field("Email", { type: "email", name: "email", value: user.email, readonly: true, autocomplete: "username" }, "Your login; it cannot be changed here."),
    field("Title", { name: "title", value: user.title || "", autocomplete: "organization-title", maxlength: 100 }),
    h("div", { class: "row" }, field("Cell phone", { type: "tel", name: "cell_phone", value: user.cell_phone || "", autocomplete: "tel" }),
      field("Office phone", { type: "tel", name: "office_phone", value: user.office_phone || "", autocomplete: "work tel" }),
      field("Extension", { name: "extension", value: user.extension || "", maxlength: 10 })),
    h("div", { class: "actions start" }, h("button", { type: "submit", class: "primary" }, "Save profile")));
  profile.addEventListener("submit", (event) => {
    event.preventDefault();
    const body = { first_name: value(profile, "first_name"), last_name: value(profile, "last_name"), title: orNull(value(profile, "title")),
      cell_phone: orNull(value(profile, "cell_phone")), office_phone: orNull(value(profile, "office_phone")), extension: orNull(value(profile, "extension")) };
    if (!body.first_name || !body.last_name) { profileError.textContent = "Your first and last name cannot be empty."; return; }
    submitting(profile, async () => {
      profileError.textContent = "";
      const reply = await api("PATCH", "/me", body);
      if (reply401(reply)) return;
      if (reply.status !== 200) { profileError.textContent = messageOf(reply); return; }
      state.me.user = reply.body;
      flash("Your profile was saved.");
    });
  });
  const passwordError = notice();
  const fresh = passwordFields("New password");
  const password = h("form", { novalidate: true, "aria-labelledby": "password-title" },
    h("h2", { id: "password-title" }, "Password"), passwordError,
    field("Current password", { type: "password", name: "current_password", autocomplete: "current-password", required: true }),
    ...fresh.nodes,
    h("p", { class: "hint" }, "Changing it signs out every other session of your login."),
    h("div", { class: "actions start" }, h("button", { type: "submit", class: "primary" }, "Change password")));
  password.addEventListener("submit", (event) => {
    event.preventDefault();
    const problem = fresh.check();
    if (problem) { passwordError.textContent = problem; return; }
    submitting(password, async () => {
      passwordError.textContent = "";
      const reply = await api("POST", "/me/password", { current_password: password.elements.current_password.value, new_password: fresh.value() });
      if (reply.status === 401 && reply.body?.error?.code === "invalid_credentials") {
        passwordError.textContent = "The current password is not right."; password.elements.current_password.focus(); return;
      }
      if (reply401(reply)) return;
      if (reply.status !== 200) { passwordError.textContent = messageOf(reply); return; }
      saveSession({ ...session(), token: reply.body.access_token, expires_at: reply.body.expires_at });
      password.reset();
      flash("Your password was changed. Other sessions were signed out.");
    });
  });
  frame("profile", "Your info", "your login, the same at every account", null,
    h("div", { class: "cards" }, h("section", { class: "card" }, profile), h("section", { class: "card" }, password)));
}

// ---------- Audit log

const EVENT_TYPES = ["account.created", "account.updated", "account.ownership_transferred", "invitation.created",
  "invitation.resent", "invitation.revoked", "invitation.accepted", "invitation.expired", "member.updated",
  "member.deactivated", "member.reactivated", "member.removed", "member.left", "member.password_reset_sent",
  "contact.created", "contact.updated", "contact.deleted", "group.created", "group.updated", "group.deleted",
  "sub_account.created", "sub_account.updated", "sub_account.deleted", "webhook.created", "webhook.deleted",
  "support_session.started", "support_session.ended"];
const eventLabel = (type) => type.replace(/[._]/g, " ").replace(/^\w/, (c) => c.toUpperCase());

async function renderAudit() {
  const base = `/accounts/${state.account.account_id}`;
  const people = await api("GET", `${base}/members?limit=100&sort=last_name`);
  const members = people.status === 200 ? people.body.items : [];
  const filters = h("form", { class: "filters", novalidate: true, "aria-label": "Filter the audit log" },
    h("div", { class: "field" }, h("label", { for: "audit-type" }, "Event"),
      h("select", { id: "audit-type", name: "type" }, h("option", { value: "" }, "All events"), EVENT_TYPES.map((t) => h("option", { value: t }, eventLabel(t))))),
    h("div", { class: "field" }, h("label", { for: "audit-person" }, "Done by"),
      h("select", { id: "audit-person", name: "actor" }, h("option", { value: "" }, "Anyone"), members.map((m) => h("option", { value: m.user_id }, `${fullName(m)} (${m.email})`)))),
    field("From", { type: "date", name: "since", id: "audit-since" }),
    field("Until (inclusive)", { type: "date", name: "until", id: "audit-until" }),
    h("div", { class: "field end" }, h("button", { type: "submit", class: "primary" }, "Show")));
  const panel = h("div", { class: "panel", id: "panel", "aria-live": "polite" });
  frame("audit", "Audit log", "every change to this account, newest first", null, filters, panel);
  const list = { items: [], next_cursor: null, query: "" };
  function query() {
    const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
    if (filters.elements.type.value) params.set("type", filters.elements.type.value);
    if (filters.elements.actor.value) params.set("actor_user_id", filters.elements.actor.value);
    if (filters.elements.since.value) params.set("since", `${filters.elements.since.value}T00:00:00Z`);
    if (filters.elements.until.value) { // the API's `until` is exclusive: the next day's start
      const end = new Date(`${filters.elements.until.value}T00:00:00Z`);
      end.setUTCDate(end.getUTCDate() + 1);
      params.set("until", end.toISOString().replace(/\.\d+Z$/, "Z"));
    }
    return params.toString();
  }
  async function load(more) {
    if (!more) list.query = query();
    if (await fetchPage(list, more, `${base}/audit-events?${list.query}`, panel)) draw();
  }
  function actorText(actor) {
    if (actor.kind === "system") return "The service";
    if (actor.kind === "operator") return actor.support_session_id ? `Support (as ${actor.acting_as || "a member"})` : "Your provider";
    return actor.email || actor.user_id;
  }
  // one line per field; a created item's fields show only their value, ids of sub-accounts their names
  function changesList(changes) {
    if (!changes || Object.keys(changes).length === 0) return "—";
    return h("ul", { class: "change-list" }, Object.entries(changes).map(([name, [before, after]]) => {
      const say = (v) => show1(name === "sub_accounts" && Array.isArray(v) ? v.map(subAccountName) : v);
      const label = h("span", { class: "field-name" }, `${name.replace(/_/g, " ")}: `);
      return h("li", {}, label, before === null || before === undefined ? say(after) : `${say(before)} → ${say(after)}`);
    }));
  }
  const show1 = (v) => (v === null || v === undefined ? "none" : Array.isArray(v) ? (v.length ? v.join(", ") : "none")
    : typeof v === "object" ? JSON.stringify(v) : String(v));
  function draw() {
    if (list.items.length === 0) { panel.replaceChildren(h("p", { class: "empty" }, "No events match.")); return; }
    panel.replaceChildren(table(h("caption", { class: "visually-hidden" }, "Audit events"),
      h("thead", {}, h("tr", {}, ["When", "Event", "Done by", "About", "Changes"].map((label) => h("th", { scope: "col" }, label)))),
      h("tbody", {}, list.items.map((e) => h("tr", {},
        h("td", { class: "date" }, h("time", { datetime: e.occurred_at }, when(e.occurred_at))),
        h("td", {}, h("span", { class: "badge event" }, eventLabel(e.type))),
        h("td", { class: "wrap" }, actorText(e.actor)),
        h("td", { class: "wrap" }, e.target.email || `${e.target.kind} ${e.target.id}`),
        h("td", { class: "changes" }, changesList(e.changes)))))));
    if (list.next_cursor) panel.append(loadMore(() => load(true), list.items.length));
  }
  filters.addEventListener("submit", (event) => { event.preventDefault(); submitting(filters, () => load(false)); });
  await load(false);
}

// ---------- Webhooks (the owner)

async function renderWebhooks() {
  const panel = h("div", { class: "panel", id: "panel" });
  frame("webhooks", "Webhooks", "this account's events sent to your systems",
    h("button", { type: "button", class: "primary", onclick: () => openWebhook(reload) }, "Add endpoint"), panel);
  const base = `/accounts/${state.account.account_id}/webhooks`;
  const list = { items: [], next_cursor: null };
  async function load(more) {
    if (await fetchPage(list, more, `${base}?limit=${PAGE_SIZE}`, panel)) draw();
  }
  async function reload() { await load(false); }
  function draw() {
    if (list.items.length === 0) { panel.replaceChildren(h("p", { class: "empty" }, "No endpoints yet. Add one to receive this account's events, signed per the Standard Webhooks specification.")); return; }
    panel.replaceChildren(table(h("caption", { class: "visually-hidden" }, "Webhook endpoints"),
      h("thead", {}, h("tr", {}, ["Endpoint", "Events", "Status", "Last delivery"].map((label) => h("th", { scope: "col" }, label)),
        h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, "Actions")))),
      h("tbody", {}, list.items.map((w) => {
        const path = `${base}/${w.webhook_id}`;
        const status = !w.enabled ? ["expired", "Turned off"] : w.failing_since ? ["failed", "Failing"] : ["sent", "Active"];
        return h("tr", {},
          h("td", { class: "name" }, h("strong", { class: "url" }, w.url), h("span", {}, w.description || "")),
          h("td", {}, w.event_types.includes("*") ? "All events" : w.event_types.map(eventLabel).join(", ")),
          h("td", {}, h("span", { class: `badge ${status[0]}` }, status[1])),
          dateCell(w.last_delivery_at),
          h("td", { class: "row-actions" },
            h("button", { type: "button", class: "small", "aria-label": `Deliveries to ${w.url}`, onclick: () => openDeliveries(w) }, "Deliveries"),
            h("button", { type: "button", class: "small", "aria-label": `${w.enabled ? "Turn off" : "Turn on"} ${w.url}`, onclick: async () => {
              const reply = await api("PATCH", path, { enabled: !w.enabled });
              if (reply.status !== 200) return flash(messageOf(reply), "error");
              await reload();
              flash(`${w.url} was turned ${w.enabled ? "off" : "on"}.`);
            } }, w.enabled ? "Turn off" : "Turn on"),
            h("button", { type: "button", class: "small", "aria-label": `New secret for ${w.url}`, onclick: () =>
              openForm("New signing secret?", [h("p", {}, `A new secret signs ${w.url}'s deliveries; the old one keeps signing too for 24 hours, so your receiver can switch without missing any.`)],
                "Make a new secret", async (form, error) => {
                  const reply = await api("POST", `${path}/rotate-secret`);
                  if (reply.status !== 200) { error.textContent = messageOf(reply); return false; }
                  setTimeout(() => showSecret(reply.body.secret, w.url));
                  return true;
                }) }, "New secret"),
            h("button", { type: "button", class: "small danger", "aria-label": `Delete ${w.url}`, onclick: () =>
              confirmDo(`Delete the endpoint ${w.url}? No more events are sent to it.`, "Delete", () => api("DELETE", path), 204, `${w.url} was deleted.`, reload) }, "Delete")));
      }))));
    if (list.next_cursor) panel.append(loadMore(() => load(true), list.items.length));
  }
  await load(false);
}

function openWebhook(reload) {
  const all = h("input", { type: "radio", name: "events-mode", value: "all", checked: true });
  const some = h("input", { type: "radio", name: "events-mode", value: "some" });
  const boxes = h("div", { class: "modules events" }, EVENT_TYPES.map((t) => h("label", {}, h("input", { type: "checkbox", name: "event", value: t, disabled: true }), eventLabel(t))));
  const sync = () => { for (const box of boxes.querySelectorAll("input")) box.disabled = all.checked; };
  all.addEventListener("change", sync);
  some.addEventListener("change", sync);
  const nodes = [
    field("Endpoint URL", { type: "url", name: "url", required: true, placeholder: "https://billing.example.com/hooks/portal", autocomplete: "off" }, "https:// on a public address; each delivery is signed."),
    field("Description", { name: "description", maxlength: 200, autocomplete: "off" }, "Optional"),
    h("fieldset", {}, h("legend", {}, "Events"), h("div", { class: "choices" }, h("label", {}, all, "All events"), h("label", {}, some, "Only these")), boxes),
  ];
  openForm("Add endpoint", nodes, "Add endpoint", async (form, error) => {
    const body = { url: value(form, "url"), event_types: all.checked ? ["*"] : checked(form, "event") };
    if (value(form, "description")) body.description = value(form, "description");
    if (!body.url) { error.textContent = "Give the endpoint's URL."; form.elements.url.focus(); return false; }
    if (body.event_types.length === 0) { error.textContent = "Choose at least one event, or all of them."; return false; }
    const reply = await api("POST", `/accounts/${state.account.account_id}/webhooks`, body);
    if (reply401(reply)) return true;
    if (reply.status !== 201) { error.textContent = messageOf(reply); return false; }
    await reload();
    setTimeout(() => showSecret(reply.body.secret, reply.body.url));
    return true;
  }, { wide: true });
}

function showSecret(secret, url) {
  const box = h("input", { type: "text", id: "webhook-secret", readonly: true, value: secret, class: "secret", "aria-describedby": "secret-hint" });
  const copy = h("button", { type: "button", class: "small", onclick: async () => {
    box.select();
    try { await navigator.clipboard.writeText(secret); announce("Secret copied."); } catch { announce("Select the secret and copy it."); }
  } }, "Copy");
  openForm("Signing secret", [h("p", {}, `Deliveries to ${url} are signed with this secret.`),
    h("div", { class: "field" }, h("label", { for: "webhook-secret" }, "Secret"), h("div", { class: "inline" }, box, copy),
      h("span", { class: "hint", id: "secret-hint" }, "Shown only now: store it in your receiver's configuration before closing.")),
  ], null, null);
  flash(`The secret of ${url} was shown once.`);
}

async function openDeliveries(webhook) {
  const list = h("div", { class: "deliveries" }, h("p", { class: "hint" }, "Loading…"));
  const path = `/accounts/${state.account.account_id}/webhooks/${webhook.webhook_id}/deliveries`;
  openForm(`Deliveries to ${webhook.url}`, [list], null, null, { wide: true });
  const items = [];
  let next = null;
  async function load(more) {
    const reply = await api("GET", `${path}?limit=${PAGE_SIZE}${more && next ? `&cursor=${encodeURIComponent(next)}` : ""}`);
    if (reply.status !== 200) { list.replaceChildren(h("p", { class: "notice error", role: "alert" }, messageOf(reply))); return; }
    if (!more) items.length = 0;
    items.push(...reply.body.items);
    next = reply.body.next_cursor;
    draw();
  }
  function draw() {
    if (items.length === 0) { list.replaceChildren(h("p", { class: "empty" }, "Nothing sent yet.")); return; }
    list.replaceChildren(table(h("caption", { class: "visually-hidden" }, "Deliveries"),
      h("thead", {}, h("tr", {}, ["Event", "Status", "Attempts", "Last answer"].map((l) => h("th", { scope: "col" }, l)),
        h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, "Actions")))),
      h("tbody", {}, items.map((d) => h("tr", {},
        h("td", {}, eventLabel(d.type)),
        h("td", {}, h("span", { class: `badge ${{ succeeded: "sent", failed: "failed", pending: "queued" }[d.status]}` }, { succeeded: "Delivered", failed: "Failed", pending: "Pending" }[d.status])),
        h("td", {}, String(d.attempts)),
        h("td", {}, d.last_status_code ? `HTTP ${d.last_status_code}` : d.last_error || "—"),
        h("td", { class: "row-actions" }, d.status === "succeeded" ? null : h("button", { type: "button", class: "small",
          "aria-label": `Retry the ${eventLabel(d.type)} delivery`, onclick: async () => {
            const reply = await api("POST", `${path}/${d.delivery_id}/retry`);
            announce(reply.status === 202 ? "It will be sent again shortly." : messageOf(reply));
            await load(false);
          } }, "Retry")))))));
    if (next) list.append(h("p", { class: "more-row" }, h("button", { type: "button", onclick: () => load(true) }, "Load more")));
  }
  await load(false);
}

// ---------- which page

const PAGES = { login: renderLogin, "password-reset": renderPasswordReset, accept: renderAccept };
for (const view of Object.keys(SCREENS)) PAGES[view] = renderApp;
if (document.body.dataset.page === "login" && session()?.token) {
  // already signed in in this tab: straight to the portal (sign out to use another login)
  go("./");
} else {
  if (!SCREENS[document.body.dataset.page]) renderSessionNav();
  PAGES[document.body.dataset.page]();
}

// Another emailed link opened in this same tab changes only the fragment: start again from it.
window.addEventListener("hashchange", () => location.reload());
