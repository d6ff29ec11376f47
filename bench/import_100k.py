"""Import a generated 100,000-row callee file through the admin's service.

Run: .venv/bin/python bench/import_100k.py [--rows N]   (DATABASE_URL picks the database)

Prints seconds, rows per second, the process's peak memory, and the ratio to a
baseline measured in the same run: Python's csv module plus a digits-only regex
over the same file, no database.
"""
import argparse
import csv
import os
import random
import re
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laaffic_site.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.runner import DiscoverRunner  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

# Valid mobile ranges: (country code + prefix, digits that follow).
RANGES = [("86138", 8), ("86139", 8), ("86150", 8), ("447400", 6), ("6591", 6), ("49151", 8), ("14152", 6),
          ("9198", 8)]


def generate(path: Path, rows: int) -> None:
    """10 text columns, 2% duplicate numbers, 1% bad rows, numbers written in mixed styles."""
    rng = random.Random(42)
    numbers = []
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["Phone", *[f"text{i}" for i in range(1, 11)]])
        for i in range(rows):
            roll = rng.random()
            if roll < 0.01:
                number = rng.choice(["abc123", "8.61380E+12", "12345", "+44 7700 900123", ""])
            elif roll < 0.03 and numbers:
                number = rng.choice(numbers)
            else:
                prefix, length = rng.choice(RANGES)
                digits = prefix + f"{rng.randrange(10 ** length):0{length}d}"
                number = rng.choice([digits, "+" + digits, "00" + digits, f"+{digits[:2]} {digits[2:5]} {digits[5:]}"])
                numbers.append(number)
            writer.writerow([number, *[f"value {i} {c}"[:30] for c in range(10)]])


def baseline(path: Path) -> float:
    digits = re.compile(r"[^0-9]")
    started = time.perf_counter()
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        good = sum(7 <= len(digits.sub("", row[0])) <= 15 for row in reader)
    assert good
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    setup_test_environment()
    runner = DiscoverRunner(verbosity=0)
    old = runner.setup_databases()
    try:
        from campaigns.models import CalleeList
        from campaigns.services.imports import Target, import_file

        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "callees.csv"
            generate(path, args.rows)
            base = baseline(path)
            callee_list = CalleeList.objects.create(name="bench")
            started = time.perf_counter()
            with path.open("rb") as stream:
                result = import_file(stream, Target(callee_list))
            elapsed = time.perf_counter() - started
            stored = callee_list.callees.count()
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        report = result.report
        print(f"database: {connection.vendor}; rows: {report.rows:,}")
        print(f"imported {result.imported:,} (stored {stored:,}), duplicates {report.duplicates:,}, "
              f"rejected {report.rejected:,}")
        print(f"baseline (csv + digits regex, no database): {base:.2f} s")
        print(f"import (validate + store): {elapsed:.2f} s, {report.rows / elapsed:,.0f} rows/s, "
              f"{elapsed / base:.1f}x baseline")
        print(f"peak memory of the whole process: {peak_mb:.0f} MB")
        assert stored == result.imported
    finally:
        runner.teardown_databases(old)


if __name__ == "__main__":
    main()
