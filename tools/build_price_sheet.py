#!/usr/bin/env python3
"""Builds the 2026-05 price sheet (pricing/2026-05.yaml) from copied public data.

Run by hand, never at build or test time:

    python3 tools/build_price_sheet.py \\
        --litellm litellm_model_prices.json \\
        --gcp skypilot_fmt_gcp_vms.csv \\
        --lambda skypilot_fmt_lambda_vms.csv > pricing/2026-05.yaml

Inputs (each checked against the sha256 recorded below, which is also written into the
sheet's sources):
  --litellm  BerriAI/litellm model_prices_and_context_window.json @ be9f2e0 (2025-11-21)
  --gcp      anycloud-sh/catalog gcp/vms.csv @ 62ff0a9 (2026-05-20), SkyPilot catalog format
  --lambda   anycloud-sh/catalog lambda/vms.csv @ 4c06102 (2026-05-07), SkyPilot catalog format

Figures that come from no machine-readable file (AWS EC2 2026 prices and 1-year RIs, AWS spot
levels, Bedrock on-demand 2025 prices, API rate limits) are tables in this script, each row
with the source it was read from. Python 3 standard library only.
"""
import argparse
import csv
import hashlib
import json
import sys

VERSION = "2026-05"
EFFECTIVE_DATE = "2026-05-20"

EXPECTED_SHA256 = {
    "litellm": "6e445af065ba88503ff23f5cdde0ed4a50313d814571d851792a6861c6609d19",
    "gcp": "5faa5a219250e215f481cfeb58d9ac4edcac990c43f54e914855ae0482a5c1fb",
    "lambda": "3154c46544b2e148a50c36b1532fce0d2436bb6d4ab336c8964ec05a718647f8",
}

# Data classes an API may receive. OpenAI, Anthropic and Together: standard commercial terms,
# no zero-retention agreement or BAA assumed. AWS Bedrock is HIPAA eligible (BAA available).
API_CLASSES = ["public", "internal", "pii"]
BEDROCK_CLASSES = ["public", "internal", "pii", "phi"]

# (sheet id, LiteLLM key, provider)
API_MODELS = [
    ("gpt-4o-mini", "gpt-4o-mini", "openai"),
    ("gpt-4o", "gpt-4o", "openai"),
    ("gpt-4.1", "gpt-4.1", "openai"),
    ("gpt-4.1-mini", "gpt-4.1-mini", "openai"),
    ("gpt-5", "gpt-5", "openai"),
    ("gpt-5-mini", "gpt-5-mini", "openai"),
    ("claude-3-haiku", "claude-3-haiku-20240307", "anthropic"),
    ("claude-3.5-sonnet", "claude-3-5-sonnet-20241022", "anthropic"),
    ("claude-sonnet-4-5", "claude-sonnet-4-5-20250929", "anthropic"),
    ("claude-haiku-4-5", "claude-haiku-4-5-20251001", "anthropic"),
]

# Rate limits per tier, from copies of the vendors' docs captured in 2025
# (shared PRICES_REFERENCE.md section 6). Keys as in the sheet format.
OPENAI_LIMITS = {
    "gpt-4o-mini": [
        dict(tier="free", requests_per_min=3, requests_per_day=200, tokens_per_min=40000),
        dict(tier="tier-1", requests_per_min=500, requests_per_day=10000, tokens_per_min=200000, batch_queue_tokens=2000000),
        dict(tier="tier-2", requests_per_min=5000, tokens_per_min=2000000, batch_queue_tokens=20000000),
        dict(tier="tier-3", requests_per_min=5000, tokens_per_min=4000000, batch_queue_tokens=40000000),
        dict(tier="tier-4", requests_per_min=10000, tokens_per_min=10000000, batch_queue_tokens=1000000000),
        dict(tier="tier-5", requests_per_min=30000, tokens_per_min=150000000, batch_queue_tokens=15000000000),
    ],
    "gpt-4o": [
        dict(tier="tier-1", requests_per_min=500, tokens_per_min=30000, batch_queue_tokens=90000),
        dict(tier="tier-2", requests_per_min=5000, tokens_per_min=450000, batch_queue_tokens=1350000),
        dict(tier="tier-3", requests_per_min=5000, tokens_per_min=800000, batch_queue_tokens=50000000),
        dict(tier="tier-4", requests_per_min=10000, tokens_per_min=2000000, batch_queue_tokens=200000000),
        dict(tier="tier-5", requests_per_min=10000, tokens_per_min=30000000, batch_queue_tokens=5000000000),
    ],
}
ANTHROPIC_LIMITS = {
    "claude-3-haiku": [
        dict(tier="tier-1", requests_per_min=50, input_tokens_per_min=50000, output_tokens_per_min=10000),
        dict(tier="tier-2", requests_per_min=1000, input_tokens_per_min=100000, output_tokens_per_min=20000),
        dict(tier="tier-3", requests_per_min=2000, input_tokens_per_min=200000, output_tokens_per_min=40000),
        dict(tier="tier-4", requests_per_min=4000, input_tokens_per_min=400000, output_tokens_per_min=80000),
    ],
}

