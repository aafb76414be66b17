#!/bin/sh
# dashboard-testbed.sh: the dashboard against the local test bed, with the
# AWS CLI as a second client: a run's whole life on screen (queued, running
# with progress, succeeded with the bell and an OSC 9 notification in the
# terminal's output), its page with the log followed live, searched and
# saved, its results listed and downloaded with a progress bar; resubmit
# (and over the budget, asked again); cancel at
# queued (CancelJob) and running (TerminateJob), the question showing the
# money spent; a throttling storm (keys still answered, the status line
# backing off, recovery); and 10,000 jobs (scrolling, filters).
. "$top_srcdir/tests/scripts/jobs-lib.sh"
key_id=$AWS_ACCESS_KEY_ID secret=$AWS_SECRET_ACCESS_KEY
. "$top_srcdir/tests/tui/lib.sh"
# tui/lib.sh drops credentials; these are the test bed's.
export AWS_ACCESS_KEY_ID="$key_id" AWS_SECRET_ACCESS_KEY="$secret" GCR_TUI_PRICES_COMMAND=true \
	GCRUNNER_NO_SETUP_OFFER=1
trap 'tui_stop_all; kill $proxy_pid 2>/dev/null; testbed_stop; rm -rf "$TEST_TMP"' EXIT
TYPESCRIPT="$TEST_TMP/typescript"

# start_dash COLS ROWS [VAR=value...]: gcrunner under script(1), which
# keeps everything written to the terminal (bell, OSC sequences) in
# $TYPESCRIPT.  Outside tmux's view (TMUX unset; KEEP_TMUX=1 keeps it), with
# GCRUNNER_NOTIFY=osc9 as a terminal that shows OSC 9 would get it.
start_dash() {
	cols=$1 rows=$2
	shift 2
	rm -f "$TYPESCRIPT"
	drop_tmux="-u TMUX"
	[ -n "${KEEP_TMUX:-}" ] && drop_tmux=
	tui_start_shell "$cols" "$rows" "env $drop_tmux GCRUNNER_NOTIFY=osc9 $* script -q -f -e -c \"'$GCRUNNER' 2>'$TEST_TMP/stderr'\" '$TYPESCRIPT'; echo \"gcrunner-exit=\$?\"; exec sleep 600"
}

# refresh_until TEXT [TRIES]: F5 (refresh now) until TEXT is on screen.
refresh_until() {
	i=0
	while [ $i -lt "${2:-60}" ]; do
		tui_capture | grep -qF -- "$1" && return 0
		tui_keys F5
		sleep 0.5
		i=$((i + 1))
	done
	echo "# never saw: $1" >&2
	tui_capture | sed 's/^/#   /' >&2
	return 1
}

