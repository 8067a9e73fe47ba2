#!/usr/bin/env python3
"""How far the shipped measured runs let any TTFT/TPOT model go (docs/performance-model.md,
"Against the targets, honestly").

Reads the cross-validated predictions of `plan validate --rows` and the measured-run CSV they
number, groups the runs by deployment (engine and version, model, GPU, precision, layout,
GPUs; each measurement once) and prints two bounds, neither of which is a model:

  level   each deployment's own level taken out of the cross-validated predictions (the
          median log-ratio of predicted to measured over its runs): a free multiplier per
          deployment, which no fit may have.
  shape   TTFT fitted to each deployment's own runs alone, five free coefficients on
          1, ISL, (C - 1) ISL, ISL^2, (C - 1) ISL^2 (least absolute relative error by
          iteratively reweighted least squares, no bounds), over the deployments with at least
          twice as many runs as coefficients; and TPOT likewise on 1, C, C (ISL + OSL / 2),
          C ISL / OSL, C ISL^2 / OSL (the step, the batch, its context, the prefill between
          steps). In-sample and per deployment: no model fitted across deployments does better
          on the same rows in expectation.
  repeat  the runs whose every input the model reads (engine, architecture as the catalog
          gives its shapes, GPU, precision, layout, GPUs, ISL, OSL, concurrency) is the same,
          measured more than once with different results (another engine version, another
          recipe): how far apart they lie (max / min - 1), and the least error one prediction
          for all of them must leave on one (sqrt(max / min) - 1). Not a bound on the whole
          data, only on these runs: no model of those inputs can tell them apart.

Usage: python3 scripts/accuracy_bound.py build/apps/plan [calib/measured/silicon_train.csv]
Pure Python (no numpy), so that it runs wherever the project builds.
"""
import csv
import io
import math
import re
import subprocess
import sys
from collections import defaultdict


def quantile(v, q):
    v = sorted(v)
    pos = q * (len(v) - 1)
    lo = int(math.floor(pos))
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (pos - lo)


