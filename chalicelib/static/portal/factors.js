// Your info: Two-step sign-in (an authenticator app, its recovery codes) and Passkeys.

import { api } from "./session.js";
import { h, field, notice, messageOf, when, announce } from "./dom.js";
import { state, flash, openForm, reply401 } from "./frame.js";
import { renderProfile } from "./profile.js";
import { createPasskey, passkeyAssertion, passkeyProblem, passkeysSupported } from "./webauthn.js";
import { t } from "./i18n.js";

const has = (factor) => (state.me.user.second_factors || []).includes(factor);
const codeField = (label = t("Code from your app")) =>
  field(label, { name: "code", inputmode: "numeric", autocomplete: "one-time-code", maxlength: 8, required: true });

// With a factor already, adding another needs a current one: the app's code, or else a passkey.
function proofFields() {
  if (has("totp")) return [codeField(t("Current code from your app"))];
  if (has("passkey")) return [h("p", { class: "hint" }, t("You will confirm with one of your passkeys."))];
  return [];
}
async function proof(form) {
  if (has("totp")) return { code: form.elements.code.value.trim() };
  if (has("passkey")) return { credential: await passkeyAssertion() };
  return {};
}

async function refreshMe() {
  const me = await api("GET", "/me");
  if (me.status === 200) state.me.user = me.body.user;
}

function recoveryCodes(codes) {
  const text = `${t("Recovery codes for {email}. Each works once.", { email: state.me.user.email })}\n\n${codes.join("\n")}\n`;
  const download = h("a", { class: "button", download: "recovery-codes.txt",
    href: URL.createObjectURL(new Blob([text], { type: "text/plain" })) }, t("Download codes"));
  return [h("p", {}, t("Keep these recovery codes somewhere safe: each signs you in once if you lose your phone. They are shown only now.")),
    h("ul", { class: "codes", id: "recovery-codes" }, codes.map((c) => h("li", {}, h("code", {}, c)))), h("p", {}, download)];
}

function setUpApp() {
  openForm(t("Set up an authenticator app"), [field(t("Password"), { type: "password", name: "password", autocomplete: "current-password", required: true }),
    ...proofFields()], t("Continue"), async (form, error) => {
    const reply = await api("POST", "/me/mfa/totp", { password: form.elements.password.value, ...(await proof(form)) });
    if (reply401(reply)) return false;
    if (reply.status !== 200) { error.textContent = messageOf(reply); return false; }
    setTimeout(() => confirmApp(reply.body), 0);
    return true;
  });
}

