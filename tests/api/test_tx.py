"""The one conditional-write mechanism: labels name the condition that failed, whatever the order the writes
were added in (PynamoDB sends deletes, then puts, then updates)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError
from pynamodb.exceptions import CancellationReason, TransactWriteError

from chalicelib.errors import StillConflictingError
from chalicelib.store import keys
from chalicelib.store import tx as tx_module
from chalicelib.store.models import AccountItem, ContactEmailItem, RevokedTokenItem
from chalicelib.store.table import dynamodb_client
from chalicelib.store.tx import Outcome, Tx
from tests.helpers import PASSWORD, DynamoCalls, pending_acceptance
from tests.helpers.present import present
from tests.helpers.seed import seed_account, seed_user

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from tests.helpers import Api


def test_the_failed_condition_is_named_by_its_label_in_a_mixed_transaction(deps: Deps) -> None:
    account_id = seed_account(deps)
    taken = ContactEmailItem(*keys.contact_email(account_id, "a@x.com"), contact_id="con_1")
    assert Tx().put(taken).commit()
    tx = Tx()
    tx.update(AccountItem(*keys.account(account_id)), [AccountItem.name.set("New")], label="account")  # type: ignore[arg-type]  # a label of the test's own
    tx.put(
        ContactEmailItem(*keys.contact_email(account_id, "a@x.com"), contact_id="con_2"),
        condition=ContactEmailItem.pk.does_not_exist(),
        label="email_taken",
    )
    tx.delete(
        RevokedTokenItem(*keys.revoked_token("t1")), condition=RevokedTokenItem.pk.exists(), label="gone"
    )
    outcome = tx.commit()
    assert not outcome and outcome.failed == {"email_taken", "gone"}
    assert present(deps.store.accounts.get_account(account_id)).name == "Seeded Co"  # nothing committed


def test_a_lone_write_is_a_plain_conditional_write_with_the_same_outcome(deps: Deps) -> None:
    item = RevokedTokenItem(*keys.revoked_token("t2"))
    with DynamoCalls() as calls:
        assert Tx().put(item, condition=RevokedTokenItem.pk.does_not_exist()).commit() == Outcome()
        again = Tx().put(item, condition=RevokedTokenItem.pk.does_not_exist(), label="exists").commit()
    assert again.failed == {"exists"}
    assert calls.operations == ["PutItem", "PutItem"]


def test_moto_answers_a_repeated_token_as_dynamodb_does(deps: Deps) -> None:
    """scripts/moto_isolation.py: the same token and items are the committed success again (not applied
    twice); the same token with other items is DynamoDB's IdempotentParameterMismatchException."""
    client, table = dynamodb_client(), deps.settings.table_name
    count = {
        "Update": {
            "TableName": table,
            "Key": {"pk": {"S": "COUNTER"}, "sk": {"S": "COUNTER"}},
            "UpdateExpression": "ADD n :one",
            "ExpressionAttributeValues": {":one": {"N": "1"}},
        }
    }
    for _ in range(2):
        client.transact_write_items(TransactItems=[count], ClientRequestToken="token-1")
    stored = client.get_item(TableName=table, Key=count["Update"]["Key"], ConsistentRead=True)["Item"]
    assert stored["n"] == {"N": "1"}
    other = {"Update": {**count["Update"], "ExpressionAttributeValues": {":one": {"N": "5"}}}}
    with pytest.raises(ClientError) as raised:
        client.transact_write_items(TransactItems=[other], ClientRequestToken="token-1")
    assert raised.value.response["Error"]["Code"] == "IdempotentParameterMismatchException"
    client.transact_write_items(TransactItems=[count], ClientRequestToken="token-2")
    stored = client.get_item(TableName=table, Key=count["Update"]["Key"], ConsistentRead=True)["Item"]
    assert stored["n"] == {"N": "2"}


def test_accept_when_a_login_appeared_meanwhile_says_so(
    api: Api, deps: Deps, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The new user's login is written in the accepting transaction; a login created between the read and
    the write fails that condition, and the answer names it (it used to be blamed on the account's owner)."""
    _, _, body = pending_acceptance(api)
    read = deps.store.invitations.invitation_context

    def login_created_after_the_read(link: Any) -> Any:
        found = read(link)
        seed_user(deps, "ann@example.com", PASSWORD)
        return found

    monkeypatch.setattr(deps.store.invitations, "invitation_context", login_created_after_the_read)
    reply = api.post("/invitations/accept", body)
    assert (reply.status, reply.code) == (409, "login_exists") and "login for this email" in reply.body[
        "error"
    ]["message"]


def _cancelled_by(code: str) -> TransactWriteError:
    cause = ClientError(
        {"Error": {"Code": "TransactionCanceledException", "Message": code},
         "ResponseMetadata": {"HTTPStatusCode": 400}},
        "TransactWriteItems",
    )  # fmt: skip
    cause.cancellation_reasons = [CancellationReason(code=code), None]
    return TransactWriteError("cancelled", cause=cause)


def test_a_transaction_cancelled_only_by_a_conflict_is_sent_again(
    deps: Deps, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DynamoDB cancels a transaction that meets another on the same item (TransactionConflict, no condition
    failed): it is sent again under a new token, up to CONFLICT_TRIES times in all; then it raises
    StillConflictingError (409 with Retry-After), never an outcome that reads as a failed condition."""
    account_id = seed_account(deps)
    real_send, tokens = tx_module._send, []

    def conflicts_first(writes: Any, token: str) -> Any:
        tokens.append(token)
        if len(tokens) == 1:
            raise _cancelled_by("TransactionConflict")
        return real_send(writes, token)

    monkeypatch.setattr(tx_module, "_send", conflicts_first)
    tx = Tx().update(AccountItem(*keys.account(account_id)), [AccountItem.name.set("Renamed")])
    assert tx.record(RevokedTokenItem(*keys.revoked_token("t9"))).commit()
    assert len(tokens) == 2 and tokens[0] != tokens[1]
    assert present(deps.store.accounts.get_account(account_id)).name == "Renamed"

    def always_conflicts(writes: Any, token: str) -> None:
        raise _cancelled_by("TransactionConflict")

    monkeypatch.setattr(tx_module, "_send", always_conflicts)
    again = (
        Tx()
        .put(RevokedTokenItem(*keys.revoked_token("t10")))
        .check(AccountItem(*keys.account(account_id)), AccountItem.pk.exists())
    )
    with pytest.raises(StillConflictingError) as raised:
        again.commit()
    assert raised.value.code == "changed_meanwhile" and raised.value.retry_after == 1

    def condition_failed(writes: Any, token: str) -> None:
        tokens.append(token)
        raise _cancelled_by("ConditionalCheckFailed")

    tokens.clear()
    monkeypatch.setattr(tx_module, "_send", condition_failed)
    refused = (
        Tx()
        .put(RevokedTokenItem(*keys.revoked_token("t11")))
        .check(AccountItem(*keys.account(account_id)), AccountItem.pk.exists(), label="gone")
    )  # a check is sent first: the first reason is its
    assert refused.commit().failed == {"gone"} and len(tokens) == 1  # a failed condition is an answer
