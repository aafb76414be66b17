#!/bin/sh
# setup-testbed.sh: `gcrunner setup` against the local test bed -- a full
# setup, a second run that creates nothing, a run interrupted before each
# step and then completed, destroy (with and without the data), a missing
# permission reported by name, the quota preflight and the CloudFormation
# export.
#
# Where the calls go: IAM, Batch, Logs, EC2, STS, Service Quotas -> the AWS
# test server; S3 -> s3rver and DynamoDB -> dynalite, through
# setup-standin.py, which answers only what they lack (bucket encryption,
# versioning, public access block, lifecycle, tagging, version listing;
# DynamoDB point-in-time recovery) and forwards the rest.
. "$top_srcdir/tests/scripts/lib.sh"
. "$top_srcdir/tests/testbed/testbed-lib.sh"
export ASAN_OPTIONS=detect_leaks=0

testbed_need_node
testbed_start
# endpoint.c names CloudWatch Logs by its service id ("CloudWatch Logs").
export AWS_ENDPOINT_URL_CLOUDWATCH_LOGS="$AWS_ENDPOINT_URL_LOGS"
/usr/bin/python3 "$top_srcdir/tests/scripts/setup-standin.py" --s3 "$AWS_ENDPOINT_URL_S3" \
	--dynamodb "$AWS_ENDPOINT_URL_DYNAMODB" --port-file "$TEST_TMP/standin.port" \
	>"$TEST_TMP/standin.log" 2>&1 &
