## Renewing an expired IAM Identity Center (SSO) token with its refresh
## token, as the AWS CLI v2 does (src/aws/ssotoken.c, credchain.c), against
## the test bed's SSO OIDC and portal, with the AWS CLI as a second client.
TESTS += tests/scripts/sso-refresh.sh
EXTRA_DIST += tests/scripts/sso-refresh.sh
# Run by sso-refresh.sh inside its test bed (not on its own).
check_PROGRAMS += tests/unit/check_sso_refresh
tests_unit_check_sso_refresh_SOURCES = tests/unit/check_sso_refresh.c
tests_unit_check_sso_refresh_CFLAGS = $(TEST_UNIT_CFLAGS)
tests_unit_check_sso_refresh_LDADD = $(TEST_UNIT_LDADD)
