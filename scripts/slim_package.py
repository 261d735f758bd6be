"""Rewrites the deployment zip `chalice package` built, keeping only the botocore service models the function
uses, and fails when the zip is over the size limit.

botocore ships the models of every AWS service (about 16 MB zipped, three quarters of the package); the
function calls DynamoDB (PynamoDB) and SES v2 (chalicelib/mail/ses.py), and nothing else. Everything else in
the zip is copied as it was, entry by entry with its metadata, in the same order: the same input gives the
same output. Chalice has no setting for this (its packager installs whole distributions), hence the step.

    python scripts/slim_package.py out/deployment.zip --max-mb 8
"""

from __future__ import annotations

import argparse
import os
import sys
import zipfile
from pathlib import Path

DATA = "botocore/data/"
# The services whose models stay; `ses` beside `sesv2`: the same API family, small, and kept so a fallback
# to the classic SES client would not fail only in production.
KEEP_SERVICES = frozenset({"dynamodb", "sesv2", "ses"})


def kept(name: str, services: frozenset[str] = KEEP_SERVICES) -> bool:
    """Whether a zip entry stays: everything outside botocore's models, the models' shared files
    (endpoints, partitions, retry and default configuration), and the models of `services`."""
    if not name.startswith(DATA):
        return True
    rest = name[len(DATA) :]
    return "/" not in rest or rest.split("/", 1)[0] in services


def slim(path: Path, services: frozenset[str] = KEEP_SERVICES) -> tuple[int, int]:
    """Rewrite the zip at `path` in place without the other services' models; (bytes before, after)."""
    before = path.stat().st_size
    slimmed = path.with_suffix(".slim.zip")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(slimmed, "w") as target:
        for info in source.infolist():
            if kept(info.filename, services):
                target.writestr(info, source.read(info), compress_type=info.compress_type)
    os.replace(slimmed, path)
    return before, path.stat().st_size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("zip", type=Path)
    parser.add_argument("--max-mb", type=float, default=8.0, help="fail above this size (MB, 10^6 bytes)")
    args = parser.parse_args(argv)
    before, after = slim(args.zip)
    print(
        f"{args.zip}: {before / 1e6:.1f} MB -> {after / 1e6:.1f} MB (botocore models kept: "
        f"{', '.join(sorted(KEEP_SERVICES))})"
    )
    if after > args.max_mb * 1e6:
        print(f"{args.zip} is {after / 1e6:.1f} MB, over the {args.max_mb:g} MB limit", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
