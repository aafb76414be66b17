#!/bin/sh
# dashboard-cluster.sh: the ParallelCluster cluster's life in the dashboard,
# in a real terminal (tmux, 80x24, NO_COLOR), against the AWS test server's
# ParallelCluster API (tests/testbed/awsserver/services/pcluster.py; SigV4
# as execute-api checked by the server): a cluster that `gcrunner cluster
# create --no-wait` started shows as being created with how long so far,
# turns ready (the test server's clock advanced through its control
# endpoint), and, idle, shows its running cost -- checked against a figure
# computed here from data/instances.yaml -- with the offer to delete it; an
# unfinished run on it makes the line and the question warn; D, then y,
# sends DeleteCluster (seen in the server's request log and state), the line
# follows the deletion until the cluster is gone, and the saved head node is
# forgotten; ParallelCluster not answering is one line, and it recovers; a
# failed creation shows its reason; without credentials there is no line.
. "$top_srcdir/tests/scripts/lib.sh"
. "$top_srcdir/tests/tui/lib.sh"

aws_bed="$TEST_TMP/awsbed"
if ! "$top_srcdir/tests/testbed/testbed.sh" start "$aws_bed" aws >/dev/null 2>"$TEST_TMP/aws.err"; then
	fail "the AWS test server did not start: $(cat "$TEST_TMP/aws.err")"
	finish
fi
trap 'tui_stop_all; "$top_srcdir/tests/testbed/testbed.sh" stop "$aws_bed" >/dev/null 2>&1; rm -rf "$TEST_TMP"' EXIT
# tui/lib.sh dropped credentials; these are the test bed's.
. "$aws_bed/env"
export GCR_TUI_PRICES_COMMAND=true
tbctl() { /usr/bin/python3 "$top_srcdir/tests/testbed/tbctl" "$@"; }
count() { tbctl --get count GET "requests?service=parallelcluster&operation=$1"; }
server_status() {
	tbctl GET parallelcluster | /usr/bin/python3 -c '
import json, sys
c = [c for c in json.load(sys.stdin)["clusters"] if c["clusterName"] == sys.argv[1]]
print(c[0]["clusterStatus"] if c else "gone")' "$1"
}
# The cluster stays in progress until the test moves the server's clock.
tbctl POST parallelcluster '{"create_seconds": 600, "delete_seconds": 600}' >/dev/null

cfg="$XDG_CONFIG_HOME/gcrunner/config.yaml"
mkdir -p "$(dirname "$cfg")"
printf 'pcluster:\n  api_url: %s/prod\n  poll_seconds: 0.3\n' "$TESTBED_AWS_URL" >"$cfg"
JOURNAL="$XDG_STATE_HOME/gcrunner/journal.jsonl"

expect_status 0 "export a GCHP bundle with its cluster configuration" "$GCRUNNER" export \
	--model gchp --sim fullchem --grid C24 --instance c5n.18xlarge --nodes 2 \
	--subnet subnet-0123456789abcdef0 --key-name gcr-key "$TEST_TMP/bundle"
conf="$TEST_TMP/bundle/cluster-config.yaml"
# A head node type the catalog prices directly, so the figure below is the
# catalog's own number.
sed -i 's/^  InstanceType: c5\.2xlarge$/  InstanceType: c5.4xlarge/' "$conf"
grep -q '^  InstanceType: c5.4xlarge$' "$conf" && pass "the head node is a c5.4xlarge" \
	|| fail "no head node type to change in $conf"
fsx=$(sed -n 's/^ *StorageCapacity: *\([0-9]*\).*/\1/p' "$conf" | head -1)


# The running cost, from the catalog's data: the head node's on-demand price
# in us-east-1 plus FSx for Lustre SCRATCH_2 at $0.140 per GiB-month (730 h).
cost=$(/usr/bin/python3 - "$top_srcdir/data/instances.yaml" "$fsx" <<'EOF'
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
def find(node):
    if isinstance(node, dict):
        if node.get("id") == "c5.4xlarge":
            return node
        node = list(node.values())
    if isinstance(node, list):
        for v in node:
            r = find(v)
            if r:
                return r
head = find(doc)["ondemand"]["us-east-1"]
print("$%.2f/h" % (head + float(sys.argv[2]) * 0.140 / 730.0))
EOF
)
echo "# expected running cost: $cost (head node c5.4xlarge + FSx $fsx GiB)"
[ -n "$fsx" ] && [ -n "$cost" ] && pass "the expected figure is computed ($cost)" || fail "no expected figure"

# --- created, then ready ----------------------------------------------------------------
tui_start 80 24 NO_COLOR=1
tui_wait "Start planning" >/dev/null
tui_keys F2
tui_wait "No runs yet" >/dev/null
tui_screen | grep -q "Cluster\|ParallelCluster" && fail "a cluster line before any cluster is named" \
	|| pass "no cluster named: no cluster line"
# The CLI starts the creation while the dashboard is open; F5 reads the
# configuration it saved.
expect_status 0 "cluster create --no-wait" "$GCRUNNER" cluster create dash-c24 --config "$conf" --no-wait
[ "$(server_status dash-c24)" = CREATE_IN_PROGRESS ] && pass "the server is creating it" \
	|| fail "server: $(server_status dash-c24)"
tui_keys F5
tui_check "Cluster dash-c24: creating..." "the dashboard shows the cluster being created"
tui_check "so far" "with how long so far"
tui_wait "Cluster dash-c24: creating..., " >/dev/null && \
	tui_screen | grep "Cluster dash-c24" | grep -qE "creating\.\.\., [0-9]+[smhd]" \
	&& pass "the time so far is a duration" || fail "no duration: $(tui_screen | grep dash-c24)"
