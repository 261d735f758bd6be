// Choosing a password: the API's rule, a strength meter, and the repeat.

import { h, field } from "./dom.js";

// ---------- passwords (the API's rule: 10 to 256 characters)

export function strength(password) {
  if (password.length < 10) return { level: 0, label: "Too short: at least 10 characters" };
  const kinds = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  const level = Math.min(4, 1 + (password.length >= 14) + (kinds >= 3) + (password.length >= 20));
  return { level, label: ["", "Weak", "Fair", "Good", "Strong"][level] };
}

export function passwordFields(label = "Password") {
  const first = field(label, { type: "password", name: "password", autocomplete: "new-password", required: true,
    minlength: 10, maxlength: 256 }, "At least 10 characters. A long phrase is easiest to remember.");
  const input = first.querySelector("input");
  const meter = h("div", { class: "meter", "data-level": "0", "aria-hidden": "true" }, h("span"));
  const status = h("span", { class: "hint", id: `${input.id}-strength`, "aria-live": "polite" }, "");
  input.setAttribute("aria-describedby", `${input.id}-hint ${input.id}-strength`);
  input.addEventListener("input", () => {
    const { level, label: text } = strength(input.value);
    meter.dataset.level = String(level);
    meter.firstChild.style.width = `${input.value ? Math.max(10, level * 25) : 0}%`;
    status.textContent = input.value ? `Strength: ${text}` : "";
  });
  first.append(meter, status);
  const again = field("Repeat the password", { type: "password", name: "password_again",
    autocomplete: "new-password", required: true });
  return { nodes: [first, again], check() {
    const repeated = again.querySelector("input").value;
    if (input.value.length < 10) return "The password needs at least 10 characters.";
    if (input.value.length > 256) return "The password can have at most 256 characters.";
    if (input.value !== repeated) return "The two passwords are not the same.";
    return null;
  }, value: () => input.value };
}
