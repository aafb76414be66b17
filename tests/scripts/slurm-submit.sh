#!/bin/sh
# slurm-submit.sh: `gcrunner submit --target slurm` against a real
# single-node Slurm and a real sshd on 127.0.0.1 (tests/testbed/slurm):
# a tiny job script (the test hook GCRUNNER_TEST_SLURM_SCRIPT replaces the
# bundle's batch script: the test bed has no GEOS-Chem) submitted over ssh
# and locally, exactly once; kill -9 at each step of a submission (the hook
# GCRUNNER_TEST_KILL_AT) and the next start settles it -- one job of that
# name every time, found by name when sbatch had run; Slurm refusing a job
# closes the entry.  Then the backend's refresh, logs by offset, cancel
# and results (check_slurm_backend) over both transports.
# Skips (77) without root or password-less sudo, or without the packages.
. "$top_srcdir/tests/scripts/lib.sh"

. "$top_srcdir/tests/testbed/slurm/slurm-lib.sh"
slurm_bed_start
export XDG_RUNTIME_DIR="$TEST_TMP"
journal="$XDG_STATE_HOME/gcrunner/journal.jsonl"
# A run root whose name holds "gcrunner-", like the default gcrunner-runs.
runs="$GCR_TESTBED_JOBS/gcrunner-runs"
mkdir -p "$runs" && chmod 1777 "$runs"

# The tiny job: prints a few lines and writes an output file.
cat >"$TEST_TMP/job.sh" <<'EOF'
#!/bin/sh
echo "tiny job $SLURM_JOB_ID"
mkdir -p OutputDir
echo data > OutputDir/GEOSChem.SpeciesConc.20190701_0000z.nc4
echo "tiny job done"
EOF
export GCRUNNER_TEST_SLURM_SCRIPT="$TEST_TMP/job.sh"
RUN="--target slurm --sim TransportTracers --days 1"

last_sim() { tail -n 1 "$journal" | sed -e 's/.*"sim": *"\([^"]*\)".*/\1/'; }
# jobs_named SIM: how many jobs Slurm has with that name (any state).
jobs_named() { squeue -h -a -t all -n "$1" -o %i | wc -l; }
wait_done() {
	i=0
	while [ "$(squeue -h -t all -j "$1" -o %T 2>/dev/null)" != COMPLETED ] && [ $i -lt 100 ]; do
		sleep 0.2; i=$((i + 1))
	done
}

# --- ssh and local: one job each, exactly once ---------------------------------------------
for transport in ssh local; do
	if [ $transport = ssh ]; then
		"$GCRUNNER" cluster set --host "$GCR_TESTBED_SSH_HOST" --ssh-config "$GCR_TESTBED_SSH_CONFIG" \
			--partition "$GCR_TESTBED_PARTITION" --run-root "$runs" >/dev/null
	else
		"$GCRUNNER" cluster set --transport local >/dev/null
	fi
	expect_status 0 "submit over $transport" "$GCRUNNER" submit $RUN --json
	sim=$(printf '%s' "$out" | sed -n 's/.*"simulationId": "\(.*\)".*/\1/p')
	job=$(printf '%s' "$out" | sed -n 's/.*"jobId": "\(.*\)".*/\1/p')
	[ -n "$job" ] && pass "$transport: a job id came back ($job)" || fail "$transport: no job id"
	[ "$(jobs_named "$sim")" -eq 1 ] && pass "$transport: Slurm has one job named $sim" \
		|| fail "$transport: $(jobs_named "$sim") jobs named $sim"
	expect_match "$(squeue -h -t all -j "$job" -o %j)" "^$sim\$" "$transport: job name = simulation id"
	expect_match "$(jstate "$sim" job_id)" "^$job\$" "$transport: the journal has the job id"
	expect_match "$(jstate "$sim" target)" "^slurm\$" "$transport: the journal has the target"
	expect_match "$(jstate "$sim" cluster)" "\"transport\": \"$transport\"" \
		"$transport: the journal has the cluster settings"
	wait_done "$job"
	log="$runs/$sim/gcrunner-$job.log"
	expect_match "$(cat "$log" 2>/dev/null)" "tiny job $job" "$transport: the job ran in its run directory"
	[ -f "$runs/$sim/geoschem_config.yml" ] && pass "$transport: the bundle was copied to the cluster" \
		|| fail "$transport: no bundle in $runs/$sim"
	expect_match "$(jstate "$sim" output_path)" "^$log\$" "$transport: the journal has the output file"
