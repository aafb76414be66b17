## Slurm transports (local, ssh, SSM) and the Slurm/sshd test bed (issue 8).
libgcrengine_a_SOURCES += \
	src/slurm/process.c src/slurm/process.h \
	src/slurm/shell.c src/slurm/shell.h \
	src/slurm/transport.c src/slurm/transport.h src/slurm/transport_impl.h \
	src/slurm/transport_local.c \
	src/slurm/transport_ssh.c
libgcrengine_a_SOURCES += \
	src/slurm/slurm.c src/slurm/slurm.h src/slurm/slurm_parse.c

check_PROGRAMS += tests/unit/check_slurm
tests_unit_check_slurm_SOURCES = tests/unit/check_slurm.c
tests_unit_check_slurm_CFLAGS = $(TEST_UNIT_CFLAGS)
tests_unit_check_slurm_LDADD = $(TEST_UNIT_LDADD)
TESTS += tests/unit/check_slurm

## Against a real Slurm and sshd: check_slurm_live is run by slurm-live.sh,
## which starts (and stops) the test bed.
check_PROGRAMS += tests/unit/check_slurm_live
tests_unit_check_slurm_live_SOURCES = tests/unit/check_slurm_live.c
tests_unit_check_slurm_live_CFLAGS = $(TEST_UNIT_CFLAGS)
tests_unit_check_slurm_live_LDADD = $(TEST_UNIT_LDADD)
TESTS += tests/scripts/slurm-live.sh
EXTRA_DIST += tests/scripts/slurm-live.sh \
	tests/testbed/slurm/start.sh tests/testbed/slurm/stop.sh tests/testbed/slurm/slurm-lib.sh

## The cluster settings (slurm: in config.yaml) and `gcrunner cluster`.
libgcrengine_a_SOURCES += \
	src/slurm/cluster_config.c src/slurm/cluster_config.h \
	src/cli/cmd_cluster.c
libgcrengine_a_SOURCES += \
	src/slurm/transport_ssm.c src/slurm/transport_ssm.h

## The Slurm and ParallelCluster backends (backend.h): exactly-once submit,
## refresh, cancel, logs, results.
libgcrengine_a_SOURCES += \
	src/slurm/slurm_backend.h src/slurm/backend_internal.h src/slurm/backend_submit.c src/slurm/backend_ops.c

## ParallelCluster's cluster life: its API (SigV4 execute-api) or `pcluster`.
libgcrengine_a_SOURCES += src/slurm/pcluster_life.c src/slurm/pcluster_life.h \
	src/cli/cmd_cluster.h src/cli/cmd_cluster_pc.c
TESTS += tests/scripts/slurm-cluster.sh
EXTRA_DIST += tests/scripts/slurm-cluster.sh

EXTRA_PROGRAMS += tests/bench/bench_slurm
tests_bench_bench_slurm_SOURCES = tests/bench/bench_slurm.c
tests_bench_bench_slurm_CFLAGS = $(TEST_UNIT_CFLAGS)
tests_bench_bench_slurm_LDADD = libgcrengine.a $(ENGINE_LIBS)
BENCH_BINS += tests/bench/bench_slurm

## The cluster backends: states and reasons always; submit, refresh, logs,
## cancel and results against the real Slurm when slurm-submit.sh runs it
## with the test bed's variables (also the CLI, kill at each step).
check_PROGRAMS += tests/unit/check_slurm_backend
tests_unit_check_slurm_backend_SOURCES = tests/unit/check_slurm_backend.c
tests_unit_check_slurm_backend_CFLAGS = $(TEST_UNIT_CFLAGS)
tests_unit_check_slurm_backend_LDADD = $(TEST_UNIT_LDADD)
TESTS += tests/unit/check_slurm_backend tests/scripts/slurm-submit.sh
EXTRA_DIST += tests/scripts/slurm-submit.sh

## ParallelCluster's cluster life against the AWS test server's
## ParallelCluster API (and the pcluster command path with a stand-in).
TESTS += tests/scripts/pcluster-life.sh
EXTRA_DIST += tests/scripts/pcluster-life.sh tests/scripts/pcluster-standin.py \
	tests/testbed/awsserver/services/pcluster.py \
	tests/testbed/awsserver/models/parallelcluster/3.0.0/service-2.json

## Slurm runs with AWS around them: the Simulations record of a Slurm run,
## and submit --target pcluster end to end (API, SSM, the real Slurm).
TESTS += tests/scripts/slurm-aws.sh
EXTRA_DIST += tests/scripts/slurm-aws.sh tests/scripts/runuser-standin
