// Email domains (the owner): the domains of the account's people's addresses, the DNS TXT record that
// proves each, verifying it now, and who may join through a verified one.

import { api } from "./session.js";
import { h, field, when, table, messageOf, copyField, columnHeads } from "./dom.js";
import { state, flash, PAGE_SIZE, frame, loadMore, openForm, reply401, value, fetchPage, confirmDo } from "./frame.js";
import { actionsMenu } from "./menu.js";

const STATUS = { pending: ["queued", "Pending"], verified: ["sent", "Verified"], failed: ["failed", "Failed"] };
const POLICIES = [["invite_only", "Invitation only"], ["request", "Ask to join (approved by an admin)"],
  ["auto_join", "Join automatically"]];
const CHECKS = { found: "record found", missing: "record not found", unreachable: "DNS did not answer" };

export async function renderDomains() {
  const panel = h("div", { class: "panel", id: "panel" });
  frame("domains", "Email domains", "your company's email domains, proven by a DNS record",
    h("button", { type: "button", class: "primary", onclick: () => openAddDomain(reload) }, "Add domain"), panel);
  const base = `/accounts/${state.account.account_id}/email-domains`;
  const list = { items: [], next_cursor: null };
  async function load(more) {
    if (await fetchPage(list, more, `${base}?limit=${PAGE_SIZE}`, panel)) draw();
  }
  async function reload() { await load(false); }
  function draw() {
    if (list.items.length === 0) {
      panel.replaceChildren(h("p", { class: "empty" }, "No email domains yet. Add your company's domain, then publish the DNS record it shows to verify it."));
      return;
    }
    panel.replaceChildren(table(h("caption", { class: "visually-hidden" }, "Email domains"),
      columnHeads(["Domain", "Status", "Who may join"]),
      h("tbody", {}, list.items.map((d) => row(d, `${base}/${encodeURIComponent(d.domain)}`, reload)))));
    if (list.next_cursor) panel.append(loadMore(() => load(true), list.items.length));
  }
  await load(false);
}

function row(d, path, reload) {
  const [badge, label] = STATUS[d.status];
  const checked = d.last_checked_at ? `checked ${when(d.last_checked_at)}${d.last_check ? `: ${CHECKS[d.last_check]}` : ""}` : "not checked yet";
  return h("tr", {},
    h("td", { class: "name" }, h("strong", {}, d.domain)),
    h("td", {}, h("span", { class: `badge ${badge}` }, label), h("span", { class: "hint" }, d.status === "verified" ? "" : ` ${checked}`)),
    h("td", {}, policySelect(d, path)),
    h("td", { class: "row-actions" }, actionsMenu(`Actions for ${d.domain}`, [
      { label: "DNS record", name: `DNS record for ${d.domain}`, run: () => showRecord(d) },
      d.status !== "verified" && { label: "Verify now", name: `Verify ${d.domain} now`, run: async () => {
        const reply = await api("POST", `${path}/verify`);
        if (reply401(reply)) return;
        if (reply.status !== 200) return flash(messageOf(reply), "error");
        await reload();
        flash(reply.body.status === "verified" ? `${d.domain} is verified.`
          : `${d.domain} is not verified yet: ${CHECKS[reply.body.last_check] || "no answer"}. We keep checking for 72 hours.`,
        reply.body.status === "verified" ? "ok" : "info");
      } },
      { label: "Remove", name: `Remove ${d.domain}`, danger: true, run: () =>
        confirmDo(`Remove ${d.domain}? People who joined through it stay members.`, "Remove", () => api("DELETE", path), 204, `${d.domain} was removed.`, reload) },
    ])));
}

// request and auto_join only while verified: the API refuses them otherwise, so they are not offered
function policySelect(d, path) {
  const verified = d.status === "verified";
  const select = h("select", { "aria-label": `Who may join through ${d.domain}`, onchange: async () => {
    const reply = await api("PATCH", path, { join_policy: select.value });
    if (reply401(reply)) return;
    if (reply.status !== 200) { select.value = d.join_policy; return flash(messageOf(reply), "error"); }
    d.join_policy = reply.body.join_policy;
    flash(`People at ${d.domain}: ${POLICIES.find(([key]) => key === d.join_policy)[1].toLowerCase()}.`);
  } }, POLICIES.map(([key, text]) => h("option", { value: key, selected: key === d.join_policy,
    disabled: !verified && key !== "invite_only" }, text)));
  return select;
}

function openAddDomain(reload) {
  const nodes = [field("Domain", { name: "domain", required: true, placeholder: "example.com", autocomplete: "off", maxlength: 300 },
    "The part after @ in your people's addresses. Public mailbox providers (gmail.com, …) cannot be added.")];
  openForm("Add email domain", nodes, "Add domain", async (form, error) => {
    const domain = value(form, "domain");
    if (!domain) { error.textContent = "Give the domain."; form.elements.domain.focus(); return false; }
    const reply = await api("POST", `/accounts/${state.account.account_id}/email-domains`, { domain });
    if (reply401(reply)) return true;
    if (reply.status !== 201) { error.textContent = messageOf(reply); return false; }
    await reload();
    setTimeout(() => showRecord(reply.body));
    return true;
  });
}

function showRecord(d) {
  openForm(`DNS record for ${d.domain}`, [
    h("p", {}, "Add this TXT record at your DNS host, then choose Verify now. We also check every 15 minutes for 72 hours."),
    copyField("Type", "record-type", "TXT"),
    copyField("Name", "record-name", d.verification.name),
    copyField("Value", "record-value", d.verification.value),
  ], null, null, { wide: true });
}
