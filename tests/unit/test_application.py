"""The request being answered is each thread's own (chalicelib/api/application.py)."""

from __future__ import annotations

import threading

from chalice.app import Chalice, Request

from chalicelib.api.application import PortalApp


def _request(path: str) -> Request:
    event = {
        "multiValueQueryStringParameters": None,
        "headers": {},
        "pathParameters": None,
        "requestContext": {"httpMethod": "GET", "resourcePath": path},
        "body": None,
        "stageVariables": None,
        "isBase64Encoded": False,
    }
    return Request(event)


def _read_back(app: Chalice) -> list[str]:
    """Two threads each set their request, wait for the other to set its own, then read it back."""
    both_set = threading.Barrier(2)
    seen: list[str] = ["", ""]

    def answer(index: int) -> None:
        app.current_request = _request(f"/r{index}")
        both_set.wait()
        request = app.current_request
        seen[index] = request.context["resourcePath"] if request is not None else ""

    threads = [threading.Thread(target=answer, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return seen


def test_two_requests_at_once_each_read_their_own() -> None:
    assert _read_back(PortalApp(app_name="t")) == ["/r0", "/r1"]


def test_chalices_own_app_mixes_them_up() -> None:
    """What the subclass is for: Chalice's plain attribute hands one thread the other's request."""
    assert _read_back(Chalice(app_name="t")) != ["/r0", "/r1"]


def test_a_thread_that_set_nothing_reads_none() -> None:
    app = PortalApp(app_name="t")
    app.current_request = _request("/mine")
    other: list[object] = []
    thread = threading.Thread(target=lambda: other.append(app.current_request))
    thread.start()
    thread.join()
    assert other == [None]
