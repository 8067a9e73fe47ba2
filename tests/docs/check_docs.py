#!/usr/bin/env python3
"""Runs every plan command shown in README.md, docs/*.md and examples/*/README.md and
expects exit 0; checks that every repository file a document cites exists.

usage: check_docs.py PLAN SOURCE_DIR WORK_DIR [--files-only]

Commands are the lines of code blocks (indented or fenced) that start with `plan ` or
`./build/apps/plan `, with a trailing `# comment` removed and `\\` continuations joined.
They run in WORK_DIR, which links the repository's data folders (so `profiles/x.yaml`
resolves and `-o out.json` lands there), with PLAN_DATA_DIR set to the source tree and HOME
and XDG_DATA_HOME inside WORK_DIR (so nothing is written to the user's files). A synopsis
(a line with placeholders such as `[--tp N]` or `--model M`) is not a command; those, and
commands that need hardware or files a reader brings, are listed in SKIP with the reason.
"""
import glob
import os
import re
import shlex
import shutil
import subprocess
import sys

# Commands shown in documents that cannot run here, each with the reason. Matched as a prefix
# of the command after `plan `.
SKIP = {
    "calibrate run --backend cuda": "needs a CUDA device",
    "calibrate import serve.json": "the reader's own benchmark result",
    "calibrate import serve-4rps.json": "run in examples/calibration with its files (checked by tests/cli/calibrate.cmake)",
    "calibrate import offline.json": "run in examples/calibration with its files (checked by tests/cli/calibrate.cmake)",
    "--calibration results/": "run in examples/calibration (checked by tests/cli/calibrate.cmake)",
    "--calibration ...": "a synopsis",
    "--no-calibration compare profile.yaml": "run in examples/calibration (checked by tests/cli/calibrate.cmake)",
    "calibrate run --model llama-3.1-8b --precision bf16": "needs a GPU (the CPU probe measures fp32)",
    "profile import": "the reader's usage files (every format is imported from fixtures by tests/cli/profile_import.sh)",
    "compare measured.yaml": "the profile the import above writes",
    "compare /usr/share/plan/": "after installing the .deb (scripts/install_check.sh runs an installed plan)",
}
# Paths of other projects that documents cite as sources, and build outputs.
NOT_OURS = {
    "benchmarks/serve.py": "vLLM's benchmark client",
    "docs/source/performance.md": "TensorRT-LLM's performance page",
    "benchmarks/bench_probe": "a build output (build/benchmarks/bench_probe)",
    "docs/source/performance/perf-overview.md": "TensorRT-LLM's performance overview",
    "lib/plan": "an install path (<prefix>/lib/plan)",
    "tools/build_price_sheet.py": "removed; named as the generator of the released 2026-05 sheet",
}
PLACEHOLDER = re.compile(r"(\s|=)(M|G|P|N|ID|FILE|PATH|PROFILE|OUT|OLD|NEW|VERSION|S)(\s|$|\.)|\[|\.\.\.\s|\||path/to/|\s[A-Z]\.yaml")

DOCS = ["README.md"]
CITED = re.compile(
    r"(?<![\w/.-])((?:docs|tests|lib|pricing|profiles|calib|examples|scripts|tools|apps|benchmarks|fuzz|\.ci)/"
    r"[A-Za-z0-9_./+-]*[A-Za-z0-9_+-])")


def documents(src):
    out = ["README.md"]
    out += sorted(os.path.join("docs", f) for f in os.listdir(os.path.join(src, "docs")) if f.endswith(".md"))
    ex = os.path.join(src, "examples")
    for d in sorted(os.listdir(ex)):
        if os.path.exists(os.path.join(ex, d, "README.md")):
            out.append(os.path.join("examples", d, "README.md"))
    return out


