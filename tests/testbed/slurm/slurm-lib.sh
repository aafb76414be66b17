# slurm-lib.sh: for shell tests that need the real Slurm test bed; source it
# after tests/scripts/lib.sh.
#
#   slurm_bed_start [--min-job-age S]
#                      starts tests/testbed/slurm in a new short directory
#                      ($SLURM_BED: ssh's ControlPath and munge's socket live
#                      below it), exports its variables (SLURM_CONF,
#                      GCR_TESTBED_*), and stops it when the test exits;
#                      skips the test (77) where the bed cannot run, fails it
#                      when the bed does not start.  Options go to start.sh.
#                      GCR_TESTBED_ACCOUNTING=1 when sacct works (slurmdbd).
#   slurm_bed_stop     stops it now (also from an EXIT trap of the test's own).
#   jstate SIM FIELD   a field of the journal's ($journal) merged state of SIM.
SLURM_TESTBED="$top_srcdir/tests/testbed/slurm"

slurm_bed_stop() {
	[ -n "${SLURM_BED:-}" ] && "$SLURM_TESTBED/stop.sh" --clean "$SLURM_BED" >/dev/null 2>&1
}

slurm_bed_start() {
	SLURM_BED=$(mktemp -d /tmp/gcr-slurm.XXXXXX)
	trap 'slurm_bed_stop; rm -rf "$TEST_TMP"' EXIT
	"$SLURM_TESTBED/start.sh" "$@" "$SLURM_BED" >"$TEST_TMP/slurm.env" 2>"$TEST_TMP/slurm.err"
	rc=$?
	if [ $rc -eq 77 ]; then
		echo "SKIP: $(cat "$TEST_TMP/slurm.err")"
		exit 77
	fi
	if [ $rc -ne 0 ]; then
		fail "the Slurm test bed did not start: $(cat "$TEST_TMP/slurm.err")"
		finish
	fi
	# shellcheck disable=SC1091
	. "$TEST_TMP/slurm.env"
}

# jstate SIM FIELD: a field of the journal's merged state of SIM.
jstate() {
	/usr/bin/python3 - "$journal" "$1" "$2" <<'EOF'
import json, sys
state = {}
for line in open(sys.argv[1]):
    try:
        e = json.loads(line)
    except ValueError:
        continue
    if e.get('sim') == sys.argv[2]:
        state.update(e)
v = state.get(sys.argv[3])
print('' if v is None else json.dumps(v) if not isinstance(v, str) else v)
EOF
}
