"""The browser the portal tests drive: Debian's chromium under Playwright (its own download cannot run
here), and small helpers to reach the pages and what they emailed."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from tests.e2e.conftest import Live

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
LINK = re.compile(r'href="([^"]+#token=[A-Za-z0-9_-]{43})"')


@contextmanager
def chromium() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        raise RuntimeError("the browser tests need Debian's chromium: apt-get install chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def emailed_link(live: Live, address: str, after: int = 0, wait: float = 10.0) -> str:
    """The link of the latest email to `address`, as a person would click it. `after`: how many emails to
    it there were before; waits (up to `wait` s) for one more, as the outbox worker sends it once it has
    run (the tests' servers rest 0.25 s between runs, make run's 2 s)."""
    deadline = time.monotonic() + wait
    messages = live.emails_to(address)
    while len(messages) <= after and time.monotonic() < deadline:
        time.sleep(0.5)
        messages = live.emails_to(address)
    assert len(messages) > after, f"no new email to {address}"
    match = LINK.search(messages[-1].body)
    assert match, messages[-1].body
    return match.group(1).replace("&amp;", "&")


def watched(page: Page) -> list[str]:
    """The page's script errors and CSP violations as they happen (a test asserts the list stays empty).
    A 4xx answer is logged by the browser itself as "Failed to load resource": the pages expect those."""
    errors: list[str] = []
    page.on(
        "console",
        lambda m: errors.append(m.text) if m.type == "error" and "Failed to load" not in m.text else None,
    )
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors
