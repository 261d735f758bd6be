"""The user id the email worker notes on an invitation link is a hint only. A wrong or stale one (another
user's, as after the email's login changed hands) never decides who accepts: the login of the invitation's
email, read with it, does."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.security.links import hash_link_token
from chalicelib.store import keys
from chalicelib.store.models import LinkItem
from chalicelib.store.tx import Tx
from tests.helpers import PASSWORD, latest_link, onboard
from tests.helpers.present import present

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from tests.helpers import Api


def test_a_wrong_user_on_the_link_is_not_who_accepts(api: Api, deps: Deps) -> None:
    account_id, owner = onboard(api)
    _, designer = onboard(api, "Other", "designer@example.com")
    reply = api.post(
        f"/accounts/{account_id}/invitations", {"emails": ["designer@example.com"]}, token=owner.token
    )
    assert reply.status == 200, reply.body
    token = latest_link("designer@example.com")
    token_hash = hash_link_token(token)
    assert present(deps.store.links.get_link(token_hash)).user_id == designer.user_id
    # the link now names someone else (a stale hint, or a wrong one)
    Tx().update(LinkItem(*keys.link(token_hash)), [LinkItem.user_id.set(owner.user_id)]).commit()
    accepted = api.post("/invitations/accept", {"token": token, "password": PASSWORD})
    assert accepted.status == 201, accepted.body
    assert accepted.body["user"]["user_id"] == designer.user_id
    assert accepted.body["membership"]["user_id"] == designer.user_id
