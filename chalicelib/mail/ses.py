"""SESv2 SendEmail. botocore's standard retry mode backs off and retries throttling on its own."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # what an email is loads with the first one sent: most requests, every read, send none
    from chalicelib.mail.mailer import OutgoingEmail


class SesMailer:
    def __init__(self, sender: str, region: str, endpoint_url: str | None, session: Any) -> None:
        """`session`: a botocore session, shared with the store so the process loads AWS metadata once."""
        self._sender = sender
        self._region = region
        self._endpoint_url = endpoint_url
        self._session = session
        self._client: Any = None
        self._lock = threading.Lock()  # a bulk invite's first sends run on several threads at once

    def client(self) -> Any:
        with self._lock:
            if self._client is None:
                from botocore.config import Config  # first send only: most requests never email

                config = Config(
                    connect_timeout=2,
                    read_timeout=5,
                    retries={"mode": "standard", "max_attempts": 4},
                    max_pool_connections=10,
                )
                self._client = self._session.create_client(
                    "sesv2", region_name=self._region, endpoint_url=self._endpoint_url, config=config
                )
            return self._client

    def from_address(self, email: OutgoingEmail) -> str:
        """The sender address with the brand's display name, quoted and RFC 2047-encoded as needed."""
        if not email.sender_name:
            return self._sender
        from email.utils import formataddr

        return formataddr((email.sender_name, self._sender))

    def send(self, email: OutgoingEmail) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        from chalicelib.mail.mailer import MailDeliveryError

        try:
            self.client().send_email(
                FromEmailAddress=self.from_address(email),
                Destination={"ToAddresses": [email.to]},
                Content={
                    "Simple": {
                        "Subject": {"Data": email.subject, "Charset": "UTF-8"},
                        "Body": {
                            "Text": {"Data": email.text, "Charset": "UTF-8"},
                            "Html": {"Data": email.html, "Charset": "UTF-8"},
                        },
                    }
                },
            )
        except (ClientError, BotoCoreError) as error:
            raise MailDeliveryError(str(error)) from error
