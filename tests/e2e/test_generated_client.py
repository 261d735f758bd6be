"""A client generated from /openapi.json by openapi-python-client, used as a consumer would use it, with no
hand fixes: a short story over real HTTP (invite, accept, list, update, deactivate) and its typed errors, and
examples/client_story.py, which uses nothing but that client, checked by mypy --strict and run."""

from __future__ import annotations

import importlib
import importlib.util
import os
import subprocess
import sys
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pytest

from tests.helpers import PASSWORD

if TYPE_CHECKING:
    from tests.e2e.conftest import Live

pytestmark = pytest.mark.e2e
PACKAGE = "portal_access_client"
STORY = Path(__file__).resolve().parents[2] / "examples" / "client_story.py"


@pytest.fixture(scope="module")
def generated(live: Live, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    where = tmp_path_factory.mktemp("client")
    spec = where / "openapi.json"
    with urllib.request.urlopen(f"{live.base_url}/openapi.json", timeout=10) as answer:
        spec.write_bytes(answer.read())
    tools = str(Path(sys.executable).parent)  # its post-hook formats with ruff, from the same virtualenv
    run = subprocess.run(
        [f"{tools}/openapi-python-client", "generate", "--path", str(spec), "--meta", "none",
         "--output-path", str(where / PACKAGE)],
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "PATH": f"{tools}:{os.environ['PATH']}"},
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Warning" not in run.stdout + run.stderr, run.stdout + run.stderr  # nothing skipped or guessed
    sys.path.insert(0, str(where))
    try:
        module = importlib.import_module(PACKAGE)
        module.generated_in = where  # type: ignore[attr-defined]
        yield module
    finally:
        sys.path.remove(str(where))
        for name in [name for name in sys.modules if name.startswith(PACKAGE)]:
            del sys.modules[name]


def part(name: str) -> ModuleType:
    return importlib.import_module(f"{PACKAGE}.{name}")


def test_a_generated_client_runs_the_user_management_story(live: Live, generated: ModuleType) -> None:
    client, models = part("client"), part("models")
    create_account = part("api.accounts.create_account")
    accept = part("api.invitations.accept_invitation")
    invite = part("api.invitations.invite")
    members = {
        name: part(f"api.members.{name}") for name in ("list_members", "update_member", "deactivate_member")
    }
    get_member = part("api.members.get_member")

    operator = client.AuthenticatedClient(
        base_url=live.base_url, token=live.operator_key, prefix="", auth_header_name="X-Operator-Key"
    )
    anonymous = client.Client(base_url=live.base_url)
    created = create_account.sync(
        client=operator, body=models.AccountCreateIn(name="Generated Co", owner_email="owner@gen.example.com")
    )
    assert isinstance(created, models.AccountCreated) and created.owner_invitation.role == models.Role.OWNER
    account_id = created.account.account_id

    def accept_as_new(email: str, first: str) -> Any:  # the generated client's AcceptOut
        body = models.AcceptIn(
            token=live.latest_link(email), password=PASSWORD, first_name=first, last_name="Generated"
        )
        accepted = accept.sync(client=anonymous, body=body)
        assert isinstance(accepted, models.AcceptOut), accepted
        return accepted

    owner_token = accept_as_new("owner@gen.example.com", "Olive").access_token
    owner = client.AuthenticatedClient(base_url=live.base_url, token=owner_token)

    results = invite.sync(
        account_id,
        client=owner,
        body=models.InviteIn(
            emails=["books@gen.example.com", "not-an-email"], permissions=[models.PermissionKey.INVOICES]
        ),
    )
    assert isinstance(results, models.InviteResults)
    assert [r.status for r in results.results] == [
        models.InviteResultStatus.INVITED,
        models.InviteResultStatus.SKIPPED,
    ]
    assert results.results[1].reason == models.SkipReason.INVALID_EMAIL
    books = accept_as_new("books@gen.example.com", "Bea")
    books_id = books.user.user_id
    assert books.membership.permissions == [models.PermissionKey.INVOICES]

    page = members["list_members"].sync(account_id, client=owner, sort=models.ListMembersSort.EMAIL)
    assert isinstance(page, models.MemberPage) and page.next_cursor is None
    assert [m.email for m in page.items] == ["books@gen.example.com", "owner@gen.example.com"]

    updated = members["update_member"].sync(
        account_id,
        books_id,
        client=owner,
        body=models.MemberUpdateIn(
            permissions=[models.PermissionKey.INVOICES, models.PermissionKey.QUOTES], title="Bookkeeper"
        ),
    )
    assert isinstance(updated, models.Member)
    assert updated.permissions == [models.PermissionKey.INVOICES, models.PermissionKey.QUOTES]
    assert updated.title == "Bookkeeper"

    off = members["deactivate_member"].sync(account_id, books_id, client=owner)
    assert isinstance(off, models.Member) and off.status == models.MemberStatus.DEACTIVATED

    # errors arrive typed too: the deactivated member no longer sees the account
    gone = get_member.sync_detailed(
        account_id,
        books_id,
        client=client.AuthenticatedClient(base_url=live.base_url, token=books.access_token),
    )
    assert gone.status_code == 404
    assert (
        isinstance(gone.parsed, models.ErrorBody) and gone.parsed.error.code == models.ErrorInfoCode.NOT_FOUND
    )


def test_the_story_script_uses_only_the_client_passes_mypy_strict_and_runs(
    live: Live, generated: ModuleType
) -> None:
    source = STORY.read_text()
    assert "type: ignore" not in source and "Any" not in source
    imported = {line.split()[1] for line in source.splitlines() if line.startswith(("import ", "from "))}
    assert imported - {"__future__", "os", "sys", "collections.abc"} <= {
        name for name in imported if name.startswith(PACKAGE)
    }, imported  # the standard library and the generated client, nothing of this project
    # the story against the client's types; the generator's own client.py is not ours to judge (its
    # __exit__(*args: object) fails this mypy's strict mode), hence --follow-imports=silent
    checked = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent", "--no-incremental",
         "--cache-dir", os.devnull, str(STORY)],
        capture_output=True, text=True, timeout=300,
        env={**os.environ, "MYPYPATH": str(generated.generated_in)}, cwd=generated.generated_in,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stdout + checked.stderr
    spec = importlib.util.spec_from_file_location("client_story", STORY)
    assert spec and spec.loader
    story = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(story)
    domain = f"story-{uuid.uuid4().hex[:8]}.example.com"
    listed = story.story(live.base_url, live.operator_key, live.latest_link, domain)
    assert listed == [f"admin@{domain}", f"books@{domain}", f"owner@{domain}"]
