// Webhooks (the owner): endpoints, their secrets and deliveries.

import { api } from "./session.js";
import { h, announce, field, dateCell, messageOf, table, columnHeads, errorAlert } from "./dom.js";
import { state, flash, PAGE_SIZE, frame, loadMore, openForm, reply401, value, fetchPage, confirmDo } from "./frame.js";
import { checked } from "./choosers.js";
import { EVENT_TYPES, eventLabel } from "./audit.js";
import { actionsMenu } from "./menu.js";
import { t } from "./i18n.js";

export async function renderWebhooks() {
  const panel = h("div", { class: "panel", id: "panel" });
  frame("webhooks", t("Webhooks"), t("this account's events sent to your systems"),
    h("button", { type: "button", class: "primary", onclick: () => openWebhook(reload) }, t("Add endpoint")), panel);
  const base = `/accounts/${state.account.account_id}/webhooks`;
  const list = { items: [], next_cursor: null };
  async function load(more) {
    if (await fetchPage(list, more, `${base}?limit=${PAGE_SIZE}`, panel)) draw();
  }
  async function reload() { await load(false); }
  function draw() {
    if (list.items.length === 0) { panel.replaceChildren(h("p", { class: "empty" }, t("No endpoints yet. Add one to receive this account's events, signed per the Standard Webhooks specification."))); return; }
    panel.replaceChildren(table(h("caption", { class: "visually-hidden" }, t("Webhook endpoints")),
      columnHeads([t("Endpoint"), t("Events"), t("Status"), t("Last delivery")]),
      h("tbody", {}, list.items.map((w) => {
        const path = `${base}/${w.webhook_id}`;
        const status = !w.enabled ? ["expired", t("Turned off")] : w.failing_since ? ["failed", t("Failing")] : ["sent", t("Active")];
        return h("tr", {},
          h("td", { class: "name" }, h("strong", { class: "url" }, w.url), h("span", {}, w.description || "")),
          h("td", {}, w.event_types.includes("*") ? t("All events") : w.event_types.map(eventLabel).join(", ")),
          h("td", {}, h("span", { class: `badge ${status[0]}` }, status[1])),
          dateCell(w.last_delivery_at),
          h("td", { class: "row-actions" }, actionsMenu(t("Actions for {person}", { person: w.url }), [
            { label: t("Deliveries"), name: t("Deliveries to {url}", w), run: () => openDeliveries(w) },
            { label: w.enabled ? t("Turn off") : t("Turn on"), name: w.enabled ? t("Turn off {url}", w) : t("Turn on {url}", w), run: async () => {
              const reply = await api("PATCH", path, { enabled: !w.enabled });
              if (reply.status !== 200) return flash(messageOf(reply), "error");
              await reload();
              flash(w.enabled ? t("{url} was turned off.", w) : t("{url} was turned on.", w));
            } },
            { label: t("New secret"), name: t("New secret for {url}", w), run: () =>
              openForm(t("New signing secret?"), [h("p", {}, t("A new secret signs the deliveries to {url}; the old one keeps signing too for "
                + "24 hours, so your receiver can switch without missing any.", w))],
                t("Make a new secret"), async (form, error) => {
                  const reply = await api("POST", `${path}/rotate-secret`);
                  if (reply.status !== 200) { error.textContent = messageOf(reply); return false; }
                  setTimeout(() => showSecret(reply.body.secret, w.url));
                  return true;
                }) },
            { label: t("Delete"), name: t("Delete {url}", w), danger: true, run: () =>
              confirmDo(t("Delete the endpoint {url}? No more events are sent to it.", w), t("Delete"), () => api("DELETE", path), 204,
                t("{url} was deleted.", w), reload) }])));
      }))));
    if (list.next_cursor) panel.append(loadMore(() => load(true), list.items.length));
  }
  await load(false);
}

