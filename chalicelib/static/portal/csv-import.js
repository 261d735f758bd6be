// Invite users from a spreadsheet: a CSV file (or the same pasted), a preview of every row and its problems
// before anything is sent, then one batch per role in requests of 50 (each under its own Idempotency-Key, so
// a retry never invites twice), progress as it goes, and a result per row to read and to download.

import { api } from "./session.js";
import { h, announce, field, messageOf, notice, table } from "./dom.js";
import { state } from "./frame.js";
import { parseCsv, checkRecords, requestsOf, itemOf, toCsv } from "./csv.js";
import { t, tn, formatNumber } from "./i18n.js";

const MAX_FILE_BYTES = 2 * 1024 * 1024;
const ROLE_NAMES = { member: "User", admin: "Admin" }; // the result file's words: read back by csv.js whatever the page's language
const roleName = (role) => ({ member: t("User"), admin: t("Admin") })[role];
const STATUS_NAMES = { invited: t("Invited"), skipped: t("Skipped"), failed: t("Failed") };
const RETRIES = [1000, 3000]; // waits before sending a request again (same key) after no answer or a 5xx
const sleep = (ms) => new Promise((done) => setTimeout(done, ms));
const count = (n) => formatNumber(n);

// options: access (the dialog's accessChooser, or null for a group manager), message() (the personal
// message, or ""), reasons (skip reasons in words), onSent() (after a run: reload the lists)
export function csvImport(options) {
  const error = notice();
  const file = field(t("CSV file"), { type: "file", name: "csv_file", accept: ".csv,text/csv,text/plain" });
  const paste = field(t("Or paste the CSV here"), { tag: "textarea", name: "csv_text", rows: 6, spellcheck: "false", autocomplete: "off" },
    t("A header row first, then one person a row. Columns: email, and any of first_name, last_name, title, role (User or Admin; an empty role takes the Role chosen above)."));
  const previewButton = h("button", { type: "button" }, t("Preview"));
  const sendButton = h("button", { type: "button", class: "primary", hidden: true }, t("Send invitations"));
  const preview = h("div", { class: "csv-preview" });
  const progressBar = h("progress", { id: "csv-progress", max: 1, value: 0 });
  const progressText = h("p", { role: "status", "aria-live": "polite", class: "hint block" });
  const progress = h("div", { class: "field csv-progress", hidden: true }, h("label", { for: "csv-progress" }, t("Sending invitations")), progressBar, progressText);
  const results = h("div", { class: "csv-results", tabindex: "-1" });
  const node = h("details", { class: "profile-fields csv-import" },
    h("summary", {}, t("From a spreadsheet (CSV file or pasted)")),
    h("p", { class: "hint block" }, t("Every row is invited with the role, permissions, sub-accounts, group and message chosen in this dialog; a row's role, if it has one, is its own. Nothing is sent before you have seen the preview.")),
    error, file, paste, h("div", { class: "actions start" }, previewButton, sendButton), preview, progress, results);
  const input = file.querySelector("input");
  const textarea = paste.querySelector("textarea");
  let checked = null;
  let downloadUrl = null;

  input.addEventListener("change", async () => {
    const chosen = input.files[0];
    if (!chosen) return;
    if (chosen.size > MAX_FILE_BYTES) { error.textContent = t("That file is over 2 MB: a CSV of people is far smaller. Save the sheet as CSV and try again."); return; }
    textarea.value = await chosen.text();
    await showPreview();
  });
  previewButton.addEventListener("click", () => showPreview());
  sendButton.addEventListener("click", () => send());

  async function showPreview() {
    error.textContent = "";
    results.replaceChildren();
    checked = await check(textarea.value, options);
    renderPreview(preview, checked);
    const sendable = checked.rows.filter((row) => row.problems.length === 0).length;
    sendButton.hidden = sendable === 0;
    sendButton.textContent = tn("Send {count} invitation", "Send {count} invitations", sendable);
    announce(checked.summary);
    return checked;
  }

  async function send() {
    const promised = sendButton.textContent;
    const current = await showPreview(); // the dialog's choices (or today's count) may have changed since
    if (sendButton.textContent !== promised) { error.textContent = t("The preview changed with the choices above: check it, then send again."); return; }
    const requests = requestsOf(current.rows);
    if (requests.length === 0) return;
    const bodies = bodiesOf(options);
    if (bodies.problem) { error.textContent = bodies.problem; return; }
    const outcome = new Map(current.rows.filter((row) => row.problems.length).map((row) =>
      [row, { status: "skipped", reason: row.problems[0].code, message: row.problems.map((p) => p.text).join("; ") }]));
    const total = requests.reduce((sum, request) => sum + request.rows.length, 0);
    for (const control of [previewButton, sendButton, input, textarea]) control.disabled = true;
    progress.hidden = false;
    progressBar.max = total;
    let done = 0, stopped = null;
    try {
      for (const [index, request] of requests.entries()) {
        progressBar.value = done;
        progressText.textContent = t("Sending {first}–{last} of {total} (request {request} of {requests})…", { first: count(done + 1),
          last: count(done + request.rows.length), total: count(total), request: count(index + 1), requests: count(requests.length) });
        const answer = stopped ? { outcomes: request.rows.map(() => stopped) } : await sendRows(bodies[request.role], request.rows, options.reasons);
        if (answer.stop) stopped = answer.stop;
        request.rows.forEach((row, i) => outcome.set(row, answer.outcomes[i]));
        done += request.rows.length;
      }
      progressBar.value = total;
      progressText.textContent = tn("Done: {count} of {count} row sent.", "Done: {count} of {count} rows sent.", total);
    } finally {
      for (const control of [previewButton, sendButton, input, textarea]) control.disabled = false;
    }
    sendButton.hidden = true;
    showResults(current.rows.map((row) => [row, outcome.get(row)]));
    await options.onSent();
  }

  function showResults(pairs) {
    const tally = { invited: 0, skipped: 0, failed: 0 };
    for (const [, result] of pairs) tally[result.status] += 1;
    const summary = t("{invited} invited, {skipped} skipped, {failed} failed.",
      { invited: count(tally.invited), skipped: count(tally.skipped), failed: count(tally.failed) });
    if (downloadUrl) URL.revokeObjectURL(downloadUrl);
    const records = [["row", "email", "first_name", "last_name", "title", "role", "status", "reason", "message"],
      ...pairs.map(([row, r]) => [row.number, row.email, row.first_name, row.last_name, row.title, ROLE_NAMES[row.role] || row.role, r.status, r.reason || "", r.message || ""])];
    downloadUrl = URL.createObjectURL(new Blob([toCsv(records)], { type: "text/csv;charset=utf-8" }));
    const notInvited = pairs.filter(([, r]) => r.status !== "invited");
    results.replaceChildren(h("h3", {}, t("Result")), h("p", { class: tally.failed ? "notice error" : "notice ok" }, summary),
      h("p", {}, h("a", { class: "button", href: downloadUrl, download: `invitations-${new Date().toISOString().slice(0, 10)}.csv` }, t("Download the result (CSV)"))),
      notInvited.length ? rowTable(t("Rows not invited"), [t("Row"), t("Email"), t("Result"), t("Why")],
        notInvited.map(([row, r]) => [row.number, row.email || "—", STATUS_NAMES[r.status], r.message || r.reason])) : null);
    results.focus();
    announce(t("Spreadsheet invitations: {summary}", { summary }));
  }

  return { node, close() { if (downloadUrl) URL.revokeObjectURL(downloadUrl); } };
}