tbctl POST clock '{"advance": 700}' >/dev/null
tui_check "Cluster dash-c24: ready, head node c5.4xlarge" "it turns ready, with its head node type"
tui_check "about $cost while it runs" "idle: the running cost from the catalog's price ($cost)"
tui_check "Press D to delete it." "and the offer to delete it"
screen=$(tui_screen)
long=$(printf '%s\n' "$screen" | awk '{ if (length($0) > 80) print }' | head -1)
[ -z "$long" ] && pass "everything fits 80 columns" || fail "a line is wider than 80: $long"
[ "$(printf '%s\n' "$screen" | wc -l)" -le 24 ] && pass "and 24 rows" || fail "more than 24 rows"

# The CLI saves the head node now that the cluster is ready.
expect_status 0 "cluster status saves the head node" "$GCRUNNER" cluster status dash-c24
grep -q "head_node_instance_id: i-0" "$cfg" && pass "the head node is saved" || fail "no head node saved"

# --- a run on it: the line and the question warn ------------------------------------------------
sim=gcr-20261127T120000Z-0c1a57e4
printf '{"seq":1,"at":"2026-11-27T12:00:00Z","sim":"%s","event":"intent","target":"pcluster","cluster_name":"dash-c24","spec":{"name":"on the cluster","model":"gchp","grid":"C24","start":"2019-07-01","end":"2019-07-02"}}\n' \
	"$sim" >>"$JOURNAL"
tui_keys F5
tui_check "1 gcrunner run on it has not ended" "an unfinished run on it: the line warns"
tui_keys D
tui_check "Delete cluster dash-c24, its head node" "D asks first"
tui_screen | tr -s ' │\n' ' ' | grep -q "Warning: 1 gcrunner run on it has not ended; it stops with the cluster" \
	&& pass "the question warns about the run" || fail "no warning in the question"
tui_keys n
tui_check "Cluster dash-c24 is kept." "n keeps it"
[ "$(count DeleteCluster)" = 0 ] && pass "nothing deleted by n" || fail "n sent DeleteCluster"
printf '{"seq":2,"at":"2026-11-27T12:10:00Z","sim":"%s","event":"ended","end_state":"cancelled"}\n' \
	"$sim" >>"$JOURNAL"
tui_keys F5
tui_check "about $cost while it runs" "the run ended: idle again"

# --- ParallelCluster not answering -------------------------------------------------------------
tbctl POST faults '{"service": "parallelcluster", "operation": "DescribeCluster", "kind": "unavailable", "count": -1}' >/dev/null
tui_check "ParallelCluster did not answer" "an unreachable API is one line"
tui_screen | grep -q "AKIA\|gcrunner-testbed-secret" && fail "a secret on screen" || pass "no secret on screen"
tbctl DELETE faults >/dev/null
tui_check "Cluster dash-c24: ready" "asked again, it recovers"

# --- delete ---------------------------------------------------------------------------------------
tui_keys D
tui_check "Delete cluster dash-c24" "D asks"
tui_screen | grep -q "Warning:" && fail "a warning with no run on it" || pass "no warning when idle"
tui_keys y
tui_check "Cluster dash-c24: deleting..." "the line follows the deletion"
[ "$(count DeleteCluster)" = 1 ] && pass "one DeleteCluster sent" || fail "$(count DeleteCluster) DeleteCluster calls"
[ "$(server_status dash-c24)" = DELETE_IN_PROGRESS ] && pass "the server is deleting it" \
	|| fail "server: $(server_status dash-c24)"
i=0; while grep -q "head_node_instance_id: i-0" "$cfg" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
grep -q "head_node_instance_id: i-0" "$cfg" && fail "the head node is still saved" \
	|| pass "the saved head node is forgotten"
grep -q "name: dash-c24" "$cfg" && grep -q "head_node_type: c5.4xlarge" "$cfg" \
	&& pass "the rest of the configuration is kept (also what the CLI saved meanwhile)" \
	|| fail "config lost: $(cat "$cfg")"
tbctl POST clock '{"advance": 700}' >/dev/null
tui_check "Cluster dash-c24: deleted." "and says when it is gone"
[ "$(server_status dash-c24)" = gone ] && pass "gone from the server" || fail "server: $(server_status dash-c24)"
tui_keys D
tui_check "Cluster dash-c24 does not exist." "D on a deleted cluster says so"

# --- a creation that fails: its reason, and the offer to delete it ---------------------------
tbctl POST parallelcluster '{"fail_next_create": "head node bootstrap timed out"}' >/dev/null
expect_status 0 "create another (--no-wait)" "$GCRUNNER" cluster create broken-c24 --config "$conf" --no-wait
tui_keys F5
tui_check "Cluster broken-c24: creating..." "F5 follows the cluster the configuration names now"
tbctl POST clock '{"advance": 700}' >/dev/null
tui_check "Cluster broken-c24: creation failed: head node bootstrap timed out" \
	"a failed creation with CloudFormation's reason"
tui_check "Press D to delete it (its name stays taken" "and the offer to delete it"
tui_keys q
tui_exit_status >/dev/null
grep -q "ERROR: AddressSanitizer\|runtime error" "$TEST_TMP/stderr" && fail "sanitizer report: $(head -5 "$TEST_TMP/stderr")" \
	|| pass "nothing crashed"

# --- without credentials: no line --------------------------------------------------------------
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
# (A run is in the journal now: the dashboard comes first.)
tui_start 80 24
tui_wait "gcrunner: 1 run" >/dev/null
sleep 1
tui_screen | grep -q "Cluster dash-c24\|ParallelCluster" && fail "a cluster line without credentials" \
	|| pass "without credentials, no cluster line"
tui_keys q
finish
