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
