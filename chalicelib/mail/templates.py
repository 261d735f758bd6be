"""Renders the email templates kept as files beside this module: <name>.subject, .txt and .html."""

from __future__ import annotations

import html
import re
from functools import cache
from pathlib import Path
from string import Template

from chalicelib.mail.mailer import OutgoingEmail

_DIR = Path(__file__).parent / "templates"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_CONTROL_BUT_NEWLINE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]+")


@cache
def _template(name: str) -> Template:
    return Template((_DIR / name).read_text(encoding="utf-8"))


def _single_line(value: str) -> str:
    """Names typed by users go into subjects: no line breaks or control characters, ever."""
    return _CONTROL.sub(" ", value).strip()


def render(name: str, to: str, values: dict[str, str]) -> OutgoingEmail:
    subject_values = {key: _single_line(value) for key, value in values.items()}
    body_values = {key: _CONTROL_BUT_NEWLINE.sub(" ", value) for key, value in values.items()}
    return OutgoingEmail(
        to=to,
        subject=_template(f"{name}.subject").substitute(subject_values).strip(),
        text=_template(f"{name}.txt").substitute(body_values),
        html=_template(f"{name}.html").substitute({k: html.escape(v) for k, v in body_values.items()}),
    )
