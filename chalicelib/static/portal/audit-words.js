// The audit log in words: names and labels where the events hold ids and keys ("group grp_d048…" is
// "Group “Billing”", "tickets" is "Open and view support tickets"). A name not known any more (the item
// was deleted) falls back on the one the event itself recorded, then on a plain description.

import { h, ROLE_LABEL } from "./dom.js";
import { state } from "./frame.js";

const NOUNS = { sub_account: "sub-account", support_session: "support session", domain: "email domain" };
const KINDS = { sub_account: "Sub-account", group: "Group", webhook: "Webhook endpoint", contact: "Contact",
  member: "Member", invitation: "Invitation", account: "Account", support_session: "Support session",
  email_domain: "Email domain", join_request: "Join request", invite_link: "Invite link" };
// field names as the portal's forms call them
const FIELDS = { permissions: "modules", sub_accounts: "sub-accounts", group_id: "group", group_manager: "group manager",
  email_preferences: "emails they receive", event_types: "events", owner_user_id: "owner",
  mfa_required: "two-step sign-in required of", grace_days: "days of grace" };

export function eventLabel(type) {
  const [thing, action = ""] = type.split(".");
  const words = `${NOUNS[thing] || thing.replace(/_/g, " ")} ${action.replace(/_/g, " ")}`.trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const permissionLabel = (key) => (state.permissions.find((p) => p.key === key) || { label: key }).label;
const groupName = (id) => (id === "default" || id === null ? "Default User Group"
  : (state.groups || []).find((g) => g.group_id === id)?.name);
const subAccountName = (id) => (state.subAccounts || []).find((s) => s.sub_account_id === id)?.name;

// what an event is about: a person by email, anything else by its name
export function aboutText(event) {
  const { kind, id, email } = event.target;
  if (email) return email;
  const recorded = ["name", "url"].map((field) => event.changes?.[field]).find(Boolean);
  const current = kind === "group" ? groupName(id) : kind === "sub_account" ? subAccountName(id)
    : kind === "account" && id === state.account.account_id ? state.account.name : kind === "email_domain" ? id : null;
  const name = current || (recorded ? recorded[1] ?? recorded[0] : null);
  const noun = KINDS[kind] || kind.replace(/_/g, " ");
  if (name) return `${noun} “${name}”`;
  return kind === "group" || kind === "sub_account" ? `A deleted ${noun.toLowerCase()}` : noun; // (those listed here)
}

function say(field, value) {
  if (value === null || value === undefined) return "none";
  if (Array.isArray(value)) {
    const names = value.map((v) => (field === "permissions" ? permissionLabel(v) : field === "sub_accounts" ? subAccountName(v) || "a deleted sub-account"
      : field === "event_types" ? (v === "*" ? "all events" : eventLabel(v)) : String(v)));
    return names.length ? names.join(", ") : "none";
  }
  if (field === "group_id") return groupName(value) || "a deleted group";
  if (field === "role") return ROLE_LABEL[value] || value;
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value === "object") {
    const on = Object.entries(value).filter(([, v]) => v === true).map(([k]) => k);
    return on.length === Object.keys(value).length || on.length === 0 ? (on.length ? "all" : "none") : on.join(", ");
  }
  return String(value);
}

// one line per field; a created item's fields show only their value
export function changesList(changes) {
  if (!changes || Object.keys(changes).length === 0) return "—";
  return h("ul", { class: "change-list" }, Object.entries(changes).map(([field, [before, after]]) => {
    const label = h("span", { class: "field-name" }, `${FIELDS[field] || field.replace(/_/g, " ")}: `);
    return h("li", {}, label, before === null || before === undefined ? say(field, after) : `${say(field, before)} → ${say(field, after)}`);
  }));
}
