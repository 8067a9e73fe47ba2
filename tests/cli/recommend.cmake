# plan recommend, and hybrid options in compare (numbers worked in tests/unit/test_hybrid.cpp).
plan_cli_test(recommend.hybrid --rc 0
  --stdout-re "^recommended: mix at 4,453\\.00 USD/month"
  --stdout-re "saves 803\\.00 USD/month against all traffic on api"
  --stdout-re "saves 1,022\\.00 USD/month against all traffic on gpu"
  --stdout-re "^mix +4,453\\.00 +"
  --stdout-re "^ +1 \\* +4,453\\.00"
  -- recommend tests/data/profile-hybrid.yaml --prices tests/data/sheet-basic.yaml)
plan_cli_test(recommend.json --rc 0 --stdout-re "\"recommended\": \"mix\"" --stdout-re "\"replicas\": 1,"
  -- recommend tests/data/profile-hybrid.yaml --prices tests/data/sheet-basic.yaml --format json)
plan_cli_test(compare.hybrid --rc 0 --stdout-re "^\\* +mix +hybrid +4,453\\.00"
  -- compare tests/data/profile-hybrid.yaml --prices tests/data/sheet-basic.yaml)

# An infeasible plan has no price: the retired claude-3-haiku of tests/data/profile-retired-haiku.yaml (and every
# hybrid overflowing to it) has empty cost cells, not 0.00.
plan_cli_test(recommend.infeasible_no_price --rc 0
  --stdout-re "^claude-3-haiku,false,,,"
  --stdout-re "^hybrid:l4-llama-8b\\+claude-3-haiku,false,,,"
  -- recommend tests/data/profile-retired-haiku.yaml --format csv)

# The decision summary (tests/data/profile-decision.yaml, sheet-basic: flat-15 at 15, flat-1 at
# 1, blended-030 at 0.30 USD per 1M tokens in and out). a: 2,000 x 1,000 = 2M tokens/day; b: 4M.
# Today both on fifteen, one option for their combined 6M a day: 90 USD/day x 730/24 =
# 2,737.50 USD/month. a alone: fifteen 30 USD/day = 912.50, within its models one 2/day =
# 60.83, with another model blended 0.6/day = 18.25; b: blended 1.2/day = 36.50. The plan
# (split): 60.83 + 36.50 = 97.33; saves 2,737.50 - 97.33 = 2,640.17 USD/month, 96.4%. a billed
# 756 USD over 28 days against 840 at list: -10.0%, flagged; 756 / 28 x 730/24 = 821.25 a month.
plan_cli_test(recommend.decision --rc 0
  --stdout-re "\"today_monthly_cost_usd\": 2737\\.50,"
  --stdout-re "\"recommended_monthly_cost_usd\": 97\\.33,"
  --stdout-re "\"saving_monthly_usd\": 2640\\.17,"
  --stdout-re "\"action\": \"move a from fifteen to one, move b from fifteen to blended: saves 2,640\\.17 USD/month \\(2,737\\.50 to 97\\.33 USD/month at list price, 96\\.4%\\)\""
  --stdout-re "\"today_monthly_cost_usd\": 912\\.50,"
  --stdout-re "\"monthly_usd\": 821\\.25,"
  --stdout-re "\"difference\": -0\\.1000,"
  --stdout-re "\"flagged\": true"
  --stdout-re "\"same_model_option\": \"one\","
  --stdout-re "\"same_model_monthly_cost_usd\": 60\\.83,"
  --stdout-re "\"other_model\": \"blended-030\","
  --stdout-re "\"other_monthly_cost_usd\": 18\\.25"
  -- recommend tests/data/profile-decision.yaml --prices tests/data/sheet-basic.yaml --format json)
# Without current_option today's cost is not known: the do: line names the plan, no saving.
plan_cli_test(recommend.decision_unknown_today --rc 0
  --stdout-re "\"today_monthly_cost_usd\": null,"
  --stdout-re "\"saving_monthly_usd\": null,"
  --stdout-re "\"action\": \"put a on one, put b on blended: split at 97\\.33 USD/month. the saving is not known: no cost today for a, b"
  -- recommend tests/data/profile-decision-unknown.yaml --prices tests/data/sheet-basic.yaml --format json)
