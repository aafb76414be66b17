/* hemco.c: the HEMCO_Config.rc settings that depend on the choices.
 *
 * HEMCO_Config.rc itself is half a megabyte of emission inventories that do
 * not depend on the spec; createRunDir.sh fills a handful of its settings and
 * switches from the simulation, option, meteorology and grid.  This file
 * writes exactly those, in HEMCO_Config.rc's own line syntax, so a reader can
 * compare them with the file by eye and the run script can apply them to the
 * run directory's HEMCO_Config.rc:
 *
 *   KEY:                         value         (SECTION SETTINGS)
 *       --> SWITCH             :       true    (extension options)
 *   105     DustDead           : off           (extensions on/off)
 *
 * The values follow createRunDir.sh and run/shared/settings of GEOS-Chem 14.x. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle/bundle_internal.h"
#include "i18n.h"
#include "paths.h"


static void setting(char **s, const char *key, const char *value)
{
	char left[64];

	snprintf(left, sizeof left, "%s:", key);
	gcr_bundle_append(s, "%-29s%s\n", left, value);
}

static void option(char **s, const char *name, const char *value)
{
	gcr_bundle_append(s, "    --> %-23s:       %s\n", name, value);
}

static void extension(char **s, int nr, const char *name, bool on)
{
	gcr_bundle_append(s, "%-8d%-23s: %s\n", nr, name, on ? "on" : "off");
}

static const char *tf(bool b)
{
	return b ? "true" : "false";
}

/* DustDead mass tuning factors by meteorology and grid (createRunDir.sh);
 * -999.0e0 where none is defined (the extension is off there). */
static const char *dust_tuning_factor(const struct gcr_rundir *r)
{
	const char *grid = r->spec->grid;
	bool dusty = strcmp(r->sim, "fullchem") == 0 || strcmp(r->sim, "aerosol") == 0;

	if (r->gcap2) {
		if (strcmp(grid, "4x5") == 0)
			return "0.03564873";
		if (strcmp(grid, "2x2.5") == 0)
			return "0.01050036";
		if (strcmp(grid, "0.5x0.625") == 0)
			return "0.01340854";
		if (strcmp(grid, "0.25x0.3125") == 0)
			return "0.01066495";
		return "-999.0e0";
	}
	if (!dusty)
		return "-999.0e0";
	/* GEOS-IT uses the GEOS-FP values until its own are derived. */
	if (strcmp(r->met_field, "MERRA2") == 0) {
		if (strcmp(grid, "4x5") == 0)
			return "7.8533e-4";
		if (strcmp(grid, "2x2.5") == 0)
			return "4.7586e-4";
	} else {
		if (strcmp(grid, "4x5") == 0)
			return "8.3286e-4";
		if (strcmp(grid, "2x2.5") == 0)
			return "5.0416e-4";
	}
	return "-999.0e0";
}

static const char *diagn_freq(const char *freq)
{
	if (strcmp(freq, "hourly") == 0)
		return "Hourly";
	if (strcmp(freq, "daily") == 0)
		return "Daily";
	if (strcmp(freq, "end") == 0)
		return "End";
	return "Monthly";
}

