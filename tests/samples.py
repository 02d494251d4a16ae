"""Record sets that more than one test module builds an archive from."""

from __future__ import annotations

from collections.abc import Iterator

# -- hostile archive text (test_hostile*.py) ---------------------------------------------

OSC52 = "\x1b]52;c;SGVsbG8=\x07"
OSC2 = "\x1b]2;pwned\x07"
OSC0 = "\x1b]0;pwned\x1b\\"
CSI_CLEAR = "\x1b[2J"
CSI8 = "\x9b2J"
RLO = "\u202e"
LONG = "long " * 2000 + "END-OF-LONG"  # 10,011 characters

# Characters that must never reach a rendered segment or the terminal.
FORBIDDEN = ["\x1b", "\x9b", "\x9d", "\x07", "\x00", RLO, "\u202d", "\u2066", "\u2067"]

HOSTILE = [
    {
        "id": "H-MARKUP",
        "title": "Q3 [draft] outlook [/] [bold red]x [/foo]",
        "category": "[b]Cat[/b]",
        "date": "2024-01-06",
        "summary": "[@click=app.quit]boom[/] and [link=http://evil]click[/link]",
        "body": "# Head [red]x[/red]\n\n[bold]body[/bold] with [a link](http://example.com/) and `[code]`",
    },
    {
        "id": "H-ESC" + CSI_CLEAR,
        "title": "Clip" + OSC52 + "board" + OSC2 + "title",
        "category": "Esc" + CSI8 + "cat",
        "date": "2024-01-05",
        "summary": "Summary " + OSC0 + CSI_CLEAR + " end",
        "body": (
            "Body " + OSC52 + "\n\n" + CSI8 + "2J and entity &#8238;reversed&#x1b; &rlm;\n\n```\ncode " + OSC2 + "\n```"
        ),
        "url": "http://example.com/" + OSC52,
    },
    {
        "id": "H-BIDI",
        "title": "abc" + RLO + "fed.exe [x]",
        "category": "B" + RLO + "idi",
        "date": "2024-01-04",
        "summary": "isolate \u2067text\u2069 override \u202dlr\u202c",
    },
    {
        "id": "H-LONG",
        "title": LONG,
        "category": "Long " * 10,
        "date": "2024-01-03",
        "summary": LONG,
        "body": LONG,
    },
    {
        "id": "H-WIDE-漢字",
        "title": "資源の供給網 📈🚀 レアアース 中国 全角テキスト" * 3,
        "category": "資源📦",
        "date": "2024-01-02",
        "summary": "絵文字 🧲 と 漢字",
    },
]
DATES = [record["date"] for record in HOSTILE]
HOSTILE_NAME = "[b]Evil[/b] archive " + OSC2 + "[/]"

# -- the search language (test_query_language*.py) ---------------------------------------------

_LANGUAGE_FIELDS = ("id", "title", "category", "date", "views", "summary")
LANGUAGE_REPORTS = [
    dict(zip(_LANGUAGE_FIELDS, row, strict=True))
    for row in [
        ("RPT-100", "Cobalt supply outlook", "Energy Metals", "2023-05-02", 150, "Congo cobalt and refining in China"),
        ("RPT-101", "Nickel demand", "Energy Metals", "2024-01-15", 12, "Indonesian nickel, battery demand"),
        ("RPT-102", "Rare earth magnets", "Rare Earths", "2024-11-30", 0, "Magnet supply chain in China"),
        ("RPT-200", "Grain markets", "Agriculture", "2025-02-01", 101, "Wheat and maize supply"),
        ("XR-1", "Oil supply chain", None, None, 5, "Crude supply chain risks"),
    ]
]

# -- a larger archive (test_scale*.py) ------------------------------------------------------

HARBOUR_BODY = (
    "Shipping lanes were quiet in spring. Then cobalt refiners began processing ore for new supply chains"
    " across Asia, while the ports waited for cargo and the harbour master counted ships at anchor."
)
HARBOUR = {
    "id": "RPT-9001",
    "title": "Harbour logistics in the Strait",
    "category": "Shipping",
    "date": "2025-03-02",
    "summary": "Port congestion notes.",
    "body": HARBOUR_BODY,
}
"""A report whose body alone (not its title or summary) mentions supply chains: a match shown by a snippet."""

BIG = 50_000
METALS = ["copper", "nickel", "cobalt", "lithium", "graphite", "tin", "zinc", "silver"]


def big_reports(n: int = BIG) -> Iterator[dict]:
    for i in range(n):
        yield {
            "id": f"R-{i:06d}",
            "title": f"{METALS[i % 8]} outlook {i}",
            "category": f"Cat {i % 37}",
            "date": f"{2000 + i % 25}-{1 + i % 12:02d}-{1 + i % 28:02d}",
            "views": i % 101,
            "summary": "the market " + ("rareword " if i % 5000 == 0 else "") + METALS[(i * 7) % 8],
        }


# -- values of every SQLite type in every column, as other programs write them (test_hostile*.py) ----

MB10 = 10 * 1024 * 1024
TYPED_VALUES: dict[str, object] = {
    "null": None,
    "integer": 42,
    "min-integer": -(2**63),
    "max-integer": 2**63 - 1,
    "real": 1.5,
    "infinity": float("inf"),
    "empty": "",
    "text": "Clip" + OSC52 + "[b]x[/b]" + RLO,
    "blob": b"\x00\xff\x1b[2J\x9b binary",
    "long": "long text " * 10_000 + "END",  # 100,003 characters
}
"""One value of each kind another program can store; ``huge_rows`` has 10 MB ones."""

TYPED_COLUMNS = ("id", "title", "category", "date", "views", "summary", "body", "url")


def typed_rows() -> list[dict]:
    """One row for each (column, kind of value) pair; the other fields are ordinary."""
    rows = []
    for column in TYPED_COLUMNS:
        for kind, value in TYPED_VALUES.items():
            name = f"T-{column}-{kind}"
            row = {
                "id": name,
                "title": f"Typed {column} {kind}",
                "category": "Typed",
                "date": "2020-01-01",
                "views": 0,
                "summary": f"summary of {name}",
                "body": f"body of {name}",
                "url": f"https://example.com/{name}",
            }
            row[column] = value
            rows.append(row)
    # Another program dropped the unique index and stored one ID twice; and two rows with no ID.
    for n in (1, 2):
        rows.append({"id": "T-DUPLICATE", "title": f"Duplicate {n}", "category": "Typed", "date": "2020-01-02"})
        rows.append({"id": None, "title": f"No ID {n}", "category": "Typed", "date": "2020-01-03"})
    return rows


UNUSABLE_IDS = {"null", "blob", "empty", "long"}
"""Kinds of ID value that cannot be copied, marked or looked up (none, binary, blank, over 1,000 characters)."""


HUGE_TEXT = ("Ten megabytes of words in one field. " * (MB10 // 37 + 1))[:MB10]


def huge_rows() -> list[dict]:
    """A 10 MB value in each column, one row each."""
    rows = []
    for column in TYPED_COLUMNS:
        row = {
            "id": f"HUGE-{column}",
            "title": f"Huge {column}",
            "category": "Huge",
            "date": "2021-01-01",
            "views": 0,
            "summary": f"summary of HUGE-{column}",
            "body": "short body",
            "url": "https://example.com/huge",
        }
        row[column] = HUGE_TEXT + f" END-OF-{column}"
        rows.append(row)
    return rows
