/* screen_dashboard.c: the list of runs, its rows, sorting and filtering,
 * the actions on runs (cancel, resubmit), run-end notifications and the
 * switching between the dashboard's views and the wizard
 * (screen_dashboard.h). */
#include "config.h"

#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <wchar.h>

#include <curses.h>

#include "i18n.h"
#include "log.h"
#include "paths.h"
#include "submit/submit.h"
#include "ui/cluster_panel.h"
#include "ui/draw.h"
#include "ui/notify.h"
#include "ui/screen_dashboard.h"
#include "ui/session.h"
#include "ui/text.h"
#include "ui/theme.h"
#include "ui/wizard.h"

#define DASH_MESSAGE_MAX 512

enum { PROMPT_FILTER = 1 };
enum { HIT_ROW = 300 };

struct dashboard {
	struct ui_session *session;       /* borrowed */
	struct gcr_runs *runs;            /* borrowed; NULL: no model */
	char why[GCR_ERROR_MESSAGE_MAX];  /* why there is no model */
	struct ui_app *app;
	const struct ui_view_ops *wiz_ops;
	void *wiz_data;

	struct dash_row *rows;
	size_t nrows, cap;
	size_t *order;
	size_t norder;
	bool stale;                       /* the model changed: copy the rows again */
	/* A change is copied in slices on the loop (REBUILD_SLICE rows or
	 * REBUILD_BUDGET_MS per pass) into next_rows while rows stays shown,
	 * then swapped in: no pass holds the loop for all 10,000 runs. */
	struct gcr_run *scratch;          /* one run, reused for every copy */
	struct dash_row *next_rows;
	size_t next_n, next_cap, next_done;
	bool rebuilding;
	bool in_place;                    /* the copy goes over rows, not next_rows */
	uv_idle_t rebuild;
	bool rebuild_open;
	bool reorder;                     /* sort or filter changed */
	enum dash_sort sort;
	enum dash_filter filter;
	char filter_text[256];
	size_t cursor, top;               /* positions in order[] */
	char cursor_sim[64];              /* keeps the cursor on its run across changes */
	size_t nmarked;

	struct dash_prompt prompt;
	char message[DASH_MESSAGE_MAX];
	enum ui_role message_role;

	/* The question being asked (cancel, resubmit). */
	char (*ask_sims)[64];
	size_t nask;
	struct gcr_spec resubmit_spec;
	char resubmit_from[64];
	char resubmit_sim[64];            /* the id the budget question was about */
	bool resubmit_over_budget;
	struct gcr_submit *submitting;
	/* A Slurm/ParallelCluster resubmission cannot be cancelled half-way
	 * (backend submit): when the dashboard goes first, the ticket is cut
	 * loose and only frees itself when the answer comes. */
	struct resubmit_ticket {
		struct dashboard *d;
	} *cluster_submitting;

	struct run_page *page;            /* the open run page, or NULL */
	struct results_state *results;
	const struct ui_view_ops *results_back;   /* where Esc on the results goes */
	int saves;                        /* saves in the thread pool */
	bool freeing;
	size_t nactive;                   /* rows that run (their time and cost tick) */
	uv_timer_t tick;                  /* repaints each second while something ticks */
	bool tick_open;
	/* Run ends are told once per loop pass: many at once (a first
	 * refresh of old runs) make one message and one bell. */
	uv_timer_t ended_timer;
	bool ended_open;
	size_t nended;
	char ended_sim[64];
	char ended_body[512];
	enum gcr_run_state ended_state;
	int64_t shown_refresh_ms;         /* the refresh state the status line shows */
	int64_t shown_next_ms;
	char shown_trouble[64];
	struct cluster_panel *cluster;    /* the ParallelCluster line (cluster_panel.h) */
};

/* ---- formats ------------------------------------------------------------------------ */

void dash_format_duration(int64_t s, char *buf, size_t len)
{
	if (s < 0)
		snprintf(buf, len, "%s", "-");
	else if (s < 60)
		snprintf(buf, len, _("%llds"), (long long)s);
	else if (s < 3600)
		snprintf(buf, len, _("%lldm"), (long long)(s / 60));
	else if (s < 86400)
		snprintf(buf, len, _("%lldh%02lldm"), (long long)(s / 3600), (long long)(s / 60 % 60));
	else
		snprintf(buf, len, _("%lldd%02lldh"), (long long)(s / 86400), (long long)(s / 3600 % 24));
}

