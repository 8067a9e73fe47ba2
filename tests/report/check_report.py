#!/usr/bin/env python3
"""Checks a `plan report` HTML file: structure, numbers equal to `plan compare --format json`,
the executive summary's figures equal to `plan recommend` / `plan project --format json` (to
the cent), crossovers written as volumes, no network resources, and, where Chromium is
installed, that it renders to a non-blank page and that no two text labels of a chart overlap
(bounding boxes measured in the browser).

usage: check_report.py PLAN PROFILE OUTDIR [--browser]
Exit 0 on success, 1 on failure, 125 when --browser is given and Chromium is absent (skip).
"""
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import zlib


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        fail(f"{' '.join(cmd)} exited {p.returncode}: {p.stderr.strip()}")
    return p


def png_stats(path):
    """Width, height and the number of distinct pixel rows of an 8-bit RGB(A) PNG."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        fail(f"{path} is not a PNG")
    pos, idat, width, height, ctype = 8, b"", 0, 0, 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            width, height, depth, ctype = struct.unpack(">IIBB", body[:10])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    bpp = {2: 3, 6: 4}.get(ctype, 3)
    stride = width * bpp + 1
    # Rows differ after unfiltering only where the picture does; count distinct raw rows
    # with filter type 0 or distinct filtered rows: a blank page compresses to one pattern.
    rows = {raw[i * stride:(i + 1) * stride] for i in range(min(height, len(raw) // stride))}
    return width, height, len(rows)


def cents(x):
    return round(float(x) * 100)


def check_summary(plan, profile, html):
    """The summary's figures against the JSON of plan recommend and plan project."""
    rec = json.loads(run([plan, "recommend", profile, "--format", "json"]).stdout)
    proj = json.loads(run([plan, "project", profile, "--format", "json"]).stdout)
    if '<section id="summary">' not in html:
        fail("summary section missing")
    if html.index('<section id="summary">') > html.index("<section"):
        fail("the summary is not the first section")
    summary = html[html.index('<section id="summary">'):]
    summary = summary[:summary.index("</section>")]
    if rec["recommended"] is None:
        if "No plan is feasible" not in summary:
            fail("no feasible plan, and the summary does not say so")
        return 0
    best = rec["recommended"]
    m = re.search(r'<b id="summary-option" data-kind="[^"]*">([^<]*)</b>', summary)
    if not m or m.group(1) != best:
        fail(f"summary recommends {m.group(1) if m else None!r}, plan recommend {best!r}")
    plan_row = next(p for p in rec["plans"] if p["id"] == best)

    def figure(name):
        f = re.search(rf'<tr data-figure="{name}"[^>]*><th>[^<]*</th><td class="num" data-usd="([^"]+)"', summary)
        return f.group(1) if f else None

    if cents(figure("monthly")) != cents(plan_row["monthly_cost_usd"]):
        fail(f"summary monthly {figure('monthly')} != plan recommend {plan_row['monthly_cost_usd']}")
    opt = next((o for o in proj["options"] if o["id"] == best), None)
    checked = 1
    if opt is None:
        if "has no month-by-month projection" not in summary:
            fail(f"{best} is not projected, and the summary does not say so")
        return checked
    if cents(figure("month1")) != cents(opt["months"][0]["total"]):
        fail(f"summary month 1 {figure('month1')} != plan project {opt['months'][0]['total']}")
    if cents(figure("horizon")) != cents(opt["totals"]["total"]):
        fail(f"summary horizon total {figure('horizon')} != plan project {opt['totals']['total']}")
    checked += 2
    pay = re.search(r'<tr data-figure="payback" data-month="([^"]*)"><th>payback</th><td colspan="2">([^<]*)</td>',
                    summary)
    if not pay:
        fail("payback row missing")
    if best != proj["baseline"]:
        want = "" if opt["payback_month"] is None else str(opt["payback_month"])
        if pay.group(1) != want:
            fail(f"summary payback month {pay.group(1)!r} != plan project {want!r}")
        if want == "" and f"no payback within {proj['months']} months" not in pay.group(2):
            fail("no payback, and the summary does not say within how many months")
    checked += 1
    shown = dict(re.findall(r'<li class="(?:saving|extra)" data-option="([^"]+)" data-savings-usd="([^"]+)"', summary))
    for o in proj["options"]:
        if o["id"] == best or not o["feasible"] or not opt["feasible"]:
            continue  # savings of or against an option infeasible in some month are not computed
        if o["id"] not in shown:
            fail(f"summary lacks the savings against {o['id']}")
        # Savings = the alternative's horizon total - the recommendation's, both from the JSON.
        if cents(shown[o["id"]]) != cents(o["totals"]["total"]) - cents(opt["totals"]["total"]):
            fail(f"savings against {o['id']}: summary {shown[o['id']]}, JSON "
                 f"{o['totals']['total']} - {opt['totals']['total']}")
        checked += 1
    if '<ul id="summary-changes">' not in summary:
        fail("summary lacks what would change the answer")
    if "730 hours" not in summary or proj["price_sheet"] not in summary:
        fail("summary lacks its source line (sheet version, month = 730 hours)")
    return checked


