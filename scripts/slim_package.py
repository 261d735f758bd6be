"""Rewrites the deployment zip `chalice package` built, keeping only the botocore service models the function
uses, and fails when the zip is over the size limit or lacks a distribution one of its own needs.

botocore ships the models of every AWS service (about 16 MB zipped, three quarters of the package); the
function calls DynamoDB (PynamoDB) and SES v2 (chalicelib/mail/ses.py), and nothing else. Everything else in
the zip is copied as it was, entry by entry with its metadata, in the same order: the same input gives the
same output. Chalice has no setting for this (its packager installs whole distributions), hence the step.

`chalice package` only warns when it finds no wheel of a dependency for the Lambda runtime ("Could not install
dependencies") and builds the zip without it: the function then fails on the first import, in production
only. So the step also reads every packaged distribution's requirements (its `*.dist-info/METADATA`, markers
evaluated for this interpreter, the runtime chalice packaged for) and fails when one is not in the zip.

    python scripts/slim_package.py out/deployment.zip --max-mb 8
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import zipfile
from email.parser import HeaderParser
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement

DATA = "botocore/data/"
# The services whose models stay; `ses` beside `sesv2`: the same API family, small, and kept so a fallback
# to the classic SES client would not fail only in production.
KEEP_SERVICES = frozenset({"dynamodb", "sesv2", "ses"})
# What the Lambda Python runtime itself provides: a requirement on these is met without the zip.
RUNTIME_PROVIDED = frozenset(
    {"boto3", "botocore", "s3transfer", "jmespath", "urllib3", "python-dateutil", "six"}
)


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


def normalized(name: str) -> str:
    """PEP 503: `PyJWT`, `pyjwt` and `argon2_cffi` / `argon2-cffi` name one distribution each."""
    return re.sub(r"[-_.]+", "-", name).lower()


def missing_requirements(path: Path) -> list[str]:
    """`needed-by -> requirement` for each requirement of a packaged distribution that no packaged
    distribution of a matching version (nor the runtime) meets, sorted; empty when the zip is complete."""
    environment = {**default_environment(), "extra": ""}
    packaged: dict[str, str] = {}
    needs: list[tuple[str, Requirement]] = []
    with zipfile.ZipFile(path) as archive:
        metadata = [n for n in archive.namelist() if n.count("/") == 1 and n.endswith(".dist-info/METADATA")]
        for name in metadata:
            headers = HeaderParser().parsestr(archive.read(name).decode("utf-8", "replace"))
            packaged[normalized(headers["Name"])] = headers["Version"]
            needs += [(headers["Name"], Requirement(line)) for line in headers.get_all("Requires-Dist") or ()]

    def met(wanted: Requirement) -> bool:
        if wanted.marker is not None and not wanted.marker.evaluate(environment):
            return True  # not for this runtime (or only with an extra nobody asked for)
        name = normalized(wanted.name)
        version = packaged.get(name)
        if version is None:
            return name in RUNTIME_PROVIDED
        return wanted.specifier.contains(version, prereleases=True)

    return sorted(f"{owner} -> {wanted}" for owner, wanted in needs if not met(wanted))


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
    missing = missing_requirements(args.zip)
    if missing:
        print(
            f"{args.zip} lacks what its distributions need (no wheel for the Lambda runtime?):",
            file=sys.stderr,
        )
        print("\n".join(f"  {line}" for line in missing), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
