#!/usr/bin/env python3
"""Checks a `plan report` HTML file: structure, numbers equal to `plan compare --format json`,
no network resources, and, where Chromium is installed, that it renders to a non-blank page.

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
        for section in ["recommendation", "comparison", "cost-volume", "tco", "provenance"]:
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
        print(f"ok: {html_path}: {len(rows)} options match the JSON; sections and charts present")
        return

    png = os.path.join(outdir, name + ".png")
    profile_dir = os.path.join(outdir, "chromium-profile")
    cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
           "--hide-scrollbars", f"--user-data-dir={profile_dir}", "--window-size=1000,3000",
           f"--screenshot={png}", "file://" + os.path.abspath(html_path)]
    # Chromium's helper processes may outlive it holding inherited pipes: give it none, run it
    # in its own process group, and end the whole group once it is done or out of time.
    import signal
    import time
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.time() + 150
    while proc.poll() is None and time.time() < deadline:
        if os.path.exists(png) and os.path.getsize(png) > 0:
            time.sleep(2)  # let it finish writing, then stop waiting for its exit
            break
        time.sleep(0.5)
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()
    if not os.path.exists(png):
        fail("chromium wrote no screenshot")
    w, h, distinct = png_stats(png)
    if (w, h) != (1000, 3000):
        fail(f"screenshot is {w}x{h}, expected 1000x3000")
    if distinct < 200:
        fail(f"screenshot looks blank ({distinct} distinct rows)")
    print(f"ok: {png}: {w}x{h}, {distinct} distinct rows")


if __name__ == "__main__":
    main()
