# The shipped sheet 2026-12 (pricing/2026-12.yaml) on the profiles tests/data/profile-dec2026*.yaml:
# 1,000 requests/day x (1,000 in + 1,000 out), flat, from 2026-12. A month is 730 h, so input and
# output are each 1,000 x 1,000 x 730 / 24 = 30,416,667 tokens = M = 30.41667M tokens a month.
set(DEC tests/data/profile-dec2026.yaml)
set(DEC_BATCH tests/data/profile-dec2026-batch.yaml)

# claude-sonnet-5 at 2 / 10 (LiteLLM 2026-07-24: 2e-06 / 1e-05 per token), cache read 0.20,
# 5-minute write 2.50; batch by Anthropic's rule: 2 x 0.5 = 1.00 and 10 x 0.5 = 5.00.
plan_cli_test(prices.dec_sonnet5 --rc 0
  --stdout-re "^claude-sonnet-5 +anthropic +2\\.000 +10\\.000 +0\\.200 +2\\.500 +1\\.000 +5\\.000 +1000000 "
  -- prices show 2026-12)
# deepseek-chat's cache write is the input price 0.28, not 2026-07's 0.00.
plan_cli_test(prices.dec_deepseek_cache_write --rc 0
  --stdout-re "^deepseek-chat +deepseek +0\\.280 +0\\.420 +0\\.028 +0\\.280 "
  -- prices show 2026-12)
# p4d.24xlarge spot is the median of us-east-1's four zones 6.8507, 18.141, 18.2216, 18.8658:
# (18.141 + 18.2216) / 2 = 18.1813 (on demand 21.9576, 1-year RI 13.9211, no 3-year).
plan_cli_test(prices.dec_p4d_spot_median --rc 0
  --stdout-re "^aws-p4d\\.24xlarge +aws +p4d\\.24xlarge +a100-40gb +8 +21\\.9576 +13\\.9211 +- +18\\.1813 "
  -- prices show 2026-12)
# A fleet on spot pays the median: one p4d.24xlarge, 730 h x 18.1813 x (1 + 0.10 interruption
# overhead) = 14,599.58 USD/month (at 2026-07's lowest zone, 6.85: 730 x 6.85 x 1.1 = 5,500.55).
plan_cli_test(compare.dec_p4d_spot --rc 0
  --stdout-re "^dec2026,2026-12,730,USD,p4dspot,self_hosted,true,[a-z]+,[0-9]+,14599\\.58,"
  -- compare ${DEC} --format csv)

# Batch traffic costs half. Standard: claude-sonnet-5 M x (2 + 10) = 365.00; gpt-5.6
# M x (5 + 30) = 1,064.58. All batched: M x (1 + 5) = 182.50; M x (2.50 + 15) = 532.29.
plan_cli_test(compare.dec_standard --rc 0
  --stdout-re "^dec2026,2026-12,730,USD,sonnet5,api,true,[a-z]+,[0-9]+,365\\.00,"
  --stdout-re "^dec2026,2026-12,730,USD,gpt56,api,true,[a-z]+,[0-9]+,1064\\.58,"
  -- compare ${DEC} --format csv)
plan_cli_test(compare.dec_batch_half --rc 0
  --stdout-re "^dec2026-batch,2026-12,730,USD,sonnet5,api,true,[a-z]+,[0-9]+,182\\.50,"
  --stdout-re "^dec2026-batch,2026-12,730,USD,gpt56,api,true,[a-z]+,[0-9]+,532\\.29,"
  -- compare ${DEC_BATCH} --format csv)
# The batch price of an entry without its own is cited at its provider's rule (Anthropic: line
# 144 of the released sheet).
plan_cli_test(compare.dec_batch_cited --rc 0
  --stdout-re "sonnet5: batch prices \\(provider's batch rule\\) from pricing/2026-12\\.yaml:144$"
  -- compare ${DEC_BATCH})

