#!/bin/sh
# setup-tui-signin.sh: the full-screen program's setup screen at 80x24 when
# no credentials work -- signing in with an access key (merged into
# ~/.aws/credentials, mode 0600, the secret never on screen) and with AWS IAM
# Identity Center by device code (the test confirms the code through the test
# bed, as a person would in the browser); whoami after each; the region with
# its advice when none is set; the vCPU quotas against the typical run, an
# increase request, and missing permissions named (quota and plan).
. "$top_srcdir/tests/scripts/lib.sh"
. "$top_srcdir/tests/tui/lib.sh"
. "$top_srcdir/tests/testbed/testbed-lib.sh"
. "$top_srcdir/tests/scripts/setup-lib.sh"
unset GCRUNNER_NO_SETUP_OFFER   # tests/tui/lib.sh sets it for the other screens
# Esc remembers the skipped offer (setup-tui.sh tests that); every start
# here is a first start again.
offer_start() {
	rm -f "$XDG_STATE_HOME/gcrunner/setup-offer-skipped"
	tui_start "$@"
}

testbed_need_node
testbed_start
trap 'kill $standin_pid 2>/dev/null; tui_stop_all; testbed_stop; rm -rf "$TEST_TMP"' EXIT
# S3 and DynamoDB through the stand-in (setup-standin.py), as setup-tui.sh.
/usr/bin/python3 "$top_srcdir/tests/scripts/setup-standin.py" --s3 "$AWS_ENDPOINT_URL_S3" \
	--dynamodb "$AWS_ENDPOINT_URL_DYNAMODB" --port-file "$TEST_TMP/standin.port" \
	>"$TEST_TMP/standin.log" 2>&1 &
