#!/bin/sh
# testbed-server.sh: the AWS test server checked with botocore's own clients
# and hand-made HTTP requests (tests/testbed/selftest.py): signatures and
# their error shapes, model validation, Batch job life, logs, prices, SSM,
# faults, credentials, SSO OIDC token refresh, the control endpoint.
. "$top_srcdir/tests/scripts/lib.sh"
. "$top_srcdir/tests/testbed/testbed-lib.sh"

if [ ! -x /usr/bin/python3 ] || ! /usr/bin/python3 -c 'import botocore' 2>/dev/null; then
	echo "SKIP: needs /usr/bin/python3 with python3-botocore"
	exit 77
fi
TESTBED_CHECK_OUTPUT=1; export TESTBED_CHECK_OUTPUT
testbed_start aws
/usr/bin/python3 "$top_srcdir/tests/testbed/selftest.py"
