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
  const self = await api("GET", `/accounts/${state.account.account_id}/members/${state.me.user.user_id}`);
  state.self = self.status === 200 ? self.body : null;
  renderSessionNav();
  renderUserManagement();
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

function canManageUsers() {
  return Boolean(state.self && state.self.permissions.includes("user_management"));
}

const TABS = [
  { key: "active", label: "Active users" },
  { key: "pending", label: "Pending invitations" },
  { key: "deactivated", label: "Deactivated users" },
];

function renderUserManagement() {
  document.title = "User management · Client portal";
  const flash = h("div", { class: "notice ok", role: "status", id: "flash" });
  const head = h("div", { class: "page-head" },
    h("div", {}, h("h1", {}, "User Management"), h("p", {}, state.account.name)),
    canManageUsers() ? h("button", { type: "button", class: "primary", onclick: openInvite }, "Invite users") : null);
  const sidebar = h("nav", { class: "sidebar", "aria-label": "Portal" }, h("h2", {}, "Configuration"),
    h("a", { href: PORTAL.href, "aria-current": "page" }, "User Management"));
  if (!canManageUsers()) {
    show(h("div", { class: "layout" }, sidebar, h("div", { class: "content" }, head,
      h("div", { class: "notice info", role: "status" }, "You are signed in, but managing users needs the User management permission at this account."))));
    return;
  }
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
  show(h("div", { class: "layout" }, sidebar, h("div", { class: "content" }, head, flash, tablist, panel)));
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

async function loadMembers(status) {
  const { sort, order } = state.sorts[status];
  const reply = await api("GET", `/accounts/${state.account.account_id}/members?status=${status}&sort=${sort}&order=${order}&limit=100`);
  state.lists[status] = reply.status === 200 ? reply.body : { items: [], error: messageOf(reply) };
}

async function loadInvitations() {
  const base = `/accounts/${state.account.account_id}/invitations?limit=100`;
  const [pending, expired] = await Promise.all([api("GET", `${base}&status=pending`), api("GET", `${base}&status=expired`)]);
  const items = [pending, expired].flatMap((r) => (r.status === 200 ? r.body.items : []));
  state.lists.pending = { items, next_cursor: pending.body?.next_cursor || expired.body?.next_cursor || null,
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
  if (list.next_cursor) panel.append(h("p", { class: "empty" }, "Only the first 100 are shown."));
}

function fullName(person) {
  return [person.first_name, person.last_name].filter(Boolean).join(" ") || person.email;
}

function memberTable(items, tab) {
  if (items.length === 0) return h("p", { class: "empty" }, tab === "active" ? "No active users." : "No deactivated users.");
  return h("table", {}, h("caption", { class: "visually-hidden" }, tab === "active" ? "Active users" : "Deactivated users"),
    header(MEMBER_COLUMNS, tab),
    h("tbody", {}, items.map((m) => h("tr", {},
      h("td", {}, m.first_name || "—"), h("td", {}, m.last_name || "—"), h("td", {}, m.email),
      h("td", {}, m.title || "—"), h("td", {}, h("span", { class: `badge ${m.role}` }, ROLE_LABEL[m.role])),
      dateCell(m.joined_at), dateCell(m.last_login_at),
      h("td", { class: "row-actions" }, memberActions(m, tab))))));
}

function memberActions(member, tab) {
  if (member.role === "owner") return h("span", { class: "hint" }, "Account owner");
  if (member.user_id === state.me.user.user_id) return h("span", { class: "hint" }, "You");
  const who = fullName(member);
  const path = `/accounts/${state.account.account_id}/members/${member.user_id}`;
  const act = (label, extra, run, name = `${label} ${who}`) =>
    h("button", { type: "button", class: `small ${extra}`, "aria-label": name, onclick: run }, label);
  const remove = act("Remove", "danger", () => confirmThen(`Remove ${who} from ${state.account.name}? They can be invited again later.`, "Remove",
    () => api("DELETE", path), 204, `${who} was removed.`));
  if (tab === "deactivated") {
    return [act("Reactivate", "", () => run(() => api("POST", `${path}/reactivate`), 200, `${who} was reactivated.`)), remove];
  }
  return [
    act("Reset password", "", () => run(() => api("POST", `${path}/password-reset`), 202, `A password reset link was sent to ${member.email}.`), `Reset password for ${who}`),
    act("Deactivate", "danger", () => confirmThen(`Deactivate ${who}? They lose access to ${state.account.name} at once.`, "Deactivate",
      () => api("POST", `${path}/deactivate`), 200, `${who} was deactivated.`)),
    remove,
  ];
}

function invitationTable(items) {
  if (items.length === 0) return h("p", { class: "empty" }, "No pending invitations.");
  const { sort, order } = state.sorts.pending;
  const sorted = [...items].sort((a, b) => String(a[sort] ?? "").localeCompare(String(b[sort] ?? "")) * (order === "asc" ? 1 : -1));
  return h("table", {}, h("caption", { class: "visually-hidden" }, "Pending invitations"), header(INVITATION_COLUMNS, "pending"),
    h("tbody", {}, sorted.map((inv) => {
      const path = `/accounts/${state.account.account_id}/invitations/${inv.invitation_id}`;
      return h("tr", {},
        h("td", {}, inv.email), h("td", {}, h("span", { class: `badge ${inv.role}` }, ROLE_LABEL[inv.role])),
        dateCell(inv.created_at), dateCell(inv.last_sent_at), dateCell(inv.expires_at),
        h("td", {}, h("span", { class: `badge ${inv.status === "expired" ? "expired" : inv.delivery}` },
          inv.status === "expired" ? "Expired" : { queued: "Queued", sent: "Sent", failed: "Not delivered" }[inv.delivery] || inv.delivery)),
        h("td", { class: "row-actions" },
          h("button", { type: "button", class: "small", "aria-label": `Resend the invitation to ${inv.email}`,
            onclick: () => run(() => api("POST", `${path}/resend`), 200, `The invitation to ${inv.email} was sent again.`) }, "Resend"),
          h("button", { type: "button", class: "small danger", "aria-label": `Revoke the invitation to ${inv.email}`,
            onclick: () => confirmThen(`Revoke the invitation to ${inv.email}? Its link stops working.`, "Revoke",
              () => api("DELETE", path), 204, `The invitation to ${inv.email} was revoked.`) }, "Revoke")));
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
  const results = h("ul", { class: "results", "aria-label": "Results" });
  const modules = state.permissions.map((p) => {
    const box = h("input", { type: "checkbox", name: "module", value: p.key, "data-admin-only": p.admin_only ? "1" : null });
    return h("label", { class: p.admin_only ? "locked" : "" }, box, p.label, p.admin_only ? h("span", { class: "lock" }, "Admins only") : null);
  });
  const modulesHint = h("p", { class: "hint", id: "modules-hint" }, "A User gets only the modules ticked here. Admin-only modules need the Admin role.");
  const form = h("form", { novalidate: true },
    h("h2", { id: "invite-title" }, "Invite users"), error,
    field("Email addresses", { tag: "textarea", name: "emails", required: true, autocomplete: "off" }, "One per line, or separated by commas; up to 50 at once. Each gets its own link."),
    h("fieldset", {}, h("legend", {}, "Role"), h("div", { class: "choices" },
      h("label", {}, h("input", { type: "radio", name: "role", value: "member", checked: true }), "User"),
      h("label", {}, h("input", { type: "radio", name: "role", value: "admin" }), "Admin"))),
    h("fieldset", { "aria-describedby": "modules-hint" }, h("legend", {}, "Modules"), modulesHint, h("div", { class: "modules" }, modules)),
    results,
    h("div", { class: "actions" },
      h("button", { type: "button", value: "close", onclick: () => dialog.close() }, "Close"),
      h("button", { type: "submit", class: "primary" }, "Send invitations")));
  const dialog = h("dialog", { "aria-labelledby": "invite-title" }, form);
  const syncRole = () => {
    const admin = form.elements.role.value === "admin";
    for (const box of form.querySelectorAll("input[name=module]")) {
      const locked = admin || box.dataset.adminOnly === "1";
      box.disabled = locked;
      if (admin) box.checked = true;
      else if (box.dataset.adminOnly === "1") box.checked = false;
      else if (box.dataset.wasAdmin === "1") box.checked = false;
      box.dataset.wasAdmin = admin ? "1" : "";
    }
    modulesHint.textContent = admin
      ? "An Admin holds every module, admin-only ones included."
      : "A User gets only the modules ticked here. Admin-only modules need the Admin role.";
  };
  for (const radio of form.querySelectorAll("input[name=role]")) radio.addEventListener("change", syncRole);
  syncRole();
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const emails = form.elements.emails.value.split(/[\s,;]+/).map((e) => e.trim()).filter(Boolean);
    if (emails.length === 0) { error.textContent = "Give at least one email address."; form.elements.emails.focus(); return; }
    if (emails.length > 50) { error.textContent = "At most 50 addresses at once."; form.elements.emails.focus(); return; }
    const role = form.elements.role.value;
    const permissions = role === "admin" ? [] : [...form.querySelectorAll("input[name=module]:checked")].map((b) => b.value);
    submitting(form, async () => {
      error.textContent = "";
      const reply = await api("POST", `/accounts/${state.account.account_id}/invitations`, { emails, role, permissions });
      if (reply.status !== 200) { error.textContent = messageOf(reply); return; }
      const invited = reply.body.results.filter((r) => r.status === "invited").length;
      results.replaceChildren(...reply.body.results.map((r) => h("li", {}, h("span", {}, r.email),
        r.status === "invited" ? h("span", { class: "invited" }, "Invited")
          : h("span", { class: "skipped" }, `Skipped: ${REASONS[r.reason] || r.reason}`))));
      form.elements.emails.value = reply.body.results.filter((r) => r.status !== "invited").map((r) => r.email).join("\n");
      announce(`${invited} of ${reply.body.results.length} invited.`);
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

// ---------- which page

const PAGES = { login: renderLogin, "password-reset": renderPasswordReset, accept: renderAccept, app: renderApp };
if (document.body.dataset.page === "login" && session()?.token) {
  // already signed in in this tab: straight to the portal (sign out to use another login)
  go("./");
} else {
  if (document.body.dataset.page !== "app") renderSessionNav();
  PAGES[document.body.dataset.page]();
}

// Another emailed link opened in this same tab changes only the fragment: start again from it.
window.addEventListener("hashchange", () => location.reload());
