// Choosers shared by Invite users, Edit user and groups: modules, sub-accounts, the user group.

import { h } from "./dom.js";
import { state } from "./frame.js";
import { t } from "./i18n.js";

// (a group's modules: every one a User may hold, none of the admin-only ones)
export function moduleBoxes(name, selected = []) {
  return h("div", { class: "modules" }, state.permissions.filter((p) => !p.admin_only).map((p) =>
    h("label", {}, h("input", { type: "checkbox", name, value: p.key, checked: selected.includes(p.key) }), p.label)));
}

export function checked(form, name) {
  return [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((b) => b.value);
}

export function scopeChooser(id, current) {
  const chosen = current === "all" ? [] : current.map((s) => (typeof s === "string" ? s : s.sub_account_id));
  const all = h("input", { type: "radio", name: `${id}-mode`, value: "all", checked: current === "all" });
  const some = h("input", { type: "radio", name: `${id}-mode`, value: "some", checked: current !== "all" });
  const boxes = state.subAccounts.map((s) => h("label", {},
    h("input", { type: "checkbox", name: `${id}-ids`, value: s.sub_account_id, checked: chosen.includes(s.sub_account_id) }), s.name));
  const list = h("div", { class: "modules sub-list" }, boxes.length ? boxes : h("span", { class: "hint" }, t("This account has no sub-accounts yet.")));
  const node = h("fieldset", { class: "scope" }, h("legend", {}, t("Sub-accounts")),
    h("div", { class: "choices" }, h("label", {}, all, t("All sub-accounts")), h("label", {}, some, t("Only these"))), list);
  const sync = () => { for (const box of list.querySelectorAll("input")) box.disabled = node.disabled || all.checked; };
  all.addEventListener("change", sync);
  some.addEventListener("change", sync);
  sync();
  const value = () => (all.checked ? "all" : [...list.querySelectorAll("input:checked")].map((b) => b.value));
  const set = (scope) => {
    all.checked = scope === "all";
    some.checked = scope !== "all";
    for (const box of list.querySelectorAll("input")) box.checked = scope !== "all" && scope.includes(box.value);
  };
  let saved = null; // the person's own choice, while another's (a group's) is shown
  return { node, value,
    setDisabled(disabled) { node.disabled = disabled; sync(); },
    // shows a scope that is not chosen here (a group's; an Admin's "all"), or (null) the own choice again
    preview(scope) {
      if (scope !== null && scope !== undefined) {
        if (saved === null) saved = value();
        set(scope);
      } else if (saved !== null) {
        set(saved);
        saved = null;
      }
      node.disabled = scope !== null && scope !== undefined;
      sync();
    } };
}

export function groupChooser(id, currentGroup, currentManager) {
  const groups = state.groups || [];
  const select = h("select", { id, name: "group_id" }, groups.map((g) =>
    h("option", { value: g.group_id, selected: g.group_id === currentGroup }, g.group_id === "default" ? t("Default User Group (own role and modules)") : g.name)));
  const manager = h("input", { type: "checkbox", id: `${id}-manager`, name: "group_manager", checked: currentManager });
  const managerRow = h("label", { class: "check" }, manager, t("Group manager: manages the members of this group"));
  const node = h("div", { class: "field" }, h("label", { for: id }, t("User group")), select, managerRow);
  const listeners = [];
  const sync = () => {
    const custom = select.value !== "default";
    manager.disabled = !custom;
    if (!custom) manager.checked = false;
    for (const listener of listeners) listener();
  };
  select.addEventListener("change", sync);
  setTimeout(sync);
  if (groups.length <= 1) node.hidden = true; // only the default group: nothing to choose
  return { node, onChange: (listener) => listeners.push(listener),
    value: () => ({ group_id: select.value || "default", group_manager: select.value !== "default" && manager.checked }) };
}
