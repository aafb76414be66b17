/* catalog_strings.c: the catalog's display labels (the YAML files in data/) as msgids,
 * so xgettext puts them in the translation template; the UI shows a label
 * with _(label).  tests/unit/check_catalog.c fails when a label in the data
 * is missing here. */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "catalog.h"
#include "i18n.h"

static const char *const labels[] = {
	N_("Full chemistry"),
	N_("Standard"),
	N_("Benchmark"),
	N_("Complex SOA"),
	N_("Complex SOA with semivolatile POA"),
	N_("Marine POA"),
	N_("Acid uptake on dust"),
	N_("TOMAS with 15 bins"),
	N_("TOMAS with 40 bins"),
	N_("APM"),
	N_("RRTMG"),
	N_("Aerosols only"),
	N_("Carbon"),
	N_("All species"),
	N_("CH4 only"),
	N_("CO2 only"),
	N_("CO only"),
	N_("OCS only"),
	N_("Hg"),
	N_("POPs"),
	N_("BaP"),
	N_("PHE"),
	N_("PYR"),
	N_("Tagged O3"),
	N_("TransportTracers"),
	N_("Trace metals"),
	N_("MERRA-2"),
	N_("GEOS-FP"),
	N_("GEOS-IT"),
	N_("GCAP 2.0 (GISS ModelE2.1)"),
	N_("4° x 5°"),
	N_("2° x 2.5°"),
	N_("0.5° x 0.625°"),
	N_("Global"),
	N_("Asia"),
	N_("Europe"),
	N_("North America"),
	N_("0.25° x 0.3125°"),
	N_("South America"),
	N_("Africa"),
	N_("Middle East"),
	N_("Oceania"),
	N_("Russia"),
	N_("0.125° x 0.15625°"),
	N_("C24 (~4x5)"),
	N_("C30 (~4x5)"),
	N_("C48 (~2x2.5)"),
	N_("C90 (~1x1.25)"),
	N_("C180 (~0.5x0.625)"),
	N_("C360 (~0.25x0.3125)"),
	N_("C720 (~0.125x0.15625)"),
	N_("Intel Xeon E5-2666 v3 (Haswell, c4)"),
	N_("Intel Xeon Platinum 8124M/8275CL (Skylake/Cascade Lake, c5, c5n)"),
	N_("Intel Xeon 8375C (Ice Lake, c6i)"),
	N_("Intel Xeon 8488C (Sapphire Rapids, c7i)"),
	N_("Intel Xeon 6 (Granite Rapids, c8i)"),
	N_("AMD EPYC 7R13 (Milan, c6a, hpc6a)"),
	N_("AMD EPYC 9R14 (Genoa, c7a; no SMT)"),
	N_("AWS Graviton3 (c7g, hpc7g)"),
	N_("AWS Graviton4 (c8g)"),
	N_("NASA Pleiades (Intel Xeon, mixed generations)"),
	N_("Unrecorded x86 hardware"),
};

bool gcr_catalog_label_listed(const char *label)
{
	for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
		if (strcmp(labels[i], label) == 0)
			return true;
	return false;
}
