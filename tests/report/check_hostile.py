#!/usr/bin/env python3
"""Hostile text through every output format (docs/reports.md, "Untrusted text").

A seeded generator fills every string a profile can carry (name, descriptions, workload and
option ids), the price sheet's version and every string of a usage file (model names, tags)
with hostile text: markup,
spreadsheet formulas, terminal control sequences, invalid UTF-8 (usage files; a profile must
be UTF-8), very long names, right-to-left overrides and Markdown syntax. Then every command
(compare, recommend, project, breakeven, sweep, risk, report, profile import) runs in every
format it has (and prices show), and each format's invariant is checked:

  table, Markdown, stderr  no raw control character but newline and tab, no C1 or bidi
                           control, valid UTF-8; Markdown rows keep their cell count
  CSV                      no text cell starts with = + - @ tab or CR (numbers may be negative);
                           every hostile id is there, with its ' prefix where it needs one
  JSON                     parses, and the option and workload ids read back exactly
  HTML, SVG                no element or attribute the same report of a benign profile lacks;
                           the title reads back as the profile's name
  xlsx                     the same formulas, cell for cell, as the benign profile's workbook
  import YAML              loads (plan compare runs on it) and holds no raw control character

With --browser the reports are opened in headless Chromium (as tests/report/check_report.py
does) and no injected script may have run.

usage: check_hostile.py PLAN OUTDIR [--seeds N] [--browser]
Exit 0 on success, 1 on failure, 125 when --browser is given and Chromium is absent (skip).
"""
import csv
import html.parser
import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SHEET = os.path.join(ROOT, "tests/data/sheet-finance.yaml")

# What an injected script does when it runs: marks the page, which the browser check looks for.
PWN = "document.documentElement.setAttribute('data-pwned','1')"
CATEGORIES = {
    "markup": [
        f"a</title><script>{PWN}</script>",
        f"\"><img src=x onerror=\"{PWN}\">",
        f"'><svg onload='{PWN}'>",
        f"</style><script>{PWN}</script><style>",
        f"<iframe srcdoc=\"<script>{PWN}</script>\"></iframe>",
        "x]]><!--<b>bold</b>",
    ],
    "formula": [
        "=HYPERLINK(\"http://x\",\"y\")",
        "@SUM(A1)",
        "+cmd|' /C calc'!A0",
        "-2+3+cmd",
        "\t=1+1",
        "\r=1+1",
    ],
    "control": [
        "a\x1b[31mred\x1b[0m",
        "t\x1b]0;retitled\x07",
        "c1\u009b31mcsi",
        "bell\x07\x08bs",
        "del\x7fx",
        "cr\rover",
    ],
    "rtl": [
        "inv\u202eslx.exe",
        "iso\u2066lated\u2069",
        "emb\u202bx\u202c",
    ],
    "long": [
        "L" * 5000,
        "\u00e9" * 3000,
        "w-" * 2000,
    ],
    "markdown": [
        "a|b|c",
        "`code` and ``two``",
        "| --- |",
        "*star* _u_ [l](http://x)",
    ],
}
NAMES = list(CATEGORIES)
# Only in usage files: bytes that are not UTF-8 (a profile is read as UTF-8 and rejects them).
INVALID_UTF8 = [b"bad\xff\xfe", b"\xc0\xbcscript\xc0\xbe", b"\xe2\x82", b"\x89PNG\r\n\x1a\n"]

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg)


def yq(s):
    """A YAML double-quoted scalar: JSON's escapes are YAML's (ASCII only)."""
    return json.dumps(s, ensure_ascii=True)


class Strings:
    """The hostile strings of one seed: each field's category turns with the seed, so that a
    few seeds give every field every category."""

    def __init__(self, seed, benign=False):
        self.rng = random.Random(seed)
        self.seed = seed
        self.benign = benign
        self.n = 0

    def get(self, slot):
        self.n += 1
        if self.benign:
            return f"benign{self.n}"
        cat = NAMES[(self.seed + slot) % len(NAMES)]
        s = self.rng.choice(CATEGORIES[cat])
        return s + f"#{self.n}"  # unique: ids must differ


