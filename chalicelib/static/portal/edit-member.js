// Edit a user: role, modules, sub-accounts, group, contact details at this account.

import { api } from "./session.js";
import { h, field, messageOf, fullName } from "./dom.js";
import { state, flash, openForm, reply401, value, orNull } from "./frame.js";
import { loadAll } from "./users.js";
import { moduleBoxes, checked, scopeChooser, groupChooser } from "./choosers.js";

export function openEditMember(member) {
  const who = fullName(member);
  const scope = scopeChooser("edit-scope", member.sub_accounts);
  const placement = groupChooser("edit-group", member.group_id || "default", member.group_manager);
  const role = h("fieldset", {}, h("legend", {}, "Role"), h("div", { class: "choices" },
    h("label", {}, h("input", { type: "radio", name: "role", value: "member", checked: member.role === "member" }), "User"),
    h("label", {}, h("input", { type: "radio", name: "role", value: "admin", checked: member.role === "admin" }), "Admin")));
  const modules = moduleBoxes("module", member.role === "member" ? member.permissions : []);
  const modulesSet = h("fieldset", {}, h("legend", {}, "Modules"), modules);
  const details = h("div", { class: "row" },
    field("Title", { name: "title", value: member.title || "", maxlength: 100 }),
    field("Cell phone", { name: "cell_phone", type: "tel", value: member.cell_phone || "", autocomplete: "off" }));
  const details2 = h("div", { class: "row" },
    field("Office phone", { name: "office_phone", type: "tel", value: member.office_phone || "", autocomplete: "off" }),
    field("Extension", { name: "extension", value: member.extension || "", maxlength: 10 }));
  const { form } = openForm(`Edit ${who}`, [h("p", { class: "hint" }, member.email), placement.node, role, modulesSet, scope.node, details, details2],
    "Save changes", async (form, error) => {
      const { group_id, group_manager } = placement.value();
      const body = { group_id, title: orNull(value(form, "title")), cell_phone: orNull(value(form, "cell_phone")),
        office_phone: orNull(value(form, "office_phone")), extension: orNull(value(form, "extension")) };
      if (group_id === "default") {
        body.role = form.elements.role.value;
        if (body.role === "member") {
          body.permissions = checked(form, "module");
          body.sub_accounts = scope.value();
        }
      } else body.group_manager = group_manager;
      const reply = await api("PATCH", `/accounts/${state.account.account_id}/members/${member.user_id}`, body);
      if (reply401(reply)) return true;
      if (reply.status !== 200) { error.textContent = messageOf(reply); return false; }
      await loadAll();
      flash(`${who} was updated.`);
      return true;
    }, { wide: true });
  const sync = () => {
    const inGroup = placement.value().group_id !== "default";
    for (const radio of form.querySelectorAll("input[name=role]")) radio.disabled = inGroup;
    const admin = !inGroup && form.elements.role.value === "admin";
    for (const box of modules.querySelectorAll("input")) box.disabled = inGroup || admin;
    scope.setDisabled(inGroup || admin);
  };
  for (const radio of form.querySelectorAll("input[name=role]")) radio.addEventListener("change", sync);
  placement.onChange(sync);
  sync();
}
