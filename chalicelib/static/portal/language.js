// Your info's language: the signed-in user's choice among the five, saved on the login (PATCH /me
// {"locale"}) so every device and email follows it, and kept on this browser too, so the page switches even
// where the API does not store it (yet): then the PATCH is refused and nothing else is said.

import { api } from "./session.js";
import { h } from "./dom.js";
import { t, locale, LOCALES, LANGUAGE_NAMES, rememberLocale, settleLocale } from "./i18n.js";
import { state, reply401 } from "./frame.js";

export function languageCard() {
  const select = h("select", { id: "language", name: "locale", "aria-describedby": "language-hint" },
    LOCALES.map((code) => h("option", { value: code, lang: code, selected: code === locale() }, LANGUAGE_NAMES[code])));
  select.addEventListener("change", async () => {
    const code = select.value;
    select.disabled = true;
    rememberLocale(code);
    const reply = await api("PATCH", "/me", { locale: code });
    if (reply401(reply)) return;
    if (reply.status === 200) state.me.user = reply.body;
    if (!settleLocale(code)) select.disabled = false; // (its catalog could not be loaded: the page stays as it is)
  });
  return h("section", { class: "card", "aria-labelledby": "language-title" },
    h("h2", { id: "language-title" }, t("Language")),
    h("div", { class: "field" }, h("label", { for: "language" }, t("Language of the portal and your emails")), select,
      h("span", { class: "hint", id: "language-hint" }, t("The portal switches at once."))));
}