standin_pid=$!
i=0
while [ ! -s "$TEST_TMP/standin.port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
port=$(cat "$TEST_TMP/standin.port")
export AWS_ENDPOINT_URL_S3="http://127.0.0.1:$port" AWS_ENDPOINT_URL_DYNAMODB="http://127.0.0.1:$port"
export AWS_ENDPOINT_URL_CLOUDWATCH_LOGS="$AWS_ENDPOINT_URL_LOGS"
# Nothing works until the user signs in: the test bed's keys are taken away.
KEY=$AWS_ACCESS_KEY_ID SECRET=$AWS_SECRET_ACCESS_KEY
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_REGION AWS_DEFAULT_REGION
CONFIG="$XDG_CONFIG_HOME/gcrunner/config.yaml"
WHO='"account":"111122223333","arn":"arn:aws:iam::111122223333:user/gcrunner-tester"'

# expect_setup_screen NAME DESCRIPTION: as tui_expect_screen, with the
# estimator's figures masked too (this test checks them against the
# estimate itself, not against a fixed number).
expect_setup_screen() {
	file="$TUI_EXPECTED/$1.txt"
	tui_screen | tui_normalize | sed -E 's/[0-9]+ vCPUs/# vCPUs/g' >"$TEST_TMP/screen.txt"
	if [ "${GCR_TUI_REGENERATE:-0}" = 1 ]; then
		cp "$TEST_TMP/screen.txt" "$file"
		pass "$2 (regenerated $1.txt)"
	elif diff -u "$file" "$TEST_TMP/screen.txt" >"$TEST_TMP/screen.diff"; then
		pass "$2"
	else
		fail "$2: the screen differs from $1.txt"
		sed 's/^/#   /' "$TEST_TMP/screen.diff"
	fi
}

# erase N: N backspaces (to replace a field's suggested value).
erase() { n=0; while [ $n -lt "$1" ]; do tui_keys BSpace; n=$((n + 1)); done; }

# --- an access key, 80x24 ---------------------------------------------------------------
mkdir -p "$HOME/.aws"
printf '[default]\nregion = us-east-1\n' >"$HOME/.aws/config"
printf '# keep this comment\n[colleague]\naws_access_key_id = AKIAOTHERCOLLEAGUE01\naws_secret_access_key = colleague-secret\n' \
	>"$HOME/.aws/credentials"
chmod 644 "$HOME/.aws/credentials"
# The key may read the quota but not create IAM roles: both are named.
tbctl POST credentials "{\"accessKeyId\":\"$KEY\",\"secretAccessKey\":\"$SECRET\",$WHO,\"denied\":[\"iam:CreateRole\"]}" >/dev/null
offer_start 80 24
tui_check "gcrunner: set up AWS" "setup offered on first start"
tui_keys Enter
tui_check "No AWS credentials work here" "no credentials: the sign-in is offered"
s=$(tui_screen)
expect_match "$s" "Use a profile from ~/.aws" "existing profiles offered"
expect_match "$s" "IAM Identity Center \(SSO\)" "SSO offered"
expect_match "$s" "Enter an access key" "access key offered"
tui_keys Down Down Enter
tui_check "Secret access key (not shown)" "access key form"
erase 7
tui_keys lab Enter
tui_keys "$KEY" Enter
tui_keys "$SECRET"
tui_wait "****" 5 >/dev/null
s=$(tui_screen)
expect_no_match "$s" "$SECRET" "the secret is not shown while typed"
expect_match "$s" "\*{20,}" "one * per character instead"
tui_keys Enter
s=$(tui_screen)
expect_match "$s" "Region" "region field last"
tui_keys Enter
tui_check "Signed in as arn:aws:iam::111122223333:user/gcrunner-tester" "whoami after the key was stored"
s=$(tui_screen)
expect_match "$s" "Credentials: profile lab in ~/.aws/credentials \(AKIA…0001\)" \
	"the stored profile is the one in use (key id shortened)"
expect_no_match "$s" "$SECRET" "the secret is never shown"
expect_access_key_stored lab

# The region, with the advice; Enter keeps us-east-1.
tui_check "Choose the region to run in" "region step"
s=$(tui_screen)
expect_match "$s" "us-west-2 .*<- GEOS-Chem input data" "us-west-2 marked as the input data's region"
expect_match "$s" "us-east-1 +[0-9]+ +[0-9]+ +\+0%.*current" "us-east-1 current, prices against it"
tui_keys Enter

# Quotas: spot is too low for the typical run; ask for more.
tui_check "vCPU quotas in us-east-1" "quota view"
s=$(tui_screen)
expect_match "$s" "spot vCPUs.* 32 +too low" "spot quota too low"
expect_match "$s" "on-demand vCPUs.* 256 +enough" "on-demand quota enough"
expect_match "$s" "A typical run needs [0-9]+ vCPUs at once" "the typical run's need"
expect_match "$(printf '%s\n' "$s" | tr -s '\n ' '  ')" "the fastest recommended option of setup's instance families for the default run \(GEOS-Chem Classic fullchem 4x5\)" \
	"says what the need is based on"
expect_match "$s" "24-48 hours" "the 24-48 h warning"
need=$(printf '%s\n' "$s" | sed -n 's/.*A typical run needs \([0-9]*\) vCPUs.*/\1/p' | head -1)
"$GCRUNNER" estimate --json --region us-east-1 >"$TEST_TMP/est.json" 2>/dev/null
type=$(printf '%s\n' "$s" | tr '\n' ' ' | sed -n 's/.*at once: \([a-z0-9]*\.[0-9a-z]*\) (\([0-9]*\) vCPUs.*/\1/p')
[ -n "$type" ] && grep -q "\"$type\"" "$TEST_TMP/est.json" && pass "the named type ($type) is one the estimate lists" \
	|| fail "type '$type' not in the estimate"
tui_keys i
tui_check "Ask AWS to raise spot vCPUs" "asks before requesting"
tui_keys y
tui_check "Increase requested (status PENDING)" "increase requested"
s=$(tui_screen)
expect_match "$s" "spot vCPUs.* 32 +too low \(requested\)" "the quota marked as requested"
expect_no_match "$s" "i: request an increase" "no second request offered"
expect_match "$(tbctl --get requests.0.DesiredValue GET service-quotas)" "^$((need * 4))" \
	"asked for four typical runs ($((need * 4)) vCPUs)"
expect_match "$(tbctl --get requests.0.QuotaCode GET service-quotas)" "L-34B43A08" "the spot quota's code"
expect_setup_screen setup-quotas-80x24 "the quota view at 80x24"
tui_keys Enter
tui_check "Plan for account 111122223333 in us-east-1" "the plan, for the signed-in account"
tui_check "iam:CreateRole" "a missing permission named in the plan"
s=$(tui_screen)
expect_match "$s" "missing permissions" "says permissions are missing"
expect_match "$s" "r: check again" "no apply offered, a check again instead"
tui_keys Escape
tui_check "gcrunner: new GEOS-Chem run" "Esc goes to the wizard"
[ ! -e "$CONFIG" ] && pass "nothing applied, no configuration written" || fail "configuration written"
tui_keys q

# --- the quota permission missing -------------------------------------------------------------
tbctl POST credentials "{\"accessKeyId\":\"$KEY\",\"secretAccessKey\":\"$SECRET\",$WHO,\"denied\":[\"servicequotas:GetServiceQuota\"]}" >/dev/null
offer_start 80 24
tui_check "gcrunner: set up AWS" "offered again (nothing written)"
tui_keys Enter
tui_check "No AWS credentials work here" "the default profile has no keys: sign-in again"
tui_keys Enter
tui_check "Profiles in ~/.aws" "pick a profile"
s=$(tui_screen)
expect_match "$s" "default" "profiles listed: default"
expect_match "$s" "colleague" "profiles listed: colleague"
expect_match "$s" "lab" "profiles listed: the new one"
# default comes first, then by name: colleague, lab.
tui_keys Down Down Enter
tui_check "Choose the region to run in" "the picked profile works: on to the region"
expect_match "$(tui_screen)" "Credentials: profile lab" "whoami names the picked profile"
tui_keys Enter
tui_check "servicequotas:GetServiceQuota is not allowed" "the quota's missing permission named"
tui_keys Escape
tui_keys q
tbctl POST credentials "{\"accessKeyId\":\"$KEY\",\"secretAccessKey\":\"$SECRET\",$WHO}" >/dev/null

# --- IAM Identity Center (SSO) by device code ---------------------------------------------------
rm -rf "$HOME/.aws"
mkdir -p "$HOME/.aws"
printf '[default]\nregion = us-east-1\n' >"$HOME/.aws/config"
offer_start 80 24
tui_check "gcrunner: set up AWS" "offered (SSO run)"
tui_keys Enter
tui_check "No AWS credentials work here" "sign-in offered"
# Esc while waiting for the browser cancels the polling and goes back.
tui_keys Down Enter
tui_check "SSO start URL" "SSO form"
tui_keys "https://d-9067000000.awsapps.com/start" Enter Enter Enter Enter
tui_check "and confirm the code" "a first code"
# The test bed asks for a poll every second: let one or two happen.
n=0
while [ "$(testbed_count sso-oidc CreateToken)" = 0 ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
tui_keys Escape
tui_check "How do you want to sign in to AWS?" "Esc cancels the wait: back to the choices"
polls=$(testbed_count sso-oidc CreateToken)
sleep 2.5
[ "$polls" -gt 0 ] && [ "$(testbed_count sso-oidc CreateToken)" = "$polls" ] \
	&& pass "polled while waiting ($polls CreateToken), not after the cancel" \
	|| fail "CreateToken polls: $polls before Esc, $(testbed_count sso-oidc CreateToken) after"
tui_keys Down Enter
tui_check "SSO start URL" "SSO form again"
tui_keys "https://d-9067000000.awsapps.com/start" Enter Enter Enter
erase 8
tui_keys research Enter
tui_check "and confirm the code" "the code is shown"
s=$(tui_screen)
expect_match "$s" "confirm the code +[A-Z]{4}-[A-Z]{4}" "a device code"
expect_match "$s" "https://device\.sso\.us-east-1\.amazonaws\.com/\?user_code=" "the verification URL"
code=$(printf '%s\n' "$s" | sed -n 's/.*confirm the code *\([A-Z]\{4\}-[A-Z]\{4\}\).*/\1/p')
tbctl POST sso-oidc/approve "{\"userCode\":\"$code\"}" >/dev/null
tui_check "Which role?" "roles offered (two are assigned; the only account is taken)"
tui_keys Down Enter
tui_check "Signed in as arn:aws:sts::111122223333:assumed-role/ReadOnly/sso-user" \
	"whoami after the SSO sign-in: the chosen role"
expect_match "$(tui_screen)" "Credentials: SSO" "the credential chain uses the SSO profile"
expect_match "$(cat "$HOME/.aws/config")" "\[profile research\]" "the profile written"
expect_sso_signed_in ReadOnly
tui_keys Escape
tui_check "gcrunner: new GEOS-Chem run" "Esc skips to the wizard"
tui_keys q

# --- no region set: the region comes first ------------------------------------------------------
rm -rf "$HOME/.aws"
mkdir -p "$HOME/.aws"
printf '[default]\noutput = json\n' >"$HOME/.aws/config"
offer_start 80 24 AWS_ACCESS_KEY_ID="$KEY" AWS_SECRET_ACCESS_KEY="$SECRET"
tui_check "gcrunner: set up AWS" "offered (no region)"
tui_keys Enter
tui_check "Choose the region to run in" "no region: asked first"
tui_keys Enter
tui_check "vCPU quotas in us-west-2" "the suggested region (the input data's) used"
expect_match "$(tui_screen)" "Signed in as arn:aws:iam::111122223333:user/gcrunner-tester" \
	"identified after the region was chosen"
tui_keys Escape
tui_keys q

finish
