"""How `make test` shares the suite between its two pytest-xdist workers.

Every test of the end-to-end files that use the shared local server (`live`) goes to one worker, as one unit:
one server and one browser for all of them, run one after another as when the suite runs on one process.
Any other test is a unit of its own and goes to whichever worker is free. xdist hands out the largest unit
first, then the others in collection order, where tests/e2e/conftest.py puts schemathesis (the longest test,
on a server of its own) first: the two long runs start at once, one on each worker.

xdist's own `xdist_group` mark cannot do this under pytest 9 (xdist 3.8 names a grouped test by writing
`item._nodeid`, which pytest 9 no longer reads), so the units are drawn here, from the test's file.
"""

from __future__ import annotations

from xdist.scheduler import LoadScopeScheduling

E2E = "tests/e2e/"
# end-to-end files whose tests start servers of their own (and so need not share the one worker)
OWN_SERVERS = (
    "tests/e2e/test_schemathesis.py",
    "tests/e2e/test_local_run.py",
    "tests/e2e/test_portal_factors.py",
    "tests/e2e/test_scim_compliance.py",
)
SHARED_SERVER = "shared local server"


def unit_of(nodeid: str) -> str:
    """The unit of work a test belongs to: the shared server's, or its own."""
    path = nodeid.split("::", 1)[0]
    return SHARED_SERVER if path.startswith(E2E) and path not in OWN_SERVERS else nodeid


class SharedServerScheduling(LoadScopeScheduling):
    def _split_scope(self, nodeid: str) -> str:
        return unit_of(nodeid)
