## The local test bed: the AWS test server, dynalite, s3rver (issue 4).
## tests/testbed/README says how tests use it.

TESTS += \
	tests/scripts/testbed-server.sh \
	tests/scripts/testbed-awscli.sh

TESTBED_SERVER_FILES = \
	tests/testbed/awsserver/server.py \
	tests/testbed/awsserver/codec.py \
	tests/testbed/awsserver/sigv4.py \
	tests/testbed/awsserver/faults.py \
	tests/testbed/awsserver/world.py \
	tests/testbed/awsserver/services/__init__.py \
	tests/testbed/awsserver/services/batch.py \
	tests/testbed/awsserver/services/ec2.py \
	tests/testbed/awsserver/services/ec2data.py \
	tests/testbed/awsserver/services/ec2net.py \
	tests/testbed/awsserver/services/iam.py \
	tests/testbed/awsserver/services/servicequotas.py \
	tests/testbed/awsserver/services/sso.py \
	tests/testbed/awsserver/services/ssooidc.py \
	tests/testbed/awsserver/services/gclog.py \
	tests/testbed/awsserver/services/logs.py \
	tests/testbed/awsserver/services/pricing.py \
	tests/testbed/awsserver/services/ssm.py \
	tests/testbed/awsserver/services/sts.py

EXTRA_DIST += \
	tests/scripts/testbed-awscli.sh \
	tests/scripts/testbed-server.sh \
	tests/testbed/README \
	tests/testbed/selftest.py \
	tests/testbed/testbed.sh \
	tests/testbed/testbed-lib.sh \
	tests/testbed/tbctl \
	tests/testbed/node-server.js \
	tests/testbed/package.json \
	tests/testbed/package-lock.json \
	tests/testbed/.npmrc \
	$(TESTBED_SERVER_FILES)
