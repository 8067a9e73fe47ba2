# Every example profile in profiles/ runs against its price sheet (pinned or newest).
foreach(p early-chat doc-pipeline b2b-saas regulated)
  plan_cli_test(profiles.${p} --rc 0
    --stdout-re "\"hours_per_month\": 730"
    --stdout-re "\"profile\": \"${p}\""
    -- compare profiles/${p}.yaml --format json)
endforeach()

# regulated: the workload is phi, which only Bedrock may receive among the API/managed
# options; the API options are infeasible for that reason.
plan_cli_test(profiles.regulated_phi --rc 0
  --stdout-re "gpt-4o +api .*infeasible|data class 'phi'"
  -- compare profiles/regulated.yaml)