def check_crossovers(html):
    """Crossover rows: human volumes (no raw integers), each a change of the cheapest option."""
    if '<table id="crossovers">' not in html:
        return 0
    table = html[html.index('<table id="crossovers">'):]
    table = table[:table.index("</table>")]
    rows = re.findall(r'<tr data-tokens-per-day="(\d+)"><td>X\d+</td><td>([^<]*)</td><td[^>]*>[^<]*</td>'
                      r'<td>([^<]*)</td><td>([^<]*)</td></tr>', table)
    if not rows:
        fail("crossover table has no rows")
    prev_to = None
    for tokens, text, frm, to in rows:
        if not re.match(r"\d+(\.\d+)?[KMBT]? tokens/day", text):
            fail(f"crossover volume {text!r} is not a human volume")
        if frm == to:
            fail(f"crossover row from {frm} to itself")
        if prev_to is not None and frm != prev_to:
            fail(f"crossover from {frm} does not continue from the previous row's {prev_to}")
        prev_to = to
    return len(rows)


MEASURE = """<script>
(function () {
  var out = [];
  document.querySelectorAll('svg').forEach(function (svg, i) {
    var fig = svg.closest('figure');
    svg.querySelectorAll('text').forEach(function (t) {
      var r = t.getBoundingClientRect();
      out.push({chart: fig ? fig.id : 'svg' + i, cls: t.getAttribute('class') || '', text: t.textContent,
                x0: r.left, y0: r.top, x1: r.right, y1: r.bottom});
    });
  });
  var pre = document.createElement('pre');
  pre.id = 'label-boxes';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>"""


def chromium_cmd(chromium, outdir, extra):
    return [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
            "--hide-scrollbars", f"--user-data-dir={os.path.join(outdir, 'chromium-profile')}",
            "--window-size=1000,3000"] + extra


def run_chromium(cmd, done, stdout_path=None):
    """Runs Chromium in its own process group until `done()` or 150 s, then ends the group."""
    import signal
    import time
    out = open(stdout_path, "w") if stdout_path else subprocess.DEVNULL
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.time() + 150
    while proc.poll() is None and time.time() < deadline:
        if done():
            time.sleep(2)  # let it finish writing, then stop waiting for its exit
            break
        time.sleep(0.5)
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()
    if stdout_path:
        out.close()


