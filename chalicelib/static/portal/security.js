// Security (the owner): this account's second-factor policy — who must sign in with a second factor, after
// how many days of grace.

import { api } from "./session.js";
import { h, field, notice, messageOf, when, submitting } from "./dom.js";
import { state, flash, frame, reply401 } from "./frame.js";
import { t } from "./i18n.js";

const LEVELS = [
  ["off", t("Nobody"), t("No one is required to; anyone may still add a second factor on Your info.")],
  ["admins", t("The owner and admins"), t("Those who manage the account must sign in with a second factor.")],
  ["all", t("Everyone"), t("Every member of this account must sign in with a second factor.")],
];

export async function renderSecurity() {
  const base = `/accounts/${state.account.account_id}/security`;
  const reply = await api("GET", base);
  if (reply401(reply)) return;
  const error = notice();
  if (reply.status !== 200) error.textContent = messageOf(reply);
  const policy = reply.status === 200 ? reply.body : { mfa_required: "off", grace_days: 0, enforced_from: null };
  const status = h("p", { id: "policy-status", role: "status" }, describe(policy));
  const form = h("form", { novalidate: true, "aria-labelledby": "policy-title" },
    h("h2", { id: "policy-title" }, t("Two-step sign-in")), error, status,
    h("fieldset", {}, h("legend", {}, t("Who must sign in with a second factor here")),
      h("div", { class: "modules" }, LEVELS.map(([level, label, hint]) => h("div", {},
        h("label", {}, h("input", { type: "radio", name: "mfa_required", value: level, checked: policy.mfa_required === level,
          "aria-describedby": `level-${level}-hint` }), label),
        h("span", { class: "hint", id: `level-${level}-hint` }, hint))))),
    field(t("Days of grace"), { type: "number", name: "grace_days", min: 0, max: 30, step: 1, value: String(policy.grace_days), required: true },
      "0 to 30: how long members have to add a second factor; someone who joins later gets as many days from joining."),
    h("div", { class: "actions start" }, h("button", { type: "submit", class: "primary" }, t("Save policy"))));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const grace = Number(form.elements.grace_days.value);
    if (!Number.isInteger(grace) || grace < 0 || grace > 30) {
      error.textContent = t("Days of grace: a whole number from 0 to 30."); form.elements.grace_days.focus(); return;
    }
    submitting(form, async () => {
      error.textContent = "";
      const body = { mfa_required: form.elements.mfa_required.value, grace_days: grace };
      const saved = await api("PUT", base, body);
      if (reply401(saved)) return;
      if (saved.status !== 200) { error.textContent = messageOf(saved); return; }
      status.textContent = describe(saved.body);
      flash(t("The security policy was saved."));
    });
  });
  frame("security", t("Security"), t("how people sign in to this account"), null,
    h("div", { class: "cards" }, h("section", { class: "card" }, form)));
}

function describe(policy) {
  if (policy.mfa_required === "off") return t("Now: no second factor is required at this account.");
  return policy.mfa_required === "all" ? t("Now: Everyone must use a second factor, from {date}.", { date: when(policy.enforced_from) })
    : t("Now: The owner and admins must use a second factor, from {date}.", { date: when(policy.enforced_from) });
}
