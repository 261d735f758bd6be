// The session and the API: the token in sessionStorage (it ends with the tab, never in localStorage),
// every call to the public JSON API, and the link token taken out of the address bar.

import { t, locale, forgetUserLocale } from "./i18n.js";

export const PORTAL = new URL("../", import.meta.url); // .../portal/
export const API = new URL("../../", import.meta.url); // the API's root, a stage prefix included
export const SESSION_KEY = "portal.session";

// A link's token is read once and taken out of the address bar (and so out of history and referrers).
export const linkToken = new URLSearchParams(location.hash.slice(1)).get("token");
if (location.hash) history.replaceState(null, "", location.pathname + location.search);

// ---------- the session (sessionStorage only: it ends with the tab, never in localStorage)

export function session() {
  try { return JSON.parse(sessionStorage.getItem(SESSION_KEY)) || null; } catch { return null; }
}
export function saveSession(value) {
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(value));
}
export function clearSession() {
  sessionStorage.removeItem(SESSION_KEY);
  forgetUserLocale();
}

export async function api(method, path, body, extraHeaders = {}) {
  // the API's messages (shown as they come) in the page's language
  const headers = { Accept: "application/json", "Accept-Language": locale(), ...extraHeaders };
  const current = session();
  if (current && current.token) headers.Authorization = `Bearer ${current.token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(new URL(path.replace(/^\//, ""), API), {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: "omit",
    });
  } catch {
    return { status: 0, body: { error: { message: t("The service cannot be reached. Check your connection.") } } };
  }
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  return { status: response.status, body: data };
}