def code_lines(text):
    """Lines inside fenced blocks and 4-space indented blocks, continuations joined."""
    lines, fenced, out, pending = text.splitlines(), False, [], ""
    output = False  # inside the block after an `<!-- example: ... -->` marker: the tool's output
    for i, line in enumerate(lines, 1):
        if line.strip().startswith("```"):
            fenced = not fenced
            output = fenced and i >= 2 and lines[i - 2].startswith("<!-- example: ")
            continue
        if output:
            continue
        if not (fenced or line.startswith("    ")):
            pending = ""
            continue
        body = line.strip()
        if pending:
            body = pending + " " + body
        if body.endswith("\\"):
            pending = body[:-1].strip()
            continue
        pending = ""
        out.append((i, body))
    return out


def commands(src, doc):
    text = open(os.path.join(src, doc), encoding="utf-8").read()
    for line_no, body in code_lines(text):
        m = re.match(r"^(?:\$ )?(?:\./build/apps/plan|plan)\s+(.*)$", body)
        if not m:
            continue
        rest = re.sub(r"\s+#.*$", "", m.group(1)).strip()
        yield line_no, rest


def cited_files(src, doc):
    text = open(os.path.join(src, doc), encoding="utf-8").read()
    for line_no, line in enumerate(text.splitlines(), 1):
        for m in CITED.finditer(line):
            path = m.group(1).rstrip(".")
            if re.search(r"[*]|\bX\b|NAME|VERSION|FILE|CASE|\bID\b|\bN\b|<|YYYY|/[A-Z]\.", path) or path in NOT_OURS:
                continue
            if path.endswith(("_", "-")):  # a family of files, e.g. tests/unit/test_
                path += "*"
            yield line_no, path
        for m in re.finditer(r"\]\(([^)#:]+)(?:#[^)]*)?\)", line):  # relative Markdown links
            yield line_no, os.path.normpath(os.path.join(os.path.dirname(doc), m.group(1)))


def main():
    plan, src, work = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2]), os.path.abspath(sys.argv[3])
    files_only = "--files-only" in sys.argv
    failures, ran, skipped = [], 0, 0
    docs = documents(src)
    for doc in docs:
        for line_no, path in cited_files(src, doc):
            if not glob.glob(os.path.join(src, path)):
                failures.append(f"{doc}:{line_no}: cites {path}, which does not exist")
    if not files_only:
        shutil.rmtree(work, ignore_errors=True)
        os.makedirs(work)
        for d in ("profiles", "pricing", "calib", "tests", "examples"):
            os.symlink(os.path.join(src, d), os.path.join(work, d))
        env = dict(os.environ, PLAN_DATA_DIR=src, HOME=os.path.join(work, "home"),
                   XDG_DATA_HOME=os.path.join(work, "home", "share"), PLAN_TODAY="2026-12-01")
        # What documents take as given: two saved compare outputs for `plan diff`.
        for name in ("before.json", "after.json"):
            subprocess.run([plan, "compare", "profiles/early-chat.yaml", "--format", "json", "-o", name], cwd=work,
                           env=env, check=True, capture_output=True)
        for doc in docs:
            for line_no, rest in commands(src, doc):
                reason = next((why for prefix, why in SKIP.items() if rest.startswith(prefix)), None)
                if reason is None and PLACEHOLDER.search(" " + rest + " "):
                    reason = "a synopsis with placeholders"
                if reason:
                    skipped += 1
                    print(f"skip {doc}:{line_no}: plan {rest} ({reason})")
                    continue
                args = shlex.split(rest)
                p = subprocess.run([plan] + args, cwd=work, env=env, capture_output=True, timeout=300)
                ran += 1
                if p.returncode != 0:
                    err = p.stderr.decode(errors="replace").strip().splitlines()
                    failures.append(f"{doc}:{line_no}: plan {rest}: exit {p.returncode}: {err[-1] if err else ''}")
    for f in failures:
        print("FAIL " + f)
    print(f"check_docs: {ran} commands ran, {skipped} skipped, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
