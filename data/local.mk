## Catalogs, templates and defaults, installed to $(pkgdatadir) and read
## from the source tree when gcrunner runs from its build directory.
## Flat files go in dist_pkgdata_DATA; a subfolder gets its own *dir variable.
dist_pkgdata_DATA += \
	data/README