done

# --- dry run: nothing sent -----------------------------------------------------------------
before=$(squeue -h -a -t all -o %i | wc -l)
expect_status 0 "dry run" "$GCRUNNER" submit $RUN --dry-run
expect_match "$out" '"sbatch"' "the dry run shows the sbatch command"
expect_match "$out" "--job-name=gcr-" "with the simulation id as the job name"
[ "$(squeue -h -a -t all -o %i | wc -l)" -eq "$before" ] && pass "the dry run submitted nothing" \
	|| fail "the dry run submitted a job"

# --- kill -9 at each step, then the next start settles it -----------------------------------
# (locally: the steps are the same over ssh, which the first part covered)
for step in intent uploaded submitting answered submitted recorded; do
	GCRUNNER_TEST_KILL_AT=$step "$GCRUNNER" submit $RUN >"$TEST_TMP/out" 2>"$TEST_TMP/err"
	rc=$?
	[ $rc -eq 137 ] && pass "killed at '$step'" || fail "not killed at '$step' (exit $rc)"
	sim=$(last_sim)
	expect_status 0 "start after the kill at '$step'" "$GCRUNNER" submit --reconcile
	[ "$(jobs_named "$sim")" -eq 1 ] && pass "kill at '$step': exactly one job" \
		|| fail "kill at '$step': $(jobs_named "$sim") jobs named $sim"
	jid=$(jstate "$sim" job_id)
	expect_match "$(squeue -h -a -t all -n "$sim" -o %i)" "^$jid\$" "kill at '$step': the journal has that job"
	case $step in
	answered)
		expect_match "$(jstate "$sim" reconciled)" "^true$" "kill after sbatch answered: found by name"
		expect_match "$err" "found its job $jid by name" "the start says it found the job";;
	intent|uploaded|submitting)
		expect_match "$err" "finished the interrupted submission: job $jid" \
			"kill at '$step': the start finished the submission";;
	esac
done
expect_status 0 "a second start" "$GCRUNNER" submit --reconcile --json
expect_match "$out" "^\[\]$" "nothing is left to settle"

# A job that ended long ago, which squeue no longer lists (no accounting
# here): killed before sbatch's answer was journaled, and its output file
# gcrunner-JOBID.log is in the run directory, as that job would have left
# it.  The start finds no job by name, finds the file, adopts that job id
# and submits nothing.
GCRUNNER_TEST_KILL_AT=submitting "$GCRUNNER" submit $RUN >/dev/null 2>&1
sim=$(last_sim)
echo "GEOS-Chem ran here" >"$runs/$sim/gcrunner-4242.log"
before=$(squeue -h -a -t all -o %i | wc -l)
expect_status 0 "start after a kill; the job's output file is there" "$GCRUNNER" submit --reconcile
expect_match "$(jstate "$sim" job_id)" "^4242$" "the job was found by its output file"
[ "$(squeue -h -a -t all -o %i | wc -l)" -eq "$before" ] && pass "and not submitted again" \
	|| fail "it was submitted again"

# --- Slurm says no: the entry is closed, nothing to reconcile -------------------------------
"$GCRUNNER" cluster set --partition nosuch >/dev/null
expect_status 1 "a partition Slurm does not have" "$GCRUNNER" submit $RUN
expect_match "$err" "invalid partition" "Slurm's own message"
sim=$(last_sim)
expect_match "$(jstate "$sim" closed)" "^true$" "the entry is closed"
expect_status 0 "nothing to settle after a refusal" "$GCRUNNER" submit --reconcile --json
expect_match "$out" "^\[\]$" "the refused submission is not retried"
"$GCRUNNER" cluster set --partition "$GCR_TESTBED_PARTITION" >/dev/null