# deepseek-chat left the API on 2026-07-24, before the sheet's 2026-12-06: infeasible, naming
# its successor.
plan_cli_test(compare.dec_deepseek_retired --rc 0
  --stdout-re "deepseek-chat was retired on 2026-07-24 \\(pricing/2026-12\\.yaml:[0-9]+\\), before price sheet 2026-12 \\(effective 2026-12-06\\). it is no longer offered. its successor is deepseek-v4-flash \\(pricing/2026-12\\.yaml:[0-9]+\\)"
  -- compare ${DEC} --format json)

# gpt-5 retires 2026-12-11, in month 1 of the horizon 2026-12 .. 2027-11. Its own cost is
# M x (1.25 + 10) = 342.19; its successor gpt-5.6 would cost M x (5 + 30) = 1,064.58.
plan_cli_test(compare.dec_gpt5_successor --rc 0
  --stdout-re "gpt-5 retires on 2026-12-11: month 1 \\(2026-12\\) of the 12-month horizon from 2026-12. plan a migration before then. its successor gpt-5\\.6 would cost 1064\\.58 USD/month for the same workload \\(pricing/2026-12\\.yaml:[0-9]+\\)"
  -- compare ${DEC} --format json)
plan_cli_test(compare.dec_gpt5_own_cost --rc 0
  --stdout-re "^dec2026,2026-12,730,USD,gpt5,api,true,[a-z]+,[0-9]+,342\\.19,"
  -- compare ${DEC} --format csv)
plan_cli_test(recommend.dec_gpt5_successor --rc 0
  --stdout-re "its successor gpt-5\\.6 would cost 1064\\.58 USD/month"
  -- recommend ${DEC})
# project switches gpt5 to gpt-5.6 from month 1: every month costs 1,064.58, the year 12 x
# 1,064.58 = 12,774.96 (sums of the rounded months).
plan_cli_test(project.dec_gpt5_successor --rc 0
  --stdout-re "gpt-5 retires on 2026-12-11: from month 1 \\(2026-12\\) the projection prices its successor gpt-5\\.6 \\(pricing/2026-12\\.yaml:[0-9]+\\) for the same workload"
  --stdout-re "\"id\": \"gpt5\""
  --stdout-re "\"total\": 12774\\.96"
  -- project ${DEC} --format json)

# No horizon start: the first month is today's. With --today 2026-01-15 the horizon is
# 2026-01 .. 2026-12, and gpt-5's retirement (2026-12-11) falls in its 12th month, both in
# the finding of compare and in the switch of project (not month 1 of the sheet's 2026-12).
set(DEC_NOSTART tests/data/profile-dec2026-nostart.yaml)
plan_cli_test(compare.dec_gpt5_today --rc 0
  --stdout-re "gpt-5 retires on 2026-12-11: month 12 \\(2026-12\\) of the 12-month horizon from 2026-01. plan a migration"
  -- --today 2026-01-15 compare ${DEC_NOSTART} --format json)
plan_cli_test(project.dec_gpt5_today --rc 0
  --stdout-re "gpt-5 retires on 2026-12-11: from month 12 \\(2026-12\\) the projection prices its successor"
  --stdout-re "\"start\": \"2026-01\""
  -- --today 2026-01-15 project ${DEC_NOSTART} --format json)

# plan prices lint: every shipped sheet, the default strictly, with the shipped profiles.
plan_cli_test(prices.lint_shipped --rc 0
  --stdout-re "^4 sheets linted: 0 errors, [0-9]+ warnings$"
  -- prices lint --profiles-dir profiles)
plan_cli_test(prices.lint_default --rc 0 --stdout-re "^1 sheet linted: 0 errors, 0 warnings$"
  -- prices lint 2026-12)
