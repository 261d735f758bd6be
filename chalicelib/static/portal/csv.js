// Spreadsheet invites without the DOM (so node can test it): an RFC 4180 reader and writer, and the rules
// that turn a CSV's records into the rows Invite users previews and sends.

import { t, tn, formatNumber } from "./i18n.js";

export const COLUMNS = ["email", "first_name", "last_name", "title", "role"];
export const MAX_ROWS = 5000; // a preview of more would be slow to read, and no account sends that many a day
export const REQUEST_SIZE = 50; // the API's emails per request
const TEXT_LIMIT = 100; // the API's limit on a name or a title
const ROLES = { member: "member", user: "member", admin: "admin" };
// what the server also checks: an address it may accept, with an @ and a dot in the domain, no spaces
// A cell's line breaks and tabs are spaces in a name or title (the API keeps those on one line); what is
// left that the API refuses: other control characters, and invisible ones in a name.
const BREAKS = /[\r\n\t\u0085\u2028\u2029]+/g;
const CONTROL = /[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/;
const INVISIBLE = /[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u2060-\u206f\u2800\u3164\ufe00-\ufe0f\ufeff\uffa0]/;
const EMAIL = /^[^\s@"(),:;<>[\]\\]+@[^\s@"(),:;<>[\]\\]+\.[^\s@"(),:;<>[\]\\.]{2,}$/;

// Records of `text` (RFC 4180: fields quoted with "", a "" inside is one ", a quoted field may hold commas
// and line breaks; CRLF, LF or CR end a record). Each record is its fields and the line it starts on.
// The delimiter is a comma, or a semicolon or tab when the header has those and no comma (a spreadsheet
// saved in a locale whose decimal mark is a comma). An unclosed quote is an error naming its line.
export function parseCsv(text) {
  const source = text.replace(/^\uFEFF/, "");
  const delimiter = delimiterOf(source);
  const records = [];
  let fields = [], field = "", quoted = false, afterQuote = false, line = 1, start = 1, quoteLine = 1;
  const endField = () => { fields.push(field); field = ""; afterQuote = false; };
  const endRecord = () => { endField(); records.push({ line: start, fields }); fields = []; };
  for (let i = 0; i < source.length; i += 1) {
    const c = source[i];
    if (quoted) {
      if (c === '"' && source[i + 1] === '"') { field += '"'; i += 1; }
      else if (c === '"') { quoted = false; afterQuote = true; }
      else { field += c; if (c === "\n" || (c === "\r" && source[i + 1] !== "\n")) line += 1; }
    } else if (c === delimiter) endField();
    else if (c === "\r" || c === "\n") {
      if (c === "\r" && source[i + 1] === "\n") i += 1;
      endRecord(); line += 1; start = line;
    } else if (afterQuote) {
      if (c !== " " && c !== "\t") return { error: t('Line {line}: text after a closing quote (a quote inside a quoted cell is written "").', { line }) };
    } else if (c === '"' && field.trim() === "") { quoted = true; field = ""; quoteLine = line; }
    else field += c;
  }
  if (quoted) return { error: t("Line {line}: a quoted cell is never closed.", { line: quoteLine }) };
  if (field !== "" || fields.length || afterQuote) endRecord();
  return { records: records.filter((r) => r.fields.some((cell) => cell.trim() !== "")) }; // blank lines, ",,," too
}

function delimiterOf(source) {
  const header = source.split(/\r\n|\n|\r/, 1)[0];
  if (header.includes(",")) return ",";
  if (header.includes(";")) return ";";
  return header.includes("\t") ? "\t" : ",";
}

// "First Name", "first-name" and "FIRST_NAME" all name first_name
export const columnOf = (name) => name.trim().toLowerCase().replace(/[\s-]+/g, "_");

// The rows of a parsed CSV, each with its problems (none: it can be sent). `options`: defaultRole (the
// dialog's), adminProblem (why an Admin row cannot be sent with the dialog's choices, or null), remaining
// (invitations the account may still send today, or null when unknown) and perDay (its daily limit).
export function checkRecords(records, options) {
  if (records.length === 0) return { fileProblems: [t("The CSV is empty: it needs a header row, then one row per person.")], rows: [] };
  const header = records[0].fields.map(columnOf);
  const fileProblems = headerProblems(header);
  const body = records.slice(1);
  if (body.length === 0) fileProblems.push(t("The CSV has a header row but nobody under it."));
  if (body.length > MAX_ROWS) fileProblems.push(t("At most {most} rows at once; this CSV has {rows}.", { most: formatNumber(MAX_ROWS), rows: formatNumber(body.length) }));
  if (fileProblems.length) return { fileProblems, rows: [] };
  const seen = new Map();
  const rows = body.map((record, index) => rowOf(record, index + 2, header, options, seen)); // row 1: the header
  applyDailyLimit(rows, options);
  return { fileProblems, rows };
}

function headerProblems(header) {
  const problems = [];
  const unknown = header.filter((name) => !COLUMNS.includes(name));
  if (unknown.length) {
    const values = { names: unknown.map((n) => `"${n}"`).join(", "), columns: COLUMNS.join(", ") };
    problems.push(tn("Unknown column {names}: the columns are {columns} (a header row first).",
      "Unknown columns {names}: the columns are {columns} (a header row first).", unknown.length, values));
  }
  const twice = header.filter((name, i) => name && header.indexOf(name) !== i);
  if (twice.length) problems.push(t("The column {names} is there twice.", { names: [...new Set(twice)].map((n) => `"${n}"`).join(", ") }));
  if (!header.includes("email")) problems.push(t("The header row has no email column (a header row first: email, first_name, last_name, title, role)."));
  return problems;
}

// `number`: the row as a spreadsheet numbers it (a cell's line breaks make a text editor's lines differ)
function rowOf(record, number, header, options, seen) {
  const row = { number, email: "", first_name: "", last_name: "", title: "", role: "", problems: [] };
  header.forEach((name, i) => { row[name] = (record.fields[i] || "").trim(); });
  const problem = (code, text) => row.problems.push({ code, text });
  if (record.fields.slice(header.length).some((cell) => cell.trim() !== "")) {
    problem("extra_cells", t("more cells than the header has columns ({count})", { count: header.length }));
  }
  const raw = row.email;
  row.email = raw.toLowerCase();
  if (!raw) problem("invalid_email", t("no email address"));
  else if (!EMAIL.test(row.email)) problem("invalid_email", t('"{email}" is not a valid email address', { email: raw }));
  else if (seen.has(row.email)) problem("duplicate", t("listed already on row {row}", { row: seen.get(row.email) }));
  else seen.set(row.email, row.number);
  const role = row.role ? ROLES[row.role.toLowerCase()] : options.defaultRole;
  if (!role) problem("unknown_role", t('unknown role "{role}": use User (or member) or Admin', { role: row.role }));
  else if (role === "admin" && options.adminProblem) problem("role_not_allowed", options.adminProblem);
  row.role = role || row.role;
  for (const [name, label] of [["first_name", t("first name")], ["last_name", t("last name")], ["title", t("title")]]) {
    row[name] = row[name].replace(BREAKS, " ").trim();
    if (row[name].length > TEXT_LIMIT) problem("too_long", t("the {field} is over {most} characters", { field: label, most: TEXT_LIMIT }));
    if (CONTROL.test(row[name])) problem("invalid_text", t("the {field} holds control characters", { field: label }));
    else if (name !== "title" && row[name] && (INVISIBLE.test(row[name]) || !/[\p{L}\p{N}]/u.test(row[name]))) {
      problem("invalid_text", t("the {field} needs a visible letter or digit, and no invisible characters", { field: label }));
    }
  }
  return row;
}

// Rows past what the account may still send today are not sent (the API would refuse them): named per row.
function applyDailyLimit(rows, { remaining, perDay }) {
  if (remaining === null || remaining === undefined) return;
  let left = remaining;
  for (const row of rows) {
    if (row.problems.length) continue;
    if (left > 0) { left -= 1; continue; }
    row.problems.push({ code: "over_daily_limit",
      text: tn("over the account's daily invitation limit ({limit} a day; {count} left today)",
        "over the account's daily invitation limit ({limit} a day; {count} left today)", remaining, { limit: formatNumber(perDay) }) });
  }
}

// The requests to send: one batch per role (Users first), in requests of REQUEST_SIZE rows.
export function requestsOf(rows) {
  const requests = [];
  for (const role of ["member", "admin"]) {
    const sendable = rows.filter((row) => row.problems.length === 0 && row.role === role);
    for (let i = 0; i < sendable.length; i += REQUEST_SIZE) requests.push({ role, rows: sendable.slice(i, i + REQUEST_SIZE) });
  }
  return requests;
}

// What the API takes for one row: the address, and the details the row gives.
export function itemOf(row) {
  const item = { email: row.email };
  for (const name of ["first_name", "last_name", "title"]) if (row[name]) item[name] = row[name];
  return item;
}

// A CSV (RFC 4180, CRLF) of `records`. A cell a spreadsheet would run as a formula (=, +, -, @ first) gets a
// leading apostrophe: the result file holds what people typed, and opening it must not run any of it.
export function toCsv(records) {
  return records.map((fields) => fields.map(cellOf).join(",")).join("\r\n") + "\r\n";
}

function cellOf(value) {
  let text = value === null || value === undefined ? "" : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
