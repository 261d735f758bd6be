"""A group manager can never raise anyone's access above their group's, whatever the order of invites,
moves, group changes and deactivations by whoever tries them. Hypothesis drives random sequences through the
public API; after every step the members of custom groups hold exactly their group's grant (never more),
and no manager changed anyone outside their group."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, rule

from chalicelib.domain.permissions import MEMBER_GRANTABLE
from tests.helpers import accept_new, onboard
from tests.helpers.present import present
from tests.helpers.world import World

if TYPE_CHECKING:
    from tests.helpers import Joined

KEYS = st.sets(st.sampled_from(MEMBER_GRANTABLE), max_size=4).map(sorted)
GROUPS = ("red", "blue")


class GroupMachine(RuleBasedStateMachine):
    people = Bundle("people")

    def __init__(self) -> None:
        super().__init__()
        self.world = World()
        self.api, self.clock = self.world.api, self.world.clock
        self.count = 0
        self.group_of: dict[str, str] = {}  # user id -> "red" | "blue" | "default", as the model expects
        self.managers: dict[str, str] = {}  # group name -> its manager's token

    def teardown(self) -> None:
        self.world.stop()

    @initialize()
    def an_account_with_two_groups_and_their_managers(self) -> None:
        self.account_id, owner = onboard(self.api)
        self.owner = owner.token
        self.base = f"/accounts/{self.account_id}"
        self.group_ids: dict[str, str] = {}
        for name, keys in zip(GROUPS, (["invoices"], ["tickets"]), strict=True):
            made = self.api.post(f"{self.base}/groups", {"name": name, "permissions": keys}, token=self.owner)
            self.group_ids[name] = made.body["group_id"]
            manager = self._join(self.owner, name, manager=True)
            self.managers[name] = present(manager).token

    def _join(self, token: str, group: str, manager: bool = False) -> Joined | None:
        self.count += 1
        email = f"p{self.count}@prop.example.com"
        body: dict[str, object] = {"emails": [email]}
        if group != "default":
            body |= {"group_id": self.group_ids[group], "group_manager": manager}
        reply = self.api.post(f"{self.base}/invitations", body, token=token)
        if reply.status != 200:
            return None
        joined = accept_new(self.api, email)
        self.group_of[joined.user_id] = group
        return joined

    @rule(target=people, group=st.sampled_from(GROUPS))
    def a_manager_invites_into_their_group(self, group: str) -> str:
        joined = self._join(self.managers[group], group)
        return present(joined).user_id

    @rule(target=people, group=st.sampled_from((*GROUPS, "default")))
    def the_owner_invites(self, group: str) -> str:
        return present(self._join(self.owner, group)).user_id

    @rule(person=people, group=st.sampled_from((*GROUPS, "default")))
    def the_owner_moves_someone(self, person: str, group: str) -> None:
        body = {"group_id": self.group_ids.get(group, "default")}
        reply = self.api.patch(f"{self.base}/members/{person}", body, token=self.owner)
        if reply.status == 200:
            self.group_of[person] = group

    @rule(group=st.sampled_from(GROUPS), keys=KEYS)
    def the_owner_changes_a_groups_grant(self, group: str, keys: list[str]) -> None:
        reply = self.api.patch(
            f"{self.base}/groups/{self.group_ids[group]}", {"permissions": keys}, token=self.owner
        )
        assert reply.status == 200

    @rule(group=st.sampled_from(GROUPS), person=people, keys=KEYS, role=st.sampled_from(("admin", "member")))
    def a_manager_tries_to_raise_someone(self, group: str, person: str, keys: list[str], role: str) -> None:
        token = self.managers[group]
        tries = [
            self.api.patch(f"{self.base}/members/{person}", {"permissions": keys}, token=token),
            self.api.patch(f"{self.base}/members/{person}", {"role": role}, token=token),
            self.api.patch(f"{self.base}/members/{person}", {"group_id": "default"}, token=token),
            self.api.patch(f"{self.base}/groups/{self.group_ids[group]}", {"permissions": keys}, token=token),
            self.api.post(
                f"{self.base}/invitations", {"emails": ["x@prop.example.com"], "role": role}, token=token
            ),
            self.api.post(
                f"{self.base}/invitations",
                {"emails": ["x@prop.example.com"], "permissions": keys},
                token=token,
            ),
        ]
        assert [t.status for t in tries] == [403] * len(tries)

    @rule(group=st.sampled_from(GROUPS), person=people, deactivate=st.booleans())
    def a_manager_deactivates_or_reactivates(self, group: str, person: str, deactivate: bool) -> None:
        action = "deactivate" if deactivate else "reactivate"
        reply = self.api.post(f"{self.base}/members/{person}/{action}", token=self.managers[group])
        if self.group_of.get(person) == group:
            assert reply.status == 200
        else:
            assert reply.status == 404  # outside their group: as if absent

    @invariant()
    def custom_group_members_hold_exactly_their_groups_grant(self) -> None:
        if not getattr(self, "group_ids", None):
            return
        groups = {
            g["group_id"]: g for g in self.api.get(f"{self.base}/groups", token=self.owner).body["items"]
        }
        members = self.api.get(f"{self.base}/members?limit=100", token=self.owner).body["items"]
        for member in members:
            if member["user_id"] not in self.group_of:
                continue  # the owner
            expected_group = self.group_of[member["user_id"]]
            assert member["group_id"] == self.group_ids.get(expected_group, "default")
            if expected_group != "default":
                granted = groups[member["group_id"]]["permissions"]
                assert member["role"] == "member" and member["permissions"] == granted


TestGroupManagersNeverRaiseAccess = GroupMachine.TestCase
TestGroupManagersNeverRaiseAccess.settings = settings(
    max_examples=15, stateful_step_count=10, deadline=None, suppress_health_check=list(HealthCheck)
)