standin_pid=$!
trap 'kill $standin_pid 2>/dev/null; testbed_stop; rm -rf "$TEST_TMP"' EXIT
i=0
while [ ! -s "$TEST_TMP/standin.port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
port=$(cat "$TEST_TMP/standin.port")
export AWS_ENDPOINT_URL_S3="http://127.0.0.1:$port" AWS_ENDPOINT_URL_DYNAMODB="http://127.0.0.1:$port"
export GCRUNNER_SETUP_POLL_MS=50
CONFIG="$XDG_CONFIG_HOME/gcrunner/config.yaml"
NET="--subnets subnet-0def0000000000001 --security-groups sg-0def0000000000001"

# The AWS client must know IAM before any of this can run (see the report
# of issue 9: client.c protocols[] and endpoint.c services[]).
"$GCRUNNER" setup --plan --skip-quotas --prefix probe >"$TEST_TMP/probe" 2>&1
if grep -q "unknown AWS service 'iam'" "$TEST_TMP/probe"; then
	echo "SKIP: the AWS client has no 'iam' service yet (src/aws/client.c protocols[])"
	exit 77
fi
tbctl POST reset '{"seed":"default"}' >/dev/null

# creates: how many create/change calls the AWS test server answered.
creates() {
	tbctl GET requests | /usr/bin/python3 -c '
import json, sys
doc = json.load(sys.stdin)
ops = ("Create", "Put", "Register", "Update", "Attach", "Add", "Delete", "Deregister")
print(sum(n for k, n in doc["counts"].items() if k.split(".")[1].startswith(ops)))'
}

# --- the plan, with the default VPC found ------------------------------------
expect_status 0 "setup --plan" "$GCRUNNER" setup --plan --skip-quotas
expect_match "$out" "found +network .*default VPC vpc-0def0000000000001" "plan finds the default VPC"
expect_match "$out" "subnet-0def0000000000001, subnet-0def0000000000002" "plan lists its subnets"
expect_match "$out" "create +iam-role +gcrunner-BatchJobRole" "plan: job role to create"
expect_match "$out" "create +s3-bucket +gcrunner-111122223333-us-east-1" "plan: bucket named after account and region"
expect_match "$out" "exists +batch-compute-environment +gcrunner-arm64-spot" "plan: the seeded environment exists"
[ "$(creates)" -eq 0 ] && pass "--plan changes nothing" || fail "--plan made changes"
[ ! -e "$CONFIG" ] && pass "--plan writes no configuration" || fail "--plan wrote $CONFIG"

# --- quotas --------------------------------------------------------------------
expect_status 0 "setup --plan with the quota check" "$GCRUNNER" setup --plan --prefix q
expect_match "$err" "A typical run needs [0-9]+ vCPUs at once: [a-z0-9]+\.[0-9]*x?large \([0-9]+ vCPUs\) x 1 node\(s\), the fastest recommended option of setup's instance families for the default run \(GEOS-Chem Classic fullchem 4x5\)" \
	"the typical run's need comes from the estimate, and says what it is based on"
need=$(printf '%s\n' "$err" | sed -n 's/^A typical run needs \([0-9]*\) vCPUs.*/\1/p')
expect_match "$err" "spot vCPUs .*: 32 \(a typical run needs $need\)" "spot quota read"
expect_match "$err" "Too low: .*24-48 hours" "low quota explained with the 24-48 h warning"
expect_no_match "$err" "on-demand vCPUs .*256.*Too low" "on-demand quota is enough"

# --- asking for more quota, on a terminal (tmux) -----------------------------------
TMUX_BIN=${TMUX_BIN:-$(command -v tmux)}
if [ -n "$TMUX_BIN" ]; then
	SOCK="$TEST_TMP/tmux.sock"
	"$TMUX_BIN" -S "$SOCK" new-session -d -s t -x 120 -y 50 \
		"env LANG=C.UTF-8 '$GCRUNNER' setup --plan --prefix q; echo EXIT=\$?; sleep 30"
	n=0
	until "$TMUX_BIN" -S "$SOCK" capture-pane -p -t t | grep -q "Request an increase now"; do
		n=$((n + 1)); [ $n -gt 300 ] && break; sleep 0.1
	done
	"$TMUX_BIN" -S "$SOCK" send-keys -t t y Enter
	n=0
	until "$TMUX_BIN" -S "$SOCK" capture-pane -p -t t | grep -q "EXIT="; do
		n=$((n + 1)); [ $n -gt 300 ] && break; sleep 0.1
	done
	screen=$("$TMUX_BIN" -S "$SOCK" capture-pane -p -t t -S -100)
	"$TMUX_BIN" -S "$SOCK" kill-server
	expect_match "$screen" "Requested \(status PENDING\)\.  AWS usually decides within 24-48 hours" \
		"quota increase requested on confirmation"
	expect_match "$(tbctl --get requests.0.DesiredValue GET service-quotas)" "^$((need * 4))" \
		"asked for four typical runs' worth ($((need * 4)) vCPUs)"
fi

# --- a full setup ---------------------------------------------------------------
tbctl POST reset '{"seed":"empty"}' >/dev/null
expect_status 0 "setup --yes" "$GCRUNNER" setup --yes --skip-quotas $NET
expect_match "$out" "18 to create" "18 resources planned"
expect_match "$out" "Done\." "setup says it is done"
cfg=$(cat "$CONFIG")
expect_match "$cfg" "arm64: gcrunner-arm64" "configuration names the arm64 queue"
expect_match "$cfg" "x86_64: geos-chem-classic-x86_64" "configuration names the x86 job definition"
expect_match "$cfg" "bucket: gcrunner-111122223333-us-east-1" "configuration names the bucket"
expect_match "$cfg" "users: gcrunner-Users" "configuration names the tables"
expect_match "$cfg" "log_group: /gcrunner/batch" "configuration names the log group"
expect_no_match "$cfg" "^ +profile:" "no profile recorded when none was named"
expect_match "$(tbctl --get roles.gcrunner-BatchJobRole.inline GET iam)" '"gcrunner-us-east-1"' \
	"job role has its policy"
expect_match "$(tbctl --get roles.ecsInstanceRole.attached GET iam)" 'AmazonEC2ContainerServiceforEC2Role' \
	"instance role has the ECS policy"
expect_match "$(tbctl --get instanceProfiles.ecsInstanceRole GET iam)" '"ecsInstanceRole"' \
	"instance profile holds the role"
expect_match "$(tbctl --get roles.gcrunner-BatchJobRole.tags GET iam)" '"Project": "gcrunner"' "roles are tagged"
state=$(curl -s "http://127.0.0.1:$port/__state")
expect_match "$state" '"encryption", "lifecycle", "publicAccessBlock", "tagging", "versioning"' "bucket configured"
expect_match "$state" '"gcrunner-Users": true' "point-in-time recovery on"
perm=$(stat -c %a "$CONFIG")
[ "$perm" = 600 ] && pass "configuration mode 0600" || fail "configuration mode $perm"

# --- twice: nothing new -------------------------------------------------------------
tbctl DELETE requests >/dev/null
expect_status 0 "setup again" "$GCRUNNER" setup --yes --skip-quotas $NET
expect_match "$out" "0 to create, 0 to change, 0 to delete, 18 unchanged" "second run: all unchanged"
[ "$(creates)" -eq 0 ] && pass "second run made no create or change call" \
	|| fail "second run made $(creates) create/change calls"

expect_status 0 "plan without --subnets" "$GCRUNNER" setup --plan --skip-quotas
expect_match "$out" "found +network .*subnets subnet-0def0000000000001; security groups sg-0def0000000000001" \
	"the subnets given before are used again"

# --- destroy keeps data --------------------------------------------------------------
# A setup in another region added its own policy to the job role (here by
# the AWS CLI as that other setup): destroy must leave the role to it.
if [ -x /usr/bin/aws ]; then
	AWS_PAGER= /usr/bin/aws --endpoint-url "$TESTBED_AWS_URL" iam put-role-policy \
		--role-name gcrunner-BatchJobRole --policy-name gcrunner-eu-west-1 \
		--policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}' \
		>/dev/null 2>"$TEST_TMP/awscli.err" || fail "aws iam put-role-policy: $(cat "$TEST_TMP/awscli.err")"
