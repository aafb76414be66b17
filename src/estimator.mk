## Spec, catalogs and the cost/time estimator (issue 3).
libgcrengine_a_SOURCES += \
	src/spec.c src/spec.h \
	src/yamlread.c src/yamlread.h \
	src/catalog.c src/catalog.h src/catalog_internal.h \
	src/catalog_rules.c src/catalog_prices.c \
	src/measure.c \
	src/estimate.c src/estimate.h \
	src/cli/spec_flags.c src/cli/spec_flags.h \
	src/cli/cmd_estimate.c

dist_pkgdata_DATA += \
	data/simulations.yaml \
	data/instances.yaml \
	data/benchmarks.yaml