function confirmApp(setup) {
  const qr = h("img", { class: "qr", alt: t("QR code to scan with your authenticator app"),
    src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(setup.qr_svg)}`, width: 200, height: 200 });
  openForm(t("Scan the QR code"), [qr, h("p", {}, t("Or type this key into the app: "), h("code", { id: "totp-secret" }, setup.secret)),
    codeField()], t("Turn on"), async (form, error) => {
    const reply = await api("POST", "/me/mfa/totp/confirm", { code: form.elements.code.value.trim() });
    if (reply401(reply)) return false;
    if (reply.status !== 200) { error.textContent = messageOf(reply); form.elements.code.focus(); return false; }
    await refreshMe();
    setTimeout(() => openForm(t("Two-step sign-in is on"), recoveryCodes(reply.body.recovery_codes), null, null, { wide: true }), 0);
    renderProfile();
    flash(t("Two-step sign-in with an authenticator app is on."));
    return true;
  });
}

function turnOffApp() {
  openForm(t("Turn off the authenticator app"), [field(t("Password"), { type: "password", name: "password", autocomplete: "current-password", required: true }),
    codeField()], t("Turn off"), async (form, error) => {
    const reply = await api("POST", "/me/mfa/totp/disable", { password: form.elements.password.value, code: form.elements.code.value.trim() });
    if (reply401(reply)) return false;
    if (reply.status !== 204) { error.textContent = messageOf(reply); return false; }
    await refreshMe();
    renderProfile();
    flash(t("Two-step sign-in with an authenticator app is off."));
    return true;
  }, { danger: true });
}

export function twoStepCard() {
  const on = has("totp");
  return h("section", { class: "card", "aria-labelledby": "two-step-title" }, h("h2", { id: "two-step-title" }, t("Two-step sign-in")),
    h("p", { id: "two-step-status" }, on ? t("On: signing in asks for a code from your authenticator app.") : t("Off: your password alone signs you in.")),
    h("div", { class: "actions start" }, on
      ? h("button", { type: "button", onclick: turnOffApp }, t("Turn off"))
      : h("button", { type: "button", class: "primary", onclick: setUpApp }, t("Set up an authenticator app"))));
}

function addPasskey() {
  openForm(t("Add a passkey"), [field(t("Name"), { name: "name", value: t("Passkey"), maxlength: 64, required: true }, t("So you can tell your passkeys apart.")),
    field(t("Password"), { type: "password", name: "password", autocomplete: "current-password", required: true }), ...proofFields()],
  t("Add passkey"), async (form, error) => {
    try {
      const options = await api("POST", "/me/passkeys/options", { password: form.elements.password.value, ...(await proof(form)) });
      if (reply401(options)) return false;
      if (options.status !== 200) { error.textContent = messageOf(options); return false; }
      const credential = await createPasskey(options.body);
      const reply = await api("POST", "/me/passkeys", { name: form.elements.name.value.trim() || t("Passkey"), credential });
      if (reply.status !== 201) { error.textContent = messageOf(reply); return false; }
    } catch (problem) { error.textContent = passkeyProblem(problem); return false; }
    await refreshMe();
    renderProfile();
    flash(t("The passkey was added."));
    return true;
  });
}

function deletePasskey(passkey) {
  openForm(t("Delete the passkey “{name}”?", passkey), [field(t("Password"), { type: "password", name: "password", autocomplete: "current-password", required: true })],
    t("Delete passkey"), async (form, error) => {
      const reply = await api("DELETE", `/me/passkeys/${encodeURIComponent(passkey.passkey_id)}`, { password: form.elements.password.value });
      if (reply401(reply)) return false;
      if (reply.status !== 204) { error.textContent = messageOf(reply); return false; }
      await refreshMe();
      renderProfile();
      flash(t("The passkey was deleted."));
      return true;
    }, { danger: true });
}

export function passkeysCard() {
  const list = h("ul", { class: "passkeys", id: "passkey-list" }, h("li", {}, t("Loading…")));
  const error = notice();
  api("GET", "/me/passkeys").then((reply) => {
    if (reply401(reply)) return;
    if (reply.status !== 200) { error.textContent = messageOf(reply); list.replaceChildren(); return; }
    list.replaceChildren(...(reply.body.items.length ? reply.body.items.map((p) => h("li", {},
      h("span", {}, h("strong", {}, p.name), h("br"), h("span", { class: "meta" }, t("Added {added} · last used {used}", { added: when(p.created_at), used: when(p.last_used_at) }))),
      h("button", { type: "button", "aria-label": t("Delete passkey {name}", p), onclick: () => deletePasskey(p) }, t("Delete"))))
      : [h("li", {}, t("No passkey yet."))]));
    announce(t("Passkeys loaded."));
  });
  const add = passkeysSupported()
    ? h("button", { type: "button", class: "primary", onclick: addPasskey }, t("Add a passkey"))
    : h("p", { class: "hint" }, t("This browser cannot create passkeys."));
  return h("section", { class: "card", "aria-labelledby": "passkeys-title" }, h("h2", { id: "passkeys-title" }, t("Passkeys")),
    h("p", {}, t("A passkey signs you in with this device's screen lock instead of a password.")), error, list,
    h("div", { class: "actions start" }, add));
}
