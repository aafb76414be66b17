#!/bin/sh
# jobs-life.sh: a run's whole life through `gcrunner jobs/logs/cancel/
# results` against the test bed -- queued with a plain explanation of a
# capacity shortage, cancelled (refused without --yes off a terminal, the
# money shown), a run that goes through, followed in its log, its end
# recorded exactly once (the Simulations record and the Benchmarks item
# read back with the AWS CLI, the local measurement), its results listed
# and downloaded, and bad IDs refused with what IDs look like.
. "$top_srcdir/tests/scripts/jobs-lib.sh"

# --- bad input -------------------------------------------------------------------
expect_status 0 "jobs with no runs" "$GCRUNNER" jobs
expect_match "$out" "No runs yet" "an empty list says so"
expect_status 2 "logs without an ID" "$GCRUNNER" logs
expect_status 2 "jobs --interval without --watch" "$GCRUNNER" jobs --interval 2
expect_status 2 "jobs --interval 0" "$GCRUNNER" jobs --watch --interval 0
expect_status 2 "logs of an unknown ID" "$GCRUNNER" logs gcr-nosuch
expect_match "$err" "gcr-20261127T210000Z-1a2b3c4d" "the message shows what IDs look like"

# --- a run that waits for capacity, then is cancelled ------------------------------
tbctl POST batch/default-outcome '{"stuck": "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY"}' >/dev/null
submit_run --name "stuck run" || fail "submit (stuck)"
stuck=$sim
stuck_job=$job
wait_status "$stuck" queued 20 && pass "the stuck run shows as queued" || fail "stuck run not queued"
i=0; while [ "$(run_field "$stuck" nativeStatus)" != RUNNABLE ] && [ $i -lt 40 ]; do sleep 0.5; i=$((i + 1)); done
expect_status 0 "jobs" "$GCRUNNER" jobs
expect_match "$out" "stuck run" "jobs shows the run's name"
expect_match "$out" "no free capacity of this instance type" "jobs explains the capacity shortage"
expect_match "$(run_field "$stuck" reason)" "^CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY" \
	"jobs --json keeps the service's own reason"
expect_status 2 "cancel without --yes off a terminal" "$GCRUNNER" cancel "$stuck" </dev/null
expect_match "$err" "--yes" "the refusal says how to cancel anyway"
[ "$(count_events "$stuck" cancel_requested)" = 0 ] && pass "refused cancel journaled nothing" \
	|| fail "refused cancel was journaled"
expect_status 0 "cancel --yes (by job id prefix)" "$GCRUNNER" cancel "$(echo "$stuck_job" | cut -c1-13)" --yes
expect_match "$out" "Cancelled $stuck; it had cost \\\$0\\.00" "cancel names the run and the money spent"
[ "$(count_events "$stuck" cancel_requested)" = 1 ] && pass "cancel journaled first" \
	|| fail "cancel_requested not journaled once"
described=$($AWS --endpoint-url "$TESTBED_AWS_URL" batch describe-jobs --jobs "$stuck_job" --output json)
expect_match "$described" '"status": "FAILED"' "aws batch describe-jobs: the job is stopped"
expect_match "$described" '"isCancelled": true' "aws batch describe-jobs: by CancelJob (it had not started)"
wait_status "$stuck" cancelled 20 && pass "jobs shows it cancelled" || fail "not shown cancelled"
expect_match "$(ddb_item "$stuck")" '"status": \{[^}]*"CANCELLED"' "aws dynamodb: the record says CANCELLED"
expect_status 1 "cancel an ended run" "$GCRUNNER" cancel "$stuck" --yes
expect_match "$err" "ended already" "cancelling an ended run says so"

