#!/usr/bin/env python3
"""Reads a CSV written by plan with Python's csv module and checks it is well formed.

    check_csv.py FILE [--projection]

Every record must have as many fields as the header, lines must end in CRLF (RFC 4180),
and columns named *_usd, tokens*, volume_scale or utilization must hold plain numbers
(no currency symbols, no thousands separators). With --projection, also checks the
rules of `plan project --format csv` (docs/finance.md): months are YYYY-MM, each
total_usd is the sum of the printed cost lines, one_time_usd and capital_usd to the cent, and
cumulative_usd is the running sum of total_usd per option.
"""
import csv
import re
import sys

COST_LINES = ["api_tokens_usd", "provisioned_units_usd", "gpu_compute_usd", "amortization_usd", "energy_usd",
              "colocation_usd", "maintenance_usd", "ops_labour_usd", "monitoring_usd", "storage_usd", "egress_usd",
              "one_time_usd", "capital_usd"]


def cents(s):
    if not re.fullmatch(r"-?\d+\.\d\d", s):
        raise ValueError(f"not a money amount with 2 decimals: {s!r}")
    return int(round(float(s) * 100))


def main():
    path = sys.argv[1]
    projection = "--projection" in sys.argv[2:]
    with open(path, "rb") as f:
        raw = f.read()
    body = raw.replace(b"\r\n", b"")
    if b"\n" in body or b"\r" in body:
        sys.exit(f"{path}: a line does not end in CRLF")
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    if len(rows) < 2:
        sys.exit(f"{path}: no data rows")
    header = rows[0]
    numeric = [i for i, h in enumerate(header)
               if h.endswith("_usd") or h.startswith("tokens") or h in ("volume_scale", "utilization", "requests")]
    for n, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            sys.exit(f"{path}:{n}: {len(row)} fields, header has {len(header)}")
        for i in numeric:
            if row[i] != "":
                try:
                    float(row[i])
                except ValueError:
                    sys.exit(f"{path}:{n}: column {header[i]} is not a plain number: {row[i]!r}")
    if projection:
        col = {h: i for i, h in enumerate(header)}
        running = {}
        for n, row in enumerate(rows[1:], start=2):
            if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", row[col["month"]]):
                sys.exit(f"{path}:{n}: month {row[col['month']]!r} is not YYYY-MM")
            total = cents(row[col["total_usd"]])
            parts = sum(cents(row[col[c]]) for c in COST_LINES)
            if parts != total:
                sys.exit(f"{path}:{n}: total_usd {total / 100:.2f} != sum of lines {parts / 100:.2f}")
            opt = row[col["option"]]
            running[opt] = running.get(opt, 0) + total
            if cents(row[col["cumulative_usd"]]) != running[opt]:
                sys.exit(f"{path}:{n}: cumulative_usd is not the running sum of total_usd")
    print(f"{path}: {len(rows) - 1} records x {len(header)} fields read by the csv module")


if __name__ == "__main__":
    main()
