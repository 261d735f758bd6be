// Your info's Sessions: every place this login is signed in, with "Sign out" for one and for every other.

import { api } from "./session.js";
import { h, notice, messageOf, when, dateCell, table, columnHeads } from "./dom.js";
import { reply401, confirmDo } from "./frame.js";
import { t } from "./i18n.js";

const VIA_LABEL = { password: t("Password"), "password+totp": t("Password and code"), "password+passkey": t("Password and passkey"),
  recovery_code: t("Recovery code"), passkey: t("Passkey"), invitation: t("Accepted an invitation"), support: t("Support") };

export function sessionsCard() {
  const error = notice();
  const list = h("div", { id: "sessions-list", class: "stacked" }, h("p", { class: "hint" }, t("Loading your sessions…")));
  const others = h("button", { type: "button", class: "danger", id: "sign-out-others" }, t("Sign out everywhere else"));
  others.addEventListener("click", () => confirmDo(
    t("Sign out every other session of your login? This one stays signed in."), t("Sign out everywhere else"),
    () => api("DELETE", "/me/sessions"), 204, t("Every other session was signed out."), load));
  async function load() {
    const reply = await api("GET", "/me/sessions?limit=100");
    if (reply401(reply)) return;
    if (reply.status !== 200) { error.textContent = messageOf(reply); return; }
    const items = reply.body.items;
    others.disabled = !items.some((s) => !s.current);
    list.replaceChildren(table(h("caption", { class: "visually-hidden" }, t("Your sessions")),
      columnHeads([t("Device"), t("Signed in with"), t("Started"), t("Last seen")]),
      h("tbody", {}, items.map((s) => row(s, load)))));
  }
  load();
  return h("section", { class: "card", "aria-labelledby": "sessions-title" },
    h("h2", { id: "sessions-title" }, t("Sessions")), error,
    h("p", { class: "hint" }, t("Where your login is signed in. Signing a session out ends it at once, on every account.")),
    list, h("div", { class: "actions start" }, others));
}

function row(s, reload) {
  const device = s.user_agent || t("Unknown device");
  const where = s.ip ? ` · ${s.ip}` : "";
  const action = s.current
    ? h("span", { class: "badge sent" }, t("This session"))
    : h("button", { type: "button", class: "small", "aria-label": t("Sign out the session on {device} started {date}", { device, date: when(s.created_at) }),
      onclick: () => confirmDo(t("Sign out the session on {device}? Its next request is refused.", { device }), t("Sign out this session"),
        () => api("DELETE", `/me/sessions/${encodeURIComponent(s.session_id)}`), 204, t("That session was signed out."), reload) },
      t("Sign out this session"));
  return h("tr", {}, h("td", { class: "name" }, h("strong", {}, device), h("span", {}, where)),
    h("td", {}, VIA_LABEL[s.via] || s.via), dateCell(s.created_at), dateCell(s.last_seen_at), h("td", { class: "row-actions" }, action));
}


