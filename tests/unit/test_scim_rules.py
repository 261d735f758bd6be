"""SCIM's pure rules (issue 31): the filter parser, the PATCH applier and how a body is read (booleans as
Entra sends them, lists as comma-separated strings)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain.scim_discovery import EXTENSION
from chalicelib.domain.scim_errors import ScimError
from chalicelib.domain.scim_filter import parse_filter
from chalicelib.domain.scim_patch import apply_patch
from chalicelib.domain.scim_users import as_bool, patched_wish, settled, wish

ALLOWED = ("userName", "externalId", "displayName")
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


@given(st.lists(st.tuples(st.sampled_from(ALLOWED), st.text(max_size=20)), min_size=1, max_size=4))
def test_any_eq_terms_joined_by_and_parse_back_to_their_values(terms: list[tuple[str, str]]) -> None:
    text = " and ".join(f"{name} eq {json.dumps(value)}" for name, value in terms)
    assert parse_filter(text, ALLOWED) == terms


@pytest.mark.parametrize(
    "text",
    [
        'userName co "a"',
        'userName eq "a" or userName eq "b"',
        'not (userName eq "a")',
        'title eq "x"',
        'userName eq "open',
        "userName eq",
        'userName eq "a" and ',
        'emails[type eq "work"]',
    ],
)
def test_anything_else_is_an_invalid_filter(text: str) -> None:
    with pytest.raises(ScimError) as refused:
        parse_filter(text, ALLOWED)
    assert (refused.value.status, refused.value.scim_type) == (400, "invalidFilter")


def test_attribute_names_and_and_are_case_insensitive() -> None:
    assert parse_filter('USERNAME eq "A" AND externalid eq "b"', ALLOWED) == [
        ("userName", "A"),
        ("externalId", "b"),
    ]


USER = {
    "userName": "d@acme.com",
    "active": True,
    "title": "Dev",
    "phoneNumbers": [{"value": "1", "type": "work"}],
    "members": [{"value": "u1"}, {"value": "u2"}, {"value": "u3"}],
    EXTENSION: {"role": "member", "permissions": ["tickets"]},
}


def patched(*operations: dict[str, Any]) -> dict[str, Any]:
    return apply_patch(USER, {"schemas": [PATCH], "Operations": list(operations)})


def test_entra_op_names_and_attribute_names_in_any_case() -> None:
    assert patched({"op": "Replace", "path": "ACTIVE", "value": "False"})["active"] == "False"
    assert as_bool("False", "active") is False and as_bool("TRUE", "active") is True
    assert wish(patched({"op": "Replace", "path": "active", "value": "False"})).active is False


def test_without_a_path_the_value_names_attributes_dotted_and_urn_keys_included() -> None:
    result = patched(
        {"op": "replace", "value": {"active": False, "name.givenName": "Dana", f"{EXTENSION}:role": "admin"}}
    )
    assert result["active"] is False and result["name"] == {"givenName": "Dana"}
    assert result[EXTENSION]["role"] == "admin"


def test_value_filters_on_multi_valued_attributes() -> None:
    removed = patched({"op": "remove", "path": 'members[value eq "u2"]'})
    assert removed["members"] == [{"value": "u1"}, {"value": "u3"}]
    listed = patched({"op": "Remove", "path": "members", "value": [{"value": "u1"}, {"value": "u3"}]})
    assert listed["members"] == [{"value": "u2"}]
    phone = patched({"op": "add", "path": 'phoneNumbers[type eq "mobile"].value', "value": "2"})
    assert phone["phoneNumbers"] == [{"value": "1", "type": "work"}, {"type": "mobile", "value": "2"}]
    replaced = patched({"op": "replace", "path": 'phoneNumbers[type eq "work"].value', "value": "9"})
    assert replaced["phoneNumbers"] == [{"value": "9", "type": "work"}]


def test_removing_a_multi_valued_attribute_leaves_it_empty_which_a_body_reads_as_said() -> None:
    # RFC 7644 §3.5.2.2: all its values are removed; unassigned is the empty list (RFC 7643 §2.5), so a
    # removed permissions list means none (a missing one would mean "not said": unchanged)
    removed = patched({"op": "remove", "path": f"{EXTENSION}:permissions"})
    assert removed[EXTENSION]["permissions"] == [] and wish(removed).permissions == []
    assert wish(patched({"op": "replace", "path": "active", "value": True})).permissions == ["tickets"]
    assert patched({"op": "remove", "path": "members"})["members"] == []
    assert patched({"op": "remove", "path": "title"}).get("title") is None


def test_add_to_a_list_adds_only_what_is_new_and_another_schemas_attribute_is_ignored() -> None:
    added = patched({"op": "add", "path": "members", "value": [{"value": "u3"}, {"value": "u4"}]})
    assert [m["value"] for m in added["members"]] == ["u1", "u2", "u3", "u4"]
    other = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"
    assert patched({"op": "add", "path": other, "value": "Dev"}) == USER


def test_the_resource_itself_is_not_changed_and_bad_bodies_are_refused() -> None:
    patched({"op": "remove", "path": "title"})
    assert USER["title"] == "Dev"
    for body in ({}, {"Operations": [{"op": "move", "path": "title"}]}, {"Operations": [{"op": "remove"}]}):
        with pytest.raises(ScimError) as refused:
            apply_patch(USER, body)
        assert refused.value.status == 400


def test_a_body_reads_comma_separated_lists_and_all_sub_accounts() -> None:
    read = wish(
        {
            "userName": "d@acme.com",
            EXTENSION: {
                "permissions": "tickets, invoices",
                "allSubAccounts": "false",
                "subAccounts": "s1,s2",
            },
        }
    )
    assert (read.permissions, read.sub_accounts) == (["tickets", "invoices"], ["s1", "s2"])
    assert wish({"userName": "d@acme.com", EXTENSION: {"allSubAccounts": True}}).sub_accounts is None
    assert wish({"userName": "d@acme.com"}).sub_accounts is False  # not said: kept


def test_the_extension_as_a_whole_path_sets_each_of_its_attributes() -> None:
    result = patched({"op": "replace", "path": EXTENSION, "value": {"schemas": [EXTENSION], "role": "admin"}})
    assert result[EXTENSION] == {"role": "admin", "permissions": ["tickets"]}
    assert EXTENSION not in patched({"op": "remove", "path": EXTENSION})


SHOWN: dict[str, Any] = {
    "userName": "d@acme.com",
    "active": True,
    "title": "Dev",
    EXTENSION: {"role": "member", "permissions": [], "allSubAccounts": False, "subAccounts": ["s1"]},
}


def settled_patch(*operations: dict[str, Any]) -> dict[str, Any]:
    body = {"schemas": [PATCH], "Operations": list(operations)}
    return settled(SHOWN, apply_patch(SHOWN, body), body)


@pytest.mark.parametrize(
    "operation",
    [
        {"op": "remove", "path": "active"},
        {"op": "Remove", "path": "userName"},
        {"op": "remove", "path": f"{EXTENSION}:allSubAccounts"},
        {"op": "remove", "path": EXTENSION},
        {"op": "replace", "path": "active", "value": None},
        {"op": "replace", "value": {f"{EXTENSION}:allSubAccounts": None}},
    ],
)
def test_a_required_attribute_cannot_be_left_unassigned(operation: dict[str, Any]) -> None:
    with pytest.raises(ScimError) as refused:
        settled_patch(operation)
    assert (refused.value.status, refused.value.scim_type) == (400, "mutability")


def test_optional_attributes_are_removed_and_a_list_alone_is_the_reach() -> None:
    assert "title" not in settled_patch({"op": "remove", "path": "title"})
    assert settled_patch({"op": "remove", "path": f"{EXTENSION}:subAccounts"})[EXTENSION]["subAccounts"] == []
    every = wish(settled_patch({"op": "replace", "path": f"{EXTENSION}:allSubAccounts", "value": "True"}))
    assert (every.sub_accounts, every.listed) == (None, ["s1"])  # every one; the list kept beside, unused
    listed = settled_patch({"op": "add", "path": f"{EXTENSION}:subAccounts", "value": ["s2"]})
    assert wish(listed).sub_accounts == ["s1", "s2"]
    both = wish(
        settled_patch(
            {"op": "replace", "path": f"{EXTENSION}:allSubAccounts", "value": True},
            {"op": "replace", "path": f"{EXTENSION}:subAccounts", "value": ["s2"]},
        )
    )
    assert (both.sub_accounts, both.listed) == (None, ["s2"])


def test_a_list_given_while_all_sub_accounts_stays_true_and_unsaid_is_the_reach() -> None:
    shown = {**SHOWN, EXTENSION: {**SHOWN[EXTENSION], "allSubAccounts": True, "subAccounts": []}}
    for value in (["s2"], "s2"):
        body = {"Operations": [{"op": "Replace", "path": f"{EXTENSION}:subAccounts", "value": value}]}
        assert wish(settled(shown, apply_patch(shown, body), body)).sub_accounts == ["s2"]
    said = {
        "Operations": [
            {"op": "replace", "path": EXTENSION, "value": {"allSubAccounts": True, "subAccounts": ["s2"]}}
        ]
    }
    assert wish(settled(shown, apply_patch(shown, said), said)).sub_accounts is None


def test_a_role_removed_is_unassigned_and_a_role_said_is_not() -> None:
    for operation in (
        {"op": "remove", "path": f"{EXTENSION}:role"},
        {"op": "Replace", "value": {f"{EXTENSION}:role": None}},
    ):
        body = {"Operations": [operation]}
        asked = patched_wish(SHOWN, apply_patch(SHOWN, body), body)
        assert (asked.role, asked.role_unset) == (None, True)
    body = {"Operations": [{"op": "replace", "path": f"{EXTENSION}:role", "value": "admin"}]}
    asked = patched_wish(SHOWN, apply_patch(SHOWN, body), body)
    assert (asked.role, asked.role_unset) == ("admin", False)
