#!/bin/sh
# slurm-acct.sh: gcrunner against a real Slurm with real accounting (MariaDB
# and slurmdbd, tests/testbed/slurm) once squeue has forgotten its jobs --
# the bed runs with MinJobAge=2, so a finished job leaves squeue after a few
# seconds and only sacct knows it:
#  (a) `gcrunner submit --target slurm` of a job that succeeds (over ssh) and
#      one that exits 7 (locally); when both have left squeue, `gcrunner
#      jobs --json` shows them succeeded and failed with exit code 7, which
#      only sacct can have said;
#  (b) a submission killed -9 after sbatch answered but before the job id
#      was journaled; when its job has left squeue, `gcrunner submit
#      --reconcile` finds it by name through sacct and adopts it, and Slurm
#      has exactly one job of that name;
#  (c) sacct's own output for these jobs, in the format gcrunner asks for,
#      as slurm_parse.c reads it (ExitCode 7:0, one row per job with -X).
# Skips (77) without root or password-less sudo, without the Slurm
# packages, or without the accounting packages (slurmdbd,
# slurm-wlm-mysql-plugin, mariadb-server).
. "$top_srcdir/tests/scripts/lib.sh"

. "$top_srcdir/tests/testbed/slurm/slurm-lib.sh"
slurm_bed_start --min-job-age 2
if [ "${GCR_TESTBED_ACCOUNTING:-0}" != 1 ]; then
	echo "SKIP: the Slurm test bed runs without accounting here (install slurmdbd slurm-wlm-mysql-plugin mariadb-server)"
	exit 77
fi
export XDG_RUNTIME_DIR="$TEST_TMP"
journal="$XDG_STATE_HOME/gcrunner/journal.jsonl"
runs="$GCR_TESTBED_JOBS/gcrunner-runs"
mkdir -p "$runs" && chmod 1777 "$runs"
RUN="--target slurm --sim TransportTracers --days 1"
since=$(TZ=UTC date -d '-1 hour' +%Y-%m-%dT%H:%M:%S)

# sacct as the local transport finds it: the real one, each call written
# down, so the test knows the answers came through sacct.
mkdir -p "$TEST_TMP/bin"
real_sacct=$(command -v sacct)
printf '#!/bin/sh\necho "$*" >>"%s/sacct.calls"\nexec "%s" "$@"\n' "$TEST_TMP" "$real_sacct" \
	>"$TEST_TMP/bin/sacct"
chmod +x "$TEST_TMP/bin/sacct"
PATH="$TEST_TMP/bin:$PATH"

printf '#!/bin/sh\necho "good job $SLURM_JOB_ID"\n' >"$TEST_TMP/good.sh"
printf '#!/bin/sh\necho "bad job $SLURM_JOB_ID"\nexit 7\n' >"$TEST_TMP/bad.sh"

field() { printf '%s' "$1" | sed -n "s/.*\"$2\": \"\([^\"]*\)\".*/\1/p"; }
last_sim() { tail -n 1 "$journal" | sed -e 's/.*"sim": *"\([^"]*\)".*/\1/'; }
# jid SIM: the job id the journal has for SIM (empty: none).
jid() { jstate "$1" job_id; }
in_squeue() { squeue -h -t all -j "$1" -o %i 2>/dev/null | grep -c .; }
sacct_rows() { TZ=UTC sacct -X -P -n -S "$since" "$@" 2>&1; }

# --- submit: one job that succeeds (over ssh), one that fails (locally) ---------------------
"$GCRUNNER" cluster set --host "$GCR_TESTBED_SSH_HOST" --ssh-config "$GCR_TESTBED_SSH_CONFIG" \
	--partition "$GCR_TESTBED_PARTITION" --run-root "$runs" >/dev/null
expect_status 0 "submit a job that succeeds (ssh)" \
	env GCRUNNER_TEST_SLURM_SCRIPT="$TEST_TMP/good.sh" "$GCRUNNER" submit $RUN --json
good_sim=$(field "$out" simulationId)
good=$(field "$out" jobId)
"$GCRUNNER" cluster set --transport local >/dev/null
expect_status 0 "submit a job that exits 7 (local)" \
	env GCRUNNER_TEST_SLURM_SCRIPT="$TEST_TMP/bad.sh" "$GCRUNNER" submit $RUN --json
bad_sim=$(field "$out" simulationId)
bad=$(field "$out" jobId)

# --- killed after sbatch answered, before the job id was journaled --------------------------
GCRUNNER_TEST_SLURM_SCRIPT="$TEST_TMP/good.sh" GCRUNNER_TEST_KILL_AT=answered \
	"$GCRUNNER" submit $RUN >"$TEST_TMP/out" 2>"$TEST_TMP/err"
rc=$?
[ $rc -eq 137 ] && pass "killed after sbatch answered" || fail "not killed at 'answered' (exit $rc)"
lost_sim=$(last_sim)
[ -z "$(jid "$lost_sim")" ] && pass "the journal has no job id for $lost_sim" \
	|| fail "the journal already has job $(jid "$lost_sim") for $lost_sim"