def check_labels(chromium, html_path, outdir):
    """No two text elements of one chart overlap, by the boxes the browser lays out."""
    html = open(html_path, encoding="utf-8").read()
    probe = os.path.join(outdir, "measure.html")
    with open(probe, "w", encoding="utf-8") as f:
        f.write(html.replace("</body>", MEASURE + "\n</body>"))
    dom = os.path.join(outdir, "measure.dom.html")
    if os.path.exists(dom):
        os.remove(dom)
    run_chromium(chromium_cmd(chromium, outdir, ["--virtual-time-budget=3000", "--dump-dom", "file://" + probe]),
                 lambda: os.path.exists(dom) and "</html>" in open(dom, encoding="utf-8", errors="replace").read(),
                 dom)
    text = open(dom, encoding="utf-8").read() if os.path.exists(dom) else ""
    m = re.search(r'<pre id="label-boxes">(.*?)</pre>', text, re.S)
    if not m:
        fail("chromium did not run the measuring script (no label boxes in the dumped DOM)")
    import html as htmllib
    boxes = json.loads(htmllib.unescape(m.group(1)))
    if not boxes:
        fail("no chart labels measured")
    unclassed = [b for b in boxes if not b["cls"]]
    if unclassed:
        fail(f"chart text without a class: {unclassed[0]['chart']}: {unclassed[0]['text']!r}")
    by_chart = {}
    for b in boxes:
        if b["x1"] - b["x0"] > 0 and b["y1"] - b["y0"] > 0:
            by_chart.setdefault(b["chart"], []).append(b)
    # Two labels overlap when their boxes share more than half a pixel in both directions.
    for chart, bs in by_chart.items():
        for i in range(len(bs)):
            for j in range(i + 1, len(bs)):
                a, b = bs[i], bs[j]
                dx = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
                dy = min(a["y1"], b["y1"]) - max(a["y0"], b["y0"])
                if dx > 0.5 and dy > 0.5:
                    fail(f"{chart}: labels overlap: {a['cls']} {a['text']!r} and {b['cls']} {b['text']!r} "
                         f"({dx:.1f} x {dy:.1f} px)")
    return len(boxes), len(by_chart)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    browser = "--browser" in sys.argv
    plan, profile, outdir = args
    os.makedirs(outdir, exist_ok=True)
    name = os.path.splitext(os.path.basename(profile))[0]
    html_path = os.path.join(outdir, name + ".html")
    json_path = os.path.join(outdir, name + ".json")

    if browser:
        chromium = shutil.which("chromium") or shutil.which("chromium-browser")
        if not chromium:
            print("SKIP: chromium is not installed (scripts/setup.sh installs it)")
            sys.exit(125)

    run([plan, "report", profile, "-o", html_path])
    run([plan, "compare", profile, "--format", "json", "-o", json_path])
    html = open(html_path, encoding="utf-8").read()
    compare = json.load(open(json_path))

    if not browser:
        for section in ["summary", "recommendation", "comparison", "cost-volume", "tco", "provenance"]:
            if f'<section id="{section}">' not in html:
                fail(f"section {section} missing")
        for chart in ["chart-cost-volume", "chart-tco"]:
            m = re.search(rf'<figure id="{chart}">\s*<svg', html)
            if not m:
                fail(f"chart {chart} missing or not inline SVG")
        # A profile with an uncertainty: section gets the risk section: fan and tornado charts,
        # and a table whose probabilities are those of `plan risk --format json`.
        if re.search(r"^uncertainty:", open(profile, encoding="utf-8").read(), re.M):
            if '<section id="risk">' not in html:
                fail("section risk missing for a profile with an uncertainty section")
            for chart in ["chart-fan", "chart-tornado"]:
                if not re.search(rf'<figure id="{chart}">\s*<svg', html):
                    fail(f"chart {chart} missing or not inline SVG")
            risk = json.loads(run([plan, "risk", profile, "--format", "json"]).stdout)
            table = html[html.index('<table id="risk-options">'):]
            table = table[:table.index("</table>")]
            for o in risk["options"]:
                want = f"<tr><td>{o['id']}</td>"
                row = table[table.index(want):] if want in table else fail(f"risk table lacks {o['id']}")
                row = row[:row.index("</tr>")]
                if f"{o['probability_cheapest']:.3f}" not in row:
                    fail(f"risk table: {o['id']} probability differs from plan risk ({o['probability_cheapest']})")
        if "<script" in html or re.search(r'(src|href)="(https?:)?//', html):
            fail("the report loads something from the network or runs a script")
        if re.search(r"https?://(?!www\.w3\.org/2000/svg)", html):
            fail("the report names a network resource other than the SVG namespace")
        rows = dict(re.findall(r'<tr[^>]*data-option="([^"]+)" data-monthly-cost-usd="([^"]*)"', html))
        for o in compare["options"]:
            shown = rows.get(o["id"])
            if shown is None:
                fail(f"option {o['id']} missing from the report's table")
            want = f"{o['monthly_cost_usd']:.2f}" if o["feasible"] else ""
            if shown != want:
                fail(f"option {o['id']}: report shows {shown!r}, compare JSON has {want!r}")
        if compare["price_sheet"]["sha256"] not in html:
            fail("price-sheet checksum missing from the report")
        if "730 hours" not in html:
            fail("month convention missing")
        figures = check_summary(plan, profile, html)
        crossings = check_crossovers(html)
        print(f"ok: {html_path}: {len(rows)} options match the JSON; {figures} summary figures match plan "
              f"recommend/project; {crossings} crossovers; sections and charts present")
        return

    png = os.path.join(outdir, name + ".png")
    if os.path.exists(png):
        os.remove(png)
    run_chromium(chromium_cmd(chromium, outdir, [f"--screenshot={png}", "file://" + os.path.abspath(html_path)]),
                 lambda: os.path.exists(png) and os.path.getsize(png) > 0)
    if not os.path.exists(png):
        fail("chromium wrote no screenshot")
    w, h, distinct = png_stats(png)
    if (w, h) != (1000, 3000):
        fail(f"screenshot is {w}x{h}, expected 1000x3000")
    if distinct < 200:
        fail(f"screenshot looks blank ({distinct} distinct rows)")
    labels, charts = check_labels(chromium, os.path.abspath(html_path), outdir)
    print(f"ok: {png}: {w}x{h}, {distinct} distinct rows; {labels} labels in {charts} charts, none overlapping")


if __name__ == "__main__":
    main()
