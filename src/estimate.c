/* estimate.c: the physical cost/time model, its calibration on the
 * benchmark table, and estimates with ranges and recommendations.
 *
 * Seconds per simulated day (doc/estimator.md has the derivation):
 *   T = T_in + T_comp
 *   T_in   = A x (cols/3312)^gamma x emis + m x metGB/day   (does not shrink with cores)
 *   T_comp = K x W_grid x W_sim x (s + (1 - s) / P_eff) / speed(family)
 *   W_grid = cols/3312 x levels/72 x 1200/dt_chem,  W_sim = (chem + a_t S/220 + a_f)/(1 + a_t + a_f)
 *   Classic: P_eff = cores x (1 + (ht - 1) x extra threads/cores)      (OpenMP, Amdahl)
 *   GCHP:    (s + (1-s)/P_eff) is replaced by (1 + h sqrt(ranks/cols)) / P_eff, with
 *            P_eff = ranks / (1 + beta log2(nodes)), beta x r_tcp without EFA
 * The parameters are fitted (MAP, Levenberg-Marquardt in log space) to the
 * benchmark table at load; near each case a kernel-weighted correction from
 * the measured residuals (user runs weigh 4x) refines the central value, and
 * the range widens with the distance to the nearest measurement. */
#include "config.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "catalog_internal.h"
#include "estimate.h"
#include "i18n.h"

#define REF_COLS 3312.0      /* 4x5 columns */
#define REF_SPECIES 220.0    /* full chemistry's advected species */
#define REF_LEVELS 72.0
#define REF_CHEM_TS 1200.0
#define SIGMA_OBS 0.10       /* log-scale scatter assumed for one published timing */
#define Z90 1.645            /* the range is a 90% interval */
#define KERNEL_D 0.15        /* distance at which a measurement's pull halves */
#define MAX_REC 256
#define MAX_PARAMS (P_NBASE + GCR_CATALOG_MAX_FAMILIES)
#define MAX_RESID (2 * MAX_REC + MAX_PARAMS)

/* Memory model constants (doc/estimator.md, section 5): derived from the
 * facts in geoschem.md section 4, not fitted. */
#define MEM_CLASSIC_CELL_BYTES 12288.0   /* per grid cell, besides species */
#define MEM_CLASSIC_SPECIES_BYTES 80.0   /* per cell and advected species */
#define MEM_CLASSIC_THREAD_GIB 0.05
#define MEM_GCHP_RANK_GIB 0.5            /* MAPL/ESMF per rank */
#define MEM_GCHP_EMIS_SHARE 0.9          /* emissions state replicated per rank */
#define MEM_GCHP_CELL_BYTES 6195.0
#define MEM_GCHP_SPECIES_BYTES 18.8
#define MEM_USABLE 0.95                  /* the OS keeps the rest */
#define MEM_MARGIN 0.80                  /* "fits" below this share of usable */
#define GIB (1024.0 * 1024.0 * 1024.0)

enum {
	P_K, P_S_C, P_HT, P_IN_C, P_GAMMA, P_MET, P_V12C, P_V12I, P_GCHP, P_HALO, P_IN_G,
	P_NET, P_TCP, P_ATRANS, P_AFIXED, P_NBASE
};

/* Priors: value and log-scale sd.  Wide where the data must decide. */
static const struct { double prior, sd; } base_prior[P_NBASE] = {
	[P_K] = { 8000, 1.5 },       /* s per sim day, 1 reference core, 4x5 fullchem */
	[P_S_C] = { 0.05, 1.0 },     /* Amdahl serial fraction, OpenMP */
	[P_HT] = { 1.25, 0.3 },      /* hyper-threading gain on the parallel part */
	[P_IN_C] = { 75, 0.7 },      /* HEMCO/input s per day at 4x5 */
	[P_GAMMA] = { 0.8, 0.4 },    /* input time ~ columns^gamma */
	[P_MET] = { 20, 1.5 },       /* s per GB of met read */
	[P_V12C] = { 0.7, 0.7 },     /* 12.x compute relative to 14.x */
	[P_V12I] = { 1.5, 1.0 },     /* 12.x input relative to 14.x */
	[P_GCHP] = { 1.3, 0.7 },     /* GCHP compute relative to Classic */
	[P_HALO] = { 3.0, 1.0 },      /* GCHP halo/communication overhead per sqrt(ranks/columns) */
	[P_IN_G] = { 30, 1.0 },      /* GCHP ExtData s per day at C24 */
	[P_NET] = { 0.15, 1.0 },     /* efficiency loss per node doubling, EFA/IB */
	[P_TCP] = { 2.5, 0.4 },      /* the same without EFA, relative (no data: prior) */
	[P_ATRANS] = { 0.65, 0.5 },  /* transport share per species, rel. to chemistry */
	[P_AFIXED] = { 0.10, 1.0 },  /* species-independent share */
};

struct fitp {
	double v[P_NBASE];
	double speed[GCR_CATALOG_MAX_FAMILIES];
};

/* One case the model evaluates. */
struct mcase {
	enum gcr_model model;
	double chem, species;        /* chemistry cost, advected species */
	double wg;                   /* grid work */
	double cols_ratio, emis, met_gb_day;
	bool v12;
	int family;
	int nodes, cores, threads;   /* cores/threads per node */
	int net;
};

const char *gcr_memory_fit_id(enum gcr_memory_fit f)
{
	return f == GCR_FIT_NO ? "no" : f == GCR_FIT_TIGHT ? "tight" : "fits";
}

const char *gcr_confidence_id(enum gcr_confidence c)
{
	return c == GCR_CONF_LOW ? "low" : c == GCR_CONF_MEDIUM ? "medium" : "high";
}

const struct gcr_model_params *gcr_catalog_model(const struct gcr_catalog *cat)
{
	return &cat->params;
}

/* ---- the model ------------------------------------------------------------ */

static double work_sim(const double *v, double chem, double species)
{
	double at = v[P_ATRANS], af = v[P_AFIXED];
	return (chem + at * species / REF_SPECIES + af) / (1 + at + af);
}

static double net_eff(const double *v, int nodes, int net)
{
	double beta = net == 2 ? v[P_NET] * v[P_TCP] : v[P_NET];
	return nodes > 1 ? 1.0 / (1.0 + beta * log2(nodes)) : 1.0;
}

static double classic_peff(const double *v, int cores, int threads)
{
	int phys = threads < cores ? threads : cores;
	double peff = phys;

	if (threads > cores) {
		double extra = (double)(threads - cores) / cores;
		peff *= 1 + (v[P_HT] - 1) * (extra > 1 ? 1 : extra);
	}
	return peff;
}

static double serial(double s)
{
	return s > 0.9 ? 0.9 : s;
}

static double input_seconds(const struct fitp *p, const struct mcase *c)
{
	if (c->model == GCR_MODEL_CLASSIC)
		return (p->v[P_IN_C] * pow(c->cols_ratio, p->v[P_GAMMA]) * c->emis +
			p->v[P_MET] * c->met_gb_day) * (c->v12 ? p->v[P_V12I] : 1);
	return p->v[P_IN_G] * pow(c->cols_ratio, p->v[P_GAMMA]) * c->emis + p->v[P_MET] * c->met_gb_day;
}

/* Compute seconds per simulated day on one core of speed 1 (before the
 * parallel split). */
