"""The portal's spreadsheet reader and writer (chalicelib/static/portal/csv.js), run in node: RFC 4180's
quoting, the header's columns, each row's problems, the daily limit, the requests of 50 per role, and a
result file that a spreadsheet opens without running anything in it."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

CSV_JS = Path(__file__).resolve().parents[2] / "chalicelib" / "static" / "portal" / "csv.js"
NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed (the browser test covers csv.js)")
OPTIONS = {"defaultRole": "member", "adminProblem": None, "remaining": None, "perDay": 500}


def run(expression: str, **values: Any) -> Any:
    """`expression` evaluated in node with csv.js's exports as `csv` and each of `values` as a constant."""
    constants = "".join(f"const {name} = {json.dumps(value)};\n" for name, value in values.items())
    script = (
        f"import * as csv from {json.dumps(CSV_JS.as_uri())};\n{constants}"
        f"process.stdout.write(JSON.stringify({expression}));\n"
    )
    done = subprocess.run(
        [NODE or "node", "--input-type=module", "-e", script], capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def parse(text: str) -> list[list[str]]:
    answer = run("csv.parseCsv(text)", text=text)
    assert "error" not in answer, answer
    return [record["fields"] for record in answer["records"]]


def test_quoted_cells_hold_commas_quotes_and_line_breaks() -> None:
    text = (
        'email,first_name,title\r\n'
        'ann@x.com,"Archer, Ann","Head of ""Books"""\r\n'
        'bob@x.com,Bob,"two\r\nlines"\r\n'
        '"cy@x.com",,""\n'
        'dee@x.com,Dee,"new\nline, and ""quotes"""'
    )  # fmt: skip
    assert parse(text) == [
        ["email", "first_name", "title"],
        ["ann@x.com", "Archer, Ann", 'Head of "Books"'],
        ["bob@x.com", "Bob", "two\r\nlines"],
        ["cy@x.com", "", ""],
        ["dee@x.com", "Dee", 'new\nline, and "quotes"'],
    ]
    answer = run("csv.parseCsv(text)", text=text)
    assert [r["line"] for r in answer["records"]] == [1, 2, 3, 5, 6]  # where each record starts


def test_blank_lines_a_bom_and_a_semicolon_spreadsheet() -> None:
    assert parse("\ufeffemail;title\n\nann@x.com;CFO\n;\n\r\n") == [["email", "title"], ["ann@x.com", "CFO"]]
    assert parse("email\tfirst_name\nann@x.com\tAnn") == [["email", "first_name"], ["ann@x.com", "Ann"]]
    assert parse('email,title\nann@x.com,"a;b"') == [["email", "title"], ["ann@x.com", "a;b"]]


def test_broken_quoting_is_an_error_naming_its_line() -> None:
    assert run("csv.parseCsv(text)", text='email,title\nann@x.com,"never closed\n\n') == {
        "error": "Line 2: a quoted cell is never closed."
    }
    broken = run("csv.parseCsv(text)", text='email,title\nann@x.com,ok\nbob@x.com,"CFO" extra')
    assert broken["error"].startswith("Line 3: text after a closing quote")


def check(text: str, **options: Any) -> dict[str, Any]:
    expression = "csv.checkRecords(csv.parseCsv(text).records, options)"
    answer: dict[str, Any] = run(expression, text=text, options={**OPTIONS, **options})
    return answer


def problems(answer: dict[str, Any]) -> list[tuple[int, list[str]]]:
    return [(row["number"], [p["code"] for p in row["problems"]]) for row in answer["rows"]]


def test_each_rows_problems_are_named() -> None:
    text = "\n".join(
        [
            "Email,First Name,last-name,TITLE,Role",
            "Ann@X.com,Ann,Archer,CFO,admin",
            "not an address,,,,",
            "ann@x.com,Again,,,User",
            "bob@x.com,Bob,,,owner",
            "cy@x.com,,,,MEMBER",
            "dee@x.com," + "d" * 101 + ",,,",
            "eve@x.com,Eve,,,,surplus",
            ",Nobody,,,",
        ]
    )
    answer = check(text)
    assert answer["fileProblems"] == []
    assert problems(answer) == [
        (2, []),
        (3, ["invalid_email"]),
        (4, ["duplicate"]),
        (5, ["unknown_role"]),
        (6, []),
        (7, ["too_long"]),
        (8, ["extra_cells"]),
        (9, ["invalid_email"]),
    ]
    rows = answer["rows"]
    assert (rows[0]["email"], rows[0]["role"], rows[4]["role"]) == ("ann@x.com", "admin", "member")
    assert rows[2]["problems"][0]["text"] == "listed already on row 2"
    assert rows[3]["problems"][0]["text"] == 'unknown role "owner": use User (or member) or Admin'
    # a row without a role takes the dialog's; an Admin row is refused when the dialog's choices forbid it
    admins = check("email,role\nann@x.com,\nbob@x.com,Admin", defaultRole="admin", adminProblem="not here")
    assert [(r["role"], [p["text"] for p in r["problems"]]) for r in admins["rows"]] == [
        ("admin", ["not here"]),
        ("admin", ["not here"]),
    ]


def test_a_names_and_titles_line_breaks_are_spaces_and_what_the_api_refuses_is_named() -> None:
    text = (
        'email,first_name,last_name,title\n'
        'ann@x.com,Ann,Archer,"Head of\r\nBooks"\n'
        'bob@x.com,"Bo\u200bb",Baker,\n'
        'cy@x.com,Cy,---,\n'
        'dee@x.com,Dee,Day,"Ti\u0001tle"\n'
        'eve@x.com,Eve,,"\u202eevil"\n'
    )  # fmt: skip
    answer = check(text)
    assert answer["rows"][0]["title"] == "Head of Books"
    assert problems(answer) == [  # numbered as a spreadsheet's rows, though row 2 takes two lines of text
        (2, []),
        (3, ["invalid_text"]),
        (4, ["invalid_text"]),
        (5, ["invalid_text"]),
        (6, ["invalid_text"]),
    ]
    assert [p["text"] for p in answer["rows"][1]["problems"]] == [
        "the first name needs a visible letter or digit, and no invisible characters"
    ]
    assert [p["text"] for p in answer["rows"][3]["problems"]] == ["the title holds control characters"]


def test_the_header_is_required_and_unknown_columns_are_named() -> None:
    assert check("ann@x.com,Ann")["fileProblems"][0].startswith('Unknown columns "ann@x.com", "ann":')
    unknown = check("email,phone\nann@x.com,123")
    assert unknown["fileProblems"] == [
        'Unknown column "phone": the columns are email, first_name, last_name, title, role'
        " (a header row first)."
    ]
    assert unknown["rows"] == []  # nothing is sendable until the file is right
    assert check("first_name\nAnn")["fileProblems"][0].startswith("The header row has no email column")
    assert check("email,Email\na@x.com,b@x.com")["fileProblems"] == ['The column "email" is there twice.']
    assert check("email\n")["fileProblems"] == ["The CSV has a header row but nobody under it."]
    assert check("")["fileProblems"][0].startswith("The CSV is empty")
    many = "email\n" + "\n".join(f"u{i}@x.com" for i in range(5001))
    assert check(many)["fileProblems"] == ["At most 5,000 rows at once; this CSV has 5,001."]


def test_rows_past_what_the_account_may_send_today_are_named() -> None:
    text = "email\nbad\n" + "\n".join(f"u{i}@x.com" for i in range(5))
    answer = check(text, remaining=3, perDay=1000)
    assert problems(answer) == [(2, ["invalid_email"]), (3, []), (4, []), (5, []),
                                (6, ["over_daily_limit"]), (7, ["over_daily_limit"])]  # fmt: skip
    assert answer["rows"][4]["problems"][0]["text"] == (
        "over the account's daily invitation limit (1,000 a day; 3 left today)"
    )


def test_requests_go_per_role_in_fifties_with_each_rows_details() -> None:
    rows = [
        {"email": f"u{i}@x.com", "role": "admin" if i % 10 == 0 else "member",
         "first_name": "F" if i == 1 else "", "last_name": "", "title": "T" if i == 1 else "",
         "problems": [{"code": "x"}] if i == 2 else []}
        for i in range(120)
    ]  # fmt: skip
    requests = run("csv.requestsOf(rows).map((r) => [r.role, r.rows.map(csv.itemOf)])", rows=rows)
    assert [(role, len(items)) for role, items in requests] == [
        ("member", 50),
        ("member", 50),
        ("member", 7),
        ("admin", 12),
    ]
    assert requests[0][1][:2] == [
        {"email": "u1@x.com", "first_name": "F", "title": "T"},
        {"email": "u3@x.com"},
    ]


def test_the_result_file_round_trips_and_runs_no_formula() -> None:
    records = [
        ["line", "email", "first_name", "status", "reason"],
        ["2", "ann@x.com", 'Archer, "Ann"', "invited", ""],
        ["3", "bob@x.com", "=HYPERLINK(1)", "skipped", "line\nbreak"],
        ["4", "cy@x.com", "+1 555", "failed", " padded "],
    ]
    text = run("csv.toCsv(records)", records=records)
    assert text.endswith("\r\n") and text.count("\r\n") == 4
    assert parse(text) == [
        records[0],
        records[1],
        ["3", "bob@x.com", "'=HYPERLINK(1)", "skipped", "line\nbreak"],
        ["4", "cy@x.com", "'+1 555", "failed", " padded "],
    ]
