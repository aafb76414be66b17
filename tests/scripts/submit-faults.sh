#!/bin/sh
# submit-faults.sh: `gcrunner submit` while the services misbehave --
# throttling and server errors injected into each call (STS, Batch through
# the AWS test server; DynamoDB and S3 through submit-bed.py's front), lost
# SubmitJob answers, a refused SubmitJob, an upload that keeps failing, and
# DynamoDB down.  After each: exactly one job of the simulation's name (or
# none, when Batch refused), and the record as the journal says.
. "$top_srcdir/tests/scripts/submit-lib.sh"
write_config

# submitted WHAT: the last run (JSON on $out) left exactly one job, and the
# record holds its id.
submitted() {
	sim=$(printf '%s' "$out" | sed -n 's/.*"simulationId": "\([^"]*\)".*/\1/p')
	job=$(printf '%s' "$out" | sed -n 's/.*"jobId": "\([^"]*\)".*/\1/p')
	set -- "$1" $(AWS_ENDPOINT_URL_DYNAMODB=$DIRECT_DYNAMODB bed check "$QUEUE_X86" "$USER_ID" "${sim:-none}")
	[ "$2" = 1 ] && pass "$1: exactly one job" || fail "$1: $2 jobs named '$sim'"
	[ -n "$job" ] && [ "$3" = "$job" ] && [ "$4" = SUBMITTED ] && pass "$1: record has the job id" \
		|| fail "$1: record jobId '$3' status '$4', job '$job'"
}

# fault CTL SPEC WHAT: one fault rule (CTL tbctl: the AWS test server;
# proxyctl: the DynamoDB and S3 front), then a submission.
fault() {
	$1 DELETE faults >/dev/null
	$1 POST faults "$2" >/dev/null
	expect_status 0 "$3" "$GCRUNNER" submit $RUN --json
	submitted "$3"
	$1 DELETE faults >/dev/null
}

# --- Batch ---------------------------------------------------------------------------------
fault tbctl '{"service":"batch","operation":"DescribeJobDefinitions","kind":"throttle","count":1}' \
	"DescribeJobDefinitions throttled"
fault tbctl '{"service":"batch","operation":"DescribeJobDefinitions","kind":"error","count":1}' \
	"DescribeJobDefinitions: a 500"
sed -i 's|x86_64-latest|x86_64-r2|' "$CONFIG"
fault tbctl '{"service":"batch","operation":"RegisterJobDefinition","kind":"throttle","count":1}' \
	"RegisterJobDefinition throttled"
sed -i 's|x86_64-r2|x86_64-r3|' "$CONFIG"
fault tbctl '{"service":"batch","operation":"RegisterJobDefinition","kind":"error","count":1}' \
	"RegisterJobDefinition: a 500"
sed -i 's|x86_64-r3|x86_64-r4|' "$CONFIG"
fault tbctl '{"service":"batch","operation":"RegisterJobDefinition","kind":"drop","when":"after","count":1}' \
	"RegisterJobDefinition answer lost"
defs=$(/usr/bin/aws --endpoint-url "$TESTBED_AWS_URL" batch describe-job-definitions \
	--job-definition-name geos-chem-classic-x86_64 --status ACTIVE --output text \
	--query 'length(jobDefinitions[?containerProperties.image==`111122223333.dkr.ecr.us-east-1.amazonaws.com/geos-chem:x86_64-r4`])' 2>&1)
[ "$defs" = 1 ] && pass "lost RegisterJobDefinition answer: looked again, one revision" \
	|| fail "revisions with the r4 image: $defs"
write_config

fault tbctl '{"service":"batch","operation":"SubmitJob","kind":"throttle","count":2}' \
	"SubmitJob throttled twice"
fault tbctl '{"service":"batch","operation":"SubmitJob","kind":"error","count":1}' \
	"SubmitJob: a 500 before acting"
fault tbctl '{"service":"batch","operation":"SubmitJob","kind":"error","count":1,"when":"after"}' \
	"SubmitJob: a 500 after acting"
expect_match "$err" "looking for the job by its name" "the 500 sends it to the lookup, not a resubmit"
fault tbctl '{"service":"batch","operation":"SubmitJob","kind":"unavailable","count":1,"when":"after"}' \
	"SubmitJob: a 503 after acting"

# A lost answer: the job was made, the answer never came.
fault tbctl '{"service":"batch","operation":"SubmitJob","kind":"drop","count":1,"when":"after"}' \
	"SubmitJob answer dropped"
expect_match "$(jstate "$sim" reconciled)" "^true$" "journal: found by name, not by an answer"
tbctl DELETE faults >/dev/null
tbctl POST faults '{"rules":[{"service":"batch","operation":"SubmitJob","kind":"truncate","count":1,"when":"after"},{"service":"batch","operation":"ListJobs","kind":"throttle","count":1}]}' >/dev/null
expect_status 0 "answer cut, then ListJobs throttled" "$GCRUNNER" submit $RUN --json
submitted "answer cut, then ListJobs throttled"
tbctl DELETE faults >/dev/null

