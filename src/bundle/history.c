/* history.c: HISTORY.rc with the chosen collections at the chosen frequency.
 *
 * The layout is GEOS-Chem Classic's (run/GCClassic/HISTORY.rc.templates):
 * EXPID, the COLLECTIONS list ending in "::", then one block per collection
 * (template or filename, format, frequency, duration, mode, fields) ending in
 * "::".  The Restart collection is always on, as in every template; the
 * others are exactly the spec's collections (or createRunDir.sh's defaults).
 * Field lists use GEOS-Chem Classic's wildcards (?ALL?, ?ADV?, ?DRY?, ...),
 * which expand to the simulation's species at run time. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bundle/bundle_internal.h"
#include "i18n.h"
#include "paths.h"

/* Which simulations offer a collection. */
enum {
	S_FULLCHEM = 1 << 0,
	S_AEROSOL = 1 << 1,
	S_CARBON = 1 << 2,
	S_HG = 1 << 3,
	S_POPS = 1 << 4,
	S_TAGO3 = 1 << 5,
	S_TT = 1 << 6,
	S_METALS = 1 << 7,
	S_ALL = 0xff,
	S_WETDEP = S_FULLCHEM | S_AEROSOL | S_HG | S_POPS | S_TT | S_METALS,
	S_DRYDEP = S_FULLCHEM | S_AEROSOL | S_HG | S_POPS | S_TAGO3 | S_TT | S_METALS,
};

struct collection {
	const char *name;
	const char *text;        /* N_() what it holds, for people choosing */
	unsigned sims;
	const char *mode;
	/* Fixed timing that must not follow the run's frequency (NULL: it does). */
	const char *frequency, *duration;
	const char *fields[10];
};

