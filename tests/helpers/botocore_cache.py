"""One botocore data loader for every botocore session of a test process.

moto's `mock_aws` drops boto3's default session, and each test binds the store anew, so every test made new
botocore sessions, and each session read and parsed the same JSON again (the endpoints, the DynamoDB and SES
models): a few hundred milliseconds a test, most of an API test's setup. botocore's loader caches what it
read per loader; sharing one loader makes that cache the process's. What a session is handed is unchanged
(the same files, the same data_path), and clients still share the parsed data within a session as before.
"""

from __future__ import annotations

from typing import Any

import botocore.loaders
import botocore.session

_shared: dict[str, Any] = {}


def share_one_loader() -> None:
    """From now on, every botocore session in this process reads AWS's metadata through one loader."""

    def register(session: botocore.session.Session) -> None:
        def loader() -> Any:
            path = session.get_config_variable("data_path")  # read when first asked for, as botocore does
            if repr(path) not in _shared:
                _shared[repr(path)] = botocore.loaders.create_loader(path)
            return _shared[repr(path)]

        session._components.lazy_register_component("data_loader", loader)

    botocore.session.Session._register_data_loader = register


def client(service: str) -> Any:
    """A botocore client for the tests' own calls (making the table, verifying the sender), from one botocore
    session for the process: a session registers some thousand event handlers as it is made. moto's
    `mock_aws` still answers it (its stub is a handler every session made after moto's import carries)."""
    if "session" not in _shared:
        _shared["session"] = botocore.session.get_session()
    return _shared["session"].create_client(service, region_name="us-east-1")
