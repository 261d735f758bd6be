// Groups: shared modules and sub-accounts, their members and managers.

import { api } from "./session.js";
import { h, announce, field, messageOf, table, ROLE_LABEL, scopeText, fullName, columnHeads, errorAlert } from "./dom.js";
import { state, flash, PAGE_SIZE, frame, loadMore, openForm, reply401, value, orNull, fetchPage, confirmDo, subAccountName } from "./frame.js";
import { moduleBoxes, checked, scopeChooser } from "./choosers.js";
import { actionsMenu } from "./menu.js";
import { t } from "./i18n.js";

export async function renderGroups() {
  const panel = h("div", { class: "panel", id: "panel" });
  frame("groups", t("Groups"), t("shared modules and sub-accounts for sets of users"),
    h("button", { type: "button", class: "primary", onclick: () => openGroup(null, reload) }, t("Create group")), panel);
  const base = `/accounts/${state.account.account_id}/groups`;
  const list = { items: [], next_cursor: null };
  async function load(more) {
    if (!(await fetchPage(list, more, `${base}?limit=${PAGE_SIZE}`, panel))) return;
    state.groups = list.items; // the choices of Invite users and Edit
    draw();
  }
  async function reload() { await load(false); }
  const labelOf = (key) => (state.permissions.find((p) => p.key === key) || { label: key }).label;
  function draw() {
    panel.replaceChildren(table(h("caption", { class: "visually-hidden" }, t("User groups")),
      columnHeads([t("Group"), t("Modules"), t("Sub-accounts"), t("Members")]),
      h("tbody", {}, list.items.map((g) => {
        const builtIn = g.group_id === "default";
        return h("tr", {},
          h("td", { class: "name" }, h("strong", {}, builtIn ? t("Default User Group") : g.name),
            h("span", {}, builtIn ? t("Each member has their own role, modules and sub-accounts") : g.description || "")),
          h("td", {}, builtIn ? t("Per member") : g.permissions.length ? h("span", { class: "tags" }, g.permissions.map((k) => h("span", { class: "badge category" }, labelOf(k)))) : t("None")),
          h("td", {}, builtIn ? t("Per member") : scopeText(g.sub_accounts === "all" ? "all" : g.sub_accounts.map((id) => ({ name: subAccountName(id) })))),
          h("td", {}, String(g.member_count)),
          h("td", { class: "row-actions" }, actionsMenu(t("Actions for {person}", { person: g.name }), [
            { label: t("Members"), name: t("Members of {group}", { group: g.name }), run: () => openGroupMembers(g) },
            !builtIn && { label: t("Edit"), name: t("Edit {person}", { person: g.name }), run: () => openGroup(g, reload) },
            !builtIn && { label: t("Delete"), name: t("Delete {group}", { group: g.name }), danger: true, run: () =>
              confirmDo(t("Delete the group {group}? A group can be deleted once it has no members and no pending invitations.", { group: g.name }),
                t("Delete"), () => api("DELETE", `${base}/${g.group_id}`), 204, t("The group {group} was deleted.", { group: g.name }), reload) }])));
      }))));
    if (list.next_cursor) panel.append(loadMore(() => load(true), list.items.length));
  }
  await reload();
}

export function openGroup(group, reload) {
  const scope = scopeChooser("group-scope", group ? group.sub_accounts : "all");
  const nodes = [
    field(t("Name"), { name: "name", value: group ? group.name : "", required: true, maxlength: 100, autocomplete: "off" }),
    field(t("Description"), { name: "description", value: group?.description || "", maxlength: 500, autocomplete: "off" }, t("Optional: what this group is for.")),
    h("fieldset", {}, h("legend", {}, t("Modules its members hold")), moduleBoxes("module", group ? group.permissions : [])),
    scope.node,
  ];
  openForm(group ? t("Edit {person}", { person: group.name }) : t("Create group"), nodes, group ? t("Save changes") : t("Create group"), async (form, error) => {
    const body = { name: value(form, "name"), description: orNull(value(form, "description")),
      permissions: checked(form, "module"), sub_accounts: scope.value() };
    if (!body.name) { error.textContent = t("Give the group a name."); form.elements.name.focus(); return false; }
    if (!group && body.description === null) delete body.description;
    const base = `/accounts/${state.account.account_id}/groups`;
    const reply = group ? await api("PATCH", `${base}/${group.group_id}`, body) : await api("POST", base, body);
    if (reply401(reply)) return true;
    if (reply.status !== (group ? 200 : 201)) { error.textContent = messageOf(reply); return false; }
    await reload();
    flash(group ? t("The group {group} was saved.", { group: body.name }) : t("The group {group} was created.", { group: body.name }));
    return true;
  }, { wide: true });
}

export async function openGroupMembers(group) {
  const list = h("div", { class: "group-members" }, h("p", { class: "hint" }, t("Loading…")));
  const base = `/accounts/${state.account.account_id}`;
  const title = group.group_id === "default" ? t("Default User Group") : group.name;
  openForm(t("Members of {group}", { group: title }), [list], null, null, { wide: true });
  const shown = { items: [], next_cursor: null };
  async function draw(more = false) {
    const cursor = more && shown.next_cursor ? `&cursor=${encodeURIComponent(shown.next_cursor)}` : "";
    const reply = await api("GET", `${base}/members?group_id=${encodeURIComponent(group.group_id)}&status=active&limit=${PAGE_SIZE}${cursor}`);
    if (reply.status !== 200) { list.replaceChildren(errorAlert(reply)); return; }
    shown.items = [...(more ? shown.items : []), ...reply.body.items];
    shown.next_cursor = reply.body.next_cursor;
    if (shown.items.length === 0) { list.replaceChildren(h("p", { class: "empty" }, t("No members yet. Invite users into this group from User Management."))); return; }
    list.replaceChildren(h("ul", { class: "results" }, shown.items.map((m) => h("li", {},
      h("span", {}, h("strong", {}, fullName(m)), " ", h("span", { class: "hint" }, m.email)),
      h("span", { class: "inline-actions" },
        m.group_manager ? h("span", { class: "badge admin" }, t("Manager")) : null,
        group.group_id === "default" ? h("span", { class: `badge ${m.role}` }, ROLE_LABEL[m.role]) :
          h("button", { type: "button", class: "small", "aria-label": m.group_manager
            ? t("Remove as manager: {person}", { person: fullName(m) }) : t("Make manager: {person}", { person: fullName(m) }),
            onclick: async () => {
              const changed = await api("PATCH", `${base}/members/${m.user_id}`, { group_id: group.group_id, group_manager: !m.group_manager });
              if (changed.status !== 200) { announce(messageOf(changed)); return; }
              announce(m.group_manager ? t("{person} is no longer a manager of {group}.", { person: fullName(m), group: title })
                : t("{person} is now a manager of {group}.", { person: fullName(m), group: title }));
              await draw();
              const again = [...list.querySelectorAll("button")].find((b) => b.getAttribute("aria-label").endsWith(fullName(m)));
              if (again) again.focus();
            } }, m.group_manager ? t("Remove as manager") : t("Make manager")))))));
    if (shown.next_cursor) list.append(h("p", { class: "more-row" }, h("button", { type: "button", onclick: () => draw(true) }, t("Load more"))));
  }
  await draw();
}
