## Spec, catalogs and the cost/time estimator (issue 3).
libgcrengine_a_SOURCES += \
	src/spec.c src/spec.h \
	src/yamlread.c src/yamlread.h \
	src/catalog.c src/catalog.h src/catalog_internal.h \
	src/catalog_rules.c src/catalog_prices.c src/catalog_strings.c \
	src/measure.c \
	src/estimate.c src/estimate.h \
	src/cli/spec_flags.c src/cli/spec_flags.h \
	src/cli/cmd_estimate.c

dist_pkgdata_DATA += \
	data/simulations.yaml \
	data/instances.yaml \
	data/benchmarks.yaml

check_PROGRAMS += tests/unit/check_catalog tests/unit/check_estimate
tests_unit_check_catalog_SOURCES = tests/unit/check_catalog.c tests/unit/estimator_fixture.h
tests_unit_check_catalog_CFLAGS = $(TEST_UNIT_CFLAGS)
tests_unit_check_catalog_LDADD = $(TEST_UNIT_LDADD)
tests_unit_check_estimate_SOURCES = tests/unit/check_estimate.c tests/unit/estimator_fixture.h
tests_unit_check_estimate_CFLAGS = $(TEST_UNIT_CFLAGS)
tests_unit_check_estimate_LDADD = $(TEST_UNIT_LDADD)

TESTS += tests/unit/check_catalog tests/unit/check_estimate tests/scripts/estimate.sh
EXTRA_DIST += tests/scripts/estimate.sh doc/estimator.md

EXTRA_PROGRAMS += tests/bench/bench_estimate
tests_bench_bench_estimate_SOURCES = tests/bench/bench_estimate.c
tests_bench_bench_estimate_CFLAGS = $(TEST_UNIT_CFLAGS)
tests_bench_bench_estimate_LDADD = $(TEST_UNIT_LDADD)
BENCH_BINS += tests/bench/bench_estimate