// The preview's rows, checked against the dialog's choices and the account's invitations left today.
async function check(text, options) {
  const parsed = parseCsv(text);
  const allowance = await api("GET", `/accounts/${state.account.account_id}/invitations/allowance`);
  const limits = allowance.status === 200 ? allowance.body : null;
  const value = options.access ? options.access.value() : { role: "member", group_id: "default" };
  const adminProblem = !options.access ? t("you invite Users into the group you manage only")
    : value.group_id !== "default" ? t("an Admin belongs to no user group: choose the Default User Group above, or make this row a User") : null;
  const checked = parsed.error ? { fileProblems: [parsed.error], rows: [] }
    : checkRecords(parsed.records, { defaultRole: value.role || "member", adminProblem, remaining: limits ? limits.remaining_today : null, perDay: limits ? limits.per_day : null });
  const sendable = checked.rows.filter((row) => row.problems.length === 0);
  const admins = sendable.filter((row) => row.role === "admin").length;
  const limitText = limits ? tn("This account may send {count} more invitation today (its daily invitation limit is {limit}, counted per UTC day).",
    "This account may send {count} more invitations today (its daily invitation limit is {limit}, counted per UTC day).",
    limits.remaining_today, { limit: count(limits.per_day) })
    : t("Today's invitation limit could not be read: rows past it will be reported as failed.");
  checked.limitText = limitText;
  checked.summary = checked.fileProblems.length ? t("The CSV cannot be used as it is.") :
    t("{rows} rows: {sendable} to invite ({users} Users, {admins} Admins), {problems} with problems, which are not sent.", { rows: count(checked.rows.length),
      sendable: count(sendable.length), users: count(sendable.length - admins), admins: count(admins), problems: count(checked.rows.length - sendable.length) });
  return checked;
}

