## The AWS client core: signer, credentials, HTTP on libuv, retries, clients (issue 4).

## HTTP on libuv, retries, AWS protocols and service clients (awshttp).
libgcrengine_a_SOURCES += \
	src/aws/http.c src/aws/http.h \
	src/aws/retry.c src/aws/retry.h \
	src/aws/protocol.c src/aws/protocol.h \
	src/aws/client.c src/aws/client.h \
	src/aws/sts.c src/aws/sts.h \
	src/aws/ec2.c src/aws/ec2.h \
	src/aws/pricing.c src/aws/pricing.h \
	src/aws/logs.c src/aws/logs.h \
	src/aws/ssm.c src/aws/ssm.h \
	src/aws/batch.c src/aws/batch.h \
	src/aws/dynamodb.c src/aws/dynamodb.h \
	src/aws/s3.c src/aws/s3.h \
	src/cli/cmd_whoami.c \
	src/cli/cmd_prices.c

check_PROGRAMS += tests/unit/check_aws_http
tests_unit_check_aws_http_SOURCES = tests/unit/check_aws_http.c \
	tests/unit/aws_fixture.c tests/unit/aws_fixture.h
tests_unit_check_aws_http_CFLAGS = $(TEST_UNIT_CFLAGS)
tests_unit_check_aws_http_LDADD = $(TEST_UNIT_LDADD)
TESTS += tests/unit/check_aws_http
EXTRA_DIST += tests/unit/http_fixture.py

check_PROGRAMS += tests/unit/check_aws_protocol
tests_unit_check_aws_protocol_SOURCES = tests/unit/check_aws_protocol.c
tests_unit_check_aws_protocol_CFLAGS = $(TEST_UNIT_CFLAGS)
tests_unit_check_aws_protocol_LDADD = $(TEST_UNIT_LDADD)
TESTS += tests/unit/check_aws_protocol

## SigV4 signer, ~/.aws files, credential chain, endpoints (awsauth).
libgcrengine_a_SOURCES += \
	src/aws/sigv4.c src/aws/sigv4.h \
	src/aws/credentials.c src/aws/credentials.h \
	src/aws/ssotoken.c src/aws/ssotoken.h \
	src/aws/credchain.c \
	src/aws/awsconfig.c src/aws/awsconfig.h \
	src/aws/endpoint.c src/aws/endpoint.h

check_PROGRAMS += tests/unit/check_sigv4
tests_unit_check_sigv4_SOURCES = tests/unit/check_sigv4.c
tests_unit_check_sigv4_CFLAGS = $(TEST_UNIT_CFLAGS)
tests_unit_check_sigv4_LDADD = $(TEST_UNIT_LDADD)
TESTS += tests/unit/check_sigv4
EXTRA_DIST += tests/unit/sigv4_botocore.py tests/data/aws4_testsuite

EXTRA_PROGRAMS += tests/bench/bench_sigv4
tests_bench_bench_sigv4_SOURCES = tests/bench/bench_sigv4.c
tests_bench_bench_sigv4_CFLAGS = $(TEST_UNIT_CFLAGS)
tests_bench_bench_sigv4_LDADD = libgcrengine.a $(ENGINE_LIBS)
BENCH_BINS += tests/bench/bench_sigv4

check_PROGRAMS += tests/unit/check_awsconfig
tests_unit_check_awsconfig_SOURCES = tests/unit/check_awsconfig.c
tests_unit_check_awsconfig_CFLAGS = $(TEST_UNIT_CFLAGS)
tests_unit_check_awsconfig_LDADD = $(TEST_UNIT_LDADD)
TESTS += tests/unit/check_awsconfig

check_PROGRAMS += tests/unit/check_aws_services
tests_unit_check_aws_services_SOURCES = tests/unit/check_aws_services.c
tests_unit_check_aws_services_CFLAGS = $(TEST_UNIT_CFLAGS)
tests_unit_check_aws_services_LDADD = $(TEST_UNIT_LDADD)
TESTS += tests/unit/check_aws_services

check_PROGRAMS += tests/unit/check_credentials
tests_unit_check_credentials_SOURCES = tests/unit/check_credentials.c
tests_unit_check_credentials_CFLAGS = $(TEST_UNIT_CFLAGS)
tests_unit_check_credentials_LDADD = $(TEST_UNIT_LDADD)
TESTS += tests/unit/check_credentials
EXTRA_DIST += tests/unit/cred_fixture.py

check_PROGRAMS += tests/unit/check_aws_client
tests_unit_check_aws_client_SOURCES = tests/unit/check_aws_client.c \
	tests/unit/aws_fixture.c tests/unit/aws_fixture.h
tests_unit_check_aws_client_CFLAGS = $(TEST_UNIT_CFLAGS)
tests_unit_check_aws_client_LDADD = $(TEST_UNIT_LDADD)
TESTS += tests/unit/check_aws_client

## Integration: a driver of the clients for the shell tests against the test bed.
check_PROGRAMS += tests/integration/awstool
tests_integration_awstool_SOURCES = tests/integration/awstool.c
tests_integration_awstool_CFLAGS = $(TEST_UNIT_CFLAGS)
tests_integration_awstool_LDADD = libgcrengine.a $(ENGINE_LIBS)
TESTS += tests/integration/aws-testbed.sh
EXTRA_DIST += tests/integration/aws-testbed.sh

EXTRA_PROGRAMS += tests/bench/bench_loop
tests_bench_bench_loop_SOURCES = tests/bench/bench_loop.c
tests_bench_bench_loop_CFLAGS = $(TEST_UNIT_CFLAGS)
tests_bench_bench_loop_LDADD = libgcrengine.a $(ENGINE_LIBS)
BENCH_BINS += tests/bench/bench_loop
TESTS += tests/integration/prices-refresh.sh
EXTRA_DIST += tests/integration/prices-refresh.sh
