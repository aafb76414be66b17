#!/bin/sh
# setup-guide.sh: `gcrunner setup` on a real terminal (tmux) when no
# credentials work -- the sign-in guide: an access key typed in (stored in
# ~/.aws/credentials, merged, mode 0600, the secret never shown), and AWS IAM
# Identity Center by device code (the test confirms the code through the test
# bed, as a person would in the browser).  Both end with setup using the new
# profile.
. "$top_srcdir/tests/scripts/lib.sh"
. "$top_srcdir/tests/testbed/testbed-lib.sh"
. "$top_srcdir/tests/scripts/setup-lib.sh"
export ASAN_OPTIONS=detect_leaks=0
TMUX_BIN=${TMUX_BIN:-$(command -v tmux)}
if [ -z "$TMUX_BIN" ]; then echo "SKIP: no tmux"; exit 77; fi

testbed_start aws
RUN=0
SOCK="$TEST_TMP/tmux0.sock"
trap 'for s in "$TEST_TMP"/tmux*.sock; do "$TMUX_BIN" -S "$s" kill-server 2>/dev/null; done; testbed_stop; rm -rf "$TEST_TMP"' EXIT
# The test bed's keys are in the environment: take them away, so nothing
# works until the guide has run.
KEY=$AWS_ACCESS_KEY_ID SECRET=$AWS_SECRET_ACCESS_KEY
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY

screen() { "$TMUX_BIN" -S "$SOCK" capture-pane -p -t t -S -200; }
keys() { "$TMUX_BIN" -S "$SOCK" send-keys -t t "$@"; }
# wait_for PATTERN: until the screen shows it (at most ~40 s: sanitizer
# builds under a parallel make check are slow).
wait_for() {
	n=0
	while ! screen | grep -Eq -- "$1"; do
		n=$((n + 1))
		[ $n -gt 400 ] && return 1
		sleep 0.1
	done
}
# start [VAR=value...]: setup --plan in a fresh tmux server.
start() {
	# A fresh server per run: a server being killed may still take the socket.
	"$TMUX_BIN" -S "$SOCK" kill-server 2>/dev/null
	RUN=$((RUN + 1))
	SOCK="$TEST_TMP/tmux$RUN.sock"
	"$TMUX_BIN" -S "$SOCK" new-session -d -s t -x 120 -y 50 \
		"env $* LANG=C.UTF-8 HOME='$HOME' '$GCRUNNER' setup --plan --skip-quotas; echo EXIT=\$?; sleep 30"
}

# --- an access key ------------------------------------------------------------------
mkdir -p "$HOME/.aws"
printf '# keep this comment\n[colleague]\naws_access_key_id = AKIAOTHERCOLLEAGUE01\naws_secret_access_key = colleague-secret\n' \
	>"$HOME/.aws/credentials"
start
wait_for "Choice:" && pass "guide offered when no credentials work" || fail "no guide: $(screen | tail -5)"
expect_match "$(screen)" "use a profile from ~/.aws: colleague" "existing profiles listed"
keys 3 Enter
wait_for "Profile name" && keys lab Enter
wait_for "Access key id" && keys "$KEY" Enter
wait_for "Secret access key" && keys "$SECRET" Enter
wait_for "Region" && keys us-east-1 Enter
wait_for "Using credentials from|EXIT=" \
	&& pass "setup went on with the new profile" || fail "stuck: $(screen | tail -5)"
expect_match "$(screen)" "Using credentials from profile lab" "the stored key is used"
expect_no_match "$(screen)" "$SECRET" "the secret is never shown"
expect_access_key_stored lab

# --- IAM Identity Center (SSO) by device code -------------------------------------------
rm -rf "$HOME/.aws"
start
wait_for "Choice:" && keys 2 Enter
wait_for "SSO start URL" && keys "https://d-9067000000.awsapps.com/start" Enter
wait_for "SSO region" && keys Enter
wait_for "SSO session" && keys Enter
wait_for "Profile name to create" && keys research Enter
wait_for "confirm the code [A-Z]{4}-[A-Z]{4}" \
	&& pass "verification URL and code shown" || fail "no code: $(screen | tail -5)"
tbctl POST sso-oidc/approve >/dev/null
wait_for "Which role\?" && pass "roles offered (two are assigned)" || fail "no role choice: $(screen | tail -5)"
keys 2 Enter
wait_for "Signed in: profile research uses role ReadOnly in account 111122223333" \
	&& pass "signed in after the code was confirmed" || fail "not signed in: $(screen | grep -v "^$" | tail -6)"
wait_for "Using credentials from|EXIT=" && expect_match "$(screen)" "Using credentials from SSO" \
	"setup uses the SSO profile through the credential chain"
expect_sso_signed_in ReadOnly

# --- no region: the advice, then the default (where the input data is) ---------------
start -u AWS_REGION -u AWS_DEFAULT_REGION AWS_ACCESS_KEY_ID="$KEY" AWS_SECRET_ACCESS_KEY="$SECRET"
wait_for "Region \[us-west-2\]:" && pass "asked for a region" || fail "no region question: $(screen | tail -5)"
s=$(screen)
expect_match "$s" "input data \(s3://geos-chem, s3://gcgrid\) is in us-west-2" "says where the input data is"
expect_match "$s" "us-west-2 +[0-9]+ +[0-9]+ +[-+][0-9]+% +<- input data here" "region table marks us-west-2"
expect_match "$s" "us-east-1 +[0-9]+ +[0-9]+ +\+0%" "prices compared with us-east-1"
keys Enter
wait_for "Using credentials from|EXIT=" && expect_match "$(screen)" "Using credentials from environment" \
	"goes on in the default region"

finish