static double compute_unit(const struct fitp *p, const struct mcase *c)
{
	double w = p->v[P_K] * c->wg * work_sim(p->v, c->chem, c->species);

	if (c->model == GCR_MODEL_CLASSIC)
		return w * (c->v12 ? p->v[P_V12C] : 1);
	return w * p->v[P_GCHP];
}

static double parallel_factor(const struct fitp *p, const struct mcase *c)
{
	if (c->model == GCR_MODEL_CLASSIC) {
		double s = serial(p->v[P_S_C]);
		return s + (1 - s) / classic_peff(p->v, c->cores, c->threads);
	} else {
		/* MPI domain decomposition: each rank's halo exchange grows with
		 * the perimeter of its subdomain, so the overhead relative to its
		 * work goes as sqrt(ranks / columns): small grids stop scaling
		 * sooner than large ones. */
		double ranks = (double)c->nodes * c->cores;
		return (1 + p->v[P_HALO] * sqrt(ranks / (c->cols_ratio * REF_COLS))) /
		       (ranks * net_eff(p->v, c->nodes, c->net));
	}
}

static double day_seconds(const struct fitp *p, const struct mcase *c)
{
	return input_seconds(p, c) + compute_unit(p, c) * parallel_factor(p, c) / p->speed[c->family];
}

/* ---- building cases ------------------------------------------------------- */

static double emissions_ref(const struct gcr_catalog *cat)
{
	const struct gcr_simulation *fc = gcr_catalog_find_simulation(cat, "fullchem");
	return fc && fc->emissions_memory_gib > 0 ? fc->emissions_memory_gib : 3.5;
}

/* Met GB the run reads per simulated day, and whether the figure is derived. */
static double met_gb_per_day(const struct gcr_catalog *cat, enum gcr_model model, const char *met,
			     const char *grid, const char *domain, bool *derived)
{
	const struct gcr_met *m = gcr_catalog_find_met(cat, met);
	const struct gcr_met_grid *mg;

	*derived = false;
	if (!m)
		return 0;
	if (model == GCR_MODEL_GCHP) {
		*derived = strstr(m->volume_basis, "derived") != NULL;
		return m->gchp_gb_per_day;
	}
	if (!(mg = gcr_catalog_met_grid(cat, met, grid)))
		return 0;
	for (size_t i = 0; i < mg->ndomains; i++)
		if (strcmp(mg->domains[i], domain && *domain ? domain : "global") == 0 &&
		    mg->domain_gb_per_year[i] > 0)
			return mg->domain_gb_per_year[i] / 365.0;
	*derived = mg->volume_derived;
	return mg->gb_per_year / 365.0;
}

/* The spec-level part of a case: work, input.  Returns false (with why)
 * when the configuration cannot be placed. */
static bool spec_case(const struct gcr_catalog *cat, enum gcr_model model, const char *simid,
		      const char *optid, const char *metid, const char *gridid, const char *domainid,
		      int levels, const char *version, struct mcase *c, long *columns, bool *nested)
{
	const struct gcr_simulation *sim = gcr_catalog_find_simulation(cat, simid);
	const struct gcr_sim_option *opt = NULL;
	const struct gcr_grid *grid = gcr_catalog_find_grid(cat, gridid);
	const struct gcr_domain *dom = NULL;
	double dt_chem;
	long cols;
	bool derived;

	memset(c, 0, sizeof *c);
	if (!sim || !grid || grid->model != model)
		return false;
	if (optid && *optid && !(opt = gcr_simulation_find_option(sim, optid)))
		return false;
	cols = grid->columns;
	*nested = false;
	if (domainid && *domainid && strcmp(domainid, "global") != 0) {
		if (!(dom = gcr_grid_find_domain(grid, domainid)))
			return false;
		cols = dom->columns;
		*nested = true;
	}
	dt_chem = grid->chemistry_timestep_s;
	if (opt && opt->chemistry_timestep_s && grid->model == GCR_MODEL_CLASSIC && grid->dlat >= 2)
		dt_chem = opt->chemistry_timestep_s;
	if (levels <= 0)
		levels = 72;
	c->model = model;
	c->chem = sim->chemistry_cost * (opt ? opt->cost_factor : 1.0);
	c->species = sim->advected_species + (opt ? opt->extra_species : 0);
	if (c->species < 1)
		c->species = 1;
	c->wg = cols / REF_COLS * levels / REF_LEVELS * REF_CHEM_TS / dt_chem;
	c->cols_ratio = cols / REF_COLS;
	c->emis = sim->emissions_memory_gib / emissions_ref(cat) * (opt ? opt->memory_factor : 1.0);
	if (c->emis < 0.02)
		c->emis = 0.02;
	c->met_gb_day = met_gb_per_day(cat, model, metid, gridid, domainid, &derived);
	c->v12 = version && atoi(version) > 0 && atoi(version) < 13;
	if (columns)
		*columns = cols;
	return true;
}

static int net_class(const char *network, int nodes)
{
	if (nodes <= 1)
		return 0;
	return (strcmp(network, "efa") == 0 || strcmp(network, "infiniband") == 0) ? 1 : 2;
}

/* ---- calibration --------------------------------------------------------- */

struct fitctx {
	struct gcr_catalog *cat;
	int nparams;
	int family_param[GCR_CATALOG_MAX_FAMILIES];   /* param index or -1 */
	double prior[MAX_PARAMS], sd[MAX_PARAMS];
	int recs[MAX_REC];                               /* usable record indices */
	struct mcase cases[MAX_REC];
	int nrecs;
};

static void params_from_x(const struct fitctx *f, const double *x, struct fitp *p)
{
	for (int i = 0; i < P_NBASE; i++)
		p->v[i] = exp(x[i]);
	for (size_t fi = 0; fi < f->cat->nfamilies; fi++)
		p->speed[fi] = f->family_param[fi] >= 0 ? exp(x[f->family_param[fi]])
			: f->cat->families[fi].speed_prior;
}

static int residuals(const struct fitctx *f, const double *x, double *r)
{
	const struct gcr_catalog *cat = f->cat;
	struct fitp p;
	int n = 0;

	params_from_x(f, x, &p);
	for (int k = 0; k < f->nrecs; k++) {
		const struct gcr_benchmark *b = &cat->benchmarks[f->recs[k]];
		const struct mcase *c = &f->cases[k];
		/* A user run counts like one published figure in the global fit
		 * (one run must not re-shape the model for every machine); its
		 * extra weight acts in the local correction near it. */
		double w = sqrt(b->user && b->weight > 1 ? 1 : b->weight) / SIGMA_OBS;
		double raw = log(86400.0 / day_seconds(&p, c)) - log(b->throughput_days_per_day);

		if (b->relative) {
			/* Centre on the group's mean: only ratios count. */
			double sum = 0;
			int cnt = 0;
			for (int j = 0; j < f->nrecs; j++) {
				const struct gcr_benchmark *o = &cat->benchmarks[f->recs[j]];
				if (!o->relative || strcmp(o->group, b->group) != 0)
					continue;
				sum += log(86400.0 / day_seconds(&p, &f->cases[j])) - log(o->throughput_days_per_day);
				cnt++;
			}
			raw -= sum / cnt;
		}
		r[n++] = w * raw;
		if (b->input_seconds_per_day > 0)
			r[n++] = w * (log(input_seconds(&p, c)) - log(b->input_seconds_per_day));
	}
	for (int i = 0; i < f->nparams; i++)
		r[n++] = (x[i] - log(f->prior[i])) / f->sd[i];
	return n;
}

static double sumsq(const double *r, int n)
{
	double s = 0;
	for (int i = 0; i < n; i++)
		s += r[i] * r[i];
	return s;
}

