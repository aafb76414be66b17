#!/bin/sh
# sso-refresh.sh: an expired IAM Identity Center (SSO) token is renewed with
# its refresh token (SSO OIDC CreateToken, grantType refresh_token) as the
# AWS CLI v2 does, and written back into the AWS CLI's cache file; a revoked
# refresh token ends in the sign-in-again error; legacy profiles (no
# sso_session) are never refreshed.  The AWS CLI itself then uses the file
# gcrunner wrote (and gcrunner the one the CLI wrote).  Against the test
# bed's SSO OIDC and portal (tests/testbed/awsserver/services/ssooidc.py).
# tests/unit/check_sso_refresh runs inside this bed for what needs one
# process (the minute between attempts, cancelling a refresh in flight).
. "$top_srcdir/tests/scripts/lib.sh"
. "$top_srcdir/tests/testbed/testbed-lib.sh"

testbed_start aws
export AWS_ENDPOINT_URL_STS="$TESTBED_AWS_URL"
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY

START=https://corp.awsapps.com/start
LEGACY=https://legacy.awsapps.com/start
mkdir -p "$HOME/.aws"
cat >"$HOME/.aws/config" <<EOF
[profile sso]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = ReadOnly
region = us-east-1
[sso-session corp]
sso_start_url = $START
sso_region = us-east-1
sso_registration_scopes = sso:account:access
[profile legacy]
sso_start_url = $LEGACY
sso_region = us-east-1
sso_account_id = 111122223333
sso_role_name = ReadOnly
region = us-east-1
EOF
cache_of() { echo "$HOME/.aws/sso/cache/$(printf '%s' "$1" | sha1sum | cut -c1-40).json"; }
CACHE=$(cache_of corp)
LEGACY_CACHE=$(cache_of "$LEGACY")
mkdir -p "$HOME/.aws/sso/cache"

# signin FILE START_URL EXPIRES_IN: a finished sign-in whose access token
# lives EXPIRES_IN seconds (negative: already expired), cached as the CLI does.
signin() {
	tbctl POST sso-oidc/signin "{\"startUrl\":\"$2\",\"expiresIn\":$3}" >"$1" && chmod 600 "$1"
}
field() { /usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get(sys.argv[2], ""))' "$1" "$2"; }
# set_field FILE KEY VALUE: edit the cache file as time (or the CLI) would.
set_field() {
	/usr/bin/python3 -c 'import json,sys; f=sys.argv[1]; d=json.load(open(f)); d[sys.argv[2]]=sys.argv[3]; json.dump(d, open(f, "w"))' "$1" "$2" "$3"
}
iso_in() { date -u -d "@$(($(date +%s) + $1))" +%Y-%m-%dT%H:%M:%SZ; }
seconds_left() { echo $(($(date -u -d "$(field "$1" expiresAt)" +%s) - $(date +%s))); }
refreshes() { testbed_count sso-oidc CreateToken; }
# no_secrets FILE: none of the cache file's secrets on stdout or stderr.
no_secrets() {
	leaked=""
	for k in accessToken refreshToken clientSecret; do
		v=$(field "$1" "$k")
		[ -n "$v" ] && printf '%s\n%s\n' "$out" "$err" | grep -qF -- "$v" && leaked="$leaked $k"
	done
	for v in $old_secrets; do
		printf '%s\n%s\n' "$out" "$err" | grep -qF -- "$v" && leaked="$leaked (an old one)"
	done
	if [ -z "$leaked" ]; then pass "$2: no token or client secret printed"
	else fail "$2: printed$leaked"; fi
}

# --- expired access token, valid refresh token: renewed -------------------------------------------
signin "$CACHE" "$START" -60
cp "$CACHE" "$TEST_TMP/before.json"
old_secrets="$(field "$CACHE" accessToken) $(field "$CACHE" refreshToken)"
expect_status 0 "whoami with an expired SSO token" "$GCRUNNER" -v --profile sso whoami
expect_match "$out" "assumed-role/ReadOnly/sso-user" "the role credentials came from the renewed token"
[ "$(refreshes)" = 1 ] && pass "one CreateToken (refresh_token grant)" || fail "CreateToken calls: $(refreshes)"
[ "$(field "$CACHE" accessToken)" != "$(field "$TEST_TMP/before.json" accessToken)" ] &&
	pass "the cache file holds a new access token" || fail "the access token was not replaced"
