"""Write a synthetic archive of N reports as JSON Lines (or CSV).

Words follow a Zipf distribution over a fixed vocabulary, so a few terms are
in most reports and most terms are rare, as in real text. Titles run 6 to 14
words, summaries 40 to 90, with 400 categories and dates over 25 years.

    .venv/bin/python -m benchmarks.generate 1000000 /tmp/reports.jsonl
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
from datetime import date, timedelta
from pathlib import Path

SYLLABLES = [
    "ra", "re", "ri", "ro", "ta", "te", "ti", "to", "na", "ne", "ni", "no", "ma", "me", "mi",
    "mo", "ka", "ke", "ki", "ko", "la", "le", "li", "lo", "sa", "se", "si", "so", "da", "de",
    "di", "do", "ga", "go", "pa", "pe", "po", "va", "ve", "vo", "za", "zo", "ba", "be", "bo",
]
VOCABULARY_SIZE = 50_000
CATEGORIES = 400
START = date(2001, 1, 1)
DAYS = 25 * 365

# Terms the benchmark searches for, by how common they are.
COMMON_TERM = "the"  # rank 1: in nearly every report
MEDIUM_RANK = 300
RARE_RANK = 20_000


def vocabulary(seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    words: list[str] = ["the", "of", "and", "supply", "market"]
    seen = set(words)
    while len(words) < VOCABULARY_SIZE:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def zipf_weights(n: int, s: float = 1.05) -> list[float]:
    weights, total = [], 0.0
    for rank in range(1, n + 1):
        total += 1 / rank**s
        weights.append(total)
    return weights  # cumulative, for random.choices(cum_weights=...)


def reports(n: int, seed: int = 1):
    rng = random.Random(seed)
    words = vocabulary()
    cumulative = zipf_weights(len(words))
    categories = [
        f"{words[rng.randrange(500, 5000)].title()} {words[rng.randrange(500, 5000)].title()}"
        for _ in range(CATEGORIES)
    ]
    category_weights = zipf_weights(CATEGORIES, 0.8)
    for number in range(n):
        title_words = rng.choices(words, cum_weights=cumulative, k=rng.randint(6, 14))
        summary_words = rng.choices(words, cum_weights=cumulative, k=rng.randint(40, 90))
        yield {
            "id": f"RPT-{number + 1}",
            "title": " ".join(title_words).capitalize(),
            "category": rng.choices(categories, cum_weights=category_weights)[0],
            "date": (START + timedelta(days=rng.randrange(DAYS))).isoformat(),
            "views": int(rng.paretovariate(1.2)) - 1,
            "summary": " ".join(summary_words).capitalize() + ".",
        }


def terms() -> dict[str, str]:
    """A rare, a medium and the most common search term of the generated text."""
    words = vocabulary()
    return {"rare": words[RARE_RANK], "medium": words[MEDIUM_RANK], "common": COMMON_TERM}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("output", type=Path)
    args = parser.parse_args()
    fields = ["id", "title", "category", "date", "views", "summary"]
    with args.output.open("w", encoding="utf-8", newline="") as out:
        if args.output.suffix == ".csv":
            writer = csv.DictWriter(out, fields)
            writer.writeheader()
            writer.writerows(reports(args.count))
        else:
            for report in reports(args.count):
                out.write(json.dumps(report, ensure_ascii=False) + "\n")
    print(f"wrote {args.count} reports to {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
