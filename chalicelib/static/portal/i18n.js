// The pages' language: `t(id, values)` gives a message of the `portal` catalog in the page's language (the id
// is the English text; `tn` a count-dependent one, in the form the count takes there), and dates and numbers
// follow the same language. The shell names the language the server chose from Accept-Language (<html lang>)
// and the catalogs' address; this module loads that catalog before any screen draws (a top-level await: every
// module importing this one waits for it), so nothing flashes in English. A link's language replaces it in place (useLocale: the pages before sign-in read their
// words when they draw); a signed-in user's own is settled once per tab (settleLocale), by a reload, since the
// screens' modules read some words (column names, tab names) when they load.

export const LOCALES = ["en", "de", "fr", "es", "nl"];
// each language in its own words, for the language switch
export const LANGUAGE_NAMES = { en: "English", de: "Deutsch", fr: "Français", es: "Español", nl: "Nederlands" };
// the choice made on this browser (kept when the API does not store it yet): a preference, not a secret
export const CHOSEN_KEY = "portal.locale";
// the signed-in user's language in this tab (sessionStorage, like the session): the next load starts in it
const USER_KEY = "portal.locale.user";

const root = typeof document === "undefined" ? null : document.documentElement; // null: in node (csv.js's unit test)
let current = null; // set below, before any other module runs (English needs no catalog, but its <html lang>)
let messages = {};

export const locale = () => current;

// `{name}` placeholders are filled with the values as given; the DOM helpers append the result as text,
// never as HTML, so a value cannot become markup. A message without a translation is shown in English.
export function t(id, values = {}) {
  const text = Object.hasOwn(messages, id) && typeof messages[id] === "string" ? messages[id] : id;
  return fill(text, values);
}

function fill(text, values) {
  return text.replace(/\{(\w+)\}/g, (whole, name) => (Object.hasOwn(values, name) ? String(values[name]) : whole));
}

// A count-dependent message: `tn("{count} seat", "{count} seats", n, values)` is a gettext plural entry, which
// the catalog gives as the list of the language's forms (msgstr[0], msgstr[1], …). Which form a count takes is
// the language's rule: Intl.PluralRules' category, in the order the catalog's Plural-Forms numbers them (all
// five have two forms, but French's "one" is 0 and 1, the others' 1 only). `{count}` is the count in the
// page's number format unless `values` gives it; untranslated, the English forms follow English's rule.
// A language with more forms (Polish: one, few, many) would need its own order here, matching its catalog's.
const PLURAL_ORDER = ["one", "other"];
const pluralRules = new Map();
function pluralIndex(code, count, forms) {
  if (!pluralRules.has(code)) pluralRules.set(code, new Intl.PluralRules(code));
  const at = PLURAL_ORDER.indexOf(pluralRules.get(code).select(count));
  return Math.min(at === -1 ? PLURAL_ORDER.length - 1 : at, forms - 1); // "many" (fr 1 000 000): "other"
}

export function tn(singular, plural, count, values = {}) {
  const translated = Object.hasOwn(messages, singular) && Array.isArray(messages[singular]) ? messages[singular] : null;
  const forms = translated || [singular, plural];
  return fill(forms[pluralIndex(translated ? current : "en", count, forms.length)], { count: formatNumber(count), ...values });
}

function catalogUrl(code) {
  return (root?.dataset.catalogs || "").replace("{locale}", code);
}

// Switches to `code` (one of LOCALES) once its catalog is here; false (and the page unchanged) otherwise.
export async function useLocale(code) {
  if (!LOCALES.includes(code)) return false;
  if (code === current) return true;
  let loaded = {};
  if (code !== "en") {
    try {
      const reply = await fetch(catalogUrl(code), { headers: { Accept: "application/json" } });
      if (!reply.ok) return false;
      loaded = await reply.json();
    } catch {
      return false; // offline or blocked: the page stays in the language it has
    }
  }
  messages = loaded;
  current = code;
  if (root) root.lang = code;
  formats.clear();
  if (root) document.dispatchEvent(new Event("portal:locale")); // what was drawn before redraws (portal.js)
  return true;
}

function stored(storage, key) {
  try { return storage.getItem(key); } catch { return null; }
}
function store(storage, key, code) {
  try { storage.setItem(key, code); } catch { /* storage off: the choice lasts this page */ }
}
export const chosenLocale = () => stored(localStorage, CHOSEN_KEY);
export const rememberLocale = (code) => store(localStorage, CHOSEN_KEY, code);
export function forgetUserLocale() {
  try { sessionStorage.removeItem(USER_KEY); } catch { /* nothing kept */ }
}

// The signed-in page's language, from the first of `candidates` that is one (the user's own from GET /me, the
// one chosen on this browser, the account's default), else the browser's (the shell's). True when the page
// reloads to show it; a language whose catalog did not load is not tried again in this tab.
export function settleLocale(...candidates) {
  const wanted = candidates.find((code) => LOCALES.includes(code)) || shellLocale;
  const tried = stored(sessionStorage, USER_KEY);
  store(sessionStorage, USER_KEY, wanted);
  if (wanted === current || tried === wanted) return false;
  location.reload();
  return true;
}

// ---------- dates and numbers in the page's language (one formatter per language and style)

const formats = new Map();
function format(kind, options) {
  const key = `${kind}:${JSON.stringify(options)}`;
  if (!formats.has(key)) {
    formats.set(key, kind === "date" ? new Intl.DateTimeFormat(current, options) : new Intl.NumberFormat(current, options));
  }
  return formats.get(key);
}
export const formatDate = (date, options) => format("date", options).format(date);
export const formatNumber = (number, options = {}) => format("number", options).format(number);

const shellLocale = root && LOCALES.includes(root.lang) ? root.lang : "en";
const userLocale = root ? stored(sessionStorage, USER_KEY) : null;
await useLocale(LOCALES.includes(userLocale) ? userLocale : shellLocale);
