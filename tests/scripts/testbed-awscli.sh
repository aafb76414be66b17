#!/bin/sh
# testbed-awscli.sh: Debian's AWS CLI (a second, independent client built on
# botocore) against the local test bed, proving the test servers speak the
# real protocols: signatures, validation errors, state, logs, faults.
. "$top_srcdir/tests/scripts/lib.sh"
. "$top_srcdir/tests/testbed/testbed-lib.sh"

AWS=/usr/bin/aws
if [ ! -x "$AWS" ]; then
	echo "SKIP: needs /usr/bin/aws (./bootstrap deps)"
	exit 77
fi
testbed_need_node
TESTBED_CHECK_OUTPUT=1; export TESTBED_CHECK_OUTPUT
testbed_start
export AWS_CONFIG_FILE="$TEST_TMP/no-config" AWS_SHARED_CREDENTIALS_FILE="$TEST_TMP/no-credentials"

aws() { "$AWS" --endpoint-url "$TESTBED_AWS_URL" --output json "$@"; }
# jget EXPR: read one value from the JSON in $out (python, no jq needed).
jget() { printf '%s' "$out" | /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

tbctl POST batch/timing '{"SUBMITTED":0.2,"RUNNABLE":0.2,"STARTING":0.2,"RUNNING":1.5}' >/dev/null

# --- STS ------------------------------------------------------------------
expect_status 0 "sts get-caller-identity" aws sts get-caller-identity
expect_match "$out" '"Account": "111122223333"' "caller account"
expect_match "$out" 'user/gcrunner-tester' "caller ARN"

expect_status 254 "wrong secret rejected by STS" env AWS_SECRET_ACCESS_KEY=wrong-secret "$AWS" \
	--endpoint-url "$TESTBED_AWS_URL" sts get-caller-identity
expect_match "$err" 'SignatureDoesNotMatch' "STS answers SignatureDoesNotMatch"
expect_status 254 "unknown key rejected" env AWS_ACCESS_KEY_ID=AKIANOSUCHKEY0000000 "$AWS" \
	--endpoint-url "$TESTBED_AWS_URL" sts get-caller-identity
expect_match "$err" 'InvalidClientTokenId' "STS answers InvalidClientTokenId"

expect_status 0 "sts assume-role" aws sts assume-role --role-arn arn:aws:iam::111122223333:role/gcrunner-runner \
	--role-session-name testbed
AK=$(jget "d['Credentials']['AccessKeyId']"); SK=$(jget "d['Credentials']['SecretAccessKey']")
ST=$(jget "d['Credentials']['SessionToken']")
expect_status 0 "temporary credentials accepted" env AWS_ACCESS_KEY_ID="$AK" AWS_SECRET_ACCESS_KEY="$SK" \
	AWS_SESSION_TOKEN="$ST" "$AWS" --endpoint-url "$TESTBED_AWS_URL" --output json sts get-caller-identity
expect_match "$out" 'assumed-role/gcrunner-runner/testbed' "assumed role identity"
expect_status 254 "temporary key without its token rejected" env AWS_ACCESS_KEY_ID="$AK" \
	AWS_SECRET_ACCESS_KEY="$SK" "$AWS" --endpoint-url "$TESTBED_AWS_URL" sts get-caller-identity
expect_match "$err" 'InvalidClientTokenId' "missing session token: InvalidClientTokenId"
tbctl POST credentials/expire "{\"accessKeyId\": \"$AK\"}" >/dev/null
expect_status 254 "expired temporary credentials rejected" env AWS_ACCESS_KEY_ID="$AK" \
	AWS_SECRET_ACCESS_KEY="$SK" AWS_SESSION_TOKEN="$ST" "$AWS" --endpoint-url "$TESTBED_AWS_URL" \
	sts get-caller-identity
expect_match "$err" 'ExpiredToken' "expired: ExpiredToken"

# --- Batch ------------------------------------------------------------------
# The simulated clock is frozen: each step below is deterministic however
# slowly the CLI runs.
tbctl POST clock '{"speed": 0}' >/dev/null
expect_status 0 "register job definition" aws batch register-job-definition --job-definition-name gc-test \
	--type container --container-properties \
	'{"image":"geoschem/gcclassic:14.5.0","command":["/app/entrypoint.sh","Ref::inputPath"],"resourceRequirements":[{"type":"VCPU","value":"4"},{"type":"MEMORY","value":"8192"}]}'
expect_match "$out" '"revision": 1' "first revision"
expect_status 0 "submit job" aws batch submit-job --job-name witness-ok --job-queue gcrunner-x86_64 \
	--job-definition gc-test --parameters inputPath=s3://in
JOB=$(jget "d['jobId']")
expect_status 0 "submit a job that fails" aws batch submit-job --job-name witness-fail \
	--job-queue gcrunner-x86_64 --job-definition gc-test \
	--container-overrides '{"command":["run","testbed:exit=3"]}'
FJOB=$(jget "d['jobId']")
expect_status 0 "submit a job without capacity" aws batch submit-job --job-name witness-stuck \
	--job-queue gcrunner-x86_64 --job-definition gc-test \
	--container-overrides '{"environment":[{"name":"TESTBED_STUCK_REASON","value":"CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY"}]}'
SJOB=$(jget "d['jobId']")

out=$(aws batch describe-jobs --jobs "$JOB")
expect_match "$(jget "d['jobs'][0]['status']")" '^SUBMITTED$' "a new job is SUBMITTED"
tbctl POST clock '{"advance": 0.7}' >/dev/null
out=$(aws batch describe-jobs --jobs "$JOB")
expect_match "$(jget "d['jobs'][0]['status']+' '+d['jobs'][0]['container']['logStreamName']")" \
	'^RUNNING gc-test/default/' "after 0.7 s it is RUNNING with a log stream"
tbctl POST clock '{"advance": 2}' >/dev/null
out=$(aws batch describe-jobs --jobs "$JOB")
expect_match "$(jget "d['jobs'][0]['status']")" '^SUCCEEDED$' "after the run time it SUCCEEDED"
expect_match "$(jget "d['jobs'][0]['attempts'][0]['container']['exitCode']")" '^0$' "attempt exit code 0"
expect_match "$(jget "d['jobs'][0]['container']['command']")" "s3://in" "Ref:: parameters substituted"
STREAM=$(jget "d['jobs'][0]['container']['logStreamName']")

out=$(aws batch describe-jobs --jobs "$FJOB" "$SJOB")
expect_match "$(jget "d['jobs'][0]['status']")" '^FAILED$' "testbed:exit=3 job FAILED"
expect_match "$(jget "d['jobs'][0]['container']['exitCode']")" '^3$' "its exit code is 3"
expect_match "$(jget "d['jobs'][1]['status']")" '^RUNNABLE$' "the job without capacity stays RUNNABLE"
expect_match "$(jget "d['jobs'][1]['statusReason']")" 'CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY' \
	"and says why"

expect_status 0 "list-jobs default is RUNNING only" aws batch list-jobs --job-queue gcrunner-x86_64
expect_match "$(jget "len(d['jobSummaryList'])")" '^0$' "no RUNNING jobs listed"
expect_status 0 "list-jobs by name filter" aws batch list-jobs --job-queue gcrunner-x86_64 \
	--filters name=JOB_NAME,values=WITNESS-*
expect_match "$(jget "[j['jobName'] for j in d['jobSummaryList']]")" \
	"\['witness-stuck', 'witness-fail', 'witness-ok'\]" "all statuses, newest first, case-insensitive"

expect_status 0 "cancel the RUNNABLE job" aws batch cancel-job --job-id "$SJOB" --reason "not needed"
out=$(aws batch describe-jobs --jobs "$SJOB")
expect_match "$(jget "d['jobs'][0]['status']+' '+d['jobs'][0]['statusReason']")" '^FAILED not needed$' \
	"cancelled job FAILED with the reason"

# Model validation, in Batch's own error shape.
expect_status 254 "DescribeJobs with 101 ids rejected" aws batch describe-jobs --jobs $(seq 1 101)
expect_match "$err" 'ClientException.*less than or equal to 100' "ClientException naming the limit"
expect_status 254 "wrong secret rejected by Batch" env AWS_SECRET_ACCESS_KEY=wrong-secret "$AWS" \
	--endpoint-url "$TESTBED_AWS_URL" batch list-jobs --job-queue gcrunner-x86_64
expect_match "$err" 'InvalidSignatureException' "Batch answers InvalidSignatureException"
expect_status 254 "unknown queue rejected" aws batch submit-job --job-name x --job-queue nope --job-definition gc-test
expect_match "$err" 'ClientException' "unknown queue: ClientException"

# --- CloudWatch Logs ---------------------------------------------------------
expect_status 0 "get-log-events from head" aws logs get-log-events --log-group-name /aws/batch/job \
	--log-stream-name "$STREAM" --start-from-head --limit 5
expect_match "$(jget "d['events'][1]['message']")" 'S T A R T I N G' "GEOS-Chem banner"
TOKEN=$(jget "d['nextForwardToken']")
expect_status 0 "follow with nextForwardToken" aws logs get-log-events --log-group-name /aws/batch/job \
	--log-stream-name "$STREAM" --next-token "$TOKEN"
expect_match "$out" 'DATE: 2019/07/31' "dates reach the end of the period"
expect_match "$out" 'E N D   O F   G E O S' "success tail"
END=$(jget "d['nextForwardToken']")
expect_status 0 "at the end" aws logs get-log-events --log-group-name /aws/batch/job \
	--log-stream-name "$STREAM" --next-token "$END"
expect_match "$(jget "str(len(d['events']))+' '+d['nextForwardToken']")" "^0 $END\$" \
	"no events and the same token at the end"
expect_status 254 "limit above 10000 rejected" aws logs get-log-events --log-group-name /aws/batch/job \
	--log-stream-name "$STREAM" --limit 10001
expect_match "$err" 'InvalidParameterException' "Logs: InvalidParameterException"
expect_status 254 "missing stream" aws logs get-log-events --log-group-name /aws/batch/job --log-stream-name nope
expect_match "$err" 'ResourceNotFoundException' "Logs: ResourceNotFoundException"

# --- SSM Run Command really runs the command (the "head node" is this machine) ---
expect_status 0 "ssm send-command" aws ssm send-command --instance-ids i-0123456789abcdef0 \
	--document-name AWS-RunShellScript --parameters \
	"{\"commands\":[\"echo head-node-\$((6*7))\",\"touch $TEST_TMP/ssm-ran\",\"exit 5\"]}"
CID=$(jget "d['Command']['CommandId']")
for i in $(seq 1 50); do
	out=$(aws ssm get-command-invocation --command-id "$CID" --instance-id i-0123456789abcdef0)
	case $(jget "d['Status']") in Pending|InProgress) sleep 0.1 ;; *) break ;; esac
