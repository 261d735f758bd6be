// Invite users: many emails at once, with a role, modules, sub-accounts and a group.

import { api } from "./session.js";
import { h, announce, field, notice, messageOf, submitting } from "./dom.js";
import { state, isGroupManager } from "./frame.js";
import { loadInvitations, updateCounts, renderPanel } from "./users.js";
import { scopeChooser, groupChooser } from "./choosers.js";

export const REASONS = { invalid_email: "not a valid email address", disposable_email: "disposable addresses are not accepted",
  already_member: "already a member", already_invited: "already invited", duplicate: "listed twice" };

export function openInvite() {
  const opener = document.activeElement;
  const error = notice();
  const scope = scopeChooser("invite-scope", "all");
  const placement = groupChooser("invite-group", "default", false);
  const results = h("ul", { class: "results", "aria-label": "Results" });
  const modules = state.permissions.map((p) => {
    const box = h("input", { type: "checkbox", name: "module", value: p.key, "data-admin-only": p.admin_only ? "1" : null });
    return h("label", { class: p.admin_only ? "locked" : "" }, box, p.label, p.admin_only ? h("span", { class: "lock" }, "Admins only") : null);
  });
  const modulesHint = h("p", { class: "hint", id: "modules-hint" }, "A User gets only the modules ticked here. Admin-only modules need the Admin role.");
  const manager = isGroupManager();
  const form = h("form", { novalidate: true, class: manager ? "group-manager" : null },
    h("h2", { id: "invite-title" }, "Invite users"), error, results,
    manager ? h("p", { class: "notice info" }, "They join the group you manage, with its modules and sub-accounts.") : null,
    field("Email addresses", { tag: "textarea", name: "emails", required: true, autocomplete: "off" }, "One per line, or separated by commas; up to 50 at once. Each gets its own link."),
    h("fieldset", { hidden: manager }, h("legend", {}, "Role"), h("div", { class: "choices" },
      h("label", {}, h("input", { type: "radio", name: "role", value: "member", checked: true }), "User"),
      h("label", {}, h("input", { type: "radio", name: "role", value: "admin" }), "Admin"))),
    h("fieldset", { "aria-describedby": "modules-hint", hidden: manager }, h("legend", {}, "Modules"), modulesHint, h("div", { class: "modules" }, modules)),
    manager ? null : scope.node, manager ? null : placement.node,
    field("Personal message (optional)", { tag: "textarea", name: "message", maxlength: 500, rows: 3 }, "Shown in the email, up to 500 characters. Links are not allowed: the email has its own button."),
    h("div", { class: "actions" },
      h("button", { type: "button", value: "close", onclick: () => dialog.close() }, "Close"),
      h("button", { type: "submit", class: "primary" }, "Send invitations")));
  const dialog = h("dialog", { "aria-labelledby": "invite-title", class: "wide" }, form);
  const syncRole = () => {
    const inGroup = placement.value().group_id !== "default";
    for (const radio of form.querySelectorAll("input[name=role]")) {
      radio.disabled = inGroup && radio.value === "admin";
      if (inGroup && radio.value === "member") radio.checked = true;
    }
    const admin = form.elements.role.value === "admin";
    scope.setDisabled(admin || inGroup);
    for (const box of form.querySelectorAll("input[name=module]")) {
      const locked = admin || inGroup || box.dataset.adminOnly === "1";
      box.disabled = locked;
      if (admin) box.checked = true;
      else if (box.dataset.adminOnly === "1") box.checked = false;
      else if (box.dataset.wasAdmin === "1") box.checked = false;
      box.dataset.wasAdmin = admin ? "1" : "";
    }
    modulesHint.textContent = inGroup ? "Members of a user group get the group's modules and sub-accounts."
      : admin ? "An Admin holds every module, admin-only ones included."
        : "A User gets only the modules ticked here. Admin-only modules need the Admin role.";
  };
  for (const radio of form.querySelectorAll("input[name=role]")) radio.addEventListener("change", syncRole);
  placement.onChange(syncRole);
  syncRole();
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const emails = form.elements.emails.value.split(/[\s,;]+/).map((e) => e.trim()).filter(Boolean);
    if (emails.length === 0) { error.textContent = "Give at least one email address."; form.elements.emails.focus(); return; }
    if (emails.length > 50) { error.textContent = "At most 50 addresses at once."; form.elements.emails.focus(); return; }
    const role = form.elements.role.value;
    const { group_id, group_manager } = placement.value();
    const body = manager ? { emails } : { emails, role, group_id, group_manager };
    if (!manager && group_id === "default" && role === "member") {
      body.permissions = [...form.querySelectorAll("input[name=module]:checked")].map((b) => b.value);
      body.sub_accounts = scope.value();
      if (body.sub_accounts !== "all" && body.sub_accounts.length === 0) { error.textContent = "Choose at least one sub-account, or all of them."; return; }
    }
    if (form.elements.message.value.trim()) body.message = form.elements.message.value.trim();
    submitting(form, async () => {
      error.textContent = "";
      const reply = await api("POST", `/accounts/${state.account.account_id}/invitations`, body);
      if (reply.status !== 200) { error.textContent = messageOf(reply); return; }
      const invited = reply.body.results.filter((r) => r.status === "invited").length;
      results.replaceChildren(...reply.body.results.map((r) => h("li", {}, h("span", {}, r.email),
        r.status === "invited" ? h("span", { class: "invited" }, "Invited")
          : h("span", { class: "skipped" }, `Skipped: ${REASONS[r.reason] || r.reason}`))));
      form.elements.emails.value = reply.body.results.filter((r) => r.status !== "invited").map((r) => r.email).join("\n");
      announce(`${invited} of ${reply.body.results.length} invited.`);
      form.scrollTop = 0; // the results are at the top
      await loadInvitations();
      updateCounts();
      if (state.tab === "pending") renderPanel();
    });
  });
  dialog.addEventListener("close", () => {
    dialog.remove();
    if (opener && opener.isConnected) opener.focus();
  });
  document.body.append(dialog);
  dialog.showModal();
  form.elements.emails.focus();
}
