// Webhooks (the owner): endpoints, their secrets and deliveries.

import { api } from "./session.js";
import { h, announce, field, dateCell, messageOf, table, columnHeads, errorAlert } from "./dom.js";
import { state, flash, PAGE_SIZE, frame, loadMore, openForm, reply401, value, fetchPage, confirmDo } from "./frame.js";
import { checked } from "./choosers.js";
import { EVENT_TYPES, eventLabel } from "./audit.js";
import { actionsMenu } from "./menu.js";

export async function renderWebhooks() {
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
      columnHeads(["Endpoint", "Events", "Status", "Last delivery"]),
      h("tbody", {}, list.items.map((w) => {
        const path = `${base}/${w.webhook_id}`;
        const status = !w.enabled ? ["expired", "Turned off"] : w.failing_since ? ["failed", "Failing"] : ["sent", "Active"];
        return h("tr", {},
          h("td", { class: "name" }, h("strong", { class: "url" }, w.url), h("span", {}, w.description || "")),
          h("td", {}, w.event_types.includes("*") ? "All events" : w.event_types.map(eventLabel).join(", ")),
          h("td", {}, h("span", { class: `badge ${status[0]}` }, status[1])),
          dateCell(w.last_delivery_at),
          h("td", { class: "row-actions" }, actionsMenu(`Actions for ${w.url}`, [
            { label: "Deliveries", name: `Deliveries to ${w.url}`, run: () => openDeliveries(w) },
            { label: w.enabled ? "Turn off" : "Turn on", name: `${w.enabled ? "Turn off" : "Turn on"} ${w.url}`, run: async () => {
              const reply = await api("PATCH", path, { enabled: !w.enabled });
              if (reply.status !== 200) return flash(messageOf(reply), "error");
              await reload();
              flash(`${w.url} was turned ${w.enabled ? "off" : "on"}.`);
            } },
            { label: "New secret", name: `New secret for ${w.url}`, run: () =>
              openForm("New signing secret?", [h("p", {}, `A new secret signs ${w.url}'s deliveries; the old one keeps signing too for 24 hours, so your receiver can switch without missing any.`)],
                "Make a new secret", async (form, error) => {
                  const reply = await api("POST", `${path}/rotate-secret`);
                  if (reply.status !== 200) { error.textContent = messageOf(reply); return false; }
                  setTimeout(() => showSecret(reply.body.secret, w.url));
                  return true;
                }) },
            { label: "Delete", name: `Delete ${w.url}`, danger: true, run: () =>
              confirmDo(`Delete the endpoint ${w.url}? No more events are sent to it.`, "Delete", () => api("DELETE", path), 204, `${w.url} was deleted.`, reload) }])));
      }))));
    if (list.next_cursor) panel.append(loadMore(() => load(true), list.items.length));
  }
  await load(false);
}

export function openWebhook(reload) {
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

export function showSecret(secret, url) {
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

export async function openDeliveries(webhook) {
  const list = h("div", { class: "deliveries" }, h("p", { class: "hint" }, "Loading…"));
  const path = `/accounts/${state.account.account_id}/webhooks/${webhook.webhook_id}/deliveries`;
  openForm(`Deliveries to ${webhook.url}`, [list], null, null, { wide: true });
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
    if (items.length === 0) { list.replaceChildren(h("p", { class: "empty" }, "Nothing sent yet.")); return; }
    list.replaceChildren(table(h("caption", { class: "visually-hidden" }, "Deliveries"),
      columnHeads(["Event", "Status", "Attempts", "Last answer"]),
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
