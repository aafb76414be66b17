#!/bin/sh
# slurm-aws.sh: Slurm runs with AWS around them, against the real Slurm of
# tests/testbed/slurm and the AWS test bed (AWS test server, dynalite):
#  - submit --target slurm writes the same Simulations record as Batch runs
#    (target slurm, jobId, SUBMITTED, the run directory as resultLocation);
#    with DynamoDB unreachable the journal keeps it and the next start
#    writes it;
#  - submit --target pcluster end to end: `gcrunner cluster create` through
#    the ParallelCluster API saves the head node, and the submission reaches
#    the real Slurm through SSM Run Command (the test server runs the
#    command here).  One stand-in, for tests only: `runuser` (the SSM
#    command runs `runuser -l USER -c ...`; a login shell would drop the test
#    bed's private SLURM_CONF, so tests/scripts/runuser-standin keeps the
#    environment and runs the command as this user).
#  - a ParallelCluster run in `gcrunner jobs`: its cost so far, and once it
#    ended its memory use and CPU efficiency from Slurm's accounting in
#    `jobs --json` and in its Benchmarks record.
# Skips (77) without root or password-less sudo, node or the packages.
. "$top_srcdir/tests/scripts/lib.sh"
. "$top_srcdir/tests/testbed/testbed-lib.sh"
export ASAN_OPTIONS=detect_leaks=0
testbed_need_node

. "$top_srcdir/tests/testbed/slurm/slurm-lib.sh"
slurm_bed_start

# The AWS test server inherits SLURM_CONF and the runuser stand-in on PATH.
mkdir -p "$TEST_TMP/bin"
cp "$top_srcdir/tests/scripts/runuser-standin" "$TEST_TMP/bin/runuser"
chmod +x "$TEST_TMP/bin/runuser"
PATH="$TEST_TMP/bin:$PATH" testbed_start
trap 'testbed_stop; slurm_bed_stop; rm -rf "$TEST_TMP"' EXIT
BED="$top_srcdir/tests/scripts/submit-bed.py"
/usr/bin/python3 "$BED" prepare --bucket gcr-slurm-test >"$TEST_TMP/prepare.log" 2>&1 ||
	{ fail "cannot create the tables: $(tail -3 "$TEST_TMP/prepare.log")"; finish; }
USER_ID=111122223333-gcrunner-tester
# The Benchmarks table (the product design's keys), for the runs' records.
/usr/bin/python3 -c '
import os, botocore.session
ddb = botocore.session.get_session().create_client("dynamodb", region_name="us-east-1",
    endpoint_url=os.environ["AWS_ENDPOINT_URL_DYNAMODB"])
ddb.create_table(TableName="Benchmarks", BillingMode="PAY_PER_REQUEST",
    AttributeDefinitions=[{"AttributeName": k, "AttributeType": "S"} for k in ("configurationType", "instanceType")],
    KeySchema=[{"AttributeName": "configurationType", "KeyType": "HASH"},
               {"AttributeName": "instanceType", "KeyType": "RANGE"}])' >"$TEST_TMP/bench-table.log" 2>&1 ||
	fail "cannot create the Benchmarks table: $(tail -1 "$TEST_TMP/bench-table.log")"
