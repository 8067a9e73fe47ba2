#!/usr/bin/env python3
"""Checks plan's .xlsx workbooks: opens them with openpyxl, recomputes every formula with a
small evaluator (the functions and operators the workbooks use), and compares the results
with the same command's CSV. Then changes one input cell and checks that the totals that
depend on it move by exactly that amount, so the formulas are live, not pasted values.

usage: check_xlsx.py PLAN OUTDIR project|compare|sweep PLAN-ARGS...
Exit 0 on success, 1 on a mismatch, 125 (skipped) when openpyxl is not installed.
"""
import csv
import io
import os
import re
import subprocess
import sys

try:
    import openpyxl
except ImportError:
    print("check_xlsx: skipped: python3-openpyxl is not installed (scripts/setup.sh installs it)")
    sys.exit(125)

TOL = 0.005  # half a cent


class Book:
    """Formula evaluation over an openpyxl workbook, with overrides for changed inputs."""

    def __init__(self, wb):
        self.wb = wb
        self.cache = {}
        self.overrides = {}

    def set(self, sheet, ref, value):
        self.overrides[(sheet, ref.replace("$", ""))] = value
        self.cache = {}

    def value(self, sheet, ref):
        ref = ref.replace("$", "")
        key = (sheet, ref)
        if key in self.overrides:
            return self.overrides[key]
        if key in self.cache:
            return self.cache[key]
        raw = self.wb[sheet][ref].value
        if isinstance(raw, str) and raw.startswith("="):
            result = Formula(raw[1:], self, sheet).evaluate()
        else:
            result = raw
        self.cache[key] = result
        return result

    def range(self, sheet, a, b):
        (ca, ra), (cb, rb) = split_ref(a), split_ref(b)
        return [[self.value(sheet, f"{col_letters(c)}{r}") for c in range(ca, cb + 1)] for r in range(ra, rb + 1)]


def split_ref(ref):
    m = re.fullmatch(r"\$?([A-Z]+)\$?(\d+)", ref)
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return col, int(m.group(2))


def col_letters(col):
    s = ""
    while col:
        col, rem = divmod(col - 1, 26)
        s = chr(65 + rem) + s
    return s


TOKEN = re.compile(r"""\s*(?:
    (?P<sheetref>'(?:[^']|'')+'!\$?[A-Z]+\$?\d+(?::\$?[A-Z]+\$?\d+)?)
  | (?P<ref>\$?[A-Z]+\$?\d+(?::\$?[A-Z]+\$?\d+)?)
  | (?P<func>[A-Z]+)\(
  | (?P<num>\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)
  | (?P<str>"(?:[^"]|"")*")
  | (?P<op><=|>=|<>|[-+*/^(),<>=])
)""", re.X)


class Formula:
    def __init__(self, text, book, sheet):
        self.book, self.sheet = book, sheet
        self.toks = []
        pos = 0
        while pos < len(text):
            m = TOKEN.match(text, pos)
            if not m or m.end() == pos:
                raise ValueError(f"cannot parse formula at {text[pos:]!r} in {text!r}")
            self.toks.append((m.lastgroup, m.group(m.lastgroup)))
            pos = m.end()
        self.i = 0

    def peek(self):
        return self.toks[self.i] if self.i < len(self.toks) else (None, None)

    def take(self, want=None):
        tok = self.peek()
        if want is not None and tok[1] != want:
            raise ValueError(f"expected {want!r}, got {tok!r}")
        self.i += 1
        return tok

    def evaluate(self):
        v = self.compare()
        if self.i != len(self.toks):
            raise ValueError(f"trailing tokens {self.toks[self.i:]}")
        return v

    def compare(self):
        a = self.additive()
        while self.peek()[1] in ("<", ">", "=", "<=", ">=", "<>"):
            op = self.take()[1]
            b = self.additive()
            a = {"<": a < b, ">": a > b, "=": a == b, "<=": a <= b, ">=": a >= b, "<>": a != b}[op]
        return a

    def additive(self):
        a = self.term()
        while self.peek()[1] in ("+", "-"):
            op = self.take()[1]
            b = self.term()
            a = a + b if op == "+" else a - b
        return a

    def term(self):
        a = self.power()
        while self.peek()[1] in ("*", "/"):
            op = self.take()[1]
            b = self.power()
            a = a * b if op == "*" else a / b
        return a

    def power(self):
        a = self.unary()
        while self.peek()[1] == "^":
            self.take()
            a = a ** self.unary()
        return a

    def unary(self):
        if self.peek()[1] == "-":
            self.take()
            return -self.unary()
        return self.primary()

    def primary(self):
        kind, text = self.take()
        if kind == "num":
            return float(text)
        if kind == "str":
            return text[1:-1].replace('""', '"')
        if kind in ("ref", "sheetref"):
            sheet = self.sheet
            if kind == "sheetref":
                name, text = text.rsplit("!", 1)
                sheet = name[1:-1].replace("''", "'")
            if ":" in text:
                a, b = text.split(":")
                return self.book.range(sheet, a, b)
            return self.book.value(sheet, text)
        if kind == "op" and text == "(":
            v = self.compare()
            self.take(")")
            return v
        if kind == "func":
            args = []
            if self.peek()[1] != ")":
                args.append(self.compare())
                while self.peek()[1] == ",":
                    self.take()
                    args.append(self.compare())
            self.take(")")
            return call(text, args)
        raise ValueError(f"unexpected {text!r}")