# --- the dashboard's commands (gcrunner jobs|logs|results|cancel) on Slurm runs --------------
"$GCRUNNER" cluster set --transport local >/dev/null
expect_status 0 "submit a job for the dashboard" "$GCRUNNER" submit $RUN --json
sim=$(printf '%s' "$out" | sed -n 's/.*"simulationId": "\(.*\)".*/\1/p')
job=$(printf '%s' "$out" | sed -n 's/.*"jobId": "\(.*\)".*/\1/p')
wait_done "$job"
expect_status 0 "gcrunner jobs" "$GCRUNNER" jobs
expect_match "$out" "$sim +.* succeeded" "jobs shows the Slurm run, succeeded"
expect_status 0 "gcrunner logs" "$GCRUNNER" logs "$sim"
expect_match "$out" "tiny job $job" "logs reads the job's output file"
expect_match "$out" "tiny job done" "to its end"
expect_status 0 "gcrunner results" "$GCRUNNER" results "$sim"
expect_match "$out" "OutputDir/GEOSChem.SpeciesConc.20190701_0000z.nc4" "results lists the output file"
printf '#!/bin/sh\necho waiting\nsleep 60\n' >"$TEST_TMP/sleep.sh"
GCRUNNER_TEST_SLURM_SCRIPT="$TEST_TMP/sleep.sh" "$GCRUNNER" submit $RUN --json >"$TEST_TMP/out" 2>/dev/null
sim=$(sed -n 's/.*"simulationId": "\(.*\)".*/\1/p' "$TEST_TMP/out")
job=$(sed -n 's/.*"jobId": "\(.*\)".*/\1/p' "$TEST_TMP/out")
expect_status 0 "gcrunner cancel" "$GCRUNNER" cancel "$sim" --yes
i=0
while [ "$(squeue -h -t all -j "$job" -o %T 2>/dev/null)" != CANCELLED ] && [ $i -lt 50 ]; do
	sleep 0.2; i=$((i + 1)); done
expect_match "$(squeue -h -t all -j "$job" -o %T)" "^CANCELLED$" "scancel ended the job"

# --- each run stays on the cluster it was submitted to ---------------------------------------
# One run locally, one over ssh, then the settings name a host nobody
# answers on: jobs, logs, results and cancel still reach each run's own
# cluster (the journal's "cluster"), both refreshed in the same pass.
"$GCRUNNER" cluster set --transport local >/dev/null
"$GCRUNNER" submit $RUN --json >"$TEST_TMP/out" 2>/dev/null
sim_local=$(sed -n 's/.*"simulationId": "\(.*\)".*/\1/p' "$TEST_TMP/out")
job_local=$(sed -n 's/.*"jobId": "\(.*\)".*/\1/p' "$TEST_TMP/out")
"$GCRUNNER" cluster set --transport ssh --host "$GCR_TESTBED_SSH_HOST" \
	--ssh-config "$GCR_TESTBED_SSH_CONFIG" >/dev/null
"$GCRUNNER" submit $RUN --json >"$TEST_TMP/out" 2>/dev/null
sim_ssh=$(sed -n 's/.*"simulationId": "\(.*\)".*/\1/p' "$TEST_TMP/out")
job_ssh=$(sed -n 's/.*"jobId": "\(.*\)".*/\1/p' "$TEST_TMP/out")
GCRUNNER_TEST_SLURM_SCRIPT="$TEST_TMP/sleep.sh" "$GCRUNNER" submit $RUN --json >"$TEST_TMP/out" 2>/dev/null
sim_sleep=$(sed -n 's/.*"simulationId": "\(.*\)".*/\1/p' "$TEST_TMP/out")
job_sleep=$(sed -n 's/.*"jobId": "\(.*\)".*/\1/p' "$TEST_TMP/out")
wait_done "$job_local"
wait_done "$job_ssh"
"$GCRUNNER" cluster set --host "$GCR_TESTBED_SSH_UNREACHABLE" >/dev/null
expect_status 1 "the cluster configured now does not answer" "$GCRUNNER" cluster test
expect_status 0 "gcrunner jobs after the settings changed" "$GCRUNNER" jobs --json
for sim in "$sim_local" "$sim_ssh"; do
	expect_match "$(printf '%s' "$out" | /usr/bin/python3 -c '
