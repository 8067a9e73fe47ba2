#!/usr/bin/env python3
"""Writes the usage-import fixtures of tests/data/usage/ (deterministic: no randomness, no
clock). The expected figures the tests check are worked out in tests/unit/test_usage_import.cpp.

  generate.py [DIR]                    all fixtures into DIR (default: this file's folder)
  generate.py --bench N FILE           a request log of N rows for the benchmark
"""
import json
import math
import os
import sys

T0 = 1777593600  # 2026-05-01T00:00:00Z
DAY, HOUR = 86400, 3600


def iso(t):
    d, s = divmod(t, DAY)
    # civil_from_days (H. Hinnant)
    z = d + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    dd = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    y += m <= 2
    return "%04d-%02d-%02dT%02d:%02d:%02dZ" % (y, m, dd, s // 3600, s % 3600 // 60, s % 60)


def requests_csv(path):
    """28 days. gpt-4o-2024-08-06 (tag chat): 10 requests a day, request i at hour
    [9,9,9,9,14,14,14,14,20,20][i], input 500 * (1 + i % 4), output 200, 256 cached when i
    is even, batch when i >= 8. claude-3-haiku-20240307 (tag etl): 2 a day at 03:00, input
    3000, output 600. One malformed row (a bad timestamp) after day 0."""
    hours = [9, 9, 9, 9, 14, 14, 14, 14, 20, 20]
    with open(path, "w") as f:
        f.write("timestamp,model,input_tokens,output_tokens,cached_tokens,batch,tag\n")
        for d in range(28):
            for i in range(10):
                t = T0 + d * DAY + hours[i] * HOUR + 60 * i
                f.write("%s,gpt-4o-2024-08-06,%d,200,%d,%s,chat\n" % (
                    iso(t), 500 * (1 + i % 4), 256 if i % 2 == 0 else 0, "true" if i >= 8 else "false"))
            for i in range(2):
                t = T0 + d * DAY + 3 * HOUR + 60 * i
                f.write("%s,claude-3-haiku-20240307,3000,600,0,false,etl\n" % iso(t))
            if d == 0:
                f.write("not-a-time,gpt-4o-2024-08-06,1,1,0,false,chat\n")


def requests_jsonl(path):
    """The gpt-4o rows of requests.csv for 7 days, as JSONL with OpenAI's names
    (created in seconds, prompt_tokens, completion_tokens, metadata.tag)."""
    hours = [9, 9, 9, 9, 14, 14, 14, 14, 20, 20]
    with open(path, "w") as f:
        for d in range(7):
            for i in range(10):
                t = T0 + d * DAY + hours[i] * HOUR + 60 * i
                f.write(json.dumps({"created": t, "model": "gpt-4o-2024-08-06", "prompt_tokens": 500 * (1 + i % 4),
                                    "completion_tokens": 200, "metadata": {"tag": "chat"}}) + "\n")


def buckets_csv(path):
    """70 days of hourly buckets for gpt-4o-mini: R_d = 1000 x 1.01^d requests on day d,
    three quarters at 10:00 and a quarter at 22:00, 800 input and 200 output tokens each."""
    with open(path, "w") as f:
        f.write("hour,model,requests,prompt_tokens,completion_tokens\n")
        for d in range(70):
            r = 1000 * 1.01 ** d
            for h, share in ((10, 0.75), (22, 0.25)):
                n = r * share
                f.write("%s,gpt-4o-mini,%.6f,%.6f,%.6f\n" % (iso(T0 + d * DAY + h * HOUR), n, 800 * n, 200 * n))


def openai_usage(path):
    """Seven daily buckets in two pages (one per line). Each day gpt-4o-mini-2024-07-18 has
    1000 requests (1,000,000 input of which 200,000 cached, 250,000 output) and 100 batch
    requests (100,000 input, 50,000 output)."""
    def bucket(d):
        return {"object": "bucket", "start_time": T0 + d * DAY, "end_time": T0 + (d + 1) * DAY, "results": [
            {"object": "organization.usage.completions.result", "input_tokens": 1000000, "output_tokens": 250000,
             "input_cached_tokens": 200000, "input_audio_tokens": 0, "output_audio_tokens": 0,
             "num_model_requests": 1000, "project_id": "proj_a", "user_id": None, "api_key_id": None,
             "model": "gpt-4o-mini-2024-07-18", "batch": False},
            {"object": "organization.usage.completions.result", "input_tokens": 100000, "output_tokens": 50000,
             "input_cached_tokens": 0, "input_audio_tokens": 0, "output_audio_tokens": 0,
             "num_model_requests": 100, "project_id": "proj_a", "user_id": None, "api_key_id": None,
             "model": "gpt-4o-mini-2024-07-18", "batch": True}]}
    pages = [{"object": "page", "data": [bucket(d) for d in range(0, 4)], "has_more": True, "next_page": "p2"},
             {"object": "page", "data": [bucket(d) for d in range(4, 7)], "has_more": False, "next_page": None}]
    with open(path, "w") as f:
        for p in pages:
            f.write(json.dumps(p) + "\n")


def anthropic_usage(path):
    """Two days of hourly buckets for claude-sonnet-4-5-20250929. Each day: at 08:00 one
    standard result, at 16:00 a standard and a batch result, each with 600 uncached input,
    100 written to the 5-minute cache, 300 read from the cache and 250 output tokens."""
    def result(tier):
        return {"uncached_input_tokens": 600, "cache_creation": {"ephemeral_1h_input_tokens": 0,
                "ephemeral_5m_input_tokens": 100}, "cache_read_input_tokens": 300, "output_tokens": 250,
                "server_tool_use": {"web_search_requests": 0}, "api_key_id": None, "workspace_id": "wrk_a",
                "model": "claude-sonnet-4-5-20250929", "service_tier": tier, "context_window": "0-200k"}
    data = []
    for d in range(2):
        for h, results in ((8, [result("standard")]), (16, [result("standard"), result("batch")])):
            t = T0 + d * DAY + h * HOUR
            data.append({"starting_at": iso(t), "ending_at": iso(t + HOUR), "results": results})
    with open(path, "w") as f:
        json.dump({"data": data, "has_more": False, "next_page": None}, f, indent=1)
        f.write("\n")


LITELLM_COLS = ["request_id", "call_type", "api_key", "spend", "total_tokens", "prompt_tokens", "completion_tokens",
                "startTime", "endTime", "model", "model_group", "user", "metadata", "cache_hit", "request_tags"]


def litellm_rows():
    """Three days, four requests a day at 12:00-12:03 on gpt-4o-mini: input 1000, output
    100, 400 cached (in metadata.usage_object), tags ["support"]."""
    rows = []
    for d in range(3):
        for i in range(4):
            t = T0 + d * DAY + 12 * HOUR + 60 * i
            meta = {"user_api_key_alias": "svc", "usage_object": {"prompt_tokens": 1000, "completion_tokens": 100,
                    "prompt_tokens_details": {"cached_tokens": 400}}}
            rows.append({"request_id": "req-%d-%d" % (d, i), "call_type": "acompletion", "api_key": "hashed",
                         "spend": 0.00021, "total_tokens": 1100, "prompt_tokens": 1000, "completion_tokens": 100,
                         "startTime": iso(t).replace("Z", "+00:00"), "endTime": iso(t + 2).replace("Z", "+00:00"),
                         "model": "gpt-4o-mini", "model_group": "gpt-4o-mini", "user": "", "metadata": meta,
                         "cache_hit": "False", "request_tags": ["support"]})
    return rows


def litellm_csv(path):
    def cell(v):
        s = json.dumps(v) if isinstance(v, (dict, list)) else str(v)
        return '"' + s.replace('"', '""') + '"' if any(c in s for c in ',"\n') else s
    with open(path, "w") as f:
        f.write(",".join(LITELLM_COLS) + "\n")
        for r in litellm_rows():
            f.write(",".join(cell(r[c]) for c in LITELLM_COLS) + "\n")


def litellm_json(path):
    with open(path, "w") as f:
        json.dump(litellm_rows(), f, indent=1)
        f.write("\n")


def vllm_scrapes(dirpath):
    """Three scrapes an hour apart from 2026-05-01T10:00Z; the server restarts between the
    second and the third. Counters (requests, prompt, generation, prefix-cache hits):
    100/50000/10000/5000, 400/200000/40000/20000, then 50/25000/5000/2500. Prompt-length
    histogram (le 100, 500, 1000, +Inf), cumulative: [10,60,100,100], [40,240,400,400],
    [5,30,50,50]."""
    scrapes = [((100, 50000, 10000, 5000), (10, 60, 100, 100)),
               ((400, 200000, 40000, 20000), (40, 240, 400, 400)),
               ((50, 25000, 5000, 2500), (5, 30, 50, 50))]
    for k, (c, hist) in enumerate(scrapes):
        ts = (T0 + 10 * HOUR + k * HOUR) * 1000
        lab = 'model_name="meta-llama/Llama-3.1-8B-Instruct"'
        with open(os.path.join(dirpath, "vllm-%d.prom" % (k + 1)), "w") as f:
            f.write("# HELP vllm:request_success_total Count of successfully processed requests.\n")
            f.write("# TYPE vllm:request_success_total counter\n")
            f.write('vllm:request_success_total{finished_reason="stop",%s} %d %d\n' % (lab, c[0] - c[0] // 10, ts))
            f.write('vllm:request_success_total{finished_reason="length",%s} %d %d\n' % (lab, c[0] // 10, ts))
            f.write("# TYPE vllm:prompt_tokens_total counter\n")
            f.write("vllm:prompt_tokens_total{%s} %d %d\n" % (lab, c[1], ts))
            f.write("# TYPE vllm:generation_tokens_total counter\n")
            f.write("vllm:generation_tokens_total{%s} %d %d\n" % (lab, c[2], ts))
            f.write("# TYPE vllm:prefix_cache_hits_total counter\n")
            f.write("vllm:prefix_cache_hits_total{%s} %d %d\n" % (lab, c[3], ts))
            f.write("# TYPE vllm:request_prompt_tokens histogram\n")
            for le, n in zip(("100.0", "500.0", "1000.0", "+Inf"), hist):
                f.write('vllm:request_prompt_tokens_bucket{le="%s",%s} %d %d\n' % (le, lab, n, ts))
            f.write("vllm:request_prompt_tokens_count{%s} %d %d\n" % (lab, hist[-1], ts))
            f.write("# TYPE vllm:num_requests_running gauge\n")
            f.write("vllm:num_requests_running{%s} 3 %d\n" % (lab, ts))


def bench(n, path):
    """N request rows, one a second from T0 over five models, lengths cycling."""
    models = ["gpt-4o-2024-08-06", "gpt-4o-mini", "claude-3-haiku-20240307", "claude-sonnet-4-5", "llama-3.1-8b"]
    with open(path, "w") as f:
        f.write("timestamp,model,input_tokens,output_tokens,cached_tokens,batch\n")
        buf = []
        for i in range(n):
            buf.append("%d,%s,%d,%d,%d,%s\n" % (T0 + i, models[i % 5], 200 + (i * 37) % 3000, 50 + (i * 11) % 700,
                                                (i % 3) * 128, "true" if i % 10 == 0 else "false"))
            if len(buf) >= 100000:
                f.write("".join(buf))
                buf = []
        f.write("".join(buf))


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--bench":
        bench(int(sys.argv[2]), sys.argv[3])
        return
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    requests_csv(os.path.join(out, "requests.csv"))
    requests_jsonl(os.path.join(out, "requests.jsonl"))
    buckets_csv(os.path.join(out, "buckets.csv"))
    openai_usage(os.path.join(out, "openai-usage.jsonl"))
    anthropic_usage(os.path.join(out, "anthropic-usage.json"))
    litellm_csv(os.path.join(out, "litellm-spend.csv"))
    litellm_json(os.path.join(out, "litellm-spend.json"))
    vllm_scrapes(out)


if __name__ == "__main__":
    main()