lost=$(squeue -h -t all -n "$lost_sim" -o %i)
[ -n "$good" ] && [ -n "$bad" ] && [ -n "$lost" ] && pass "three jobs: $good, $bad, $lost" \
	|| fail "jobs missing: good='$good' bad='$bad' killed='$lost'"

# --- wait until squeue has forgotten all three (MinJobAge, then slurmctld's purge) -----------
i=0
while [ "$(in_squeue "$good,$bad,$lost")" -gt 0 ] && [ $i -lt 600 ]; do
	sleep 0.2; i=$((i + 1))
done
for j in "$good" "$bad" "$lost"; do
	[ "$(in_squeue "$j")" -eq 0 ] && pass "squeue no longer knows job $j" \
		|| fail "job $j is still in squeue after 2 minutes"
done

# --- (c) sacct's raw output, as gcrunner asks for it ---------------------------------------
rows=$(TZ=UTC SLURM_TIME_FORMAT=standard sacct -X -P -n -o JobID,JobName,State,ExitCode,Start,End,Elapsed \
	--jobs="$good,$bad")
echo "$rows" | sed 's/^/  sacct: /'
expect_match "$rows" "^$good[|]$good_sim[|]COMPLETED[|]0:0[|]20[0-9-]+T[0-9:]+[|]20[0-9-]+T[0-9:]+[|][0-9:]+\$" \
	"sacct: the good job COMPLETED 0:0 with ISO times"
expect_match "$rows" "^$bad[|]$bad_sim[|]FAILED[|]7:0[|]" "sacct: the bad job FAILED 7:0"
[ "$(printf '%s\n' "$rows" | grep -c .)" -eq 2 ] && pass "sacct -X: one row per job" \
	|| fail "sacct -X gave $(printf '%s\n' "$rows" | grep -c .) rows for 2 jobs"

# --- (b) the start settles the killed submission from sacct, without a second sbatch ---------
# slurmdbd learns a job's name a few seconds late (until then sacct shows
# "allocation"); with Slurm's MinJobAge of 300 s that is long settled before
# squeue forgets a job, with this bed's 2 s not always.
i=0
until [ "$(sacct_rows --name="$lost_sim" -o JobID | grep -c .)" -ge 1 ] || [ $i -ge 100 ]; do
	sleep 0.2; i=$((i + 1))
done
: >"$TEST_TMP/sacct.calls"
expect_status 0 "start after the kill, job gone from squeue" "$GCRUNNER" submit --reconcile
expect_match "$err" "found its job $lost by name" "the start found the job by name (sacct)"
expect_match "$(jid "$lost_sim")" "^$lost\$" "the journal now has job $lost"
expect_match "$(cat "$TEST_TMP/sacct.calls")" "--name=$lost_sim" "the start asked sacct by name"
n=$(sacct_rows --name="$lost_sim" -o JobID | grep -c .)
[ "$n" -eq 1 ] && pass "sacct: exactly one job named $lost_sim" || fail "sacct: $n jobs named $lost_sim"
[ "$(in_squeue "$lost")" -eq 0 ] && pass "and squeue still does not know it (no new job)" \
	|| fail "job $lost is in squeue again"
[ -z "$(squeue -h -t all -n "$lost_sim" -o %i)" ] && pass "no second job of that name was submitted" \
	|| fail "a second job named $lost_sim: $(squeue -h -t all -n "$lost_sim" -o %i)"
expect_status 0 "a second start" "$GCRUNNER" submit --reconcile --json
expect_match "$out" "^\[\]$" "nothing is left to settle"

# --- (a) gcrunner jobs: the states and exit codes came from sacct ---------------------------
: >"$TEST_TMP/sacct.calls"
expect_status 0 "gcrunner jobs --json" "$GCRUNNER" jobs --json
printf '%s\n' "$out" >"$TEST_TMP/jobs.json"
# The failed job was submitted locally: its refresh ran the sacct above.
expect_match "$(cat "$TEST_TMP/sacct.calls")" "--jobs=([0-9,]*,)?$bad(,|\$)" "jobs asked sacct for job $bad"
# run SIM FIELD: a field of the run SIM in jobs --json.
run() {
	/usr/bin/python3 - "$TEST_TMP/jobs.json" "$1" "$2" <<'EOF'
import json, sys
for r in json.load(open(sys.argv[1])):
    if r.get('simulationId') == sys.argv[2]:
        v = r.get(sys.argv[3])
        print('null' if v is None else v)
        break
else:
    print('(no such run)')
EOF
}
expect_match "$(run "$good_sim" status)" "^succeeded$" "jobs: the good job succeeded"
expect_match "$(run "$good_sim" exitCode)" "^0$" "jobs: with exit code 0"
expect_match "$(run "$good_sim" nativeStatus)" "^COMPLETED$" "jobs: Slurm's state COMPLETED"
expect_match "$(run "$bad_sim" status)" "^failed$" "jobs: the bad job failed"
expect_match "$(run "$bad_sim" exitCode)" "^7$" "jobs: with exit code 7"
expect_match "$(run "$bad_sim" nativeStatus)" "^FAILED$" "jobs: Slurm's state FAILED"
expect_match "$(run "$lost_sim" jobId)" "^$lost\$" "jobs: the adopted run has its job id"
expect_match "$(run "$lost_sim" status)" "^succeeded$" "jobs: and it succeeded"
for s in "$good_sim" "$bad_sim"; do
	started=$(run "$s" startedAt)
	stopped=$(run "$s" stoppedAt)
	[ "$started" != null ] && [ "$stopped" != null ] && pass "jobs: $s has start and end times from sacct" \
		|| fail "jobs: $s started=$started stopped=$stopped"