done
expect_match "$(jget "d['Status']+' '+str(d['ResponseCode'])+' '+d['StandardOutputContent']")" \
	'^Failed 5 head-node-42' "get-command-invocation: Failed, exit 5, real stdout"
if [ -f "$TEST_TMP/ssm-ran" ]; then pass "the command ran on this machine"; else fail "no trace of the command"; fi

# --- Prices: Pricing GetProducts and EC2 spot history -------------------------
expect_status 0 "pricing get-products" aws pricing get-products --service-code AmazonEC2 --filters \
	Type=TERM_MATCH,Field=instanceType,Value=c5n.18xlarge Type=TERM_MATCH,Field=regionCode,Value=us-east-1 \
	Type=TERM_MATCH,Field=operatingSystem,Value=Linux Type=TERM_MATCH,Field=tenancy,Value=Shared \
	Type=TERM_MATCH,Field=preInstalledSw,Value=NA Type=TERM_MATCH,Field=capacitystatus,Value=Used \
	"Type=TERM_MATCH,Field=licenseModel,Value=No License required" Type=TERM_MATCH,Field=operation,Value=RunInstances
expect_match "$(jget "[list(t['priceDimensions'].values())[0]['pricePerUnit']['USD'] for p in d['PriceList'] for t in __import__('json').loads(p)['terms']['OnDemand'].values()]")" \
	"^\['3.8880000000'\]\$" "one product, c5n.18xlarge at 3.888 \$/h"