export function openWebhook(reload) {
  const all = h("input", { type: "radio", name: "events-mode", value: "all", checked: true });
  const some = h("input", { type: "radio", name: "events-mode", value: "some" });
  const boxes = h("div", { class: "modules events" }, EVENT_TYPES.map((type) => h("label", {}, h("input", { type: "checkbox", name: "event", value: type, disabled: true }), eventLabel(type))));
  const sync = () => { for (const box of boxes.querySelectorAll("input")) box.disabled = all.checked; };
  all.addEventListener("change", sync);
  some.addEventListener("change", sync);
  const nodes = [
    field(t("Endpoint URL"), { type: "url", name: "url", required: true, placeholder: "https://billing.example.com/hooks/portal", autocomplete: "off" }, t("https:// on a public address; each delivery is signed.")),
    field(t("Description"), { name: "description", maxlength: 200, autocomplete: "off" }, t("Optional")),
    h("fieldset", {}, h("legend", {}, t("Events")), h("div", { class: "choices" }, h("label", {}, all, t("All events")), h("label", {}, some, t("Only these"))), boxes),
  ];
  openForm(t("Add endpoint"), nodes, t("Add endpoint"), async (form, error) => {
    const body = { url: value(form, "url"), event_types: all.checked ? ["*"] : checked(form, "event") };
    if (value(form, "description")) body.description = value(form, "description");
    if (!body.url) { error.textContent = t("Give the endpoint's URL."); form.elements.url.focus(); return false; }
    if (body.event_types.length === 0) { error.textContent = t("Choose at least one event, or all of them."); return false; }
    const reply = await api("POST", `/accounts/${state.account.account_id}/webhooks`, body);
    if (reply401(reply)) return true;
    if (reply.status !== 201) { error.textContent = messageOf(reply); return false; }
    await reload();
    setTimeout(() => showSecret(reply.body.secret, reply.body.url));
    return true;
  }, { wide: true });
}

export function showSecret(secret, url) {
  const box = h("input", { type: "text", id: "webhook-secret", readonly: true, value: secret, class: "secret", "aria-describedby": "secret-hint" });
  const copy = h("button", { type: "button", class: "small", onclick: async () => {
    box.select();
    try { await navigator.clipboard.writeText(secret); announce(t("Secret copied.")); } catch { announce(t("Select the secret and copy it.")); }
  } }, t("Copy"));
  openForm(t("Signing secret"), [h("p", {}, t("Deliveries to {url} are signed with this secret.", { url })),
    h("div", { class: "field" }, h("label", { for: "webhook-secret" }, t("Secret")), h("div", { class: "inline" }, box, copy),
      h("span", { class: "hint", id: "secret-hint" }, t("Shown only now: store it in your receiver's configuration before closing."))),
  ], null, null);
  flash(t("The secret of {url} was shown once.", { url }));
}

export async function openDeliveries(webhook) {
  const list = h("div", { class: "deliveries" }, h("p", { class: "hint" }, t("Loading…")));
  const path = `/accounts/${state.account.account_id}/webhooks/${webhook.webhook_id}/deliveries`;
  openForm(t("Deliveries to {url}", webhook), [list], null, null, { wide: true });
  const items = [];
  let next = null;
  async function load(more) {
    const reply = await api("GET", `${path}?limit=${PAGE_SIZE}${more && next ? `&cursor=${encodeURIComponent(next)}` : ""}`);
    if (reply.status !== 200) { list.replaceChildren(errorAlert(reply)); return; }
    if (!more) items.length = 0;
    items.push(...reply.body.items);
    next = reply.body.next_cursor;
    draw();
  }
  function draw() {
    if (items.length === 0) { list.replaceChildren(h("p", { class: "empty" }, t("Nothing sent yet."))); return; }
    list.replaceChildren(table(h("caption", { class: "visually-hidden" }, t("Deliveries")),
      columnHeads([t("Event"), t("Status"), t("Attempts"), t("Last answer")]),
      h("tbody", {}, items.map((d) => h("tr", {},
        h("td", {}, eventLabel(d.type)),
        h("td", {}, h("span", { class: `badge ${{ succeeded: "sent", failed: "failed", pending: "queued" }[d.status]}` }, { succeeded: t("Delivered"), failed: t("Failed"), pending: t("Pending") }[d.status])),
        h("td", {}, String(d.attempts)),
        h("td", {}, d.last_status_code ? `HTTP ${d.last_status_code}` : d.last_error || "—"),
        h("td", { class: "row-actions" }, d.status === "succeeded" ? null : h("button", { type: "button", class: "small",
          "aria-label": t("Retry the {event} delivery", { event: eventLabel(d.type) }), onclick: async () => {
            const reply = await api("POST", `${path}/${d.delivery_id}/retry`);
            announce(reply.status === 202 ? t("It will be sent again shortly.") : messageOf(reply));
            await load(false);
          } }, t("Retry"))))))));
    if (next) list.append(h("p", { class: "more-row" }, h("button", { type: "button", onclick: () => load(true) }, t("Load more"))));
  }
  await load(false);
}
