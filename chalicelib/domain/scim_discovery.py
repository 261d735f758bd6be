"""What the SCIM endpoint says about itself (RFC 7643 §5-7): ServiceProviderConfig, ResourceTypes and
Schemas, as plain JSON built from one description of each attribute, so what is published is what the
server does (userName and emails are immutable: they are the login's email). `active` and the extension's
`allSubAccounts` are required, the extension too: every User has them (a create that leaves them out gets
the defaults API.md names), so no PATCH can leave one unassigned (400 mutability, RFC 7644 §3.5.2.2).
`role` has a value on every User too, and its remove is refused the same way, but it is not marked
required: a client that sends every required attribute would then have to pick a role, and a random
pick makes admins, whom custom groups cannot hold. What the directory grants (`permissions`,
`subAccounts`) is kept as said, and `role` and `allSubAccounts` say what it amounts to: an admin holds
every permission and sub-account (API.md), allSubAccounts true reaches every sub-account."""

from __future__ import annotations

from typing import Any, Final

from chalicelib.domain.permissions import MEMBER_GRANTABLE

USER_SCHEMA: Final = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA: Final = "urn:ietf:params:scim:schemas:core:2.0:Group"
EXTENSION: Final = "urn:ietf:params:scim:schemas:extension:portal-access:2.0:User"
LIST_SCHEMA: Final = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
PATCH_SCHEMA: Final = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
CONFIG_SCHEMA: Final = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
TYPE_SCHEMA: Final = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"
SCHEMA_SCHEMA: Final = "urn:ietf:params:scim:schemas:core:2.0:Schema"
MAX_RESULTS: Final = 100


def _attribute(name: str, kind: str = "string", **spec: Any) -> dict[str, Any]:
    found: dict[str, Any] = {
        "name": name,
        "type": kind,
        "multiValued": spec.pop("multi", False),
        "description": spec.pop("description", name),
        "required": spec.pop("required", False),
        "caseExact": spec.pop("case_exact", False),
        "mutability": spec.pop("mutability", "readWrite"),
        "returned": spec.pop("returned", "default"),
        "uniqueness": spec.pop("uniqueness", "none"),
    }
    if "sub" in spec:
        found["subAttributes"] = spec.pop("sub")
    if "canonical" in spec:
        found["canonicalValues"] = spec.pop("canonical")
    if "refs" in spec:
        found["referenceTypes"] = spec.pop("refs")
    return found


USER_ATTRIBUTES: Final = [
    _attribute(
        "userName", required=True, mutability="immutable", uniqueness="server",
        description="The login's email; the same value in any case is accepted.",
    ),
    _attribute("name", "complex", sub=[
        _attribute("formatted", mutability="readOnly"), _attribute("givenName"), _attribute("familyName"),
    ], description="Written only for a login SCIM created that has never signed in."),
    _attribute("displayName", mutability="readOnly"),
    _attribute("title", description="The member's title at this account."),
    _attribute(
        "active", "boolean", required=True,
        description="Always set (a create without it: true); false deactivates at this account.",
    ),
    _attribute("emails", "complex", multi=True, mutability="readOnly", sub=[
        _attribute("value", mutability="readOnly"), _attribute("type", mutability="readOnly"),
        _attribute("primary", "boolean", mutability="readOnly"),
    ], description="The login's email (userName); another value is refused (400 mutability)."),
    _attribute("phoneNumbers", "complex", multi=True, sub=[
        _attribute("value"), _attribute("type", canonical=["work", "mobile"]),
    ], description="work: the office phone at this account; mobile: the cell phone."),
    _attribute("groups", "complex", multi=True, mutability="readOnly", sub=[
        _attribute("value", mutability="readOnly"), _attribute("display", mutability="readOnly"),
    ]),
]  # fmt: skip


def _extension_attributes(sub_accounts: list[str]) -> list[dict[str, Any]]:
    """`sub_accounts`: the account's sub-account ids, the only values subAccounts takes."""
    return [
        _attribute(
            "role",
            canonical=["member", "admin"],
            description="member by default; owner shows on the owner, read-only; a remove is refused.",
        ),
        _attribute(
            "permissions",
            multi=True,
            canonical=list(MEMBER_GRANTABLE),
            description="Granted as a member: an admin holds every one (these are theirs as a member again).",
        ),
        _attribute(
            "allSubAccounts",
            "boolean",
            required=True,
            description="Always set (a create without it: true); true: every sub-account, whatever's listed.",
        ),
        _attribute("subAccounts", multi=True, canonical=sorted(sub_accounts)),
    ]