fi
tbctl POST batch/jobs '{"count":3,"finished":0,"running":2,"jobQueue":"gcrunner-arm64","hold":true}' >/dev/null
expect_status 0 "setup --destroy --plan" "$GCRUNNER" setup --destroy --plan
expect_match "$out" "delete +batch-job-queue +gcrunner-arm64 +\(3 active jobs will be terminated\)" \
	"destroy plan says how many jobs are terminated"
expect_match "$out" "keep +s3-bucket .*holds your data" "destroy plan keeps the bucket"
expect_status 0 "setup --destroy --yes" "$GCRUNNER" setup --destroy --yes
expect_match "$err" "terminating 3 active jobs in gcrunner-arm64" "queue drained"
active=$(tbctl --get active GET batch/jobs)
[ "$active" = 0 ] && pass "no job left active" || fail "$active jobs still active"
iam=$(tbctl GET iam)
expect_no_match "$iam" "ecsInstanceRole" "instance role and profile removed"
if [ -x /usr/bin/aws ]; then
	expect_match "$(tbctl --get roles.gcrunner-BatchJobRole.inline GET iam)" '^\["gcrunner-eu-west-1"\]$' \
		"job role kept for the other region, without this region's policy"
	expect_match "$err" "gcrunner-BatchJobRole still has other regions' policies: kept" "says why it is kept"
	expect_match "$(cat "$CONFIG")" "iam-role:gcrunner-BatchJobRole" "its record stays for the last destroy"
else
	expect_no_match "$iam" "BatchJobRole" "job role removed"
