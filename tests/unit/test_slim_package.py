"""The package step keeps botocore's shared data and the used services' models, and nothing else of them,
and Babel's data for the five languages; and it fails when the zip lacks a distribution that a packaged one
needs (chalice only warns)."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import babel
import pytest

from scripts.slim_package import babel_locales, kept, main, missing_requirements, slim

ENTRIES = {
    "app.py": b"app",
    "botocore/__init__.py": b"init",
    "botocore/data/endpoints.json": b"{}",
    "botocore/data/dynamodb/2012-08-10/service-2.json.gz": b"ddb",
    "botocore/data/sesv2/2019-09-27/service-2.json.gz": b"ses",
    "botocore/data/ec2/2016-11-15/service-2.json.gz": b"x" * 50_000,
    "botocore/data/dynamodbstreams/2012-08-10/service-2.json.gz": b"streams",
}


def _zip(path: Path) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as built:
        for name, data in ENTRIES.items():
            built.writestr(zipfile.ZipInfo(name, (2020, 1, 1, 0, 0, 0)), data)


def test_only_the_used_services_models_stay() -> None:
    assert kept("chalicelib/app.py") and kept("botocore/data/partitions.json")
    assert kept("botocore/data/dynamodb/2012-08-10/service-2.json.gz")
    assert not kept("botocore/data/ec2/2016-11-15/service-2.json.gz")
    assert not kept("botocore/data/dynamodbstreams/2012-08-10/service-2.json.gz")  # a prefix is not a match


def test_slimming_rewrites_the_zip_the_same_way_every_time(tmp_path: Path) -> None:
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


def test_a_zip_over_the_limit_fails_the_step(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "deployment.zip"
    _zip(path)
    assert main([str(path), "--max-mb", "0.000001"]) == 1
    assert "over the" in capsys.readouterr().err
    assert main([str(path), "--max-mb", "8"]) == 0


def _metadata(name: str, version: str, *requires: str) -> tuple[str, bytes]:
    lines = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    lines += [f"Requires-Dist: {r}" for r in requires]
    return f"{name.replace('-', '_')}-{version}.dist-info/METADATA", "\n".join(lines).encode()


def _packaged(path: Path, *dists: tuple[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w") as built:
        for name, data in [*ENTRIES.items(), *dists]:
            built.writestr(name, data)


def test_a_zip_without_a_dependency_chalice_could_not_install_fails_the_step(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """As `chalice package` leaves cbor2 6 out for python3.11 (manylinux_2_28 wheels only): webauthn is in
    the zip, what it imports is not, and the step fails naming both."""
    path = tmp_path / "deployment.zip"
    _packaged(
        path, _metadata("webauthn", "3.0.1", "cbor2>=6.1.2", "pyasn1>=0.6.2"), _metadata("pyasn1", "0.6.5")
    )
    assert missing_requirements(path) == ["webauthn -> cbor2>=6.1.2"]
    assert main([str(path), "--max-mb", "8"]) == 1
    assert "webauthn -> cbor2>=6.1.2" in capsys.readouterr().err


def test_a_packaged_version_outside_the_requirement_counts_as_missing(tmp_path: Path) -> None:
    path = tmp_path / "deployment.zip"
    _packaged(path, _metadata("webauthn", "3.0.1", "cbor2>=6.1.2"), _metadata("cbor2", "5.9.0"))
    assert missing_requirements(path) == ["webauthn -> cbor2>=6.1.2"]
    _packaged(path, _metadata("webauthn", "2.8.0", "cbor2<6.0.0,>=5.6.5"), _metadata("cbor2", "5.9.0"))
    assert missing_requirements(path) == []


def test_names_are_compared_normalized_and_other_runtimes_extras_and_the_runtimes_own_are_met(
    tmp_path: Path,
) -> None:
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


def test_babel_keeps_the_five_languages_and_what_they_inherit_by_its_own_parent_rule() -> None:
    assert babel_locales() == {"root", "en", "de", "fr", "es", "nl"}
    # Babel's exceptions and script rule, not only "drop the last subtag":
    assert babel_locales(("en_GB", "es_MX", "zh_Hant")) == {"en_GB", "en_001", "en", "es_MX", "es_419", "es",
                                                           "zh_Hant", "root"}  # fmt: skip
    assert kept("babel/locale-data/de.dat") and kept("babel/locale-data/root.dat")
    assert kept("babel/locale-data/LICENSE.unicode") and kept("babel/global.dat")
    assert not kept("babel/locale-data/ja.dat") and not kept("babel/locale-data/de_AT.dat")


def test_dates_still_format_in_the_five_languages_from_the_slimmed_locale_data(tmp_path: Path) -> None:
    """The installed Babel, packaged and slimmed as `make package` does, then used in a fresh interpreter
    that sees nothing else (`-S`): German dates, and a language the product does not speak is gone."""
    installed = Path(babel.__file__).parent
    path = tmp_path / "deployment.zip"
    with zipfile.ZipFile(path, "w") as built:  # stored: the test needs the data, not the compression
        for file in sorted(installed.rglob("*")):
            if file.is_file() and "__pycache__" not in file.parts:
                built.write(file, f"babel/{file.relative_to(installed).as_posix()}")
    slim(path)
    with zipfile.ZipFile(path) as slimmed:
        locale_data = [n for n in slimmed.namelist() if n.startswith("babel/locale-data/")]
        slimmed.extractall(tmp_path / "task")
    kept_files = ("LICENSE.unicode", "de.dat", "en.dat", "es.dat", "fr.dat", "nl.dat", "root.dat")
    assert sorted(locale_data) == [f"babel/locale-data/{name}" for name in kept_files]
    code = (
        "from datetime import date\n"
        "from babel import Locale, UnknownLocaleError\n"
        "from babel.dates import format_date\n"
        "for locale in ('de', 'en', 'fr', 'es', 'nl'):\n"
        "    print(format_date(date(2026, 12, 6), 'long', locale=locale))\n"
        "print(Locale.parse('de').days['format']['wide'][0])\n"
        "try:\n    Locale.parse('ja')\nexcept UnknownLocaleError:\n    print('ja gone')\n"
    )
    done = subprocess.run(
        [sys.executable, "-S", "-c", code], cwd=tmp_path / "task", capture_output=True, text=True, check=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )  # fmt: skip
    assert done.stdout.splitlines() == [
        "6. Dezember 2026", "December 6, 2026", "6 décembre 2026", "6 de diciembre de 2026",
        "6 december 2026", "Montag", "ja gone",
    ]  # fmt: skip
