#!/bin/sh
# jobs-storm.sh: a throttling storm against `gcrunner jobs --watch` -- every
# DescribeJobs answered 429 TooManyRequestsException: the watch keeps
# going, says what is wrong, doubles its interval (2 s, 4 s, ... with
# --interval 1), and once the storm is over it sees the run end and stops
# by itself; `logs --follow` backs off through throttled GetLogEvents and
# reads on.  `gcrunner jobs` during the storm lists the runs in their last
# recorded state and exits 1.
. "$top_srcdir/tests/scripts/jobs-lib.sh"

tbctl POST batch/default-outcome '{"runtime": 3600, "period": "2019-07-01..2019-07-08"}' >/dev/null
submit_run --name "long run" || fail "submit"
wait_status "$sim" running 40 && pass "the run is running" || fail "never running"

tbctl POST faults '{"service":"batch","operation":"DescribeJobs","kind":"throttle","count":-1}' >/dev/null
expect_status 1 "jobs during the storm" "$GCRUNNER" jobs
expect_match "$err" "could not refresh job states" "jobs says the refresh failed"
expect_match "$err" "TooManyRequests|throttl|Throttl|Rate" "... and why"
expect_match "$out" "long run +queued" "jobs still lists the run, in its last recorded state (submitted)"

"$GCRUNNER" jobs --watch --interval 1 >"$TEST_TMP/watch.out" 2>"$TEST_TMP/watch.err" &
watch_pid=$!
i=0
while ! grep -q "next refresh in 4 s" "$TEST_TMP/watch.err" && [ $i -lt 120 ]; do
	sleep 0.25; i=$((i + 1))
done
expect_match "$(cat "$TEST_TMP/watch.err")" "next refresh in 2 s" "the first failed refresh doubles the interval"
expect_match "$(cat "$TEST_TMP/watch.err")" "next refresh in 4 s" "the second doubles it again"
kill -0 $watch_pid 2>/dev/null && pass "the watch is still running in the storm" || fail "the watch died"
n1=$(testbed_count batch DescribeJobs)

tbctl DELETE faults >/dev/null
tbctl POST batch/job "{\"jobId\":\"$job\",\"status\":\"SUCCEEDED\"}" >/dev/null
i=0
while kill -0 $watch_pid 2>/dev/null && [ $i -lt 160 ]; do sleep 0.25; i=$((i + 1)); done
if kill -0 $watch_pid 2>/dev/null; then
	kill $watch_pid; fail "the watch did not stop after the storm and the run's end"
else
	wait $watch_pid && pass "the watch stopped by itself after the storm (exit 0)" || fail "watch exit $?"
fi
expect_match "$(cat "$TEST_TMP/watch.out")" "long run +succeeded" "the watch saw the run succeed"
expect_match "$(cat "$TEST_TMP/watch.out")" "Every run has ended" "and said so"
n2=$(testbed_count batch DescribeJobs)
[ "$n2" -gt "$n1" ] && pass "refreshing resumed after the storm" || fail "no DescribeJobs after the storm"
[ "$(count_events "$sim" ended)" = 1 ] && pass "the end journaled once" || fail "ended not once"
expect_match "$(ddb_item "$sim")" '"status": \{[^}]*"SUCCEEDED"' "aws dynamodb: the record says SUCCEEDED"

# A follower in a storm of its own: the first GetLogEvents answers are
# throttled (more than the client's three attempts); it backs off and reads on.
tbctl POST faults '{"service":"logs","operation":"GetLogEvents","kind":"throttle","count":4}' >/dev/null
"$GCRUNNER" logs "$sim" --follow >"$TEST_TMP/follow.out" 2>"$TEST_TMP/follow.err"
rc=$?
[ $rc -eq 0 ] && pass "logs --follow through throttling (exit 0)" \
	|| fail "logs --follow through throttling: exit $rc: $(tail -3 "$TEST_TMP/follow.err")"
stream=$(run_field "$sim" logStream)
group=$(run_field "$sim" logGroup)
events=$(tbctl GET logs/groups | json_get "$group" "$stream")
expect_match "$(cat "$TEST_TMP/follow.out")" "S T A R T I N G   G E O S - C H E M" \
	"the follower read the log from the head"
# Counted in the file: the log's empty lines at its end would be lost to $(...).
lines=$(wc -l <"$TEST_TMP/follow.out")
[ "$lines" = "$events" ] && pass "... every one of its $events events" \
	|| fail "printed $lines lines of $events events"
throttled=$(tbctl --get count GET "requests?service=logs&operation=GetLogEvents&status=400")
[ "$throttled" -ge 4 ] && pass "GetLogEvents was throttled $throttled times" || fail "only $throttled throttled"
finish
