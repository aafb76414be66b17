#!/bin/sh
# submit-kill.sh: kill -9 `gcrunner submit` at each step, then start again:
# never a duplicate job (ListJobs by the simulation's name finds exactly
# one), never a lost record.  The steps are reached with the test-only hook
# GCRUNNER_TEST_KILL_AT (the process kills itself there) and, from the
# outside, with requests held by the test server ("hang" faults) while the
# test kills the process.  Also: two reconcilers at once, the settle wait,
# and intents too old to resume.
. "$top_srcdir/tests/scripts/submit-lib.sh"
write_config

# settled SIM WHAT: exactly one job, and the record and journal agree on it.
settled() {
	jid=$(jstate "$1" job_id)
	set -- "$1" "$2" $(AWS_ENDPOINT_URL_DYNAMODB=$DIRECT_DYNAMODB bed check "$QUEUE_X86" "$USER_ID" "$1")
	[ "$3" = 1 ] && pass "$2: exactly one job" || fail "$2: $3 jobs named $1"
	[ "$4" = "$jid" ] && [ "$5" = SUBMITTED ] && pass "$2: record has the job id, SUBMITTED" \
		|| fail "$2: record '$4' '$5', journal '$jid'"
}

# --- killed by the hook at each step, then settled by the next start ---------------------
for step in intent record upload-1 uploaded jobdef submitting answered submitted recorded; do
	GCRUNNER_TEST_KILL_AT=$step "$GCRUNNER" submit $RUN --json >"$TEST_TMP/out" 2>"$TEST_TMP/err"
	rc=$?
	[ $rc -eq 137 ] && pass "killed at '$step'" || fail "not killed at '$step' (exit $rc)"
	sim=$(last_sim)
	expect_status 0 "start after the kill at '$step'" "$GCRUNNER" submit --reconcile
	settled "$sim" "kill at '$step'"
	case $step in
	answered)
		expect_match "$(jstate "$sim" reconciled)" "^true$" \
			"kill after SubmitJob's answer: the job was found by name"
		expect_match "$err" "found its job .* by name" "the start says it found the job";;
	intent|record|upload-1|uploaded|jobdef)
		expect_match "$err" "finished the interrupted submission" \
			"kill at '$step': the start finished the submission";;
	esac
done
expect_status 0 "a second start" "$GCRUNNER" submit --reconcile --json
expect_match "$out" "^\[\]$" "nothing is left to settle"
total=$(tbctl --get count GET 'requests?service=batch&operation=SubmitJob')
expect_status 0 "a normal submission after all that" "$GCRUNNER" submit $RUN --json
[ "$(tbctl --get count GET 'requests?service=batch&operation=SubmitJob')" -eq $((total + 1)) ] \
	&& pass "it sends exactly one SubmitJob" || fail "more than one SubmitJob"

# An upload interrupted half-way is completed: all seven files.
GCRUNNER_TEST_KILL_AT=upload-1 "$GCRUNNER" submit $RUN >/dev/null 2>&1
sim=$(last_sim)
"$GCRUNNER" submit --reconcile >/dev/null 2>&1
files=$(/usr/bin/aws --endpoint-url "$DIRECT_S3" s3 ls --recursive \
	"s3://$BUCKET/$USER_ID/configurations/$sim/" 2>&1 | wc -l)
[ "$files" -eq 7 ] && pass "the interrupted upload was completed" || fail "$files files uploaded"