item() { /usr/bin/python3 "$BED" get-item Simulations "$USER_ID" "$1"; }
field() { item "$1" | /usr/bin/python3 -c '
import json, sys
doc = json.load(sys.stdin) or {}
v = doc.get(sys.argv[1], {})
print(v.get("S", v.get("N", "")))' "$2"; }

journal="$XDG_STATE_HOME/gcrunner/journal.jsonl"
last_sim() { tail -n 1 "$journal" | sed -e 's/.*"sim": *"\([^"]*\)".*/\1/'; }
runs="$GCR_TESTBED_JOBS/runs"
mkdir -p "$runs" && chmod 1777 "$runs"
cat >"$TEST_TMP/job.sh" <<'EOF'
#!/bin/sh
echo "tiny job $SLURM_JOB_ID"
EOF
export GCRUNNER_TEST_SLURM_SCRIPT="$TEST_TMP/job.sh"
cfg="$XDG_CONFIG_HOME/gcrunner/config.yaml"
mkdir -p "$(dirname "$cfg")"
cat >"$cfg" <<EOF
aws:
  region: us-east-1
  user_id: $USER_ID
slurm:
  transport: local
  partition: $GCR_TESTBED_PARTITION
  run_root: $runs
pcluster:
  api_url: $TESTBED_AWS_URL
  poll_seconds: 0.2
  queue: $GCR_TESTBED_PARTITION
  ssm_user: $(id -un)
  run_root: $runs
EOF
RUN="--sim TransportTracers --days 1"

# --- the Simulations record of a Slurm run ---------------------------------------------------
expect_status 0 "submit --target slurm with AWS configured" "$GCRUNNER" submit --target slurm $RUN --json
sim=$(printf '%s' "$out" | sed -n 's/.*"simulationId": "\(.*\)".*/\1/p')
job=$(printf '%s' "$out" | sed -n 's/.*"jobId": "\(.*\)".*/\1/p')
expect_match "$(field "$sim" target)" "^slurm$" "the record says target slurm"
expect_match "$(field "$sim" status)" "^SUBMITTED$" "status SUBMITTED"
expect_match "$(field "$sim" jobId)" "^$job$" "with the Slurm job id"
expect_match "$(field "$sim" resultLocation)" "^local:$runs/$sim$" "resultLocation is the run directory"
expect_match "$(field "$sim" jobQueue)" "^$GCR_TESTBED_PARTITION$" "jobQueue is the partition"

# DynamoDB unreachable: submitted anyway, the record pending; the next start writes it.
AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:9 expect_status 0 "submit with DynamoDB down" \
	"$GCRUNNER" submit --target slurm $RUN --json
sim=$(printf '%s' "$out" | sed -n 's/.*"simulationId": "\(.*\)".*/\1/p')
expect_match "$err" "the next start writes it|the next start does it" "it says the record is pending"
expect_match "$(item "$sim")" "^(null|\{\})?$" "no record yet"
expect_status 0 "the next start" "$GCRUNNER" submit --reconcile
expect_match "$(field "$sim" status)" "^SUBMITTED$" "the record was written"
expect_match "$(field "$sim" target)" "^slurm$" "with the target"

# --- ParallelCluster end to end: API, head node, SSM, real Slurm --------------------------------
tbctl POST parallelcluster '{"create_seconds": 0.5}' >/dev/null
expect_status 0 "export a cluster configuration" "$GCRUNNER" export --model gchp --sim fullchem \
	--grid C24 --instance c5n.18xlarge --nodes 2 "$TEST_TMP/bundle"
expect_status 0 "cluster create" "$GCRUNNER" cluster create gchp-e2e --config "$TEST_TMP/bundle/cluster-config.yaml"
head=$(sed -n 's/^ *head_node_instance_id: *//p' "$cfg")
expect_match "$head" "^i-0[0-9a-f]+$" "the head node is saved"
sends=$(tbctl --get count GET 'requests?service=ssm&operation=SendCommand')
expect_status 0 "submit --target pcluster" "$GCRUNNER" submit --target pcluster $RUN --json
sim=$(printf '%s' "$out" | sed -n 's/.*"simulationId": "\(.*\)".*/\1/p')
job=$(printf '%s' "$out" | sed -n 's/.*"jobId": "\(.*\)".*/\1/p')
expect_match "$(squeue -h -a -t all -j "$job" -o %j 2>/dev/null)" "^$sim$" \
	"the real Slurm has the job, named after the simulation"
[ "$(tbctl --get count GET 'requests?service=ssm&operation=SendCommand')" -gt "$sends" ] &&
	pass "it went through SSM Run Command" || fail "no SSM SendCommand"
expect_match "$(sed -n 's/.*"transport": *"\([^"]*\)".*/\1/p' "$journal" | tail -n 1)" "^SSM $head as " \
	"the journal names the head node"
expect_match "$(field "$sim" target)" "^pcluster$" "the record says target pcluster"
expect_match "$(field "$sim" clusterName)" "^gchp-e2e$" "and the cluster's name"
i=0
while [ "$(squeue -h -t all -j "$job" -o %T 2>/dev/null)" != COMPLETED ] && [ $i -lt 100 ]; do
	sleep 0.2; i=$((i + 1)); done
expect_match "$(cat "$runs/$sim/gcrunner-$job.log" 2>/dev/null)" "tiny job $job" "the job ran"
expect_status 0 "cluster status: one run on it" "$GCRUNNER" cluster status --json
expect_match "$out" '"activeRuns": 1' "the run counts as active (the dashboard marks its end)"

# --- a ParallelCluster run in `gcrunner jobs`: its state asked through SSM, its cost so far
# nodes x the type's price x elapsed (the price read here from data/instances.yaml); it
# holds 64 MiB and keeps a CPU busy for 3 s, which Slurm's accounting measures (sampled
# every second: the default 30 s would never sample so short a job).
cat >"$TEST_TMP/job3.sh" <<'EOF'
#!/bin/sh
#SBATCH --acctg-freq=1
echo "tiny job $SLURM_JOB_ID"
exec /usr/bin/python3 -c '
import time
held = bytearray(64 << 20)
for i in range(0, len(held), 4096):
    held[i] = 1
t = time.time()
while time.time() - t < 3:
    pass
'
EOF
GCRUNNER_TEST_SLURM_SCRIPT="$TEST_TMP/job3.sh" expect_status 0 "submit a priced run to the cluster" \
	"$GCRUNNER" submit --target pcluster $RUN --instance c5n.18xlarge --on-demand --json
sim=$(printf '%s' "$out" | sed -n 's/.*"simulationId": "\(.*\)".*/\1/p')
job=$(printf '%s' "$out" | sed -n 's/.*"jobId": "\(.*\)".*/\1/p')
i=0
while [ "$(squeue -h -t all -j "$job" -o %T 2>/dev/null)" != COMPLETED ] && [ $i -lt 100 ]; do
	sleep 0.2; i=$((i + 1)); done
# slurmdbd gets the job's record a moment after its end; until then gcrunner records no
# usage (null, never a made-up 0).  The test waits for the record.
i=0
until sacct -X -P -n -j "$job" -o State,CPUTimeRAW 2>/dev/null | grep -q '^COMPLETED|[1-9]' ||
	[ $i -ge 50 ]; do sleep 0.2; i=$((i + 1)); done
usage_seen=$(sacct -P -n -j "$job" -o JobID,State,MaxRSS,TotalCPU,CPUTimeRAW 2>&1 | tr '\n' ' ')
expect_status 0 "jobs" "$GCRUNNER" jobs --json
price=$(/usr/bin/python3 -c '
import yaml, sys
for t in yaml.safe_load(open(sys.argv[1]))["instances"]:
    if t["id"] == "c5n.18xlarge":
        print(t["ondemand"]["us-east-1"])' "$top_srcdir/data/instances.yaml")
verdict=$(printf '%s' "$out" | /usr/bin/python3 -c '
import json, sys
r = [r for r in json.load(sys.stdin) if r["simulationId"] == sys.argv[1]][0]
price = float(sys.argv[2])
want = r["nodes"] * price * r["elapsedSeconds"] / 3600
ok = (r["status"] == "succeeded" and r["instanceType"] == "c5n.18xlarge" and r["elapsedSeconds"] >= 3
      and abs(r["pricePerNodeHour"] - price) < 1e-9 and abs(r["costSoFar"] - want) < 0.002)
print("ok" if ok else "wrong: %s %s %s nodes=%s elapsed=%s price=%s cost=%s want=%.5f" % (
    r["status"], r["instanceType"], r["target"], r["nodes"], r["elapsedSeconds"],
    r["pricePerNodeHour"], r["costSoFar"], want))' "$sim" "$price")
expect_match "$verdict" "^ok$" "succeeded through SSM, cost so far = nodes x \$$price/h x elapsed"

# Its memory use and CPU efficiency: in `jobs --json`, again from the journal alone in a
# later call (final runs are not asked again), and in the Benchmarks record.
usage_of() { printf '%s' "$1" | /usr/bin/python3 -c '
import json, sys
r = [r for r in json.load(sys.stdin) if r["simulationId"] == sys.argv[1]][0]
m, e = r.get("memoryUsageBytes"), r.get("cpuEfficiency")
print("ok" if m and 64 << 20 <= m <= 512 << 20 and e and 0 < e <= 1 else "wrong: %s %s" % (m, e))' "$sim"; }
expect_match "$(usage_of "$out")" "^ok$" "jobs --json: memory 64-512 MiB, 0 < CPU efficiency <= 1 (sacct: $usage_seen)"
expect_status 0 "jobs again" "$GCRUNNER" jobs --json
expect_match "$(usage_of "$out")" "^ok$" "the usage is kept with the run's end in the journal"
bench=$(/usr/bin/python3 -c '
import json, os, sys, botocore.session
ddb = botocore.session.get_session().create_client("dynamodb", region_name="us-east-1",
    endpoint_url=os.environ["AWS_ENDPOINT_URL_DYNAMODB"])
items = [i for i in ddb.scan(TableName="Benchmarks")["Items"]
         if i.get("simulationId", {}).get("S") == sys.argv[1]]
if len(items) != 1:
    print("%d Benchmarks items for the run" % len(items))
    sys.exit()
i = items[0]
m, e = float(i["memoryUsage"].get("N", "0")), float(i["cpuEfficiency"].get("N", "0"))
ok = i["instanceType"]["S"] == "c5n.18xlarge" and 64 << 20 <= m <= 512 << 20 and 0 < e <= 1
print("ok" if ok else "wrong: %s" % json.dumps(i))' "$sim" 2>&1)
expect_match "$bench" "^ok$" "its Benchmarks record has memoryUsage (bytes) and cpuEfficiency"
finish
