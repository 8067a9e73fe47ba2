# Every example profile in profiles/ runs against its price sheet (pinned or newest).
foreach(p early-chat doc-pipeline b2b-saas b2b-saas-risk regulated open-weight-moe)
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

# open-weight-moe: gpt-oss-120b does not fit one 24 GB L4 (memory reason), is planned on one
# H100, and DeepSeek-R1 is planned on one 8x H200 node.
plan_cli_test(profiles.moe_plans --rc 0
  --stdout-re "l4-gpt-oss-120b: infeasible: gpt-oss-120b \\(mxfp4, tp\\) does not fit on instance aws-g6.xlarge \\(1x l4\\): weights need 60\\.8 GiB per GPU"
  --stdout-re "^ +h100-gpt-oss-120b +self_hosted .* engine +yes$"
  --stdout-re "^ +h200x8-deepseek-r1 +self_hosted .* spec +yes$"
  --stdout-re "h200x8-deepseek-r1: sized by the catalog roofline: no engine terms for vllm \\(default\\) on 8x h200"
  --stdout-re "h200x8-deepseek-r1: layout (tp|ep|dep) chosen"
  --stdout-re "the vllm runs of moe models on hopper start at 4 requests, so the"
  -- compare profiles/open-weight-moe.yaml)

# The replica's layout is reported: in CSV after gpus_per_replica (one H100 holds a replica
# of gpt-oss-120b, and on one GPU every layout is tp; DeepSeek-R1 takes the whole 8-GPU
# node in the layout the finding names), and in JSON as "parallel".
plan_cli_test(profiles.moe_layout_csv --rc 0
  --stdout-re "^open-weight-moe,.*,h100-gpt-oss-120b,self_hosted,true,.*,1,1,1,tp,"
  --stdout-re "^open-weight-moe,.*,h200x8-deepseek-r1,self_hosted,true,.*,1,8,8,(tp|ep|dep),"
  -- compare profiles/open-weight-moe.yaml --format csv)
plan_cli_test(profiles.moe_layout_json --rc 0 --stdout-re "\"parallel\": \"tp\""
  -- compare profiles/open-weight-moe.yaml --format json)

# A policy class written in capitals (PHI) holds for workloads of class phi: classes compare
# without regard to case, so Bedrock (whose sheet entry accepts phi) and the API are both
# kept off the phi traffic by the policy, and no option is feasible.
plan_cli_test(profiles.policy_class_case --rc 0
  --stdout-re "bedrock-llama-70b: infeasible: workload 'clinical-notes' has data class 'phi', which the profile's policy keeps on self-hosted GPUs \\(policy.self_hosted_only at tests/data/profile-policy-case.yaml:13\\)"
  --stdout-re "gpt-4o: infeasible: workload 'clinical-notes' has data class 'phi', which the profile's policy"
  --stdout-re "no option is feasible"
  -- compare tests/data/profile-policy-case.yaml)
