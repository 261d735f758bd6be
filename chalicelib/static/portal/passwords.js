// Choosing a password: the API's rule, a strength meter, and the repeat.

import { h, field } from "./dom.js";
import { t } from "./i18n.js";

// ---------- passwords (the API's rule: 10 to 256 characters)

export function strength(password) {
  if (password.length < 10) return { level: 0, label: t("Too short: at least 10 characters") };
  const kinds = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  const level = Math.min(4, 1 + (password.length >= 14) + (kinds >= 3) + (password.length >= 20));
  return { level, label: ["", t("Weak"), t("Fair"), t("Good"), t("Strong")][level] };
}

export function passwordFields(label = t("Password")) {
  const first = field(label, { type: "password", name: "password", autocomplete: "new-password", required: true,
    minlength: 10, maxlength: 256 }, t("At least 10 characters. A long phrase is easiest to remember."));
  const input = first.querySelector("input");
  const meter = h("div", { class: "meter", "data-level": "0", "aria-hidden": "true" }, h("span"));
  const status = h("span", { class: "hint", id: `${input.id}-strength`, "aria-live": "polite" }, "");
  input.setAttribute("aria-describedby", `${input.id}-hint ${input.id}-strength`);
  input.addEventListener("input", () => {
    const { level, label: text } = strength(input.value);
    meter.dataset.level = String(level);
    meter.firstChild.style.width = `${input.value ? Math.max(10, level * 25) : 0}%`;
    status.textContent = input.value ? t("Strength: {level}", { level: text }) : "";
  });
  first.append(meter, status);
  const again = field(t("Repeat the password"), { type: "password", name: "password_again",
    autocomplete: "new-password", required: true });
  return { nodes: [first, again], check() {
    const repeated = again.querySelector("input").value;
    if (input.value.length < 10) return t("The password needs at least 10 characters.");
    if (input.value.length > 256) return t("The password can have at most 256 characters.");
    if (input.value !== repeated) return t("The two passwords are not the same.");
    return null;
  }, value: () => input.value };
}
