## Renewing an expired IAM Identity Center (SSO) token with its refresh
## token, as the AWS CLI v2 does (src/aws/ssotoken.c, credchain.c), against
## the test bed's SSO OIDC and portal, with the AWS CLI as a second client.
TESTS += tests/scripts/sso-refresh.sh
EXTRA_DIST += tests/scripts/sso-refresh.sh
