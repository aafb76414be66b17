#!/bin/sh
# pcluster-life.sh: `gcrunner cluster create|status|delete` -- an AWS
# ParallelCluster cluster's life -- against the AWS test server's
# ParallelCluster API (real HTTP, SigV4 as execute-api checked by the
# server; the API modelled from the ParallelCluster 3 API reference, see
# tests/testbed/awsserver/services/pcluster.py): progress, reuse of an
# existing cluster, the head node saved for submit --target pcluster, the
# running cost of an idle cluster and the offer to delete it, failures.
# Then the `pcluster` command path with a STAND-IN command
# (tests/scripts/pcluster-standin.py, NOT ParallelCluster: it forwards to
# the same test server), which checks gcrunner's argv and JSON parsing.
. "$top_srcdir/tests/scripts/lib.sh"

aws_bed="$TEST_TMP/awsbed"
if ! "$top_srcdir/tests/testbed/testbed.sh" start "$aws_bed" aws >/dev/null 2>"$TEST_TMP/aws.err"; then
	fail "the AWS test server did not start: $(cat "$TEST_TMP/aws.err")"
	finish
fi
trap '"$top_srcdir/tests/testbed/testbed.sh" stop "$aws_bed" >/dev/null 2>&1; rm -rf "$TEST_TMP"' EXIT
. "$aws_bed/env"
tbctl() { /usr/bin/python3 "$top_srcdir/tests/testbed/tbctl" "$@"; }
count() { tbctl --get count GET "requests?service=parallelcluster&operation=$1"; }
tbctl POST parallelcluster '{"create_seconds": 1, "delete_seconds": 0.5}' >/dev/null

cfg="$XDG_CONFIG_HOME/gcrunner/config.yaml"
mkdir -p "$(dirname "$cfg")"
# The invoke URL of a deployed API ends in its stage.
printf 'pcluster:\n  api_url: %s/prod\n  poll_seconds: 0.2\n' "$TESTBED_AWS_URL" >"$cfg"

expect_status 0 "export a GCHP bundle with its cluster configuration" "$GCRUNNER" export \
	--model gchp --sim fullchem --grid C24 --instance c5n.18xlarge --nodes 2 \
	--subnet subnet-0123456789abcdef0 --key-name gcr-key "$TEST_TMP/bundle"
conf="$TEST_TMP/bundle/cluster-config.yaml"

# --- through the API ----------------------------------------------------------------------
expect_status 0 "create" "$GCRUNNER" cluster create gchp-c24 --config "$conf"
expect_match "$err" "through the ParallelCluster API at $TESTBED_AWS_URL/prod" "it says how it reaches ParallelCluster"
expect_match "$err" "creating cluster gchp-c24" "it creates"
expect_match "$err" "gchp-c24: CREATE_IN_PROGRESS" "progress: in progress"
expect_match "$err" "gchp-c24: CREATE_COMPLETE" "progress: complete"
expect_match "$out" "head node +i-0[0-9a-f]+ \(c5.2xlarge, running\)" "the head node is shown"
expect_match "$out" "running cost +\\\$[0-9.]+ per hour .*head node and FSx for Lustre" \
	"the running cost of head node and FSx"
