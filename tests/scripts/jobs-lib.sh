# jobs-lib.sh: the set-up of the run-command tests (jobs, logs, cancel,
# results): submit-lib.sh's bed (AWS test server, dynalite, s3rver, tables,
# bucket, configuration) plus the Benchmarks table, and helpers reading the
# journal and the AWS side with the AWS CLI as a second client.
. "$top_srcdir/tests/scripts/submit-lib.sh"
AWS=/usr/bin/aws
write_config
$AWS --endpoint-url "$DIRECT_DYNAMODB" dynamodb create-table --table-name Benchmarks \
	--attribute-definitions AttributeName=configurationType,AttributeType=S \
	AttributeName=instanceType,AttributeType=S \
	--key-schema AttributeName=configurationType,KeyType=HASH AttributeName=instanceType,KeyType=RANGE \
	--billing-mode PAY_PER_REQUEST >"$TEST_TMP/bench-table.log" 2>&1 || {
	cat "$TEST_TMP/bench-table.log"; echo "cannot create the Benchmarks table"; exit 99; }

# json_get FIELD...: reads stdin's JSON and prints obj[FIELD][FIELD]...
json_get() {
	/usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
for k in sys.argv[1:]:
    d = d[int(k)] if isinstance(d, list) else d.get(k)
print("" if d is None else d)' "$@"
}

# run_field SIM FIELD: a field of `gcrunner jobs --json` for one run.
run_field() {
	"$GCRUNNER" jobs --json 2>/dev/null | /usr/bin/python3 -c '
import json, sys
for r in json.load(sys.stdin):
    if r["simulationId"] == sys.argv[1]:
        v = r.get(sys.argv[2])
        print("" if v is None else v)' "$1" "$2"
}

# submit_run [FLAGS]: submits the common run; sets $sim and $job.
submit_run() {
	"$GCRUNNER" submit $RUN --start 2019-07-01 "$@" --json >"$TEST_TMP/submit.out" 2>"$TEST_TMP/submit.err" || {
		cat "$TEST_TMP/submit.err"; return 1; }
	sim=$(json_get simulationId <"$TEST_TMP/submit.out")
	job=$(json_get jobId <"$TEST_TMP/submit.out")
}

# wait_status SIM STATUS [TRIES]: runs `gcrunner jobs` until the run shows STATUS.
wait_status() {
	i=0
	while [ $i -lt "${3:-60}" ]; do
		[ "$(run_field "$1" status)" = "$2" ] && return 0
		sleep 0.5; i=$((i + 1))
	done
	return 1
}

count_events() { grep -c "\"sim\":\"$1\",\"event\":\"$2\"" "$JOURNAL"; }

ddb_item() {
	$AWS --endpoint-url "$DIRECT_DYNAMODB" dynamodb get-item --table-name Simulations \
		--key "{\"userId\":{\"S\":\"$USER_ID\"},\"simulationId\":{\"S\":\"$1\"}}" --output json |
		/usr/bin/python3 -c 'import json, sys; print(json.dumps(json.load(sys.stdin)))'
}