def make_sheet(seed, benign=False):
    """tests/data/sheet-finance.yaml with a hostile version (shown in every output)."""
    version = f"benign-sheet-{seed}" if benign else Strings(seed + 3).get(0)
    text = open(SHEET, encoding="utf-8").read()
    return re.sub(r"^version: .*$", lambda m: "version: " + yq(version), text, count=1, flags=re.M)


def make_profile(seed, benign=False):
    st = Strings(seed, benign)
    name = st.get(0)
    workloads = [st.get(i) for i in range(1, 4)]
    options = [st.get(i) for i in range(4, 8)]
    descs = [st.get(i) for i in range(8, 12)]
    w = [
        f"name: {yq(name)}",
        f"description: {yq(descs[0])}",
        "price_sheet: test-finance",
        "horizon:",
        "  months: 6",
        '  start: "2025-01"',
        "  growth_per_month: 0.2",
        "workloads:",
    ]
    for i, wid in enumerate(workloads):
        w += [f"  - id: {yq(wid)}", f"    description: {yq(descs[1])}",
              f"    tokens_per_day: {(i + 1) * 3000000}", "    input_share: 0.5"]
    w.append("options:")
    kinds = [("api", "    model: flat-15"), ("api", "    model: blended-030"),
             ("self_hosted", "    instance: gpu-2000\n    model: llama-3.1-8b\n    term: reserved_1y\n"
                             "    tokens_per_second_per_replica: 400"),
             ("self_hosted", "    instance: gpu-2000\n    model: llama-3.1-8b\n    tokens_per_second_per_replica: 400")]
    for oid, (kind, rest) in zip(options, kinds):
        w += [f"  - id: {yq(oid)}", f"    description: {yq(descs[2])}", f"    kind: {kind}", rest]
    w += ["uncertainty:", "  draws: 300", "  seed: 3", "  volume: {dist: lognormal, p10: 0.7, p90: 1.4}"]
    return "\n".join(w) + "\n", name, workloads, options


def run(cmd, ok=(0,), binary=False):
    p = subprocess.run(cmd, capture_output=True)
    if p.returncode not in ok:
        fail(f"{' '.join(cmd[:3])}... exited {p.returncode}: {p.stderr[:300]!r}")
    return p


def terminal_clean(what, data):
    """No raw control character but newline and tab; no C1 or bidi control; UTF-8."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        fail(f"{what}: not UTF-8 at byte {e.start}: {data[max(0, e.start - 20):e.start + 10]!r}")
        return
    m = re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", text)
    if m:
        fail(f"{what}: raw control character U+{ord(m.group()):04X} at {m.start()}: "
             f"{text[max(0, m.start() - 30):m.start() + 10]!r}")


def check_markdown(what, text):
    """Every table row has as many cells as its header (a pipe inside a cell is escaped)."""
    cells = None
    for line in text.splitlines():
        if not line.startswith("|"):
            cells = None
            continue
        n = len(re.findall(r"(?<!\\)\|", line))
        if cells is None:
            cells = n
        elif n != cells:
            fail(f"{what}: a Markdown row has {n - 1} cells, its header {cells - 1}: {line[:120]!r}")
            return


FORMULA = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?$")


def check_csv(what, data, ids):
    text = data.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    cells = [c for r in rows for c in r]
    for c in cells:
        if c.startswith(FORMULA) and not NUMBER.match(c):
            fail(f"{what}: CSV cell starts with a formula character: {c[:60]!r}")
            return
    joined = set(cells)
    for i in ids:
        want = "'" + i if i.startswith(FORMULA) else i
        if want not in joined and not any(want in c for c in cells):
            fail(f"{what}: id {i[:40]!r} not found in the CSV (as {want[:40]!r})")
            return


def json_strings(v, out):
    if isinstance(v, str):
        out.add(v)
    elif isinstance(v, list):
        for x in v:
            json_strings(x, out)
    elif isinstance(v, dict):
        for k, x in v.items():
            out.add(k)
            json_strings(x, out)
    return out


def check_json(what, data, ids):
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        fail(f"{what}: JSON does not parse: {e}")
        return
    strings = json_strings(doc, set())
    for i in ids:
        if i not in strings:
            fail(f"{what}: id {i[:40]!r} does not read back from the JSON")
            return
    if isinstance(doc, dict) and isinstance(doc.get("options"), list) and what.endswith("compare.json"):
        got = [o.get("id") for o in doc["options"]]
        if sorted(got) != sorted(ids):
            fail(f"{what}: option ids read back as {[g[:20] for g in got]}")


class Shape(html.parser.HTMLParser):
    """Element names and attribute names of a document; the title's text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.attrs, self.title, self._in_title = set(), set(), "", False

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        for k, _ in attrs:
            self.attrs.add((tag, k))
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def html_shape(text):
    p = Shape()
    p.feed(text)
    p.close()
    return p


