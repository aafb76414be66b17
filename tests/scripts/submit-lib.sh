# submit-lib.sh: the set-up the submit tests share, sourced after nothing
# else: lib.sh (private HOME), the test bed (AWS test server, dynalite,
# s3rver), the tables and bucket, a fault-injecting front for DynamoDB and
# S3 (submit-bed.py proxy), and the configuration `gcrunner setup` would
# write.
. "$top_srcdir/tests/scripts/lib.sh"
. "$top_srcdir/tests/testbed/testbed-lib.sh"
export ASAN_OPTIONS=detect_leaks=0

testbed_need_node
testbed_start
BED="$top_srcdir/tests/scripts/submit-bed.py"
bed() { /usr/bin/python3 "$BED" "$@"; }

BUCKET=gcr-submit-test
USER_ID=111122223333-gcrunner-tester
bed prepare --bucket "$BUCKET" >"$TEST_TMP/prepare.log" 2>&1 || {
	cat "$TEST_TMP/prepare.log"; echo "cannot create the tables and bucket"; exit 99; }

DIRECT_DYNAMODB=$AWS_ENDPOINT_URL_DYNAMODB
DIRECT_S3=$AWS_ENDPOINT_URL_S3
# Started directly (not through the bed function), so $! is python's pid.
/usr/bin/python3 "$BED" proxy --dynamodb "$DIRECT_DYNAMODB" --s3 "$DIRECT_S3" \
	--port-file "$TEST_TMP/proxy.port" >"$TEST_TMP/proxy.log" 2>&1 &
proxy_pid=$!
trap 'kill $proxy_pid 2>/dev/null; testbed_stop; rm -rf "$TEST_TMP"' EXIT
i=0
while [ ! -s "$TEST_TMP/proxy.port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
PROXY_URL="http://127.0.0.1:$(cat "$TEST_TMP/proxy.port")"
export AWS_ENDPOINT_URL_DYNAMODB="$PROXY_URL" AWS_ENDPOINT_URL_S3="$PROXY_URL"

CONFIG="$XDG_CONFIG_HOME/gcrunner/config.yaml"
JOURNAL="$XDG_STATE_HOME/gcrunner/journal.jsonl"
QUEUE_X86=gcrunner-x86_64

# write_config [EXTRA YAML LINES]: what `gcrunner setup` writes, with no
# settle time for the job listing (the test server lists at once).
write_config() {
	mkdir -p "$(dirname "$CONFIG")"
	cat >"$CONFIG" <<EOF
aws:
  region: us-east-1
s3:
  bucket: $BUCKET
  user_prefix: $USER_ID
batch:
  queue:
    arm64: gcrunner-arm64
    x86_64: $QUEUE_X86
  image:
    arm64: 111122223333.dkr.ecr.us-east-1.amazonaws.com/geos-chem:arm64-latest
    x86_64: 111122223333.dkr.ecr.us-east-1.amazonaws.com/geos-chem:x86_64-latest
  job_role_arn: arn:aws:iam::111122223333:role/gcrunner-BatchJobRole
  log_group: /gcrunner/batch
  reconcile_settle_seconds: 0
$*
EOF
}

proxyctl() {
	/usr/bin/python3 - "$PROXY_URL" "$@" <<'EOF'
import json, sys, urllib.request
base, method, path = sys.argv[1], sys.argv[2], sys.argv[3]
data = sys.argv[4].encode() if len(sys.argv) > 4 else None
req = urllib.request.Request(base + '/__proxy/' + path, data=data, method=method)
doc = json.loads(urllib.request.urlopen(req, timeout=30).read())
print(doc['count'] if path == 'requests' and method == 'GET' else json.dumps(doc))
EOF
}

# all_requests: requests the AWS test server and the DynamoDB/S3 front saw.
all_requests() {
	echo $(( $(tbctl --get count GET requests) + $(proxyctl GET requests) ))
}

reset_counts() {
	tbctl DELETE requests >/dev/null
	proxyctl DELETE requests >/dev/null
}

# The common run: GEOS-Chem Classic full chemistry, a week, on c5.4xlarge.
RUN="--sim fullchem --days 7 --instance c5.4xlarge"

last_sim() { bed journal "$JOURNAL"; }
jstate() { bed journal "$JOURNAL" "$1" "$2"; }
jobs_named() { bed jobs-named "${2:-$QUEUE_X86}" "$1"; }
record() { AWS_ENDPOINT_URL_DYNAMODB=$DIRECT_DYNAMODB bed get-item Simulations "$USER_ID" "$1"; }
# record_field SIM NAME: the S (or N) value of one attribute.
record_field() {
	record "$1" | /usr/bin/python3 -c '
import json, sys
v = json.load(sys.stdin).get(sys.argv[1], {})
print(v.get("S", v.get("N", v.get("BOOL", ""))))' "$2"
}
