# Every example profile in profiles/ runs against its price sheet (pinned or newest).
foreach(p early-chat doc-pipeline b2b-saas regulated)
  plan_cli_test(profiles.${p} --rc 0
    --stdout-re "\"hours_per_month\": 730"
    --stdout-re "\"profile\": \"${p}\""
    -- compare profiles/${p}.yaml --format json)
endforeach()

# regulated: the workload is phi, which among the API and managed options only Bedrock may
# receive (pricing/2026-05.yaml data_classes). Bedrock Llama 3.1 70B on demand at 0.72/0.72 per
# 1M: 500,000 req/day x 3,000 tokens = 1.5e9 tokens/day x 730/24 days = 45.625e9 tokens/month
# x 0.72 / 1e6 = 32,850.00 USD/month.
plan_cli_test(profiles.regulated_phi --rc 0
  --stdout-re "gpt-4o: infeasible: workload 'clinical-notes' has data class 'phi'"
  --stdout-re "claude-sonnet-4-5: infeasible: workload 'clinical-notes' has data class 'phi'"
  --stdout-re "^\\* +bedrock-llama-70b +managed +32,850\\.00 "
  --stdout-re "cheapest feasible option: bedrock-llama-70b"
  -- compare profiles/regulated.yaml)