# --- a run that goes through ---------------------------------------------------------
tbctl DELETE batch/rules >/dev/null
tbctl POST batch/default-outcome '{"runtime": 8, "period": "2019-07-01..2019-07-08"}' >/dev/null
submit_run --name "good run" || fail "submit (good)"
good=$sim
good_job=$job
"$GCRUNNER" logs "$good" --follow --save "$TEST_TMP/run.log" >"$TEST_TMP/follow.out" 2>"$TEST_TMP/follow.err" &
follow_pid=$!
wait_status "$good" running 40 && pass "the run shows as running" || fail "never running"
sleep 3
expect_status 0 "jobs while running" "$GCRUNNER" jobs
expect_match "$out" "good run +running +[0-9]+%" "jobs shows progress while running"
expect_match "$out" "simulated time reached: 2019-07-0[1-8] [0-9]{2}:[0-9]{2}" "jobs shows the simulated time"
prog=$(run_field "$good" costSoFar)
expect_match "$prog" "^[0-9.e-]+$" "jobs --json gives the cost so far"
wait_status "$good" succeeded 60 && pass "the run shows as succeeded" || fail "never succeeded"
i=0; while kill -0 $follow_pid 2>/dev/null && [ $i -lt 60 ]; do sleep 0.5; i=$((i + 1)); done
if kill -0 $follow_pid 2>/dev/null; then kill $follow_pid; fail "logs --follow did not stop after the end"
else wait $follow_pid && pass "logs --follow ended by itself (exit 0)" || fail "logs --follow failed: $(cat "$TEST_TMP/follow.err")"; fi
expect_match "$(cat "$TEST_TMP/follow.out")" "^---> DATE: 2019/07/01  UTC: 00:00" "the followed log starts at the head"
expect_match "$(cat "$TEST_TMP/follow.out")" "E N D   O F   G E O S -- C H E M" "the followed log reaches the end"
cmp -s "$TEST_TMP/follow.out" "$TEST_TMP/run.log" && pass "--save wrote what was printed" \
	|| fail "--save differs from the output"
[ ! -e "$TEST_TMP/run.log.part" ] && pass "no .part file left by --save" || fail ".part left"
expect_status 0 "logs without --follow" "$GCRUNNER" logs "$good"
expect_match "$out" "E N D   O F   G E O S -- C H E M" "the whole log of an ended run"

# --- the end, recorded once ---------------------------------------------------------
"$GCRUNNER" jobs >/dev/null 2>&1
"$GCRUNNER" jobs --json >/dev/null 2>&1
[ "$(count_events "$good" ended)" = 1 ] && pass "the end is journaled exactly once" \
	|| fail "ended journaled $(count_events "$good" ended) times"
item=$(ddb_item "$good")
expect_match "$item" '"status": \{[^}]*"SUCCEEDED"' "aws dynamodb: status SUCCEEDED"
expect_match "$item" '"startedAt": \{[^}]*"20[0-9-]+T[0-9:]+Z"' "aws dynamodb: startedAt"
expect_match "$item" '"completedAt": \{[^}]*"20[0-9-]+T[0-9:]+Z"' "aws dynamodb: completedAt"
expect_match "$item" '"actualCost": \{[^}]*"N": "[0-9.e-]+"' "aws dynamodb: actualCost"
expect_match "$item" "\"resultLocation\": \\{[^}]*\"s3://$BUCKET/$USER_ID/results/$good_job/\"" \
	"aws dynamodb: resultLocation"
bench=$($AWS --endpoint-url "$DIRECT_DYNAMODB" dynamodb scan --table-name Benchmarks --output json)
expect_match "$(echo "$bench" | json_get Count)" "^1$" "aws dynamodb: one Benchmarks item"
for f in configurationType instanceType throughputDaysPerDay costPerSimDay memoryUsage cpuEfficiency \
	timestamp dataSource; do
	expect_match "$bench" "\"$f\": \\{" "Benchmarks item has $f"
done
expect_match "$bench" "\"S\": \"user-run:$good\"" "Benchmarks dataSource names the run"
expect_match "$bench" '"S": "classic/fullchem/standard/merra2/4x5/global/72L"' "Benchmarks configurationType"
meas="$XDG_STATE_HOME/gcrunner/measurements.yaml"
[ "$(grep -c "user-run:$good" "$meas" 2>/dev/null)" = 1 ] && pass "the measurement is saved once" \
	|| fail "measurements.yaml: $(cat "$meas" 2>&1 | head -5)"