done
# The output file follows from the job id even though squeue forgot it.
expect_status 0 "gcrunner logs of the forgotten failed job" "$GCRUNNER" logs "$bad_sim"
expect_match "$out" "bad job $bad" "logs reads its output file"

# --- a job killed by a signal: sacct says FAILED 0:9, gcrunner exit code 137 ---------------
printf '#!/bin/sh\necho "killed job $SLURM_JOB_ID"\nkill -9 $$\n' >"$TEST_TMP/killed.sh"
expect_status 0 "submit a job that is killed by signal 9" \
	env GCRUNNER_TEST_SLURM_SCRIPT="$TEST_TMP/killed.sh" "$GCRUNNER" submit $RUN --json
sig_sim=$(field "$out" simulationId)
sig=$(field "$out" jobId)
# ... and one more that ends unseen, for slurmdbd going away below.
expect_status 0 "submit a job gcrunner will not see end" \
	env GCRUNNER_TEST_SLURM_SCRIPT="$TEST_TMP/good.sh" "$GCRUNNER" submit $RUN --json
late_sim=$(field "$out" simulationId)
late=$(field "$out" jobId)
i=0
while { [ "$(in_squeue "$sig,$late")" -gt 0 ] ||
	[ "$(sacct_rows --jobs="$sig,$late" -o JobName | grep -c gcr-)" -lt 2 ]; } && [ $i -lt 600 ]; do
	sleep 0.2; i=$((i + 1))
done
expect_match "$(sacct_rows --jobs="$sig" -o State,ExitCode)" "^FAILED[|]0:9\$" "sacct: FAILED 0:9"
expect_status 0 "jobs after the signal" "$GCRUNNER" jobs --json
printf '%s\n' "$out" >"$TEST_TMP/jobs.json"
expect_match "$(run "$sig_sim" status)" "^failed$" "jobs: the killed job failed"
expect_match "$(run "$sig_sim" exitCode)" "^137$" "jobs: exit code 137 (128 + signal 9), not 0"

# --- slurmdbd down: what squeue knows stands, the rest is said to be unknown -----------------
# (the late job was refreshed above; a new one ends unseen while slurmdbd is down)
expect_status 0 "submit a job before slurmdbd stops" \
	env GCRUNNER_TEST_SLURM_SCRIPT="$TEST_TMP/good.sh" "$GCRUNNER" submit $RUN --json
gone_sim=$(field "$out" simulationId)
gone=$(field "$out" jobId)
printf '#!/bin/sh\necho "still running $SLURM_JOB_ID"\nsleep 60\n' >"$TEST_TMP/long.sh"
expect_status 0 "submit a job that keeps running" \
	env GCRUNNER_TEST_SLURM_SCRIPT="$TEST_TMP/long.sh" "$GCRUNNER" submit $RUN --json
long_sim=$(field "$out" simulationId)
long=$(field "$out" jobId)
i=0
while [ "$(in_squeue "$gone")" -gt 0 ] && [ $i -lt 600 ]; do sleep 0.2; i=$((i + 1)); done
i=0
until [ "$(squeue -h -j "$long" -o %T 2>/dev/null)" = RUNNING ] || [ $i -ge 100 ]; do
	sleep 0.2; i=$((i + 1)); done
sudo_kill() { if [ "$(id -u)" -eq 0 ]; then kill "$@"; else sudo -n kill "$@"; fi; }
sudo_kill "$(cat "$GCR_TESTBED_DIR/run/slurmdbd.pid")"
i=0
until ! sacct -n -X -j "$gone" >/dev/null 2>&1 || [ $i -ge 50 ]; do sleep 0.2; i=$((i + 1)); done
expect_status 0 "jobs with slurmdbd down" "$GCRUNNER" jobs --json
printf '%s\n' "$out" >"$TEST_TMP/jobs.json"
expect_match "$(run "$long_sim" status)" "^running$" "jobs: squeue's answer stands (running)"
expect_match "$(run "$gone_sim" status)" "^queued$" "jobs: the job only sacct could know keeps its last known state"
expect_match "$(run "$gone_sim" explanation)" "accounting did not answer" \
	"jobs: and says Slurm's accounting did not answer"
scancel "$long" 2>/dev/null
finish