def flat(args):
    for a in args:
        if isinstance(a, list):
            for row in a:
                yield from (row if isinstance(row, list) else [row])
        else:
            yield a


def call(name, args):
    if name == "SUM":
        return sum(v for v in flat(args) if isinstance(v, (int, float)))
    if name == "MIN":
        return min(v for v in flat(args) if isinstance(v, (int, float)))
    if name == "ROUND":
        x, n = args
        q = 10 ** int(n)
        return (1 if x >= 0 else -1) * int(abs(x) * q + 0.5) / q  # Excel rounds half away from zero
    if name == "IF":
        return args[1] if args[0] else args[2]
    if name == "MATCH":
        want, where, _ = args
        cells = list(flat([where]))
        return cells.index(want) + 1
    if name == "INDEX":
        cells = list(flat([args[0]]))
        return cells[int(args[1]) - 1]
    raise ValueError(f"function {name} is not known to the checker")


def run(plan, args):
    p = subprocess.run([plan] + args, capture_output=True)
    if p.returncode != 0:
        sys.exit(f"check_xlsx: plan {' '.join(args)} exited {p.returncode}: {p.stderr.decode()}")
    return p.stdout


failures = []


def close(what, got, want):
    if got is None or abs(float(got) - float(want)) > TOL:
        failures.append(f"{what}: workbook {got!r}, CSV {want!r}")


def header_columns(ws, row=3):
    return {c.value: c.column for c in ws[row] if c.value is not None}


def check_project(plan, args, path):
    rows = list(csv.DictReader(io.StringIO(run(plan, args + ["--format", "csv"]).decode())))
    book = Book(openpyxl.load_workbook(path))
    sheets = book.wb.sheetnames
    assert sheets[:2] == ["Summary", "Inputs"], sheets
    option_sheets = {}
    for name in sheets[2:]:
        title = book.wb[name]["A1"].value
        option_sheets[title.split(" (")[0]] = name
    by_option = {}
    for r in rows:
        by_option.setdefault(r["option"], []).append(r)
    checked = 0
    for option, months in by_option.items():
        sh = option_sheets[option]
        cols = header_columns(book.wb[sh])
        for i, r in enumerate(months):
            row = 4 + i
            for name in ("total_usd", "cumulative_usd", "savings_vs_baseline_usd", "cumulative_savings_usd",
                         "present_value_usd"):
                if name in cols and r[name] != "":
                    close(f"{sh}!{name} month {i + 1}", book.value(sh, f"{col_letters(cols[name])}{row}"), r[name])
                    checked += 1
    summary = header_columns(book.wb["Summary"])
    for k, (option, months) in enumerate(by_option.items()):
        total = sum(float(r["total_usd"]) for r in months)
        close(f"Summary total of {option}", book.value("Summary", f"{col_letters(summary['horizon_total_usd'])}{4 + k}"),
              total)
        checked += 1
    # Live formulas: add $100 to the first option's first cost line in month 1; its total,
    # its cumulative sums and its horizon total move by $100.
    first = next(iter(by_option))
    sh = option_sheets[first]
    cols = header_columns(book.wb[sh])
    line_col = col_letters(cols["api_tokens_usd"])
    before_total = book.value("Summary", f"{col_letters(summary['horizon_total_usd'])}4")
    before_last_cum = book.value(sh, f"{col_letters(cols['cumulative_usd'])}{3 + len(by_option[first])}")
    book.set(sh, f"{line_col}4", book.value(sh, f"{line_col}4") + 100)
    close("horizon total after +$100", book.value("Summary", f"{col_letters(summary['horizon_total_usd'])}4"),
          before_total + 100)
    close("last cumulative after +$100",
          book.value(sh, f"{col_letters(cols['cumulative_usd'])}{3 + len(by_option[first])}"), before_last_cum + 100)
    return checked


