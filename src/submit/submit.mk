## Submitting GEOS-Chem Classic runs to AWS Batch exactly once (issue 6):
## the engine (journal -> DynamoDB -> S3 -> job definition -> SubmitJob),
## reconcile, the Batch backend, and `gcrunner submit`.
libgcrengine_a_SOURCES += \
	src/submit/submit.c src/submit/submit.h src/submit/submit_internal.h \
	src/submit/plan.c \
	src/submit/records.c \
	src/submit/jobdef.c \
	src/submit/batch_backend.c \
	src/cli/cmd_submit.c

## Tests: the engine's pure parts (Check) and the real binary against the
## test bed (submit-lib.sh sets the bed up; submit-bed.py makes tables, the
## bucket and a fault-injecting front for DynamoDB and S3).
check_PROGRAMS += tests/unit/check_submit
tests_unit_check_submit_SOURCES = tests/unit/check_submit.c
tests_unit_check_submit_CFLAGS = $(TEST_UNIT_CFLAGS)
tests_unit_check_submit_LDADD = $(TEST_UNIT_LDADD)
check_PROGRAMS += tests/unit/check_submit_batch
tests_unit_check_submit_batch_SOURCES = tests/unit/check_submit_batch.c
tests_unit_check_submit_batch_CFLAGS = $(TEST_UNIT_CFLAGS)
tests_unit_check_submit_batch_LDADD = $(TEST_UNIT_LDADD)
TESTS += tests/unit/check_submit tests/unit/check_submit_batch
TESTS += tests/scripts/submit-testbed.sh tests/scripts/submit-faults.sh tests/scripts/submit-kill.sh
EXTRA_DIST += tests/scripts/submit-testbed.sh tests/scripts/submit-faults.sh tests/scripts/submit-kill.sh \
	tests/scripts/submit-lib.sh \
	tests/scripts/submit-bed.py
