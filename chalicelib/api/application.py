"""The Chalice application, with its request kept per thread.

Chalice keeps the request being answered in one attribute of the app (`app.current_request`), which every
blueprint reads. A Lambda process answers one request at a time, but `chalice local` (`make run`, the
end-to-end tests) serves each request on its own thread, and the in-process tests send concurrent requests
from threads: two requests at once then read each other's body and headers (an accept would open another's
invitation). Kept per thread, each reads its own; in Lambda nothing changes.
"""

from __future__ import annotations

import threading

from chalice.app import Chalice, Request


class PortalApp(Chalice):
    _requests = threading.local()

    @property
    def current_request(self) -> Request | None:
        return getattr(self._requests, "request", None)

    @current_request.setter
    def current_request(self, request: Request | None) -> None:
        self._requests.request = request