/* Solves A x = b (n x n, row-major, destroyed) by Gaussian elimination with
 * partial pivoting.  Returns false when singular. */
static bool solve(int n, double *A, double *b, double *x)
{
	for (int c = 0; c < n; c++) {
		int piv = c;
		for (int r = c + 1; r < n; r++)
			if (fabs(A[r * n + c]) > fabs(A[piv * n + c]))
				piv = r;
		if (fabs(A[piv * n + c]) < 1e-300)
			return false;
		if (piv != c) {
			for (int k = 0; k < n; k++) {
				double t = A[c * n + k];
				A[c * n + k] = A[piv * n + k];
				A[piv * n + k] = t;
			}
			double t = b[c];
			b[c] = b[piv];
			b[piv] = t;
		}
		for (int r = c + 1; r < n; r++) {
			double fac = A[r * n + c] / A[c * n + c];
			for (int k = c; k < n; k++)
				A[r * n + k] -= fac * A[c * n + k];
			b[r] -= fac * b[c];
		}
	}
	for (int r = n - 1; r >= 0; r--) {
		double s = b[r];
		for (int k = r + 1; k < n; k++)
			s -= A[r * n + k] * x[k];
		x[r] = s / A[r * n + r];
	}
	return true;
}

/* Levenberg-Marquardt on the MAP objective; x holds the start and the result. */
static int fit(const struct fitctx *f, double *x)
{
	static double J[MAX_RESID * MAX_PARAMS];
	double r[MAX_RESID], r2[MAX_RESID], xt[MAX_PARAMS], A[MAX_PARAMS * MAX_PARAMS];
	double g[MAX_PARAMS], dx[MAX_PARAMS], lambda = 1e-2;
	int np = f->nparams, nr = residuals(f, x, r), it;
	double cost = sumsq(r, nr);

	for (it = 0; it < 200; it++) {
		/* Jacobian by forward differences. */
		for (int j = 0; j < np; j++) {
			memcpy(xt, x, sizeof xt[0] * np);
			xt[j] += 1e-6;
			residuals(f, xt, r2);
			for (int i = 0; i < nr; i++)
				J[i * np + j] = (r2[i] - r[i]) / 1e-6;
		}
		for (;;) {
			for (int a = 0; a < np; a++) {
				g[a] = 0;
				for (int i = 0; i < nr; i++)
					g[a] -= J[i * np + a] * r[i];
				for (int b2 = 0; b2 < np; b2++) {
					double s = 0;
					for (int i = 0; i < nr; i++)
						s += J[i * np + a] * J[i * np + b2];
					A[a * np + b2] = s;
				}
				A[a * np + a] *= 1 + lambda;
			}
			if (!solve(np, A, g, dx)) {
				lambda *= 10;
				if (lambda > 1e10)
					return it;
				continue;
			}
			for (int j = 0; j < np; j++)
				xt[j] = x[j] + dx[j];
			double c2 = sumsq(r2, residuals(f, xt, r2));
			if (c2 < cost) {
				double gain = cost - c2;
				memcpy(x, xt, sizeof xt[0] * np);
				memcpy(r, r2, sizeof r[0] * nr);
				cost = c2;
				lambda = lambda / 3 < 1e-9 ? 1e-9 : lambda / 3;
				if (gain < 1e-10 * (1 + cost))
					return it + 1;
				break;
			}
			lambda *= 4;
			if (lambda > 1e10)
				return it + 1;
		}
	}
	return it;
}

static bool bench_case(const struct gcr_catalog *cat, const struct gcr_benchmark *b,
		       struct mcase *c, long *columns, bool *nested)
{
	if (!spec_case(cat, b->model, b->simulation, b->option, b->met, b->grid, b->domain, b->levels,
		       b->version, c, columns, nested))
		return false;
	c->family = gcr_catalog_family_index(cat, b->family);
	if (c->family < 0)
		return false;
	c->nodes = b->nodes > 0 ? b->nodes : 1;
	c->cores = b->cores_per_node;
	c->threads = b->threads_per_node > 0 ? b->threads_per_node : b->cores_per_node;
	c->net = net_class(b->network, c->nodes);
	return c->cores > 0;
}

/* A relative group's scale: the mean of ln(predicted/measured) over its
 * timed members (their measured values are only ratios). */
static double group_offset(const struct gcr_catalog *cat, const char *group)
{
	double sum = 0;
	int cnt = 0;

	for (size_t j = 0; j < cat->nbenchmarks; j++)
		if (cat->benchmarks[j].relative && cat->bench_fit[j].timed && cat->bench_fit[j].predicted_dd > 0 &&
		    strcmp(cat->benchmarks[j].group, group) == 0) {
			sum += log(cat->bench_fit[j].predicted_dd / cat->benchmarks[j].throughput_days_per_day);
			cnt++;
		}
	return cnt ? sum / cnt : 0;
}

enum gcr_status gcr_estimate_calibrate(struct gcr_catalog *cat, struct gcr_error *err)
{
	static struct fitctx f;   /* big; calibration is not re-entrant across threads */
	double x[MAX_PARAMS];
	struct fitp p;
	double sw = 0, swr = 0;
	(void)err;

	memset(&f, 0, sizeof f);
	f.cat = cat;
	for (int i = 0; i < P_NBASE; i++) {
		f.prior[i] = base_prior[i].prior;
		f.sd[i] = base_prior[i].sd;
	}
	f.nparams = P_NBASE;
	for (size_t fi = 0; fi < cat->nfamilies; fi++) {
		const struct gcr_cpu_family *fam = &cat->families[fi];
		f.family_param[fi] = -1;
		if (fam->speed_prior_sd > 0 && !fam->disputed && f.nparams < MAX_PARAMS) {
			f.family_param[fi] = f.nparams;
			f.prior[f.nparams] = fam->speed_prior;
			f.sd[f.nparams] = fam->speed_prior_sd;
			f.nparams++;
		}
	}
	/* Features of every record; the usable ones go into the fit. */
	for (size_t i = 0; i < cat->nbenchmarks; i++) {
		const struct gcr_benchmark *b = &cat->benchmarks[i];
		struct gcr_bench_fit *bf = &cat->bench_fit[i];
		struct mcase c;
		long cols;
		bool nested;

		memset(bf, 0, sizeof *bf);
		bf->placed = bench_case(cat, b, &c, &cols, &nested);
		if (!bf->placed)
			continue;
		bf->timed = b->throughput_days_per_day > 0;
		bf->work_grid = c.wg;
		bf->ln_work_grid = log(c.wg);
		bf->work_sim = c.chem + base_prior[P_ATRANS].prior * c.species / REF_SPECIES;
		bf->cols_ratio = c.cols_ratio;
		bf->emis = c.emis;
		bf->met_gb_day = c.met_gb_day;
		bf->family = c.family;
		bf->ln_cores = log((double)c.nodes * c.cores);
		bf->nodes = c.nodes;
		bf->ln_nodes = log(c.nodes);
		bf->net = c.net;
		bf->v12 = c.v12;
		bf->nested = nested;
		if (b->use == GCR_BENCH_FIT && bf->timed && f.nrecs < MAX_REC &&
		    !(cat->families[c.family].disputed)) {
			f.recs[f.nrecs] = (int)i;
			f.cases[f.nrecs] = c;
			f.nrecs++;
		}
	}
	/* A relative group needs two members to say anything. */
	for (int k = 0; k < f.nrecs; k++) {
		const struct gcr_benchmark *b = &cat->benchmarks[f.recs[k]];
		int cnt = 0;
		if (!b->relative)
			continue;
		for (int j = 0; j < f.nrecs; j++)
			cnt += cat->benchmarks[f.recs[j]].relative &&
			       strcmp(cat->benchmarks[f.recs[j]].group, b->group) == 0;
		if (cnt < 2) {
			memmove(&f.recs[k], &f.recs[k + 1], sizeof f.recs[0] * (size_t)(f.nrecs - k - 1));
			memmove(&f.cases[k], &f.cases[k + 1], sizeof f.cases[0] * (size_t)(f.nrecs - k - 1));
			f.nrecs--;
			k--;
		}
	}
	for (int i = 0; i < f.nparams; i++)
		x[i] = log(f.prior[i]);
	cat->params.iterations = fit(&f, x);
	cat->params.nfit = f.nrecs;
	params_from_x(&f, x, &p);

