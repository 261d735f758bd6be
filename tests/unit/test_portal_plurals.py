"""The pages' plural forms (chalicelib/static/portal/i18n.js's `tn`), run in node with the catalog the server
serves (api/portal.py): the form a count takes is the language's, by Intl.PluralRules, so French says
"0 place occupée", German "0 Plätze"; a number is in the page's format; a message without a translation
follows English's rule."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from chalicelib.api.portal import _catalog_json

I18N_JS = Path(__file__).resolve().parents[2] / "chalicelib" / "static" / "portal" / "i18n.js"
NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")
SEATS = ("{count} of {limit} seats used", "{count} of {limit} seats used")
SEND = ("Send {count} invitation", "Send {count} invitations")


def tn(locale: str, message: tuple[str, str], counts: list[int], **values: str) -> list[str]:
    """`tn(singular, plural, count, values)` for each count, in a page whose catalog is `locale`'s."""
    catalog = json.loads(_catalog_json(locale)[0]) if locale != "en" else {}
    script = (
        f"globalThis.fetch = async () => ({{ ok: true, json: async () => ({json.dumps(catalog)}) }});\n"
        f"const i18n = await import({json.dumps(I18N_JS.as_uri())});\n"
        f"if (!(await i18n.useLocale({json.dumps(locale)}))) throw new Error('no catalog');\n"
        f"const [singular, plural] = {json.dumps(message)};\n"
        f"const values = {json.dumps(values)};\n"
        f"const said = {json.dumps(counts)}.map((n) => i18n.tn(singular, plural, n, values));\n"
        "process.stdout.write(JSON.stringify(said));\n"
    )
    done = subprocess.run(
        [NODE or "node", "--input-type=module", "-e", script], capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0, done.stderr
    answer: Any = json.loads(done.stdout)
    return list(answer)


def test_french_treats_zero_and_one_as_singular() -> None:
    assert tn("fr", SEATS, [0, 1, 2, 4], limit="4") == [
        "0 place occupée sur 4",
        "1 place occupée sur 4",
        "2 places occupées sur 4",
        "4 places occupées sur 4",
    ]
    assert tn("fr", SEND, [1, 2]) == ["Envoyer 1 invitation", "Envoyer 2 invitations"]


def test_german_has_one_singular_and_its_plural_for_zero() -> None:
    assert tn("de", SEND, [1, 2, 0]) == ["1 Einladung senden", "2 Einladungen senden", "0 Einladungen senden"]


def test_a_large_count_is_the_plural_in_the_pages_number_format() -> None:
    # CLDR gives French a third category, "many", for a million: the catalog's second form
    million = "Envoyer 1\u202f000\u202f000 invitations"
    assert tn("fr", SEND, [1000, 1000000]) == ["Envoyer 1\u202f000 invitations", million]
    assert tn("de", SEND, [1000]) == ["1.000 Einladungen senden"]


def test_english_and_an_untranslated_message_follow_englishs_rule() -> None:
    assert tn("en", SEND, [0, 1, 2]) == ["Send 0 invitations", "Send 1 invitation", "Send 2 invitations"]
    unknown = ("{count} new thing", "{count} new things")  # in no catalog: English, by English's rule
    assert tn("fr", unknown, [0, 1]) == ["0 new things", "1 new thing"]
