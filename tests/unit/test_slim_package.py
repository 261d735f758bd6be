"""The package step keeps botocore's shared data and the used services' models, and nothing else of them."""

from __future__ import annotations

import zipfile

from scripts.slim_package import kept, main, slim

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