# Bedrock on-demand, us-east-1, per 1M tokens: convo-lang copy of aws.amazon.com/bedrock/pricing
# (2025-07-20). (id, model, input, output, batch input, batch output)
BEDROCK_ON_DEMAND = [
    ("bedrock-llama3.1-8b", "llama-3.1-8b", 0.22, 0.22, 0.11, 0.11),
    ("bedrock-llama3.1-70b", "llama-3.1-70b", 0.72, 0.72, 0.36, 0.36),
    ("bedrock-llama3-8b", "llama-3-8b", 0.30, 0.60, None, None),
    ("bedrock-llama3-70b", "llama-3-70b", 2.65, 3.50, None, None),
    ("bedrock-claude-3-haiku", "claude-3-haiku", 0.25, 1.25, 0.125, 0.625),
    ("bedrock-claude-3.5-sonnet", "claude-3.5-sonnet", 3.00, 15.00, 1.50, 7.50),
]

# Bedrock provisioned throughput: LiteLLM per-second prices x 3600. (term, months, key)
BEDROCK_PROVISIONED = [
    ("1m", 1, "bedrock/us-east-1/1-month-commitment/anthropic.claude-instant-v1"),
    ("6m", 6, "bedrock/us-east-1/6-month-commitment/anthropic.claude-instant-v1"),
]

# Together serverless, from LiteLLM. (id, model, LiteLLM key)
TOGETHER = [
    ("together-llama3.1-8b", "llama-3.1-8b", "together_ai/meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo"),
    ("together-llama3.1-70b", "llama-3.1-70b", "together_ai/meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo"),
    ("together-llama3.1-405b", "llama-3.1-405b", "together_ai/meta-llama/Meta-Llama-3.1-405B-Instruct-Turbo"),
]

# AWS EC2, us-east-1, Linux. On-demand and 1-year Standard RI (no upfront): tsaol/aws-gpu
# (2026-01-21). Spot: anycloud aws/vms.csv @5134b89, one snapshot per zone; the LOW end of the
# range across zones is used (spot moves daily; treat it as a typical level, not a quote).
# (instance, gpu, count, on-demand, RI 1y, spot low end, spot range as published)
AWS = [
    ("p4d.24xlarge", "a100-40gb", 8, 21.957642, 13.921094, 6.85, "6.85 (use1-az1); 18.14-18.87 (az2, az4, az6)"),
    ("p4de.24xlarge", "a100-80gb-sxm", 8, 27.44705, 17.401365, 22.12, "22.12-22.26"),
    ("p5.4xlarge", "h100-sxm", 1, 6.88, None, None, None),
    ("p5.48xlarge", "h100-sxm", 8, 55.04, None, 20.08, "20.08-21.04 (7 zones)"),
    ("p5en.48xlarge", "h200", 8, 63.296, None, 26.89, "26.89-27.37"),
    ("p6-b200.48xlarge", "b200", 8, 113.9328, None, 41.71, "41.71-41.94"),
    ("g5.xlarge", "a10g", 1, 1.006, 0.63378, 0.505, "0.505-0.945"),
    ("g5.12xlarge", "a10g", 4, 5.672, 3.57336, None, None),
    ("g5.48xlarge", "a10g", 8, 16.288, 10.26144, None, None),
    ("g6.xlarge", "l4", 1, 0.8048, 0.52392, 0.669, "0.669-0.797 (az1, az2, az4)"),
    ("g6.2xlarge", "l4", 1, 0.9776, None, None, None),
    ("g6.12xlarge", "l4", 4, 4.6016, 2.99564, None, None),
    ("g6e.xlarge", "l40s", 1, 1.861, 1.17243, None, None),
    ("g6e.2xlarge", "l40s", 1, 2.24208, None, None, None),
    ("g6e.12xlarge", "l40s", 4, 10.49264, 6.61036, 6.42, "6.42-8.06"),
    ("g6e.48xlarge", "l40s", 8, 30.13118, None, None, None),
]