fi
expect_match "$iam" "AWSServiceRoleForBatch" "the shared service-linked role is kept"
expect_status 0 "plan after destroy" "$GCRUNNER" setup --plan --skip-quotas $NET
expect_match "$out" "create +batch-job-queue +gcrunner-arm64" "queue gone"
expect_match "$out" "create +batch-compute-environment +gcrunner-x86_64-spot" "environment gone"
expect_match "$out" "create +log-group" "log group gone"
expect_match "$out" "exists +s3-bucket" "bucket kept"
expect_match "$out" "exists +dynamodb-table +gcrunner-Simulations" "tables kept"
expect_no_match "$(cat "$CONFIG")" "queue:\n +arm64" "queues removed from the configuration"

# --- destroy with the data, named --------------------------------------------------------
expect_status 2 "--delete-data with the wrong name" \
	"$GCRUNNER" setup --destroy --yes --delete-data not-the-bucket
expect_match "$err" "not the bucket's name .*the data is kept" "wrong name refused"
expect_status 0 "--delete-data BUCKET" \
	"$GCRUNNER" setup --destroy --yes --delete-data gcrunner-111122223333-us-east-1
expect_status 0 "plan after deleting data" "$GCRUNNER" setup --plan --skip-quotas $NET
expect_match "$out" "create +s3-bucket" "bucket deleted"
expect_match "$out" "create +dynamodb-table +gcrunner-Users" "tables deleted"

# --- interrupted before each step, then completed -----------------------------------------
k=1
while [ $k -le 18 ]; do
	tbctl POST reset '{"seed":"empty"}' >/dev/null
	GCRUNNER_SETUP_FAIL_BEFORE_STEP=$k "$GCRUNNER" setup --yes --skip-quotas --prefix "k$k" $NET \
		>"$TEST_TMP/out" 2>"$TEST_TMP/err"
	s1=$?
	"$GCRUNNER" setup --yes --skip-quotas --prefix "k$k" $NET >"$TEST_TMP/out" 2>&1
	s2=$?
	"$GCRUNNER" setup --plan --skip-quotas --prefix "k$k" $NET >"$TEST_TMP/out3" 2>&1
	if [ $s1 -ne 0 ] && grep -q "interrupted before step $k" "$TEST_TMP/err" && [ $s2 -eq 0 ] &&
	   grep -q "0 to create, 0 to change, 0 to delete, 18 unchanged" "$TEST_TMP/out3"; then
		pass "interrupted before step $k, completed by the next run"
	else
		fail "step $k: first $s1, second $s2: $(tail -3 "$TEST_TMP/err") / $(tail -2 "$TEST_TMP/out3")"
	fi
	k=$((k + 1))
done

# --- killed at some moment (SIGKILL, no clean-up), then rerun ------------------------------
for delay in 0.3 0.7 1.1 1.5; do
	tbctl POST reset '{"seed":"empty"}' >/dev/null
	name="kill$(echo $delay | tr -d .)"
	"$GCRUNNER" setup --yes --skip-quotas --prefix "$name" $NET >"$TEST_TMP/out" 2>&1 &
	pid=$!
	sleep "$delay"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	"$GCRUNNER" setup --yes --skip-quotas --prefix "$name" $NET >"$TEST_TMP/out" 2>&1
	s2=$?
	"$GCRUNNER" setup --plan --skip-quotas --prefix "$name" $NET >"$TEST_TMP/out3" 2>&1
	if [ $s2 -eq 0 ] && grep -q "0 to create, 0 to change, 0 to delete, 18 unchanged" "$TEST_TMP/out3"; then
		pass "killed after ${delay}s, completed by the next run"
	else
		fail "killed after ${delay}s: rerun $s2: $(tail -2 "$TEST_TMP/out3")"
	fi
done

# --- the answer lost after the queue was made (server-side fault) ---------------------------
tbctl POST reset '{"seed":"empty"}' >/dev/null
tbctl POST faults '{"service":"batch","operation":"CreateJobQueue","kind":"drop","when":"after","count":1}' >/dev/null
expect_status 0 "CreateJobQueue's answer lost once" "$GCRUNNER" setup --yes --skip-quotas --prefix lost $NET
n=$(tbctl --get count GET 'requests?service=batch&operation=CreateJobQueue')
[ "$n" -eq 3 ] && pass "the retry found the queue made before the lost answer (3 CreateJobQueue calls for 2 queues)" \
	|| fail "$n CreateJobQueue calls"
