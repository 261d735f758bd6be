// Contacts: people who receive the account's emails without signing in.

import { api } from "./session.js";
import { h, field, messageOf, table, fullName } from "./dom.js";
import { state, flash, PAGE_SIZE, frame, loadMore, openForm, reply401, value, orNull, fetchPage, confirmDo } from "./frame.js";
import { checked } from "./choosers.js";
import { actionsMenu } from "./menu.js";
import { t } from "./i18n.js";

export const CATEGORIES = [["general", t("General")], ["product", t("Products")], ["domain", t("Domains")], ["invoice", t("Invoices")],
  ["support", t("Support")], ["affiliate", t("Affiliates")]];
export const CATEGORY_HINTS = { general: t("News and account notices"), product: t("Orders, renewals and product changes"),
  domain: t("Domain registrations and renewals"), invoice: t("New invoices and payment reminders"),
  support: t("Replies to support tickets"), affiliate: t("Affiliate commissions and payouts") };

const COLUMNS = [["name", t("Name")], ["email", t("Email")], ["company_name", t("Company")], ["phone", t("Phone")]];

export async function renderContacts() {
  const list = { items: [], next_cursor: null };
  const panel = h("div", { class: "panel", id: "panel" });
  frame("contacts", t("Contacts"), t("people who receive this account's emails without signing in"),
    h("button", { type: "button", class: "primary", onclick: () => openContact(null, reload) }, t("Add contact")), panel);
  const base = `/accounts/${state.account.account_id}/contacts`;
  async function load(more) {
    if (await fetchPage(list, more, `${base}?limit=${PAGE_SIZE}`, panel)) draw();
  }
  async function reload() { await load(false); }
  // the loaded contacts sorted here (the API lists them in its own order): a header's button sorts by it
  const sort = { key: "name", order: "asc" };
  const keyOf = (c, key) => (key === "name" ? [c.last_name, c.first_name, c.email] : [c[key]]).filter(Boolean).join(" ").toLowerCase();
  const sorted = (items) => [...items].sort((a, b) => keyOf(a, sort.key).localeCompare(keyOf(b, sort.key)) * (sort.order === "asc" ? 1 : -1));
  function headerCell(key, label) {
    const on = sort.key === key;
    return h("th", { scope: "col", "aria-sort": on ? `${sort.order}ending` : "none" },
      h("button", { type: "button", onclick: () => {
        sort.order = on && sort.order === "asc" ? "desc" : "asc";
        sort.key = key;
        draw();
        panel.querySelector(`th:nth-child(${COLUMNS.findIndex(([k]) => k === key) + 1}) button`).focus();
      } }, label, h("span", { class: "sort-mark", "aria-hidden": "true" }, on ? (sort.order === "asc" ? "▲" : "▼") : "↕")));
  }
  function draw() {
    if (list.items.length === 0) {
      panel.replaceChildren(h("p", { class: "empty" }, t("No contacts yet. Add the people who should get invoices, domain or support emails.")));
      return;
    }
    panel.replaceChildren(table(h("caption", { class: "visually-hidden" }, t("Contacts")),
      h("thead", {}, h("tr", {}, COLUMNS.map(([key, label]) => headerCell(key, label)), h("th", { scope: "col" }, t("Emails they receive")),
        h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, t("Actions"))))),
      h("tbody", {}, sorted(list.items).map((c) => {
        const who = fullName(c);
        const chosen = CATEGORIES.filter(([key]) => c.email_preferences[key]);
        return h("tr", { class: "opens", onclick: (event) => { if (!event.target.closest("button, a, .menu")) openContact(c, reload); } },
          h("td", {}, [c.first_name, c.last_name].filter(Boolean).join(" ") || "—"), h("td", { class: "wrap" }, c.email),
          h("td", {}, c.company_name || "—"), h("td", {}, c.phone || "—"),
          h("td", {}, chosen.length ? h("span", { class: "tags" }, chosen.map(([, label]) => h("span", { class: "badge category" }, label)))
            : h("span", { class: "hint" }, t("None"))),
          h("td", { class: "row-actions" }, actionsMenu(t("Actions for {person}", { person: who }), [
            { label: t("Edit"), name: t("Edit {person}", { person: who }), run: () => openContact(c, reload) },
            { label: t("Remove"), name: t("Remove {person}", { person: who }), danger: true, run: () =>
              confirmDo(t("Remove {person}? They stop receiving this account's emails.", { person: who }), t("Remove"),
                () => api("DELETE", `${base}/${c.contact_id}`), 204, t("{person} was removed.", { person: who }), reload) }])));
      }))));
    if (list.next_cursor) panel.append(loadMore(() => load(true), list.items.length));
  }
  await load(false);
}

export function openContact(contact, reload) {
  const c = contact || { email: "", first_name: "", last_name: "", company_name: "", phone: "", email_preferences: {} };
  const categories = h("fieldset", {}, h("legend", {}, t("Emails they receive")), h("div", { class: "modules" },
    CATEGORIES.map(([key, label]) => h("label", {}, h("input", { type: "checkbox", name: "category", value: key, checked: Boolean(c.email_preferences[key]) }),
      h("span", {}, label, h("span", { class: "hint block" }, CATEGORY_HINTS[key]))))));
  const nodes = [
    h("div", { class: "row" }, field(t("First name"), { name: "first_name", value: c.first_name || "", autocomplete: "off", maxlength: 100 }),
      field(t("Last name"), { name: "last_name", value: c.last_name || "", autocomplete: "off", maxlength: 100 })),
    field(t("Email"), { type: "email", name: "email", value: c.email, required: true, autocomplete: "off" }),
    h("div", { class: "row" }, field(t("Company"), { name: "company_name", value: c.company_name || "", autocomplete: "off", maxlength: 100 }),
      field(t("Phone"), { type: "tel", name: "phone", value: c.phone || "", autocomplete: "off" })),
    categories,
  ];
  openForm(contact ? t("Edit {person}", { person: fullName(contact) }) : t("Add contact"), nodes, contact ? t("Save changes") : t("Add contact"), async (form, error) => {
    const prefs = Object.fromEntries(CATEGORIES.map(([key]) => [key, checked(form, "category").includes(key)]));
    const body = { email: value(form, "email"), email_preferences: prefs };
    for (const name of ["first_name", "last_name", "company_name", "phone"]) {
      const text = value(form, name);
      if (text || contact) body[name] = orNull(text);
    }
    if (!body.email) { error.textContent = t("Give the contact's email address."); form.elements.email.focus(); return false; }
    const base = `/accounts/${state.account.account_id}/contacts`;
    const reply = contact ? await api("PATCH", `${base}/${contact.contact_id}`, body) : await api("POST", base, body);
    if (reply401(reply)) return true;
    if (reply.status !== (contact ? 200 : 201)) {
      error.textContent = reply.body?.error?.code === "contact_exists" ? t("{email} is already a contact of this account.", body) : messageOf(reply);
      return false;
    }
    await reload();
    flash(contact ? t("{email} was updated.", body) : t("{email} was added.", body));
    return true;
  }, { wide: true });
}
