#!/bin/sh
# submit-testbed.sh: `gcrunner submit` against the local test bed -- bad
# specs and missing configuration refused before any request, a full
# submission read back with the AWS CLI (DynamoDB record, S3 bundle, Batch
# job), job definitions reused instead of re-registered, --dry-run sending
# nothing, and the budget and quota checks.
. "$top_srcdir/tests/scripts/submit-lib.sh"
AWS=/usr/bin/aws
compact() { /usr/bin/python3 -c 'import json, sys; print(json.dumps(json.load(sys.stdin)))'; }
write_config

# --- bad input: refused before anything is sent ---------------------------------
reset_counts
expect_status 2 "unknown simulation" "$GCRUNNER" submit --sim nosuch --days 7
expect_match "$err" "fullchem" "the message lists the allowed simulations"
expect_status 2 "GCHP is not a Batch run" "$GCRUNNER" submit --model gchp --grid C24 --days 1
expect_match "$err" "AWS Batch runs GEOS-Chem Classic" "GCHP refused with the reason"
expect_status 2 "GEOS-FP across 2020-06-01" "$GCRUNNER" submit --sim fullchem --met geosfp \
	--start 2020-05-20 --days 30
expect_match "$err" "invalid spec" "the GEOS-FP rule is named"
expect_status 2 "unknown instance type" "$GCRUNNER" submit $RUN --instance c5.nosuch
printf 'simulation: fullchem\nbogus_key: 1\n' >"$TEST_TMP/bad.yaml"
expect_status 2 "spec file with an unknown key" "$GCRUNNER" submit --spec "$TEST_TMP/bad.yaml"
expect_match "$err" "bogus_key" "the unknown key is named"
mv "$CONFIG" "$CONFIG.off"
printf 'aws:\n  region: us-east-1\n' >"$CONFIG"
expect_status 1 "no configuration" "$GCRUNNER" submit $RUN
expect_match "$err" "s3.bucket.*gcrunner setup" "missing key named, with gcrunner setup"
mv "$CONFIG.off" "$CONFIG"
sed -i '/job_role_arn/d' "$CONFIG"
expect_status 1 "no job role" "$GCRUNNER" submit $RUN
expect_match "$err" "batch.job_role_arn" "missing job role named"
write_config
[ "$(all_requests)" -eq 0 ] && pass "bad input: zero requests sent" \
	|| fail "bad input sent $(all_requests) requests"

# --- dry run: the requests, none sent ------------------------------------------------
expect_status 0 "--dry-run" "$GCRUNNER" submit $RUN --dry-run
expect_match "$out" "POST $TESTBED_AWS_URL/v1/submitjob" "dry run shows SubmitJob's URL"
expect_match "$out" '"retryStrategy":\{"attempts":3,"evaluateOnExit":\[\{"onStatusReason":"Host EC2\*","action":"RETRY"\},\{"onReason":"\*","action":"EXIT"\}\]\}' \
	"dry run shows the retry strategy"
expect_match "$out" "PUT $PROXY_URL/$BUCKET/$USER_ID/configurations/gcr-[^/]*/geoschem_config.yml" \
	"dry run shows the bundle's S3 keys"
expect_match "$out" "X-Amz-Target: DynamoDB_20120810.PutItem" "dry run shows the record's PutItem"
expect_no_match "$out$err" "Authorization|SECRET|gcrunner-testbed-secret" "dry run shows no secret"
expect_status 0 "--dry-run --json" "$GCRUNNER" submit $RUN --dry-run --json
expect_match "$(printf '%s' "$out" | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["requests"]), d["jobId"])')" \
	"^1[0-9] None$" "dry run JSON lists the requests, no job"
[ "$(all_requests)" -eq 0 ] && pass "dry run: zero requests sent" \
	|| fail "dry run sent $(all_requests) requests"
[ ! -s "$JOURNAL" ] && pass "dry run: nothing journaled" || fail "dry run wrote the journal"

# --- a full submission -------------------------------------------------------------------
expect_status 0 "submit" "$GCRUNNER" submit $RUN --name "week of July" --json
sim=$(printf '%s' "$out" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["simulationId"])')
job=$(printf '%s' "$out" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["jobId"])')
expect_match "$sim" "^gcr-[0-9]{8}T[0-9]{6}Z-[0-9a-f]{8}$" "JSON gives the simulation id"
expect_match "$job" "^[0-9a-f-]{36}$" "JSON gives the job id"

item=$($AWS --endpoint-url "$DIRECT_DYNAMODB" dynamodb get-item --table-name Simulations \
	--key "{\"userId\":{\"S\":\"$USER_ID\"},\"simulationId\":{\"S\":\"$sim\"}}" --output json 2>&1 | compact)
expect_match "$item" "\"jobId\": \\{[^}]*\"$job\"" "aws dynamodb get-item: the record has the job id"
expect_match "$item" '"status": \{[^}]*"SUBMITTED"' "aws dynamodb get-item: status SUBMITTED"
expect_match "$item" '"name": \{[^}]*"week of July"' "record: name"
expect_match "$item" '"configurationType": \{[^}]*"classic/fullchem/standard/merra2/4x5/global/72L"' \
	"record: configurationType"
expect_match "$item" '"instanceType": \{[^}]*"c5.4xlarge"' "record: instanceType"
expect_match "$item" '"costEstimate": \{[^}]*"N": "[0-9.]+"' "record: costEstimate"
expect_match "$item" '"createdAt": \{[^}]*"20[0-9-]+T[0-9:]+Z"' "record: createdAt"
expect_match "$item" "\"resultLocation\": \\{[^}]*\"s3://$BUCKET/$USER_ID/results/$job/\"" \
	"record: results expected under USER/results/JOBID/"

