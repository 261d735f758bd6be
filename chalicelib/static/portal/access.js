// The access a person gets at the account, as Invite users and Edit user choose it: the user group first
// (a custom group's modules and sub-accounts are shown, not chosen: the group decides them), then the role,
// the permissions (all of a User's, or chosen ones) and the sub-accounts.

import { h } from "./dom.js";
import { state } from "./frame.js";
import { scopeChooser, groupChooser } from "./choosers.js";
import { t } from "./i18n.js";

const grantable = () => state.permissions.filter((p) => !p.admin_only).map((p) => p.key);
const radio = (name, value, label, checked) => h("label", {}, h("input", { type: "radio", name, value, checked }), label);

// current: a member's (or nothing, for an invitation) group_id, group_manager, role, permissions, sub_accounts
export function accessChooser(id, current = {}) {
  const placement = groupChooser(`${id}-group`, current.group_id || "default", Boolean(current.group_manager));
  const scope = scopeChooser(`${id}-scope`, current.sub_accounts ?? "all");
  const role = h("fieldset", {}, h("legend", {}, t("Role")), h("div", { class: "choices" },
    radio("role", "member", t("User"), current.role !== "admin"), radio("role", "admin", t("Admin"), current.role === "admin")));
  const own = new Set(current.role === "admin" ? [] : current.permissions || []);
  const everything = own.size > 0 && grantable().every((key) => own.has(key));
  const mode = h("div", { class: "choices" }, radio("permission-mode", "all", t("All permissions"), everything),
    radio("permission-mode", "some", t("Choose permissions"), !everything));
  const boxes = state.permissions.map((p) => h("input", { type: "checkbox", name: "module", value: p.key,
    "data-admin-only": p.admin_only ? "1" : null, checked: own.has(p.key) }));
  const labels = state.permissions.map((p, i) => h("label", { class: p.admin_only ? "locked" : "" }, boxes[i], p.label,
    p.admin_only ? h("span", { class: "lock" }, t("Admins only")) : null));
  const hint = h("p", { class: "hint", id: `${id}-modules-hint` });
  const modules = h("fieldset", { "aria-describedby": hint.id }, h("legend", {}, t("Permissions")), hint, mode,
    h("div", { class: "modules" }, labels));
  const chosen = (name) => role.closest("form")?.elements[name]?.value || (name === "role" ? "member" : "some");
  const groupOf = () => (state.groups || []).find((g) => g.group_id !== "default" && g.group_id === placement.value().group_id);
  for (const box of boxes) {
    box.addEventListener("change", () => (box.checked ? own.add(box.value) : own.delete(box.value)));
  }
  const sync = () => {
    const group = groupOf();
    for (const input of role.querySelectorAll("input")) {
      input.disabled = Boolean(group) && input.value === "admin";
      if (group && input.value === "member") input.checked = true;
    }
    const admin = !group && chosen("role") === "admin";
    const all = chosen("permission-mode") === "all";
    for (const input of mode.querySelectorAll("input")) input.disabled = Boolean(group) || admin;
    for (const box of boxes) {
      const adminOnly = box.dataset.adminOnly === "1";
      box.disabled = Boolean(group) || admin || all || adminOnly;
      box.checked = group ? group.permissions.includes(box.value) : admin || (!adminOnly && (all || own.has(box.value)));
    }
    scope.preview(group ? group.sub_accounts : admin ? "all" : null);
    hint.textContent = group ? t("Members of {group} hold its modules and reach its sub-accounts, shown here (the Groups screen changes them).", { group: group.name })
      : admin ? t("An Admin holds every module, admin-only ones included, and reaches every sub-account.")
        : all ? t("All permissions: every module but the admin-only ones, which need the Admin role.")
          : t("A User holds only the modules ticked here. Admin-only modules need the Admin role.");
  };
  for (const input of [...role.querySelectorAll("input"), ...mode.querySelectorAll("input")]) input.addEventListener("change", sync);
  placement.onChange(sync);
  setTimeout(sync); // once the nodes are in their form
  return {
    nodes: [placement.node, role, modules, scope.node],
    // what the API takes: a custom group's member gets the group's; an Admin every module
    value() {
      const { group_id, group_manager } = placement.value();
      if (group_id !== "default") return { group_id, group_manager };
      if (chosen("role") === "admin") return { group_id, role: "admin" };
      const permissions = chosen("permission-mode") === "all" ? grantable() : boxes.filter((b) => b.checked && !b.disabled).map((b) => b.value);
      return { group_id, role: "member", permissions, sub_accounts: scope.value() };
    },
    // what a User gets whatever the Role choice says (a spreadsheet's rows name their own role)
    memberValue() {
      const { group_id, group_manager } = placement.value();
      if (group_id !== "default") return { group_id, group_manager };
      const permissions = chosen("permission-mode") === "all" ? grantable() : grantable().filter((key) => own.has(key));
      return { group_id, role: "member", permissions, sub_accounts: scope.value() };
    },
  };
}
