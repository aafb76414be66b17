## gcrunner setup: AWS infrastructure as a plan, then apply; teardown;
## CloudFormation export; credential and region guidance (issue 9).
libgcrengine_a_SOURCES += \
	src/setup/setup.c src/setup/setup.h src/setup/setup_internal.h \
	src/setup/setup_storage.c \
	src/setup/setup_iam.c \
	src/setup/setup_batch.c
libgcrengine_a_SOURCES += \
	src/setup/setup_template.c src/setup/setup_preflight.c \
	src/setup/guide.c src/setup/guide.h \
	src/setup/sso_login.c src/setup/sso_login.h \
	src/cli/cmd_setup.c

check_PROGRAMS += tests/unit/check_setup
tests_unit_check_setup_SOURCES = tests/unit/check_setup.c
tests_unit_check_setup_CFLAGS = $(TEST_UNIT_CFLAGS)
tests_unit_check_setup_LDADD = $(TEST_UNIT_LDADD)
TESTS += tests/unit/check_setup tests/scripts/setup-testbed.sh tests/scripts/setup-guide.sh \
	tests/scripts/setup-offline.sh tests/scripts/setup-tui.sh tests/scripts/setup-tui-signin.sh
EXTRA_DIST += tests/scripts/setup-testbed.sh tests/scripts/setup-standin.py tests/scripts/setup-guide.sh \
	tests/scripts/setup-offline.sh tests/scripts/setup-tui.sh \
	tests/scripts/setup-tui-signin.sh tests/tui/expected/setup-quotas-80x24.txt \
	tests/scripts/setup-lib.sh
