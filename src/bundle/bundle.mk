## Run bundles: GEOS-Chem configuration files generated from a spec (issues 6, 8).
libgcrengine_a_SOURCES += \
	src/bundle/bundle.c src/bundle/bundle.h src/bundle/bundle_internal.h \
	src/bundle/yaml_out.c src/bundle/yaml_out.h \
	src/bundle/rundir_facts.c \
	src/bundle/geoschem_config.c \
	src/bundle/history.c \
	src/bundle/hemco.c \
	src/bundle/runscript.c \
	src/bundle/gchp_settings.c src/bundle/gchp.h \
	src/bundle/pcluster.c src/bundle/pcluster.h \
	src/cli/cmd_export.c

## Template data (species lists) read at run time from $(pkgdatadir)/templates.
templatesdir = $(pkgdatadir)/templates
dist_templates_DATA = data/templates/species.yaml

check_PROGRAMS += tests/unit/check_bundle
tests_unit_check_bundle_SOURCES = tests/unit/check_bundle.c
tests_unit_check_bundle_CFLAGS = $(TEST_UNIT_CFLAGS)
tests_unit_check_bundle_LDADD = $(TEST_UNIT_LDADD)
TESTS += tests/unit/check_bundle tests/scripts/export.sh
EXTRA_DIST += tests/scripts/export.sh

EXTRA_PROGRAMS += tests/bench/bench_bundle
tests_bench_bench_bundle_SOURCES = tests/bench/bench_bundle.c
tests_bench_bench_bundle_CFLAGS = $(TEST_UNIT_CFLAGS)
tests_bench_bench_bundle_LDADD = $(TEST_UNIT_LDADD)
BENCH_BINS += tests/bench/bench_bundle