void dash_format_bytes(uint64_t bytes, char *buf, size_t len)
{
	static const char *const units[] = { "B", "kB", "MB", "GB", "TB" };
	double v = (double)bytes;
	int u = 0;

	while (v >= 1000.0 && u < 4) {
		v /= 1000.0;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%llu %s", (unsigned long long)bytes, units[0]);
	else
		snprintf(buf, len, v < 10 ? "%.1f %s" : "%.0f %s", v, units[u]);
}

void dash_format_bar(double fraction, int width, char *buf, size_t len)
{
	const char *full = ui_theme_is_utf8() ? "\u2588" : "#";
	const char *empty = ui_theme_is_utf8() ? "\u2591" : "-";
	size_t used = 0;
	int filled;

	if (fraction < 0)
		fraction = 0;
	if (fraction > 1)
		fraction = 1;
	filled = (int)(fraction * width + 0.5);
	buf[0] = '\0';
	for (int i = 0; i < width; i++) {
		const char *g = i < filled ? full : empty;
		size_t gl = strlen(g);
		if (used + gl + 1 > len)
			break;
		memcpy(buf + used, g, gl);
		used += gl;
		buf[used] = '\0';
	}
}

/* ---- rows ------------------------------------------------------------------------------ */

static bool is_running(enum gcr_run_state s)
{
	return s == GCR_RUN_RUNNING || s == GCR_RUN_STARTING;
}

/* One shared copy per distinct text, for the rest of the process (cut as
 * the fixed fields were: 32 bytes for a native state, 200 for an
 * explanation).  Open addressing; the table is at most half full. */
static uint32_t text_hash(const char *s)
{
	uint32_t h = 2166136261u;   /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static const char *row_text(const char *s, size_t max)
{
	static char **slots;
	static size_t cap, used;
	char cut[200];
	size_t i;

	if (!s || !*s)
		return "";
	ui_text_copy(cut, max < sizeof cut ? max : sizeof cut, s);
	if (2 * (used + 1) > cap) {
		size_t ncap = cap ? cap * 2 : 64;
		char **n = calloc(ncap, sizeof *n);
		if (!n)
			abort();
		for (size_t k = 0; k < cap; k++) {
			if (!slots[k])
				continue;
			for (i = text_hash(slots[k]) & (ncap - 1); n[i]; i = (i + 1) & (ncap - 1))
				;
			n[i] = slots[k];
		}
		free(slots);
		slots = n;
		cap = ncap;
	}
	for (i = text_hash(cut) & (cap - 1); slots[i]; i = (i + 1) & (cap - 1))
		if (strcmp(slots[i], cut) == 0)
			return slots[i];
	if (!(slots[i] = strdup(cut)))
		abort();
	used++;
	return slots[i];
}

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

void dash_row_from_run(struct dash_row *row, const struct gcr_run *run, int64_t now_ms)
{
	bool marked = row->marked;

	memset(row, 0, sizeof *row);
	row->marked = marked;
	ui_text_copy(row->sim_id, sizeof row->sim_id, run->sim_id);
	ui_text_copy(row->job_id, sizeof row->job_id, run->status.job_id);
	ui_text_copy(row->name, sizeof row->name, run->name[0] ? run->name : run->sim_id);
	ui_text_copy(row->summary, sizeof row->summary, run->summary);
	ui_text_copy(row->instance, sizeof row->instance, run->instance_type);
	row->native_state = row_text(run->status.native_state, 32);
	row->explanation = row_text(run->status.explanation[0] ? run->status.explanation
				    : run->status.reason, 200);
	row->target = run->target;
	row->state = run->status.state;
	row->nodes = run->nodes > 0 ? run->nodes : 1;
	row->spot = run->spot;
	row->progress = run->progress;
	row->elapsed_s = run->elapsed_s;
	row->eta_s = run->eta_s;
	row->cost = run->cost_so_far_usd;
	row->cost_unknown = run->cost_unknown;
	row->estimate = run->cost_estimate_usd;
	row->price = run->price_per_node_hour_usd;
	row->created_ms = run->created_ms;
	row->copied_ms = now_ms;
}

int64_t dash_row_elapsed(const struct dash_row *row, int64_t now_ms)
{
	if (row->state != GCR_RUN_RUNNING || row->elapsed_s < 0 || now_ms < row->copied_ms)
		return row->elapsed_s;
	return row->elapsed_s + (now_ms - row->copied_ms) / 1000;
}

double dash_row_cost(const struct dash_row *row, int64_t now_ms)
{
	if (!is_running(row->state) || now_ms < row->copied_ms || row->price <= 0)
		return row->cost;
	return row->cost + row->price * row->nodes * (double)(now_ms - row->copied_ms) / 3.6e6;
}

int64_t dash_row_eta(const struct dash_row *row, int64_t now_ms)
{
	int64_t eta;

	if (row->eta_s < 0 || row->state != GCR_RUN_RUNNING || now_ms < row->copied_ms)
		return row->eta_s;
	eta = row->eta_s - (now_ms - row->copied_ms) / 1000;
	return eta > 0 ? eta : 0;
}

static bool contains_ci(const char *hay, const char *needle)
{
	return hay && strcasestr(hay, needle) != NULL;
}

bool dash_row_matches(const struct dash_row *row, enum dash_filter f, const char *text)
{
	bool final = gcr_run_state_is_final(row->state);

	switch (f) {
	case DASH_FILTER_ALL:
		break;
	case DASH_FILTER_ACTIVE:
		if (final)
			return false;
		break;
	case DASH_FILTER_RUNNING:
		if (!is_running(row->state))
			return false;
		break;
	case DASH_FILTER_WAITING:
		if (row->state != GCR_RUN_QUEUED && row->state != GCR_RUN_INTENT)
			return false;
		break;
	case DASH_FILTER_FAILED:
		if (row->state != GCR_RUN_FAILED)
			return false;
		break;
	case DASH_FILTER_SUCCEEDED:
		if (row->state != GCR_RUN_SUCCEEDED)
			return false;
		break;
	case DASH_FILTER_CANCELLED:
		if (row->state != GCR_RUN_CANCELLED)
			return false;
		break;
	case DASH_FILTER_COUNT:
		break;
	}
	if (!text || !*text)
		return true;
	return contains_ci(row->name, text) || contains_ci(row->sim_id, text) ||
	       contains_ci(row->job_id, text) || contains_ci(row->summary, text) ||
	       contains_ci(row->instance, text) || contains_ci(row->native_state, text) ||
	       contains_ci(gcr_run_state_label(row->state), text) ||
	       contains_ci(gcr_run_state_id(row->state), text);
}

/* Running first, then starting, waiting, and the ended ones. */
static int status_rank(enum gcr_run_state s)
{
	switch (s) {
	case GCR_RUN_RUNNING: return 0;
	case GCR_RUN_STARTING: return 1;
	case GCR_RUN_QUEUED: return 2;
	case GCR_RUN_INTENT: return 3;
	case GCR_RUN_FAILED: return 4;
	case GCR_RUN_CANCELLED: return 5;
	case GCR_RUN_SUCCEEDED: return 6;
	case GCR_RUN_UNKNOWN: break;
	}
	return 7;
}

static const struct dash_row *sort_rows;
static enum dash_sort sort_key;

static int compare_rows(const void *a, const void *b)
{
	size_t ia = *(const size_t *)a, ib = *(const size_t *)b;
	const struct dash_row *x = &sort_rows[ia], *y = &sort_rows[ib];

	if (sort_key == DASH_SORT_COST && x->cost != y->cost)
		return x->cost > y->cost ? -1 : 1;
	if (sort_key == DASH_SORT_STATUS && status_rank(x->state) != status_rank(y->state))
		return status_rank(x->state) < status_rank(y->state) ? -1 : 1;
	if (x->created_ms != y->created_ms)
		return x->created_ms > y->created_ms ? -1 : 1;
	/* The model's order (newest first) breaks ties: qsort is not stable. */
	return ia < ib ? -1 : ia > ib;
}

size_t dash_rows_order(const struct dash_row *rows, size_t n, enum dash_sort sort,
		       enum dash_filter f, const char *text, size_t *order)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (dash_row_matches(&rows[i], f, text))
			order[k++] = i;
	sort_rows = rows;
	sort_key = sort;
	qsort(order, k, sizeof *order, compare_rows);
	return k;
}

const char *dash_sort_label(enum dash_sort s)
{
	switch (s) {
	case DASH_SORT_TIME: return _("newest first");
	case DASH_SORT_COST: return _("highest cost first");
	case DASH_SORT_STATUS: return _("by status");
	case DASH_SORT_COUNT: break;
	}
	return "";
}

const char *dash_filter_label(enum dash_filter f)
{
	switch (f) {
	case DASH_FILTER_ALL: return _("all");
	case DASH_FILTER_ACTIVE: return _("active");
	case DASH_FILTER_RUNNING: return _("running");
	case DASH_FILTER_WAITING: return _("waiting");
	case DASH_FILTER_FAILED: return _("failed");
	case DASH_FILTER_SUCCEEDED: return _("succeeded");
	case DASH_FILTER_CANCELLED: return _("cancelled");
	case DASH_FILTER_COUNT: break;
	}
	return "";
}

/* ---- the prompt ----------------------------------------------------------------------- */

void dash_prompt_open(struct dash_prompt *p, int purpose, const char *label, const char *text)
{
	p->open = true;
	p->purpose = purpose;
	ui_text_copy(p->label, sizeof p->label, label);
	ui_text_copy(p->text, sizeof p->text, text ? text : "");
	p->caret = strlen(p->text);
}

static size_t prev_char(const char *s, size_t at)
{
	if (at == 0)
		return 0;
	at--;
	while (at > 0 && ((unsigned char)s[at] & 0xc0) == 0x80)
		at--;
	return at;
}

int dash_prompt_key(struct dash_prompt *p, const struct ui_event *ev)
{
	size_t len = strlen(p->text);

	if (ev->kind != UI_EV_KEY)
		return 0;
	if (!ev->is_keycode && (ev->key == '\n' || ev->key == '\r')) {
		p->open = false;
		return 1;
	}
	if (ev->is_keycode && ev->key == KEY_ENTER) {
		p->open = false;
		return 1;
	}
	if (!ev->is_keycode && ev->key == 27) {
		p->open = false;
		return -1;
	}
	if ((ev->is_keycode && ev->key == KEY_BACKSPACE) ||
	    (!ev->is_keycode && (ev->key == 127 || ev->key == 8))) {
		size_t start = prev_char(p->text, p->caret);
		memmove(p->text + start, p->text + p->caret, len - p->caret + 1);
		p->caret = start;
		return 0;
	}
	if (ev->is_keycode && ev->key == KEY_LEFT) {
		p->caret = prev_char(p->text, p->caret);
		return 0;
	}
	if (ev->is_keycode && ev->key == KEY_RIGHT) {
		if (p->caret < len)
			p->caret += ui_utf8_sequence_length(p->text + p->caret, len - p->caret);
		return 0;
	}
	if (ev->is_keycode && ev->key == KEY_HOME) {
		p->caret = 0;
		return 0;
	}
	if (ev->is_keycode && ev->key == KEY_END) {
		p->caret = len;
		return 0;
	}
	if (!ev->is_keycode && ev->key == ('u' & 0x1f)) {
		p->text[0] = '\0';
		p->caret = 0;
		return 0;
	}
	if (!ev->is_keycode && ev->key >= ' ') {
		char mb[MB_LEN_MAX];
		mbstate_t st;
		size_t n;

		memset(&st, 0, sizeof st);
		n = wcrtomb(mb, (wchar_t)ev->key, &st);
		if (n == (size_t)-1 || len + n >= sizeof p->text)
			return 0;
		memmove(p->text + p->caret + n, p->text + p->caret, len - p->caret + 1);
		memcpy(p->text + p->caret, mb, n);
		p->caret += n;
	}
	return 0;
}

void dash_prompt_draw(const struct dash_prompt *p, int y, int cols)
{
	int x = ui_draw_text(y, 0, cols, UI_ROLE_KEY, p->label);
	int w = cols - x - 2, caret_col, start_col = 0;
	size_t start = 0;

	if (w < 4)
		return;
	caret_col = ui_text_width_n(p->text, p->caret);
	/* Scroll so the caret stays visible. */
	while (caret_col - start_col >= w && p->text[start]) {
		size_t n = ui_utf8_sequence_length(p->text + start, strlen(p->text + start));
		start_col += ui_text_width_n(p->text + start, n);
		start += n;
	}
	ui_draw_fill(y, x + 1, w, UI_ROLE_FIELD);
	ui_draw_text(y, x + 1, w, UI_ROLE_FIELD, p->text + start);
	{
		/* A visible caret: the character under it in reverse. */
		int cx = x + 1 + caret_col - start_col;
		if (cx < cols)
			mvchgat(y, cx, 1, A_REVERSE, 0, NULL);
	}
}

/* ---- the model -------------------------------------------------------------------------- */

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int compare_ids(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

enum { REBUILD_SLICE = 500 };
#define REBUILD_BUDGET_MS 4.0

/* Starts copying the model's runs (from the first): over the shown rows
 * when the model holds the same number of runs (a change of states,
 * progress or cost; each row is whole, old or new, at any moment), else
 * into next_rows, swapped in at the end. */
static void rebuild_begin(struct dashboard *d)
{
	size_t n = d->runs ? gcr_runs_count(d->runs) : 0;

	if (!d->scratch && !(d->scratch = malloc(sizeof *d->scratch)))
		abort();
	d->in_place = n > 0 && n == d->nrows;
	if (!d->in_place && (n > d->next_cap || !d->next_rows)) {
		size_t cap = n + n / 4 + 16;
		free(d->next_rows);
		if (!(d->next_rows = malloc(cap * sizeof *d->next_rows)))
			abort();
		d->next_cap = cap;
	}
	d->next_n = n;
	d->next_done = 0;
	d->rebuilding = true;
	d->stale = false;
}

/* Run `done` is not the shown row's run (runs came or went in the middle
 * of a copy over the shown rows): the rest goes to a new array. */
static void rebuild_leave_place(struct dashboard *d, size_t done)
{
	size_t cap = d->next_n + d->next_n / 4 + 16;

	free(d->next_rows);
	if (!(d->next_rows = malloc(cap * sizeof *d->next_rows)))
		abort();
	d->next_cap = cap;
	memcpy(d->next_rows, d->rows, done * sizeof *d->rows);
	d->in_place = false;
}

/* The copy is complete: it replaces the shown rows, marks follow their
 * runs, and the list is ordered again. */
static void rebuild_swap(struct dashboard *d)
{
	char (*marked)[64] = NULL;
	size_t nm = 0;

	if (!d->in_place) {
		if (d->nmarked) {
			marked = calloc(d->nmarked, sizeof *marked);
			for (size_t i = 0; marked && i < d->nrows; i++)
				if (d->rows[i].marked && nm < d->nmarked)
					memcpy(marked[nm++], d->rows[i].sim_id, 64);
			if (marked)
				qsort(marked, nm, sizeof *marked, compare_ids);
		}
		if (d->next_cap > d->cap || !d->order) {
			size_t *order = realloc(d->order, d->next_cap * sizeof *order);
			if (!order)
				abort();
			d->order = order;
		}
		for (size_t i = 0; i < d->next_n; i++) {
			struct dash_row *r = &d->next_rows[i];
			r->marked = nm && r->sim_id[0] &&
				    bsearch(r->sim_id, marked, nm, sizeof *marked, compare_ids);
		}
		free(marked);
		/* The old rows go: between changes only one copy is kept. */
		free(d->rows);
		d->rows = d->next_rows;
		d->cap = d->next_cap;
		d->nrows = d->next_n;
		d->next_rows = NULL;
		d->next_cap = 0;
	}
	d->nmarked = 0;
	d->nactive = 0;
	for (size_t i = 0; i < d->nrows; i++) {
		if (is_running(d->rows[i].state))
			d->nactive++;
		if (d->rows[i].marked)
			d->nmarked++;
	}
	d->rebuilding = false;
	d->reorder = true;
}

/* Copies up to max_rows more runs, stopping early after budget_ms;
 * true when the copy is complete and swapped in. */
static bool rebuild_step(struct dashboard *d, size_t max_rows, double budget_ms)
{
	int64_t now = now_ms();
	double t0 = ui_now_ms();
	size_t done = 0;

	while (d->next_done < d->next_n && done < max_rows) {
		size_t i = d->next_done;
		bool ok = gcr_runs_copy_list_at(d->runs, i, d->scratch);
		struct dash_row *r;

		if (d->in_place && (!ok || strcmp(d->scratch->sim_id, d->rows[i].sim_id) != 0))
			rebuild_leave_place(d, i);
		r = d->in_place ? &d->rows[i] : &d->next_rows[i];
		if (!d->in_place)
			r->marked = false;
		if (ok)
			dash_row_from_run(r, d->scratch, now);   /* keeps r->marked */
		else
			memset(r, 0, sizeof *r);
		d->next_done++;
		/* The clock is read every 50 rows: a read costs about a row. */
		if (++done % 50 == 0 && ui_now_ms() - t0 > budget_ms)
			break;
	}
	gcr_log_debug("dashboard: %zu of %zu runs copied in %.2f ms", done, d->next_n,
		      ui_now_ms() - t0);
	if (d->next_done < d->next_n)
		return false;
	rebuild_swap(d);
	return true;
}

static void on_rebuild(uv_idle_t *h)
{
	struct dashboard *d = h->data;

	if (!d->rebuilding || d->freeing || !d->runs) {
		uv_idle_stop(h);
		return;
	}
	if (rebuild_step(d, REBUILD_SLICE, REBUILD_BUDGET_MS)) {
		uv_idle_stop(h);
		if (d->app)
			ui_app_request_redraw(d->app);
	}
}

/* Copies the runs into rows, keeping the marks: at once when nothing is
 * shown yet (the first frame) or there is no loop, else in slices. */
static void copy_rows(struct dashboard *d)
{
	rebuild_begin(d);
	if (!d->nrows || !d->rebuild_open || !d->runs) {
		double t0 = ui_now_ms();
		rebuild_step(d, SIZE_MAX, 1e300);
		gcr_log_debug("dashboard: %zu runs copied at once in %.1f ms", d->nrows,
			      ui_now_ms() - t0);
		return;
	}
	uv_idle_start(&d->rebuild, on_rebuild);
}

static void order_rows(struct dashboard *d)
{
	d->norder = d->nrows ? dash_rows_order(d->rows, d->nrows, d->sort, d->filter,
					       d->filter_text, d->order) : 0;
	d->reorder = false;
	/* The cursor follows its run. */
	if (d->cursor_sim[0]) {
		for (size_t i = 0; i < d->norder; i++)
			if (strcmp(d->rows[d->order[i]].sim_id, d->cursor_sim) == 0) {
				d->cursor = i;
				return;
			}
	}
	if (d->cursor >= d->norder)
		d->cursor = d->norder ? d->norder - 1 : 0;
}

static void settle(struct dashboard *d)
{
	if (d->stale)
		copy_rows(d);
	if (d->reorder)
		order_rows(d);
}

static const struct dash_row *cursor_row(struct dashboard *d)
{
	settle(d);
	return d->norder ? &d->rows[d->order[d->cursor]] : NULL;
}

static void remember_cursor(struct dashboard *d)
{
	const struct dash_row *r = d->norder ? &d->rows[d->order[d->cursor]] : NULL;
	snprintf(d->cursor_sim, sizeof d->cursor_sim, "%s", r ? r->sim_id : "");
}

/* ---- listeners ------------------------------------------------------------------------------ */

static void on_runs_changed(void *data)
{
	struct dashboard *d = data;

	d->stale = true;
	if (d->app)
		ui_app_request_redraw(d->app);
}

static void tell_ended(uv_timer_t *t)
{
	struct dashboard *d = t->data;
	char body[600];

	const struct gcr_run *run;
	char cost[32];

	if (!d->nended || d->freeing || !d->runs)
		return;
	/* Looked up now, not in the listener: the model's struct gcr_run of
	 * that moment can still hold the state before the end (it is rebuilt
	 * after the change notification, which comes after the listener). */
	run = gcr_runs_find(d->runs, d->ended_sim);
	if (run) {
		wiz_format_usd(run->cost_so_far_usd, cost, sizeof cost);
		snprintf(d->ended_body, sizeof d->ended_body, _("%s: %s (cost %s)"),
			 run->name[0] ? run->name : run->sim_id, gcr_run_state_label(run->status.state), cost);
		d->ended_state = run->status.state;
	}
	if (d->nended == 1)
		snprintf(body, sizeof body, "%s", d->ended_body);
	else
		snprintf(body, sizeof body, P_("%zu run ended, the last %s", "%zu runs ended, the last %s",
					       d->nended), d->nended, d->ended_body);
	dashboard_message(d, d->nended == 1 && d->ended_state == GCR_RUN_SUCCEEDED ? UI_ROLE_MESSAGE
			  : UI_ROLE_WARNING, _("Run ended -- %s"), body);
	d->nended = 0;
	if (d->app)
		ui_notify_send(_("gcrunner: run ended"), body);
}

static void on_run_ended(const struct gcr_run *run, void *data)
{
	struct dashboard *d = data;

	if (!run)
		return;
	snprintf(d->ended_sim, sizeof d->ended_sim, "%s", run->sim_id);
	snprintf(d->ended_body, sizeof d->ended_body, "%s", run->name[0] ? run->name : run->sim_id);
	d->ended_state = GCR_RUN_UNKNOWN;
	d->nended++;
	gcr_log_debug("run %s ended: %s", run->sim_id, gcr_run_state_id(run->status.state));
	if (d->ended_open && !uv_is_active((uv_handle_t *)&d->ended_timer))
		uv_timer_start(&d->ended_timer, tell_ended, 0, 0);
}

/* ---- life cycle ------------------------------------------------------------------------------ */

struct dashboard *dashboard_new(struct ui_session *session, struct gcr_runs *runs,
				const char *why)
{
	struct dashboard *d = calloc(1, sizeof *d);

	if (!d)
		abort();
	d->session = session;
	d->runs = runs;
	snprintf(d->why, sizeof d->why, "%s", why ? why : "");
	d->stale = true;
	d->results = results_new(d);
	d->cluster = cluster_panel_new(d, session);
	if (runs)
		gcr_runs_set_listeners(runs, on_runs_changed, on_run_ended, d);
	return d;
}

static bool showing_mine(struct dashboard *d)
{
	void *v = d->app ? ui_app_view_data(d->app) : NULL;
	return v && (v == d || v == d->page || v == d->results);
}

/* Elapsed time, cost and the backoff countdown move on between refreshes. */
static void on_tick(uv_timer_t *t)
{
	struct dashboard *d = t->data;
	struct gcr_runs_health h;

	if (!d->runs || !showing_mine(d))
		return;
	if (ui_app_view_data(d->app) == d && d->nactive) {
		ui_app_request_redraw(d->app);
		return;
	}
	/* A refresh that changed no run sends no change notification, but the
	 * status line has news (its time, trouble, the backoff countdown). */
	memset(&h, 0, sizeof h);
	gcr_runs_health(d->runs, &h);
	if (h.trouble[0] || h.last_refresh_ms != d->shown_refresh_ms ||
	    h.next_refresh_ms != d->shown_next_ms || strncmp(h.trouble, d->shown_trouble, sizeof d->shown_trouble - 1) != 0)
		ui_app_request_redraw(d->app);
}

void dashboard_attach(struct dashboard *d, struct ui_app *app,
		      const struct ui_view_ops *wizard_ops, void *wizard_data)
{
	d->app = app;
	d->wiz_ops = wizard_ops;
	d->wiz_data = wizard_data;
	if (!d->tick_open) {
		uv_timer_init(ui_app_loop(app), &d->tick);
		d->tick.data = d;
		d->tick_open = true;
		uv_timer_start(&d->tick, on_tick, 1000, 1000);
		uv_timer_init(ui_app_loop(app), &d->ended_timer);
		d->ended_timer.data = d;
		d->ended_open = true;
		uv_idle_init(ui_app_loop(app), &d->rebuild);
		d->rebuild.data = d;
		d->rebuild_open = true;
		cluster_panel_start(d->cluster);
	}
}

static void on_rebuild_closed(uv_handle_t *h)
{
	struct dashboard *d = h->data;
	d->rebuild_open = false;
}

static void on_tick_closed(uv_handle_t *h)
{
	struct dashboard *d = h->data;
	if (h == (uv_handle_t *)&d->tick)
		d->tick_open = false;
	else
		d->ended_open = false;
}

void dashboard_stop(struct dashboard *d)
{
	if (!d || d->freeing)
		return;
	d->freeing = true;
	if (d->runs)
		gcr_runs_set_listeners(d->runs, NULL, NULL, NULL);
	if (d->submitting)
		gcr_submit_cancel(d->submitting);
	d->submitting = NULL;
	if (d->cluster_submitting)
		d->cluster_submitting->d = NULL;   /* it frees itself when it answers */
	d->cluster_submitting = NULL;
	run_page_free(d->page);
	d->page = NULL;
	d->runs = NULL;
	cluster_panel_stop(d->cluster);
	if (d->tick_open)
		uv_close((uv_handle_t *)&d->tick, on_tick_closed);
	if (d->ended_open)
		uv_close((uv_handle_t *)&d->ended_timer, on_tick_closed);
	if (d->rebuild_open)
		uv_close((uv_handle_t *)&d->rebuild, on_rebuild_closed);
}

void dashboard_free(struct dashboard *d)
{
	if (!d)
		return;
	dashboard_stop(d);
	results_free(d->results);
	cluster_panel_free(d->cluster);
	while (d->saves > 0 || d->tick_open || d->ended_open || d->rebuild_open)
		uv_run(dashboard_loop(d), UV_RUN_ONCE);
	free(d->ask_sims);
	free(d->scratch);
	free(d->next_rows);
	free(d->rows);
	free(d->order);
	free(d);
}

struct gcr_runs *dashboard_runs(struct dashboard *d)
{
	return d->runs;
}

struct ui_app *dashboard_app(struct dashboard *d)
{
	return d->app;
}

uv_loop_t *dashboard_loop(struct dashboard *d)
{
	return d->app ? ui_app_loop(d->app) : uv_default_loop();
}

void dashboard_message(struct dashboard *d, enum ui_role role, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d->message, sizeof d->message, fmt, ap);
	va_end(ap);
	d->message_role = role;
	if (d->app)
		ui_app_request_redraw(d->app);
}

void dashboard_show(struct dashboard *d)
{
	if (d->page && d->app && ui_app_view_data(d->app) == d->page) {
		/* Leaving the run page: it goes (its follower stops). */
		struct run_page *p = d->page;
		d->page = NULL;
		ui_app_set_view(d->app, &dashboard_view_ops, d);
		run_page_free(p);
		return;
	}
	if (d->app)
		ui_app_set_view(d->app, &dashboard_view_ops, d);
}

void dashboard_back(struct dashboard *d)
{
	if (d->app && ui_app_view_data(d->app) == d->results && d->page) {
		ui_app_set_view(d->app, &run_page_view_ops, d->page);
		return;
	}
	dashboard_show(d);
}

void dashboard_show_wizard(struct dashboard *d)
{
	if (d->app && d->wiz_ops)
		ui_app_set_view(d->app, &dashboard_wizard_ops, d);
}

void dashboard_open_run(struct dashboard *d, const char *sim_id)
{
	struct run_page *p;

	if (!d->runs || !d->app)
		return;
	p = run_page_new(d, sim_id);
	if (!p)
		return;
	run_page_free(d->page);
	d->page = p;
	ui_app_set_view(d->app, &run_page_view_ops, p);
}

void dashboard_show_results(struct dashboard *d, const char *sim_id)
{
	if (!d->runs || !d->app)
		return;
	results_open(d->results, sim_id);
	ui_app_set_view(d->app, &results_view_ops, d->results);
}

void dashboard_on_submitted(void *data, const char *sim_id)
{
	struct dashboard *d = data;

	if (d->runs)
		gcr_runs_refresh_now(d->runs);
	d->stale = true;
	snprintf(d->cursor_sim, sizeof d->cursor_sim, "%s", sim_id ? sim_id : "");
	d->filter = DASH_FILTER_ALL;
	d->filter_text[0] = '\0';
	dashboard_message(d, UI_ROLE_MESSAGE, _("Submitted %s; it is followed here."), sim_id ? sim_id : "");
	dashboard_show(d);
}

/* ---- saving in the thread pool ---------------------------------------------------------------- */

struct save_work {
	uv_work_t req;
	struct dashboard *d;
	char path[PATH_MAX];
	char *data;
	size_t len;
	enum gcr_status st;
	struct gcr_error err;
};

static void save_in_pool(uv_work_t *req)
{
	struct save_work *w = req->data;
	char dir[PATH_MAX], *slash;

	snprintf(dir, sizeof dir, "%s", w->path);
	slash = strrchr(dir, '/');
	w->st = GCR_OK;
	if (slash && slash != dir) {
		*slash = '\0';
		w->st = gcr_mkdir_p(dir, 0700, &w->err);
	}
	if (w->st == GCR_OK)
		w->st = gcr_write_file_atomic(w->path, w->data, w->len, 0644, &w->err);
}

static void save_done(uv_work_t *req, int status)
{
	struct save_work *w = req->data;
	struct dashboard *d = w->d;

	d->saves--;
	if (!d->freeing) {
		if (status == 0 && w->st == GCR_OK)
			dashboard_message(d, UI_ROLE_MESSAGE, _("Saved %s."), w->path);
		else
			dashboard_message(d, UI_ROLE_ERROR, _("Could not save %s: %s"), w->path,
					  status ? uv_strerror(status) : w->err.message);
	}
	free(w->data);
	free(w);
}

void dashboard_save_file(struct dashboard *d, const char *path, char *data, size_t len)
{
	struct save_work *w = calloc(1, sizeof *w);

	if (!w)
		abort();
	w->req.data = w;
	w->d = d;
	snprintf(w->path, sizeof w->path, "%s", path);
	w->data = data;
	w->len = len;
	if (uv_queue_work(dashboard_loop(d), &w->req, save_in_pool, save_done) != 0) {
		dashboard_message(d, UI_ROLE_ERROR, _("Could not save %s."), path);
		free(data);
		free(w);
		return;
	}
	d->saves++;
	dashboard_message(d, UI_ROLE_HINT, _("Saving %s..."), path);
}

void dashboard_expand_home(const char *path, char *out, size_t size)
{
	const char *home = getenv("HOME");

	if (path[0] == '~' && (path[1] == '/' || path[1] == '\0') && home && *home)
		snprintf(out, size, "%s%s", home, path + 1);
	else
		snprintf(out, size, "%s", path);
}

/* ---- cancel ------------------------------------------------------------------------------------------ */

struct cancel_call {
	struct dashboard *d;
	char sim_id[64];
};

static void on_cancelled(enum gcr_status st, const struct gcr_error *err, void *data)
{
	struct cancel_call *c = data;

	if (st == GCR_OK)
		dashboard_message(c->d, UI_ROLE_MESSAGE, _("Cancel requested for %s."), c->sim_id);
	else
		dashboard_message(c->d, UI_ROLE_ERROR, _("Could not cancel %s: %s"), c->sim_id,
				  err ? err->message : "?");
	c->d->stale = true;
	free(c);
}

static void cancel_answer(void *data, bool yes)
{
	struct dashboard *d = data;

	if (!yes) {
		dashboard_message(d, UI_ROLE_HINT, "%s", _("Nothing was cancelled."));
		return;
	}
	for (size_t i = 0; i < d->nask; i++) {
		struct cancel_call *c = calloc(1, sizeof *c);
		if (!c)
			abort();
		c->d = d;
		snprintf(c->sim_id, sizeof c->sim_id, "%s", d->ask_sims[i]);
		gcr_runs_cancel(d->runs, c->sim_id, _("cancelled from the gcrunner dashboard"),
				on_cancelled, c);
	}
	dashboard_message(d, UI_ROLE_HINT, P_("Cancelling %zu run...", "Cancelling %zu runs...", d->nask),
			  d->nask);
}

void dashboard_cancel(struct dashboard *d, const char *const *sim_ids, size_t n)
{
	char question[1024], spent_text[32];
	double spent = 0;
	size_t k = 0;
	const struct gcr_run *one = NULL;

	if (!d->runs || !d->app || !n)
		return;
	free(d->ask_sims);
	d->ask_sims = calloc(n, sizeof *d->ask_sims);
	if (!d->ask_sims)
		abort();
	for (size_t i = 0; i < n; i++) {
		const struct gcr_run *r = gcr_runs_find(d->runs, sim_ids[i]);
		if (!r || gcr_run_state_is_final(r->status.state))
			continue;
		spent += gcr_runs_spent_usd(r);
		snprintf(d->ask_sims[k++], 64, "%s", r->sim_id);
		one = r;
	}
	d->nask = k;
	if (!k) {
		dashboard_message(d, UI_ROLE_WARNING, "%s",
				  n == 1 ? _("That run has already ended: there is nothing to cancel.")
					 : _("Those runs have already ended: there is nothing to cancel."));
		return;
	}
	wiz_format_usd(spent, spent_text, sizeof spent_text);
	if (k == 1)
		snprintf(question, sizeof question,
			 _("Cancel %s (%s)? %s has been spent on it so far and is not refunded. %s"),
			 one->name[0] ? one->name : one->sim_id, gcr_run_state_label(one->status.state),
			 spent_text,
			 one->status.state == GCR_RUN_RUNNING || one->status.state == GCR_RUN_STARTING
			 ? _("The running job is stopped; its results so far stay where they are.")
			 : _("The job has not started: it is taken off the queue."));
	else
		snprintf(question, sizeof question,
			 _("Cancel %zu runs? %s has been spent on them so far and is not refunded."),
			 k, spent_text);
	ui_app_ask(d->app, question, _("Cancel (y)"), _("Keep running (n)"), cancel_answer, d);
}

/* ---- resubmit ------------------------------------------------------------------------------------ */

static void resubmit_go(struct dashboard *d, bool allow_over_budget);
static void resubmit_answer(void *data, bool yes);

/* Either engine's outcome, the same way: failed, or the new run shown. */
static void resubmitted(struct dashboard *d, enum gcr_status st, const char *why,
			const char *sim_id, const char *job_id)
{
	if (st != GCR_OK) {
		dashboard_message(d, UI_ROLE_ERROR, _("Resubmitting %s failed: %s"), d->resubmit_from,
				  why ? why : _("the submission failed"));
		return;
	}
	if (d->runs)
		gcr_runs_refresh_now(d->runs);
	d->stale = true;
	snprintf(d->cursor_sim, sizeof d->cursor_sim, "%s", sim_id ? sim_id : "");
	dashboard_message(d, UI_ROLE_MESSAGE, _("Submitted %s again as %s (job %s)."), d->resubmit_from,
			  sim_id ? sim_id : "?", job_id && *job_id ? job_id : "?");
}

static void on_resubmitted(const struct gcr_submit_outcome *out, void *data)
{
	struct dashboard *d = data;

	d->submitting = NULL;
	if (d->freeing)
		return;
	/* Over the budget: nothing was sent; asked, the same simulation goes
	 * again with the overrun allowed. */
	if (out->status == GCR_ERR_CANCELLED && out->needs_confirmation) {
		char q[1024];
		d->resubmit_over_budget = true;
		snprintf(d->resubmit_sim, sizeof d->resubmit_sim, "%s", out->sim_id);
		snprintf(q, sizeof q, _("Over budget: %s. Submit anyway? (Going over is recorded.)"),
			 out->budget_note);
		ui_app_ask(d->app, q, _("Submit (y)"), _("Do not (n)"), resubmit_answer, d);
		return;
	}
	resubmitted(d, out->status, out->err.message, out->sim_id, out->job_id);
}

static void on_cluster_resubmitted(enum gcr_status st, const struct gcr_error *err,
				   const char *sim_id, const char *job_id, void *data)
{
	struct resubmit_ticket *t = data;
	struct dashboard *d = t->d;

	free(t);
	if (!d)
		return;
	d->cluster_submitting = NULL;
	resubmitted(d, st, err ? err->message : NULL, sim_id, job_id);
}

static void resubmit_go(struct dashboard *d, bool allow_over_budget)
{
	struct gcr_submit_request req;
	struct gcr_backend_env *env;
	struct gcr_error err;

	env = ui_session_env(d->session, true, &err);
	if (!env) {
		dashboard_message(d, UI_ROLE_ERROR, _("Cannot submit: %s"), err.message);
		return;
	}
	memset(&req, 0, sizeof req);
	req.spec = d->resubmit_spec;
	req.allow_over_budget = allow_over_budget;
	req.sim_id = allow_over_budget && d->resubmit_sim[0] ? d->resubmit_sim : NULL;
	d->resubmit_over_budget = false;
	dashboard_message(d, UI_ROLE_HINT, _("Submitting a new run like %s..."), d->resubmit_from);
	if (req.spec.target == GCR_TARGET_BATCH) {
		d->submitting = gcr_submit_start(env, &req, NULL, on_resubmitted, d);
		return;
	}
	/* A cluster run goes where runs of its target go now (the settings'
	 * cluster), through its backend, as from the wizard. */
	d->cluster_submitting = calloc(1, sizeof *d->cluster_submitting);
	if (!d->cluster_submitting)
		abort();
	d->cluster_submitting->d = d;
	gcr_backend_for(req.spec.target)->submit(env, &req, on_cluster_resubmitted,
						 d->cluster_submitting);
}

/* The first question, and the budget's when the engine asked for one. */
static void resubmit_answer(void *data, bool yes)
{
	struct dashboard *d = data;

	if (yes)
		resubmit_go(d, d->resubmit_over_budget);
	else
		dashboard_message(d, UI_ROLE_HINT, "%s", _("Nothing was submitted."));
}

void dashboard_resubmit(struct dashboard *d, const char *sim_id)
{
	const struct gcr_run *r;
	char q[1024], est[32];

	if (!d->runs || !d->app)
		return;
	if (d->submitting || d->cluster_submitting) {
		dashboard_message(d, UI_ROLE_WARNING, "%s", _("A submission is still running; wait for it."));
		return;
	}
	r = gcr_runs_find(d->runs, sim_id);
	if (!r || !gcr_runs_spec(d->runs, sim_id, &d->resubmit_spec)) {
		dashboard_message(d, UI_ROLE_WARNING, "%s",
				  _("The spec of that run is not known here (it was submitted from another machine): use gcrunner submit --spec FILE."));
		return;
	}
	if (!gcr_backend_for(d->resubmit_spec.target) ||
	    !gcr_backend_for(d->resubmit_spec.target)->submit) {
		dashboard_message(d, UI_ROLE_WARNING, "%s",
				  _("Runs of this target cannot be submitted from here; use gcrunner submit --spec FILE."));
		return;
	}
	snprintf(d->resubmit_from, sizeof d->resubmit_from, "%s", r->sim_id);
	d->resubmit_over_budget = false;
	d->resubmit_sim[0] = '\0';
	wiz_format_usd(r->cost_estimate_usd, est, sizeof est);
	snprintf(q, sizeof q,
		 _("Submit a new simulation with the same spec as %s (%s, %s)? It was estimated at %s."),
		 r->name[0] ? r->name : r->sim_id, r->summary, r->instance_type, est);
	ui_app_ask(d->app, q, _("Submit (y)"), _("Do not (n)"), resubmit_answer, d);
}

/* ---- drawing ------------------------------------------------------------------------------------------ */

void dashboard_draw_bottom(struct dashboard *d, int rows, int cols, const char *hints)
{
	struct gcr_runs_health h;
	char line[512], when[32] = "";
	int used;

	if (d->prompt.open && ui_app_view_data(d->app) == d) {
		dash_prompt_draw(&d->prompt, rows - 2, cols);
	} else if (d->message[0]) {
		ui_draw_text_cut(rows - 2, 0, cols, d->message_role, d->message);
	}
	ui_draw_fill(rows - 1, 0, cols, UI_ROLE_STATUS);
	if (!d->runs) {
		ui_draw_text_cut(rows - 1, 0, cols, UI_ROLE_ERROR, d->why);
		return;
	}
	memset(&h, 0, sizeof h);
	gcr_runs_health(d->runs, &h);
	d->shown_refresh_ms = h.last_refresh_ms;
	d->shown_next_ms = h.next_refresh_ms;
	ui_text_copy(d->shown_trouble, sizeof d->shown_trouble, h.trouble);
	if (h.last_refresh_ms > 0) {
		time_t t = (time_t)(h.last_refresh_ms / 1000);
		struct tm tm;
		localtime_r(&t, &tm);
		strftime(when, sizeof when, "%H:%M:%S", &tm);
	}
	if (h.offline)
		snprintf(line, sizeof line, "%s", _("No AWS credentials: Batch and ParallelCluster runs as journaled"));
	else if (h.last_refresh_ms > 0 && h.trouble[0] && h.next_refresh_ms > 0)
		/* Backing off: when the next try is, then what went wrong. */
		snprintf(line, sizeof line, _("Refreshed %s; next try in %lld s"), when,
			 (long long)((h.next_refresh_ms - now_ms() + 999) / 1000 > 0
				     ? (h.next_refresh_ms - now_ms() + 999) / 1000 : 0));
	else if (h.last_refresh_ms > 0 && h.next_refresh_ms > 0)
		snprintf(line, sizeof line, _("Refreshed %s, every %d s"), when, h.interval_s);
	else if (h.last_refresh_ms > 0 && (h.interval_s > 0 || h.in_flight > 0))
		/* No next time while a refresh is running. */
		snprintf(line, sizeof line, _("Refreshed %s; refreshing..."), when);
	else if (h.last_refresh_ms > 0)
		snprintf(line, sizeof line, _("Refreshed %s; nothing active"), when);
	else
		snprintf(line, sizeof line, "%s", _("Refreshing..."));
	used = ui_draw_text(rows - 1, 0, cols, UI_ROLE_STATUS, line);
	if (h.trouble[0]) {
		char t[300];
		snprintf(t, sizeof t, " | %s", h.trouble);
		used += ui_draw_text_cut(rows - 1, used, cols - used, UI_ROLE_WARNING, t);
		hints = NULL;   /* the trouble matters more than the key hints */
	}
	if (hints && cols - used > ui_text_width(hints) + 2)
		ui_draw_text_right(rows - 1, cols, cols - used - 1, UI_ROLE_STATUS, hints);
}

struct columns {
	int mark, name, summary, where, status, progress, elapsed, eta, cost, why;
};

static void layout_columns(int cols, struct columns *c)
{
	memset(c, 0, sizeof *c);
	c->mark = 2;
	c->status = 11;
	c->progress = 12;
	c->elapsed = 7;
	c->eta = 7;
	c->cost = 17;
	if (cols < 80) {
		/* Narrow: the ETA goes to the details under the list. */
		c->eta = 0;
		c->cost = 15;
		c->progress = 10;
	}
	c->name = cols - (c->mark + c->status + c->progress + c->elapsed + c->eta + c->cost + 5);
	if (cols >= 110) {
		c->summary = 22;
		c->where = 20;
		c->name -= c->summary + c->where + 2;
	}
	if (c->name > 40) {
		c->why = c->name - 40 - 1;
		c->name = 40;
	}
	if (c->name < 8)
		c->name = 8;
}

static void format_cost(const struct dash_row *r, int64_t now, char *buf, size_t len)
{
	char a[32], b[32];

	if (r->state == GCR_RUN_INTENT || (r->cost <= 0 && r->price <= 0 && r->estimate <= 0)) {
		snprintf(buf, len, "%s", "-");
		return;
	}
	if (r->cost_unknown)
		snprintf(a, sizeof a, "-");   /* the engine says: no price, not $0 */
	else
		wiz_format_usd(dash_row_cost(r, now), a, sizeof a);
	if (r->estimate > 0) {
		wiz_format_usd(r->estimate, b, sizeof b);
		snprintf(buf, len, "%s / %s", a, b);
	} else {
		snprintf(buf, len, "%s", a);
	}
}

static enum ui_role state_role(enum gcr_run_state s)
{
	switch (s) {
	case GCR_RUN_RUNNING: case GCR_RUN_STARTING: return UI_ROLE_GOOD;
	case GCR_RUN_FAILED: return UI_ROLE_ERROR;
	case GCR_RUN_QUEUED: case GCR_RUN_INTENT: return UI_ROLE_WARNING;
	default: return UI_ROLE_NORMAL;
	}
}

static const char *target_short(enum gcr_target t)
{
	switch (t) {
	case GCR_TARGET_BATCH: return _("Batch");
	case GCR_TARGET_PCLUSTER: return _("PCluster");
	case GCR_TARGET_SLURM: return _("Slurm");
	default: return "?";
	}
}

static void draw_row(const struct dash_row *r, int y, int cols,
		     const struct columns *c, bool at_cursor, int64_t now)
{
	enum ui_role base = at_cursor ? UI_ROLE_CURSOR : UI_ROLE_NORMAL;
	char buf[256];
	int x = 0;

	if (at_cursor)
		ui_draw_fill(y, 0, cols, UI_ROLE_CURSOR);
	ui_draw_text(y, x, c->mark, at_cursor ? base : UI_ROLE_CHOSEN,
		     r->marked ? "*" : (at_cursor ? ui_glyphs()->pointer : " "));
	x += c->mark;
	ui_draw_text_cut(y, x, c->name, base, r->name);
	x += c->name + 1;
	if (c->summary) {
		ui_draw_text_cut(y, x, c->summary, at_cursor ? base : UI_ROLE_HINT, r->summary);
		x += c->summary + 1;
		snprintf(buf, sizeof buf, "%s %s%s", target_short(r->target), r->instance,
			 r->nodes > 1 ? "*" : "");
		ui_draw_text_cut(y, x, c->where, at_cursor ? base : UI_ROLE_HINT, buf);
		x += c->where + 1;
	}
	ui_draw_text_cut(y, x, c->status, at_cursor ? base : state_role(r->state),
			 gcr_run_state_label(r->state));
	x += c->status + 1;
	if (r->progress >= 0 && r->state != GCR_RUN_INTENT && r->state != GCR_RUN_QUEUED) {
		char bar[64];
		dash_format_bar(r->progress, c->progress - 5, bar, sizeof bar);
		snprintf(buf, sizeof buf, "%s %3.0f%%", bar, r->progress * 100.0);
		ui_draw_text(y, x, c->progress, base, buf);
	}
	x += c->progress + 1;
	if (r->state != GCR_RUN_INTENT && r->state != GCR_RUN_QUEUED) {
		dash_format_duration(dash_row_elapsed(r, now), buf, sizeof buf);
		ui_draw_text_right(y, x + c->elapsed, c->elapsed, base, buf);
	}
	x += c->elapsed + 1;
	if (!gcr_run_state_is_final(r->state) && dash_row_eta(r, now) >= 0) {
		dash_format_duration(dash_row_eta(r, now), buf, sizeof buf);
		ui_draw_text_right(y, x + c->eta, c->eta, base, buf);
	}
	x += c->eta + 1;
	format_cost(r, now, buf, sizeof buf);
	ui_draw_text_right(y, x + c->cost, c->cost, base, buf);
	x += c->cost + 1;
	if (c->why > 0 && !gcr_run_state_is_final(r->state) && r->state != GCR_RUN_RUNNING)
		ui_draw_text_cut(y, x, c->why, at_cursor ? base : UI_ROLE_REASON, or_empty(r->explanation));
}

/* The run of a shown row, built into scratch: gcr_runs_find would keep
 * an 11 KB copy in the model for every run the cursor passes over. */
static const struct gcr_run *row_run(struct dashboard *d, const struct dash_row *r)
{
	size_t i = (size_t)(r - d->rows);

	if (!d->runs)
		return NULL;
	if (!d->scratch && !(d->scratch = malloc(sizeof *d->scratch)))
		abort();
	/* The model's index of the row, unless the model changed since. */
	if (i < d->nrows && gcr_runs_copy_at(d->runs, i, d->scratch) &&
	    strcmp(d->scratch->sim_id, r->sim_id) == 0)
		return d->scratch;
	return gcr_runs_find(d->runs, r->sim_id);
}

/* The highlighted run in two lines under the list. */
static void draw_cursor_details(struct dashboard *d, const struct dash_row *r, int y, int cols,
				int64_t now)
{
	char buf[512], spot[32] = "";
	const struct gcr_run *run;

	if (!r)
		return;
	if (r->spot)
		snprintf(spot, sizeof spot, " %s", _("spot"));
	if (r->nodes > 1)
		snprintf(buf, sizeof buf, _("%s | %s, %d x %s%s | %s"), r->summary, target_short(r->target),
			 r->nodes, r->instance, spot, r->sim_id);
	else
		snprintf(buf, sizeof buf, _("%s | %s, %s%s | %s"), r->summary, target_short(r->target),
			 r->instance, spot, r->sim_id);
	ui_draw_text_cut(y, 0, cols, UI_ROLE_HINT, buf);
	if (!gcr_run_state_is_final(r->state) && r->state != GCR_RUN_RUNNING && *or_empty(r->explanation)) {
		snprintf(buf, sizeof buf, _("Why it waits: %s"), r->explanation);
		ui_draw_text_cut(y + 1, 0, cols, UI_ROLE_WARNING, buf);
		return;
	}
	run = row_run(d, r);
	if (run && run->status.state == GCR_RUN_RUNNING && run->sim_time_reached[0])
		snprintf(buf, sizeof buf, _("Simulated time reached: %s"), run->sim_time_reached);
	else if (run && run->status.state == GCR_RUN_SUCCEEDED && run->results_uri[0])
		snprintf(buf, sizeof buf, _("Results: %s (r lists and downloads them)"), run->results_uri);
	else if (run && gcr_run_state_is_final(run->status.state) && run->status.reason[0])
		snprintf(buf, sizeof buf, "%s", run->status.reason);
	else if (*or_empty(r->explanation))
		snprintf(buf, sizeof buf, "%s", r->explanation);
	else
		buf[0] = '\0';
	(void)now;
	ui_draw_text_cut(y + 1, 0, cols, UI_ROLE_NORMAL, buf);
}

static void dashboard_draw(void *data, struct ui_app *app, int rows, int cols)
{
	struct dashboard *d = data;
	struct columns c;
	char title[256], right[256];
	int list_y = 2, list_h, y;
	int64_t now = now_ms();
	/* The cluster's lines go between the run's details and the message line. */
	int k = cluster_panel_rows(d->cluster, cols);

	(void)app;
	list_h = rows - 7 - k;
	settle(d);
	layout_columns(cols, &c);

	/* Title bar: how many, how sorted and filtered. */
	ui_draw_fill(0, 0, cols, UI_ROLE_TITLE);
	if (d->norder == d->nrows)
		snprintf(title, sizeof title, P_("gcrunner: %zu run", "gcrunner: %zu runs", d->nrows), d->nrows);
	else
		snprintf(title, sizeof title, _("gcrunner: %zu of %zu runs"), d->norder, d->nrows);
	ui_draw_text(0, 1, cols - 2, UI_ROLE_TITLE, title);
	if (d->filter_text[0])
		snprintf(right, sizeof right, _("%s | %s, \"%s\""), dash_sort_label(d->sort),
			 dash_filter_label(d->filter), d->filter_text);
	else
		snprintf(right, sizeof right, _("%s | %s"), dash_sort_label(d->sort), dash_filter_label(d->filter));
	if (d->nmarked) {
		char m[64];
		snprintf(m, sizeof m, _(" | %zu marked"), d->nmarked);
		strncat(right, m, sizeof right - strlen(right) - 1);
	}
	ui_draw_text_right(0, cols - 1, cols / 2, UI_ROLE_TITLE, right);

	/* Header. */
	{
		int x = c.mark;
		ui_draw_text(1, x, c.name, UI_ROLE_HEADING, _("Name"));
		x += c.name + 1;
		if (c.summary) {
			ui_draw_text(1, x, c.summary, UI_ROLE_HEADING, _("Model"));
			x += c.summary + 1;
			ui_draw_text(1, x, c.where, UI_ROLE_HEADING, _("Where"));
			x += c.where + 1;
		}
		ui_draw_text(1, x, c.status, UI_ROLE_HEADING, _("Status"));
		x += c.status + 1;
		ui_draw_text(1, x, c.progress, UI_ROLE_HEADING, _("Progress"));
		x += c.progress + 1;
		ui_draw_text_right(1, x + c.elapsed, c.elapsed, UI_ROLE_HEADING, _("Elapsed"));
		x += c.elapsed + 1;
		ui_draw_text_right(1, x + c.eta, c.eta, UI_ROLE_HEADING, _("ETA"));
		x += c.eta + 1;
		ui_draw_text_right(1, x + c.cost, c.cost, UI_ROLE_HEADING, _("Cost / estimate"));
		x += c.cost + 1;
		if (c.why > 0)
			ui_draw_text(1, x, c.why, UI_ROLE_HEADING, _("Why it waits"));
	}

	if (list_h < 1)
		list_h = 1;
	if (d->cursor < d->top)
		d->top = d->cursor;
	if (d->cursor >= d->top + (size_t)list_h)
		d->top = d->cursor - (size_t)list_h + 1;
	if (d->top + (size_t)list_h > d->norder)
		d->top = d->norder > (size_t)list_h ? d->norder - (size_t)list_h : 0;

	if (!d->nrows) {
		ui_draw_wrapped(list_y + 1, 2, 4, cols - 4, UI_ROLE_HINT,
				d->runs ? _("No runs yet. Press n to plan a new simulation; runs you submit appear here and are followed live.")
					: d->why);
	} else if (!d->norder) {
		ui_draw_wrapped(list_y + 1, 2, 3, cols - 4, UI_ROLE_HINT,
				_("No run matches the filter. Press f to show other states, / to change the text."));
	}
	for (y = 0; y < list_h && d->top + (size_t)y < d->norder; y++) {
		size_t oi = d->top + (size_t)y;
		draw_row(&d->rows[d->order[oi]], list_y + y, cols, &c, oi == d->cursor, now);
		ui_app_add_hit(d->app, list_y + y, 0, cols, HIT_ROW, (int)oi, 0);
	}
	if (d->top > 0)
		ui_draw_text(list_y, cols - 1, 1, UI_ROLE_HINT, ui_glyphs()->more_above);
	if (d->top + (size_t)list_h < d->norder)
		ui_draw_text(list_y + list_h - 1, cols - 1, 1, UI_ROLE_HINT, ui_glyphs()->more_below);

	ui_draw_hline(rows - 5 - k, 0, cols, UI_ROLE_BORDER);
	draw_cursor_details(d, d->norder ? &d->rows[d->order[d->cursor]] : NULL, rows - 4 - k, cols, now);
	cluster_panel_draw(d->cluster, rows - 2 - k, cols);
	dashboard_draw_bottom(d, rows, cols, _("n new  Enter open  c cancel  r results  ? help"));
}

/* ---- keys ------------------------------------------------------------------------------------------ */

static void move_cursor(struct dashboard *d, long delta)
{
	long c = (long)d->cursor + delta;

	if (!d->norder)
		return;
	if (c < 0)
		c = 0;
	if (c >= (long)d->norder)
		c = (long)d->norder - 1;
	d->cursor = (size_t)c;
	remember_cursor(d);
}

/* The marked runs, or the one under the cursor. */
static size_t targets(struct dashboard *d, const char ***out)
{
	size_t n = 0;
	const char **ids;

	if (d->nmarked) {
		ids = calloc(d->nmarked, sizeof *ids);
		for (size_t i = 0; ids && i < d->nrows && n < d->nmarked; i++)
			if (d->rows[i].marked)
				ids[n++] = d->rows[i].sim_id;
	} else {
		const struct dash_row *r = cursor_row(d);
		ids = calloc(1, sizeof *ids);
		if (ids && r)
			ids[n++] = r->sim_id;
	}
	*out = ids;
	return n;
}

static unsigned dashboard_event(void *data, struct ui_app *app, const struct ui_event *ev)
{
	struct dashboard *d = data;
	const struct dash_row *r;
	enum ui_action a;
	int page = LINES - 7 > 1 ? LINES - 7 : 1;

	(void)app;
	settle(d);
	if (d->prompt.open) {
		int done = dash_prompt_key(&d->prompt, ev);
		if (d->prompt.purpose == PROMPT_FILTER) {
			/* The list follows as you type; Esc clears the text filter. */
			if (done < 0)
				d->filter_text[0] = '\0';
			else
				ui_text_copy(d->filter_text, sizeof d->filter_text, d->prompt.text);
			d->reorder = true;
		}
		return UI_HANDLED | UI_REDRAW;
	}
	if (ev->kind == UI_EV_CLICK) {
		if (ev->hit.kind == HIT_ROW && (size_t)ev->hit.a < d->norder) {
			d->cursor = (size_t)ev->hit.a;
			remember_cursor(d);
			return UI_HANDLED | UI_REDRAW;
		}
		return 0;
	}
	a = ui_action_for_key_in(ev->key, ev->is_keycode, UI_SCOPE_DASHBOARD);
	if (a == UI_ACT_NONE)
		a = ev->action;
	d->message[0] = '\0';
	switch (a) {
	case UI_ACT_UP: move_cursor(d, -1); break;
	case UI_ACT_DOWN: move_cursor(d, 1); break;
	case UI_ACT_PAGE_UP: move_cursor(d, -page); break;
	case UI_ACT_PAGE_DOWN: move_cursor(d, page); break;
	case UI_ACT_FIRST: move_cursor(d, -(long)d->norder); break;
	case UI_ACT_LAST: move_cursor(d, (long)d->norder); break;
	case UI_ACT_NEW_RUN:
		dashboard_show_wizard(d);
		break;
	case UI_ACT_OPEN_RUN:
		if ((r = cursor_row(d)))
			dashboard_open_run(d, r->sim_id);
		break;
	case UI_ACT_MARK:
		if (d->norder) {
			struct dash_row *row = &d->rows[d->order[d->cursor]];
			row->marked = !row->marked;
			if (row->marked)
				d->nmarked++;
			else
				d->nmarked--;
			move_cursor(d, 1);
		}
		break;
	case UI_ACT_SORT_RUNS:
		d->sort = (enum dash_sort)((d->sort + 1) % DASH_SORT_COUNT);
		d->reorder = true;
		dashboard_message(d, UI_ROLE_MESSAGE, _("Sorted %s."), dash_sort_label(d->sort));
		break;
	case UI_ACT_FILTER_STATUS:
		d->filter = (enum dash_filter)((d->filter + 1) % DASH_FILTER_COUNT);
		d->reorder = true;
		dashboard_message(d, UI_ROLE_MESSAGE, _("Showing %s runs."), dash_filter_label(d->filter));
		break;
	case UI_ACT_FILTER_TEXT:
		dash_prompt_open(&d->prompt, PROMPT_FILTER, _("Filter:"), d->filter_text);
		break;
	case UI_ACT_BACK:
		if (d->filter_text[0] || d->filter != DASH_FILTER_ALL) {
			d->filter_text[0] = '\0';
			d->filter = DASH_FILTER_ALL;
			d->reorder = true;
			dashboard_message(d, UI_ROLE_MESSAGE, "%s", _("Filter cleared."));
		} else if (d->nmarked) {
			for (size_t i = 0; i < d->nrows; i++)
				d->rows[i].marked = false;
			d->nmarked = 0;
		}
		break;
	case UI_ACT_CANCEL_RUN: {
		const char **ids;
		size_t n = targets(d, &ids);
		dashboard_cancel(d, ids, n);
		free(ids);
		break;
	}
	case UI_ACT_RESUBMIT:
		if ((r = cursor_row(d)))
			dashboard_resubmit(d, r->sim_id);
		break;
	case UI_ACT_RESULTS:
		if ((r = cursor_row(d)))
			dashboard_show_results(d, r->sim_id);
		break;
	case UI_ACT_REFRESH:
		if (d->runs)
			gcr_runs_refresh_now(d->runs);   /* the status line shows when it is done */
		cluster_panel_refresh(d->cluster);
		break;
	case UI_ACT_DELETE_CLUSTER:
		cluster_panel_delete(d->cluster);
		break;
	default:
		return 0;
	}
	return UI_HANDLED | UI_REDRAW;
}

static void dashboard_help(void *data, const char **title, const char **text)
{
	(void)data;
	*title = _("Dashboard");
	*text = _("Every run you submitted, kept current in the background: its state (and why it "
		  "waits), how far the simulation got, how long it has run, when it should end, and "
		  "what it has cost against its estimate. Enter opens a run's attempts and live log; "
		  "Space marks runs for cancelling several at once. The bottom line says when the "
		  "states were last refreshed and any trouble reaching AWS. With a ParallelCluster "
		  "cluster set up (pcluster.name), a line above it shows the cluster's status and, "
		  "when no run is on it, what it costs while it stays up; D deletes it.");
}

static bool dashboard_unsaved(void *data)
{
	struct dashboard *d = data;
	return d->wiz_ops && d->wiz_ops->unsaved ? d->wiz_ops->unsaved(d->wiz_data) : false;
}

const struct ui_view_ops dashboard_view_ops = {
	.event = dashboard_event,
	.draw = dashboard_draw,
	.help = dashboard_help,
	.unsaved = dashboard_unsaved,
};

/* ---- the wizard with F2 -------------------------------------------------------------------- */

static unsigned host_event(void *data, struct ui_app *app, const struct ui_event *ev)
{
	struct dashboard *d = data;

	if (ev->kind == UI_EV_KEY && ev->action == UI_ACT_RUNS) {
		dashboard_show(d);
		return UI_HANDLED | UI_REDRAW;
	}
	return d->wiz_ops->event(d->wiz_data, app, ev);
}

static void host_draw(void *data, struct ui_app *app, int rows, int cols)
{
	struct dashboard *d = data;
	d->wiz_ops->draw(d->wiz_data, app, rows, cols);
}

static void host_help(void *data, const char **title, const char **text)
{
	struct dashboard *d = data;
	d->wiz_ops->help(d->wiz_data, title, text);
}

static bool host_unsaved(void *data)
{
	struct dashboard *d = data;
	return d->wiz_ops->unsaved ? d->wiz_ops->unsaved(d->wiz_data) : false;
}

const struct ui_view_ops dashboard_wizard_ops = {
	.event = host_event,
	.draw = host_draw,
	.help = host_help,
	.unsaved = host_unsaved,
};
