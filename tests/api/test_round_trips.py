"""DynamoDB round trips of the routes whose budget is tight: authorization is one BatchGetItem that also
brings what the route reads first, so reading an account costs one call and accepting costs three."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.helpers import PASSWORD, DynamoCalls, invite, join, latest_link, onboard, pending_acceptance
from tests.helpers.mail import drain_outbox

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from chalicelib.mail.mailer import OutgoingEmail
    from tests.helpers import Api, Clock


def test_reading_an_account_is_the_authorization_read_alone(api: Api) -> None:
    account_id, owner = onboard(api)
    with DynamoCalls() as calls:
        reply = api.get(f"/accounts/{account_id}", token=owner.token)
    assert reply.status == 200 and reply.body["name"] == "Acme Hosting"
    assert calls.operations == ["BatchGetItem"]


def test_renaming_an_account_is_the_authorization_read_and_one_write(api: Api) -> None:
    account_id, owner = onboard(api)
    with DynamoCalls() as calls:
        reply = api.patch(f"/accounts/{account_id}", {"name": "Acme Cloud"}, token=owner.token)
    assert reply.body["name"] == "Acme Cloud"
    assert calls.operations == ["BatchGetItem", "TransactWriteItems"]  # the name and its audit event
    assert api.get("/me", token=owner.token).body["accounts"][0]["name"] == "Acme Cloud"


def test_accepting_with_a_bearer_token_reads_the_caller_with_the_link(api: Api) -> None:
    account_id, owner = onboard(api)
    _, designer = onboard(api, "Other", "designer@example.com")
    invite(api, account_id, owner.token, ["designer@example.com"])
    link = latest_link("designer@example.com")  # read first: reading the outbox runs its worker
    with DynamoCalls() as calls:
        reply = api.post("/invitations/accept", {"token": link}, token=designer.token)
    assert reply.status == 201 and reply.body["account_id"] == account_id
    assert calls.operations == ["BatchGetItem", "BatchGetItem", "TransactWriteItems"]


def test_accepting_as_a_new_user_is_one_read_one_lookup_one_transaction(api: Api) -> None:
    """The link's read is the write that counts a password check on it: whether the email has a login (and
    so whether a password will be checked) is known only from the second read."""
    _, _, body = pending_acceptance(api)
    with DynamoCalls() as calls:
        assert api.post("/invitations/accept", body).status == 201
    assert calls.operations == ["UpdateItem", "BatchGetItem", "TransactWriteItems"]


def test_a_revoked_bearer_token_is_refused_before_the_link_is_judged(api: Api) -> None:
    account_id, owner = onboard(api)
    _, designer = onboard(api, "Other", "designer@example.com")
    invite(api, account_id, owner.token, ["designer@example.com"])
    assert api.post("/auth/logout", token=designer.token).status == 204
    for token in (latest_link("designer@example.com"), "no-such-link-" + "x" * 30):
        reply = api.post("/invitations/accept", {"token": token}, token=designer.token)
        assert (reply.status, reply.code) == (401, "unauthenticated")


def test_accepting_as_an_existing_user_with_a_password_reads_each_item_once(api: Api) -> None:
    account_id, owner = onboard(api)
    onboard(api, "Other", "designer@example.com")
    invite(api, account_id, owner.token, ["designer@example.com"])
    body = {"token": latest_link("designer@example.com"), "password": PASSWORD}
    with DynamoCalls() as calls:
        reply = api.post("/invitations/accept", body)
    assert reply.status == 201 and reply.body["account_id"] == account_id
    assert calls.read_twice == []
    # The link read by the write that counts the password check on it, then the invitation with the login,
    # its failures and the user the link names, then the accepting transaction.
    assert calls.operations == ["UpdateItem", "BatchGetItem", "TransactWriteItems"]


def test_accepting_as_a_user_who_signed_up_after_the_invite_reads_the_user_once(api: Api) -> None:
    account_id, owner = onboard(api)
    invite(api, account_id, owner.token, ["designer@example.com"])
    link = latest_link("designer@example.com")
    onboard(api, "Other", "designer@example.com")  # the login exists only now: the link names no user
    with DynamoCalls() as calls:
        reply = api.post("/invitations/accept", {"token": link, "password": PASSWORD})
    assert reply.status == 201 and reply.body["account_id"] == account_id
    assert calls.read_twice == []
    assert calls.operations == ["UpdateItem", "BatchGetItem", "GetItem", "TransactWriteItems"]


def test_reading_oneself_as_a_member_is_the_authorization_read_alone(api: Api) -> None:
    account_id, owner = onboard(api)
    member = join(api, account_id, owner.token, "ann@example.com")
    with DynamoCalls() as calls:
        reply = api.get(f"/accounts/{account_id}/members/{member.user_id}", token=member.token)
    assert reply.status == 200 and reply.body["user_id"] == member.user_id
    assert calls.operations == ["BatchGetItem"]


def test_transferring_ownership_reads_only_the_target_after_authorizing(api: Api) -> None:
    account_id, owner = onboard(api)
    member = join(api, account_id, owner.token, "ann@example.com")
    with DynamoCalls() as calls:
        reply = api.post(f"/accounts/{account_id}/ownership", {"user_id": member.user_id}, token=owner.token)
    assert reply.status == 200 and reply.body["owner_user_id"] == member.user_id
    assert calls.read_twice == []
    assert calls.operations == ["BatchGetItem", "BatchGetItem", "TransactWriteItems"]


def test_transferring_ownership_as_the_operator_reads_each_item_once(api: Api) -> None:
    account_id, owner = onboard(api)
    member = join(api, account_id, owner.token, "ann@example.com")
    with DynamoCalls() as calls:
        reply = api.post(f"/accounts/{account_id}/ownership", {"user_id": member.user_id}, operator=True)
    assert reply.status == 200 and reply.body["owner_user_id"] == member.user_id
    assert calls.read_twice == []
    assert len(calls.operations) <= 3, calls.operations


def test_an_empty_profile_change_is_the_authorization_read_alone(api: Api) -> None:
    _, owner = onboard(api)
    with DynamoCalls() as calls:
        reply = api.patch("/me", {}, token=owner.token)
    assert reply.status == 200 and reply.body["user_id"] == owner.user_id
    assert calls.operations == ["BatchGetItem"]


def test_a_login_after_failures_is_no_longer_than_a_first_one(api: Api) -> None:
    _, owner = onboard(api)
    with DynamoCalls() as first:
        assert api.post("/auth/login", {"email": owner.email, "password": PASSWORD}).status == 200
    for _ in range(2):
        assert api.post("/auth/login", {"email": owner.email, "password": "wrong password"}).status == 401
    with DynamoCalls() as calls:
        reply = api.post("/auth/login", {"email": owner.email, "password": PASSWORD})
    assert reply.status == 200
    assert calls.read_twice == []
    assert calls.operations == first.operations == ["UpdateItem", "BatchGetItem", "TransactWriteItems"]


def test_login_reads_the_profile_memberships_and_account_names_in_one_batch(api: Api) -> None:
    account_id, owner = onboard(api)
    other_id, _ = onboard(api, "Other Co", "other@example.com")
    invite(api, other_id, _.token, [owner.email])
    assert (
        api.post("/invitations/accept", {"token": latest_link(owner.email), "password": PASSWORD}).status
        == 201
    )
    with DynamoCalls() as calls:
        reply = api.post("/auth/login", {"email": owner.email, "password": PASSWORD})
    assert [a["name"] for a in reply.body["accounts"]] == ["Acme Hosting", "Other Co"]
    # the check counted (it says where the email leads: the accept listed the account there too), the
    # login with profile + memberships + accounts, the login's write
    assert calls.operations == ["UpdateItem", "BatchGetItem", "TransactWriteItems"]
    assert calls.read_twice == []


def test_list_pages_read_what_they_show_at_three_hundred_members(api: Api, deps: Deps) -> None:
    """Issue 18, counts not times: with 300 members, 300 pending invitations and 120 contacts, a page of
    20 of each list costs at most 3 round trips and 2 x 20 + 5 items (authorization included), and the
    invoice recipients read at most 2 x (recipients) + 5 items; a sort by a name reads two ranges of
    keys (one per status), not the account."""
    from tests.helpers.bulk import seed

    account_id, token, counts = seed(deps, 299, 300, 120)
    base = f"/accounts/{account_id}"
    for path in (
        f"{base}/members?limit=20",
        f"{base}/members?sort=joined_at&order=desc&limit=20",
        f"{base}/members?sort=last_login_at&limit=20",
        f"{base}/members?status=deactivated&limit=20&order=desc",
        f"{base}/invitations?limit=20",
        f"{base}/contacts?limit=20",
    ):
        first = api.get(path, token=token).body
        assert first["next_cursor"], path
        with DynamoCalls() as calls:
            reply = api.get(f"{path}&cursor={first['next_cursor']}", token=token)
        # 29 deactivated members: their second page is 9
        assert reply.status == 200 and len(reply.body["items"]) == (9 if "deactivated" in path else 20), path
        assert len(calls.operations) <= 3 and "Scan" not in calls.operations, (path, calls.operations)
        assert calls.items <= 2 * 20 + 5, (path, calls.items)
    with DynamoCalls() as calls:
        found = api.get(f"{base}/notification-recipients?category=invoice", token=token).body
    assert len(found["cc"]) == counts["invoice"] == 24
    assert calls.items <= 2 * (len(found["cc"]) + 1) + 5
    with DynamoCalls() as calls:
        reply = api.get(f"{base}/members?sort=last_name&limit=20", token=token)
    assert len(reply.body["items"]) == 20
    # no sort reads the account any more (issue 26): the two status ranges of the last_name index, each
    # limit + 2 keys at most, then the page by key
    assert calls.operations == ["BatchGetItem", "Query", "Query", "BatchGetItem"]
    assert calls.items <= 2 * (20 + 2) + 20 + 5


class CountingMailer:
    """Counts the sends it is asked for: the emailing routes must ask for none (the outbox's worker sends)."""

    def __init__(self) -> None:
        self.asked = 0

    def send(self, email: OutgoingEmail) -> None:
        self.asked += 1


def test_inviting_one_email_is_the_authorization_read_with_its_claim_and_one_transaction(
    api: Api, deps: Deps
) -> None:
    account_id, owner = onboard(api)
    deps.mailer = mailer = CountingMailer()
    body = {"emails": ["ann@example.com"], "role": "member", "permissions": ["tickets"]}
    with DynamoCalls() as calls:
        reply = api.post(f"/accounts/{account_id}/invitations", body, token=owner.token)
    assert reply.status == 200 and reply.body["results"][0]["status"] == "invited"
    # the email's claim read ahead with the authorization (no login read: the email worker notes it);
    # the invitation, its link, claim, event and email (with the address's counts) in one transaction;
    # no write after it: the email leaves through the outbox
    assert calls.operations == ["BatchGetItem", "TransactWriteItems"]
    assert mailer.asked == 0
    assert drain_outbox(deps).sent == 1 and mailer.asked == 1


def test_a_bulk_invite_of_fifty_asks_the_mailer_for_nothing(api: Api, deps: Deps) -> None:
    """50 invitations are at least 350 items (each its invitation, link, claim, event, email and the
    address's two counts), so at least 4 transactions of 100; the 50 claims are read ahead with the
    authorization (6 + 50 keys, one BatchGetItem), and no login is read (the email worker notes it)."""
    account_id, owner = onboard(api)
    deps.mailer = mailer = CountingMailer()
    emails = [f"user{i}@bulk.example" for i in range(50)]
    with DynamoCalls() as calls:
        reply = api.post(f"/accounts/{account_id}/invitations", {"emails": emails}, token=owner.token)
    assert [r["status"] for r in reply.body["results"]] == ["invited"] * 50
    assert {r["invitation"]["delivery"] for r in reply.body["results"]} == {"queued"}
    assert mailer.asked == 0
    assert calls.operations == ["BatchGetItem"] + ["TransactWriteItems"] * 4
    assert calls.read_twice == []
    assert drain_outbox(deps).sent == 50 and mailer.asked == 50


def test_resending_is_the_authorization_read_the_invitation_and_one_transaction(
    api: Api, deps: Deps, clock: Clock
) -> None:
    account_id, owner = onboard(api)
    invitation = invite(api, account_id, owner.token, ["ann@example.com"])["results"][0]["invitation"]
    drain_outbox(deps)
    clock.advance(seconds=61)
    deps.mailer = mailer = CountingMailer()
    with DynamoCalls() as calls:
        reply = api.post(
            f"/accounts/{account_id}/invitations/{invitation['invitation_id']}/resend", token=owner.token
        )
    assert reply.status == 200 and reply.body["send_count"] == 2
    assert calls.operations == ["BatchGetItem", "GetItem", "TransactWriteItems"]
    assert mailer.asked == 0


def test_an_admins_password_reset_is_the_authorization_read_the_member_and_one_transaction(
    api: Api, deps: Deps
) -> None:
    account_id, owner = onboard(api)
    member = join(api, account_id, owner.token, "ann@example.com")
    deps.mailer = mailer = CountingMailer()
    with DynamoCalls() as calls:
        reply = api.post(f"/accounts/{account_id}/members/{member.user_id}/password-reset", token=owner.token)
    assert reply.status == 202
    assert calls.operations == ["BatchGetItem", "BatchGetItem", "TransactWriteItems"]
    assert mailer.asked == 0
    assert drain_outbox(deps).sent == 1 and mailer.asked == 1


def test_a_password_change_reads_the_login_with_the_caller(api: Api) -> None:
    """The token's email hint names the login, read with the caller (its failure window too): the read,
    the check counted before it is made, and the change's one transaction."""
    _, owner = onboard(api)
    change = {"current_password": PASSWORD, "new_password": "a brand new secret"}
    with DynamoCalls() as calls:
        reply = api.post("/me/password", change, token=owner.token)
    assert reply.status == 200
    assert calls.operations == ["BatchGetItem", "UpdateItem", "TransactWriteItems"]
    assert calls.read_twice == []
    login = api.post("/auth/login", {"email": owner.email, "password": "a brand new secret"})
    assert login.status == 200
