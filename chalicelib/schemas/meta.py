"""Service endpoints: health and the permission catalog."""

from __future__ import annotations

from typing import Literal

from chalicelib.domain.permissions import Role
from chalicelib.schemas.common import Output, PermissionKey


class Health(Output):
    status: Literal["ok"]


class PermissionInfo(Output):
    key: PermissionKey
    label: str
    admin_only: bool


class PermissionCatalog(Output):
    permissions: list[PermissionInfo]
    roles: list[Role]