char *gcr_bundle_hemco_settings(const struct gcr_rundir *r, struct gcr_error *err)
{
	bool fullchem = strcmp(r->sim, "fullchem") == 0;
	bool aerosol = strcmp(r->sim, "aerosol") == 0;
	bool online = r->gcap2 || r->benchmark;   /* all online extensions */
	bool seasalt_ext = online || r->marine_poa;
	bool tomas_seasalt = !online && !r->marine_poa && r->tomas;
	bool offline_seasalt = !online && !r->marine_poa && !r->tomas;
	bool tomas_dust = !online && r->tomas;
	bool offline_dust = !online && !r->tomas;
	char *s = NULL, *value;

	(void)err;
	gcr_bundle_append(&s, "# HEMCO_Config.settings: the HEMCO_Config.rc settings this run's choices set\n"
		   "# (%s%s%s, %s, %s%s%s), as GEOS-Chem %s's createRunDir.sh sets them.\n"
		   "# Lines use HEMCO_Config.rc's own syntax; gcrunner-run.sh copies each value\n"
		   "# into the run directory's HEMCO_Config.rc.  Settings not listed keep the\n"
		   "# run directory's value.\n",
	       r->sim, strcmp(r->option, "none") ? " " : "",
	       strcmp(r->option, "none") ? r->option : "", r->met_field,
	       r->gchp ? "cubed sphere " : "", r->spec->grid,
	       r->nested ? " nested" : "", gcr_rundir_template_version(r));

	gcr_bundle_append(&s, "\n### BEGIN SECTION SETTINGS\n");
	value = gcr_strdup_printf("%s/HEMCO", r->data_root);
	setting(&s, "ROOT", value);
	free(value);
	if (!r->gchp && !r->gcap2) {
		value = gcr_strdup_printf("%s/GEOS_%s/%s", r->data_root, r->grid_dir, r->met_dir);
		setting(&s, "METDIR", value);
		free(value);
	}
	if (r->gcap2) {
		setting(&s, "GCAPSCENARIO", *r->spec->scenario ? r->spec->scenario : "HIST");
		setting(&s, "GCAPVERTRES", "40L");
	}
	setting(&s, "DiagnFreq", diagn_freq(r->frequency));
	gcr_bundle_append(&s, "### END SECTION SETTINGS ###\n");

	gcr_bundle_append(&s, "\n### BEGIN SECTION EXTENSION SWITCHES\n");
	option(&s, "GC_BCs", tf(r->nested));
	if (fullchem) {
		option(&s, "AEIC2019_MONMEAN", tf(!r->gcap2));
		option(&s, "AEIC_SCALE_1990_2019", tf(!r->gcap2));
		option(&s, "RRTMG", tf(r->rrtmg));
	}
	if (fullchem || aerosol) {
		option(&s, "OFFLINE_DUST", tf(offline_dust));
		option(&s, "OFFLINE_BIOGENICVOC", tf(!online));
		option(&s, "OFFLINE_SEASALT", tf(offline_seasalt));
		option(&s, "OFFLINE_SOILNOX", tf(!online));
		extension(&s, 104, "SoilNOx", online);
		if (r->gchp) {
			/* GCHP 14.7 has the DustL23M extension (RUNDIR_DUSTL23M_EXT);
			 * its number is not fixed here: the run script matches names. */
			extension(&s, 105, "DustL23M", r->benchmark);
		} else {
			extension(&s, 105, "DustDead", online);
			option(&s, "Mass tuning factor", dust_tuning_factor(r));
		}
		extension(&s, 107, "SeaSalt", seasalt_ext);
		/* MEGAN is off for the aerosol-only run and the standard full-chemistry
		 * run, which read offline biogenic emissions instead. */
		extension(&s, 108, "MEGAN", online && !aerosol);
		extension(&s, 111, "GFED", !r->gcap2);
	}
	if (fullchem) {
		extension(&s, 115, "DustAlk", r->acid_uptake);
		extension(&s, 130, "TOMAS_Jeagle", tomas_seasalt);
		extension(&s, 131, "TOMAS_DustDead", tomas_dust);
	}
	if (strcmp(r->sim, "carbon") == 0) {
		/* run/shared/singleCarbonSpecies.sh switches off the data of the
		 * species a single-species run leaves out. */
		static const char *const species[] = { "CH4", "CO", "CO2", "OCS" };
		for (size_t i = 0; i < 4; i++) {
			char name[32];
			bool used = !r->carbon_species || strcmp(r->carbon_species, species[i]) == 0;
			snprintf(name, sizeof name, "USE_%s_DATA", species[i]);
			option(&s, name, tf(used));
		}
	}
	gcr_bundle_append(&s, "### END SECTION EXTENSION SWITCHES ###\n");
	return s;
}