# journaled_cancel SIM DESCRIPTION: the cancel is journaled (once) soon.
journaled_cancel() {
	i=0; while [ "$(count_events "$1" cancel_requested)" != 1 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	[ "$(count_events "$1" cancel_requested)" = 1 ] && pass "$2" || fail "$2: no cancel_requested"
}

job_field() {
	$AWS --endpoint-url "$TESTBED_AWS_URL" batch describe-jobs --jobs "$1" --output json |
		json_get jobs 0 "$2"
}

# --- a run's whole life -----------------------------------------------------------------
tbctl POST batch/default-outcome '{"hold": true, "runtime": 20, "period": "2019-07-01..2019-07-08"}' >/dev/null
submit_run --name "tui life" || fail "submit (life)"
life=$sim life_job=$job

start_dash 100 30
tui_check "tui life" "the submitted run is on the dashboard"
tui_check "queued" "it waits in the queue"
tui_check "Refreshed" "the status line has the time of the last refresh"
# Its page while it waits: no attempt, no log yet; the log appears once it runs.
tui_keys Enter
tui_check "Run tui life" "Enter opens the run's page"
tui_check "No attempt yet" "a waiting job has no attempt yet"
tbctl POST batch/job "{\"jobId\": \"$life_job\", \"hold\": false}" >/dev/null
refresh_until "running" && pass "queued -> running on the run's page" || fail "never running on screen"
tui_check "---> DATE: 2019/07/0" "the log is followed live once the job runs"
tui_check "Attempt  Started" "the attempts table"
tui_keys Escape
refresh_until "%" && pass "a progress figure while it runs" || fail "no progress shown"
tui_screen | grep "tui life" | grep -qE "[0-9]+%" && pass "the progress is on the run's line" || fail "progress not on the line"
tui_keys Enter
tui_check "Run tui life" "and its page again"
refresh_until "succeeded" 90 && pass "running -> succeeded on screen" || fail "never succeeded"
tui_check "E N D   O F   G E O S -- C H E M" "the log reaches the model's end"
tui_check "complete" "the follower stops at the end"
tui_check "Run ended" "a message says the run ended"
i=0; while ! grep -q "$(printf '\033')]9;gcrunner: run ended" "$TYPESCRIPT" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
grep -q "$(printf '\033')]9;gcrunner: run ended: tui life: succeeded" "$TYPESCRIPT" \
	&& pass "OSC 9 desktop notification written to the terminal" || fail "no OSC 9 in the terminal output"
bells=$(tr -cd '\007' <"$TYPESCRIPT" | wc -c)
[ "$bells" -ge 2 ] && pass "the bell rang (BEL besides the OSC's terminator)" || fail "no bell ($bells BEL)"
grep -q "$(printf '\033')]777;" "$TYPESCRIPT" && fail "OSC 777 sent though only OSC 9 was asked for" \
	|| pass "only the sequence the terminal takes"

# Search and save.
tui_keys / C-u
tui_keys -l "2019/07/03 "
tui_keys Enter
tui_check "lines match (n next, N previous)" "/ finds a line of the log and counts the matches"
match_line() { tui_screen | grep -o '"2019/07/03 ": line [0-9]*' | grep -o '[0-9]*$'; }
first=$(match_line)
tui_keys n
second=$(match_line)
[ "${second:-0}" -gt "${first:-0}" ] && pass "n goes to the next match ($first -> $second)" || fail "n: $first -> $second"
tui_keys N
[ "$(match_line)" = "$first" ] && pass "N goes back" || fail "N: $(match_line), not $first"
tui_keys / C-u
tui_keys -l "no such text"
tui_keys Enter
tui_check "No line of the log contains" "a search without a match says so"
tui_keys w
tui_check "Save the log to:" "w asks where to save, with a default"
tui_keys C-u
tui_keys -l "$TEST_TMP/saved/life.log"
tui_keys Enter
tui_check "Saved $TEST_TMP/saved/life.log" "the log is saved"
"$GCRUNNER" logs "$life" >"$TEST_TMP/cli.log" 2>/dev/null
cmp -s "$TEST_TMP/cli.log" "$TEST_TMP/saved/life.log" && pass "the saved log is the whole log (as gcrunner logs prints it)" \
	|| fail "saved log differs: $(diff "$TEST_TMP/cli.log" "$TEST_TMP/saved/life.log" | head -5)"
ls "$TEST_TMP/saved" | grep -q "\.tmp\|\.part" && fail "a temporary file was left" || pass "no temporary file left"

# Results: listed with sizes, downloaded with a progress bar.
head -c 300000 /dev/urandom >"$TEST_TMP/big.nc4"
printf 'done\n' >"$TEST_TMP/small.txt"
$AWS --endpoint-url "$DIRECT_S3" s3 cp "$TEST_TMP/big.nc4" \
	"s3://$BUCKET/$USER_ID/results/$life_job/OutputDir/GEOSChem.SpeciesConc.20190701_0000z.nc4" >/dev/null
$AWS --endpoint-url "$DIRECT_S3" s3 cp "$TEST_TMP/small.txt" \
	"s3://$BUCKET/$USER_ID/results/$life_job/gcrunner-run.log" >/dev/null
tui_keys r
tui_check "Results of $life" "r opens the results"
tui_check "2 files, 300 kB" "the files are counted with their total size"
tui_check "300 kB  OutputDir/GEOSChem.SpeciesConc.20190701_0000z.nc4" "each file with its size"
tui_check "Download to: $HOME/gcrunner-results/$life" "the default directory"
tui_keys D C-u
tui_keys -l "$TEST_TMP/dl"
tui_keys Enter
tui_check "Download to: $TEST_TMP/dl" "D changes the directory"
# S3 asks the first GET to slow down: the download takes a moment, and
# its progress bar is drawn.
proxyctl POST faults '{"service": "s3", "operation": "GetObject", "kind": "throttle", "count": 1}' >/dev/null
tui_keys d
tui_check "Downloaded into $TEST_TMP/dl" "d downloads every file"
cmp -s "$TEST_TMP/big.nc4" "$TEST_TMP/dl/OutputDir/GEOSChem.SpeciesConc.20190701_0000z.nc4" \
	&& pass "the downloaded file is the same" || fail "downloaded file differs"
cmp -s "$TEST_TMP/small.txt" "$TEST_TMP/dl/gcrunner-run.log" && pass "the second file too" || fail "second file differs"
grep -q "of 300 kB" "$TYPESCRIPT" && pass "the download's progress was drawn" || fail "no download progress drawn"
tui_keys Escape
tui_check "Run tui life" "Esc from the results goes back to the run's page"
tui_keys Escape
tui_check "tui life" "and Esc again to the list"

# Resubmit: the same spec, a new simulation through the submission engine.
tui_keys R
tui_check "Submit a new simulation with the same spec as tui life" "R asks before submitting again"
tui_keys n
tui_check "Nothing was submitted." "n submits nothing"
tui_keys R
tui_wait "Submit a new simulation"
tui_keys y
tui_check "again as gcr-" "y submits a new simulation"
again=$(tui_capture -J | grep -o 'again as gcr-[0-9]\{8\}T[0-9]\{6\}Z-[0-9a-f]\{8\}' | cut -c10-)
[ -n "$again" ] && [ "$again" != "$life" ] && pass "a new simulation id" || fail "resubmitted as '$again'"
[ -n "$(jstate "$again" job_id)" ] && pass "the new simulation has its own job" || fail "no job for $again"
refresh_until "gcrunner: 2 runs" && pass "the new run is listed" || fail "new run not listed"
tui_keys q
tui_check "gcrunner-exit=0" "q quits"
$AWS --endpoint-url "$TESTBED_AWS_URL" batch terminate-job --job-id "$(jstate "$again" job_id)" \
	--reason "test over" >/dev/null
[ "$(count_events "$life" ended)" = 1 ] && pass "the end journaled once" || fail "ended journaled $(count_events "$life" ended) times"

# --- cancel at queued and at running ------------------------------------------------------
tbctl POST batch/default-outcome '{"stuck": "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY"}' >/dev/null
submit_run --name "tui stuck" || fail "submit (stuck)"
stuck=$sim stuck_job=$job
tbctl POST batch/default-outcome '{"hold": true, "runtime": 600}' >/dev/null
submit_run --name "tui long" || fail "submit (long)"
long=$sim long_job=$job
tbctl POST batch/job "{\"jobId\": \"$long_job\", \"status\": \"RUNNING\", \"hold\": true}" >/dev/null

# A budget that every run goes over (read at start).
write_config "budget:
  limit_usd: 0.01"
start_dash 100 30
tui_wait "tui long"

# Resubmitting over the budget: asked again; no sends nothing, yes sends it
# with the overrun allowed.
tui_keys / C-u
tui_keys -l "tui life"
tui_keys Enter R
tui_wait "Submit a new simulation"
tui_keys y
tui_check "Over budget:" "resubmitting over the budget asks again, with the budget's note"
tui_keys n
tui_check "Nothing was submitted." "no: nothing submitted"
tui_keys R
tui_wait "Submit a new simulation"
tui_keys y
tui_wait "Over budget:"
tui_keys y
tui_check "again as gcr-" "yes: submitted with the overrun allowed"
over=$(tui_capture -J | grep -o 'again as gcr-[0-9]\{8\}T[0-9]\{6\}Z-[0-9a-f]\{8\}' | cut -c10-)
[ "$(jobs_named "$over")" = 1 ] && pass "one job for it" || fail "jobs named $over: $(jobs_named "$over")"
tui_keys Escape

tui_keys / C-u
tui_keys -l "tui stuck"
tui_keys Enter
refresh_until "Why it waits: " && pass "a waiting run says why" || fail "no explanation"
tui_check "capacity" "the explanation names the capacity shortage"
tui_keys c
tui_check "Cancel tui stuck (queued)? \$0.00 has been spent on it so far" "cancel asks, with the money spent"
tui_check "The job has not started" "and says a waiting job is taken off the queue"
tui_keys y
journaled_cancel "$stuck" "y cancels (journaled first)"
refresh_until "cancelled" && pass "the queued run shows cancelled" || fail "not cancelled on screen"
[ "$(job_field "$stuck_job" isCancelled)" = True ] && pass "aws batch describe-jobs: cancelled by CancelJob" \
	|| fail "not isCancelled: $(job_field "$stuck_job" status)"

tui_keys Escape / C-u
tui_keys -l "tui long"
tui_keys Enter
refresh_until "running" && pass "the long run runs" || fail "long run not running"
tui_keys c
tui_check "Cancel tui long (running)?" "cancelling a running run asks"
tui_check "The running job is stopped" "the question says the job is stopped"
tui_keys n
tui_check "Nothing was cancelled." "n keeps it running"
[ "$(job_field "$long_job" status)" = RUNNING ] && pass "after no the job still runs" || fail "job stopped after no"
tui_keys c
tui_wait "Cancel tui long"
tui_keys y
journaled_cancel "$long" "y stops it (journaled first)"
refresh_until "cancelled" && pass "the running run shows cancelled" || fail "running run not cancelled on screen"
[ "$(job_field "$long_job" isTerminated)" = True ] && pass "aws batch describe-jobs: stopped by TerminateJob" \
	|| fail "not isTerminated: $(job_field "$long_job" status)"
tui_keys Escape

# --- a throttling storm -----------------------------------------------------------------------
write_config
$AWS --endpoint-url "$TESTBED_AWS_URL" batch terminate-job --job-id "$(jstate "$over" job_id)" \
	--reason "test over" >/dev/null
tbctl POST batch/default-outcome '{"hold": true}' >/dev/null
submit_run --name "tui storm" || fail "submit (storm)"
storm_job=$job
tbctl POST batch/job "{\"jobId\": \"$storm_job\", \"status\": \"RUNNING\", \"hold\": true}" >/dev/null
refresh_until "tui storm"
tbctl POST faults '{"service": "batch", "operation": "DescribeJobs", "kind": "throttle", "count": -1}' >/dev/null
refresh_until "could not refresh job states" && pass "throttled: the status line says so" || fail "no trouble shown"
tui_check "next try in" "the status line shows when the next try is (backing off)"
tui_keys f
tui_check "| active" "keys are still answered during the storm (f)"
tui_keys Enter
tui_check "Run " "a run's page opens during the storm"
tui_keys Escape Escape
tui_check "| all" "and back"
throttled=$(tbctl --get count GET "requests?service=batch&operation=DescribeJobs&status=429")
[ "${throttled:-0}" -ge 1 ] && pass "DescribeJobs was throttled ($throttled answers 429)" || fail "no throttled request"
tbctl DELETE faults >/dev/null
tui_keys F5
tui_wait_gone "could not refresh job states" 40 && pass "the trouble goes once AWS answers again" || fail "trouble stays"
tui_keys q
tui_check "gcrunner-exit=0" "q quits after the storm"
$AWS --endpoint-url "$TESTBED_AWS_URL" batch terminate-job --job-id "$storm_job" --reason "test over" >/dev/null
grep -q "ERROR: AddressSanitizer\|runtime error" "$TEST_TMP/stderr" && fail "sanitizer report: $(head -5 "$TEST_TMP/stderr")" \
	|| pass "nothing crashed"

# --- 10,000 jobs ----------------------------------------------------------------------------------
tbctl POST batch/jobs '{"count": 10000, "finished": 9000, "jobQueue": "gcrunner-x86_64", "hold": true, "returnIds": true}' |
	/usr/bin/python3 -c 'import json, sys; print("\n".join(json.load(sys.stdin)["jobIds"]))' >"$TEST_TMP/ids"
[ "$(wc -l <"$TEST_TMP/ids")" -eq 10000 ] && pass "10,000 jobs in the test bed" || fail "bulk jobs: $(wc -l <"$TEST_TMP/ids")"
# 8,997 of the 9,000 finished jobs ended in an earlier session: their ends
# are in the journal (the test bed makes the first 9,000 finished, 900 of
# them failed).  The other three end at the first refresh, with the storm's
# run (stopped after that session): one message, one bell, one
# notification -- here inside tmux, so through its passthrough.
/usr/bin/python3 "$top_srcdir/tests/tui/dash-journal.py" "$JOURNAL" 10000 "$TEST_TMP/ids" 8997 900
KEEP_TMUX=1 start_dash 80 24
tui_check "gcrunner: 10000 runs" "10,000 runs listed"
t0=$(date +%s)
tui_wait "Refreshed" 60 && pass "the first refresh of 10,000 runs finishes" || fail "first refresh of 10,000 runs"
echo "# first refresh of 10,000 runs took about $(( $(date +%s) - t0 )) s"
tui_check "4 runs ended, the last" "four runs ending at once make one message"
esc=$(printf '\033')
i=0; while ! grep -q "${esc}Ptmux;" "$TYPESCRIPT" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ "$(grep -a -o "${esc}Ptmux;${esc}${esc}]9;gcrunner: run ended: 4 runs ended" "$TYPESCRIPT" | wc -l)" = 1 ] \
	&& pass "one notification for the four, wrapped in tmux's passthrough" \
	|| fail "notifications: $(grep -a -o "]9;[^$(printf '\007')]*" "$TYPESCRIPT" | head -5)"
tui_keys End
tui_check "run-00000" "End scrolls to the oldest run"
tui_keys PPage PPage Home
tui_check "run-09999" "Home back to the newest"
tui_keys / C-u
tui_keys -l "run-0123"
# (The total also counts the four earlier runs the Simulations table adds.)
tui_check "gcrunner: 10 of 1000" "a text filter over 10,000 runs"
tui_keys Enter Escape f
refresh_until "gcrunner: 1000 of 1000" && pass "the active filter: the 1,000 unfinished jobs" || fail "active filter"
tui_keys s
tui_check "highest cost first" "sorting 10,000 runs"
tui_keys Down Down Space
tui_check "1 marked" "marking in a long list"
tui_keys q
tui_check "gcrunner-exit=0" "q quits"

finish