expect_status 0 "rerun after the lost answer" "$GCRUNNER" setup --plan --skip-quotas --prefix lost $NET
expect_match "$out" "0 to create, 0 to change, 0 to delete, 18 unchanged" "nothing left to do"

# --- a missing permission, by name ------------------------------------------------------------
tbctl POST reset '{"seed":"empty"}' >/dev/null
tbctl POST credentials '{"accessKeyId":"ASIAGCRTESTLIMITED01","secretAccessKey":"limited-secret-000000000001","arn":"arn:aws:iam::111122223333:user/limited","denied":["iam:CreateRole"]}' >/dev/null
tbctl DELETE requests >/dev/null
expect_status 1 "setup without iam:CreateRole" env AWS_ACCESS_KEY_ID=ASIAGCRTESTLIMITED01 \
	AWS_SECRET_ACCESS_KEY=limited-secret-000000000001 "$GCRUNNER" setup --yes --skip-quotas --prefix perm $NET
expect_match "$err" "missing permissions for arn:aws:iam::111122223333:user/limited: iam:CreateRole \(" \
	"preflight names the missing permission"
[ "$(creates)" -eq 0 ] && pass "nothing created before the permissions were known" \
	|| fail "$(creates) create calls despite the missing permission"
# Without iam:SimulatePrincipalPolicy the check is skipped; apply names the refusal.
tbctl POST credentials '{"accessKeyId":"ASIAGCRTESTLIMITED03","secretAccessKey":"limited-secret-000000000003","arn":"arn:aws:iam::111122223333:user/limited","denied":["iam:CreateRole","iam:SimulatePrincipalPolicy"]}' >/dev/null
expect_status 1 "setup without iam:CreateRole, no simulation" env AWS_ACCESS_KEY_ID=ASIAGCRTESTLIMITED03 \
	AWS_SECRET_ACCESS_KEY=limited-secret-000000000003 "$GCRUNNER" setup --yes --skip-quotas --prefix perm2 $NET
expect_match "$err" "permissions could not be checked in advance" "skipped check said so"
expect_match "$err" "iam:CreateRole is not allowed for arn:aws:iam::111122223333:user/limited" \
	"refused create named by its action"
tbctl POST credentials '{"accessKeyId":"ASIAGCRTESTLIMITED02","secretAccessKey":"limited-secret-000000000002","arn":"arn:aws:iam::111122223333:user/viewer","denied":["iam:GetRole","batch:Describe*"]}' >/dev/null
expect_status 1 "plan without read permissions" env AWS_ACCESS_KEY_ID=ASIAGCRTESTLIMITED02 \
	AWS_SECRET_ACCESS_KEY=limited-secret-000000000002 "$GCRUNNER" setup --plan --skip-quotas --prefix perm $NET
expect_match "$err" "missing permissions for arn:aws:iam::111122223333:user/viewer: .*iam:GetRole" \
	"every missing permission listed"
expect_match "$err" "batch:DescribeComputeEnvironments" "Batch describe named too"
expect_match "$out" "unknown +iam-role +ecsInstanceRole +\(iam:GetRole is not allowed" "plan marks what it could not check"

# --- JSON ---------------------------------------------------------------------------------------
expect_status 0 "setup --plan --json" "$GCRUNNER" setup --plan --json --skip-quotas --prefix lost $NET
check=$(printf '%s' "$out" | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
p = d["plan"]
print(d["applied"], p["account"], p["mode"], len(p["items"]), p["items"][1]["kind"], p["items"][1]["action"])')
expect_match "$check" "^False 111122223333 create 19 s3-bucket exists$" "JSON plan"

finish