# GCP machine types and the accelerator row each attaches, us-central1.
# (machine type, AcceleratorName, count, GPU id, note)
GCP = [
    ("a2-highgpu-1g", "A100", 1, "a100-40gb", ""),
    ("a2-highgpu-8g", "A100", 8, "a100-40gb", ""),
    ("a2-ultragpu-1g", "A100-80GB", 1, "a100-80gb-sxm", ""),
    ("a2-ultragpu-8g", "A100-80GB", 8, "a100-80gb-sxm", ""),
    ("a3-highgpu-1g", "H100", 1, "h100-sxm", ""),
    ("a3-highgpu-8g", "H100", 8, "h100-sxm",
     "uncertain: the same catalog prices a3-megagpu-8g (same GPUs) at about twice this"),
    ("a3-megagpu-8g", "H100-MEGA", 8, "h100-sxm", ""),
    ("a3-ultragpu-8g", "H200", 8, "h200", ""),
    ("g2-standard-4", "L4", 1, "l4", ""),
    ("g2-standard-8", "L4", 1, "l4", ""),
    ("g2-standard-48", "L4", 4, "l4", ""),
    ("g2-standard-96", "L4", 8, "l4", ""),
]
GCP_REGION = "us-central1"


def fail(msg):
    print(f"build_price_sheet.py: error: {msg}", file=sys.stderr)
    sys.exit(2)


