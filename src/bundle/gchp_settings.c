/* gchp_settings.c: GCHP's setCommonRunSettings.sh values (see gchp.h). */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bundle/bundle_internal.h"
#include "bundle/gchp.h"
#include "catalog.h"
#include "i18n.h"
#include "paths.h"

enum gcr_status gcr_gchp_decompose(int cs_res, int cores, int *nx, int *ny,
				   struct gcr_error *err)
{
	if (cores <= 0 || cores % 6 != 0)
		return gcr_error_set(err, GCR_ERR_INVALID,
				     _("GCHP needs a total core count divisible by 6, not %d"), cores);
	/* The catalog's choice, so the wizard, the estimate and the bundle agree. */
	if (!gcr_gchp_decomposition(cs_res, cores, nx, ny))
		return gcr_error_set(err, GCR_ERR_INVALID,
				     _("%d cores cannot be decomposed at C%d (NX x NY with NY a "
				       "multiple of 6 and at least 4 cells per core side); C%d "
				       "allows at most %d cores"),
				     cores, cs_res, cs_res, gcr_gchp_max_cores(cs_res));
	return GCR_OK;
}

/* Whole years, months and days from start to end (end exclusive), so the
 * duration reads like GEOS-Chem's: one month is "00000100 000000". */
static void duration_between(int start, int end, char *out, size_t size)
{
	int y0 = start / 10000, m0 = start / 100 % 100, d0 = start % 100;
	int y1 = end / 10000, m1 = end / 100 % 100, d1 = end % 100;
	int years, months, days;

	months = (y1 - y0) * 12 + (m1 - m0);
	if (d1 < d0) {
		struct tm tm = { 0 };
		/* Borrow the length of the month before the end month. */
		tm.tm_year = y1 - 1900;
		tm.tm_mon = m1 - 1;
		tm.tm_mday = 0;
		tm.tm_hour = 12;
		timegm(&tm);
		months--;
		days = tm.tm_mday - d0 + d1;
	} else {
		days = d1 - d0;
	}
	years = months / 12;
	months %= 12;
	snprintf(out, size, "%04d%02d%02d 000000", years, months, days);
}

static long days_between(int start, int end)
{
	struct tm a = { 0 }, b = { 0 };

	a.tm_year = start / 10000 - 1900;
	a.tm_mon = start / 100 % 100 - 1;
	a.tm_mday = start % 100;
	b.tm_year = end / 10000 - 1900;
	b.tm_mon = end / 100 % 100 - 1;
	b.tm_mday = end % 100;
	return (long)((timegm(&b) - timegm(&a)) / 86400);
}

enum gcr_status gcr_gchp_settings_check(const struct gcr_gchp_settings *s,
					struct gcr_error *err)
{
	if (s->num_nodes < 1 || s->cores_per_node < 1)
		return gcr_error_set(err, GCR_ERR_INVALID,
				     _("GCHP needs at least one node and one core per node"));
	if (s->total_cores != s->num_nodes * s->cores_per_node)
		return gcr_error_set(err, GCR_ERR_INVALID,
				     _("TOTAL_CORES (%d) must equal NUM_NODES x NUM_CORES_PER_NODE "
				       "(%d x %d)"), s->total_cores, s->num_nodes, s->cores_per_node);
	if (s->total_cores % 6 != 0)
		return gcr_error_set(err, GCR_ERR_INVALID,
				     _("TOTAL_CORES must be divisible by 6, not %d"), s->total_cores);
	if (s->cs_res < 12 || s->cs_res % 2 != 0)
		return gcr_error_set(err, GCR_ERR_INVALID,
				     _("CS_RES must be an even number of cells per face side "
				       "(C24, C48, C90, C180, C360, C720), not %d"), s->cs_res);
	if (!gcr_gchp_decomposition_valid(s->cs_res, s->total_cores, s->nx, s->ny))
		return gcr_error_set(err, GCR_ERR_INVALID,
				     _("NX=%d NY=%d is not a valid decomposition of %d cores at C%d "
				       "(NX*NY = cores, NY a multiple of 6, CS_RES/NX >= 4, "
				       "6*CS_RES/NY >= 4)"), s->nx, s->ny, s->total_cores, s->cs_res);
	if (s->chemistry_timestep < s->transport_timestep)
		return gcr_error_set(err, GCR_ERR_INVALID,
				     _("the chemistry timestep must not be shorter than the transport "
				       "timestep"));
	return GCR_OK;
}

static void diag_timing(struct gcr_gchp_settings *s, const char *freq, int start, int end)
{
	long hours = days_between(start, end) * 24;

	if (hours < 1 || hours > 9999999)   /* keeps the text short; runs are years at most */
		hours = hours < 1 ? 1 : 9999999;
	s->diag_monthly = strcmp(freq, "monthly") == 0;
	if (strcmp(freq, "hourly") == 0) {
		snprintf(s->diag_frequency, sizeof s->diag_frequency, "010000");
		snprintf(s->diag_duration, sizeof s->diag_duration, "240000");
	} else if (strcmp(freq, "daily") == 0) {
		snprintf(s->diag_frequency, sizeof s->diag_frequency, "240000");
		snprintf(s->diag_duration, sizeof s->diag_duration, "240000");
	} else if (strcmp(freq, "end") == 0) {
		snprintf(s->diag_frequency, sizeof s->diag_frequency, "%ld0000", hours);
		snprintf(s->diag_duration, sizeof s->diag_duration, "%ld0000", hours);
	} else {
		/* Monthly means; the HHmmSS value is GCHP's 31-day placeholder. */
		snprintf(s->diag_frequency, sizeof s->diag_frequency, "7440000");
		snprintf(s->diag_duration, sizeof s->diag_duration, "7440000");
	}
}

