"""The sentences of each email, one table per email: the template files (templates/) keep the layout and
name each sentence by a `$placeholder`; its words are here, marked for `pybabel extract` and translated
into the reader's language when the email is rendered (mail/templates.py).

A sentence holds the email's values as `$name`s. In the HTML part the values in STRONG are shown bold
inside a sentence; `subject` and `heading` (the subject line, the HTML title and its first heading) show
every value plain. Keys starting with `label_` are the labels of the text part's table, padded there to
one column. VALUE_MSGIDS: the values a service stores as a msgid (a notice is rendered by the outbox
worker, later), translated at rendering like the sentences. A sentence whose words follow a count is a
`N_plural(singular, plural)`: the email's `$count` value (a whole number) picks its form in the reader's
language."""

from __future__ import annotations

from typing import Final

from chalicelib.msgids import N_, N_plural, Plural

STRONG: Final = frozenset({"account_name", "email", "member", "expires_words", "failing_since_words", "url"})
PLAIN: Final = frozenset({"subject", "heading"})
VALUE_MSGIDS: Final = frozenset({"portal_name", "change", "outcome", "next"})
_HELLO = N_("Hello,")
_BUTTON_FALLBACK = N_("If the button does not work, open this link:")
_ACCEPT = N_("Accept the invitation")
_ONE_LOGIN = N_("If you already have a login, accept with it: one login can belong to several accounts.")

TEXTS: Final[dict[str, dict[str, str | Plural]]] = {
    "invitation": {
        "hello": _HELLO,
        "intro": N_("You are invited to help manage $account_name as $role_label."),
        "intro_text": N_("$headline, as $role_label."),
        "label_account": N_("Account"),
        "label_invited_by": N_("Invited by"),
        "label_role": N_("Your role"),
        "label_modules": N_("Modules"),
        "label_sub_accounts": N_("Sub-accounts"),
        "label_valid_until": N_("Valid until"),
        "button": _ACCEPT,
        "fallback": _BUTTON_FALLBACK,
        "open_link": N_("Accept the invitation by opening this link:"),
        "one_login": _ONE_LOGIN,
        "unexpected": N_(
            "If you did not expect this invitation, ignore this email; nothing happens until the link"
            " is used."
        ),
    },
    "invitation_reminder": {
        "hello": _HELLO,
        "intro": N_("Your invitation to help manage $account_name can be accepted until $expires_words."),
        "intro_text": N_("$headline: it can be accepted until $expires_words."),
        "label_account": N_("Account"),
        "label_valid_until": N_("Valid until"),
        "button": _ACCEPT,
        "fallback": _BUTTON_FALLBACK,
        "open_link": N_("Accept the invitation by opening this link:"),
        "first_link": N_("The link in the first email works too, until the invitation ends."),
        "one_login": _ONE_LOGIN,
        "unwanted": N_(
            "If you do not want to join, ignore this email; nothing happens until a link is used,"
            " and this is the only reminder."
        ),
    },
    "password_reset": {
        "subject": N_("Reset your $portal_name password"),
        "heading": N_("Reset your password"),
        "hello": _HELLO,
        "asked": N_("$asked_by asked to reset the password of the $portal_name login for $email."),
        "works_once": N_("The link works once, until $expires_words."),
        "open_link": N_("Choose a new password by opening this link (it works once, until $expires_words):"),
        "button": N_("Choose a new password"),
        "fallback": _BUTTON_FALLBACK,
    },
    "factor_changed": {
        "subject": N_("$change on your $portal_name"),
        "hello": _HELLO,
        "what": N_("$change for $email on your $portal_name."),
        "if_not_you": N_(
            "If this was you, there is nothing to do. If it was not, reset your password at once and"
            " contact your hosting provider: someone may be signed in as you."
        ),
    },
    "join_request_decided": {
        "subject": N_("Your request to join $account_name was $outcome"),
        "heading": N_("Your request to join $account_name"),
        "hello": _HELLO,
        "what": N_("Your request to join $account_name on your $portal_name was $outcome."),
    },
    "join_requests_digest": {
        "subject": N_plural(
            "$count new request to join $account_name", "$count new requests to join $account_name"
        ),
        "heading": N_("New requests to join $account_name"),
        "hello": _HELLO,
        "what": N_plural(
            "$count new request to join $account_name on your $portal_name waits for a decision:",
            "$count new requests to join $account_name on your $portal_name wait for a decision:",
        ),
        "decide": N_("Approve or deny them on the Join requests page:"),
    },
    "support_session": {
        "subject": N_("Support signed in to $account_name on your $portal_name"),
        "heading": N_("Support signed in to $account_name"),
        "hello": _HELLO,
        "what": N_(
            "Support staff signed in to $account_name on your $portal_name as $member, until $expires_words."
        ),
        "reason_label": N_("The reason they gave:"),
        "recorded": N_(
            "Everything they change is recorded in the account's audit log under this support session"
            " ($session_id)."
        ),
        "unexpected": N_("If you did not expect this, contact your hosting provider."),
    },
    "webhook_disabled": {
        "subject": N_("A webhook of $account_name was turned off"),
        "heading": N_("A webhook was turned off"),
        "hello": _HELLO,
        "what": N_(
            "The webhook endpoint $url of $account_name has failed every delivery since"
            " $failing_since_words, so it has been turned off: no more events are sent to it."
        ),
        "turn_on": N_(
            "When the receiver works again, turn the webhook back on in the portal's Webhooks page; the"
            " deliveries it missed are listed with it and can be retried one by one."
        ),
        "turn_on_text": N_(
            "When the receiver works again, turn the webhook back on (in the portal's Webhooks page, or"
            ' PATCH it with "enabled": true); the deliveries it missed are listed with it and can be'
            " retried one by one."
        ),
    },
}

# What services store as a value for the worker to render later, here so extraction finds them.
VALUE_TEXTS: Final = (
    N_("client portal"),
    N_("approved"),
    N_("denied"),
)
