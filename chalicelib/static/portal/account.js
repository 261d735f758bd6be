// Account settings (the Profile permission): the account's name and whether pending invitations get a
// reminder before they end.

import { api } from "./session.js";
import { h, field, notice, messageOf, submitting, nextId, errorAlert } from "./dom.js";
import { state, flash, frame, reply401, value } from "./frame.js";
import { t } from "./i18n.js";

export async function renderAccountSettings() {
  const panel = h("div", { class: "cards" });
  frame("account", t("Account settings"), t("how this account works for everyone in it"), null, panel);
  const reply = await api("GET", `/accounts/${state.account.account_id}`);
  if (reply401(reply)) return;
  if (reply.status !== 200) { panel.replaceChildren(errorAlert(reply)); return; }
  const account = reply.body;
  const error = notice();
  const hintId = `reminders-hint-${nextId()}`;
  // a switch: a checkbox announced as on or off, its label and hint read with it
  const reminders = h("input", { type: "checkbox", role: "switch", name: "invitation_reminders", id: `reminders-${nextId()}`,
    checked: account.invitation_reminders, "aria-describedby": hintId });
  const form = h("form", { novalidate: true, "aria-labelledby": "account-settings-title" },
    h("h2", { id: "account-settings-title" }, t("Account")), error,
    field(t("Account name"), { name: "name", value: account.name, required: true, maxlength: 200, autocomplete: "organization" }),
    h("fieldset", {}, h("legend", {}, t("Invitations")),
      h("label", { class: "check", for: reminders.id }, reminders, t("Remind invitees before their invitation ends")),
      h("p", { class: "hint", id: hintId },
        t("One email, two days before the end (one day for invitations valid less than three days), with a fresh link. Never for invitations valid under two days."))),
    h("div", { class: "actions start" }, h("button", { type: "submit", class: "primary" }, t("Save settings"))));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const body = { name: value(form, "name"), invitation_reminders: reminders.checked };
    if (!body.name) { error.textContent = t("The account needs a name."); form.elements.name.focus(); return; }
    submitting(form, async () => {
      error.textContent = "";
      const saved = await api("PATCH", `/accounts/${state.account.account_id}`, body);
      if (reply401(saved)) return;
      if (saved.status !== 200) { error.textContent = messageOf(saved); return; }
      state.account.name = saved.body.name;
      reminders.checked = saved.body.invitation_reminders;
      flash(saved.body.invitation_reminders ? t("Settings saved: invitation reminders are on.") : t("Settings saved: invitation reminders are off."));
    });
  });
  panel.replaceChildren(h("section", { class: "card" }, form));
}