# Batch refuses: nothing submitted, the entry and the record are closed.
reset_counts
tbctl POST faults '{"service":"batch","operation":"SubmitJob","kind":"error","status":400,"code":"ClientException","message":"injected: no such queue","count":1}' >/dev/null
expect_status 1 "SubmitJob refused (ClientException)" "$GCRUNNER" submit $RUN --json
expect_match "$err" "no such queue" "the service's message is shown"
sim=$(last_sim)
[ "$(jobs_named "$sim")" -eq 0 ] && pass "refused: no job" || fail "refused but a job exists"
expect_match "$(jstate "$sim" closed)" "^true$" "refused: journal entry closed"
expect_match "$(record_field "$sim" status)" "^SUBMIT_FAILED$" "refused: record SUBMIT_FAILED"
[ "$(tbctl --get count GET 'requests?service=batch&operation=SubmitJob')" -eq 1 ] \
	&& pass "refused: SubmitJob sent once" || fail "refused SubmitJob sent again"
tbctl DELETE faults >/dev/null

# --- STS (no user id configured) ------------------------------------------------------------
sed -i '/user_prefix/d' "$CONFIG"
fault tbctl '{"service":"sts","operation":"GetCallerIdentity","kind":"throttle","count":1}' \
	"GetCallerIdentity throttled"
fault tbctl '{"service":"sts","operation":"GetCallerIdentity","kind":"error","count":1}' \
	"GetCallerIdentity: a 500"
expect_match "$(jstate "$sim" plan | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["user_id"])')" \
	"^$USER_ID\$" "user id from STS: account-name"
write_config

# --- DynamoDB and S3 ------------------------------------------------------------------------
fault proxyctl '{"service":"dynamodb","operation":"GetItem","kind":"throttle","count":1}' \
	"Users GetItem throttled"
fault proxyctl '{"service":"dynamodb","operation":"PutItem","kind":"throttle","count":1}' \
	"Simulations PutItem throttled"
fault proxyctl '{"service":"dynamodb","operation":"PutItem","kind":"error","count":1,"when":"after"}' \
	"Simulations PutItem: a 500 after writing"
fault proxyctl '{"service":"dynamodb","operation":"UpdateItem","kind":"error","count":1}' \
	"UpdateItem: a 500"
fault proxyctl '{"service":"dynamodb","operation":"UpdateItem","kind":"drop","count":1,"when":"after"}' \
	"UpdateItem answer lost"
fault proxyctl '{"service":"s3","operation":"PutObject","kind":"throttle","count":2}' \
	"PutObject throttled (SlowDown)"
fault proxyctl '{"service":"s3","operation":"PutObject","kind":"error","count":1,"when":"after"}' \
	"PutObject: a 500 after storing"
files=$(/usr/bin/aws --endpoint-url "$DIRECT_S3" s3 ls --recursive "s3://$BUCKET/$USER_ID/configurations/$sim/" 2>&1 | wc -l)
[ "$files" -eq 7 ] && pass "all seven bundle files are there" || fail "$files bundle files"

# An upload that keeps failing: nothing submitted, closed.
reset_counts
proxyctl POST faults '{"service":"s3","operation":"PutObject","kind":"error","count":-1}' >/dev/null
expect_status 1 "S3 keeps failing" "$GCRUNNER" submit $RUN
expect_match "$err" "cannot upload" "the failing upload is named"
sim=$(last_sim)
[ "$(tbctl --get count GET 'requests?service=batch&operation=SubmitJob')" -eq 0 ] \
	&& pass "upload failed: no SubmitJob" || fail "submitted without a bundle"
expect_match "$(jstate "$sim" closed)" "^true$" "upload failed: journal entry closed"
expect_match "$(record_field "$sim" status)" "^SUBMIT_FAILED$" "upload failed: record SUBMIT_FAILED"
proxyctl DELETE faults >/dev/null

# --- DynamoDB down: the journal holds the record; the next start writes it ------------------
AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:1 expect_status 0 "submit with DynamoDB down" \
	"$GCRUNNER" submit $RUN --json
sim=$(printf '%s' "$out" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["simulationId"])')
job=$(printf '%s' "$out" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["jobId"])')
expect_match "$err" "DynamoDB could not be reached" "the user is told"
[ "$(jobs_named "$sim")" -eq 1 ] && pass "DynamoDB down: the job is submitted" || fail "no job"
expect_match "$(jstate "$sim" record_pending)" "^true$" "journal: record pending"
expect_match "$(record "$sim")" "^\{\}$" "no record yet"
expect_status 0 "the next start" "$GCRUNNER" submit $RUN --json
expect_match "$err" "$sim: the DynamoDB record is written \(job $job\)" "the next start says it wrote the record"
expect_match "$(record_field "$sim" jobId)" "^$job\$" "record written with the job id"
expect_match "$(record_field "$sim" status)" "^SUBMITTED$" "record status SUBMITTED"
expect_match "$(record_field "$sim" costEstimate)" "^[0-9.]+$" "record has the intent's attributes"
expect_match "$(jstate "$sim" record_pending)" "^false$" "journal: record no longer pending"
expect_status 0 "--reconcile with nothing to do" "$GCRUNNER" submit --reconcile --json
expect_match "$out" "^\[\]$" "nothing left to settle"

finish
