#!/usr/bin/env python3
"""Compares Waymark's shipped bank-holiday files with the `holidays` package (PyPI), 2010-2030.

Every weekday the package lists for a division must be in Waymark's file, and every day in the
file must be one the package lists. Days the package lists on a Saturday or Sunday are left out:
they take no working day, and the weekday that replaces them is listed as "(observed)".

Known differences are listed in docs/calendar.md with their source, and in KNOWN below; any
other difference fails. Run by `tests/run-all` (pip installs `holidays` first).
"""
import datetime
import pathlib
import sys

import holidays

ROOT = pathlib.Path(__file__).resolve().parents[2]
DATA = ROOT / "crates" / "waymark-calendar" / "data"
YEARS = range(2010, 2031)
DIVISIONS = {
    "england-and-wales.txt": ["ENG", "WLS"],
    "scotland.txt": ["SCT"],
    "northern-ireland.txt": ["NIR"],
}
# (file, date, "missing from Waymark" or "only in Waymark"): differences checked by hand against
# GOV.UK; docs/calendar.md says why each is right. Empty: the files and the package agree.
KNOWN = set()


def shipped(name):
    days = set()
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        days.add(datetime.date.fromisoformat(line.split()[0]))
    return days


def main():
    problems = []
    for name, subdivisions in DIVISIONS.items():
        ours = shipped(name)
        for subdivision in subdivisions:
            theirs = holidays.UK(subdiv=subdivision, years=YEARS)
            weekdays = {day for day in theirs if day.weekday() < 5}
            for day in sorted(weekdays - ours):
                if (name, day.isoformat(), "missing from Waymark") not in KNOWN:
                    problems.append(f"{name}: {day} {theirs.get(day)} ({subdivision}) is missing from Waymark")
            for day in sorted(ours - weekdays):
                if (name, day.isoformat(), "only in Waymark") not in KNOWN:
                    problems.append(f"{name}: {day} is in Waymark but not in holidays ({subdivision})")
    print(f"holidays {holidays.__version__}: compared {len(DIVISIONS)} files for {YEARS.start}-{YEARS.stop - 1}")
    for problem in problems:
        print(f"  {problem}")
    if problems:
        print("differences found: fix the data file, or list the difference with its source in docs/calendar.md and KNOWN")
        return 1
    print("no differences")
    return 0


if __name__ == "__main__":
    sys.exit(main())
