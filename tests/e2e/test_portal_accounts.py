"""A login in more accounts than a page (issue 26): Choose account lists the first 50 by name and "More
accounts" pages on (GET /me/accounts), so a user in 60 accounts can pick the 60th, and the portal then
opens it although GET /me lists it on no first page."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from tests.e2e.test_portal_pages import axe_check, owned_account, sign_in_page

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.e2e.conftest import Live

pytestmark = pytest.mark.e2e
TABLE = "portal-access-local"  # scripts/local_run.py's table


def _join_more(live: Live, token: str, count: int) -> list[str]:
    """`count` more accounts the signed-in user is a member of, written straight into the server's moto
    through the store's item builders (as bench/scale26.py seeds): each through the API would email the
    same address once an account, past its hourly limit. Answers their names in order."""
    import boto3

    from chalicelib.ids import new_id
    from chalicelib.store import keys
    from chalicelib.store.accounts import new_account_item
    from chalicelib.store.invitations import claim_item
    from chalicelib.store.members import new_membership_item
    from chalicelib.store.models import UserItem

    me = live.get("/me", token=token).body["user"]
    created = datetime.fromisoformat(me["created_at"].replace("Z", "+00:00"))
    user = UserItem(*keys.user(me["user_id"]), user_id=me["user_id"], email=me["email"],
                    first_name=me["first_name"], last_name=me["last_name"], created_at=created)  # fmt: skip
    client = boto3.client("dynamodb", endpoint_url=live.moto, region_name="us-east-1",
                          aws_access_key_id="local", aws_secret_access_key="local")  # fmt: skip
    now, names, ids = datetime.now(UTC), [], []
    for n in range(count):
        account = new_account_item(new_id("acc"), f"Agency {n:02d}", now)
        account.member_count = 1
        membership = new_membership_item(account.account_id, user.user_id, "member", ["tickets"], now,
                                         user=user, account_name=account.name)  # fmt: skip
        claim = claim_item(account.account_id, user.email, "member", user.user_id, None)
        for item in (account, membership, claim):
            client.put_item(TableName=TABLE, Item=item.serialize())
        names.append(account.name)
        ids.append(account.account_id)
    pk, sk = keys.login(user.email)
    client.update_item(TableName=TABLE, Key={"pk": {"S": pk}, "sk": {"S": sk}},
                       UpdateExpression="ADD account_ids :ids",
                       ExpressionAttributeValues={":ids": {"SS": ids}})  # fmt: skip
    return names


def test_a_user_in_60_accounts_pages_the_chooser_to_the_60th(live: Live, page: Page) -> None:
    _, owner, token = owned_account(live, "Aardvark Hosting")  # first by name
    names = _join_more(live, token, 59)
    last = names[-1]  # the 60th by name: "Agency 58"
    sign_in_page(page, live, owner)
    expect(page.get_by_role("heading", name="Choose account")).to_be_visible()
    choices = page.locator(".account-list > li")
    expect(choices).to_have_count(50)
    expect(page.get_by_role("button", name=re.compile(last))).to_have_count(0)
    more = page.get_by_role("button", name="More accounts")
    more.focus()
    page.keyboard.press("Enter")  # by keyboard alone
    expect(choices).to_have_count(60)
    expect(page.get_by_role("button", name=re.compile(names[49]))).to_be_focused()  # the first one added
    expect(more).to_be_hidden()  # that was all of them
    checked: list[str] = []
    axe_check(page, checked)("choose account, every page loaded")
    assert checked
    listed = [text.split("\n")[0].strip() for text in choices.all_inner_texts()]
    assert listed == ["Aardvark Hosting", *names]
    page.get_by_role("button", name=re.compile(last)).click()
    # opened though GET /me lists it on no first page; the portal's opening is five requests in three
    # steps, which a machine under load (the suite on two workers) can take past the default 5 s for
    head = page.locator(".page-head")
    expect(head).to_contain_text(last, timeout=20_000)
    switch = page.get_by_label("Account")
    expect(switch).to_have_value(re.compile("^acc_"))
    assert switch.locator("option:checked").inner_text() == last
    switch.select_option(label="More accounts…")
    expect(page.get_by_role("heading", name="Choose account")).to_be_visible()
    expect(page.get_by_role("button", name="More accounts")).to_be_visible()