function renderPreview(preview, checked) {
  if (checked.fileProblems.length) {
    preview.replaceChildren(h("div", { class: "notice error", role: "alert" }, h("strong", {}, t("The CSV cannot be used as it is.")), " ",
      h("ul", {}, checked.fileProblems.map((text) => h("li", {}, text)))));
    return;
  }
  const problems = checked.rows.filter((row) => row.problems.length);
  const cells = (row) => [row.number, row.email || "—", [row.first_name, row.last_name].filter(Boolean).join(" ") || "—", row.title || "—",
    roleName(row.role) || row.role || "—", row.problems.map((p) => p.text).join("; ") || "—"];
  const columns = [t("Row"), t("Email"), t("Name"), t("Title"), t("Role"), t("Problems")];
  preview.replaceChildren(h("h3", {}, t("Preview")), h("p", { class: "notice info" }, checked.summary, " ", checked.limitText),
    problems.length ? rowTable(t("Rows with problems (not sent)"), columns, problems.map(cells)) : h("p", {}, t("No row has a problem.")),
    h("details", {}, h("summary", {}, tn("{count} row", "All {count} rows", checked.rows.length)), rowTable(t("All rows"), columns, checked.rows.map(cells))));
}

function rowTable(caption, columns, rows) {
  return h("div", { class: "csv-table" }, table(h("caption", {}, caption),
    h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, rows.map((cells) => h("tr", {}, cells.map((c) => h("td", { class: "wrap" }, String(c))))))));
}

// The request body of each role's batch, from the dialog's choices (a group manager's take their group's).
function bodiesOf(options) {
  const message = options.message();
  const extra = message ? { message } : {};
  if (!options.access) return { member: extra, admin: extra };
  const member = { ...options.access.memberValue(), ...extra };
  if (Array.isArray(member.sub_accounts) && member.sub_accounts.length === 0) return { problem: t("Choose at least one sub-account, or all of them.") };
  return { member, admin: { role: "admin", ...extra } };
}

// One request of up to 50 rows: an outcome per row. Rows the API refuses by name (a 400 on `emails.N.…`)
// fail with its words and the others are sent again without them; a 429 (the account's day is full) fails
// the request's rows and stops the run (`stop`: the outcome of every row not sent yet).
async function sendRows(base, rows, reasons) {
  let reply = await post(base, rows);
  const refused = refusedRows(reply, rows.length);
  const outcomes = rows.map((_, i) => refused.get(i));
  if (refused.size) {
    const rest = rows.map((_, i) => i).filter((i) => !refused.has(i));
    if (rest.length === 0) return { outcomes };
    reply = await post(base, rest.map((i) => rows[i]));
    if (reply.status === 200) rest.forEach((i, j) => { outcomes[i] = resultOf(reply.body.results[j], reasons); });
    else rest.forEach((i) => { outcomes[i] = failureOf(reply); });
    return { outcomes };
  }
  if (reply.status === 200) return { outcomes: reply.body.results.map((result) => resultOf(result, reasons)) };
  const failure = failureOf(reply);
  return { outcomes: rows.map(() => failure), stop: reply.status === 429 ? failure : null };
}

// One POST under its own Idempotency-Key, sent again under the same key when no answer came (or a 5xx did).
async function post(base, rows) {
  const body = { ...base, emails: rows.map(itemOf) };
  const headers = { "Idempotency-Key": newKey() };
  let reply = null;
  for (const wait of [0, ...RETRIES]) {
    if (wait) await sleep(wait);
    reply = await api("POST", `/accounts/${state.account.account_id}/invitations`, body, headers);
    const code = reply.body && reply.body.error && reply.body.error.code;
    if (reply.status !== 0 && reply.status < 500 && code !== "idempotency_in_progress") break;
  }
  return reply;
}

// The rows a validation error names (index -> its failed outcome); empty unless it names rows only.
function refusedRows(reply, size) {
  const error = reply.status === 400 && reply.body && reply.body.error;
  const details = (error && error.details) || [];
  const named = details.map((d) => [/^emails\.(\d+)(?:\.(\w+))?$/.exec(d.field), d.message]);
  if (!named.length || named.some(([match]) => !match || Number(match[1]) >= size)) return new Map();
  const refused = new Map();
  for (const [match, message] of named) {
    const text = `${match[2] ? `${match[2].replace("_", " ")}: ` : ""}${message}`;
    const earlier = refused.get(Number(match[1]));
    refused.set(Number(match[1]), { status: "failed", reason: "validation_error", message: earlier ? `${earlier.message}; ${text}` : text });
  }
  return refused;
}

function failureOf(reply) {
  const code = (reply.body && reply.body.error && reply.body.error.code) || "no_answer";
  return { status: "failed", reason: code, message: reply.status === 429 ? t("not sent: {reason}", { reason: messageOf(reply) }) : messageOf(reply) };
}

// (getRandomValues, not randomUUID: the latter exists only on https or localhost pages)
function newKey() {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}

function resultOf(result, reasons) {
  if (result.status === "invited") return { status: "invited", reason: "", message: "" };
  return { status: "skipped", reason: result.reason, message: reasons[result.reason] || result.reason };
}
