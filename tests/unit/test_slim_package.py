"""The package step keeps botocore's shared data and the used services' models, and nothing else of them;
and it fails when the zip lacks a distribution that a packaged one needs (chalice only warns)."""

from __future__ import annotations

import zipfile

from scripts.slim_package import kept, main, missing_requirements, slim

ENTRIES = {
    "app.py": b"app",
    "botocore/__init__.py": b"init",
    "botocore/data/endpoints.json": b"{}",
    "botocore/data/dynamodb/2012-08-10/service-2.json.gz": b"ddb",
    "botocore/data/sesv2/2019-09-27/service-2.json.gz": b"ses",
    "botocore/data/ec2/2016-11-15/service-2.json.gz": b"x" * 50_000,
    "botocore/data/dynamodbstreams/2012-08-10/service-2.json.gz": b"streams",
}


def _zip(path) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as built:
        for name, data in ENTRIES.items():
            built.writestr(zipfile.ZipInfo(name, (2020, 1, 1, 0, 0, 0)), data)


def test_only_the_used_services_models_stay():
    assert kept("chalicelib/app.py") and kept("botocore/data/partitions.json")
    assert kept("botocore/data/dynamodb/2012-08-10/service-2.json.gz")
    assert not kept("botocore/data/ec2/2016-11-15/service-2.json.gz")
    assert not kept("botocore/data/dynamodbstreams/2012-08-10/service-2.json.gz")  # a prefix is not a match


def test_slimming_rewrites_the_zip_the_same_way_every_time(tmp_path):
    first, second = tmp_path / "a.zip", tmp_path / "b.zip"
    _zip(first)
    _zip(second)
    before, after = slim(first)
    slim(second)
    assert after < before and first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as slimmed:
        names = slimmed.namelist()
        assert slimmed.read("botocore/data/dynamodb/2012-08-10/service-2.json.gz") == b"ddb"
    assert names == [name for name in ENTRIES if "ec2" not in name and "streams" not in name]


def test_a_zip_over_the_limit_fails_the_step(tmp_path, capsys):
    path = tmp_path / "deployment.zip"
    _zip(path)
    assert main([str(path), "--max-mb", "0.000001"]) == 1
    assert "over the" in capsys.readouterr().err
    assert main([str(path), "--max-mb", "8"]) == 0


def _metadata(name: str, version: str, *requires: str) -> tuple[str, bytes]:
    lines = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    lines += [f"Requires-Dist: {r}" for r in requires]
    return f"{name.replace('-', '_')}-{version}.dist-info/METADATA", "\n".join(lines).encode()


def _packaged(path, *dists: tuple[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w") as built:
        for name, data in [*ENTRIES.items(), *dists]:
            built.writestr(name, data)


def test_a_zip_without_a_dependency_chalice_could_not_install_fails_the_step(tmp_path, capsys):
    """As `chalice package` leaves cbor2 6 out for python3.11 (manylinux_2_28 wheels only): webauthn is in
    the zip, what it imports is not, and the step fails naming both."""
    path = tmp_path / "deployment.zip"
    _packaged(
        path, _metadata("webauthn", "3.0.1", "cbor2>=6.1.2", "pyasn1>=0.6.2"), _metadata("pyasn1", "0.6.5")
    )
    assert missing_requirements(path) == ["webauthn -> cbor2>=6.1.2"]
    assert main([str(path), "--max-mb", "8"]) == 1
    assert "webauthn -> cbor2>=6.1.2" in capsys.readouterr().err


def test_a_packaged_version_outside_the_requirement_counts_as_missing(tmp_path):
    path = tmp_path / "deployment.zip"
    _packaged(path, _metadata("webauthn", "3.0.1", "cbor2>=6.1.2"), _metadata("cbor2", "5.9.0"))
    assert missing_requirements(path) == ["webauthn -> cbor2>=6.1.2"]
    _packaged(path, _metadata("webauthn", "2.8.0", "cbor2<6.0.0,>=5.6.5"), _metadata("cbor2", "5.9.0"))
    assert missing_requirements(path) == []


def test_names_are_compared_normalized_and_other_runtimes_extras_and_the_runtimes_own_are_met(tmp_path):
    path = tmp_path / "deployment.zip"
    needs = (
        "Argon2-CFFI-Bindings>=21",  # packaged as argon2_cffi_bindings
        'tomli>=1; python_version < "3.0"',  # not for this interpreter
        'pytest; extra == "test"',  # only with an extra
        "boto3>=1.30",  # the Lambda runtime's own
    )
    _packaged(path, _metadata("argon2-cffi", "25.1.0", *needs), _metadata("argon2_cffi_bindings", "26.2.0"))
    assert missing_requirements(path) == []
    assert main([str(path), "--max-mb", "8"]) == 0
