// One Actions menu per table row (WHMCS-style).

import { h, nextId } from "./dom.js";
import { t } from "./i18n.js";

// ---------- one Actions menu per row (a menu button; its items are menuitems, reached with the arrows)

export let openMenu = null;

export function closeMenu(focusButton = false) {
  if (!openMenu) return;
  const { menu, button } = openMenu;
  openMenu = null;
  menu.hidden = true;
  button.setAttribute("aria-expanded", "false");
  if (focusButton) button.focus();
}

// items: { label, name (the accessible name, naming whom), run, danger }; a false item is left out
export function actionsMenu(name, items) {
  const id = `menu-${nextId()}`;
  const button = h("button", { type: "button", class: "small menu-button", "aria-haspopup": "menu",
    "aria-expanded": "false", "aria-controls": id, "aria-label": name }, t("Actions"), h("span", { class: "caret", "aria-hidden": "true" }, "▾"));
  const entries = items.filter(Boolean).map((item) => h("button", { type: "button", role: "menuitem", tabindex: "-1",
    class: item.danger ? "danger" : null, "aria-label": item.name || null, onclick: () => {
      closeMenu(true); // focus back on the row's button first: a dialog the item opens returns there
      item.run();
    } }, item.label));
  const menu = h("div", { role: "menu", id, class: "menu", "aria-label": name, hidden: true }, entries);
  const move = (step) => {
    const index = entries.indexOf(document.activeElement);
    entries[(index + step + entries.length) % entries.length].focus();
  };
  menu.addEventListener("keydown", (event) => {
    const keys = { ArrowDown: () => move(1), ArrowUp: () => move(-1), Home: () => entries[0].focus(),
      End: () => entries[entries.length - 1].focus(), Escape: () => closeMenu(true), Tab: () => closeMenu(false) };
    if (!keys[event.key]) return;
    if (event.key !== "Tab") event.preventDefault();
    keys[event.key]();
  });
  const open = (last = false) => {
    closeMenu();
    menu.hidden = false;
    button.setAttribute("aria-expanded", "true");
    openMenu = { menu, button };
    place(menu, button);
    (last ? entries[entries.length - 1] : entries[0]).focus();
  };
  button.addEventListener("click", () => (openMenu && openMenu.menu === menu ? closeMenu(true) : open()));
  button.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") { event.preventDefault(); open(event.key === "ArrowUp"); }
  });
  return h("span", { class: "menu-wrap" }, button, menu);
}

// under the button, right-aligned to it, kept inside the viewport (above it when there is no room below)
export function place(menu, button) {
  const box = button.getBoundingClientRect();
  const width = menu.offsetWidth;
  const height = menu.offsetHeight;
  const left = Math.min(Math.max(8, box.right - width), window.innerWidth - width - 8);
  const below = box.bottom + 4 + height <= window.innerHeight - 8;
  menu.style.left = `${Math.max(8, left)}px`;
  menu.style.top = `${below ? box.bottom + 4 : Math.max(8, box.top - height - 4)}px`;
}

document.addEventListener("click", (event) => {
  if (openMenu && !event.target.closest(".menu-wrap")) closeMenu();
});
// a scroll (the page's, or the tap's own scrolling into view) moves the menu with its button
export const replace = () => { if (openMenu) place(openMenu.menu, openMenu.button); };
window.addEventListener("resize", replace);
document.addEventListener("scroll", replace, true);
