#!/bin/sh
# aws-testbed.sh: gcrunner's AWS clients against the local test bed (the AWS
# test server with botocore's signature check and model validation,
# dynalite, s3rver), with Debian's AWS CLI as a second, independent client,
# and the test server's fault injection for the retry rules:
#   - whoami; Batch, S3 (single and multipart), DynamoDB, Logs round trips
#     where the other side is read or written by /usr/bin/aws;
#   - 429/500/503 retried with the full-jitter backoff (delays fixed through
#     AWSTOOL_RANDOM and checked in the server's request log), 3 attempts,
#     the retry quota (a storm of 200 throttled calls costs exactly 100
#     retries), dropped and cut answers retried for reads;
#   - SubmitJob never sent twice after a drop, a cut answer or a timeout
#     (an "outcome unknown" error instead), but retried after a 429;
#   - 1,000 concurrent calls on one loop.
. "$top_srcdir/tests/scripts/lib.sh"
. "$top_srcdir/tests/testbed/testbed-lib.sh"

AWSTOOL="$top_builddir/tests/integration/awstool"
AWS=/usr/bin/aws
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}"
# No jitter unless a test asks: retries then follow at once.
export AWSTOOL_RANDOM=0

testbed_need_node
testbed_start

# jget JSON PYTHON-EXPRESSION: evaluates the expression on the parsed JSON
# (bound to d) and prints the result.
jget() {
	printf '%s' "$1" | /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print($2)"
}

tool() { "$AWSTOOL" "$@" 2>"$TEST_TMP/tool.err"; }
aws_cli() { ep=$1; shift; "$AWS" --endpoint-url "$ep" "$@"; }

# ---- identity ------------------------------------------------------------------
expect_status 0 "whoami against the test bed" "$GCRUNNER" whoami
expect_match "$out" "Account +$TESTBED_ACCOUNT" "whoami shows the account"
expect_match "$out" "Credentials +environment \\(AKIA…0001\\)" "whoami names the source, key shortened"
expect_no_match "$out$err" "$AWS_SECRET_ACCESS_KEY" "whoami prints no secret"
expect_status 0 "whoami --json" "$GCRUNNER" whoami --json
expect_match "$(jget "$out" "d['arn'], d['credential_source'], d['region']")" \
	"arn:aws:iam::$TESTBED_ACCOUNT:user/gcrunner-tester environment us-east-1" "whoami JSON fields"

mkdir -p "$HOME/.aws"
printf '[lab]\naws_access_key_id = %s\naws_secret_access_key = %s\n' \
	"$TESTBED_ACCESS_KEY_ID_2" "$TESTBED_SECRET_ACCESS_KEY_2" >"$HOME/.aws/credentials"
expect_status 0 "whoami --profile lab" "$GCRUNNER" --profile lab whoami --json
expect_match "$(jget "$out" "d['account'], d['profile'], d['credential_source']")" \
	"444455556666 lab shared-credentials-file" "a named profile is used, not the environment"

# ---- Batch: each client sees what the other submitted -----------------------------
tool register-def gc-classic public.ecr.aws/geos-chem/gcc:14.4 >/dev/null ||
	fail "register a job definition: $(cat "$TEST_TMP/tool.err")"
out=$(tool submit gc-run-a gcrunner-x86_64 gc-classic)
job_a=$(jget "$out" "d['jobId']")
cli_desc=$(aws_cli "$TESTBED_AWS_URL" batch describe-jobs --jobs "$job_a" --output json)
expect_match "$(jget "$cli_desc" "d['jobs'][0]['jobName']")" "^gc-run-a$" "the AWS CLI sees gcrunner's job"
cli_job=$(aws_cli "$TESTBED_AWS_URL" batch submit-job --job-name cli-run-b \
	--job-queue gcrunner-x86_64 --job-definition gc-classic --output json)
job_b=$(jget "$cli_job" "d['jobId']")
out=$(tool describe "$job_b" "$job_a" no-such-id)
expect_match "$(jget "$out" "sorted(j['jobName'] for j in d)")" "\\['cli-run-b', 'gc-run-a'\\]" \
	"gcrunner's DescribeJobs sees the CLI's job (unknown ids left out)"
tbctl POST clock '{"advance": 30}' >/dev/null
out=$(tool describe "$job_b")
stream=$(jget "$out" "d[0]['logStream'] or ''")
expect_match "$(jget "$out" "d[0]['status']")" "RUNNING|SUCCEEDED" "the job ran on the simulated clock"
out=$(tool logs /aws/batch/job "$stream")
expect_match "$(jget "$out" "len(d['messages']) > 0")" "True" "GetLogEvents reads the job's log stream"