expect_match "$out" "it is idle but still costs money" "no run on it: idle"
expect_match "$out" "gcrunner cluster delete gchp-c24" "deletion is offered"
head=$(sed -n 's/.*head node *\(i-0[0-9a-f]*\).*/\1/p' "$TEST_TMP/out" 2>/dev/null)
[ -z "$head" ] && head=$(printf '%s\n' "$out" | sed -n 's/.*head node *\(i-0[0-9a-f]*\).*/\1/p')
expect_match "$(cat "$cfg")" "head_node_instance_id: $head" "the head node is saved for submit --target pcluster"
expect_match "$(cat "$cfg")" "name: gchp-c24" "and the cluster's name"
expect_match "$(cat "$cfg")" "fsx_gib: 1200" "and the FSx capacity from the configuration"
[ "$(count CreateCluster)" -eq 1 ] && pass "one CreateCluster" || fail "$(count CreateCluster) CreateCluster calls"
signed=$(tbctl GET 'requests?service=parallelcluster' | /usr/bin/python3 -c '
import json, sys
reqs = json.load(sys.stdin)["requests"]
print(bool(reqs) and all(r["access_key"] == "AKIAGCRTESTBED000001" and r["status"] in (200, 202, 404)
                        for r in reqs))')
expect_match "$signed" "^True$" "every call was signed (the server checked SigV4 as execute-api)"
expect_match "$(tbctl GET 'requests?service=parallelcluster&operation=CreateCluster')" \
	'"path": "/prod/v3/clusters"' "under the invoke URL's stage"

expect_status 0 "create again" "$GCRUNNER" cluster create gchp-c24 --config "$conf"
expect_match "$err" "exists \(CREATE_COMPLETE\): reusing it, nothing is created" "an existing cluster is reused"
[ "$(count CreateCluster)" -eq 1 ] && pass "still one CreateCluster" || fail "a second CreateCluster"

expect_status 0 "status (the saved cluster)" "$GCRUNNER" cluster status
expect_match "$out" "status +CREATE_COMPLETE" "status"
expect_status 0 "status --json" "$GCRUNNER" cluster status gchp-c24 --json
expect_match "$out" '"runningCostUsdPerHour": [0-9.]+' "JSON has the running cost"
expect_match "$out" '"activeRuns": 0' "and no active run"
expect_status 1 "status in another region" "$GCRUNNER" --region us-west-2 cluster status gchp-c24
expect_match "$err" "does not exist" "the cluster is per region (?region=)"

# A wrong secret: the server refuses the signature.
expect_status 1 "a wrong secret key" env AWS_SECRET_ACCESS_KEY=wrong "$GCRUNNER" cluster status gchp-c24
expect_match "$err" "SignatureDoesNotMatch|signature" "a signature error"

# Refused before anything is sent: our own checks of the configuration.
before=$(count CreateCluster)
printf 'Region: us-east-1\nHeadNode: {}\n' >"$TEST_TMP/bad.yaml"
expect_status 2 "a configuration our checks reject" "$GCRUNNER" cluster create other-c24 --config "$TEST_TMP/bad.yaml"
expect_status 2 "a name ParallelCluster would reject" "$GCRUNNER" cluster create 9bad --config "$conf"
expect_match "$err" "not a ParallelCluster cluster name" "it says which names are allowed"
[ "$(count CreateCluster)" -eq "$before" ] && pass "nothing was sent" || fail "a refused create was sent"

# A creation that fails: exit 1 with CloudFormation's reason; the name is then taken.
tbctl POST parallelcluster '{"fail_next_create": "head node bootstrap timed out"}' >/dev/null
expect_status 1 "a creation that fails" "$GCRUNNER" cluster create broken-c24 --config "$conf"
expect_match "$err" "CREATE_FAILED" "progress shows the failure"
expect_match "$out" "failure +head node bootstrap timed out" "and the reason"
expect_status 1 "create on a failed cluster's name" "$GCRUNNER" cluster create broken-c24 --config "$conf"
expect_match "$err" "exists with status CREATE_FAILED.*cluster delete broken-c24" "it says to delete it first"

# On a terminal, status offers to delete an idle cluster (script(1) gives it a pty).
if command -v script >/dev/null 2>&1; then
	printf '\n' | script -qec "'$GCRUNNER' cluster status gchp-c24" /dev/null >"$TEST_TMP/pty" 2>&1
	expect_match "$(cat "$TEST_TMP/pty")" "Delete it now\?  Type its name" "status offers the deletion on a terminal"
	expect_match "$(cat "$TEST_TMP/pty")" "kept" "Enter keeps it"
	[ "$(count DeleteCluster)" -eq 0 ] && pass "nothing deleted by Enter" || fail "Enter deleted it"
else
	echo "# SKIP: no script(1) for a terminal"
fi

# --- delete --------------------------------------------------------------------------------
expect_status 2 "delete without confirmation (no terminal)" "$GCRUNNER" cluster delete gchp-c24 </dev/null
[ "$(count DeleteCluster)" -eq 0 ] && pass "nothing deleted without confirmation" || fail "deleted without --yes"
expect_status 0 "delete --yes" "$GCRUNNER" cluster delete gchp-c24 --yes
expect_match "$err" "gchp-c24: DELETE_IN_PROGRESS" "progress of the deletion"
expect_match "$out" "cluster gchp-c24 is deleted" "it ends when the cluster is gone"
expect_no_match "$(cat "$cfg")" "head_node_instance_id: i-" "the head node is forgotten"
expect_status 1 "status after delete" "$GCRUNNER" cluster status gchp-c24
expect_match "$err" "does not exist" "the cluster is gone"
expect_status 0 "delete the failed one" "$GCRUNNER" cluster delete broken-c24 --yes
if command -v script >/dev/null 2>&1; then
	tbctl POST parallelcluster '{"create_seconds": 0.2}' >/dev/null
	"$GCRUNNER" cluster create idle-c24 --config "$conf" >/dev/null 2>&1
	printf 'idle-c24\n' | script -qec "'$GCRUNNER' cluster status idle-c24" /dev/null >"$TEST_TMP/pty" 2>&1
	expect_match "$(cat "$TEST_TMP/pty")" "cluster idle-c24 is deleted" "typing the name at the offer deletes it"
	expect_status 1 "it is gone" "$GCRUNNER" cluster status idle-c24
fi

# --- through the pcluster command (a STAND-IN, see the header) ---------------------------------
printf 'pcluster:\n  program: %s\n  region: us-east-1\n  poll_seconds: 0.2\n' \
	"$top_srcdir/tests/scripts/pcluster-standin.py" >"$cfg"
export PCLUSTER_STANDIN_URL="$TESTBED_AWS_URL"
expect_status 0 "create through the pcluster command" "$GCRUNNER" cluster create cmd-c24 --config "$conf"
expect_match "$err" "through the .*pcluster-standin.py command" "it says it uses the command"
expect_match "$err" "cmd-c24: CREATE_COMPLETE" "progress from the command's JSON"
expect_match "$(cat "$cfg")" "head_node_instance_id: i-0" "the head node from the command's JSON"
expect_status 0 "status through the command" "$GCRUNNER" cluster status cmd-c24
expect_match "$out" "head node +i-0[0-9a-f]+ \(c5.2xlarge, running\)" "the command's describe-cluster read"
expect_status 1 "an unknown cluster through the command" "$GCRUNNER" cluster status nosuch-c24
expect_match "$err" "pcluster: Cluster 'nosuch-c24' does not exist" "the command's message"
expect_status 0 "delete through the command" "$GCRUNNER" cluster delete cmd-c24 --yes
expect_match "$out" "cluster cmd-c24 is deleted" "deleted"
printf 'pcluster:\n  program: /nonexistent/pcluster\n  region: us-east-1\n' >"$cfg"
expect_status 1 "no pcluster command" "$GCRUNNER" cluster status cmd-c24
expect_match "$err" "cannot run /nonexistent/pcluster.*pcluster.api_url" "it says what to install or set"
finish
