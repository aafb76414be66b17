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
	src/bundle/pcluster.c src/bundle/pcluster.h

## Template data (species lists) read at run time from $(pkgdatadir)/templates.
templatesdir = $(pkgdatadir)/templates
dist_templates_DATA = data/templates/species.yaml