	cat->params.classic_compute_s = p.v[P_K];
	cat->params.classic_serial = serial(p.v[P_S_C]);
	cat->params.ht_gain = p.v[P_HT];
	cat->params.classic_input_s = p.v[P_IN_C];
	cat->params.input_grid_exponent = p.v[P_GAMMA];
	cat->params.met_read_s_per_gb = p.v[P_MET];
	cat->params.v12_compute = p.v[P_V12C];
	cat->params.v12_input = p.v[P_V12I];
	cat->params.gchp_compute_factor = p.v[P_GCHP];
	cat->params.gchp_halo = p.v[P_HALO];
	cat->params.gchp_input_s = p.v[P_IN_G];
	cat->params.net_efa = p.v[P_NET];
	cat->params.net_tcp_ratio = p.v[P_TCP];
	cat->params.transport_share = p.v[P_ATRANS];
	cat->params.fixed_share = p.v[P_AFIXED];
	for (size_t fi = 0; fi < cat->nfamilies; fi++)
		cat->params.family_speed[fi] = p.speed[fi];

	/* Predictions and residuals for every placed record. */
	for (size_t i = 0; i < cat->nbenchmarks; i++) {
		const struct gcr_benchmark *b = &cat->benchmarks[i];
		struct gcr_bench_fit *bf = &cat->bench_fit[i];
		struct mcase c;
		long cols;
		bool nested;
		if (!bf->placed || !bench_case(cat, b, &c, &cols, &nested))
			continue;
		bf->predicted_dd = 86400.0 / day_seconds(&p, &c);
		if (bf->timed)
			bf->residual = log(b->throughput_days_per_day / bf->predicted_dd);
	}
	for (size_t i = 0; i < cat->nbenchmarks; i++)
		if (cat->benchmarks[i].relative && cat->bench_fit[i].timed)
			cat->bench_fit[i].residual += group_offset(cat, cat->benchmarks[i].group);
	for (int k = 0; k < f.nrecs; k++) {
		const struct gcr_benchmark *b = &cat->benchmarks[f.recs[k]];
		double res = cat->bench_fit[f.recs[k]].residual;
		sw += b->weight;
		swr += b->weight * res * res;
	}
	cat->params.residual_sd = sw > 0 ? sqrt(swr / sw) : 0.3;

	/* What the families' data say: which are measured, and for disputed
	 * ones, how far the published figures lie from the central model. */
	memset(cat->family_has_data, 0, sizeof cat->family_has_data);
	for (int k = 0; k < f.nrecs; k++)
		if (!cat->benchmarks[f.recs[k]].relative)
			cat->family_has_data[f.cases[k].family] = true;
	for (size_t fi = 0; fi < cat->nfamilies; fi++) {
		cat->family_slowdown[fi] = cat->families[fi].disputed ? cat->families[fi].published_slowdown : 1;
		cat->family_speedup[fi] = 1;
	}
	for (size_t i = 0; i < cat->nbenchmarks; i++) {
		const struct gcr_benchmark *b = &cat->benchmarks[i];
		const struct gcr_bench_fit *bf = &cat->bench_fit[i];
		double ratio;
		if (b->use != GCR_BENCH_DISPUTED || !bf->timed || !bf->placed)
			continue;
		ratio = b->throughput_days_per_day / bf->predicted_dd;
		if (ratio > cat->family_speedup[bf->family])
			cat->family_speedup[bf->family] = ratio;
		if (1 / ratio > cat->family_slowdown[bf->family])
			cat->family_slowdown[bf->family] = 1 / ratio;
	}
	return GCR_OK;
}

/* ---- nearness to measurements ---------------------------------------------- */

/* The spec-level features of a query, for distances to records. */
struct query {
	enum gcr_model model;
	const char *sim, *option, *met;
	double ln_wg, work_sim;
	bool nested;
	bool v12;
};

struct nearby {
	int rec[MAX_REC];
	double dspec2[MAX_REC];
	int n;
};

static double sq(double v)
{
	return v * v;
}

static void prepare_nearby(const struct gcr_catalog *cat, const struct query *q, struct nearby *nb)
{
	nb->n = 0;
	for (size_t i = 0; i < cat->nbenchmarks && nb->n < MAX_REC; i++) {
		const struct gcr_benchmark *b = &cat->benchmarks[i];
		const struct gcr_bench_fit *bf = &cat->bench_fit[i];
		double d2;
		/* Published figures for disputed hardware only widen the range;
		 * the user's own runs on it calibrate it like any other. */
		if (b->use != GCR_BENCH_FIT || !bf->timed || !bf->placed || b->model != q->model ||
		    (cat->families[bf->family].disputed && !b->user))
			continue;
		d2 = sq(0.10 * (q->ln_wg - bf->ln_work_grid));
		if (strcmp(b->simulation, q->sim) != 0)
			d2 += sq(0.10 + 0.10 * fabs(log(q->work_sim / bf->work_sim)));
		else if (strcmp(b->option, q->option) != 0)
			d2 += sq(0.08);
		if (q->nested != bf->nested)
			d2 += sq(0.15);
		if (strcmp(b->met, q->met) != 0)
			d2 += sq(0.03);
		if (bf->v12 != q->v12)
			d2 += sq(0.10);
		if (b->relative)
			d2 += sq(0.15);
		nb->rec[nb->n] = (int)i;
		nb->dspec2[nb->n] = d2;
		nb->n++;
	}
}

struct nearness {
	double corr;        /* ln correction of throughput */
	double sig_loc2;    /* local scatter of residuals */
	double dmin;        /* distance to the nearest record */
	int near_user;      /* user records within 0.3 */
};

static void near_records(const struct gcr_catalog *cat, const struct nearby *nb, int family,
			 double ln_cores, int nodes, int net, struct nearness *out)
{
	double sk = 0, skr = 0, skr2 = 0, dmin2 = 1e9;
	const struct gcr_cpu_family *fam = &cat->families[family];
	/* A disputed family's spread is in its range multipliers (judge), so
	 * it is not counted again here. */
	double fam_other = cat->family_has_data[family] || fam->disputed ? 0.15 :
		(fam->speed_prior_sd > 0.15 ? fam->speed_prior_sd : 0.15);
	double ln_nodes = log(nodes);

	out->near_user = 0;
	for (int k = 0; k < nb->n; k++) {
		const struct gcr_benchmark *b = &cat->benchmarks[nb->rec[k]];
		const struct gcr_bench_fit *bf = &cat->bench_fit[nb->rec[k]];
		double d2 = nb->dspec2[k], kw;
		if (bf->family != family)
			d2 += fam_other * fam_other;
		d2 += sq(0.12 * (ln_cores - bf->ln_cores));
		if (nodes != bf->nodes)
			d2 += sq(0.10 * (ln_nodes - bf->ln_nodes));
		if (nodes > 1 && net != bf->net)
			d2 += sq(0.15);
		if (d2 < dmin2)
			dmin2 = d2;
		kw = b->weight / (1 + d2 / (KERNEL_D * KERNEL_D));
		if (b->relative)
			kw *= 0.5;
		sk += kw;
		skr += kw * bf->residual;
		skr2 += kw * bf->residual * bf->residual;
		if (b->user && d2 < 0.09)
			out->near_user++;
	}
	out->corr = skr / (sk + 1.0);
	out->sig_loc2 = skr2 / (sk + 1.0);
	out->dmin = sqrt(dmin2 < 1e8 ? dmin2 : 1.0);
}

