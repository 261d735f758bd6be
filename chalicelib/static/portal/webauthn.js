// Passkeys in the browser: the API's WebAuthn options (binary fields base64url) to
// navigator.credentials.create/get and the credential back as JSON the API reads (py_webauthn's form).

import { api } from "./session.js";
import { t } from "./i18n.js";

export const passkeysSupported = () => Boolean(window.PublicKeyCredential && navigator.credentials);

export function fromB64url(text) {
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4);
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

export function toB64url(buffer) {
  let binary = "";
  for (const byte of new Uint8Array(buffer)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

const descriptors = (list) => (list || []).map((c) => ({ ...c, id: fromB64url(c.id) }));

export async function createPasskey(options) {
  const publicKey = { ...options, challenge: fromB64url(options.challenge),
    user: { ...options.user, id: fromB64url(options.user.id) }, excludeCredentials: descriptors(options.excludeCredentials) };
  delete publicKey.hints;
  const made = await navigator.credentials.create({ publicKey });
  return { id: made.id, rawId: toB64url(made.rawId), type: made.type,
    response: { clientDataJSON: toB64url(made.response.clientDataJSON), attestationObject: toB64url(made.response.attestationObject) } };
}

export async function getPasskey(options) {
  const publicKey = { ...options, challenge: fromB64url(options.challenge), allowCredentials: descriptors(options.allowCredentials) };
  const got = await navigator.credentials.get({ publicKey });
  const response = { clientDataJSON: toB64url(got.response.clientDataJSON),
    authenticatorData: toB64url(got.response.authenticatorData), signature: toB64url(got.response.signature) };
  if (got.response.userHandle) response.userHandle = toB64url(got.response.userHandle);
  return { id: got.id, rawId: toB64url(got.rawId), type: got.type, response };
}

// An assertion by any of the login's passkeys, to prove a current factor (or sign in without a password).
export async function passkeyAssertion() {
  const options = await api("POST", "/auth/passkey/options");
  if (options.status !== 200) return null;
  return getPasskey(options.body);
}

export function passkeyProblem(error) {
  if (error && error.name === "NotAllowedError") return t("The passkey was not used (cancelled or timed out).");
  if (error && error.name === "InvalidStateError") return t("This device already holds a passkey for your login.");
  return t("This browser could not use a passkey.");
}
