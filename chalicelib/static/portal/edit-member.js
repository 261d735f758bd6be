// Edit a user: role, modules, sub-accounts, group, contact details at this account.

import { api } from "./session.js";
import { h, field, messageOf, fullName } from "./dom.js";
import { state, flash, openForm, reply401, value, orNull } from "./frame.js";
import { loadAll } from "./users.js";
import { accessChooser } from "./access.js";
import { t } from "./i18n.js";

export function openEditMember(member) {
  const who = fullName(member);
  const access = accessChooser("edit", member);
  const details = h("div", { class: "row" },
    field(t("Title"), { name: "title", value: member.title || "", maxlength: 100 }),
    field(t("Cell phone"), { name: "cell_phone", type: "tel", value: member.cell_phone || "", autocomplete: "off" }));
  const details2 = h("div", { class: "row" },
    field(t("Office phone"), { name: "office_phone", type: "tel", value: member.office_phone || "", autocomplete: "off" }),
    field(t("Extension"), { name: "extension", value: member.extension || "", maxlength: 10 }));
  openForm(t("Edit {person}", { person: who }), [h("p", { class: "hint" }, member.email), ...access.nodes, details, details2],
    t("Save changes"), async (form, error) => {
      const body = { ...access.value(), title: orNull(value(form, "title")), cell_phone: orNull(value(form, "cell_phone")),
        office_phone: orNull(value(form, "office_phone")), extension: orNull(value(form, "extension")) };
      const reply = await api("PATCH", `/accounts/${state.account.account_id}/members/${member.user_id}`, body);
      if (reply401(reply)) return true;
      if (reply.status !== 200) { error.textContent = messageOf(reply); return false; }
      await loadAll();
      flash(t("{person} was updated.", { person: who }));
      return true;
    }, { wide: true });
}