/* ---- memory ------------------------------------------------------------- */

static double classic_memory(const struct gcr_catalog *cat, const struct mcase *c, long cols,
			     int levels, int threads)
{
	double cells = (double)cols * (levels > 0 ? levels : 72);
	double emis = c->emis * emissions_ref(cat);
	return emis + cells * (MEM_CLASSIC_CELL_BYTES + MEM_CLASSIC_SPECIES_BYTES * c->species) / GIB +
	       MEM_CLASSIC_THREAD_GIB * threads;
}

/* GCHP: the busiest (root) node; *gather = what writing a checkpoint adds. */
static double gchp_memory(const struct gcr_catalog *cat, const struct mcase *c, long cols,
			  int nodes, int ranks_per_node, double *gather)
{
	double cells = (double)cols * 72;
	double ranks = (double)nodes * ranks_per_node;
	double per_rank = MEM_GCHP_RANK_GIB + MEM_GCHP_EMIS_SHARE * c->emis * emissions_ref(cat) +
			  cells / ranks * (MEM_GCHP_CELL_BYTES + MEM_GCHP_SPECIES_BYTES * c->species) / GIB;
	*gather = cells * 8.0 * c->species / GIB;
	return per_rank * ranks_per_node + *gather;
}

static enum gcr_memory_fit memory_verdict(double need, double have)
{
	double usable = have * MEM_USABLE;
	if (need <= usable * MEM_MARGIN)
		return GCR_FIT_FITS;
	return need <= usable ? GCR_FIT_TIGHT : GCR_FIT_NO;
}

/* ---- estimates ----------------------------------------------------------- */

void gcr_estimate_result_init(struct gcr_estimate_result *res)
{
	memset(res, 0, sizeof *res);
	res->ondemand.cheapest = res->ondemand.fastest = -1;
	res->spot_pick.cheapest = res->spot_pick.fastest = -1;
}

void gcr_estimate_result_free(struct gcr_estimate_result *res)
{
	free(res->options);
	free(res->ondemand.pareto);
	free(res->spot_pick.pareto);
	gcr_estimate_result_init(res);
}

static bool reserve(struct gcr_estimate_result *res, size_t need)
{
	struct gcr_estimate_option *o;
	int *a, *b;

	if (need <= res->capacity)
		return true;
	o = realloc(res->options, need * sizeof *o);
	if (!o)
		return false;
	res->options = o;
	a = realloc(res->ondemand.pareto, need * sizeof *a);
	if (!a)
		return false;
	res->ondemand.pareto = a;
	b = realloc(res->spot_pick.pareto, need * sizeof *b);
	if (!b)
		return false;
	res->spot_pick.pareto = b;
	res->capacity = need;
	return true;
}

static void note(struct gcr_estimate_option *o, enum gcr_note_code code, double a, double b)
{
	if (o->nnotes < GCR_ESTIMATE_MAX_NOTES) {
		o->notes[o->nnotes].code = code;
		o->notes[o->nnotes].a = a;
		o->notes[o->nnotes].b = b;
		o->nnotes++;
	}
}

/* Everything about the spec that does not depend on the hardware. */
struct spec_ctx {
	struct mcase base;
	struct query q;
	struct nearby nb;
	struct fitp p;
	long cols;
	int levels;
	double tin, unit;            /* input s/day; compute s/day on one speed-1 core */
	int days;
};

static void params_of(const struct gcr_catalog *cat, struct fitp *p)
{
	const struct gcr_model_params *m = &cat->params;
	p->v[P_K] = m->classic_compute_s;
	p->v[P_S_C] = m->classic_serial;
	p->v[P_HT] = m->ht_gain;
	p->v[P_IN_C] = m->classic_input_s;
	p->v[P_GAMMA] = m->input_grid_exponent;
	p->v[P_MET] = m->met_read_s_per_gb;
	p->v[P_V12C] = m->v12_compute;
	p->v[P_V12I] = m->v12_input;
	p->v[P_GCHP] = m->gchp_compute_factor;
	p->v[P_HALO] = m->gchp_halo;
	p->v[P_IN_G] = m->gchp_input_s;
	p->v[P_NET] = m->net_efa;
	p->v[P_TCP] = m->net_tcp_ratio;
	p->v[P_ATRANS] = m->transport_share;
	p->v[P_AFIXED] = m->fixed_share;
	for (size_t fi = 0; fi < cat->nfamilies; fi++)
		p->speed[fi] = m->family_speed[fi];
}

static bool make_ctx(const struct gcr_catalog *cat, enum gcr_model model, const char *sim,
		     const char *option, const char *met, const char *grid, const char *domain,
		     int levels, const char *version, struct spec_ctx *x)
{
	bool nested;

	if (!spec_case(cat, model, sim, option, met, grid, domain, levels, version, &x->base,
		       &x->cols, &nested))
		return false;
	params_of(cat, &x->p);
	x->levels = levels > 0 ? levels : 72;
	x->tin = input_seconds(&x->p, &x->base);
	x->unit = compute_unit(&x->p, &x->base);
	x->q.model = model;
	x->q.sim = sim;
	x->q.option = option ? option : "";
	x->q.met = met ? met : "";
	x->q.ln_wg = log(x->base.wg);
	x->q.work_sim = x->base.chem + base_prior[P_ATRANS].prior * x->base.species / REF_SPECIES;
	x->q.nested = nested;
	x->q.v12 = x->base.v12;
	prepare_nearby(cat, &x->q, &x->nb);
	return true;
}

/* Central throughput, log sigma and the range multipliers for one case. */
struct verdict {
	double day_s;                /* central seconds per simulated day */
	double low_mult, high_mult;  /* wall-time multipliers for the range */
	enum gcr_confidence conf;
	bool disputed;
	int near_user;
	double sigma;
};

static void judge(const struct gcr_catalog *cat, const struct spec_ctx *x, const struct mcase *c,
		  struct verdict *v)
{
	const struct gcr_cpu_family *fam = &cat->families[c->family];
	struct nearness nr;
	double raw = x->tin + x->unit * parallel_factor(&x->p, c) / x->p.speed[c->family];
	double sfit = cat->params.residual_sd > 0.08 ? cat->params.residual_sd : 0.08;