def check_compare(plan, args, path):
    rows = list(csv.DictReader(io.StringIO(run(plan, args + ["--format", "csv"]).decode())))
    book = Book(openpyxl.load_workbook(path))
    cols = header_columns(book.wb["Options"])
    checked = 0
    for k, r in enumerate(rows):
        row = 4 + k
        assert book.value("Options", f"A{row}") == r["option"], (row, r["option"])
        if r["feasible"] == "false":
            # An infeasible option has no price: empty in the CSV and in the workbook.
            for name in ("monthly_total_usd", "usd_per_mtok", "api_tokens_usd"):
                got = book.wb["Options"][f"{col_letters(cols[name])}{row}"].value
                if got not in (None, "") or r["monthly_cost_usd"] != "":
                    failures.append(f"{r['option']} is infeasible but has a price: workbook {name} {got!r}, "
                                    f"CSV {r['monthly_cost_usd']!r}")
            checked += 1
            continue
        close(f"{r['option']} monthly total", book.value("Options", f"{col_letters(cols['monthly_total_usd'])}{row}"),
              r["monthly_cost_usd"])
        got = book.value("Options", f"{col_letters(cols['usd_per_mtok'])}{row}")
        if abs(got - float(r["cost_per_mtok_usd"])) > 0.00005 + 1e-9:  # CSV prints 4 decimals
            failures.append(f"{r['option']} usd_per_mtok: workbook {got}, CSV {r['cost_per_mtok_usd']}")
        checked += 2
    # Live: +$100 on the first line of the first option moves its total by $100.
    line = f"{col_letters(cols['api_tokens_usd'])}4"
    total = f"{col_letters(cols['monthly_total_usd'])}4"
    before = book.value("Options", total)
    book.set("Options", line, book.value("Options", line) + 100)
    close("monthly total after +$100", book.value("Options", total), before + 100)
    return checked


def check_sweep(plan, args, path):
    rows = list(csv.DictReader(io.StringIO(run(plan, args + ["--format", "csv"]).decode())))
    book = Book(openpyxl.load_workbook(path))
    ws = book.wb["Sweep"]
    cols = header_columns(ws)
    checked = 0
    for k, r in enumerate(rows):
        row = 4 + k
        got = book.value("Sweep", f"A{row}")
        if abs(got - float(r["tokens_per_day"])) > 0.5:  # the CSV prints whole tokens
            failures.append(f"volume row {row}: workbook {got}, CSV {r['tokens_per_day']}")
        want = r["cheapest"] or "none"
        got = book.value("Sweep", f"{col_letters(cols['cheapest'])}{row}")
        if got != want:
            failures.append(f"cheapest at row {row}: workbook {got!r}, CSV {want!r}")
        checked += 2
    return checked


def main():
    plan, outdir, command, args = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    os.makedirs(outdir, exist_ok=True)
    path = os.path.join(outdir, f"{command}.xlsx")
    if os.path.exists(path):
        os.remove(path)
    run(plan, [command] + args + ["--format", "xlsx", "-o", path])
    checker = {"project": check_project, "compare": check_compare, "sweep": check_sweep}[command]
    checked = checker(plan, [command] + args, path)
    if failures:
        print("\n".join(failures))
        return 1
    print(f"check_xlsx: {command}: {checked} figures recomputed from formulas match the CSV")
    return 0


if __name__ == "__main__":
    sys.exit(main())