# ---- S3 against s3rver, witnessed by the AWS CLI ----------------------------------
printf 'small object\n' >"$TEST_TMP/small.txt"
head -c 12000000 /dev/urandom >"$TEST_TMP/big.bin"
expect_status 0 "CreateBucket" tool s3-mb gcr-runs
expect_status 0 "PutObject" tool s3-put gcr-runs runs/r1/small.txt "$TEST_TMP/small.txt"
expect_status 0 "multipart PutObject (3 parts of 5 MiB)" \
	tool s3-put gcr-runs runs/r1/big.bin "$TEST_TMP/big.bin" 6000000 5242880
expect_match "$(jget "$out" "d['progress_bytes']")" "^12000000$" "upload progress reached the whole size"
ls_out=$(aws_cli "$AWS_ENDPOINT_URL_S3" s3 ls s3://gcr-runs/runs/r1/)
expect_match "$ls_out" " 12000000 big.bin" "aws s3 ls lists gcrunner's multipart object"
expect_match "$ls_out" " 13 small.txt" "aws s3 ls lists gcrunner's small object"
aws_cli "$AWS_ENDPOINT_URL_S3" s3 cp "$TEST_TMP/big.bin" s3://gcr-runs/cli/big.bin >/dev/null
expect_status 0 "GetObject to a file" tool s3-get gcr-runs cli/big.bin "$TEST_TMP/back.bin"
if cmp -s "$TEST_TMP/big.bin" "$TEST_TMP/back.bin"; then pass "the CLI's object comes back byte for byte"
else fail "downloaded object differs"; fi
expect_status 0 "HeadObject" tool s3-head gcr-runs runs/r1/big.bin
expect_match "$(jget "$out" "d['size']")" "^12000000$" "HeadObject size"
expect_status 1 "GetObject of a missing key fails" tool s3-get gcr-runs nope "$TEST_TMP/nope"
expect_match "$out" "NoSuchKey" "the missing key is named"
if [ -e "$TEST_TMP/nope" ] || [ -e "$TEST_TMP/nope.part" ]; then fail "a failed download left a file"
else pass "a failed download leaves no file"; fi
expect_status 0 "ListObjectsV2 with a prefix" tool s3-ls gcr-runs runs/
expect_match "$(jget "$out" "[o['key'] for o in d]")" "^\\['runs/r1/big.bin', 'runs/r1/small.txt'\\]$" \
	"ListObjectsV2 lists the prefix only"

# ---- DynamoDB against dynalite, read back by the AWS CLI ---------------------------
expect_status 0 "CreateTable" tool ddb-create gcr-records
expect_status 0 "PutItem" tool ddb-put gcr-records run#1 "submitted at 12:00"
cli_item=$(aws_cli "$AWS_ENDPOINT_URL_DYNAMODB" dynamodb get-item --table-name gcr-records \
	--key '{"pk":{"S":"run#1"}}' --output json)
expect_match "$(jget "$cli_item" "d['Item']['text']['S']")" "^submitted at 12:00$" \
	"aws dynamodb get-item reads gcrunner's item"
expect_status 1 "a conditional put on an existing key fails" \
	tool ddb-put gcr-records run#1 other --if-absent
expect_match "$(jget "$out" "d['code']")" "ConditionalCheckFailedException" "the condition's failure is named"
expect_status 0 "GetItem" tool ddb-get gcr-records run#1
expect_match "$(jget "$out" "d['text']['S']")" "^submitted at 12:00$" "the item is unchanged"

# ---- retries under injected faults ---------------------------------------------------
tbctl DELETE requests >/dev/null
tbctl POST faults '{"service":"batch","operation":"DescribeJobs","kind":"throttle","count":2}' >/dev/null
AWSTOOL_RANDOM=0.5
expect_status 0 "DescribeJobs after two 429s" tool describe "$job_a"
AWSTOOL_RANDOM=0
log=$(tbctl GET 'requests?service=batch&operation=DescribeJobs')
expect_match "$(jget "$log" "[r['status'] for r in d['requests']]")" "^\\[429, 429, 200\\]$" \
	"three attempts: 429, 429, 200"
# full jitter with the random factor fixed at 0.5: 0.5 s, then 1 s
expect_match "$(jget "$log" "[round(b['t'] - a['t'], 2) >= w for a, b, w in zip(d['requests'], d['requests'][1:], (0.5, 1.0))]")" \
	"^\\[True, True\\]$" "the backoff waited 0.5 s then 1 s"

tbctl POST faults '{"service":"batch","operation":"DescribeJobs","kind":"error","count":3}' >/dev/null
expect_status 1 "three 500s: the call fails" tool describe "$job_a"
expect_match "$(jget "$out" "d['code'], d['attempts'], d['http_status']")" "ServerException 3 500" \
	"the error names code, attempts and status"
tbctl POST faults '{"service":"batch","operation":"DescribeJobs","kind":"unavailable","count":1}' >/dev/null
expect_status 0 "one 503 is retried" tool describe "$job_a"
tbctl POST faults '{"service":"batch","operation":"DescribeJobs","kind":"drop","count":1}' >/dev/null
expect_status 0 "a dropped read is retried" tool describe "$job_a"
tbctl POST faults '{"service":"batch","operation":"DescribeJobs","kind":"truncate","count":1}' >/dev/null
expect_status 0 "a cut answer to a read is retried" tool describe "$job_a"

# SubmitJob: the server acts, then the answer is lost -> never sent again.
for kind in drop truncate; do
	tbctl DELETE requests >/dev/null
	tbctl POST faults "{\"service\":\"batch\",\"operation\":\"SubmitJob\",\"kind\":\"$kind\",\"when\":\"after\"}" >/dev/null
	expect_status 1 "SubmitJob with a $kind answer fails" tool submit "lost-$kind" gcrunner-x86_64 gc-classic
	expect_match "$(jget "$out" "d['outcome_unknown'], d['attempts']")" "True 1" "SubmitJob ($kind): outcome unknown, sent once"
	expect_match "$(testbed_count batch SubmitJob)" "^1$" "SubmitJob ($kind): the server saw it once"
	listed=$(tool list gcrunner-x86_64 SUBMITTED)
	expect_match "$(jget "$listed" "sum(j['jobName'] == 'lost-$kind' for j in d)")" "^1$" \
		"SubmitJob ($kind): the job exists once (found by ListJobs)"
done
tbctl DELETE requests >/dev/null
tbctl POST faults '{"service":"batch","operation":"SubmitJob","kind":"slow","delay_ms":2500}' >/dev/null
export AWSTOOL_TIMEOUT_MS=700
expect_status 1 "SubmitJob without an answer in time fails" \
	tool submit lost-timeout gcrunner-x86_64 gc-classic
unset AWSTOOL_TIMEOUT_MS
expect_match "$(jget "$out" "d['outcome_unknown'], d['attempts']")" "True 1" "SubmitJob (timeout): outcome unknown, sent once"
sleep 2.5   # let the slow answer finish on the server before counting
expect_match "$(testbed_count batch SubmitJob)" "^1$" "SubmitJob (timeout): the server saw it once"
tbctl DELETE requests >/dev/null
tbctl POST faults '{"service":"batch","operation":"SubmitJob","kind":"throttle","count":1}' >/dev/null
expect_status 0 "a throttled SubmitJob is sent again" tool submit retried gcrunner-x86_64 gc-classic
expect_match "$(jget "$out" "d['attempts']")" "^2$" "SubmitJob after 429: two attempts"
expect_match "$(testbed_count batch SubmitJob)" "^2$" "SubmitJob after 429: the server saw two"

# The retry quota: 200 calls throttled every time.  500 tokens pay for 100
# retries at 5 each; then calls fail at once.
tbctl DELETE requests >/dev/null
tbctl DELETE faults >/dev/null
tbctl POST faults '{"service":"batch","operation":"DescribeJobs","kind":"throttle","count":-1}' >/dev/null
expect_status 0 "a throttling storm" tool many 200
expect_match "$(jget "$out" "d['ok']")" "^0$" "no call succeeds in the storm"
expect_match "$(testbed_count batch DescribeJobs)" "^300$" "200 calls + exactly 100 retries reached the server"
tbctl DELETE faults >/dev/null

# ---- 1,000 concurrent calls on one loop ---------------------------------------------
tbctl DELETE requests >/dev/null
expect_status 0 "1,000 concurrent DescribeJobs" tool many 1000
expect_match "$(jget "$out" "d['ok']")" "^1000$" "all 1,000 succeeded"
expect_match "$(testbed_count batch DescribeJobs)" "^1000$" "the server saw 1,000 (no retries needed)"

finish
