// The audit log: every change to the account, filtered.

import { api } from "./session.js";
import { h, field, when, table, submitting, fullName, OPERATOR } from "./dom.js";
import { state, PAGE_SIZE, frame, loadMore, fetchPage } from "./frame.js";
import { eventLabel, aboutText, changesList } from "./audit-words.js";
import { t } from "./i18n.js";

export const EVENT_TYPES = ["account.created", "account.updated", "account.ownership_transferred",
  "account.seats_changed", "account.seats_warning", "account.seats_full", "invitation.created",
  "invitation.resent", "invitation.revoked", "invitation.accepted", "invitation.expired", "member.updated",
  "member.deactivated", "member.reactivated", "member.removed", "member.left", "member.password_reset_sent",
  "contact.created", "contact.updated", "contact.deleted", "group.created", "group.updated", "group.deleted",
  "sub_account.created", "sub_account.updated", "sub_account.deleted", "webhook.created", "webhook.deleted",
  "support_session.started", "support_session.ended", "member.signed_out", "account.security_updated",
  "domain.added", "domain.verified", "domain.verification_failed", "domain.verification_lost", "domain.updated",
  "domain.removed", "join_request.created", "join_request.approved", "join_request.denied", "member.joined",
  "invite_link.created", "invite_link.used", "invite_link.revoked"];
export { eventLabel }; // (the webhooks screen names events alike)

export async function renderAudit() {
  const base = `/accounts/${state.account.account_id}`;
  const people = await api("GET", `${base}/members?limit=100&sort=last_name`);
  const members = people.status === 200 ? people.body.items : [];
  const filters = h("form", { class: "filters", novalidate: true, "aria-label": t("Filter the audit log") },
    h("div", { class: "field" }, h("label", { for: "audit-type" }, t("Event")),
      h("select", { id: "audit-type", name: "type" }, h("option", { value: "" }, t("All events")), EVENT_TYPES.map((type) => h("option", { value: type }, eventLabel(type))))),
    h("div", { class: "field" }, h("label", { for: "audit-person" }, t("Done by")),
      h("select", { id: "audit-person", name: "actor" }, h("option", { value: "" }, t("Anyone")), members.map((m) => h("option", { value: m.user_id }, `${fullName(m)} (${m.email})`)))),
    field(t("From"), { type: "date", name: "since", id: "audit-since" }),
    field(t("Until (inclusive)"), { type: "date", name: "until", id: "audit-until" }),
    h("div", { class: "field end" }, h("button", { type: "submit", class: "primary" }, t("Show"))));
  const panel = h("div", { class: "panel", id: "panel", "aria-live": "polite" });
  frame("audit", t("Audit log"), t("every change to this account, newest first"), null, filters, panel);
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
    if (actor.kind === "system") return t("The service");
    if (actor.kind === "operator") return actor.support_session_id ? t("Support (as {member})", { member: actor.acting_as || t("a member") }) : OPERATOR.name;
    return actor.email || actor.user_id;
  }
  function draw() {
    if (list.items.length === 0) {
      // with an event and a person, a page reads a bounded part of the log: none there, maybe more further on
      panel.replaceChildren(h("p", { class: "empty" }, list.next_cursor ? t("No events match in the part of the log read so far.") : t("No events match.")));
      if (list.next_cursor) panel.append(loadMore(() => load(true), 0));
      return;
    }
    panel.replaceChildren(table(h("caption", { class: "visually-hidden" }, t("Audit events")),
      h("thead", {}, h("tr", {}, [t("When"), t("Event"), t("Done by"), t("About"), t("Changes")].map((label) => h("th", { scope: "col" }, label)))),
      h("tbody", {}, list.items.map((e) => h("tr", {},
        h("td", { class: "date" }, h("time", { datetime: e.occurred_at }, when(e.occurred_at))),
        h("td", {}, h("span", { class: "badge event" }, eventLabel(e.type))),
        h("td", { class: "wrap" }, actorText(e.actor)),
        h("td", { class: "wrap" }, aboutText(e)),
        h("td", { class: "changes" }, changesList(e.changes)))))));
    if (list.next_cursor) panel.append(loadMore(() => load(true), list.items.length));
  }
  filters.addEventListener("submit", (event) => { event.preventDefault(); submitting(filters, () => load(false)); });
  await load(false);
}
