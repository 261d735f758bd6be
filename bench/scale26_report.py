"""The tables of bench/scale26.py's figures, and which rows are flat: at the largest size against the next
smaller one that answered as many items (`baseline`), round trips grow by at most FLAT_TRIPS and items read
and written stay within FLAT_RATIO x + FLAT_SLACK. The next smaller, not the smallest: a read bounded by its
page (two status ranges of limit + 1 keys, three recipient streams, the audit's 4 x limit) costs less at
N = 100, where its ranges are not yet full, and no more from there on; a read that grows with N grows
between any two sizes, 5x from 1,000 to 5,000 and 10x from 5,000 to 50,000."""

from __future__ import annotations

from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PAGE = 50  # bench/scale26.py asks for pages of this many
FLAT_TRIPS, FLAT_RATIO, FLAT_SLACK = 1, 1.2, 2
GROWING = 3
WITHIN_PAGES = 2 * PAGE + 10  # two pages of 50 and the few keys a page reads past its end
SECTION = "## Scale per request (issue 26)"


def measured(row: dict[str, Any] | None) -> bool:
    """A row that answered what it asked (a 404 from a route the API does not have yet is "n/a")."""
    return row is not None and row["status"] < 300


def is_flat(small: dict[str, Any], large: dict[str, Any]) -> bool:
    """Within FLAT_TRIPS more round trips and FLAT_RATIO x + FLAT_SLACK items read and written; where the
    largest answered more items than `small` but at most a page, `small`'s items count as many times more."""
    before, after = small.get("returned") or 0, large.get("returned") or 0
    scale = after / before if 0 < before < after <= PAGE else 1

    def within(key: str) -> bool:
        return bool(large[key] <= FLAT_RATIO * small[key] * scale + FLAT_SLACK)

    return large["round_trips"] <= small["round_trips"] + FLAT_TRIPS and within("items") and within("written")


def baseline(cells: list[dict[str, Any] | None]) -> dict[str, Any] | None:
    """What the largest size is compared with: the largest smaller size that answered as many items; else,
    when the largest answered a page, the size below it (`is_flat` scales it); else the smallest."""
    returned = cells[-1]["returned"] if cells[-1] else None
    same = [row for row in cells[:-1] if row and returned is not None and row["returned"] == returned]
    if same:
        return same[-1]
    if returned is not None and returned <= PAGE and len(cells) > 1:
        return cells[-2]
    return cells[0]


def cell(row: dict[str, Any] | None) -> str:
    if row is None:
        return "-"
    if row["status"] in (403, 404):
        return "n/a"
    if not measured(row):
        return f"HTTP {row['status']}"
    note = " (limit refused)" if row.get("note") else ""
    return f"{row['round_trips']} / {row['items']:,} / {row['written']:,}{note}"


def verdict(cells: list[dict[str, Any] | None]) -> str:
    """Flat, not flat or n/a, from the sizes measured (for a row skipped at the largest: up to the last)."""
    while len(cells) > 1 and cells[-1] is None:
        cells = cells[:-1]
    small, large = baseline(cells), cells[-1]
    if len(cells) < 2 or small is None or large is None or not (measured(small) and measured(large)):
        return "n/a"
    return "flat" if is_flat(small, large) else "**not flat**"


def growing(columns: dict[str, Any]) -> set[str]:
    """The rows whose items read grew more than GROWING x between the last two sizes measured: they read in
    proportion to N (5x from 1,000 to 5,000), where a read bounded by its page grows at most until its ranges
    fill (2x for the audit's 4 x limit between 1,000 and 5,000) and not after. A row still within two pages
    (audit by target: 4, 13, 53 items as the target's events fill the first page) is asked again."""
    keys = sorted(columns, key=int)
    if len(keys) < 2:
        return set()
    before, last = columns[keys[-2]]["rows"], columns[keys[-1]]["rows"]
    return {
        label
        for label, row in last.items()
        if measured(row)
        and measured(before.get(label))
        and row["items"] > GROWING * before[label]["items"]
        and row["items"] > WITHIN_PAGES
    }


def table(columns: dict[str, Any], heads: list[str], first: str) -> list[str]:
    """One line per request: its cells at each size, and whether it is flat."""
    keys = sorted(columns, key=int)
    lines = [f"| {first} | " + " | ".join(heads) + " | flat |", "|---" * (len(heads) + 2) + "|"]
    for label in columns[keys[0]]["rows"]:
        cells = [columns[key]["rows"].get(label) for key in keys]
        judged = verdict(cells)
        if judged == "flat" and cells[-1] is None:  # skipped by an older rule: say how far it was measured
            judged = "flat to the last N asked"
        lines.append(f"| {label} | " + " | ".join(cell(c) for c in cells) + f" | {judged} |")
    return lines