static const struct collection collections[] = {
	{ "SpeciesConc", N_("Concentrations of every species"),
	  S_ALL, "time-averaged", NULL, NULL,
	  { "SpeciesConcVV_?ALL?" } },
	{ "Metrics", N_("OH metrics (methane lifetime)"),
	  S_FULLCHEM | S_CARBON, "time-averaged", NULL, NULL,
	  { "AirMassColumnFull", "LossOHbyCH4columnTrop", "LossOHbyMCFcolumnTrop",
	    "OHwgtByAirMassColumnFull" } },
	{ "AdvFluxVert", N_("Vertical advective fluxes"),
	  S_ALL, "time-averaged", NULL, NULL, { "AdvFluxVert_?ADV?" } },
	{ "AerosolMass", N_("Aerosol mass and PM2.5"),
	  S_FULLCHEM | S_AEROSOL, "time-averaged", NULL, NULL,
	  { "AerMassBC", "AerMassNH4", "AerMassNIT", "AerMassPOA", "AerMassSAL",
	    "AerMassSO4", "PM25", "TotalOA", "TotalOC" } },
	{ "Aerosols", N_("Aerosol optical depth and surface area"),
	  S_FULLCHEM | S_AEROSOL, "time-averaged", NULL, NULL,
	  { "AODDust", "AODDustWL1_?DUSTBIN?", "AODHygWL1_?HYG?", "AerSurfAreaDust",
	    "AerSurfAreaHyg_?HYG?", "AerHygroscopicGrowth_?HYG?" } },
	{ "Budget", N_("Budgets: emission, chemistry, transport, mixing, convection"),
	  S_ALL, "time-averaged", NULL, NULL,
	  { "BudgetEmisDryDepFull_?ADV?", "BudgetChemistryFull_?ADV?",
	    "BudgetTransportFull_?ADV?", "BudgetMixingFull_?ADV?",
	    "BudgetConvectionFull_?ADV?" } },
	{ "CloudConvFlux", N_("Cloud convective mass fluxes"),
	  S_ALL, "time-averaged", NULL, NULL, { "CloudConvFlux_?ADV?" } },
	{ "ConcAfterChem", N_("OH, HO2, O1D and O3P after chemistry"),
	  S_FULLCHEM, "time-averaged", NULL, NULL,
	  { "OHconcAfterChem", "HO2concAfterChem", "O1DconcAfterChem", "O3PconcAfterChem" } },
	{ "DryDep", N_("Dry deposition velocities and fluxes"),
	  S_DRYDEP, "time-averaged", NULL, NULL,
	  { "DryDepVel_?DRY?", "DryDep_?DRY?" } },
	{ "JValues", N_("Photolysis rates"),
	  S_FULLCHEM | S_HG, "time-averaged", NULL, NULL, { "Jval_?PHO?" } },
	{ "KppDiags", N_("Chemistry solver statistics"),
	  S_FULLCHEM | S_HG, "time-averaged", NULL, NULL,
	  { "KppIntCounts", "KppJacCounts", "KppTotSteps", "KppAccSteps", "KppRejSteps" } },
	{ "LevelEdgeDiags", N_("Pressure at level edges"),
	  S_ALL, "time-averaged", NULL, NULL,
	  { "Met_PEDGE", "Met_PEDGEDRY" } },
	{ "ProdLoss", N_("Chemical production and loss"),
	  S_FULLCHEM | S_AEROSOL | S_CARBON | S_TAGO3 | S_HG, "time-averaged",
	  NULL, NULL, { "Prod_?PRD?", "Loss_?LOS?" } },
	{ "RadioNuclide", N_("Radionuclide decay"),
	  S_TT, "time-averaged", NULL, NULL,
	  { "PbFromRnDecay", "RadDecay_?ADV?" } },
	{ "RRTMG", N_("Radiative fluxes (RRTMG)"),
	  S_FULLCHEM, "time-averaged", NULL, NULL,
	  { "RadAllSkyLWSurf_?RRTMG?", "RadAllSkyLWTOA_?RRTMG?", "RadAllSkySWSurf_?RRTMG?",
	    "RadAllSkySWTOA_?RRTMG?" } },
	{ "StateChm", N_("Chemistry state: pH, aerosol water"),
	  S_FULLCHEM | S_AEROSOL, "time-averaged", NULL, NULL,
	  { "Chem_phSav", "Chem_HplusSav", "Chem_WaterSav", "Chem_SulRatSav",
	    "Chem_NaRatSav", "Chem_AcidPurSav", "Chem_BisulSav" } },
	{ "StateMet", N_("Meteorology: temperature, winds, boundary layer"),
	  S_ALL, "time-averaged", NULL, NULL,
	  { "Met_AD", "Met_AIRDEN", "Met_BXHEIGHT", "Met_PBLH", "Met_PS1WET", "Met_T",
	    "Met_TropP", "Met_U", "Met_V" } },
	{ "WetLossConv", N_("Wet loss in convective updrafts"),
	  S_WETDEP, "time-averaged", NULL, NULL,
	  { "WetLossConv_?WET?", "WetLossConvFrac_?WET?" } },
	{ "WetLossLS", N_("Wet loss in large-scale precipitation"),
	  S_WETDEP, "time-averaged", NULL, NULL, { "WetLossLS_?WET?" } },
	/* Boundary conditions for nested runs: 3-hourly instantaneous values in
	 * daily files; the templates warn not to change this timing. */
	{ "BoundaryConditions", N_("Boundary conditions for nested runs (3-hourly)"),
	  S_ALL, "instantaneous", "00000000 030000", "00000001 000000",
	  { "SpeciesBC_?ADV?" } },
};

static unsigned sim_bit(const char *sim)
{
	static const struct { const char *sim; unsigned bit; } bits[] = {
		{ "fullchem", S_FULLCHEM }, { "aerosol", S_AEROSOL }, { "carbon", S_CARBON },
		{ "Hg", S_HG }, { "POPs", S_POPS }, { "tagO3", S_TAGO3 },
		{ "TransportTracers", S_TT }, { "metals", S_METALS },
	};
	for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++)
		if (strcmp(bits[i].sim, sim) == 0)
			return bits[i].bit;
	return 0;
}