def check_html(what, text, benign, name):
    got, ref = html_shape(text), html_shape(benign)
    extra_tags = got.tags - ref.tags
    extra_attrs = got.attrs - ref.attrs
    if extra_tags or extra_attrs:
        fail(f"{what}: elements or attributes the program did not write: {sorted(extra_tags)} {sorted(extra_attrs)[:8]}")
    # The title reads back as the name (control characters XML forbids read as U+FFFD).
    want = "plan report: " + re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", "\ufffd", name)
    if got.title != want.replace("\r\n", "\n").replace("\r", "\n"):
        fail(f"{what}: title reads {got.title[:80]!r}, expected {want[:80]!r}")


def svg_shape(text):
    root = ET.fromstring(text)
    tags, attrs = set(), set()
    for e in root.iter():
        tags.add(e.tag)
        for k in e.attrib:
            attrs.add((e.tag, k))
    return tags, attrs


def check_svg(what, text, benign):
    try:
        got = svg_shape(text)
    except ET.ParseError as e:
        fail(f"{what}: SVG is not well-formed XML: {e}")
        return
    ref = svg_shape(benign)
    if got[0] - ref[0] or got[1] - ref[1]:
        fail(f"{what}: SVG elements or attributes the program did not write: {sorted(got[0] - ref[0])} "
             f"{sorted(got[1] - ref[1])[:8]}")


def xlsx_formulas(path):
    import openpyxl
    wb = openpyxl.load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f":
                    # Sheet names come from option ids: compare the formulas with them left out.
                    out[(len(out), c.coordinate)] = re.sub(r"'(?:[^']|'')*'!", "'S'!", str(c.value))
    return out, [ws.title for ws in wb.worksheets]


def check_xlsx(what, path, benign_path):
    try:
        got, _ = xlsx_formulas(path)
        ref, _ = xlsx_formulas(benign_path)
    except ImportError:
        print(f"note: {what}: openpyxl is not installed; workbook formulas not checked")
        return
    # Sheet titles may carry the ids; compare formulas by position in sheet order.
    if sorted(got.values()) != sorted(ref.values()) or len(got) != len(ref):
        extra = sorted(set(got.values()) - set(ref.values()))[:3]
        fail(f"{what}: workbook formulas differ from the benign profile's ({len(got)} against {len(ref)}): {extra}")


def commands(profile, sheet, outdir, tag):
    """(name, argv, format) for every command and format."""
    c = [("prices.show", ["prices", "show", sheet], "table")]
    base = ["--prices", sheet]
    for fmt in ["table", "csv", "json", "markdown"]:
        c.append((f"compare.{fmt}", ["compare", profile, *base, "--format", fmt], fmt))
        c.append((f"recommend.{fmt}", ["recommend", profile, *base, "--format", fmt], fmt))
        c.append((f"project.{fmt}", ["project", profile, *base, "--format", fmt], fmt))
        c.append((f"breakeven.{fmt}", ["breakeven", profile, *base, "--format", fmt], fmt))
        c.append((f"sweep.{fmt}", ["sweep", profile, *base, "--volume", "1M..10B", "--points", "12", "--log",
                                   "--format", fmt], fmt))
        c.append((f"risk.{fmt}", ["risk", profile, *base, "--format", fmt], fmt))
    c.append(("project.svg", ["project", profile, *base, "--format", "svg"], "svg"))
    c.append(("sweep.svg", ["sweep", profile, *base, "--volume", "1M..10B", "--points", "12", "--format", "svg"], "svg"))
    for cmd in ["compare", "project", "sweep"]:
        extra = ["--volume", "1M..10B", "--points", "12"] if cmd == "sweep" else []
        out = os.path.join(outdir, f"{tag}.{cmd}.xlsx")
        c.append((f"{cmd}.xlsx", [cmd, profile, *base, *extra, "--format", "xlsx", "-o", out], "xlsx"))
    c.append(("report.html", ["report", profile, *base, "-o", os.path.join(outdir, f"{tag}.html")], "html"))
    return c


