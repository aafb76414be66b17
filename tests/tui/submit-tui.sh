#!/bin/sh
# submit-tui.sh: the wizard's Submit on the submission engine, against the
# local test bed (AWS test server, dynalite and s3rver behind the fault
# front), read back with the AWS CLI as a second client: the job in Batch,
# the Simulations record, the bundle in S3 and the results location the
# review shows; the budget question answered no (nothing sent) and yes (the
# same simulation sent, the overrun recorded); Submit pressed again while
# it runs and after it finished (one job); a TUI killed mid-submission
# whose next start settles the journal without a second job (and, started
# without credentials, leaves it waiting and says so); and Esc/q during a
# submission asking before stopping it cleanly.
. "$top_srcdir/tests/scripts/submit-lib.sh"
key_id=$AWS_ACCESS_KEY_ID secret=$AWS_SECRET_ACCESS_KEY
. "$top_srcdir/tests/tui/lib.sh"
# tui/lib.sh drops credentials (other TUI tests must not find any); these
# are the test bed's.  No live price fetch: the catalog's prices.
export AWS_ACCESS_KEY_ID="$key_id" AWS_SECRET_ACCESS_KEY="$secret" GCR_TUI_PRICES_COMMAND=true
trap 'tui_stop_all; kill $proxy_pid 2>/dev/null; testbed_stop; rm -rf "$TEST_TMP"' EXIT
AWS=/usr/bin/aws
write_config

# to_wizard: the wizard, from the dashboard (the first screen once runs
# exist) with n.
to_wizard() {
	i=0
	while [ $i -lt 200 ]; do
		scr=$(tui_capture)
		case $scr in
		*"gcrunner: new GEOS-Chem run"*) return 0 ;;
		*"newest first"*) tui_keys n ;;
		esac
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
# to_review: from the welcome screen to the review with the defaults
# (GEOS-Chem Classic full chemistry, a month, the cheapest instance type).
to_review() {
	to_wizard && tui_wait "Start planning" || return 1
	i=0
	while ! tui_capture | grep -qF "Step 11 of 11" && [ $i -lt 40 ]; do
		# An Enter that lands on the review goes back to a step; the
		# loop then walks on to the review again.
		tui_keys Enter
		sleep 0.1
		i=$((i + 1))
	done
	tui_wait "Step 11 of 11" && tui_wait "geoschem_config.yml"
}

# The simulation id on the screen ("gcr-YYYYMMDDTHHMMSSZ-xxxxxxxx").
screen_sim() { tui_capture -J | grep -o 'gcr-[0-9]\{8\}T[0-9]\{6\}Z-[0-9a-f]\{8\}' | head -1; }
# Batch jobs named $1 on either queue, as the AWS CLI lists them.
jobs_of() {
	n=0
	for q in gcrunner-x86_64 gcrunner-arm64; do
		c=$($AWS --endpoint-url "$TESTBED_AWS_URL" batch list-jobs --job-queue "$q" \
			--filters "name=JOB_NAME,values=$1" --query 'length(jobSummaryList)' --output text 2>/dev/null)
		n=$((n + ${c:-0}))
	done
	echo $n
}
# quit_tui: q, and y when the wizard asks about unsaved choices.
quit_tui() {
	tui_keys q
	sleep 0.3
	tui_capture | grep -qF "Quit anyway" && tui_keys y
	true
}
# start [VAR=value...]: gcrunner at 120x30 under a shell that prints its
# exit status (tmux does not always learn a dead pane's status).
start() {
	tui_start_shell 120 30 "env $* '$GCRUNNER' 2>'$TEST_TMP/stderr'; echo \"gcrunner-exit=\$?\"; exec sleep 600"
}
# dead_status: the exit status once gcrunner ended (128+N after signal N).
dead_status() {
	if tui_wait "gcrunner-exit=" 20 >/dev/null 2>&1; then
		tui_capture | sed -n 's/.*gcrunner-exit=\([0-9]*\).*/\1/p' | head -1
	else
		echo "still running"
	fi
}
submit_jobs() { tbctl --get count GET 'requests?service=batch&operation=SubmitJob'; }

