// Email domains (the owner): the domains of the account's people's addresses, the DNS TXT record that
// proves each, verifying it now, and who may join through a verified one.

import { api } from "./session.js";
import { h, field, when, table, messageOf, copyField, columnHeads } from "./dom.js";
import { state, flash, PAGE_SIZE, frame, loadMore, openForm, reply401, value, fetchPage, confirmDo } from "./frame.js";
import { actionsMenu } from "./menu.js";
import { t } from "./i18n.js";

const STATUS = { pending: ["queued", t("Pending")], verified: ["sent", t("Verified")], failed: ["failed", t("Failed")] };
const POLICIES = [["invite_only", t("Invitation only")], ["request", t("Ask to join (approved by an admin)")],
  ["auto_join", t("Join automatically")]];
const CHECKS = { found: t("record found"), missing: t("record not found"), unreachable: t("DNS did not answer") };

export async function renderDomains() {
  const panel = h("div", { class: "panel", id: "panel" });
  frame("domains", t("Email domains"), t("your company's email domains, proven by a DNS record"),
    h("button", { type: "button", class: "primary", onclick: () => openAddDomain(reload) }, t("Add domain")), panel);
  const base = `/accounts/${state.account.account_id}/email-domains`;
  const list = { items: [], next_cursor: null };
  async function load(more) {
    if (await fetchPage(list, more, `${base}?limit=${PAGE_SIZE}`, panel)) draw();
  }
  async function reload() { await load(false); }
  function draw() {
    if (list.items.length === 0) {
      panel.replaceChildren(h("p", { class: "empty" }, t("No email domains yet. Add your company's domain, then publish the DNS record it shows to verify it.")));
      return;
    }
    panel.replaceChildren(table(h("caption", { class: "visually-hidden" }, t("Email domains")),
      columnHeads([t("Domain"), t("Status"), t("Who may join")]),
      h("tbody", {}, list.items.map((d) => row(d, `${base}/${encodeURIComponent(d.domain)}`, reload)))));
    if (list.next_cursor) panel.append(loadMore(() => load(true), list.items.length));
  }
  await load(false);
}

function row(d, path, reload) {
  const [badge, label] = STATUS[d.status];
  const checked = !d.last_checked_at ? t("not checked yet") : d.last_check
    ? t("checked {date}: {result}", { date: when(d.last_checked_at), result: CHECKS[d.last_check] }) : t("checked {date}", { date: when(d.last_checked_at) });
  return h("tr", {},
    h("td", { class: "name" }, h("strong", {}, d.domain)),
    h("td", {}, h("span", { class: `badge ${badge}` }, label), h("span", { class: "hint" }, d.status === "verified" ? "" : ` ${checked}`)),
    h("td", {}, policySelect(d, path)),
    h("td", { class: "row-actions" }, actionsMenu(t("Actions for {person}", { person: d.domain }), [
      { label: t("DNS record"), name: t("DNS record for {domain}", d), run: () => showRecord(d) },
      d.status !== "verified" && { label: t("Verify now"), name: t("Verify {domain} now", d), run: async () => {
        const reply = await api("POST", `${path}/verify`);
        if (reply401(reply)) return;
        if (reply.status !== 200) return flash(messageOf(reply), "error");
        await reload();
        flash(reply.body.status === "verified" ? t("{domain} is verified.", d)
          : t("{domain} is not verified yet: {result}. We keep checking for 72 hours.", { domain: d.domain, result: CHECKS[reply.body.last_check] || t("no answer") }),
        reply.body.status === "verified" ? "ok" : "info");
      } },
      { label: t("Remove"), name: t("Remove {person}", { person: d.domain }), danger: true, run: () =>
        confirmDo(t("Remove {domain}? People who joined through it stay members.", d), t("Remove"), () => api("DELETE", path), 204,
          t("{person} was removed.", { person: d.domain }), reload) },
    ])));
}

// request and auto_join only while verified: the API refuses them otherwise, so they are not offered
function policySelect(d, path) {
  const verified = d.status === "verified";
  const select = h("select", { "aria-label": t("Who may join through {domain}", d), onchange: async () => {
    const reply = await api("PATCH", path, { join_policy: select.value });
    if (reply401(reply)) return;
    if (reply.status !== 200) { select.value = d.join_policy; return flash(messageOf(reply), "error"); }
    d.join_policy = reply.body.join_policy;
    const said = { invite_only: t("People at {domain}: invitation only.", d), request: t("People at {domain}: ask to join (approved by an admin).", d),
      auto_join: t("People at {domain}: join automatically.", d) };
    flash(said[d.join_policy] || d.join_policy);
  } }, POLICIES.map(([key, text]) => h("option", { value: key, selected: key === d.join_policy,
    disabled: !verified && key !== "invite_only" }, text)));
  return select;
}

function openAddDomain(reload) {
  const nodes = [field(t("Domain"), { name: "domain", required: true, placeholder: "example.com", autocomplete: "off", maxlength: 300 },
    t("The part after @ in your people's addresses. Public mailbox providers (gmail.com, …) cannot be added."))];
  openForm(t("Add email domain"), nodes, t("Add domain"), async (form, error) => {
    const domain = value(form, "domain");
    if (!domain) { error.textContent = t("Give the domain."); form.elements.domain.focus(); return false; }
    const reply = await api("POST", `/accounts/${state.account.account_id}/email-domains`, { domain });
    if (reply401(reply)) return true;
    if (reply.status !== 201) { error.textContent = messageOf(reply); return false; }
    await reload();
    setTimeout(() => showRecord(reply.body));
    return true;
  });
}

function showRecord(d) {
  openForm(t("DNS record for {domain}", d), [
    h("p", {}, t("Add this TXT record at your DNS host, then choose Verify now. We also check every 15 minutes for 72 hours.")),
    copyField(t("Type"), "record-type", "TXT", { copy: t("Copy the type"), copied: t("Type copied."), select: t("Select the type and copy it.") }),
    copyField(t("Name"), "record-name", d.verification.name, { copy: t("Copy the name"), copied: t("Name copied."), select: t("Select the name and copy it.") }),
    copyField(t("Value"), "record-value", d.verification.value, { copy: t("Copy the value"), copied: t("Value copied."), select: t("Select the value and copy it.") }),
  ], null, null, { wide: true });
}
