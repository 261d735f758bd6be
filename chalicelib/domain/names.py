"""What a name shown to others may hold (issue 25, item 7): no character a reader cannot see, and at least one
they can. Invisible and filler characters (U+200B, U+00AD, U+FEFF, the Hangul fillers) made an invitation's
subject read "ᅠ ᅠ invited you to ..." and let two names that look the same differ."""

from __future__ import annotations

import re
import unicodedata

# Unicode's Default_Ignorable_Code_Point set (DerivedCoreProperties.txt), the Hangul fillers among them, and
# the blank-looking fillers outside it (the Braille blank, the Hangul choseong/jungseong fillers).
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f"
    "\u2800\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0000-\U000e0fff]"
)

# The same characters' ranges below U+10000, for the schemas' patterns (schemas/common.py).
INVISIBLE_BMP = (
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160), (0x17B4, 0x17B5),
    (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F), (0x2800, 0x2800),
    (0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8),
)  # fmt: skip


def name_problem(name: str) -> str | None:
    """Why a person's, account's, group's or sub-account's name is refused, or None."""
    if _INVISIBLE.search(name):
        return "must not contain invisible or filler characters (such as zero-width spaces or soft hyphens)"
    if not any(unicodedata.category(char)[0] in "LN" for char in name):
        return "must contain at least one visible letter or digit"
    return None