# --- a full submission, with Submit pressed again while it runs ----------------------------
reset_counts
# SubmitJob answers after 1.5 s: time to press Submit again meanwhile.
tbctl POST faults '{"service":"batch","operation":"SubmitJob","kind":"slow","delay_ms":1500,"count":1}' >/dev/null
start
to_review && pass "walked to the review" || fail "walked to the review"
tui_keys S
tui_check "submitting the job to AWS Batch" "progress: the engine's steps are shown"
tui_check "Submitting..." "Submit shows it is busy"
tui_keys S
tui_check "being submitted already" "S again while it runs: refused with a message"
# Done: the dashboard follows the new run; n goes back to the review.
tui_check "it is followed here" "submitted: the dashboard follows the run"
sim=$(screen_sim)
to_wizard
tui_check "Submitted: simulation $sim" "the review shows the outcome"
expect_match "$sim" "^gcr-" "the review names the simulation ($sim)"
# The screen as one line (the review wraps long lines at word ends).
screen=$(tui_capture | tr -s ' \n' '  ')
job=$(jstate "$sim" job_id)
expect_match "$job" "^[0-9a-f-]{36}$" "the journal has the job id ($job)"
expect_match "$screen" "is AWS Batch job $job\." "the review names the job"
expect_match "$screen" "Results will be under s3://$BUCKET/$USER_ID/results/$job/" \
	"results location USER/results/JOBID/"
tui_keys S
tui_check "This plan was submitted as $sim" "S after it finished: the same plan is not sent again"
[ "$(jobs_of "$sim")" = 1 ] && pass "aws batch list-jobs: exactly one job named $sim" \
	|| fail "jobs named $sim: $(jobs_of "$sim")"
[ "$(submit_jobs)" = 1 ] && pass "one SubmitJob request in all" || fail "SubmitJob requests: $(submit_jobs)"
described=$($AWS --endpoint-url "$TESTBED_AWS_URL" batch describe-jobs --jobs "$job" --output text \
	--query 'jobs[0].[jobName,parameters.outputPath]' 2>&1)
expect_match "$described" "^$sim[[:space:]]" "aws batch describe-jobs: the job is named after the simulation"
# Where the container's run script copies the results: the job's outputPath
# with the job id Batch gives it (AWS_BATCH_JOB_ID) -- the place the review
# and the record name.
out_param=$(printf '%s' "$described" | awk '{print $2}')
$AWS --endpoint-url "$DIRECT_S3" s3 cp "s3://$BUCKET/$USER_ID/configurations/$sim/gcrunner-run.sh" \
	"$TEST_TMP/run.sh" >/dev/null 2>&1
sed -n '/^OUTPUT_URI=${2/,/^OUTPUT_URI=${OUTPUT_URI%\/}/p' "$TEST_TMP/run.sh" >"$TEST_TMP/where.sh"
echo 'echo "$OUTPUT_URI/"' >>"$TEST_TMP/where.sh"
where=$(AWS_BATCH_JOB_ID=$job bash -u "$TEST_TMP/where.sh" bundle "$out_param" 2>&1)
[ "$where" = "s3://$BUCKET/$USER_ID/results/$job/" ] \
	&& pass "the run script copies results to USER/results/JOBID/ on Batch" \
	|| fail "the run script would copy results to '$where' (outputPath $out_param)"
item=$($AWS --endpoint-url "$DIRECT_DYNAMODB" dynamodb get-item --table-name Simulations \
	--key "{\"userId\":{\"S\":\"$USER_ID\"},\"simulationId\":{\"S\":\"$sim\"}}" --output json 2>&1 | tr -d ' \n')
expect_match "$item" "\"jobId\":\\{\"S\":\"$job\"\\}" "aws dynamodb get-item: the record has the job id"
# (The test server runs jobs at once; the dashboard records their progress.)
expect_match "$item" '"status":\{"S":"(SUBMITTED|PENDING|RUNNABLE|STARTING|RUNNING|SUCCEEDED)"\}' \
	"record status SUBMITTED or later"
expect_match "$item" "\"resultLocation\":\\{\"S\":\"s3://$BUCKET/$USER_ID/results/$job/\"\\}" \
	"record: the results location the review showed"
listing=$($AWS --endpoint-url "$DIRECT_S3" s3 ls --recursive "s3://$BUCKET/$USER_ID/configurations/$sim/" 2>&1)
for f in geoschem_config.yml HISTORY.rc gcrunner-run.sh spec.yaml; do
	expect_match "$listing" "configurations/$sim/$f\$" "aws s3 ls: $f uploaded"
done
quit_tui
st=$(dead_status)
[ "$st" = 0 ] && pass "q quits with status 0" || fail "exit status '$st': $(tail -5 "$TEST_TMP/stderr"; tui_capture -p | tail -5)"