static const struct collection *find_collection(const char *name)
{
	for (size_t i = 0; i < sizeof collections / sizeof collections[0]; i++)
		if (strcasecmp(collections[i].name, name) == 0)
			return &collections[i];
	return NULL;
}

/* The order the collections are offered in: the most used first. */
static const char *const offer_order[] = {
	"SpeciesConc", "Budget", "AerosolMass", "Aerosols", "ConcAfterChem", "DryDep",
	"JValues", "KppDiags", "LevelEdgeDiags", "Metrics", "ProdLoss", "RadioNuclide",
	"RRTMG", "StateChm", "StateMet", "WetLossConv", "WetLossLS", "CloudConvFlux",
	"AdvFluxVert", "BoundaryConditions",
};

size_t gcr_bundle_collections(const struct gcr_spec *spec,
			      struct gcr_bundle_collection *out, size_t max)
{
	const char *sim = gcr_rundir_simulation(spec);
	unsigned bit = sim ? sim_bit(sim) : 0;
	size_t n = sizeof offer_order / sizeof offer_order[0];

	for (size_t i = 0; i < n && i < max; i++) {
		const struct collection *c = find_collection(offer_order[i]);
		out[i].name = c->name;
		out[i].text = c->text;
		out[i].offered = (c->sims & bit) != 0;
	}
	return n;
}

static void allowed_list(unsigned bit, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof collections / sizeof collections[0]; i++)
		if (collections[i].sims & bit)
			used += (size_t)snprintf(buf + used, used < size ? size - used : 0, "%s%s",
						 used ? ", " : "", collections[i].name);
}


/* One "Name.key:   value" line, aligned like the templates. */
static void attr(char **s, const char *name, const char *key, const char *value)
{
	char left[96];

	snprintf(left, sizeof left, "%s.%s:", name, key);
	/* Aligned like the templates; long names still get one space. */
	gcr_bundle_append(s, "  %-27s %s\n", left, value);
}

static void fields(char **s, const char *name, const char *const *list, size_t n)
{
	char left[96];

	snprintf(left, sizeof left, "%s.fields:", name);
	for (size_t i = 0; i < n; i++)
		gcr_bundle_append(s, "  %-27s '%s',\n", i == 0 ? left : "", list[i]);
	gcr_bundle_append(s, "::\n");
}

/* Resolves the list of collections: the spec's, validated, or the defaults. */
static enum gcr_status chosen(const struct gcr_rundir *r,
			      const struct collection **out, size_t *n,
			      struct gcr_error *err)
{
	const struct gcr_spec *s = r->spec;
	unsigned bit = sim_bit(r->sim);
	const char *names[GCR_MAX_COLLECTIONS + 2];
	size_t count = 0;
	char allowed[512];

	if (s->ncollections > 0) {
		for (int i = 0; i < s->ncollections && i < GCR_MAX_COLLECTIONS; i++)
			names[count++] = s->collections[i];
	} else {
		count = gcr_rundir_default_collections(r, names, GCR_MAX_COLLECTIONS);
	}
	*n = 0;
	for (size_t i = 0; i < count; i++) {
		const struct collection *c;
		bool dup = false;

		if (strcasecmp(names[i], "Restart") == 0)
			continue;  /* always on */
		c = find_collection(names[i]);
		if (!c || !(c->sims & bit)) {
			allowed_list(bit, allowed, sizeof allowed);
			return gcr_error_set(err, GCR_ERR_INVALID,
					     _("no HISTORY collection '%s' for the %s simulation "
					       "(allowed: %s)"), names[i], r->sim, allowed);
		}
		for (size_t j = 0; j < *n; j++)
			dup = dup || out[j] == c;
		if (!dup)
			out[(*n)++] = c;
	}
	return GCR_OK;
}