# A fixture with one entry breaking each rule: each finding names the file and the entry's line.
set(LINT_BAD tests/data/sheet-lint-bad.yaml)
plan_cli_test(prices.lint_bad --rc 1
  --stdout-re "^tests/data/sheet-lint-bad\\.yaml:13: error: cache: cache-read-equal: cached_input_per_mtok 1 is not below input_per_mtok 1"
  --stdout-re "^tests/data/sheet-lint-bad\\.yaml:15: error: cache: cache-write-zero: cache_write_per_mtok 0 is below input_per_mtok 0\\.28"
  --stdout-re "^tests/data/sheet-lint-bad\\.yaml:17: error: batch: batch-off-rule: batch prices 0\\.8 / 1\\.6 differ from acme's batch rule \\(50% off: 0\\.5 / 1, tests/data/sheet-lint-bad\\.yaml:10\\)"
  --stdout-re "^tests/data/sheet-lint-bad\\.yaml:19: error: limits: no-output-limit has no max_output_tokens"
  --stdout-re "^tests/data/sheet-lint-bad\\.yaml:21: error: successor: retiring-alone retires on 2027-03-01 but names no successor"
  --stdout-re "^tests/data/sheet-lint-bad\\.yaml:28: error: spot: spot-high: spot_per_hour 12 is above on_demand_per_hour 10"
  --stdout-re "^tests/data/sheet-lint-bad\\.yaml:30: error: reserved: reserved-high: reserved_1y_per_hour 11 is above on_demand_per_hour 10"
  --stdout-re "^tests/data/profile-lint\\.yaml:11: error: retired: option 'gone' uses retired-early, retired on 2026-11-15 \\(tests/data/sheet-lint-bad\\.yaml:23\\), before the profile's first month 2026-12 \\(its successor: clean\\)"
  --stdout-re "^1 sheet linted: 8 errors, 0 warnings$"
  -- prices lint ${LINT_BAD} --profile tests/data/profile-lint.yaml)
plan_cli_test(prices.lint_clean --rc 0 --stdout-re "^1 sheet linted: 0 errors, 0 warnings$"
  -- prices lint tests/data/sheet-lint-clean.yaml)
# The loader's own checks: a successor that is not an entry of the sheet, a spot range that
# does not hold the median.

# What 2026-12 changed from 2026-07, with both lines: p4d's spot from the lowest zone to the
# median, with the range (g6.xlarge: zones 0.6685, 0.7068, 0.7366, 0.7973, median (0.7068 +
# 0.7366) / 2 = 0.7217); gpt-5's retirement and successor, and its batch prices by OpenAI's
# rule (1.25 x 0.5 = 0.625, 10 x 0.5 = 5).
plan_cli_test(prices.diff_2026_12 --rc 0
  --stdout-re "^  spot_per_hour: 6\\.85 -> 18\\.1813 \\(pricing/2026-07\\.yaml:714 -> pricing/2026-12\\.yaml:[0-9]+\\)$"
  --stdout-re "^  spot_min_per_hour: none -> 6\\.8507 "
  --stdout-re "^  spot_per_hour: 0\\.669 -> 0\\.7217 "
  --stdout-re "^  successor: none -> gpt-5\\.6 "
  --stdout-re "^  batch_input_per_mtok: none -> 0\\.625 \\(pricing/2026-07\\.yaml:165 -> "
  -- prices diff 2026-07 2026-12)

# plan risk draws a spot fleet's price from the sheet's zone spread when the profile gives no
# spot_price: p4d.24xlarge lowest / median / highest 6.8507 / 18.1813 / 18.8658, a multiplier
# triangular(6.8507 / 18.1813 = 0.376799, 1, 18.8658 / 18.1813 = 1.03765). Its CDF at the mode
# is (1 - 0.376799) / (1.03765 - 0.376799) = 0.94303, so p10 = 0.376799 + sqrt(0.1 x 0.66085 x
# 0.623201) = 0.5797, p50 = 0.376799 + sqrt(0.5 x 0.66085 x 0.623201) = 0.8306, p90 = 0.376799
# + sqrt(0.9 x 0.66085 x 0.623201) = 0.9856.
plan_cli_test(risk.dec_spot_spread --rc 0
  --stdout-re "^spot_price +triangular\\(0\\.376799, mode 1, 1\\.03765\\) +0\\.5797 +0\\.8306 +0\\.9856 +spot spread across zones \\(lowest / median / highest\\): aws-p4d\\.24xlarge 6\\.8507 / 18\\.1813 / 18\\.8658 \\(pricing/2026-12\\.yaml:[0-9]+\\)$"
  -- risk tests/data/profile-dec2026-risk.yaml)
