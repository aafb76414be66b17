## Run bundles: GEOS-Chem configuration files generated from a spec (issues 6, 8).
