"""Access patterns of revoked access tokens (logout): read back by `UserStore.auth_context`."""

from __future__ import annotations

from datetime import datetime

from chalicelib.store import keys
from chalicelib.store.models import RevokedTokenItem
from chalicelib.store.tx import Tx


class RevokedTokenStore:
    def revoke_token(self, token_id: str, expires_at: datetime) -> None:
        """Kept until the token would have expired anyway (the item's TTL)."""
        Tx().put(RevokedTokenItem(*keys.revoked_token(token_id), ttl=expires_at)).commit()
