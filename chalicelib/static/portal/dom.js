// Small DOM helpers shared by every page: elements are built with the DOM API (never innerHTML with
// data), so a name or email is always text.

import { PORTAL } from "./session.js";
import { t, formatDate } from "./i18n.js";
import { setTitle } from "./brand.js";

export const main = document.getElementById("main");
export const announcer = document.getElementById("announcer");

// ---------- small helpers

export function h(tag, attrs = {}, ...children) {
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

export function show(...nodes) {
  main.replaceChildren(...nodes);
}

export function announce(text) {
  announcer.textContent = "";
  setTimeout(() => (announcer.textContent = text), 30);
}

export function go(path) {
  location.assign(new URL(path, PORTAL));
}

let fieldCount = 0;
export const nextId = () => ++fieldCount;
export function field(label, attrs = {}, hint = null) {
  const id = attrs.id || `field-${nextId()}`;
  const hintId = hint ? `${id}-hint` : null;
  const control = attrs.tag === "textarea"
    ? h("textarea", { ...attrs, tag: null, id, "aria-describedby": hintId })
    : h("input", { type: "text", ...attrs, id, "aria-describedby": hintId });
  return h("div", { class: "field" }, h("label", { for: id }, label), control,
    hint ? h("span", { class: "hint", id: hintId }, hint) : null);
}

export function notice(kind = "error") {
  return h("div", { class: `notice ${kind}`, role: kind === "error" ? "alert" : "status" });
}

// a time says its zone ("Dec 13, 2026, 4:47 AM UTC"): a link valid "until 4:47 AM" is no answer abroad; both
// in the page's language (i18n.js), whatever the browser's own
const DATE_TIME = { year: "numeric", month: "short", day: "numeric", hour: "numeric", minute: "2-digit", timeZoneName: "short" };
export const day = (iso) => formatDate(new Date(iso), { dateStyle: "medium" });
export function when(iso) {
  return iso ? formatDate(new Date(iso), DATE_TIME) : "—";
}
// a table cell: the day, with the exact time on hover and for screen readers in the cell's text
export function dateCell(iso) {
  if (!iso) return h("td", { class: "date" }, "—");
  return h("td", { class: "date" }, h("time", { datetime: iso, title: when(iso) }, day(iso)));
}

export function messageOf(reply) {
  const error = reply.body && reply.body.error;
  if (!error) return t("Something went wrong ({status}). Please try again.", { status: reply.status });
  if (error.code === "rate_limited") return t("{reason} Please try again a little later.", { reason: error.message || t("Too many attempts.") });
  const details = (error.details || []).map((d) => `${d.field.replace(/^body\.?/, "")}: ${d.message}`);
  return [error.message, ...details].join(" ");
}

// A table's header: the columns' names, then (for rows with buttons) an Actions column named for screen
// readers only.
export function columnHeads(labels, actions = true) {
  return h("thead", {}, h("tr", {}, labels.map((label) => h("th", { scope: "col" }, label)),
    actions ? h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, t("Actions"))) : null));
}

// What a failed read shows in place of its list.
export const errorAlert = (reply) => h("p", { class: "notice error", role: "alert" }, messageOf(reply));

// A data table whose cells carry their column's name (data-label): on a phone each row shows as a card,
// each value under its name (portal.css), since eight columns cannot fit 375 px.
export function table(...children) {
  const node = h("table", {}, ...children);
  const labels = [...node.querySelectorAll("thead th")].map((th) => th.textContent.replace(/[▲▼↕]/g, "").trim());
  for (const row of node.querySelectorAll("tbody tr")) {
    [...row.children].forEach((cell, index) => { if (labels[index]) cell.dataset.label = labels[index]; });
  }
  return node;
}

export function card(title, lead, ...body) {
  const heading = h("h1", { id: "page-title" }, title);
  show(h("div", { class: "centered" }, h("section", { class: "card", "aria-labelledby": "page-title" },
    heading, lead ? h("p", { class: "lead" }, lead) : null, ...body)));
  setTitle(title);
}

export function messageCard(title, text, linkText, linkPath, kind = "info") {
  card(title, null, h("div", { class: `notice ${kind}`, role: kind === "error" ? "alert" : "status" }, text),
    linkText ? h("p", { class: "below" }, h("a", { href: new URL(linkPath, PORTAL) }, linkText)) : null);
}

export async function submitting(form, work) {
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  try { await work(); } finally { button.disabled = false; }
}

// the operator (the hosting company) has one name wherever a person reads it, emails included
// (getters: read in the page's language of the moment, which a signed-in user's own may replace)
export const OPERATOR = { get name() { return t("Your hosting provider"); } };
export const ROLE_LABEL = {
  get owner() { return t("Owner"); }, get admin() { return t("Admin"); }, get member() { return t("User"); },
};

export function scopeText(scope) {
  if (scope === "all" || scope === undefined) return t("All sub-accounts");
  if (scope.length === 0) return t("No sub-account");
  return scope.map((s) => s.name).join(", ");
}

export function fullName(person) {
  return [person.first_name, person.last_name].filter(Boolean).join(" ") || person.email;
}

// a value to copy (a DNS record, a link shown once): read-only, selected and copied by its button; `words`:
// { copy: its button's name, copied: said once copied, select: said when the browser may not copy }
export function copyField(label, id, text, words) {
  const box = h("input", { type: "text", id, readonly: true, value: text, class: "secret" });
  const copy = h("button", { type: "button", class: "small", "aria-label": words.copy, onclick: async () => {
    box.select();
    try { await navigator.clipboard.writeText(text); announce(words.copied); } catch { announce(words.select); }
  } }, t("Copy"));
  return h("div", { class: "field" }, h("label", { for: id }, label), h("div", { class: "inline" }, box, copy));
}