# --- killed from outside while a request is held ---------------------------------------------
# kill_during OPERATION WHEN: the test server holds the operation's request
# for a second (then acts on it, for "after", and never answers); the
# submission is killed as soon as the request has arrived.  The start after
# it waits the settle time (2 s here) before deciding the job does not
# exist, so a request that acts late is still found.
write_config
sed -i 's/reconcile_settle_seconds: 0/reconcile_settle_seconds: 2/' "$CONFIG"
kill_during() {
	tbctl DELETE faults >/dev/null
	tbctl POST faults "{\"service\":\"batch\",\"operation\":\"$1\",\"kind\":\"hang\",\"when\":\"$2\",\"delay_ms\":1000}" >/dev/null
	"$GCRUNNER" submit $RUN --json >"$TEST_TMP/out" 2>"$TEST_TMP/err" &
	pid=$!
	i=0
	while [ "$(tbctl --get rules.0.fired GET faults)" -eq 0 ] && [ $i -lt 100 ]; do
		sleep 0.05; i=$((i + 1)); done
	kill -9 $pid
	wait $pid 2>/dev/null
	sim=$(last_sim)
	expect_status 0 "start after a kill during $1 ($2)" "$GCRUNNER" submit --reconcile
	sleep 1    # the held request is done with by now
	tbctl DELETE faults >/dev/null
	settled "$sim" "kill during $1 ($2)"
}
kill_during DescribeJobDefinitions before
kill_during SubmitJob before
kill_during SubmitJob after
expect_match "$(jstate "$sim" reconciled)" "^true$" \
	"kill while SubmitJob was held, acting late: found by name after the settle time"
write_config

# --- two starts at once --------------------------------------------------------------------
GCRUNNER_TEST_KILL_AT=submitting "$GCRUNNER" submit $RUN >/dev/null 2>&1
sim=$(last_sim)
"$GCRUNNER" submit --reconcile >"$TEST_TMP/r1" 2>&1 &
p1=$!
"$GCRUNNER" submit --reconcile >"$TEST_TMP/r2" 2>&1 &
p2=$!
wait $p1; s1=$?
wait $p2; s2=$?
[ $s1 -eq 0 ] && [ $s2 -eq 0 ] && pass "two reconcilers at once both succeed" \
	|| fail "reconcilers exited $s1 and $s2: $(cat "$TEST_TMP/r1" "$TEST_TMP/r2")"
settled "$sim" "two reconcilers at once"

# --- the settle wait: a SubmitJob that may have been sent is looked for again -------------------
write_config
sed -i 's/reconcile_settle_seconds: 0/reconcile_settle_seconds: 1/' "$CONFIG"
GCRUNNER_TEST_KILL_AT=submitting "$GCRUNNER" submit $RUN >/dev/null 2>&1
sim=$(last_sim)
reset_counts
expect_status 0 "reconcile with a settle time" "$GCRUNNER" submit --reconcile
lists=$(tbctl --get count GET 'requests?service=batch&operation=ListJobs')
[ "$lists" -ge 2 ] && pass "the job was looked for again after the settle time ($lists lookups)" \
	|| fail "looked for $lists times"
settled "$sim" "after the settle time"
write_config

# --- too old to resume: closed, not sent ----------------------------------------------------------
write_config "  resume_max_hours: 0"
GCRUNNER_TEST_KILL_AT=uploaded "$GCRUNNER" submit $RUN >/dev/null 2>&1
sim=$(last_sim)
reset_counts
expect_status 0 "reconcile an old intent" "$GCRUNNER" submit --reconcile
expect_match "$err" "closed, not sent" "the user is told it was closed"
[ "$(tbctl --get count GET 'requests?service=batch&operation=SubmitJob')" -eq 0 ] \
	&& pass "old intent: no SubmitJob" || fail "old intent submitted"
expect_match "$(jstate "$sim" closed)" "^true$" "old intent: journal closed"
expect_match "$(record_field "$sim" status)" "^SUBMIT_ABANDONED$" "old intent: record SUBMIT_ABANDONED"
GCRUNNER_TEST_KILL_AT=answered "$GCRUNNER" submit $RUN >/dev/null 2>&1
sim=$(last_sim)
expect_status 0 "reconcile an old submission whose job exists" "$GCRUNNER" submit --reconcile
settled "$sim" "old but submitted: the job is still recorded"

finish
