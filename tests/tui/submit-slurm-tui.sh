#!/bin/sh
# submit-slurm-tui.sh: the wizard's Submit for a Slurm target goes through
# the Slurm backend (gcr_backend_for), against the real single-node Slurm
# of tests/testbed/slurm on the local transport: one job named after the
# simulation, in the journal with its target, and Submit pressed again
# sends nothing more; a TUI killed mid-submission (before and after sbatch
# answered) is settled by the next start through the backend's reconcile,
# with one job every time.  A tiny job script replaces the bundle's batch script
# (the test hook GCRUNNER_TEST_SLURM_SCRIPT: the bed has no GEOS-Chem).
# Skips (77) where the Slurm bed cannot run (no root or sudo, no packages).
. "$top_srcdir/tests/scripts/lib.sh"
. "$top_srcdir/tests/testbed/slurm/slurm-lib.sh"
slurm_bed_start
. "$top_srcdir/tests/tui/lib.sh"
trap 'tui_stop_all; slurm_bed_stop; rm -rf "$TEST_TMP"' EXIT
export XDG_RUNTIME_DIR="$TEST_TMP" GCR_TUI_PRICES_COMMAND=true
journal="$XDG_STATE_HOME/gcrunner/journal.jsonl"

cat >"$TEST_TMP/job.sh" <<'EOF'
#!/bin/sh
echo "tiny job $SLURM_JOB_ID"
EOF
export GCRUNNER_TEST_SLURM_SCRIPT="$TEST_TMP/job.sh"
"$GCRUNNER" cluster set --transport local >/dev/null 2>&1 \
	&& pass "cluster set --transport local" || fail "cluster set --transport local"

jobs_named() { squeue -h -a -t all -n "$1" -o %i | wc -l; }
screen_sim() { tui_capture | grep -o 'gcr-[0-9]\{8\}T[0-9]\{6\}Z-[0-9a-f]\{8\}' | head -1; }
# enter_until TEXT: Enter until TEXT is on the screen.
enter_until() {
	i=0
	while ! tui_capture | grep -qF "$1" && [ $i -lt 60 ]; do
		tui_keys Enter
		sleep 0.1
		i=$((i + 1))
	done
	tui_wait "$1"
}

# to_wizard: the wizard, from the dashboard (the first screen once runs
# exist) with n.
to_wizard() {
	i=0
	while [ $i -lt 200 ]; do
		case $(tui_capture) in
		*"gcrunner: new GEOS-Chem run"*) return 0 ;;
		*"newest first"*) tui_keys n ;;
		esac
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
quit_tui() {
	tui_keys q
	sleep 0.3
	tui_capture | grep -qF "Quit anyway" && tui_keys y
	true
}

tui_start 120 30
tui_wait "Start planning"
enter_until "Step 9 of 11"
# Targets: AWS Batch, AWS ParallelCluster, a Slurm cluster (moving picks).
tui_keys Down Down
tui_check "(•) a Slurm cluster" "the Slurm target is chosen"
enter_until "Step 11 of 11"
tui_wait "geoschem_config.yml"
tui_keys S
# Done: the dashboard follows the run; n goes back to the review.
tui_check "it is followed here" "submitted through the Slurm backend"
sim=$(screen_sim)
expect_match "$sim" "^gcr-" "the simulation id is shown ($sim)"
tui_keys n
tui_wait "Step 11 of 11"
job=$(tui_capture | tr -s ' \n' '  ' | sed -n 's/.*is a Slurm cluster job \([0-9][0-9]*\)\..*/\1/p')
expect_match "$job" "^[0-9]+$" "the review names the Slurm job ($job)"
[ "$(jobs_named "$sim")" -eq 1 ] && pass "squeue: one job named $sim" \
	|| fail "squeue: $(jobs_named "$sim") jobs named $sim"
expect_match "$(squeue -h -t all -j "$job" -o %j 2>&1)" "^$sim\$" "the job is named after the simulation"
expect_match "$(grep "\"$sim\"" "$journal" | grep -c '"target": *"slurm"')" "^[1-9]" \
	"the journal has the target"
tui_keys S
tui_check "This plan was submitted as $sim" "S again: the plan is not sent twice"
[ "$(jobs_named "$sim")" -eq 1 ] && pass "still one job" || fail "$(jobs_named "$sim") jobs"
quit_tui