def check_profile_seed(plan, outdir, seed):
    text, name, workloads, options = make_profile(seed)
    benign_text = make_profile(seed, benign=True)[0]
    prof = os.path.join(outdir, f"hostile-{seed}.yaml")
    ref = os.path.join(outdir, f"benign-{seed}.yaml")
    open(prof, "w", encoding="utf-8").write(text)
    open(ref, "w", encoding="utf-8").write(benign_text)
    sheet = os.path.join(outdir, f"sheet-hostile-{seed}.yaml")
    ref_sheet = os.path.join(outdir, f"sheet-benign-{seed}.yaml")
    open(sheet, "w", encoding="utf-8").write(make_sheet(seed))
    open(ref_sheet, "w", encoding="utf-8").write(make_sheet(seed, benign=True))
    n = 0
    for (what, argv, fmt), (_, ref_argv, _) in zip(commands(prof, sheet, outdir, f"hostile-{seed}"),
                                                   commands(ref, ref_sheet, outdir, f"benign-{seed}")):
        what = f"seed {seed}: {what}"
        p = run([plan, *argv])
        n += 1
        terminal_clean(f"{what} (stderr)", p.stderr)
        if p.returncode != 0:
            continue
        if fmt in ("table", "markdown"):
            terminal_clean(what, p.stdout)
            if fmt == "markdown":
                check_markdown(what, p.stdout.decode("utf-8", "replace"))
        elif fmt == "csv":
            check_csv(what, p.stdout, [i for i in options if "\r" not in i])
        elif fmt == "json":
            terminal_clean(what, p.stdout)
            check_json(what, p.stdout, options)
        elif fmt == "svg":
            r = run([plan, *ref_argv])
            check_svg(what, p.stdout.decode("utf-8"), r.stdout.decode("utf-8"))
        elif fmt == "xlsx":
            run([plan, *ref_argv])
            check_xlsx(what, argv[-1], ref_argv[-1])
        elif fmt == "html":
            run([plan, *ref_argv])
            check_html(what, open(argv[-1], encoding="utf-8").read(), open(ref_argv[-1], encoding="utf-8").read(),
                       name)
    # Bad input quoting hostile text: the error line is escaped.
    p = run([plan, "project", prof, "--prices", sheet, "--baseline", "x\x1b[2J\u009b" + "\udcff"], ok=(64, 2))
    terminal_clean(f"seed {seed}: project --baseline (error line)", p.stderr)
    return n + 1


def usage_csv(seed):
    """A request log whose model names and tags are hostile (bytes, some not UTF-8)."""
    rng = random.Random(seed)
    names = [s.encode("utf-8") for cat in NAMES for s in CATEGORIES[cat]] + INVALID_UTF8
    rng.shuffle(names)
    names = names[:12] + [b"gpt-4o"]
    rows = [b"timestamp,model,tag,input_tokens,output_tokens"]
    for d in range(3):
        for h in range(24):
            for k, nm in enumerate(names):
                if (h + k) % 4:
                    continue
                q = b'"' + nm.replace(b'"', b'""') + b'"'
                tag = names[(k + 5) % len(names)]
                rows.append(b"2026-05-%02dT%02d:00:00Z,%s,%s,%d,%d" % (d + 1, h, q, b'"' + tag.replace(b'"', b'""') + b'"',
                                                                       100 + k, 50 + h))
    return b"\r\n".join(rows) + b"\r\n"


