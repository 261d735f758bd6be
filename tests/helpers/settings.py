"""The settings and secrets every test tier shares."""

from __future__ import annotations

PASSWORD = "correct horse battery"
OPERATOR_KEY = "operator-key-for-tests-0123456789abcdef"
SETTINGS_ENV = {
    "TABLE_NAME": "portal-access-test",
    "SENDER_EMAIL": "no-reply@portal.test-mail.com",
    "PORTAL_URL": "https://portal.example.com",
    "TOKEN_SECRET": "token-secret-for-tests-0123456789abcdef",
    "OPERATOR_API_KEY": OPERATOR_KEY,
}
