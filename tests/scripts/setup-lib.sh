# setup-lib.sh: what the sign-in tests of `gcrunner setup` (setup-guide.sh,
# the command line) and of the setup screen (setup-tui-signin.sh) check alike.
# Sourced after lib.sh.

# expect_access_key_stored PROFILE: the key went into ~/.aws/credentials as
# PROFILE, merged (the test's "# keep this comment" and [colleague] stay),
# mode 0600, and the profile's region into ~/.aws/config.
expect_access_key_stored() {
	creds=$(cat "$HOME/.aws/credentials")
	expect_match "$creds" "# keep this comment" "credentials: comment kept"
	expect_match "$creds" "colleague-secret" "credentials: other profile kept"
	expect_match "$creds" "^\[$1\]" "credentials: profile $1 added"
	[ "$(stat -c %a "$HOME/.aws/credentials")" = 600 ] && pass "credentials file mode 0600" \
		|| fail "credentials file mode $(stat -c %a "$HOME/.aws/credentials")"
	expect_match "$(cat "$HOME/.aws/config")" "\[profile $1\]" "the region stored in the config file"
}

# expect_sso_signed_in ROLE: the token cached (0600) where the AWS CLI looks,
# the profile in ~/.aws/config naming the SSO session "gcrunner" and ROLE.
expect_sso_signed_in() {
	cache=$(ls "$HOME/.aws/sso/cache/"*.json 2>/dev/null | head -1)
	[ -n "$cache" ] && [ "$(stat -c %a "$cache")" = 600 ] && pass "token cached (0600) where the AWS CLI looks" \
		|| fail "no cached token"
	config=$(cat "$HOME/.aws/config")
	expect_match "$config" "sso_session = gcrunner" "the profile names the SSO session"
	expect_match "$config" "sso_role_name = $1" "the profile names the chosen role"
}