	near_records(cat, &x->nb, c->family, log((double)c->nodes * c->cores), c->nodes, c->net, &nr);
	v->day_s = raw * exp(-nr.corr);
	v->sigma = sqrt(sfit * sfit + nr.dmin * nr.dmin + nr.sig_loc2);
	if (c->nodes > 1 && c->net == 2)
		v->sigma = sqrt(v->sigma * v->sigma + 0.2 * 0.2);  /* no EFA data at all */
	v->low_mult = exp(-Z90 * v->sigma);
	v->high_mult = exp(Z90 * v->sigma);
	v->near_user = nr.near_user;
	v->disputed = fam->disputed && nr.near_user == 0;
	if (v->disputed) {
		/* Published data disagree: the range spans them all. */
		v->low_mult /= cat->family_speedup[c->family];
		v->high_mult *= cat->family_slowdown[c->family];
		v->conf = GCR_CONF_LOW;
	} else if (v->sigma <= 0.20) {
		v->conf = GCR_CONF_HIGH;
	} else if (v->sigma <= 0.40) {
		v->conf = GCR_CONF_MEDIUM;
	} else {
		v->conf = GCR_CONF_LOW;
	}
}

/* The cores per node GCHP would use on n nodes: the largest count up to
 * the physical cores with a valid total (divisible by 6, decomposable,
 * within the grid's maximum); 0 when none above half the cores. */
static int gchp_cores_for(const struct gcr_grid *g, int n, int physical, int want)
{
	if (want > 0) {
		int total = n * want;
		return total % 6 == 0 && total <= g->max_cores &&
		       gcr_gchp_decomposition(g->cs_res, total, NULL, NULL) ? want : 0;
	}
	for (int c = physical; c * 2 >= physical && c > 0; c--) {
		int total = n * c;
		if (total % 6 || total > g->max_cores)
			continue;
		if (gcr_gchp_decomposition(g->cs_res, total, NULL, NULL))
			return c;
	}
	return 0;
}

static void fill_costs(struct gcr_estimate_option *o, const struct gcr_price_info *pi,
		       const struct verdict *v, int days, bool spot)
{
	double hours = days * v->day_s / 3600.0;
	double node_price;

	o->throughput_days_per_day = 86400.0 / v->day_s;
	o->wall_hours = hours;
	o->wall_hours_low = hours * v->low_mult;
	o->wall_hours_high = hours * v->high_mult;
	o->price_ondemand_usd_hour = pi->ondemand_usd_hour;
	o->price_spot_usd_hour = pi->spot_usd_hour;
	if (!o->offered) {
		o->cost_ondemand_usd = o->cost_spot_usd = o->cost_low_usd = o->cost_high_usd = -1;
		o->cost_per_sim_day_usd = -1;
		return;
	}
	o->cost_ondemand_usd = hours * o->nodes * pi->ondemand_usd_hour;
	o->cost_spot_usd = hours * o->nodes * pi->spot_usd_hour;
	node_price = spot ? pi->spot_usd_hour : pi->ondemand_usd_hour;
	o->cost_low_usd = o->wall_hours_low * o->nodes * node_price;
	o->cost_high_usd = o->wall_hours_high * o->nodes * node_price;
	o->cost_per_sim_day_usd = (spot ? o->cost_spot_usd : o->cost_ondemand_usd) / days;
}

static void common_notes(struct gcr_estimate_option *o, const struct gcr_catalog *cat,
			 const struct gcr_instance_type *it, const struct gcr_price_info *pi,
			 const struct verdict *v, bool spot, enum gcr_model model)
{
	const struct gcr_cpu_family *fam = gcr_catalog_find_family(cat, it->family);

	if (!o->offered)
		note(o, pi->source ? GCR_NOTE_NOT_OFFERED : GCR_NOTE_NO_PRICE, 0, 0);
	if (o->memory_fit != GCR_FIT_FITS)
		note(o, GCR_NOTE_MEMORY, o->memory_need_gib, o->memory_gib);
	if (v->disputed)
		note(o, GCR_NOTE_DISPUTED_ARCH, 0, 0);
	if (fam && fam->no_container_image && model == GCR_MODEL_CLASSIC)
		note(o, GCR_NOTE_NO_CONTAINER_IMAGE, 0, 0);
	if (v->near_user)
		note(o, GCR_NOTE_USER_MEASURED, v->near_user, 0);
	else if (v->conf == GCR_CONF_LOW && !v->disputed)
		note(o, GCR_NOTE_FAR_FROM_DATA, 0, 0);
	if (spot && o->offered && !pi->spot_available)
		note(o, GCR_NOTE_NO_SPOT, 0, 0);
	else if (spot && o->offered && pi->spot_estimated)
		note(o, GCR_NOTE_SPOT_ESTIMATED, it->spot_discount, 0);
	if (o->offered && pi->live)
		note(o, GCR_NOTE_PRICE_LIVE, pi->age_hours, 0);
	else if (o->offered && pi->derived)
		note(o, GCR_NOTE_PRICE_DERIVED, 0, 0);
}

static int cmp_wall_then_cost(const void *a, const void *b, void *arg)
{
	const struct gcr_estimate_result *res = ((void **)arg)[0];
	bool spot = *(bool *)((void **)arg)[1];
	const struct gcr_estimate_option *x = &res->options[*(const int *)a];
	const struct gcr_estimate_option *y = &res->options[*(const int *)b];
	double cx = spot ? x->cost_spot_usd : x->cost_ondemand_usd;
	double cy = spot ? y->cost_spot_usd : y->cost_ondemand_usd;

	if (x->wall_hours != y->wall_hours)
		return x->wall_hours < y->wall_hours ? -1 : 1;
	return cx < cy ? -1 : cx > cy;
}

/* Cheapest, fastest and the Pareto front of one pricing mode.  pick->pareto
 * holds the n eligible options sorted by wall time on entry. */
static void pareto_front(struct gcr_estimate_result *res, struct gcr_estimate_pick *pick, size_t n,
			 bool spot)
{
	size_t kept = 0;
	double best = DBL_MAX;

	pick->cheapest = pick->fastest = -1;
	pick->npareto = 0;
	if (n == 0)
		return;
	pick->fastest = pick->pareto[0];
	for (size_t k = 0; k < n; k++) {
		const struct gcr_estimate_option *o = &res->options[pick->pareto[k]];
		double c = spot ? o->cost_spot_usd : o->cost_ondemand_usd;
		if (c < best * (1 - 1e-9)) {
			best = c;
			pick->pareto[kept++] = pick->pareto[k];
		}
	}
	pick->npareto = kept;
	pick->cheapest = pick->pareto[kept - 1];
}

/* Only offered options that fit and are not disputed are recommended.  One
 * sort by wall time serves both pricing modes (wall time does not depend
 * on the price; ties fall back to on-demand cost). */
static void recommend_all(struct gcr_estimate_result *res)
{
	bool spot = false;
	void *arg[2] = { res, &spot };
	size_t n = 0;

	for (size_t i = 0; i < res->noptions; i++) {
		const struct gcr_estimate_option *o = &res->options[i];
		if (o->offered && o->memory_fit != GCR_FIT_NO && !o->disputed)
			res->ondemand.pareto[n++] = (int)i;
	}
	qsort_r(res->ondemand.pareto, n, sizeof res->ondemand.pareto[0], cmp_wall_then_cost, arg);
	memcpy(res->spot_pick.pareto, res->ondemand.pareto, n * sizeof res->ondemand.pareto[0]);
	pareto_front(res, &res->ondemand, n, false);
	pareto_front(res, &res->spot_pick, n, true);
}

static bool listed(const char *const *types, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(types[i], id) == 0)
			return true;
	return false;
}

