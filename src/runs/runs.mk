## The dashboard's model (issue 7): runs from the journal and the
## Simulations table joined with live job state, the background refresh,
## run ends, logs, cancel and results -- and the commands on top of it:
## `gcrunner jobs/logs/cancel/results`.
libgcrengine_a_SOURCES += \
	src/runs/runs.h src/runs/runs_internal.h \
	src/runs/runs.c \
	src/runs/progress.c \
	src/runs/explain.c \
	src/runs/runend.c \
	src/runs/actions.c \
	src/runs/logfollow.c \
	src/runs/runs_cli.c src/runs/runs_cli.h \
	src/cli/cmd_jobs.c \
	src/cli/cmd_logs.c \
	src/cli/cmd_cancel.c \
	src/cli/cmd_results.c

check_PROGRAMS += tests/unit/check_runs
tests_unit_check_runs_SOURCES = tests/unit/check_runs.c
tests_unit_check_runs_CFLAGS = $(TEST_UNIT_CFLAGS)
tests_unit_check_runs_LDADD = $(TEST_UNIT_LDADD)
TESTS += tests/unit/check_runs
TESTS += tests/scripts/jobs-life.sh tests/scripts/jobs-storm.sh
EXTRA_DIST += tests/scripts/jobs-life.sh tests/scripts/jobs-storm.sh tests/scripts/jobs-lib.sh \
	tests/bench/bench_runs.sh

## make bench: one refresh over 10,000 jobs (calls, CPU), memory, and
## gcrunner jobs --json against the AWS CLI (tests/bench/bench_runs.sh).
EXTRA_PROGRAMS += tests/bench/bench_runs
tests_bench_bench_runs_SOURCES = tests/bench/bench_runs.c
tests_bench_bench_runs_CFLAGS = $(TEST_UNIT_CFLAGS)
tests_bench_bench_runs_LDADD = libgcrengine.a $(ENGINE_LIBS)
BENCH_BINS += tests/bench/bench_runs.sh