def sha256_of(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def num(x):
    """A price as YAML: rounded to 6 decimals (1e-6 USD), shortest form with at least 2 decimals."""
    s = f"{round(x, 6):.6f}".rstrip("0")
    whole, frac = s.split(".")
    return whole + "." + frac.ljust(2, "0")


def per_mtok(cost_per_token):
    return round(cost_per_token * 1e6, 6)


def q(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def limit_line(lim):
    return "{" + ", ".join(f"{k}: {v}" for k, v in lim.items()) + "}"


def api_entry(sheet_id, key, provider, e, out, notes):
    """Checks one LiteLLM entry and renders it. Raises on values that break a vendor rule."""
    inp = per_mtok(e["input_cost_per_token"])
    outp = per_mtok(e["output_cost_per_token"])
    if not (0 < inp <= outp):
        fail(f"{key}: input {inp} / output {outp} per 1M (expected 0 < input <= output)")
    cached = per_mtok(e["cache_read_input_token_cost"]) if "cache_read_input_token_cost" in e else None
    if cached is not None and not cached < inp:
        fail(f"{key}: cached input {cached} is not below input {inp}")
    write = per_mtok(e["cache_creation_input_token_cost"]) if "cache_creation_input_token_cost" in e else None
    if write is not None and not (inp <= write <= 1.25 * inp + 1e-9):
        fail(f"{key}: cache write {write} outside [input, 1.25 x input] = [{inp}, {1.25 * inp}]")
    # The 1-hour cache write is 2 x input by Anthropic's rule. The sheet carries only the
    # 5-minute write price, so a wrong 1-hour figure is reported and left out.
    if "cache_creation_input_token_cost_above_1hr" in e:
        one_h = per_mtok(e["cache_creation_input_token_cost_above_1hr"])
        if abs(one_h - 2 * inp) > 1e-9:
            notes.append(f"LiteLLM's 1-hour cache write for {key} is {num(one_h)}/1M, not 2 x input = "
                         f"{num(2 * inp)} (known error; not used)")
    b_in = per_mtok(e["input_cost_per_token_batches"]) if "input_cost_per_token_batches" in e else None
    b_out = per_mtok(e["output_cost_per_token_batches"]) if "output_cost_per_token_batches" in e else None
    if (b_in is None) != (b_out is None):
        fail(f"{key}: only one of the batch prices is present")
    if b_in is not None and (abs(b_in - inp / 2) > 1e-9 or abs(b_out - outp / 2) > 1e-9):
        fail(f"{key}: batch {b_in}/{b_out} is not half of {inp}/{outp}")
    if b_in is None:
        notes.append(f"{sheet_id}: the input file has no batch price; none listed")
    out.append(f"  - id: {sheet_id}")
    out.append(f"    provider: {provider}")
    out.append(f"    input_per_mtok: {num(inp)}")
    out.append(f"    output_per_mtok: {num(outp)}")
    if cached is not None:
        out.append(f"    cached_input_per_mtok: {num(cached)}")
    if write is not None:
        out.append(f"    cache_write_per_mtok: {num(write)}")
    if b_in is not None:
        out.append(f"    batch_input_per_mtok: {num(b_in)}")
        out.append(f"    batch_output_per_mtok: {num(b_out)}")
    if "max_input_tokens" in e:
        out.append(f"    context_tokens: {int(e['max_input_tokens'])}")
    out.append(f"    data_classes: [{', '.join(API_CLASSES)}]")
    out.append("    source: litellm")
    limits = OPENAI_LIMITS.get(sheet_id) or ANTHROPIC_LIMITS.get(sheet_id)
    if limits:
        src = "openai-rate-limits-2025" if provider == "openai" else "anthropic-rate-limits-2025"
        out.append(f"    # rate limits: source {src}")
        out.append("    rate_limits:")
        for lim in limits:
            out.append(f"      - {limit_line(lim)}")


def read_gcp(path):
    hosts, accels = {}, {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            if row["Region"] != GCP_REGION:
                continue
            zone = row["AvailabilityZone"]
            price = float(row["Price"]) if row["Price"] else None
            spot = float(row["SpotPrice"]) if row["SpotPrice"] else None
            if row["InstanceType"]:
                hosts[(row["InstanceType"], zone)] = (price, spot)
            elif row["AcceleratorName"]:
                accels[(row["AcceleratorName"], int(float(row["AcceleratorCount"])), zone)] = (price, spot)
    return hosts, accels


def gcp_instances(path, out):
    hosts, accels = read_gcp(path)
    for machine, acc, count, gpu, hand_note in GCP:
        totals = []
        for (m, zone), (hp, hs) in sorted(hosts.items()):
            if m != machine or (acc, count, zone) not in accels:
                continue
            ap, aspot = accels[(acc, count, zone)]
            if hp is None or ap is None:
                continue
            spot = hs + aspot if hs is not None and aspot is not None else None
            totals.append((hp + ap, spot, zone, hp, ap, hs, aspot))
        if not totals:
            fail(f"GCP {machine}: no host + {count}x {acc} rows in {GCP_REGION}")
        prices = {(round(t[0], 6), None if t[1] is None else round(t[1], 6)) for t in totals}
        best = min(totals, key=lambda t: t[0])
        od, spot, zone, hp, ap, hs, aspot = best
        notes = [f"host {num(hp)} + {count}x {acc} {num(ap)}"]
        if spot is not None:
            notes.append(f"spot {num(hs)} + {num(aspot)}")
        if len(prices) > 1:
            notes.append(f"zones differ; lowest ({zone}) used")
        if aspot is not None and aspot > ap:
            notes.append(f"uncertain: the {acc} accelerator line {num(ap)} is below its own spot price {num(aspot)}")
        if hand_note:
            notes.append(hand_note)
        out.append(f"  # gcp {machine}: {'; '.join(notes)}")
        line = (f"  - {{id: gcp-{machine}, provider: gcp, instance: {machine}, gpu: {gpu}, gpu_count: {count}, "
                f"region: {GCP_REGION}, on_demand_per_hour: {num(od)}")
        if spot is not None:
            line += f", spot_per_hour: {num(spot)}"
        out.append(line + ", source: gcp-catalog}")


def lambda_gpu(row):
    name, acc = row["InstanceType"], row["AcceleratorName"]
    if acc == "A100":
        return "a100-40gb" if "SizeInMiB': 40960" in row["GpuInfo"] else None
    if acc == "A100-80GB":
        return "a100-80gb-sxm" if "sxm" in name else "a100-80gb-pcie"
    if acc == "H100":
        return "h100-pcie" if "pcie" in name else "h100-sxm"
    return {"B200": "b200", "GH200": "gh200"}.get(acc)


def lambda_instances(path, out):
    by_type, skipped = {}, set()
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            if not row["AcceleratorName"]:
                continue
            gpu = lambda_gpu(row)
            if gpu is None:
                skipped.add(f"{row['InstanceType']} ({row['AcceleratorName']})")
                continue
            e = by_type.setdefault(row["InstanceType"], dict(gpu=gpu, count=int(float(row["AcceleratorCount"])), prices=set()))
            e["prices"].add(float(row["Price"]))
    out.append(f"  # lambda: skipped, GPU not in the catalog's set: {', '.join(sorted(skipped))}")
    for name in sorted(by_type, key=lambda n: (by_type[n]["gpu"], by_type[n]["count"], n)):
        e = by_type[name]
        if len(e["prices"]) > 1:
            out.append(f"  # lambda {name}: regions differ ({sorted(e['prices'])}); lowest used")
        out.append(f"  - {{id: lambda-{name}, provider: lambda, instance: {name}, gpu: {e['gpu']}, gpu_count: {e['count']}, "
                   f"on_demand_per_hour: {num(min(e['prices']))}, source: lambda-catalog}}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--litellm", required=True)
    ap.add_argument("--gcp", required=True)
    ap.add_argument("--lambda", dest="lambda_", required=True)
    args = ap.parse_args()
    paths = {"litellm": args.litellm, "gcp": args.gcp, "lambda": args.lambda_}
    sha = {}
    for k, p in paths.items():
        try:
            sha[k] = sha256_of(p)
        except OSError as e:
            fail(f"{p}: {e.strerror}")
        if sha[k] != EXPECTED_SHA256[k]:
            fail(f"{p}: sha256 {sha[k]} is not the recorded {EXPECTED_SHA256[k]} (expected the {k} file "
                 f"named in this script; update the script's sources when changing inputs)")
    with open(args.litellm) as f:
        litellm = json.load(f)

    out = []
    notes = []
    out.append("api_models:")
    for sheet_id, key, provider in API_MODELS:
        e = litellm.get(key)
        if e is None:
            fail(f"LiteLLM has no key {key}")
        dep = e.get("deprecation_date")
        if dep and dep < EFFECTIVE_DATE:
            notes.append(f"{sheet_id} ({key}) left out: LiteLLM gives deprecation_date {dep}, before {EFFECTIVE_DATE}")
            continue
        api_entry(sheet_id, key, provider, e, out, notes)

    out.append("")
    out.append("managed:")
    for oid, model, i, o, bi, bo in BEDROCK_ON_DEMAND:
        out.append(f"  - id: {oid}")
        out.append("    provider: aws-bedrock")
        out.append(f"    model: {model}")
        out.append(f"    data_classes: [{', '.join(BEDROCK_CLASSES)}]")
        out.append("    source: bedrock-2025-07")
        prices = f"input_per_mtok: {num(i)}, output_per_mtok: {num(o)}"
        if bi is not None:
            prices += f", batch_input_per_mtok: {num(bi)}, batch_output_per_mtok: {num(bo)}"
        out.append(f"    on_demand: {{{prices}}}")
    out.append("  # Claude Instant provisioned throughput: LiteLLM per-second price x 3600. AWS does not")
    out.append("  # publish tokens/min per model unit; a profile option must give it.")
    out.append("  - id: bedrock-claude-instant")
    out.append("    provider: aws-bedrock")
    out.append("    model: claude-instant")
    out.append(f"    data_classes: [{', '.join(BEDROCK_CLASSES)}]")
    out.append("    source: litellm")
    out.append("    provisioned:")
    out.append("      source: litellm")
    out.append("      terms:")
    for term, months, key in BEDROCK_PROVISIONED:
        e = litellm.get(key)
        if e is None:
            fail(f"LiteLLM has no key {key}")
        per_s = e["input_cost_per_second"]
        if e.get("output_cost_per_second") != per_s:
            fail(f"{key}: input and output per-second prices differ")
        out.append(f"        - {{term: {term}, usd_per_unit_hour: {num(per_s * 3600)}, months: {months}}}"
                   f"  # {per_s}/s x 3600")
    for oid, model, key in TOGETHER:
        e = litellm.get(key)
        if e is None:
            fail(f"LiteLLM has no key {key}")
        i, o = per_mtok(e["input_cost_per_token"]), per_mtok(e["output_cost_per_token"])
        out.append(f"  - id: {oid}")
        out.append("    provider: together")
        out.append(f"    model: {model}")
        out.append(f"    data_classes: [{', '.join(API_CLASSES)}]")
        out.append("    source: litellm")
        out.append(f"    on_demand: {{input_per_mtok: {num(i)}, output_per_mtok: {num(o)}}}")

    out.append("")
    out.append("gpu_instances:")
    out.append("  # AWS EC2, us-east-1: on-demand and 1-year RI from tsaol (2026-01-21); spot = low end of")
    out.append("  # the per-zone range in anycloud aws/vms.csv (range in the comment).")
    for inst, gpu, count, od, ri, spot, spot_range in AWS:
        if spot_range:
            out.append(f"  # aws {inst}: spot range {spot_range}")
        line = (f"  - {{id: aws-{inst}, provider: aws, instance: {inst}, gpu: {gpu}, gpu_count: {count}, "
                f"region: us-east-1, on_demand_per_hour: {num(od)}")
        if ri is not None:
            line += f", reserved_1y_per_hour: {num(ri)}"
        if spot is not None:
            line += f", spot_per_hour: {num(spot)}, source: aws-2026}}"
        else:
            line += ", source: aws-2026}"
        out.append(line)
    gcp_instances(args.gcp, out)
    lambda_instances(args.lambda_, out)

    header = f"""# Price sheet {VERSION}: public prices as of {EFFECTIVE_DATE}.
#
# GENERATED by tools/build_price_sheet.py from the files named under `sources` (their sha256
# recorded there); do not edit by hand. Released sheet: never edit it. New or corrected prices
# go into a new version file and a new line of pricing/MANIFEST.sha256 (see docs/pricing.md).
#
# Units: USD per 1M tokens for token prices, USD per instance-hour for GPU instances, USD per
# model-unit-hour for provisioned throughput, tokens per minute for rate limits.
#
# - API prices: LiteLLM (2025-11-21), per-token x 1e6, checked against the vendors' rules
#   (cached < input; 5-minute cache write 1-1.25 x input; batch = half price).
# - API rate limits: copies of the vendors' docs captured in 2025, only for the models those
#   copies cover; other models list none and compare notes that limits were not checked.
# - data_classes: [public, internal, pii] for OpenAI, Anthropic and Together (no BAA or zero
#   retention assumed); Bedrock adds phi (AWS lists Bedrock as HIPAA eligible).
# - AWS EC2: on-demand and 1-year RI dated 2026-01-21, after the June 2025 P4/P5 cut; spot is
#   the low end of a 2026 per-zone snapshot (typical level, not a quote). 3-year RIs and
#   Savings Plans: not found.
# - GCP: us-central1; instance = host row + accelerator row of the catalog; spot likewise.
# - Lambda: the catalog file's figures (2026-05-07). Uncertain: the same catalog's 2026-04-02
#   bootstrap was 13-35% lower, and a page checked 2026-05-07 still quoted the lower H100/A100
#   prices; which level is current is unresolved. Lambda lists no spot prices.
# - Bedrock on-demand: AWS pricing page copy of 2025-07-20. Llama 3.1 70B is 0.72 there; LiteLLM
#   says 0.99 (likely the July 2024 launch price). Together serverless: LiteLLM.
# Findings of the build:
"""
    header += "".join(f"# - {n}\n" for n in notes)
    top = [
        f'version: "{VERSION}"',
        f'effective_date: "{EFFECTIVE_DATE}"',
        "currency: USD",
        "description: Public prices of May 2026 (APIs, Bedrock, Together, AWS, GCP, Lambda)",
        "",
        "sources:",
    ]
    sources = [
        ("litellm", "BerriAI/litellm@be9f2e026c24a108e740f8a19bd8cfc1ec535523:model_prices_and_context_window.json",
         "2025-11-21", f"Per-token prices x 1e6; Bedrock commitments per second x 3600. Input file sha256 {sha['litellm']}."),
        ("gcp-catalog", "anycloud-sh/catalog@62ff0a987e0c257a89235415d2877812fb1aaf29:gcp/vms.csv", "2026-05-20",
         "SkyPilot catalog format; machine rows carry the host price, accelerator rows the GPU price; an instance "
         f"costs host + GPUs. On-demand identical in the 2026-04-02 and 2026-04-06 snapshots. Input file sha256 {sha['gcp']}."),
        ("lambda-catalog", "anycloud-sh/catalog@4c0610266db3c729e55a84d8e0ffe1c96cd903ec:lambda/vms.csv", "2026-05-07",
         "SkyPilot catalog format. Uncertain: 13-35% above the catalog's 2026-04-02 bootstrap (anycloud @69b86f0), "
         f"and a page verified 2026-05-07 still quotes the lower figures. Input file sha256 {sha['lambda']}."),
        ("aws-2026", "tsaol/aws-gpu:data/<family>_instances.js", "2026-01-21",
         "Auto-generated from instances.vantage.sh data; reserved = 1-year Standard RI, no upfront. Commit not recorded; "
         "on-demand figures match anycloud-sh/catalog@5134b89:aws/vms.csv. Spot: low end of the per-zone range in "
         "anycloud-sh/catalog@5134b89:aws/vms.csv (2026, day not recorded)."),
        ("bedrock-2025-07", "convo-lang/convo-lang:packages/convo-lang-bedrock/bedrock-pricing.md", "2025-07-20",
         "Copy of aws.amazon.com/bedrock/pricing, us-east-1; commit not recorded. Same figures for Llama 3.1 in "
         "aws-samples/foundation-model-benchmarking-tool@5166b582 (2024-12-09). Bedrock is HIPAA eligible."),
        ("openai-rate-limits-2025", "TSGCFO/gpt5-mobile-assistant@25ab93a:Docs/responses-api/platform.openai.com_docs_models_gpt-4o.md",
         "2025", "Copies of the gpt-4o and gpt-4o-mini model pages, captured 2025 (day not stated)."),
        ("anthropic-rate-limits-2025", "voxmenthe/prompts@ad9bff5:SPECIALIZED_CONTEXT_AND_DOCS/ANTHROPIC_API_DOCS_MIRROR/rate-limits.md",
         "2025", "Mirror of docs.anthropic.com/en/api/rate-limits taken after Aug 2025."),
    ]
    for sid, url, ret, note in sources:
        top.append(f"  - id: {sid}")
        top.append(f"    url: {q(url)}")
        top.append(f"    retrieved: {q(ret)}")
        top.append(f"    note: {q(note)}")
    top.append("")
    sys.stdout.write(header + "\n".join(top + out) + "\n")


if __name__ == "__main__":
    main()