import json, sys
print([r["status"] for r in json.load(sys.stdin) if r["simulationId"] == sys.argv[1]])' "$sim")" \
		"succeeded" "$sim: refreshed on its own cluster"
done
expect_no_match "$err" "could not refresh" "no refresh went to the unreachable host"
expect_status 0 "logs of the ssh run" "$GCRUNNER" logs "$sim_ssh"
expect_match "$out" "tiny job $job_ssh" "read over ssh from its own cluster"
expect_status 0 "results of the local run" "$GCRUNNER" results "$sim_local"
expect_match "$out" "OutputDir/GEOSChem.SpeciesConc" "listed on its own cluster"
expect_status 0 "cancel the running ssh run" "$GCRUNNER" cancel "$sim_sleep" --yes
i=0
while [ "$(squeue -h -t all -j "$job_sleep" -o %T 2>/dev/null)" != CANCELLED ] && [ $i -lt 50 ]; do
	sleep 0.2; i=$((i + 1)); done
expect_match "$(squeue -h -t all -j "$job_sleep" -o %T)" "^CANCELLED$" "scancel reached its own cluster"
"$GCRUNNER" cluster set --host "$GCR_TESTBED_SSH_HOST" >/dev/null

# --- progress and summary of a running Slurm run, from its output file ----------------------
# GEOS-Chem Classic's progress line half-way through the default one-day
# period (2019-01-01 to 2019-01-02).
printf '#!/bin/sh\necho "---> DATE: 2019/01/01  UTC: 12:00  X-HRS:     12.000000"\nsleep 60\n' \
	>"$TEST_TMP/half.sh"
"$GCRUNNER" cluster set --transport local >/dev/null
GCRUNNER_TEST_SLURM_SCRIPT="$TEST_TMP/half.sh" "$GCRUNNER" submit $RUN --json >"$TEST_TMP/out" 2>/dev/null
sim=$(sed -n 's/.*"simulationId": "\(.*\)".*/\1/p' "$TEST_TMP/out")
job=$(sed -n 's/.*"jobId": "\(.*\)".*/\1/p' "$TEST_TMP/out")
i=0
until grep -q "DATE" "$runs/$sim/gcrunner-$job.log" 2>/dev/null || [ $i -ge 100 ]; do
	sleep 0.2; i=$((i + 1)); done
expect_status 0 "jobs while the run runs" "$GCRUNNER" jobs
expect_match "$out" "$sim +.* running +50% " "a running Slurm run shows its progress"
expect_match "$out" "simulated time reached: 2019-01-01 12:00" "and the simulated time reached"
expect_status 0 "jobs --json" "$GCRUNNER" jobs --json
run_json=$(printf '%s' "$out" | /usr/bin/python3 -c '
import json, sys
r = [r for r in json.load(sys.stdin) if r["simulationId"] == sys.argv[1]][0]
print(r["summary"], r["pricePerNodeHour"], r["costSoFar"])' "$sim")
# A cluster of one's own has no price: its cost is unknown, not $0.
expect_match "$run_json" "^Classic TransportTracers 4x5 None None$" \
	"what it is, and no made-up cost"
expect_status 0 "cancel it" "$GCRUNNER" cancel "$sim" --yes
expect_match "$out" "unknown amount" "cancel does not claim it cost nothing"

# --- the backend's calls over both transports ------------------------------------------------
for transport in local ssh; do
	GCR_TEST_TRANSPORT=$transport "$top_builddir/tests/unit/check_slurm_backend" \
		>"$TEST_TMP/backend-$transport.log" 2>&1
	rc=$?
	cat "$TEST_TMP/backend-$transport.log"
	if [ $rc -eq 0 ]; then pass "refresh, logs, cancel, results over $transport"
	else fail "refresh, logs, cancel, results over $transport (see the lines above)"; fi
done
finish