def solve(a, b):
    """Solve the square system a x = b by Gaussian elimination with partial pivoting."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for col in range(n):
        piv = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[piv] = m[piv], m[col]
        if abs(m[col][col]) < 1e-300:
            continue
        for r in range(n):
            if r != col:
                f = m[r][col] / m[col][col]
                for c in range(col, n + 1):
                    m[r][c] -= f * m[col][c]
    return [m[i][n] / m[i][i] if abs(m[i][i]) > 1e-300 else 0.0 for i in range(n)]


def fit_relative_l1(x, y, rounds=50, floor=0.02):
    """Coefficients c minimising sum |x c / y - 1| (IRLS on the rows divided by y); the errors."""
    rows = [[v / yi for v in xi] for xi, yi in zip(x, y)]
    k = len(x[0])
    # Columns scaled to unit size so that the normal equations stay well conditioned.
    scale = [max(abs(r[j]) for r in rows) or 1.0 for j in range(k)]
    rows = [[r[j] / scale[j] for j in range(k)] for r in rows]
    w = [1.0] * len(rows)
    err = []
    for _ in range(rounds):
        ata = [[sum(w[i] * rows[i][p] * rows[i][q] for i in range(len(rows))) for q in range(k)] for p in range(k)]
        for p in range(k):
            ata[p][p] += 1e-12
        atb = [sum(w[i] * rows[i][p] for i in range(len(rows))) for p in range(k)]
        c = solve(ata, atb)
        err = [sum(r[j] * c[j] for j in range(k)) - 1.0 for r in rows]
        w = [1.0 / max(abs(e), floor) for e in err]
    return [abs(e) for e in err]


def architectures(catalog):
    """Model id -> its shapes in calib/catalog.yaml (every field but the names and sources)."""
    text = open(catalog).read()
    shapes = {}
    for m in re.finditer(r"- \{id: ([^,\s]+),(.*?)\}", text, re.S):
        body = re.sub(r"hf_ids: \[[^\]]*\]", "", m.group(2))
        fields = [f.strip() for f in body.replace("\n", " ").split(",")]
        shapes[m.group(1)] = tuple(sorted(f for f in fields if f and not f.startswith(("name:", "source:"))))
    return shapes


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    plan = sys.argv[1]
    data = sys.argv[2] if len(sys.argv) > 2 else "calib/measured/silicon_train.csv"
    out = subprocess.run([plan, "validate", "--rows"], capture_output=True, text=True, check=True).stdout
    lines = out.splitlines()
    start = next(i for i, l in enumerate(lines) if l.startswith("line,"))
    predicted = list(csv.DictReader(io.StringIO("\n".join(lines[start:]))))
    measured = list(csv.reader(open(data, newline="")))
    version = measured[0].index("backend_version")
    deployments = defaultdict(dict)
    for r in predicted:
        key = (r["engine"], measured[int(r["line"]) - 1][version], r["model"], r["gpu"], r["precision"], r["layout"],
               r["gpus"])
        deployments[key].setdefault((r["isl"], r["osl"], r["concurrency"]), r)
    runs = sum(len(d) for d in deployments.values())
    print(f"{runs} distinct measurements in {len(deployments)} deployments (engine and version, model, GPU, "
          f"precision, layout, GPUs)")
    print(f"{'bound':44s} {'deployments':>11s} {'runs':>5s} {'median':>7s} {'p90':>7s}")
    for what in ("tpot", "ttft"):
        errors = []
        for d in deployments.values():
            logs = [math.log(float(r[what + "_pred_ms"]) / float(r[what + "_ms"])) for r in d.values()]
            mid = quantile(logs, 0.5)
            errors += [abs(math.exp(v - mid) - 1) for v in logs]
        print(f"{'level: ' + what.upper() + ', a free multiplier per deployment':44s} {len(deployments):11d} "
              f"{len(errors):5d} {100 * quantile(errors, 0.5):6.1f}% {100 * quantile(errors, 0.9):6.1f}%")
    for what in ("tpot", "ttft"):
        errors, used = [], 0
        for d in deployments.values():
            x, y = [], []
            for r in d.values():
                isl, osl, c = float(r["isl"]) / 1e3, float(r["osl"]) / 1e3, float(r["concurrency"])
                if what == "ttft":
                    x.append([1.0, isl, (c - 1) * isl, isl * isl, (c - 1) * isl * isl])
                else:
                    x.append([1.0, c, c * (isl + osl / 2), c * isl / osl, c * isl * isl / osl])
                y.append(float(r[what + "_ms"]))
            if len(y) < 2 * len(x[0]):
                continue
            used += 1
            errors += fit_relative_l1(x, y)
        print(f"{'shape: ' + what.upper() + ', 5 free coefficients per deployment':44s} {used:11d} {len(errors):5d} "
              f"{100 * quantile(errors, 0.5):6.1f}% {100 * quantile(errors, 0.9):6.1f}%")
    shapes = architectures("calib/catalog.yaml")
    same = defaultdict(dict)
    for key, d in deployments.items():
        engine, ver, model, gpu, precision, layout, gpus = key
        for (isl, osl, c), r in d.items():
            inputs = (engine, shapes.get(model, model), gpu, precision, layout, gpus, isl, osl, c)
            same[inputs].setdefault((model, ver), (float(r["tpot_ms"]), float(r["ttft_ms"])))
    sets = [v for v in same.values() if len(set(v.values())) > 1]
    groups = [list(v.values()) for v in sets]
    two_names = sum(1 for v in sets if len({model for model, _ in v}) > 1)
    print(f"repeat: {len(groups)} sets of the same inputs measured differently, {sum(len(g) for g in groups)} runs "
          f"({two_names} sets under two model names of one architecture)")
    print(f"{'':44s} {'spread':>15s} {'least error':>15s}")
    print(f"{'':44s} {'median':>7s} {'p90':>7s} {'median':>7s} {'p90':>7s}")
    for i, what in enumerate(("TPOT", "TTFT")):
        spread = [max(m[i] for m in g) / min(m[i] for m in g) for g in groups]
        least = [math.sqrt(s) - 1 for s in spread]
        print(f"{'repeat: ' + what + ', the same inputs measured again':44s} "
              f"{100 * (quantile(spread, 0.5) - 1):6.1f}% {100 * (quantile(spread, 0.9) - 1):6.1f}% "
              f"{100 * quantile(least, 0.5):6.1f}% {100 * quantile(least, 0.9):6.1f}%")


if __name__ == "__main__":
    main()
