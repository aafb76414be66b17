/* progress.c: how far a run is and what it has cost -- the simulated time
 * read from GEOS-Chem's own log lines, the fraction of the period that is,
 * elapsed time, ETA, and price x nodes x elapsed.
 *
 * The log lines (checked against GEOS-Chem's sources):
 *   Classic  main.F90 PRINT_CURRENT_TIME:
 *              '---> DATE: ', i4.4,'/',i2.2,'/',i2.2, '  UTC: ', i2.2,':',i2.2, '  X-HRS: ...'
 *            (older versions wrote GMT instead of UTC)
 *   GCHP     MAPL_CapGridComp:
 *              ' AGCM Date: ', i4.4,'/',i2.2,'/',i2.2, 2x, 'Time: ', i2.2,':',i2.2,':',i2.2, ...
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "catalog.h"
#include "runs/runs_internal.h"

/* Reads "YYYY/MM/DD" then, after blanks and the marker word, "HH:MM". */
static bool parse_after(const char *p, const char *marker, int *yyyymmdd, int *hhmm)
{
	int y, mo, d, h, mi, n = 0;
	const char *m;

	if (sscanf(p, "%4d/%2d/%2d%n", &y, &mo, &d, &n) != 3 || n != 10)
		return false;
	p += n;
	while (*p == ' ')
		p++;
	m = marker;
	if (strncmp(p, m, strlen(m)) != 0)
		return false;
	p += strlen(m);
	while (*p == ' ')
		p++;
	n = 0;
	if (sscanf(p, "%2d:%2d%n", &h, &mi, &n) != 2 || n != 5)
		return false;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 24 || mi < 0 || mi > 59)
		return false;
	*yyyymmdd = y * 10000 + mo * 100 + d;
	*hhmm = h * 100 + mi;
	return true;
}

bool gcr_progress_parse_line(const char *line, int *yyyymmdd, int *hhmm)
{
	const char *p;
	int ymd, hm;

	if (!line)
		return false;
	if ((p = strstr(line, "---> DATE:")) != NULL) {
		p += strlen("---> DATE:");
		while (*p == ' ')
			p++;
		if (!parse_after(p, "UTC:", &ymd, &hm) && !parse_after(p, "GMT:", &ymd, &hm))
			return false;
	} else if ((p = strstr(line, "AGCM Date:")) != NULL) {
		p += strlen("AGCM Date:");
		while (*p == ' ')
			p++;
		if (!parse_after(p, "Time:", &ymd, &hm))
			return false;
	} else {
		return false;
	}
	if (yyyymmdd)
		*yyyymmdd = ymd;
	if (hhmm)
		*hhmm = hm;
	return true;
}

double runs_fraction(int start_ymd, int end_ymd, int ymd, int hhmm)
{
	double total, done;

	if (!gcr_date_valid(start_ymd) || !gcr_date_valid(end_ymd) || !gcr_date_valid(ymd))
		return -1;
	total = gcr_date_diff_days(start_ymd, end_ymd);
	if (total <= 0)
		return -1;
	done = gcr_date_diff_days(start_ymd, ymd) + ((hhmm / 100) * 60 + hhmm % 100) / 1440.0;
	if (done < 0)
		done = 0;
	return done > total ? 1.0 : done / total;
}

double gcr_progress_fraction(const struct gcr_spec *spec, int yyyymmdd, int hhmm)
{
	int end;
	double f;

	if (!spec)
		return 0;
	end = spec->end_date ? spec->end_date
			     : spec->days > 0 && gcr_date_valid(spec->start_date)
				       ? gcr_date_add_days(spec->start_date, spec->days) : 0;
	f = runs_fraction(spec->start_date, end, yyyymmdd, hhmm);
	return f < 0 ? 0 : f;
}

bool runs_progress_feed(struct run_entry *e, const char *line)
{
	int ymd, hm;
	double f;

	if (!gcr_progress_parse_line(line, &ymd, &hm))
		return false;
	if (ymd < e->reached_ymd || (ymd == e->reached_ymd && hm <= e->reached_hhmm))
		return false;     /* a retried attempt starts over: keep the furthest */
	e->reached_ymd = ymd;
	e->reached_hhmm = hm;
	f = runs_fraction(e->start_ymd, e->end_ymd, ymd, hm);
	if (f >= 0)
		e->progress = f;
	return true;
}

/* ---- time and money ------------------------------------------------------------- */

int64_t runs_elapsed_s(const struct run_entry *e, int64_t now_ms)
{
	int64_t start = e->started_ms, stop = e->stopped_ms;

	if (start <= 0)
		return 0;
	if (stop <= 0 || stop < start)
		stop = gcr_run_state_is_final(e->state) ? start : now_ms;
	return (stop - start) / 1000;
}

int64_t runs_eta_s(const struct run_entry *e, int64_t now_ms)
{
	int64_t el;

	if (gcr_run_state_is_final(e->state))
		return 0;
	if (e->state != GCR_RUN_RUNNING || e->progress < 0.005 || e->progress >= 1)
		return -1;
	el = runs_elapsed_s(e, now_ms);
	if (el <= 0)
		return -1;
	return (int64_t)(el * (1 - e->progress) / e->progress);
}

/* Every attempt costs (a reclaimed spot attempt ran too); without attempts
 * the job's own start and stop. */
double runs_cost_so_far(const struct run_entry *e, int64_t now_ms)
{
	double seconds = 0;
	int nodes = e->nodes > 0 ? e->nodes : 1;

	if (e->price <= 0)
		return 0;
	for (int i = 0; i < e->nattempts; i++) {
		int64_t a = e->attempts[i].started_ms, b = e->attempts[i].stopped_ms;
		if (a <= 0)
			continue;
		if (b <= 0 || b < a)
			b = gcr_run_state_is_final(e->state) ? (e->stopped_ms > a ? e->stopped_ms : a)
							     : now_ms;
		seconds += (double)(b - a) / 1000.0;
	}
	if (e->nattempts == 0)
		seconds = (double)runs_elapsed_s(e, now_ms);
	return e->price * nodes * seconds / 3600.0;
}

void runs_money(const struct gcr_runs *runs, struct run_entry *e)
{
	struct gcr_price_info pi;

	if (e->price > 0 || !runs->env.catalog || !e->instance_type || !*e->instance_type)
		return;
	if (gcr_catalog_price(runs->env.catalog, e->instance_type, e->region, time(NULL), &pi))
		e->price = e->spot && pi.spot_available ? pi.spot_usd_hour : pi.ondemand_usd_hour;
	if (e->price < 0)
		e->price = 0;
}
