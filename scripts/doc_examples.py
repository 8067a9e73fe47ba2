#!/usr/bin/env python3
"""Examples in the docs that are the tool's own output, checked or rewritten.

A generated example in a Markdown file is a marker line followed by a fenced block:

    <!-- example: compare profiles/early-chat.yaml --prices 2026-05 --format json | options 1 -->
    ```json
    ...
    ```

The marker gives the `plan` arguments and, after `|`, an optional filter:
  options N   JSON: keep the first N elements of the top-level "options" (lines as printed)
  lines A-B   keep lines A to B (1-based, inclusive) of the output
Commands run from the repository root with PLAN_TODAY pinned (below), the source tree as the
data directory and an empty user directory, so the output does not depend on the day, the
machine or its user's files.

    doc_examples.py PLAN ROOT --check [FILE.md ...]   exit 1 with a diff where a block drifted
    doc_examples.py PLAN ROOT --write [FILE.md ...]   rewrite the blocks with today's output
Default files: docs/compare-json.md and docs/finance.md.
"""
import difflib
import json
import os
import re
import subprocess
import sys
import tempfile

PINNED_TODAY = "2026-06-01"
DEFAULT_FILES = ["docs/compare-json.md", "docs/finance.md"]
MARKER = re.compile(r"^<!-- example: (.*?) -->$")


def first_options(text, n):
    """The JSON text with its top-level "options" list cut to the first n elements, every
    line as the tool printed it (the writer indents by 2: elements open at 4 spaces)."""
    json.loads(text)  # it is JSON
    lines = text.splitlines(keepends=True)
    start = lines.index('  "options": [\n')
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("  ]"))
    kept, seen = [], 0
    for line in lines[start + 1 : end]:
        if line.startswith("    {"):
            seen += 1
        if seen > n:
            break
        kept.append(line)
    if kept and kept[-1].rstrip("\n").endswith(","):
        kept[-1] = kept[-1].rstrip("\n")[:-1] + "\n"
    out = "".join(lines[: start + 1] + kept + lines[end:])
    json.loads(out)  # and so is the excerpt
    return out


def run(plan, root, spec, work):
    cmd, _, filt = spec.partition("|")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLAN_") and k != "COLUMNS"}
    env.update(PLAN_TODAY=PINNED_TODAY, PLAN_DATA_DIR=root, XDG_DATA_HOME=work, HOME=work, LC_ALL="C")
    r = subprocess.run([plan] + cmd.split(), cwd=root, env=env, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"doc_examples: `plan {cmd.strip()}` exited {r.returncode}: {r.stderr.strip()}")
    out = r.stdout
    filt = filt.split()
    if filt[:1] == ["options"]:
        out = first_options(out, int(filt[1]))
    elif filt[:1] == ["lines"]:
        a, b = (int(x) for x in filt[1].split("-"))
        out = "".join(out.splitlines(keepends=True)[a - 1 : b])
    elif filt:
        raise SystemExit(f"doc_examples: unknown filter '{' '.join(filt)}' (expected options N or lines A-B)")
    return out


def process(plan, root, path, write, work):
    lines = open(os.path.join(root, path), encoding="utf-8").read().splitlines(keepends=True)
    out, drift, count, i = [], [], 0, 0
    while i < len(lines):
        out.append(lines[i])
        m = MARKER.match(lines[i].rstrip("\n"))
        i += 1
        if not m:
            continue
        if i >= len(lines) or not lines[i].startswith("```"):
            raise SystemExit(f"doc_examples: {path}:{i}: an example marker must be followed by a fenced block")
        out.append(lines[i])
        j = i + 1
        while j < len(lines) and not lines[j].startswith("```"):
            j += 1
        if j == len(lines):
            raise SystemExit(f"doc_examples: {path}:{i + 1}: the fenced block is not closed")
        old = "".join(lines[i + 1 : j])
        new = run(plan, root, m.group(1), work)
        count += 1
        if old != new:
            drift.append("".join(difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                                      f"{path}:{i + 2} (in the doc)", f"plan {m.group(1)}")))
        out.extend(new.splitlines(keepends=True))
        out.append(lines[j])
        i = j + 1
    if write and drift:
        with open(os.path.join(root, path), "w", encoding="utf-8") as f:
            f.write("".join(out))
    return count, drift


def main(argv):
    if len(argv) < 4 or argv[3] not in ("--check", "--write"):
        raise SystemExit(__doc__)
    plan, root, mode = os.path.abspath(argv[1]), os.path.abspath(argv[2]), argv[3]
    files = argv[4:] or DEFAULT_FILES
    total, failed = 0, False
    with tempfile.TemporaryDirectory() as work:
        for f in files:
            count, drift = process(plan, root, f, mode == "--write", work)
            total += count
            if count == 0:
                print(f"doc_examples: {f} has no generated example")
                failed = True
            for d in drift:
                print(d if mode == "--check" else f"rewrote an example of {f}")
                failed = failed or mode == "--check"
    if failed:
        if mode == "--check":
            print("doc_examples: examples drifted from the output; "
                  "rewrite them with: python3 scripts/doc_examples.py build/apps/plan . --write")
        return 1
    print(f"doc_examples: {total} examples match")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