char *gcr_bundle_history_rc(const struct gcr_rundir *r, struct gcr_error *err)
{
	const struct collection *list[GCR_MAX_COLLECTIONS + 2];
	const char *freq = gcr_rundir_history_frequency(r->frequency);
	const char *dur = gcr_rundir_history_duration(r->frequency);
	char *s = NULL;
	size_t n;
	static const char *const restart_common[] = {
		"SpeciesRst_?ALL?", "Met_DELPDRY", "Met_PS1WET", "Met_PS1DRY",
		"Met_SPHU1", "Met_TMPU1", "Met_BXHEIGHT", "Met_TropLev",
	};
	static const char *const restart_fullchem[] = {
		"SpeciesRst_?ALL?", "Chem_H2O2AfterChem", "Chem_SO2AfterChem",
		"Chem_DryDepNitrogen", "Chem_WetDepNitrogen", "Chem_KPPHvalue",
		"Chem_StatePSC", "Met_DELPDRY", "Met_PS1WET", "Met_PS1DRY",
		"Met_SPHU1", "Met_TMPU1", "Met_BXHEIGHT", "Met_TropLev",
	};
	bool fullchem = strcmp(r->sim, "fullchem") == 0;

	if (chosen(r, list, &n, err) != GCR_OK)
		return NULL;
	gcr_bundle_append(&s, "###############################################################################\n"
		   "### HISTORY.rc: GEOS-Chem Classic diagnostic collections for the %s run.\n"
		   "### Generated by gcrunner from spec.yaml (GEOS-Chem %s template layout).\n"
		   "### Collections: Restart (always) and the %zu chosen; frequency: %s.\n"
		   "###############################################################################\n"
		   "EXPID:  ./OutputDir/GEOSChem\n\n",
	       r->sim, GCR_BUNDLE_TEMPLATE_VERSION, n, r->frequency);
	gcr_bundle_append(&s, "COLLECTIONS: 'Restart',\n");
	for (size_t i = 0; i < n; i++)
		gcr_bundle_append(&s, "             '%s',\n", list[i]->name);
	gcr_bundle_append(&s, "::\n");

	gcr_bundle_append(&s, "#==============================================================================\n"
		   "# Restart: the state at the end of the run, to start the next one from.\n"
		   "#==============================================================================\n");
	attr(&s, "Restart", "filename", "'./Restarts/GEOSChem.Restart.%y4%m2%d2_%h2%n2z.nc4',");
	attr(&s, "Restart", "format", "'CFIO',");
	attr(&s, "Restart", "frequency", "'End',");
	attr(&s, "Restart", "duration", "'End',");
	attr(&s, "Restart", "mode", "'instantaneous'");
	if (fullchem)
		fields(&s, "Restart", restart_fullchem,
		       sizeof restart_fullchem / sizeof restart_fullchem[0]);
	else
		fields(&s, "Restart", restart_common,
		       sizeof restart_common / sizeof restart_common[0]);

	for (size_t i = 0; i < n; i++) {
		const struct collection *c = list[i];
		const char *f = c->frequency ? c->frequency : freq;
		const char *d = c->duration ? c->duration : dur;
		char *quoted_mode = gcr_strdup_printf("'%s'", c->mode);
		size_t nf = 0;

		while (nf < sizeof c->fields / sizeof c->fields[0] && c->fields[nf])
			nf++;
		gcr_bundle_append(&s, "#==============================================================================\n"
			   "# %s\n"
			   "#==============================================================================\n",
		       c->name);
		attr(&s, c->name, "template", "'%y4%m2%d2_%h2%n2z.nc4',");
		attr(&s, c->name, "format", "'CFIO',");
		attr(&s, c->name, "frequency", f);
		attr(&s, c->name, "duration", d);
		attr(&s, c->name, "mode", quoted_mode);
		free(quoted_mode);
		fields(&s, c->name, c->fields, nf);
	}
	return s;
}

size_t gcr_bundle_history_names(const struct gcr_rundir *r, const char **out,
				size_t max, struct gcr_error *err)
{
	const struct collection *list[GCR_MAX_COLLECTIONS + 2];
	size_t n, k = 0;

	if (chosen(r, list, &n, err) != GCR_OK)
		return (size_t)-1;
	for (size_t i = 0; i < n && k < max; i++)
		out[k++] = list[i]->name;
	return k;
}