# --- over budget: asked; no sends nothing, yes sends the same simulation -------------------
write_config "budget:
  limit_usd: 0.01"
reset_counts
start
to_review
tui_keys S
tui_check "Over budget:" "over budget: the question shows the budget note"
tui_check "budget.limit_usd" "the question names the limit"
tui_keys n
tui_check "Not submitted: over budget" "answered no: not submitted"
[ "$(submit_jobs)" = 0 ] && pass "no: no SubmitJob" || fail "no: SubmitJob requests $(submit_jobs)"
[ "$(last_sim)" = "$sim" ] && pass "no: nothing journaled" || fail "no: the journal has $(last_sim)"
tui_keys S
tui_check "Submit anyway" "asked again on the next Submit"
asked=$(screen_sim)
tui_keys y
tui_check "it is followed here" "answered yes: submitted"
osim=$(screen_sim)
to_wizard
tui_check "Over budget, confirmed" "the outcome says the overrun was confirmed"
[ -n "$asked" ] && [ "$osim" = "$asked" ] && pass "yes sends the simulation the question was about" \
	|| fail "question about '$asked', submitted '$osim'"
[ "$(jobs_of "$osim")" = 1 ] && pass "over budget, confirmed: one job" || fail "jobs: $(jobs_of "$osim")"
expect_match "$(jstate "$osim" over_budget)" "^true$" "journal records the confirmed overrun"
expect_match "$(record_field "$osim" budgetNote)" "limit_usd" "the record says which limit"
quit_tui
write_config

# --- killed mid-submission: the next start settles it, no second job ------------------------
for step in answered submitting; do
	reset_counts
	start "GCRUNNER_TEST_KILL_AT=$step"
	to_review
	tui_keys S
	st=$(dead_status)
	[ "$st" = 137 ] && pass "killed at '$step' (status 137)" || fail "killed at '$step': status $st"
	ksim=$(last_sim)
	expect_match "$ksim" "^gcr-" "the journal holds the interrupted $ksim"
	before=$(jobs_of "$ksim")
	if [ "$step" = submitting ]; then
		# Without credentials nothing is tried; the message line says so.
		start -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY
		to_wizard
		tui_check "1 unfinished submission waits for AWS credentials" \
			"no credentials: the unfinished submission waits, and says so"
		[ "$(jstate "$ksim" job_id)" = null ] && pass "no credentials: nothing was settled" \
			|| fail "no credentials, but the journal has job $(jstate "$ksim" job_id)"
		quit_tui
	fi
	start
	to_wizard
	if [ "$step" = answered ]; then
		tui_check "had been submitted as job" "next start: found its job by name (killed at '$step')"
	else
		tui_check "Finished an interrupted submission: $ksim" "next start: finished it (killed at '$step')"
	fi
	[ "$(jobs_of "$ksim")" = 1 ] && pass "one job named $ksim (before settling: $before)" \
		|| fail "jobs named $ksim: $(jobs_of "$ksim")"
	expect_match "$(record_field "$ksim" status)" "SUBMITTED|PENDING|RUNNABLE|STARTING|RUNNING|SUCCEEDED" \
		"the record is SUBMITTED or later"
	quit_tui
done

# --- quitting mid-submission asks, and stops cleanly ----------------------------------------
reset_counts
tbctl POST faults '{"service":"batch","operation":"SubmitJob","kind":"slow","delay_ms":3000,"count":1}' >/dev/null
start
to_review
tui_keys S
tui_wait "submitting the job to AWS Batch"
tui_keys q
tui_check "A submission is running. Stop it and quit?" "q while submitting asks first"
tui_keys n
tui_keys Escape
tui_check "A submission is running. Stop it?" "Esc while submitting asks first"
tui_keys y
tui_check "Submission stopped" "answered yes: stopped"
qsim=$(last_sim)
quit_tui
st=$(dead_status)
[ "$st" = 0 ] && pass "quits cleanly after stopping" || fail "exit status $st"
grep -q "ERROR: AddressSanitizer\|runtime error" "$TEST_TMP/stderr" && fail "sanitizer: $(cat "$TEST_TMP/stderr")" \
	|| pass "no sanitizer report"
# The SubmitJob that was on its way lands; the next start finds it by name.
sleep 3
start
to_wizard
tui_check "nterrupted submission: $qsim" "next start: the stopped submission settled"
[ "$(jobs_of "$qsim")" = 1 ] && pass "one job named $qsim" || fail "jobs named $qsim: $(jobs_of "$qsim")"
quit_tui
finish