# --- killed mid-submission: the next start settles it through the backend -----------------
last_sim() { tail -n 1 "$journal" | sed -e 's/.*"sim": *"\([^"]*\)".*/\1/'; }
for step in submitting answered; do
	tui_start_shell 120 30 "env GCRUNNER_TEST_KILL_AT=$step '$GCRUNNER' 2>'$TEST_TMP/stderr'; echo \"gcrunner-exit=\$?\"; exec sleep 600"
	to_wizard
	tui_wait "Start planning"
	enter_until "Step 9 of 11"
	tui_keys Down Down
	tui_wait "(•) a Slurm cluster"
	enter_until "Step 11 of 11"
	tui_wait "geoschem_config.yml"
	tui_keys S
	tui_check "gcrunner-exit=137" "killed at '$step'"
	ksim=$(last_sim)
	before=$(jobs_named "$ksim")
	tui_start 120 30
	to_wizard
	tui_check "Settled an interrupted submission: $ksim is job" \
		"next start: settled through the Slurm backend (killed at '$step')"
	[ "$(jobs_named "$ksim")" -eq 1 ] && pass "one job named $ksim (before settling: $before)" \
		|| fail "$(jobs_named "$ksim") jobs named $ksim"
	quit_tui
done

# --- a running Slurm run in the dashboard: what it is and its progress ----------------------
# GEOS-Chem Classic's progress line half-way through one day from 2019-01-01.
printf '#!/bin/sh\necho "---> DATE: 2019/01/01  UTC: 12:00  X-HRS:     12.000000"\nsleep 120\n' \
	>"$TEST_TMP/half.sh"
GCRUNNER_TEST_SLURM_SCRIPT="$TEST_TMP/half.sh" "$GCRUNNER" submit --target slurm \
	--sim TransportTracers --days 1 --name halfway --json >"$TEST_TMP/out" 2>/dev/null
hjob=$(sed -n 's/.*"jobId": "\(.*\)".*/\1/p' "$TEST_TMP/out")
i=0
until [ "$(squeue -h -j "$hjob" -o %T 2>/dev/null)" = RUNNING ] || [ $i -ge 100 ]; do
	sleep 0.2; i=$((i + 1)); done
tui_start 120 30
tui_wait "newest first"
i=0
until tui_capture | grep "halfway" | grep -q "50%" || [ $i -ge 100 ]; do sleep 0.2; i=$((i + 1)); done
row=$(tui_capture | grep "halfway")
expect_match "$row" "Classic TransportTrac" "the dashboard says what the Slurm run is"
expect_match "$row" "50%" "and its progress from the job's output file"
# Its page: no price is known for a Slurm cluster of one's own.  (The
# filter puts the cursor on it whatever else the list holds.)
tui_keys / h a l f w a y
tui_wait "Filter: halfway"
tui_keys Enter
tui_wait_gone "Filter: halfway"
tui_keys Enter
tui_check "cost not known" "the run page does not claim it cost nothing"
tui_check "2019-01-01 12:00" "the run page shows the simulated time reached"
# Resubmitted from the dashboard: through the Slurm backend, one new job.
tui_keys Escape
tui_wait "newest first"
tui_keys R
tui_check "same spec as halfway" "R asks before submitting the Slurm run again"
tui_keys y
tui_check "again as gcr-" "resubmitted from the dashboard"
again=$(tui_capture | tr -s ' \n' '  ' | sed -n 's/.*again as \(gcr-[0-9TZ-]*[0-9a-f]\{8\}\) (job \([0-9]*\)).*/\1 \2/p')
asim=${again% *}
ajob=${again#* }
[ -n "$asim" ] && [ "$(jobs_named "$asim")" -eq 1 ] && pass "Slurm has one job named $asim" \
	|| fail "resubmission '$again': $( [ -n "$asim" ] && jobs_named "$asim") jobs"
expect_match "$(squeue -h -t all -j "$ajob" -o %j 2>&1)" "^$asim\$" "the new job is named after the new simulation"
quit_tui
[ -n "$ajob" ] && scancel "$ajob" 2>/dev/null
scancel "$hjob" 2>/dev/null
finish
