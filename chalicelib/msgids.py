"""Message ids: a message's English text, `$name` placeholders and all, marked where it is written and
translated where its reader's language is known (chalicelib/i18n, docs/languages.md).

Here, below every layer, so a rule, an error or a label can mark its words (`N_`, the keyword `pybabel
extract` looks for) and be handed the reader's words (`Words`) without knowing the catalogs: a rule stays
pure, and English, the source language, needs no catalog (`english`). A sentence whose words follow a
count is a `Plural` (`N_plural`, extracted as gettext's msgid/msgid_plural): each language's catalog holds
as many forms as its grammar has."""

from __future__ import annotations

from string import Template
from typing import NamedTuple, Protocol


def N_(msgid: str) -> str:  # noqa: N802 (gettext's own name for "mark now, translate later")
    return msgid


class Plural(NamedTuple):
    """A count-dependent message: its English singular and plural, `$count` the count in both."""

    singular: str
    plural: str


def N_plural(singular: str, plural: str) -> Plural:  # noqa: N802 (N_'s sibling: `pybabel extract` finds it)
    return Plural(singular, plural)


class Words(Protocol):
    """A message id in the reader's language, its `$name`s filled from `values`."""

    def __call__(self, msgid: str, /, **values: str) -> str: ...


def english(msgid: str, /, **values: str) -> str:
    return Template(msgid).substitute(values) if values else msgid