expect_status 0 "ec2 describe-spot-price-history" aws ec2 describe-spot-price-history \
	--instance-types c7g.16xlarge --product-descriptions Linux/UNIX --start-time "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
expect_match "$(jget "len(d['SpotPriceHistory'])")" '^6$' "one price per us-east-1 zone"
expect_status 254 "ec2 describe-instance-types of an unknown type" aws ec2 describe-instance-types \
	--instance-types c9.nope
expect_match "$err" 'InvalidInstanceType' "EC2 error code from its XML error shape"

# --- Faults -------------------------------------------------------------------
tbctl POST faults '{"service":"batch","operation":"ListJobs","kind":"throttle","count":2}' >/dev/null
before=$(testbed_count batch ListJobs)
expect_status 0 "throttled twice, the CLI retries and succeeds" aws batch list-jobs --job-queue gcrunner-x86_64
after=$(testbed_count batch ListJobs)
expect_match "$((after - before))" '^3$' "three ListJobs requests reached the server"
expect_match "$(tbctl --get counts GET 'requests?service=batch&operation=ListJobs&status=429')" \
	'"batch.ListJobs": 2' "two answered 429"

# --- DynamoDB (dynalite) and S3 (s3rver) ---------------------------------------------
ddb() { "$AWS" --endpoint-url "$AWS_ENDPOINT_URL_DYNAMODB" --output json dynamodb "$@"; }
expect_status 0 "dynamodb create-table" ddb create-table --table-name Simulations \
	--attribute-definitions AttributeName=userId,AttributeType=S AttributeName=simulationId,AttributeType=S \
	--key-schema AttributeName=userId,KeyType=HASH AttributeName=simulationId,KeyType=RANGE \
	--billing-mode PAY_PER_REQUEST
