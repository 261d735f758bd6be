"""Local ports for servers the tests start."""

from __future__ import annotations

import socket


def free_port() -> int:
    """A TCP port nothing listens on right now, for a local server."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port