left=$(seconds_left "$CACHE")
[ "$left" -gt 7000 ] && pass "the new token is unexpired (${left}s left)" || fail "expiresAt: ${left}s left"
[ "$(field "$CACHE" refreshToken)" != "$(field "$TEST_TMP/before.json" refreshToken)" ] &&
	[ -n "$(field "$CACHE" refreshToken)" ] &&
	pass "the rotated refresh token is kept" || fail "the refresh token was not replaced"
kept=""
for k in clientId clientSecret registrationExpiresAt startUrl region; do
	[ "$(field "$CACHE" $k)" = "$(field "$TEST_TMP/before.json" $k)" ] || kept="$kept $k"
done
[ -z "$kept" ] && pass "the other fields are kept" || fail "changed:$kept"
[ "$(stat -c %a "$CACHE")" = 600 ] && pass "the cache file is 0600" || fail "mode $(stat -c %a "$CACHE")"
no_secrets "$CACHE" "renewed"
# The debug log (-v) says it, without a secret either.
out=$(cat "$XDG_STATE_HOME"/gcrunner/*.log 2>/dev/null); err=""
expect_match "$out" "SSO session corp: renewed the SSO token \(until " "the debug log tells of the renewal"
no_secrets "$CACHE" "the debug log"

expect_status 0 "whoami again" "$GCRUNNER" --profile sso whoami
[ "$(refreshes)" = 1 ] && pass "a fresh token is not renewed again" || fail "CreateToken calls: $(refreshes)"

# --- within 15 minutes of its end (still valid): renewed early -----------------------------------
set_field "$CACHE" expiresAt "$(iso_in 600)"
expect_status 0 "whoami 10 minutes before the token ends" "$GCRUNNER" --profile sso whoami
[ "$(refreshes)" = 2 ] && pass "renewed inside botocore's 15-minute window" || fail "CreateToken calls: $(refreshes)"
left=$(seconds_left "$CACHE")
[ "$left" -gt 7000 ] && pass "renewed for the token's lifetime" || fail "expiresAt: ${left}s left"

# --- the AWS CLI uses the file gcrunner wrote, and gcrunner the CLI's -----------------------------
if [ -x /usr/bin/aws ]; then
	# The CLI of Debian ignores AWS_ENDPOINT_URL_*: its SSO and SSO OIDC
	# endpoints come from rule sets in AWS_DATA_PATH pointing at the bed.
	for svc in sso sso-oidc; do
		mkdir -p "$TEST_TMP/data/$svc/2019-06-10"
		cat >"$TEST_TMP/data/$svc/2019-06-10/endpoint-rule-set-1.json" <<EOF
{"version": "1.0",
 "parameters": {"Region": {"builtIn": "AWS::Region", "required": false, "type": "String",
                           "documentation": "the region"}},
 "rules": [{"conditions": [], "type": "endpoint",
            "endpoint": {"url": "$TESTBED_AWS_URL", "properties": {}, "headers": {}}}]}
EOF
	done
	cli() { AWS_DATA_PATH="$TEST_TMP/data" /usr/bin/aws --endpoint-url "$TESTBED_AWS_URL" "$@"; }
	n=$(refreshes)
	expect_status 0 "aws sts get-caller-identity with the token gcrunner renewed" \
		cli sts get-caller-identity --profile sso
	expect_match "$out" "assumed-role/ReadOnly/sso-user" "the AWS CLI got the role credentials"
	[ "$(refreshes)" = "$n" ] && pass "the AWS CLI took gcrunner's token as it is" ||
		fail "the AWS CLI renewed it again"
	# Expired for the CLI (its role credentials cache forgotten): it renews
	# with the refresh token gcrunner stored.
	set_field "$CACHE" expiresAt "$(iso_in -60)"
	rm -rf "$HOME/.aws/cli/cache"
	token=$(field "$CACHE" accessToken)
	expect_status 0 "aws renews with the refresh token gcrunner stored" \
		cli sts get-caller-identity --profile sso
	[ "$(refreshes)" = $((n + 1)) ] && [ "$(field "$CACHE" accessToken)" != "$token" ] &&
		pass "the AWS CLI renewed the token in the same file" || fail "CreateToken calls: $(refreshes)"
	expect_status 0 "gcrunner whoami with the token the AWS CLI renewed" "$GCRUNNER" --profile sso whoami
	[ "$(refreshes)" = $((n + 1)) ] && pass "gcrunner took the CLI's token as it is" ||
		fail "CreateToken calls: $(refreshes)"
else
	echo "# /usr/bin/aws not installed: the AWS CLI checks are left out"
fi

# --- a revoked refresh token: the sign-in-again error, the file untouched --------------------------
signin "$CACHE" "$START" -60
tbctl POST sso-oidc/revoke "{\"refreshToken\":\"$(field "$CACHE" refreshToken)\"}" >/dev/null
cp "$CACHE" "$TEST_TMP/before.json"
n=$(refreshes)
expect_status 1 "whoami with an expired token and a revoked refresh token" "$GCRUNNER" --profile sso whoami
expect_match "$err" "has expired and could not be renewed \(InvalidGrantException\)" "says why"
expect_match "$err" "sign in again: gcrunner setup, or aws sso login --profile sso" "says how to sign in"
[ "$(refreshes)" = $((n + 1)) ] && pass "one refresh attempt" || fail "CreateToken calls: $(($(refreshes) - n))"
cmp -s "$CACHE" "$TEST_TMP/before.json" && pass "the cache file is untouched" || fail "the cache file changed"
no_secrets "$CACHE" "revoked"

# --- revoked, but the cached token still has 5 minutes: used as it is ------------------------------
signin "$CACHE" "$START" 300
tbctl POST sso-oidc/revoke "{\"refreshToken\":\"$(field "$CACHE" refreshToken)\"}" >/dev/null
cp "$CACHE" "$TEST_TMP/before.json"
n=$(refreshes)
expect_status 0 "a failed early refresh falls back to the still valid token" "$GCRUNNER" --profile sso whoami
[ "$(refreshes)" = $((n + 1)) ] && pass "the refresh was tried" || fail "CreateToken calls: $(($(refreshes) - n))"
cmp -s "$CACHE" "$TEST_TMP/before.json" && pass "the cache file is untouched" || fail "the cache file changed"

# --- the client registration has expired: no refresh (as botocore) ---------------------------------
signin "$CACHE" "$START" -60
set_field "$CACHE" registrationExpiresAt "$(iso_in -60)"
n=$(refreshes)
expect_status 1 "expired token and expired client registration" "$GCRUNNER" --profile sso whoami
expect_match "$err" "the SSO token has expired; sign in again" "the sign-in-again error"
[ "$(refreshes)" = "$n" ] && pass "no refresh with an expired registration" || fail "CreateToken was called"

# --- in one process: a failed refresh waits a minute; freeing cancels one in flight -----------
if "$top_builddir/tests/unit/check_sso_refresh" >"$TEST_TMP/check.out" 2>&1; then
	pass "check_sso_refresh: $(grep -o '[0-9]*%: Checks: [0-9]*.*' "$TEST_TMP/check.out")"
else
	fail "check_sso_refresh: $(cat "$TEST_TMP/check.out")"
fi

# --- a legacy profile (sso_start_url, no sso_session): never refreshed -----------------------------
signin "$LEGACY_CACHE" "$LEGACY" -60
cp "$LEGACY_CACHE" "$TEST_TMP/before.json"
n=$(refreshes)
expect_status 1 "legacy profile with an expired token" "$GCRUNNER" --profile legacy whoami
expect_match "$err" "SSO start URL $LEGACY: the SSO token has expired; sign in again" "the sign-in-again error"
[ "$(refreshes)" = "$n" ] && pass "legacy profiles are not refreshed" || fail "CreateToken was called"
cmp -s "$LEGACY_CACHE" "$TEST_TMP/before.json" && pass "the legacy cache file is untouched" ||
	fail "the legacy cache file changed"
signin "$LEGACY_CACHE" "$LEGACY" 300
expect_status 0 "legacy profile with a token 5 minutes from its end" "$GCRUNNER" --profile legacy whoami
[ "$(refreshes)" = "$n" ] && pass "a valid legacy token is used as it is" || fail "CreateToken was called"

finish