GROUP_ATTRIBUTES: Final = [
    _attribute("displayName", required=True, uniqueness="server"),
    _attribute("members", "complex", multi=True, sub=[
        _attribute("value", mutability="immutable"),
        _attribute("type", mutability="immutable", canonical=["User"]),
        _attribute("$ref", "reference", mutability="immutable", refs=["User"]),
    ]),
]  # fmt: skip
_SCHEMAS: Final = [
    (USER_SCHEMA, "User", "A member of the account"),
    (EXTENSION, "PortalAccessUser", "The member's access at the account"),
    (GROUP_SCHEMA, "Group", "A custom user group of the account"),
]


def service_provider_config(base: str) -> dict[str, Any]:
    return {
        "schemas": [CONFIG_SCHEMA],
        "documentationUri": None,
        "patch": {"supported": True},
        "bulk": {"supported": False, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": True, "maxResults": MAX_RESULTS},
        "changePassword": {"supported": False},
        "sort": {"supported": False},
        "etag": {"supported": True},
        "authenticationSchemes": [
            {
                "type": "oauthbearertoken",
                "name": "SCIM token",
                "description": "A SCIM token of this account (Provisioning page), as a Bearer token.",
                "primary": True,
            }
        ],
        "meta": {"resourceType": "ServiceProviderConfig", "location": f"{base}/ServiceProviderConfig"},
    }


def resource_types(base: str) -> list[dict[str, Any]]:
    user = {
        "schemas": [TYPE_SCHEMA], "id": "User", "name": "User", "endpoint": "/Users",
        "description": "The account's members", "schema": USER_SCHEMA,
        "schemaExtensions": [{"schema": EXTENSION, "required": True}],
        "meta": {"resourceType": "ResourceType", "location": f"{base}/ResourceTypes/User"},
    }  # fmt: skip
    group = {
        "schemas": [TYPE_SCHEMA], "id": "Group", "name": "Group", "endpoint": "/Groups",
        "description": "The account's custom user groups", "schema": GROUP_SCHEMA, "schemaExtensions": [],
        "meta": {"resourceType": "ResourceType", "location": f"{base}/ResourceTypes/Group"},
    }  # fmt: skip
    return [user, group]


def schemas(base: str, sub_accounts: list[str]) -> list[dict[str, Any]]:
    attributes = {USER_SCHEMA: USER_ATTRIBUTES, EXTENSION: _extension_attributes(sub_accounts)}
    return [
        {
            "schemas": [SCHEMA_SCHEMA],
            "id": urn,
            "name": name,
            "description": description,
            "attributes": attributes.get(urn, GROUP_ATTRIBUTES),
            "meta": {"resourceType": "Schema", "location": f"{base}/Schemas/{urn}"},
        }
        for urn, name, description in _SCHEMAS
    ]


def list_response(resources: list[dict[str, Any]], total: int, start: int = 1) -> dict[str, Any]:
    return {
        "schemas": [LIST_SCHEMA],
        "totalResults": total,
        "startIndex": start,
        "itemsPerPage": len(resources),
        "Resources": resources,
    }


def projected(found: dict[str, Any], query: dict[str, str]) -> dict[str, Any]:
    """`attributes` keeps only those named (with id and schemas, always returned); `excludedAttributes`
    drops those named (Entra sends excludedAttributes=members)."""
    named = {name.strip().lower() for name in query.get("attributes", "").split(",") if name.strip()}
    dropped = {
        name.strip().lower() for name in query.get("excludedAttributes", "").split(",") if name.strip()
    }
    always = {"id", "schemas"}
    return {
        key: value
        for key, value in found.items()
        if key in always or ((not named or key.lower() in named) and key.lower() not in dropped)
    }


def _top(name: str) -> str:
    """The top-level attribute a name in attributes/excludedAttributes names (a sub-attribute's parent;
    an extension's attribute: the extension), lower-cased."""
    name = name.strip()
    if name.lower().startswith(EXTENSION.lower()):
        return EXTENSION.lower()
    for core in (USER_SCHEMA, GROUP_SCHEMA):
        if name.lower().startswith(core.lower() + ":"):
            name = name[len(core) + 1 :]
    return name.split(".", 1)[0].lower()


def search_query(body: Any) -> dict[str, str]:
    """A POST .search request (RFC 7644 §3.4.3) as the query string a GET of the list takes."""
    if not isinstance(body, dict):
        return {}
    found: dict[str, str] = {}
    for name in ("filter", "startIndex", "count"):
        if body.get(name) is not None:
            found[name] = str(body[name])
    for name in ("attributes", "excludedAttributes"):
        value = body.get(name)
        if isinstance(value, list):
            found[name] = ",".join(str(item) for item in value)
        elif isinstance(value, str):
            found[name] = value
    return found
