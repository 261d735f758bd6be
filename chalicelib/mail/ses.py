"""SESv2 SendEmail. botocore's standard retry mode backs off and retries throttling on its own."""

from __future__ import annotations

from typing import Any

from chalicelib.mail.mailer import MailDeliveryError, OutgoingEmail


class SesMailer:
    def __init__(self, sender: str, region: str, endpoint_url: str | None = None) -> None:
        self._sender = sender
        self._region = region
        self._endpoint_url = endpoint_url
        self._client: Any = None

    def client(self) -> Any:
        if self._client is None:
            import boto3  # first send only: most requests never email
            from botocore.config import Config

            config = Config(
                connect_timeout=2,
                read_timeout=5,
                retries={"mode": "standard", "max_attempts": 4},
                max_pool_connections=10,
            )
            self._client = boto3.client(
                "sesv2", region_name=self._region, endpoint_url=self._endpoint_url, config=config
            )
        return self._client

    def send(self, email: OutgoingEmail) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client().send_email(
                FromEmailAddress=self._sender,
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
