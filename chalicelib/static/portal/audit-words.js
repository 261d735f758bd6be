// The audit log in words: names and labels where the events hold ids and keys ("group grp_d048…" is
// "Group “Billing”", "tickets" is "Open and view support tickets"). A name not known any more (the item
// was deleted) falls back on the one the event itself recorded, then on a plain description. Every word in
// the page's language: each event type has its own message (a type added later reads as its words in English).

import { h, ROLE_LABEL } from "./dom.js";
import { state } from "./frame.js";
import { t } from "./i18n.js";

// functions, not tables: read in the page's language of the moment
const EVENTS = () => ({
  "account.created": t("Account created"), "account.updated": t("Account updated"),
  "account.ownership_transferred": t("Account ownership transferred"), "account.seats_changed": t("Account seats changed"),
  "account.brand_changed": t("Account brand changed"),
  "account.seats_full": t("Account seats full"), "account.seats_warning": t("Account seats almost full"),
  "account.security_updated": t("Account security updated"),
  "contact.created": t("Contact created"), "contact.updated": t("Contact updated"), "contact.deleted": t("Contact deleted"),
  "domain.added": t("Email domain added"), "domain.removed": t("Email domain removed"), "domain.updated": t("Email domain updated"),
  "domain.verified": t("Email domain verified"), "domain.verification_failed": t("Email domain verification failed"),
  "domain.verification_lost": t("Email domain verification lost"),
  "group.created": t("Group created"), "group.updated": t("Group updated"), "group.deleted": t("Group deleted"),
  "invitation.created": t("Invitation created"), "invitation.resent": t("Invitation resent"),
  "invitation.accepted": t("Invitation accepted"), "invitation.expired": t("Invitation expired"),
  "invitation.revoked": t("Invitation revoked"),
  "invite_link.created": t("Invite link created"), "invite_link.used": t("Invite link used"),
  "invite_link.revoked": t("Invite link revoked"),
  "join_request.created": t("Join request created"), "join_request.approved": t("Join request approved"),
  "join_request.denied": t("Join request denied"),
  "member.joined": t("Member joined"), "member.updated": t("Member updated"), "member.deactivated": t("Member deactivated"),
  "member.reactivated": t("Member reactivated"), "member.removed": t("Member removed"), "member.left": t("Member left"),
  "member.signed_out": t("Member signed out"), "member.password_reset_sent": t("Member password reset sent"),
  "member.provisioned": t("Member provisioned"),
  "scim_token.created": t("SCIM token created"), "scim_token.revoked": t("SCIM token revoked"),
  "sub_account.created": t("Sub-account created"), "sub_account.updated": t("Sub-account updated"),
  "sub_account.deleted": t("Sub-account deleted"),
  "support_session.started": t("Support session started"), "support_session.ended": t("Support session ended"),
  "webhook.created": t("Webhook created"), "webhook.updated": t("Webhook updated"), "webhook.deleted": t("Webhook deleted"),
  "webhook.disabled": t("Webhook disabled"), "webhook.secret_rotated": t("Webhook secret rotated"),
});
const KINDS = () => ({ sub_account: t("Sub-account"), group: t("Group"), webhook: t("Webhook endpoint"), contact: t("Contact"),
  member: t("Member"), invitation: t("Invitation"), account: t("Account"), support_session: t("Support session"),
  email_domain: t("Email domain"), join_request: t("Join request"), invite_link: t("Invite link") });
// field names as the portal's forms call them
const FIELDS = () => ({ permissions: t("modules"), sub_accounts: t("sub-accounts"), group_id: t("group"),
  group_manager: t("group manager"), email_preferences: t("emails they receive"), event_types: t("events"),
  owner_user_id: t("owner"), mfa_required: t("two-step sign-in required of"), grace_days: t("days of grace") });

export function eventLabel(type) {
  const known = EVENTS()[type];
  if (known) return known;
  const words = type.replace(/[._]/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const permissionLabel = (key) => (state.permissions.find((p) => p.key === key) || { label: key }).label;
const groupName = (id) => (id === "default" || id === null ? t("Default User Group")
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
  const noun = KINDS()[kind] || kind.replace(/_/g, " ");
  if (name) return t("{kind} “{name}”", { kind: noun, name });
  if (kind === "group") return t("A deleted group");
  return kind === "sub_account" ? t("A deleted sub-account") : noun;
}

function say(field, value) {
  if (value === null || value === undefined) return t("none");
  if (Array.isArray(value)) {
    const names = value.map((v) => (field === "permissions" ? permissionLabel(v) : field === "sub_accounts" ? subAccountName(v) || t("a deleted sub-account")
      : field === "event_types" ? (v === "*" ? t("all events") : eventLabel(v)) : String(v)));
    return names.length ? names.join(", ") : t("none");
  }
  if (field === "group_id") return groupName(value) || t("a deleted group");
  if (field === "role") return ROLE_LABEL[value] || value;
  if (typeof value === "boolean") return value ? t("yes") : t("no");
  if (typeof value === "object") {
    const on = Object.entries(value).filter(([, v]) => v === true).map(([k]) => k);
    return on.length === Object.keys(value).length || on.length === 0 ? (on.length ? t("all") : t("none")) : on.join(", ");
  }
  return String(value);
}

// one line per field; a created item's fields show only their value
export function changesList(changes) {
  if (!changes || Object.keys(changes).length === 0) return "—";
  return h("ul", { class: "change-list" }, Object.entries(changes).map(([field, [before, after]]) => {
    const label = h("span", { class: "field-name" }, t("{field}:", { field: FIELDS()[field] || field.replace(/_/g, " ") }), " ");
    return h("li", {}, label, before === null || before === undefined ? say(field, after) : `${say(field, before)} → ${say(field, after)}`);
  }));
}