def report_lines(result: dict[str, Any], commit: str = "") -> list[str]:
    sizes = sorted(result["sizes"], key=int)
    lines = [
        SECTION,
        "",
        "Each cell: DynamoDB round trips / items read / items written by one request (bench/scale26.py), as the",
        "owner; items read count what a Query evaluated (ScannedCount), filtered out or not. One account per N in a",
        "fresh moto table, seeded in bulk through the store's item builders: N members (every 25th an admin, every",
        "10th deactivated, names, titles, join and login times varied), custom groups (one of 20 members, one",
        "granting `tickets`), N / 5 pending invitations, N / 5 contacts in one or two categories, N audit events of",
        "five types by ten actors (`group.deleted` one in a thousand). Lists ask for their first page (`limit=50`).",
        "A row is **flat** when, at the largest size against the next smaller one that answered as many items, it",
        f"takes at most {FLAT_TRIPS} more round trip and reads and writes at most {FLAT_RATIO} x + {FLAT_SLACK} items (a read",
        "bounded by its page costs less at N = 100, where its index ranges are not yet full, and no more after; a",
        "read that grows with N grows 5x from 1,000 to 5,000 and 10x from 5,000 to 50,000); failing such a size,",
        "from the size below it, its items scaled by how many more the largest answered (only up to a page: an",
        "answer growing past a page is not excused). \"n/a\": no such",
        "route (404). \"-\": not asked at that N (above 5,000) because its items read grew more than 3x between the",
        "two sizes before: such a row reads the whole account, and moto walks its whole table for each page of a Query.",
        *([f"Measured at commit {commit}."] if commit else []),
        "",
    ]  # fmt: skip
    for size in sizes:
        entry = result["sizes"][size]
        lines.append(
            f"- N = {int(size):,}: seeded in {entry['seed_s']:.0f} s, its requests took {entry['read_s']:.0f} s"
            + (f", the process's peak memory so far {entry['peak_mb']:,} MB" if "peak_mb" in entry else "")
        )
    if sizes and int(sizes[-1]) < 50000:
        lines.append(
            f"- N = 50,000: not measured in this run (its largest N: {int(sizes[-1]):,}; BENCH_SCALE_MAX)"
        )
    heads = [f"N = {int(size):,}" for size in sizes]
    lines += (
        ["", *table(result["sizes"], heads, "request"), ""] if sizes else []
    )  # --max 0: the user rows alone
    if result["accounts"]:
        counts = sorted(result["accounts"], key=int)
        named = ", ".join(f"{int(c):,}" for c in counts)
        lines += [f"A user who is a member of {named} accounts (seeded in bulk; each account has that one member).",
                  "Accepting is of an invitation to one account more; `/authorize` cold runs on a fresh Deps.", "",
                  *table(result["accounts"], [f"{int(c):,} accounts" for c in counts], "request (user)"), ""]  # fmt: skip
    rows = [line for line in lines if line.startswith("| ") and not line.startswith("| request")]
    judged = [line for line in rows if not line.endswith("| n/a |")]
    flat = sum(line.endswith("| flat |") for line in judged)
    goal = "meets" if flat == len(judged) else "**misses**"  # bench/run.py gathers the misses
    lines += [
        f"Every row flat (issue 26's goal; n/a rows aside): {goal}, {flat} of {len(judged)} rows flat.",
        "",
    ]
    return lines


def write_section(
    lines: list[str], path: Path = ROOT / "docs" / "benchmarks.md", section: str = SECTION
) -> None:
    """Puts the section (its heading `section`) where bench/run.py writes it (before "## Cold start"),
    replacing an older one; bench/reminders28.py writes its own through it too."""
    text = path.read_text()
    if section in text:
        start = text.index(section)
        end = text.find("\n## ", start + len(section))
        text = text[:start] + text[end + 1 if end >= 0 else len(text) :]
    anchor = text.find("## Cold start")
    at = anchor if anchor >= 0 else len(text)
    path.write_text(text[:at] + "\n".join(lines) + "\n" + text[at:])


def head_commit() -> str:
    """The commit measured (the code under bench/ aside, a run measures what is checked out)."""
    import subprocess

    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT)
    return done.stdout.strip()
