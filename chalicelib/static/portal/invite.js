// Invite users: many emails at once, with a role, modules, sub-accounts and a group.

import { api } from "./session.js";
import { h, announce, field, notice, messageOf, submitting } from "./dom.js";
import { state, isGroupManager } from "./frame.js";
import { loadInvitations, updateCounts, renderPanel } from "./users.js";
import { accessChooser } from "./access.js";
import { csvImport } from "./csv-import.js";
import { t } from "./i18n.js";

const PROFILE = ["first_name", "last_name", "title", "cell_phone", "office_phone", "extension"];

export const REASONS = { invalid_email: t("not a valid email address"), disposable_email: t("disposable addresses are not accepted"),
  already_member: t("already a member"), already_invited: t("already invited"),
  domain_not_allowed: t("not at one of this account's verified email domains"), duplicate: t("listed twice"),
  rate_limited: t("too many emails for now (to this address, or from this account today)") };

export function openInvite() {
  const opener = document.activeElement;
  const error = notice();
  const access = accessChooser("invite");
  const results = h("ul", { class: "results", "aria-label": t("Results") });
  const manager = isGroupManager();
  const spreadsheet = csvImport({ access: manager ? null : access, reasons: REASONS, onSent: refreshLists,
    message: () => form.elements.message.value.trim() });
  // seed 003's Add user form: the person's contact details, for one address at a time (the API's rule)
  const profile = h("details", { class: "profile-fields" }, h("summary", {}, t("Their name, title and phones (one address only)")),
    h("div", { class: "row" }, field(t("First name"), { name: "first_name", autocomplete: "off", maxlength: 100 }),
      field(t("Last name"), { name: "last_name", autocomplete: "off", maxlength: 100 })),
    h("div", { class: "row" }, field(t("Title"), { name: "title", autocomplete: "off", maxlength: 100 }),
      field(t("Cell phone"), { name: "cell_phone", type: "tel", autocomplete: "off", maxlength: 40 })),
    h("div", { class: "row" }, field(t("Office phone"), { name: "office_phone", type: "tel", autocomplete: "off", maxlength: 40 }),
      field(t("Extension"), { name: "extension", autocomplete: "off", maxlength: 20 })));
  const form = h("form", { novalidate: true, class: manager ? "group-manager" : null },
    h("h2", { id: "invite-title" }, t("Invite users")), error, results,
    manager ? h("p", { class: "notice info" }, t("They join the group you manage, with its modules and sub-accounts.")) : null,
    field(t("Email addresses"), { tag: "textarea", name: "emails", required: true, autocomplete: "off" }, t("One per line, or separated by commas; up to 50 at once. Each gets its own link.")),
    manager ? null : access.nodes, profile,
    field(t("Personal message (optional)"), { tag: "textarea", name: "message", maxlength: 500, rows: 3 }, t("Shown in the email, up to 500 characters. Links are not allowed: the email has its own button.")),
    spreadsheet.node,
    h("div", { class: "actions" },
      h("button", { type: "button", value: "close", onclick: () => dialog.close() }, t("Close")),
      h("button", { type: "submit", class: "primary" }, t("Send invitations"))));
  const dialog = h("dialog", { "aria-labelledby": "invite-title", class: "wide" }, form);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const emails = form.elements.emails.value.split(/[\s,;]+/).map((e) => e.trim()).filter(Boolean);
    if (emails.length === 0) { error.textContent = t("Give at least one email address."); form.elements.emails.focus(); return; }
    if (emails.length > 50) { error.textContent = t("At most 50 addresses at once."); form.elements.emails.focus(); return; }
    const body = manager ? { emails } : { emails, ...access.value() };
    if (Array.isArray(body.sub_accounts) && body.sub_accounts.length === 0) { error.textContent = t("Choose at least one sub-account, or all of them."); return; }
    const details = PROFILE.filter((name) => form.elements[name].value.trim());
    if (details.length && emails.length > 1) { error.textContent = t("A name, title or phone goes with one address at a time."); form.elements.emails.focus(); return; }
    for (const name of details) body[name] = form.elements[name].value.trim();
    if (form.elements.message.value.trim()) body.message = form.elements.message.value.trim();
    submitting(form, async () => {
      error.textContent = "";
      const reply = await api("POST", `/accounts/${state.account.account_id}/invitations`, body);
      if (reply.status !== 200) { error.textContent = messageOf(reply); return; }
      const invited = reply.body.results.filter((r) => r.status === "invited").length;
      results.replaceChildren(...reply.body.results.map((r) => h("li", {}, h("span", {}, r.email),
        r.status === "invited" ? h("span", { class: "invited" }, t("Invited"))
          : h("span", { class: "skipped" }, `Skipped: ${REASONS[r.reason] || r.reason}`))));
      form.elements.emails.value = reply.body.results.filter((r) => r.status !== "invited").map((r) => r.email).join("\n");
      if (invited) for (const name of PROFILE) form.elements[name].value = ""; // they were that person's
      announce(`${invited} of ${reply.body.results.length} invited.`);
      form.scrollTop = 0; // the results are at the top
      await refreshLists();
    });
  });
  dialog.addEventListener("close", () => {
    spreadsheet.close();
    dialog.remove();
    if (opener && opener.isConnected) opener.focus();
  });
  document.body.append(dialog);
  dialog.showModal();
  form.elements.emails.focus();
}

async function refreshLists() {
  await loadInvitations();
  updateCounts();
  if (state.tab === "pending") renderPanel();
}
