#!/bin/sh
# slurm-live.sh: gcrunner's Slurm layer against a real single-node Slurm and
# a real sshd on 127.0.0.1 (tests/testbed/slurm/start.sh), over both the ssh
# and the local transport; then checks that the test bed starts again at
# once on a running directory and that stopping it leaves nothing running.
# Skips (77) without root or password-less sudo, or without the packages.
. "$top_srcdir/tests/scripts/lib.sh"

. "$top_srcdir/tests/testbed/slurm/slurm-lib.sh"
testbed="$SLURM_TESTBED"
live="$top_builddir/tests/unit/check_slurm_live"
slurm_bed_start
bed=$SLURM_BED
pass "test bed started"

# The ssh client really logs in through the test bed's own config.
expect_status 0 "ssh -F <test bed config> reaches the test sshd" \
	ssh -F "$GCR_TESTBED_SSH_CONFIG" -o BatchMode=yes "$GCR_TESTBED_SSH_HOST" sinfo -h -o %T
expect_match "$out" '^idle$' "sinfo over ssh says the node is idle"

for transport in ssh local; do
	GCR_TEST_TRANSPORT=$transport "$live" >"$TEST_TMP/live-$transport.log" 2>&1
	rc=$?
	cat "$TEST_TMP/live-$transport.log"
	if [ $rc -eq 0 ]; then pass "jobs over the $transport transport"
	else fail "jobs over the $transport transport (see the lines above)"; fi
done

# SSM: the AWS test server's Run Command runs the commands here, against
# the same Slurm (it inherits SLURM_CONF from this script).
aws_bed="$TEST_TMP/awsbed"
if "$top_srcdir/tests/testbed/testbed.sh" start "$aws_bed" aws >/dev/null 2>"$TEST_TMP/aws.err"; then
	trap '"$top_srcdir/tests/testbed/testbed.sh" stop "$aws_bed" >/dev/null 2>&1; "$testbed/stop.sh" --clean "$bed" >/dev/null 2>&1; rm -rf "$TEST_TMP"' EXIT
	if (. "$aws_bed/env"; /usr/bin/python3 "$top_srcdir/tests/testbed/tbctl" GET health) 2>/dev/null | grep -q '"ssm"'; then
		(. "$aws_bed/env"; GCR_TEST_TRANSPORT=ssm "$live") >"$TEST_TMP/live-ssm.log" 2>&1
		rc=$?
		cat "$TEST_TMP/live-ssm.log"
		if [ $rc -eq 0 ]; then pass "jobs over the SSM transport"
		else fail "jobs over the SSM transport (see the lines above)"; fi
	else
		echo "# SKIP ssm: this AWS test server has no SSM service"
	fi
	"$top_srcdir/tests/testbed/testbed.sh" stop "$aws_bed" >/dev/null 2>&1
else
	fail "the AWS test bed did not start: $(cat "$TEST_TMP/aws.err")"
fi

# The real program: cluster settings, then `gcrunner cluster test` over ssh
# and locally against the same Slurm.  Its ssh connection socket goes in
# $XDG_RUNTIME_DIR/gcrunner-ssh: inside this test's directory.
export XDG_RUNTIME_DIR="$TEST_TMP"
expect_status 0 "gcrunner cluster set (ssh)" "$GCRUNNER" cluster set --host "$GCR_TESTBED_SSH_HOST" \
	--ssh-config "$GCR_TESTBED_SSH_CONFIG" --partition "$GCR_TESTBED_PARTITION"
expect_status 0 "gcrunner cluster test over ssh" "$GCRUNNER" cluster test
expect_match "$out" "reached the cluster: slurm[-a-z]* [0-9]+\\." "sbatch --version came back"
expect_match "$out" "debug\*?\|up\|1\|" "sinfo lists the partition"
expect_status 0 "gcrunner cluster set (local)" "$GCRUNNER" cluster set --transport local
expect_status 0 "gcrunner cluster test locally" "$GCRUNNER" cluster test
expect_status 0 "a partition the cluster lacks" "$GCRUNNER" cluster set --transport ssh --partition nosuch
expect_status 1 "cluster test finds it missing" "$GCRUNNER" cluster test
expect_match "$err" "partition 'nosuch' is not one of the cluster's" "it says so"
expect_status 0 "an unreachable host" "$GCRUNNER" cluster set --host "$GCR_TESTBED_SSH_UNREACHABLE" --partition debug
expect_status 1 "cluster test cannot reach it" "$GCRUNNER" cluster test
expect_match "$err" "cannot reach gcr-unreachable with ssh: .*Connection refused" "a clear error"

# Starting again on a running test bed only prints its variables.
expect_status 0 "start.sh on a running test bed" "$testbed/start.sh" "$bed"
expect_match "$out" "GCR_TESTBED_SSH_CONFIG='$bed/ssh/config'" "it gives the same test bed"

pids=$(cat "$bed"/run/*.pid 2>/dev/null)
expect_status 0 "stop.sh" "$testbed/stop.sh" "$bed"
left=
for p in $pids; do
	# A zombie waiting for a slowly reaping init is not running.
	state=$(sed -e 's/.*) //' -e 's/ .*//' "/proc/$p/stat" 2>/dev/null)
	[ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ] && left="$left $p"
done
if [ -z "$left" ]; then pass "nothing of the test bed is left running"
else fail "still running after stop.sh:$left"; fi
finish