enum gcr_status gcr_estimate(const struct gcr_catalog *cat, const struct gcr_spec *spec,
			     const struct gcr_estimate_request *req,
			     struct gcr_estimate_result *res, struct gcr_error *err)
{
	static const struct gcr_estimate_request none;
	const struct gcr_grid *grid = gcr_catalog_find_grid(cat, spec->grid);
	const char *region = *spec->region ? spec->region : GCR_DEFAULT_REGION;
	const char *single[1];
	const char *const *types;
	size_t ntypes;
	struct spec_ctx x;
	int nmin, nmax, want_cpn;
	time_t now;
	bool met_derived;
	double met_gb;

	if (!req)
		req = &none;
	res->noptions = 0;
	res->ondemand.npareto = res->spot_pick.npareto = 0;
	res->ondemand.cheapest = res->ondemand.fastest = -1;
	res->spot_pick.cheapest = res->spot_pick.fastest = -1;
	if (spec->model == GCR_MODEL_NONE || !grid ||
	    !make_ctx(cat, spec->model, spec->simulation, spec->option, spec->met, spec->grid,
		      spec->domain, spec->levels, cat->version, &x))
		return gcr_error_set(err, GCR_ERR_INVALID,
				     _("the spec is incomplete or invalid: choose model, simulation, "
				       "meteorology and grid from the catalog"));
	x.days = gcr_spec_simulated_days(spec);
	if (x.days <= 0)
		return gcr_error_set(err, GCR_ERR_INVALID, _("the run simulates no days"));

	res->simulated_days = x.days;
	snprintf(res->region, sizeof res->region, "%s", region);
	res->spot = spec->spot;
	met_gb = x.base.met_gb_day * x.days;
	met_derived = false;
	met_gb_per_day(cat, spec->model, spec->met, spec->grid, spec->domain, &met_derived);
	res->met_volume_derived = met_derived;
	res->met_data_gib = met_gb * 1e9 / GIB;
	res->input_data_gib = (met_gb + cat->other_inputs_gb) * 1e9 / GIB;
	res->input_storage_usd_month = (met_gb + cat->other_inputs_gb) * cat->s3_usd_per_gb_month;
	res->prices_live = false;
	res->price_age_hours = -1;

	if (req->ninstance_types) {
		types = req->instance_types;
		ntypes = req->ninstance_types;
	} else if (*spec->instance_type) {
		single[0] = spec->instance_type;
		types = single;
		ntypes = 1;
	} else {
		types = NULL;
		ntypes = 0;
	}
	for (size_t i = 0; i < ntypes; i++)
		if (!gcr_catalog_find_instance(cat, types[i]))
			return gcr_error_set(err, GCR_ERR_INVALID, _("unknown instance type '%s'"), types[i]);
	if (spec->model == GCR_MODEL_GCHP) {
		nmin = req->nodes_min > 0 ? req->nodes_min : spec->nodes > 0 ? spec->nodes : 1;
		nmax = req->nodes_max > 0 ? req->nodes_max : spec->nodes > 0 ? spec->nodes : GCR_ESTIMATE_MAX_NODES;
		if (req->nodes_min <= 0 && req->nodes_max <= 0 && spec->nodes <= 0) {
			nmin = 1;
			nmax = GCR_ESTIMATE_MAX_NODES;
		}
		if (nmax < nmin)
			nmax = nmin;
	} else {
		nmin = nmax = 1;
	}
	want_cpn = req->cores_per_node > 0 ? req->cores_per_node : spec->cores_per_node;
	now = req->now ? req->now : time(NULL);
	if (!reserve(res, cat->ninstances * (size_t)(nmax - nmin + 1) + 1))
		return gcr_error_set(err, GCR_ERR_NOMEM, _("out of memory"));

	for (size_t ii = 0; ii < cat->ninstances; ii++) {
		const struct gcr_instance_type *it = &cat->instances[ii];
		struct gcr_price_info pi;
		bool explicit_type = ntypes > 0;
		size_t first = res->noptions;
		int family = gcr_catalog_family_index(cat, it->family);

		if (explicit_type && !listed(types, ntypes, it->id))
			continue;
		if (!gcr_catalog_price(cat, it->id, region, now, &pi)) {
			if (!explicit_type)
				continue;
			pi.offered = false;
			pi.source = NULL;
		} else if (!pi.offered && !explicit_type) {
			continue;
		}
		for (int n = nmin; n <= nmax; n++) {
			struct gcr_estimate_option *o = &res->options[res->noptions];
			struct mcase c = x.base;
			struct verdict v;
			double gather = 0;

			c.family = family;
			c.nodes = n;
			if (spec->model == GCR_MODEL_CLASSIC) {
				c.threads = want_cpn > 0 ? want_cpn : it->vcpus;
				c.cores = c.threads < it->cores ? c.threads : it->cores;
			} else {
				c.cores = gchp_cores_for(grid, n, it->cores, want_cpn);
				if (c.cores == 0) {
					if ((double)n * it->cores / 2 > grid->max_cores)
						break;
					continue;
				}
				c.threads = c.cores;
			}
			c.net = n > 1 ? (it->efa ? 1 : 2) : 0;
			judge(cat, &x, &c, &v);

			memset(o, 0, sizeof *o);
			snprintf(o->instance_type, sizeof o->instance_type, "%s", it->id);
			o->instance = it;
			o->arch = it->arch;
			o->nodes = n;
			o->cores_per_node = c.cores;
			o->cores = n * c.cores;
			o->threads_per_node = c.threads;
			o->offered = pi.offered && pi.ondemand_usd_hour > 0;
			o->price_live = pi.live;
			o->price_source = pi.source;
			o->price_date = pi.date;
			o->price_age_hours = pi.age_hours;
			o->memory_gib = it->memory_gib;
			o->input_data_gib = res->input_data_gib;
			o->confidence = v.conf;
			o->disputed = v.disputed;
			if (spec->model == GCR_MODEL_CLASSIC)
				o->memory_need_gib = classic_memory(cat, &c, x.cols, x.levels, c.threads);
			else
				o->memory_need_gib = gchp_memory(cat, &c, x.cols, n, c.cores, &gather);
			o->memory_fit = memory_verdict(o->memory_need_gib, it->memory_gib);
			fill_costs(o, &pi, &v, x.days, spec->spot);
			common_notes(o, cat, it, &pi, &v, spec->spot, spec->model);
			if (spec->model == GCR_MODEL_CLASSIC) {
				if (c.threads > c.cores)
					note(o, GCR_NOTE_HYPERTHREADS, c.threads, c.cores);
				if (x.q.nested)
					note(o, GCR_NOTE_NESTED_BOUNDARY, 0, 0);
			} else {
				if (c.cores < it->cores)
					note(o, GCR_NOTE_CORES_ADJUSTED, c.cores, it->cores);
				if (n > 1 && !it->efa)
					note(o, GCR_NOTE_NO_EFA, 0, 0);
				if (o->cores > 1000)
					note(o, GCR_NOTE_OUTPUT_SERVER, 0, 0);
				if (gather > 0.25 * o->memory_need_gib && o->memory_fit != GCR_FIT_FITS)
					note(o, GCR_NOTE_CHECKPOINT_MEMORY, gather, 0);
			}
			if (pi.live && (res->price_age_hours < 0 || pi.age_hours > res->price_age_hours)) {
				res->prices_live = true;
				res->price_age_hours = pi.age_hours;
			}
			res->noptions++;
		}
		/* GCHP: mark node counts past the efficient point (parallel
		 * efficiency below 50% of the smallest count that fits). */
		if (spec->model == GCR_MODEL_GCHP && res->noptions - first > 1) {
			const struct gcr_estimate_option *base = NULL;
			int efficient = 0;
			for (size_t k = first; k < res->noptions; k++) {
				const struct gcr_estimate_option *o = &res->options[k];
				if (o->memory_fit == GCR_FIT_NO)
					continue;
				if (!base)
					base = o;
				if (o->throughput_days_per_day / base->throughput_days_per_day >=
				    0.5 * o->cores / base->cores)
					efficient = o->nodes;
			}
			for (size_t k = first; base && k < res->noptions; k++)
				if (res->options[k].nodes > efficient)
					note(&res->options[k], GCR_NOTE_PAST_EFFICIENT, efficient, 0);
		}
	}
	if (res->noptions == 0) {
		bool priced = false;
		struct gcr_price_info pi;
		for (size_t ii = 0; ii < cat->ninstances && !priced; ii++)
			priced = gcr_catalog_price(cat, cat->instances[ii].id, region, now, &pi);
		if (!priced)
			return gcr_error_set(err, GCR_ERR_INVALID,
					     _("no prices known for %s: run 'gcrunner prices refresh --region %s', "
					       "or estimate for us-east-1, us-east-2, us-west-2 or eu-west-1"),
					     region, region);
		return gcr_error_set(err, GCR_ERR_INVALID,
				     _("no instance type can run this spec in %s (check --instance, "
				       "--nodes and --cores-per-node)"), region);
	}
	recommend_all(res);
	return GCR_OK;
}