expect_status 0 "dynamodb put-item" ddb put-item --table-name Simulations \
	--item '{"userId":{"S":"u1"},"simulationId":{"S":"s1"},"status":{"S":"SUBMITTED"}}'
expect_status 254 "conditional put of an existing item fails" ddb put-item --table-name Simulations \
	--item '{"userId":{"S":"u1"},"simulationId":{"S":"s1"}}' --condition-expression 'attribute_not_exists(userId)'
expect_match "$err" 'ConditionalCheckFailedException' "ConditionalCheckFailedException"
expect_status 0 "dynamodb get-item" ddb get-item --table-name Simulations \
	--key '{"userId":{"S":"u1"},"simulationId":{"S":"s1"}}'
expect_match "$out" '"SUBMITTED"' "item read back"

s3() { "$AWS" --endpoint-url "$AWS_ENDPOINT_URL_S3" s3 "$@"; }
printf 'geoschem_config\n' >"$TEST_TMP/cfg.yml"
expect_status 0 "s3 mb" s3 mb s3://gcrunner-user-data
expect_status 0 "s3 cp up" s3 cp "$TEST_TMP/cfg.yml" s3://gcrunner-user-data/u1/configurations/s1/geoschem_config.yml
expect_status 0 "s3 ls" s3 ls s3://gcrunner-user-data/u1/configurations/s1/
expect_match "$out" 'geoschem_config.yml' "object listed"
expect_status 0 "s3 cp down" s3 cp s3://gcrunner-user-data/u1/configurations/s1/geoschem_config.yml "$TEST_TMP/back.yml"
if cmp -s "$TEST_TMP/cfg.yml" "$TEST_TMP/back.yml"; then pass "S3 round trip is byte-identical"
else fail "S3 round trip differs"; fi

finish