def check_import(plan, outdir, seed):
    data = os.path.join(outdir, f"usage-{seed}.csv")
    open(data, "wb").write(usage_csv(seed))
    n = 0
    for by in ["model", "tag"]:
        out = os.path.join(outdir, f"imported-{seed}-{by}.yaml")
        what = f"seed {seed}: profile import --by {by}"
        p = run([plan, "profile", "import", data, "--by", by, "--prices", SHEET, "--name", "n\x1b[1m\u202e=x", "-o", out])
        terminal_clean(f"{what} (stderr)", p.stderr)
        n += 1
        if p.returncode != 0:
            continue
        raw = open(out, "rb").read()
        terminal_clean(f"{what} (written YAML)", raw)
        c = run([plan, "compare", out, "--prices", SHEET])
        terminal_clean(f"{what}: compare of the written profile", c.stdout + c.stderr)
        n += 1
    # A binary file: the error line quotes its header escaped.
    binf = os.path.join(outdir, "binary.csv")
    open(binf, "wb").write(b"ts\x1b]0;pwned\x07,mo\x1b[31mdel\xff,\x00\x01\n\x89PNG\r\n\x1a\n")
    p = run([plan, "profile", "import", binf, "-o", os.path.join(outdir, "never.yaml")], ok=(2,))
    terminal_clean(f"seed {seed}: profile import of a binary file (error line)", p.stderr)
    return n + 1


CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                  "--virtual-time-budget=2000", "--dump-dom"]


def check_browser(plan, outdir, seeds):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        print("SKIP: chromium is not installed (scripts/setup.sh installs it)")
        sys.exit(125)
    sys.path.insert(0, HERE)
    from check_report import run_chromium
    checked = 0
    for seed in seeds:
        text, name, _, _ = make_profile(seed)
        prof = os.path.join(outdir, f"hostile-{seed}.yaml")
        open(prof, "w", encoding="utf-8").write(text)
        sheet = os.path.join(outdir, f"sheet-hostile-{seed}.yaml")
        open(sheet, "w", encoding="utf-8").write(make_sheet(seed))
        page = os.path.join(outdir, f"hostile-{seed}.html")
        run([plan, "report", prof, "--prices", sheet, "-o", page])
        # A control: the same page with a script of ours must show the mark, so that a page
        # without it means no injected script ran (not that none could).
        control = os.path.join(outdir, f"control-{seed}.html")
        open(control, "w", encoding="utf-8").write(
            open(page, encoding="utf-8").read().replace("</body>", f"<script>{PWN}</script></body>"))
        for path, want in [(page, False), (control, True)]:
            dom = path + ".dom"
            if os.path.exists(dom):
                os.remove(dom)
            cmd = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={os.path.join(outdir, 'chromium-profile')}",
                   "file://" + os.path.abspath(path)]
            run_chromium(cmd, lambda: os.path.exists(dom) and "</html>" in open(dom, errors="replace").read(), dom)
            got = open(dom, encoding="utf-8", errors="replace").read() if os.path.exists(dom) else ""
            if "</html>" not in got:
                fail(f"seed {seed}: chromium dumped no DOM for {path}")
                continue
            ran = re.search(r"<html[^>]*data-pwned=", got) is not None
            if ran != want:
                fail(f"seed {seed}: {os.path.basename(path)}: "
                     + ("an injected script ran" if ran else "the control script did not run"))
            checked += 1
    return checked


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    plan, outdir = os.path.abspath(args[0]), args[1]
    nseeds = len(NAMES)
    for a in sys.argv[1:]:
        if a.startswith("--seeds="):
            nseeds = int(a.split("=", 1)[1])
    os.makedirs(outdir, exist_ok=True)
    seeds = list(range(1, nseeds + 1))
    if "--browser" in sys.argv:
        n = check_browser(plan, outdir, seeds)
    else:
        n = sum(check_profile_seed(plan, outdir, s) for s in seeds)
        n += sum(check_import(plan, outdir, s) for s in seeds)
    if failures:
        print(f"{len(failures)} failures in {n} runs")
        sys.exit(1)
    print(f"ok: {n} runs over seeds {seeds[0]}..{seeds[-1]}: every format's invariant holds")


if __name__ == "__main__":
    main()