listing=$($AWS --endpoint-url "$DIRECT_S3" s3 ls --recursive "s3://$BUCKET/$USER_ID/configurations/$sim/" 2>&1)
for f in geoschem_config.yml HISTORY.rc HEMCO_Config.settings geoschem-config gcrunner-run.sh spec.yaml MANIFEST; do
	expect_match "$listing" "$USER_ID/configurations/$sim/$f\$" "aws s3 ls: $f uploaded"
done

described=$($AWS --endpoint-url "$TESTBED_AWS_URL" batch describe-jobs --jobs "$job" --output json 2>&1 | compact)
expect_match "$described" "\"jobName\": \"$sim\"" "aws batch describe-jobs: job named after the simulation"
expect_match "$described" "\"jobQueue\": \"arn:aws:batch:[^\"]*job-queue/$QUEUE_X86\"" "job on the x86_64 queue"
expect_match "$described" "s3://$BUCKET/$USER_ID/configurations/$sim/" "job gets the bundle's address"
expect_match "$described" '"attemptDurationSeconds": [0-9]+' "job has a timeout"
expect_match "$described" "\"simulationId\": \"$sim\"" "job tagged with the simulation id"
expect_match "$described" '"value": "16"' "job asks for the instance's 16 vCPUs"
[ "$(jobs_named "$sim")" -eq 1 ] && pass "exactly one job of that name" || fail "not one job named $sim"
expect_match "$(jstate "$sim" job_id)" "^$job\$" "journal holds the job id"
expect_match "$(jstate "$sim" record_pending)" "^false$" "journal: record written"

# --- job definitions: reused, a new revision only when the container differs -------
regs() { tbctl --get count GET "requests?service=batch&operation=RegisterJobDefinition"; }
r0=$(regs)
expect_status 0 "second submit, same instance" "$GCRUNNER" submit $RUN
[ "$(regs)" -eq "$r0" ] && pass "same container: no new revision" || fail "registered again"
expect_status 0 "submit on c5.9xlarge" "$GCRUNNER" submit --sim fullchem --days 7 --instance c5.9xlarge
[ "$(regs)" -eq $((r0 + 1)) ] && pass "other vCPUs/memory: one new revision" || fail "revisions: $(regs)"
expect_status 0 "back to c5.4xlarge" "$GCRUNNER" submit $RUN
[ "$(regs)" -eq $((r0 + 1)) ] && pass "the earlier revision is reused" || fail "revisions: $(regs)"
sed -i 's|x86_64-latest|x86_64-14.6.0|' "$CONFIG"
expect_status 0 "submit with a new image" "$GCRUNNER" submit $RUN
[ "$(regs)" -eq $((r0 + 2)) ] && pass "new image: a new revision" || fail "revisions: $(regs)"
write_config

# --- budget -------------------------------------------------------------------------------
write_config "budget:
  limit_usd: 0.5"
reset_counts
expect_status 1 "over the local budget" "$GCRUNNER" submit $RUN
expect_match "$err" "budget\.limit_usd" "the budget key is named"
expect_match "$err" "--allow-over-budget" "the way to confirm is named"
[ "$(tbctl --get count GET 'requests?service=batch&operation=SubmitJob')" -eq 0 ] \
	&& pass "over budget: no SubmitJob" || fail "over budget but submitted"
expect_status 0 "over budget, confirmed" "$GCRUNNER" submit $RUN --allow-over-budget --json
osim=$(last_sim)
expect_match "$(jstate "$osim" over_budget)" "^true$" "journal records the confirmed overrun"
expect_match "$(record_field "$osim" overBudget)" "^True$" "record has overBudget"
expect_match "$(record_field "$osim" budgetNote)" "limit_usd" "record says which limit"

# --- the Users quota ------------------------------------------------------------------------
write_config
AWS_ENDPOINT_URL_DYNAMODB=$DIRECT_DYNAMODB $AWS --endpoint-url "$DIRECT_DYNAMODB" dynamodb put-item \
	--table-name Users --item "{\"userId\":{\"S\":\"$USER_ID\"},\"quotaLimit\":{\"N\":\"3\"},\"quotaUsed\":{\"N\":\"2\"}}" >/dev/null 2>&1
expect_status 1 "over the Users quota" "$GCRUNNER" submit $RUN
expect_match "$err" "quota of \\\$3.00" "the quota is named with its limit"
AWS_ENDPOINT_URL_DYNAMODB=$DIRECT_DYNAMODB $AWS --endpoint-url "$DIRECT_DYNAMODB" dynamodb put-item \
	--table-name Users --item "{\"userId\":{\"S\":\"$USER_ID\"},\"quotaLimit\":{\"N\":\"100\"},\"quotaUsed\":{\"N\":\"2\"}}" >/dev/null 2>&1
expect_status 0 "within the quota" "$GCRUNNER" submit $RUN --json
qsim=$(last_sim)
used=$($AWS --endpoint-url "$DIRECT_DYNAMODB" dynamodb get-item --table-name Users \
	--key "{\"userId\":{\"S\":\"$USER_ID\"}}" --query 'Item.quotaUsed.N' --output text 2>&1)
cost=$(jstate "$qsim" plan | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["cost_usd"])')
/usr/bin/python3 -c "import sys; sys.exit(0 if abs($used - 2 - $cost) < 0.001 else 1)" \
	&& pass "quotaUsed grew by the estimate ($cost)" || fail "quotaUsed $used after charging $cost"

finish
