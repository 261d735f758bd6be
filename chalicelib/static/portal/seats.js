// The plan's seats where the Invite button is: "7 of 10 seats used (2 pending)" (nothing for an unlimited
// plan) and, when the plan is full, why inviting would invite nobody. The button stays focusable: it is
// described by that sentence (aria-describedby, aria-disabled) and says it again when pressed.

import { api } from "./session.js";
import { h, announce } from "./dom.js";
import { state } from "./frame.js";
import { t, tn, formatNumber } from "./i18n.js";

export const FULL = t("All seats of your plan are in use. Free one (revoke an invitation, deactivate or remove " +
  "a user) or ask your hosting provider for a larger plan.");

export function seatText(seats) {
  if (!seats || seats.limit === null) return "";
  const values = { limit: formatNumber(seats.limit), pending: formatNumber(seats.pending) };
  // English's noun follows the plan's size ("1 of 1 seat", "1 of 4 seats"), French's and Spanish's the seats
  // used ("1 place occupée sur 4", "2 places occupées sur 4"): two messages by size, each a plural of `used`
  if (seats.limit === 1) {
    return seats.pending ? tn("{count} of 1 seat used ({pending} pending)", "{count} of 1 seat used ({pending} pending)", seats.used, values)
      : tn("{count} of 1 seat used", "{count} of 1 seat used", seats.used, values);
  }
  return seats.pending ? tn("{count} of {limit} seats used ({pending} pending)", "{count} of {limit} seats used ({pending} pending)", seats.used, values)
    : tn("{count} of {limit} seats used", "{count} of {limit} seats used", seats.used, values);
}

export function isFull(seats) {
  return Boolean(seats) && seats.limit !== null && seats.used >= seats.limit;
}

export function inviteControl(openInvite) {
  const button = h("button", { type: "button", class: "primary", id: "invite-users",
    onclick: () => (isFull(state.seats) ? announce(FULL) : openInvite()) }, t("Invite users"));
  return h("div", { class: "invite-control" }, button,
    h("p", { class: "seats", id: "seat-line" }),
    h("p", { class: "seats-full", id: "seats-full", role: "status", hidden: true }, FULL));
}

export async function refreshSeats() {
  const reply = await api("GET", `/accounts/${state.account.account_id}`);
  if (reply.status !== 200) return;
  state.seats = reply.body.seats;
  drawSeats();
}

export function drawSeats() {
  const line = document.getElementById("seat-line");
  const full = document.getElementById("seats-full");
  const button = document.getElementById("invite-users");
  if (!line || !full || !button) return;
  line.textContent = seatText(state.seats);
  line.hidden = !line.textContent;
  const isfull = isFull(state.seats);
  full.hidden = !isfull;
  if (isfull) {
    button.setAttribute("aria-disabled", "true");
    button.setAttribute("aria-describedby", "seats-full");
  } else {
    button.removeAttribute("aria-disabled");
    button.removeAttribute("aria-describedby");
  }
}
