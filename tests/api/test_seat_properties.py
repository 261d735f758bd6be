"""Seats (API.md "Seats") under random sequences through the public API: invite, accept, revoke, expire (the
clock moved past every pending invitation's expiry, no purge), deactivate, reactivate, remove and limit
changes. After every step the account's `used` is what its lists show (active members + pending
invitations), and after every way in that succeeded, `used` is within the limit."""

from __future__ import annotations

from typing import Any, cast

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from tests.helpers import PASSWORD
from tests.helpers.world import World

ADDRESSES = [f"p{n}@seats.example.com" for n in range(6)]
MEMBER = "/accounts/{}/members/{}"


class SeatMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.world = World()
        self.api, self.clock = self.world.api, self.world.clock
        created = self.api.post(
            "/accounts", {"name": "Seats Co", "owner_email": "owner@seats.example.com"}, operator=True
        )
        self.account_id = created.body["account"]["account_id"]
        self.logins: set[str] = set()  # emails that have a login (accept with the password alone)
        self.limit: int | None = None
        self._accept("owner@seats.example.com")

    def teardown(self) -> None:
        self.world.stop()

    def _seats(self) -> dict[str, Any]:
        return cast(
            "dict[str, Any]", self.api.get(f"/accounts/{self.account_id}", operator=True).body["seats"]
        )

    def _list(self, path: str) -> list[dict[str, Any]]:
        reply = self.api.get(f"/accounts/{self.account_id}/{path}&limit=100", operator=True)
        assert reply.status == 200, reply.body
        return cast("list[dict[str, Any]]", reply.body["items"])

    def _accept(self, email: str) -> int:
        body = {"token": self.api.latest_link(email), "password": PASSWORD}
        if email not in self.logins:
            body |= {"first_name": "A", "last_name": "B"}
        reply = self.api.post("/invitations/accept", body)
        if reply.status == 201:
            self.logins.add(email)
        return reply.status

    def _within_limit(self) -> None:
        seats = self._seats()
        assert self.limit is None or seats["used"] <= self.limit, seats

    def _others(self, status: str) -> list[dict[str, Any]]:
        return [m for m in self._list(f"members?status={status}") if m["role"] != "owner"]

    @rule(picked=st.lists(st.sampled_from(ADDRESSES), min_size=1, max_size=3))
    def invite(self, picked: list[str]) -> None:
        body = {"emails": picked, "permissions": ["tickets"]}
        reply = self.api.post(f"/accounts/{self.account_id}/invitations", body, operator=True)
        assert reply.status == 200, reply.body
        if any(r["status"] == "invited" for r in reply.body["results"]):
            self._within_limit()

    @rule(data=st.data())
    def accept(self, data: st.DataObject) -> None:
        pending = self._list("invitations?status=pending")
        if pending:
            invitation = data.draw(st.sampled_from(pending))
            before = self._seats()["used"]
            assert self._accept(invitation["email"]) == 201  # never refused for seats
            assert self._seats()["used"] == before  # the invitation's seat became the member's

    @rule(data=st.data())
    def revoke(self, data: st.DataObject) -> None:
        found = self._list("invitations?status=pending") + self._list("invitations?status=expired")
        if found:
            invitation = data.draw(st.sampled_from(found))
            path = f"/accounts/{self.account_id}/invitations/{invitation['invitation_id']}"
            assert self.api.delete(path, operator=True).status == 204

    @rule()
    def expire(self) -> None:
        self.clock.advance(days=8)  # every pending invitation lapses; nothing is purged

    @rule(data=st.data(), status=st.sampled_from(["active", "deactivated"]))
    def deactivate_or_reactivate(self, data: st.DataObject, status: str) -> None:
        found = self._others(status)
        if not found:
            return
        member = data.draw(st.sampled_from(found))
        action = "deactivate" if status == "active" else "reactivate"
        reply = self.api.post(MEMBER.format(self.account_id, member["user_id"]) + f"/{action}", operator=True)
        if action == "reactivate" and reply.status == 409:
            assert reply.body["error"]["code"] == "seat_limit_reached"
            seats = self._seats()
            assert self.limit is not None and seats["used"] >= self.limit, seats  # refused only when full
            return
        assert reply.status == 200, reply.body
        if action == "reactivate":
            self._within_limit()

    @rule(data=st.data())
    def remove(self, data: st.DataObject) -> None:
        found = self._others("active") + self._others("deactivated")
        if found:
            member = data.draw(st.sampled_from(found))
            path = MEMBER.format(self.account_id, member["user_id"])
            assert self.api.delete(path, operator=True).status == 204

    @rule(limit=st.none() | st.integers(min_value=1, max_value=6))
    def set_limit(self, limit: int | None) -> None:
        reply = self.api.put(f"/accounts/{self.account_id}/seats", {"limit": limit}, operator=True)
        assert reply.status == 200, reply.body
        self.limit = limit

    @invariant()
    def used_is_what_the_lists_show(self) -> None:
        seats = self._seats()
        members = len(self._list("members?status=active"))
        pending = len(self._list("invitations?status=pending"))
        assert (seats["members"], seats["pending"], seats["used"]) == (members, pending, members + pending)
        assert seats["limit"] == self.limit


TestSeatsAreWhatTheListsShow = SeatMachine.TestCase
TestSeatsAreWhatTheListsShow.settings = settings(
    max_examples=8, stateful_step_count=12, deadline=None, suppress_health_check=list(HealthCheck)
)