static int cmp_cost(const void *a, const void *b, void *arg)
{
	bool spot = *(bool *)arg;
	const struct gcr_estimate_option *x = a, *y = b;
	double cx = spot ? x->cost_spot_usd : x->cost_ondemand_usd;
	double cy = spot ? y->cost_spot_usd : y->cost_ondemand_usd;

	if (x->offered != y->offered)
		return x->offered ? -1 : 1;
	if ((x->memory_fit == GCR_FIT_NO) != (y->memory_fit == GCR_FIT_NO))
		return x->memory_fit == GCR_FIT_NO ? 1 : -1;
	if (cx != cy)
		return cx < cy ? -1 : 1;
	if (x->wall_hours != y->wall_hours)
		return x->wall_hours < y->wall_hours ? -1 : 1;
	return strcmp(x->instance_type, y->instance_type);
}

void gcr_estimate_sort_by_cost(struct gcr_estimate_result *res)
{
	bool spot = res->spot;

	qsort_r(res->options, res->noptions, sizeof res->options[0], cmp_cost, &spot);
	recommend_all(res);
}

const char *gcr_estimate_note_text(const struct gcr_estimate_note *n,
				   const struct gcr_estimate_result *res, char *buf, size_t len)
{
	const char *region = res && *res->region ? res->region : GCR_DEFAULT_REGION;

	switch (n->code) {
	case GCR_NOTE_NOT_OFFERED:
		snprintf(buf, len, _("not offered in %s"), region);
		break;
	case GCR_NOTE_NO_PRICE:
		snprintf(buf, len, _("no price known for %s: run 'gcrunner prices refresh'"), region);
		break;
	case GCR_NOTE_SPOT_ESTIMATED:
		snprintf(buf, len, _("spot price estimated as %.0f%% below on-demand (typical discount)"),
			 n->a * 100);
		break;
	case GCR_NOTE_PRICE_DERIVED:
		snprintf(buf, len, _("price derived from us-east-1 (no published figure for %s)"), region);
		break;
	case GCR_NOTE_PRICE_LIVE:
		snprintf(buf, len, _("live price, %.1f hours old"), n->a);
		break;
	case GCR_NOTE_DISPUTED_ARCH:
		snprintf(buf, len, _("Graviton: published GEOS-Chem timings disagree (from 1/8 of x86 to "
				     "faster); wide range until your own run calibrates it"));
		break;
	case GCR_NOTE_NO_CONTAINER_IMAGE:
		snprintf(buf, len, _("no official GEOS-Chem container image for arm64: build your own"));
		break;
	case GCR_NOTE_MEMORY:
		snprintf(buf, len, _("needs about %.0f GiB per node of %.0f GiB"), n->a, n->b);
		break;
	case GCR_NOTE_NO_EFA:
		snprintf(buf, len, _("no EFA: multi-node runs are slower and less certain"));
		break;
	case GCR_NOTE_PAST_EFFICIENT:
		snprintf(buf, len, _("past the efficient point (%.0f nodes): more nodes mostly add cost"), n->a);
		break;
	case GCR_NOTE_CORES_ADJUSTED:
		snprintf(buf, len, _("%.0f of %.0f cores per node, for a valid GCHP core count"), n->a, n->b);
		break;
	case GCR_NOTE_FAR_FROM_DATA:
		snprintf(buf, len, _("far from any measured run: wide range"));
		break;
	case GCR_NOTE_USER_MEASURED:
		snprintf(buf, len, P_("calibrated by %.0f of your own runs", "calibrated by %.0f of your own runs",
				      (unsigned long)n->a), n->a);
		break;
	case GCR_NOTE_OUTPUT_SERVER:
		snprintf(buf, len, _("over 1000 cores: enable the MAPL output server"));
		break;
	case GCR_NOTE_HYPERTHREADS:
		snprintf(buf, len, _("%.0f OpenMP threads on %.0f cores (hyper-threading adds 10-20%%)"),
			 n->a, n->b);
		break;
	case GCR_NOTE_NESTED_BOUNDARY:
		snprintf(buf, len, _("nested domain: needs boundary conditions from a global run"));
		break;
	case GCR_NOTE_CHECKPOINT_MEMORY:
		snprintf(buf, len, _("writing a checkpoint gathers about %.0f GiB on the first node"), n->a);
		break;
	case GCR_NOTE_NO_SPOT:
		snprintf(buf, len, _("no spot market for this type: priced on-demand"));
		break;
	default:
		snprintf(buf, len, "?");
		break;
	}
	return buf;
}

bool gcr_estimate_check_benchmark(const struct gcr_catalog *cat, size_t i,
				  struct gcr_benchmark_check *out)
{
	const struct gcr_benchmark *b;
	struct spec_ctx x;
	struct mcase c;
	struct verdict v;
	long cols;
	bool nested;

	memset(out, 0, sizeof *out);
	if (i >= cat->nbenchmarks || !cat->bench_fit[i].placed)
		return false;
	b = &cat->benchmarks[i];
	if (!make_ctx(cat, b->model, b->simulation, b->option, b->met, b->grid, b->domain, b->levels,
		      b->version, &x) ||
	    !bench_case(cat, b, &c, &cols, &nested))
		return false;
	judge(cat, &x, &c, &v);
	out->measured = b->throughput_days_per_day;
	if (b->relative && out->measured > 0)
		out->measured *= exp(group_offset(cat, b->group));
	out->predicted = 86400.0 / v.day_s;
	out->low = out->predicted / v.high_mult;
	out->high = out->predicted / v.low_mult;
	out->confidence = v.conf;
	if (b->model == GCR_MODEL_CLASSIC) {
		out->memory_need_gib = classic_memory(cat, &c, x.cols, x.levels, c.threads);
	} else {
		double gather;
		out->memory_need_gib = gchp_memory(cat, &c, x.cols, c.nodes, c.cores, &gather);
	}
	out->memory_fit = b->node_memory_gib > 0 ? memory_verdict(out->memory_need_gib, b->node_memory_gib)
						 : GCR_FIT_FITS;
	return true;
}
