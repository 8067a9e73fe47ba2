# Every example profile in profiles/ runs against its price sheet (pinned or newest).
foreach(p early-chat doc-pipeline b2b-saas b2b-saas-risk regulated)
  plan_cli_test(profiles.${p} --rc 0
    --stdout-re "\"hours_per_month\": 730"
    --stdout-re "\"profile\": \"${p}\""
    -- compare profiles/${p}.yaml --format json)
endforeach()

# regulated: the workload is phi. The profile's policy keeps phi on self-hosted GPUs, so every
# API and managed option is infeasible, each with the rule that excluded it.
plan_cli_test(profiles.regulated_phi --rc 0
  --stdout-re "gpt-4o: infeasible: workload 'clinical-notes' has data class 'phi', which the profile's policy keeps on self-hosted GPUs"
  --stdout-re "claude-sonnet-4-5: infeasible: workload 'clinical-notes' has data class 'phi', which the profile's policy"
  --stdout-re "bedrock-llama-70b: infeasible: .*policy.self_hosted_only at profiles/regulated.yaml:"
  --stdout-re "cheapest feasible option: .*-llama-70b"
  -- compare profiles/regulated.yaml)
