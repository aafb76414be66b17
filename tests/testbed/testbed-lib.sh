# testbed-lib.sh: for shell tests, sourced after tests/scripts/lib.sh.
#
#   . "$top_srcdir/tests/testbed/testbed-lib.sh"
#   testbed_start [aws] [dynamodb] [s3]   # default: all; exports the env
#   tbctl POST faults '{"service":"batch","kind":"throttle","count":2}'
#   testbed_count batch DescribeJobs      # requests seen so far
#
# The bed lives in $TEST_TMP/testbed and is stopped when the test exits (the
# EXIT trap of lib.sh is extended, so $TEST_TMP is still removed).
TESTBED_SH="$top_srcdir/tests/testbed/testbed.sh"
TBCTL="$top_srcdir/tests/testbed/tbctl"

tbctl() { /usr/bin/python3 "$TBCTL" "$@"; }

# testbed_need_node: skip the test (exit 77) when dynalite/s3rver cannot run
# here -- no node, or no `npm ci` in tests/testbed (e.g. in make distcheck).
testbed_need_node() {
	modules=${TESTBED_NODE_MODULES:-$top_srcdir/tests/testbed/node_modules}
	if ! command -v "${TESTBED_NODE:-node}" >/dev/null 2>&1 || [ ! -d "$modules/dynalite" ] ||
		[ ! -d "$modules/s3rver" ]; then
		echo "SKIP: needs node and 'npm ci' in tests/testbed (./bootstrap deps)"
		exit 77
	fi
}

testbed_start() {
	TESTBED_DIR="$TEST_TMP/testbed"
	# The servers exit by themselves if this test dies without its EXIT trap.
	if ! TESTBED_OWNER_PID=$$ "$TESTBED_SH" start "$TESTBED_DIR" "$@" >/dev/null; then
		echo "testbed_start: the test bed did not start" >&2
		exit 99
	fi
	trap 'testbed_stop; rm -rf "$TEST_TMP"' EXIT
	# shellcheck disable=SC1091
	. "$TESTBED_DIR/env"
}

testbed_stop() {
	[ -n "${TESTBED_DIR:-}" ] && "$TESTBED_SH" stop "$TESTBED_DIR"
}

# testbed_count SERVICE [OPERATION]: how many requests the AWS server saw.
testbed_count() {
	if [ $# -gt 1 ]; then tbctl --get count GET "requests?service=$1&operation=$2"
	else tbctl --get count GET "requests?service=$1"; fi
}
