#!/bin/sh
# bench_runs.sh: the dashboard's figures against the test bed -- 10,000
# Batch jobs made at once on the AWS test server (9,000 finished, 1,000
# running or waiting) and a journal that knows them all, as after months
# of use (finished runs carry their "ended" event):
#   - one refresh: DescribeJobs calls the server saw (target: at most 11)
#     and the CPU time it took (target: under 20 ms), from bench_runs;
#   - peak resident memory of bench_runs and of `gcrunner jobs --json`
#     (target: under 24 MB);
#   - `gcrunner jobs --json` against the AWS CLI listing the 10,000 jobs
#     (list-jobs per status) and describing the unfinished ones, same
#     server, same run (target: at least 5x faster).
# A sanitizer build inflates CPU and memory several times: take the
# figures from a plain build.  Figures only; nothing fails on a time.
: "${top_builddir:?}" "${top_srcdir:?}"
GCRUNNER=${GCRUNNER:-$top_builddir/gcrunner}
export GCRUNNER
COUNT=${BENCH_RUNS_COUNT:-10000}
FINISHED=${BENCH_RUNS_FINISHED:-9000}
# The measuring program is an EXTRA_PROGRAM: built here, on demand.
${MAKE:-make} -s -C "$top_builddir" tests/bench/bench_runs >/dev/null || {
	echo "bench_runs: cannot build tests/bench/bench_runs"; exit 1; }
. "$top_srcdir/tests/scripts/lib.sh"
. "$top_srcdir/tests/testbed/testbed-lib.sh"
export ASAN_OPTIONS=detect_leaks=0
modules=${TESTBED_NODE_MODULES:-$top_srcdir/tests/testbed/node_modules}
if ! command -v node >/dev/null 2>&1 || [ ! -d "$modules/dynalite" ]; then
	echo "bench_runs: needs node and 'npm ci' in tests/testbed; skipped"
	exit 0
fi
testbed_start
AWS=/usr/bin/aws
USER_ID=111122223333-gcrunner-tester
$AWS --endpoint-url "$AWS_ENDPOINT_URL_DYNAMODB" dynamodb create-table --table-name Simulations \
	--attribute-definitions AttributeName=userId,AttributeType=S AttributeName=simulationId,AttributeType=S \
	--key-schema AttributeName=userId,KeyType=HASH AttributeName=simulationId,KeyType=RANGE \
	--billing-mode PAY_PER_REQUEST >/dev/null
mkdir -p "$XDG_CONFIG_HOME/gcrunner" "$XDG_STATE_HOME/gcrunner"
cat >"$XDG_CONFIG_HOME/gcrunner/config.yaml" <<EOF
aws:
  region: us-east-1
s3:
  bucket: gcr-bench
  user_prefix: $USER_ID
EOF

tbctl POST batch/jobs "{\"count\": $COUNT, \"finished\": $FINISHED, \"jobQueue\": \"gcrunner-x86_64\", \"returnIds\": true}" \
	>"$TEST_TMP/bulk.json"
/usr/bin/python3 - "$TEST_TMP/bulk.json" "$XDG_STATE_HOME/gcrunner/journal.jsonl" "$FINISHED" "$USER_ID" <<'EOF'
import json, sys
ids = json.load(open(sys.argv[1]))['jobIds']
finished, user = int(sys.argv[3]), sys.argv[4]
seq = 0
with open(sys.argv[2], 'w') as out:
    def line(sim, event, **fields):
        global seq
        seq += 1
        d = {'seq': seq, 'at': '2026-01-01T00:00:00Z', 'sim': sim, 'event': event}
        d.update(fields)
        out.write(json.dumps(d, separators=(',', ':')) + '\n')
    for i, job in enumerate(ids):
        sim = 'gcr-2026%02d%02dT%02d%02d00Z-%08x' % (1 + i // 2000 % 12, 1 + i % 28, i % 24, i % 60, i)
        line(sim, 'intent', target='batch',
             spec={'model': 'classic', 'simulation': 'fullchem', 'option': 'standard', 'met': 'merra2',
                   'grid': '4x5', 'domain': 'global', 'levels': 72, 'start': '2019-07-01',
                   'end': '2019-07-08', 'instance_type': 'c5.4xlarge', 'spot': False, 'name': '',
                   'region': 'us-east-1'},
             plan={'region': 'us-east-1', 'user_id': user, 'bucket': 'gcr-bench',
                   'queue': 'gcrunner-x86_64', 'job_definition': 'geos-chem-classic-x86_64',
                   'log_group': '/aws/batch/job', 'table_simulations': 'Simulations',
                   'instance_type': 'c5.4xlarge', 'arch': 'x86_64', 'vcpus': 16},
             estimate={'cost_usd': 1.5, 'cost_high_usd': 2.0}, record_pending=True)
        line(sim, 'submitted', job_id=job, record_pending=False)
        if i < finished:
            line(sim, 'ended', end_state='failed' if i < finished // 10 else 'succeeded',
                 started_ms=1767225600000, stopped_ms=1767229200000, exit_code=0, actual_cost=0.68,
                 end_record_pending=False, benchmark_pending=False)
EOF
echo "  $(wc -l <"$XDG_STATE_HOME/gcrunner/journal.jsonl") journal lines, $COUNT jobs on the server ($FINISHED finished)"

tbctl DELETE requests >/dev/null
"$top_builddir/tests/bench/bench_runs" 1
echo "  DescribeJobs calls the server saw for that refresh: $(testbed_count batch DescribeJobs)"
"$top_builddir/tests/bench/bench_runs" 3 | tail -3

# gcrunner jobs --json against the AWS CLI, same server, same run.
/usr/bin/python3 - "$GCRUNNER" "$AWS" "$TESTBED_AWS_URL" <<'EOF'
import json, resource, subprocess, sys, time
gcr, aws, url = sys.argv[1:4]
def run(cmd):
    t = time.monotonic()
    out = subprocess.run(cmd, capture_output=True, text=True)
    return time.monotonic() - t, out
t_gcr, out = run([gcr, 'jobs', '--json'])
runs = json.loads(out.stdout) if out.stdout.strip() else []
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0
t0 = time.monotonic()
listed, unfinished = 0, []
for st in ('SUBMITTED', 'PENDING', 'RUNNABLE', 'STARTING', 'RUNNING', 'SUCCEEDED', 'FAILED'):
    _, o = run([aws, '--endpoint-url', url, 'batch', 'list-jobs', '--job-queue', 'gcrunner-x86_64',
                '--job-status', st, '--output', 'json'])
    jobs = json.loads(o.stdout)['jobSummaryList']
    listed += len(jobs)
    if st not in ('SUCCEEDED', 'FAILED'):
        unfinished += [j['jobId'] for j in jobs]
described = 0
for i in range(0, len(unfinished), 100):
    _, o = run([aws, '--endpoint-url', url, 'batch', 'describe-jobs', '--jobs'] + unfinished[i:i + 100]
               + ['--output', 'json'])
    described += len(json.loads(o.stdout)['jobs'])
t_aws = time.monotonic() - t0
print('  gcrunner jobs --json: %d runs in %.2f s (exit %d), peak resident memory %.1f MB'
      % (len(runs), t_gcr, out.returncode, rss))
print('  AWS CLI: list-jobs of %d jobs (7 statuses) + describe-jobs of %d unfinished: %.2f s'
      % (listed, described, t_aws))
print('  gcrunner is %.1fx faster' % (t_aws / t_gcr if t_gcr > 0 else 0))
EOF