enum gcr_status gcr_gchp_settings_from_spec(const struct gcr_spec *spec,
					    int physical_cores,
					    struct gcr_gchp_settings *s,
					    struct gcr_error *err)
{
	struct gcr_rundir r;
	enum gcr_status st;
	size_t n;

	memset(s, 0, sizeof *s);
	if (spec->model != GCR_MODEL_GCHP)
		return gcr_error_set(err, GCR_ERR_INVALID, _("these are GCHP settings; the spec is "
							     "not a GCHP run"));
	st = gcr_rundir_resolve(&r, spec, NULL, err);
	if (st != GCR_OK)
		return st;
	s->cs_res = r.cs_res;
	s->num_nodes = spec->nodes > 0 ? spec->nodes : 1;
	if (spec->cores_per_node > 0) {
		s->cores_per_node = spec->cores_per_node;
	} else {
		if (physical_cores <= 0)
			return gcr_error_set(err, GCR_ERR_INVALID,
					     _("cores per node unknown: give --cores-per-node or an "
					       "instance type the catalog knows"));
		/* Physical cores only (the GEOS-Chem team's AWS practice), lowered
		 * until the total divides by 6. */
		s->cores_per_node = physical_cores;
		while (s->cores_per_node > 1 && (s->num_nodes * s->cores_per_node) % 6 != 0)
			s->cores_per_node--;
	}
	s->total_cores = s->num_nodes * s->cores_per_node;
	if (s->total_cores % 6 != 0)
		return gcr_error_set(err, GCR_ERR_INVALID,
				     _("%d nodes x %d cores = %d cores, which is not divisible by 6 "
				       "as GCHP requires"), s->num_nodes, s->cores_per_node,
				     s->total_cores);
	st = gcr_gchp_decompose(s->cs_res, s->total_cores, &s->nx, &s->ny, err);
	if (st != GCR_OK)
		return st;
	s->chemistry_timestep = r.chemistry_ts;
	s->transport_timestep = r.transport_ts;
	s->start_date = r.start_date;
	duration_between(r.start_date, r.end_date, s->run_duration, sizeof s->run_duration);
	/* On spot capacity, write a checkpoint every simulated day so an
	 * interrupted run resumes from at most a day back. */
	s->midrun_checkpoint = spec->spot;
	snprintf(s->checkpoint_freq, sizeof s->checkpoint_freq, "%s",
		 spec->spot ? "240000" : "1680000");
	diag_timing(s, r.frequency, r.start_date, r.end_date);
	n = gcr_bundle_history_names(&r, s->diag_collections, GCR_GCHP_MAX_DIAG, err);
	if (n == (size_t)-1)
		return err ? err->code : GCR_ERR_INVALID;
	s->ndiag = n;
	/* MAPL's output server writes restarts: needed above ~1000 cores, and
	 * on AWS with EFA, where checkpoint writes otherwise hang (GCHP #493). */
	s->output_server = s->total_cores > 1000 || spec->target == GCR_TARGET_PCLUSTER;
	return gcr_gchp_settings_check(s, err);
}

char *gcr_gchp_settings_values(const struct gcr_gchp_settings *s)
{
	char *out = NULL;

	gcr_bundle_append(&out,
		"# setCommonRunSettings.values: the settings gcrunner chose for GCHP.\n"
		"# Each line replaces the line of the same name in the run directory's\n"
		"# setCommonRunSettings.sh (gcrunner.sbatch does it); the file is also\n"
		"# valid bash.  Timesteps follow from CS_RES in setCommonRunSettings.sh:\n"
		"# chemistry %d s, transport %d s at C%d.\n"
		"# The run starts at %08d 000000 (cap_restart).\n",
		s->chemistry_timestep, s->transport_timestep, s->cs_res, s->start_date);
	gcr_bundle_append(&out, "TOTAL_CORES=%d\n", s->total_cores);
	gcr_bundle_append(&out, "NUM_NODES=%d\n", s->num_nodes);
	gcr_bundle_append(&out, "NUM_CORES_PER_NODE=%d\n", s->cores_per_node);
	gcr_bundle_append(&out, "CS_RES=%d\n", s->cs_res);
	gcr_bundle_append(&out, "STRETCH_GRID=OFF\n");
	gcr_bundle_append(&out, "Run_Duration=\"%s\"\n", s->run_duration);
	gcr_bundle_append(&out, "AutoUpdate_NXNY=OFF\n");
	gcr_bundle_append(&out, "NX=%d\n", s->nx);
	gcr_bundle_append(&out, "NY=%d\n", s->ny);
	gcr_bundle_append(&out, "AutoUpdate_Diagnostics=ON\n");
	gcr_bundle_append(&out, "Diag_Monthly=\"%d\"\n", s->diag_monthly ? 1 : 0);
	gcr_bundle_append(&out, "Diag_Frequency=\"%s\"\n", s->diag_frequency);
	gcr_bundle_append(&out, "Diag_Duration=\"%s\"\n", s->diag_duration);
	gcr_bundle_append(&out, "Diag_Collections=(");
	for (size_t i = 0; i < s->ndiag; i++)
		gcr_bundle_append(&out, "%s%s", i ? " " : "", s->diag_collections[i]);
	gcr_bundle_append(&out, ")\n");
	gcr_bundle_append(&out, "Midrun_Checkpoint=%s\n", s->midrun_checkpoint ? "ON" : "OFF");
	gcr_bundle_append(&out, "Checkpoint_Freq=\"%s\"\n", s->checkpoint_freq);
	return out;
}