ts=$(echo "$bench" | json_get Items 0 timestamp S)
"$GCRUNNER" jobs >/dev/null 2>&1
[ "$(echo "$($AWS --endpoint-url "$DIRECT_DYNAMODB" dynamodb scan --table-name Benchmarks --output json)" | json_get Items 0 timestamp S)" = "$ts" ] \
	&& pass "a later refresh writes no second Benchmarks record" || fail "Benchmarks rewritten"

# --- results ---------------------------------------------------------------------------
expect_status 0 "results before any file" "$GCRUNNER" results "$good"
expect_match "$out" "No result files yet" "an empty result location says so"
head -c 300000 /dev/urandom >"$TEST_TMP/big.nc4"
echo "restart" >"$TEST_TMP/small.txt"
$AWS --endpoint-url "$DIRECT_S3" s3 cp "$TEST_TMP/big.nc4" \
	"s3://$BUCKET/$USER_ID/results/$good_job/OutputDir/GEOSChem.SpeciesConc.20190701_0000z.nc4" >/dev/null
$AWS --endpoint-url "$DIRECT_S3" s3 cp "$TEST_TMP/small.txt" \
	"s3://$BUCKET/$USER_ID/results/$good_job/gcrunner-run.log" >/dev/null
expect_status 0 "results" "$GCRUNNER" results "$good"
expect_match "$out" "300.0 kB +OutputDir/GEOSChem.SpeciesConc.20190701_0000z.nc4" "results lists a file with its size"
expect_match "$out" "2 files" "results counts the files"
expect_status 0 "results --json" "$GCRUNNER" results "$good" --json
expect_match "$(echo "$out" | json_get files 0 size)" "^(300000|8)$" "results --json gives sizes"
expect_status 0 "results --download" "$GCRUNNER" results "$good" --download "$TEST_TMP/dl"
expect_match "$err" "100%" "the download reports progress"
cmp -s "$TEST_TMP/big.nc4" "$TEST_TMP/dl/OutputDir/GEOSChem.SpeciesConc.20190701_0000z.nc4" \
	&& pass "downloaded file equals the uploaded one" || fail "downloaded file differs"
cmp -s "$TEST_TMP/small.txt" "$TEST_TMP/dl/gcrunner-run.log" && pass "second file downloaded" \
	|| fail "second file missing"
[ -z "$(find "$TEST_TMP/dl" -name '*.part')" ] && pass "no .part files left" || fail ".part files left"

# --- a running run cancelled: TerminateJob ---------------------------------------------
tbctl POST batch/default-outcome '{"runtime": 3600, "period": "2019-07-01..2019-07-08"}' >/dev/null
submit_run --name "long run" || fail "submit (long)"
wait_status "$sim" running 40 && pass "the long run is running" || fail "long run never running"
sleep 1
expect_status 0 "cancel a running run" "$GCRUNNER" cancel "$sim" --yes --reason "wrong period"
expect_match "$out" "Cancelled $sim; it had cost \\\$[0-9]+\.[0-9]{2}" "cancel shows the money spent"
described=$($AWS --endpoint-url "$TESTBED_AWS_URL" batch describe-jobs --jobs "$job" --output json)
expect_match "$described" '"isTerminated": true' "aws batch describe-jobs: stopped by TerminateJob (it ran)"
expect_match "$described" '"statusReason": "wrong period"' "the reason given reached AWS Batch"
wait_status "$sim" cancelled 20 && pass "jobs shows the running run cancelled" || fail "not cancelled"
expect_match "$(ddb_item "$sim")" '"actualCost": \{"N": "[0-9.e-]+"\}' "aws dynamodb: the cancelled run's cost"
[ "$(echo "$($AWS --endpoint-url "$DIRECT_DYNAMODB" dynamodb scan --table-name Benchmarks --output json)" | json_get Count)" = 1 ] \
	&& pass "a cancelled run adds no Benchmarks record" || fail "cancelled run measured"
finish
