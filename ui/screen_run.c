/* screen_run.c: one run's page -- its attempts with their reasons, exit
 * codes and times, and its log followed live (search, save) -- and the
 * run's results with their download (screen_dashboard.h). */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curses.h>

#include "i18n.h"
#include "ui/draw.h"
#include "ui/screen_dashboard.h"
#include "ui/text.h"
#include "ui/theme.h"
#include "ui/wizard.h"

/* The newest lines kept; older ones are dropped (and counted). */
#define LOG_MAX_LINES 200000

enum { PROMPT_SEARCH = 1, PROMPT_SAVE, PROMPT_DIR };

struct log_line {
	int64_t t;
	char *text;
};

struct run_page {
	struct dashboard *d;
	char sim_id[64];
	struct gcr_log_follow *follow;
	bool caught_up;                  /* the follower has read all there is now */
	bool log_done;                   /* the follower stopped (final, or failed) */
	char log_error[GCR_ERROR_MESSAGE_MAX];
	struct log_line *lines;
	size_t n, cap, dropped;
	size_t top;                      /* first log line shown */
	int hscroll;                     /* columns skipped on the left */
	bool tail;                       /* keep the end in view as lines arrive */
	int log_h;                       /* rows of the log area in the last frame */
	char search[256];
	long match;                      /* line of the current match, -1 none */
	struct dash_prompt prompt;
	double started_ms;               /* when the follower was (re)started */
};

/* ---- the log ----------------------------------------------------------------------------- */

static void add_line(struct run_page *p, int64_t t, const char *text, size_t len)
{
	char *s;

	if (p->n == LOG_MAX_LINES) {
		/* Drop the oldest tenth at once, not one line per arrival. */
		size_t drop = LOG_MAX_LINES / 10;
		for (size_t i = 0; i < drop; i++)
			free(p->lines[i].text);
		memmove(p->lines, p->lines + drop, (p->n - drop) * sizeof *p->lines);
		p->n -= drop;
		p->dropped += drop;
		p->top = p->top > drop ? p->top - drop : 0;
		if (p->match >= 0)
			p->match = p->match >= (long)drop ? p->match - (long)drop : -1;
	}
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 256;
		struct log_line *v = realloc(p->lines, cap * sizeof *v);
		if (!v)
			abort();
		p->lines = v;
		p->cap = cap;
	}
	s = malloc(len + 1);
	if (!s)
		abort();
	/* Tabs and other control characters would move the cursor. */
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];
		s[i] = c == '\t' ? ' ' : (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	s[len] = '\0';
	p->lines[p->n].t = t;
	p->lines[p->n].text = s;
	p->n++;
}

static void on_log_lines(json_t *lines, bool at_end, void *data)
{
	struct run_page *p = data;
	size_t i;
	json_t *ev;

	json_array_foreach(lines, i, ev) {
		const char *m = json_string_value(json_object_get(ev, "m"));
		int64_t t = (int64_t)json_integer_value(json_object_get(ev, "t"));
		if (!m)
			m = "";
		/* One event may hold several lines; an empty one is an empty
		 * line (as gcrunner logs prints it). */
		do {
			size_t len = strcspn(m, "\n");
			size_t shown = len && m[len - 1] == '\r' ? len - 1 : len;
			add_line(p, t, m, shown);
			m += len;
			if (*m == '\n')
				m++;
		} while (*m);
	}
	p->caught_up = at_end;
	if (dashboard_app(p->d))
		ui_app_request_redraw(dashboard_app(p->d));
}

static void on_log_done(enum gcr_status st, const struct gcr_error *err, void *data)
{
	struct run_page *p = data;

	p->log_done = true;   /* the follower is still ours to stop (run_page_free) */
	if (st != GCR_OK)
		snprintf(p->log_error, sizeof p->log_error, "%s", err ? err->message : "?");
	if (dashboard_app(p->d))
		ui_app_request_redraw(dashboard_app(p->d));
}

struct run_page *run_page_new(struct dashboard *d, const char *sim_id)
{
	struct run_page *p = calloc(1, sizeof *p);

	if (!p)
		abort();
	p->d = d;
	snprintf(p->sim_id, sizeof p->sim_id, "%s", sim_id);
	p->tail = true;
	p->match = -1;
	p->follow = gcr_log_follow_start(dashboard_runs(d), sim_id, true, on_log_lines,
					 on_log_done, p);
	p->started_ms = ui_now_ms();
	return p;
}

/* A follower that stopped before the run ended (opened while the job
 * waited and had no log yet, or a failed read) starts again from the head
 * once the job runs, at most every 5 s. */
static void maybe_restart_follower(struct run_page *p, const struct gcr_run *run)
{
	if (!p->log_done || gcr_run_state_is_final(run->status.state) ||
	    (run->status.state != GCR_RUN_RUNNING && run->status.state != GCR_RUN_STARTING) ||
	    ui_now_ms() - p->started_ms < 5000)
		return;
	gcr_log_follow_stop(p->follow);
	for (size_t i = 0; i < p->n; i++)
		free(p->lines[i].text);
	p->n = p->top = p->dropped = 0;
	p->match = -1;
	p->log_done = p->caught_up = false;
	p->log_error[0] = '\0';
	p->follow = gcr_log_follow_start(dashboard_runs(p->d), p->sim_id, true, on_log_lines,
					 on_log_done, p);
	p->started_ms = ui_now_ms();
}

void run_page_free(struct run_page *p)
{
	if (!p)
		return;
	if (p->follow)
		gcr_log_follow_stop(p->follow);
	for (size_t i = 0; i < p->n; i++)
		free(p->lines[i].text);
	free(p->lines);
	free(p);
}

/* ---- search ------------------------------------------------------------------------------- */

static long find_from(const struct run_page *p, long from, int dir)
{
	if (!p->search[0] || !p->n)
		return -1;
	for (size_t k = 0; k < p->n; k++) {
		long i = from + dir * (long)k;
		i %= (long)p->n;
		if (i < 0)
			i += (long)p->n;
		if (strcasestr(p->lines[i].text, p->search))
			return i;
	}
	return -1;
}

static size_t count_matches(const struct run_page *p)
{
	size_t c = 0;
	for (size_t i = 0; i < p->n; i++)
		if (strcasestr(p->lines[i].text, p->search))
			c++;
	return c;
}

static void go_to_match(struct run_page *p, long from, int dir)
{
	long m = find_from(p, from, dir);

	if (m < 0) {
		p->match = -1;
		dashboard_message(p->d, UI_ROLE_WARNING, _("No line of the log contains \"%s\"."), p->search);
		return;
	}
	p->match = m;
	p->tail = false;
	/* Show the match a few lines from the top. */
	p->top = m > 3 ? (size_t)m - 3 : 0;
	dashboard_message(p->d, UI_ROLE_MESSAGE, _("\"%s\": line %ld; %zu lines match (n next, N previous)."),
			  p->search, m + 1 + (long)p->dropped, count_matches(p));
}

/* ---- drawing ---------------------------------------------------------------------------------- */

static void format_time(int64_t ms, char *buf, size_t len)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (ms <= 0) {
		snprintf(buf, len, "%s", "-");
		return;
	}
	localtime_r(&t, &tm);
	strftime(buf, len, "%m-%d %H:%M:%S", &tm);
}

static void draw_attempts(const struct gcr_run *run, int y, int h, int cols)
{
	char a[32], b[32], e[16], buf[1024];
	int shown = 0, first;
	bool current = run && (run->status.state == GCR_RUN_RUNNING || run->status.state == GCR_RUN_STARTING);

	ui_draw_text(y, 0, cols, UI_ROLE_HEADING, _("Attempt  Started         Stopped         Exit  Reason"));
	if (current) {
		/* AWS lists an attempt once it is over; the one running now is
		 * the job's own start. */
		format_time(run->status.started_ms, a, sizeof a);
		snprintf(buf, sizeof buf, "%-7d  %-14s  %-14s  %4s  %s", run->status.nattempts + 1, a,
			 run->status.state == GCR_RUN_RUNNING ? _("running") : _("starting"), "-",
			 run->status.reason);
		ui_draw_text_cut(y + 1, 0, cols, UI_ROLE_GOOD, buf);
		y++;
		h--;
	}
	if (current && run->status.nattempts == 0)
		return;
	if (!run || run->status.nattempts == 0) {
		ui_draw_text(y + 1, 2, cols - 2, UI_ROLE_HINT,
			     run && gcr_run_state_is_final(run->status.state)
			     ? _("No attempt is known (the job never started, or AWS no longer lists it).")
			     : _("No attempt yet: the job has not started."));
		return;
	}
	/* The latest attempts when not all fit. */
	first = run->status.nattempts > h - 1 ? run->status.nattempts - (h - 1) : 0;
	for (int i = first; i < run->status.nattempts && i < 10 && shown < h - 1; i++, shown++) {
		const struct gcr_run_attempt *at = &run->status.attempts[i];
		format_time(at->started_ms, a, sizeof a);
		format_time(at->stopped_ms, b, sizeof b);
		if (at->exit_code >= 0)
			snprintf(e, sizeof e, "%d", at->exit_code);
		else
			snprintf(e, sizeof e, "-");
		snprintf(buf, sizeof buf, "%-7d  %-14s  %-14s  %4s  %s", i + 1, a, b, e, at->reason);
		ui_draw_text_cut(y + 1 + shown, 0, cols, at->exit_code > 0 ? UI_ROLE_WARNING : UI_ROLE_NORMAL, buf);
	}
}

/* "cost $1.20 of $3.40"; a run with no price known (a Slurm cluster of
 * one's own) does not pretend to have cost nothing. */
static void run_cost_words(const struct gcr_run *run, char *buf, size_t len)
{
	char cost[32], est[32];

	wiz_format_usd(run->cost_so_far_usd, cost, sizeof cost);
	wiz_format_usd(run->cost_estimate_usd, est, sizeof est);
	if (run->cost_unknown && run->cost_estimate_usd > 0)
		snprintf(buf, len, _("cost not known (estimate %s)"), est);
	else if (run->cost_unknown)
		snprintf(buf, len, "%s", _("cost not known"));
	else if (run->cost_estimate_usd > 0)
		snprintf(buf, len, _("cost %s of %s"), cost, est);
	else
		snprintf(buf, len, _("cost %s"), cost);
}

static void run_page_draw(void *data, struct ui_app *app, int rows, int cols)
{
	struct run_page *p = data;
	const struct gcr_run *run = gcr_runs_find(dashboard_runs(p->d), p->sim_id);
	char buf[1024], money[256], el[32];
	int y, att_h, log_y, log_h;

	(void)app;
	ui_draw_fill(0, 0, cols, UI_ROLE_TITLE);
	snprintf(buf, sizeof buf, _("Run %s"), run && run->name[0] ? run->name : p->sim_id);
	ui_draw_text_cut(0, 1, cols - 2, UI_ROLE_TITLE, buf);
	if (!run) {
		ui_draw_wrapped(2, 1, 3, cols - 2, UI_ROLE_ERROR, _("This run is no longer known. Esc goes back."));
		dashboard_draw_bottom(p->d, rows, cols, _("Esc back"));
		return;
	}
	maybe_restart_follower(p, run);
	snprintf(buf, sizeof buf, "%s | %s %s%s | %s | %s %s", run->summary,
		 wiz_target_label(run->target), run->instance_type, run->spot ? _(" (spot)") : "",
		 run->sim_id, _("job"), run->status.job_id[0] ? run->status.job_id : "-");
	ui_draw_text_cut(1, 0, cols, UI_ROLE_HINT, buf);

	/* State, progress, time, money. */
	y = 2;
	{
		int x = ui_draw_text(y, 0, cols, run->status.state == GCR_RUN_FAILED ? UI_ROLE_ERROR : UI_ROLE_HEADING,
				     gcr_run_state_label(run->status.state));
		if (run->progress >= 0) {
			char bar[64];
			dash_format_bar(run->progress, 12, bar, sizeof bar);
			snprintf(buf, sizeof buf, "  %s %3.0f%%%s%s", bar, run->progress * 100.0,
				 run->sim_time_reached[0] ? "  " : "", run->sim_time_reached);
			x += ui_draw_text(y, x, cols - x, UI_ROLE_NORMAL, buf);
		}
		if (run->status.state == GCR_RUN_QUEUED || run->status.state == GCR_RUN_INTENT)
			snprintf(el, sizeof el, "-");
		else
			dash_format_duration(run->elapsed_s, el, sizeof el);
		run_cost_words(run, money, sizeof money);
		if (run->eta_s >= 0 && !gcr_run_state_is_final(run->status.state)) {
			char eta[32];
			dash_format_duration(run->eta_s, eta, sizeof eta);
			snprintf(buf, sizeof buf, _("  elapsed %s  ETA %s  %s"), el, eta, money);
		} else {
			snprintf(buf, sizeof buf, _("  elapsed %s  %s"), el, money);
		}
		ui_draw_text_cut(y, x, cols - x, UI_ROLE_NORMAL, buf);
	}
	y++;
	if (run->status.explanation[0] || run->status.reason[0]) {
		ui_draw_text_cut(y, 0, cols, gcr_run_state_is_final(run->status.state) ? UI_ROLE_HINT : UI_ROLE_WARNING,
				 run->status.explanation[0] ? run->status.explanation : run->status.reason);
		y++;
	}

	/* Attempts: up to a quarter of the screen. */
	att_h = run->status.nattempts + 1 +
		(run->status.state == GCR_RUN_RUNNING || run->status.state == GCR_RUN_STARTING);
	if (att_h < 2)
		att_h = 2;
	if (att_h > (rows - y - 4) / 3 + 1)
		att_h = (rows - y - 4) / 3 + 1;
	if (att_h < 2)
		att_h = 2;
	draw_attempts(run, y, att_h, cols);
	y += att_h;

	/* The log. */
	{
		const char *state = p->log_error[0] ? _("could not be read")
				  : p->log_done ? _("complete")
				  : p->tail ? _("following") : _("paused; F or End follows");
		snprintf(buf, sizeof buf, P_(" Log: %zu line, %s ", " Log: %zu lines, %s ", p->n), p->n, state);
		ui_draw_hline(y, 0, cols, UI_ROLE_BORDER);
		ui_draw_text_cut(y, 2, cols - 4, p->log_error[0] ? UI_ROLE_ERROR : UI_ROLE_HEADING, buf);
	}
	log_y = y + 1;
	log_h = rows - 2 - log_y;
	if (log_h < 1)
		log_h = 1;
	p->log_h = log_h;
	if (p->tail)
		p->top = p->n > (size_t)log_h ? p->n - (size_t)log_h : 0;
	if (p->top + (size_t)log_h > p->n)
		p->top = p->n > (size_t)log_h ? p->n - (size_t)log_h : 0;
	if (!p->n && p->log_error[0])
		ui_draw_wrapped(log_y, 1, log_h, cols - 2, UI_ROLE_ERROR, p->log_error);
	else if (!p->n)
		ui_draw_text(log_y, 1, cols - 1, UI_ROLE_HINT,
			     p->log_done ? _("The log is empty.") : _("Reading the log..."));
	for (int i = 0; i < log_h && p->top + (size_t)i < p->n; i++) {
		size_t li = p->top + (size_t)i;
		const char *t = p->lines[li].text;
		size_t skip = p->hscroll ? ui_text_fit(t, p->hscroll, NULL) : 0;
		bool is_match = p->search[0] && strcasestr(t, p->search);

		if ((long)li == p->match)
			ui_draw_fill(log_y + i, 0, cols, UI_ROLE_CURRENT);
		ui_draw_text_cut(log_y + i, 0, cols, (long)li == p->match ? UI_ROLE_CURRENT
				 : is_match ? UI_ROLE_PARETO : UI_ROLE_NORMAL, t + skip);
	}
	dashboard_draw_bottom(p->d, rows, cols, _("/ search  w save  F follow  Esc back"));
	if (p->prompt.open) {
		ui_draw_fill(rows - 2, 0, cols, UI_ROLE_NORMAL);
		dash_prompt_draw(&p->prompt, rows - 2, cols);
	}
}

/* ---- keys ---------------------------------------------------------------------------------- */

static char *log_text(const struct run_page *p, size_t *len)
{
	size_t total = 0, at = 0;
	char *buf;

	for (size_t i = 0; i < p->n; i++)
		total += strlen(p->lines[i].text) + 1;
	buf = malloc(total + 1);
	if (!buf)
		abort();
	for (size_t i = 0; i < p->n; i++) {
		size_t l = strlen(p->lines[i].text);
		memcpy(buf + at, p->lines[i].text, l);
		at += l;
		buf[at++] = '\n';
	}
	buf[at] = '\0';
	*len = at;
	return buf;
}

/* A run page's keys first, then the dashboard's, then the common ones. */
static enum ui_action page_action(const struct ui_event *ev)
{
	enum ui_action a = ui_action_for_key_in(ev->key, ev->is_keycode, UI_SCOPE_RUN);

	if (a == UI_ACT_NONE)
		a = ui_action_for_key_in(ev->key, ev->is_keycode, UI_SCOPE_DASHBOARD);
	return a == UI_ACT_NONE ? ev->action : a;
}

static void scroll_log(struct run_page *p, long delta)
{
	long top = (long)p->top + delta;
	long most = (long)p->n - p->log_h;

	if (most < 0)
		most = 0;
	if (top < 0)
		top = 0;
	if (top > most)
		top = most;
	p->top = (size_t)top;
	p->tail = top >= most && delta > 0;
}

static unsigned run_page_event(void *data, struct ui_app *app, const struct ui_event *ev)
{
	struct run_page *p = data;
	struct dashboard *d = p->d;
	enum ui_action a;
	int page = p->log_h > 1 ? p->log_h - 1 : 1;

	(void)app;
	if (p->prompt.open) {
		int done = dash_prompt_key(&p->prompt, ev);
		if (done > 0 && p->prompt.purpose == PROMPT_SEARCH) {
			ui_text_copy(p->search, sizeof p->search, p->prompt.text);
			if (p->search[0])
				go_to_match(p, (long)p->top, 1);
			else
				p->match = -1;
		} else if (done > 0 && p->prompt.purpose == PROMPT_SAVE && p->prompt.text[0]) {
			char path[PATH_MAX];
			size_t len;
			char *text = log_text(p, &len);
			dashboard_expand_home(p->prompt.text, path, sizeof path);
			dashboard_save_file(d, path, text, len);
		}
		return UI_HANDLED | UI_REDRAW;
	}
	if (ev->kind != UI_EV_KEY)
		return 0;
	a = page_action(ev);
	switch (a) {
	case UI_ACT_UP: scroll_log(p, -1); break;
	case UI_ACT_DOWN: scroll_log(p, 1); break;
	case UI_ACT_PAGE_UP: scroll_log(p, -page); break;
	case UI_ACT_PAGE_DOWN: scroll_log(p, page); break;
	case UI_ACT_FIRST: p->tail = false; p->top = 0; break;
	case UI_ACT_LAST: p->tail = true; break;
	case UI_ACT_LEFT: p->hscroll = p->hscroll >= 8 ? p->hscroll - 8 : 0; break;
	case UI_ACT_RIGHT: p->hscroll += 8; break;
	case UI_ACT_FOLLOW:
		p->tail = !p->tail;
		dashboard_message(d, UI_ROLE_MESSAGE, "%s", p->tail ? _("Following the end of the log.")
								   : _("Not following: the log stays where it is."));
		break;
	case UI_ACT_SEARCH_LOG:
		dash_prompt_open(&p->prompt, PROMPT_SEARCH, _("Search:"), p->search);
		break;
	case UI_ACT_NEXT_MATCH:
		if (p->search[0])
			go_to_match(p, p->match >= 0 ? p->match + 1 : (long)p->top, 1);
		break;
	case UI_ACT_PREV_MATCH:
		if (p->search[0])
			go_to_match(p, p->match >= 0 ? p->match - 1 : (long)p->top, -1);
		break;
	case UI_ACT_SAVE_LOG: {
		char cwd[PATH_MAX], path[PATH_MAX + 80];
		if (!getcwd(cwd, sizeof cwd))
			snprintf(cwd, sizeof cwd, "%s", ".");
		snprintf(path, sizeof path, "%s/%s.log", cwd, p->sim_id);
		dash_prompt_open(&p->prompt, PROMPT_SAVE, _("Save the log to:"), path);
		break;
	}
	case UI_ACT_CANCEL_RUN: {
		const char *ids[1] = { p->sim_id };
		dashboard_cancel(d, ids, 1);
		break;
	}
	case UI_ACT_RESUBMIT:
		dashboard_resubmit(d, p->sim_id);
		break;
	case UI_ACT_RESULTS:
		dashboard_show_results(d, p->sim_id);
		break;
	case UI_ACT_REFRESH:
		gcr_runs_refresh_now(dashboard_runs(d));
		break;
	case UI_ACT_BACK:
		dashboard_show(d);   /* frees this page: nothing after this */
		return UI_HANDLED | UI_REDRAW;
	default:
		return 0;
	}
	return UI_HANDLED | UI_REDRAW;
}

static void run_page_help(void *data, const char **title, const char **text)
{
	(void)data;
	*title = _("A run");
	*text = _("The run's attempts (AWS Batch tries a spot interruption again) with their "
		  "reasons, exit codes and times, and its log, read from the job's own log and "
		  "followed as it grows. / searches the log, n and N go from match to match, w "
		  "saves it to a file, F stops or resumes following the end. Esc goes back to the "
		  "list.");
}

const struct ui_view_ops run_page_view_ops = {
	.event = run_page_event,
	.draw = run_page_draw,
	.help = run_page_help,
	.unsaved = NULL,
};

/* ---- results -------------------------------------------------------------------------------- */

enum results_stage { RS_LOADING, RS_READY, RS_FAILED };

struct results_state {
	struct dashboard *d;
	char sim_id[64];
	unsigned gen;                    /* callbacks of an older listing are ignored */
	enum results_stage stage;
	char error[GCR_ERROR_MESSAGE_MAX];
	struct gcr_result_file *files;
	size_t n;
	uint64_t total_size;
	char location[1024];
	char dir[PATH_MAX];
	size_t top;
	/* The download (one at a time; it goes on when the page is left). */
	bool downloading;
	char dl_sim[64];
	uint64_t dl_done, dl_total;
	char dl_what[256];
	char dl_result[GCR_ERROR_MESSAGE_MAX + 64];
	enum ui_role dl_role;
	struct dash_prompt prompt;
};

struct results_call {
	struct results_state *r;
	unsigned gen;
};

struct results_state *results_new(struct dashboard *d)
{
	struct results_state *r = calloc(1, sizeof *r);

	if (!r)
		abort();
	r->d = d;
	return r;
}

void results_free(struct results_state *r)
{
	if (!r)
		return;
	free(r->files);
	free(r);
}

static void on_results(enum gcr_status st, const struct gcr_error *err,
		       const struct gcr_result_file *files, size_t n,
		       const char *location, void *data)
{
	struct results_call *c = data;
	struct results_state *r = c->r;

	if (c->gen == r->gen) {
		if (st != GCR_OK) {
			r->stage = RS_FAILED;
			snprintf(r->error, sizeof r->error, "%s", err ? err->message : "?");
		} else {
			free(r->files);
			r->files = n ? calloc(n, sizeof *r->files) : NULL;
			if (n && !r->files)
				abort();
			if (n)
				memcpy(r->files, files, n * sizeof *files);
			r->n = n;
			r->total_size = 0;
			for (size_t i = 0; i < n; i++)
				r->total_size += files[i].size;
			snprintf(r->location, sizeof r->location, "%s", location ? location : "");
			r->stage = RS_READY;
		}
		if (dashboard_app(r->d))
			ui_app_request_redraw(dashboard_app(r->d));
	}
	free(c);
}

void results_open(struct results_state *r, const char *sim_id)
{
	struct results_call *c = calloc(1, sizeof *c);
	char def[PATH_MAX];

	if (!c)
		abort();
	r->gen++;
	snprintf(r->sim_id, sizeof r->sim_id, "%s", sim_id);
	r->stage = RS_LOADING;
	r->error[0] = '\0';
	r->top = 0;
	r->prompt.open = false;
	snprintf(def, sizeof def, "~/gcrunner-results/%s", sim_id);
	dashboard_expand_home(def, r->dir, sizeof r->dir);
	c->r = r;
	c->gen = r->gen;
	gcr_runs_results(dashboard_runs(r->d), sim_id, on_results, c);
}

static void on_download_progress(const char *what, uint64_t done, uint64_t total, void *data)
{
	struct results_state *r = data;

	r->dl_done = done;
	r->dl_total = total;
	snprintf(r->dl_what, sizeof r->dl_what, "%s", what ? what : "");
	if (dashboard_app(r->d))
		ui_app_request_redraw(dashboard_app(r->d));
}

static void on_download_done(enum gcr_status st, const struct gcr_error *err, void *data)
{
	struct results_state *r = data;

	r->downloading = false;
	if (st == GCR_OK) {
		snprintf(r->dl_result, sizeof r->dl_result, _("Downloaded into %s."), r->dir);
		r->dl_role = UI_ROLE_MESSAGE;
		dashboard_message(r->d, UI_ROLE_MESSAGE, _("Results of %s downloaded into %s."), r->dl_sim, r->dir);
	} else {
		snprintf(r->dl_result, sizeof r->dl_result, _("Download failed: %s"), err ? err->message : "?");
		r->dl_role = UI_ROLE_ERROR;
		dashboard_message(r->d, UI_ROLE_ERROR, "%s", r->dl_result);
	}
}

static void start_download(struct results_state *r)
{
	if (r->downloading) {
		dashboard_message(r->d, UI_ROLE_WARNING, "%s", _("A download is already running."));
		return;
	}
	if (r->stage != RS_READY || !r->n) {
		dashboard_message(r->d, UI_ROLE_WARNING, "%s", _("There are no files to download."));
		return;
	}
	r->downloading = true;
	snprintf(r->dl_sim, sizeof r->dl_sim, "%s", r->sim_id);
	r->dl_done = 0;
	r->dl_total = r->total_size;
	r->dl_what[0] = '\0';
	r->dl_result[0] = '\0';
	gcr_runs_download(dashboard_runs(r->d), r->sim_id, r->dir, on_download_progress,
			  on_download_done, r);
}

static void results_draw(void *data, struct ui_app *app, int rows, int cols)
{
	struct results_state *r = data;
	char buf[1400], size[32];
	int y = 1, list_h;

	(void)app;
	ui_draw_fill(0, 0, cols, UI_ROLE_TITLE);
	snprintf(buf, sizeof buf, _("Results of %s"), r->sim_id);
	ui_draw_text_cut(0, 1, cols - 2, UI_ROLE_TITLE, buf);
	if (r->stage == RS_LOADING) {
		ui_draw_text(y + 1, 1, cols - 2, UI_ROLE_HINT, _("Listing the result files..."));
	} else if (r->stage == RS_FAILED) {
		ui_draw_wrapped(y + 1, 1, 4, cols - 2, UI_ROLE_ERROR, r->error);
	} else {
		dash_format_bytes(r->total_size, size, sizeof size);
		snprintf(buf, sizeof buf, P_("%zu file, %s, in %s", "%zu files, %s, in %s", r->n), r->n, size,
			 r->location);
		ui_draw_text_cut(y++, 0, cols, UI_ROLE_HINT, buf);
	}
	snprintf(buf, sizeof buf, _("Download to: %s"), r->dir);
	ui_draw_text_cut(y++, 0, cols, UI_ROLE_NORMAL, buf);
	/* The download's progress bar. */
	if (r->downloading || r->dl_result[0]) {
		if (r->downloading) {
			char bar[256], a[32], b[32];
			double f = r->dl_total ? (double)r->dl_done / (double)r->dl_total : 0;
			int bw = cols / 3 > 10 ? cols / 3 : 10;
			dash_format_bar(f, bw, bar, sizeof bar);
			dash_format_bytes(r->dl_done, a, sizeof a);
			dash_format_bytes(r->dl_total, b, sizeof b);
			snprintf(buf, sizeof buf, _("%s %3.0f%%  %s of %s  %s"), bar, f * 100.0, a, b, r->dl_what);
			ui_draw_text_cut(y, 0, cols, UI_ROLE_GOOD, buf);
		} else {
			ui_draw_text_cut(y, 0, cols, r->dl_role, r->dl_result);
		}
	}
	y++;
	ui_draw_text(y, 0, cols, UI_ROLE_HEADING, _("  Size      File"));
	y++;
	list_h = rows - 2 - y;
	if (r->stage == RS_READY && !r->n)
		ui_draw_text(y, 2, cols - 2, UI_ROLE_HINT, _("No result files (yet)."));
	if (r->top + (size_t)(list_h > 0 ? list_h : 0) > r->n)
		r->top = r->n > (size_t)list_h ? r->n - (size_t)list_h : 0;
	for (int i = 0; i < list_h && r->top + (size_t)i < r->n; i++) {
		const struct gcr_result_file *f = &r->files[r->top + (size_t)i];
		dash_format_bytes(f->size, size, sizeof size);
		snprintf(buf, sizeof buf, "%8s  %s", size, f->key);
		ui_draw_text_cut(y + i, 0, cols, UI_ROLE_NORMAL, buf);
	}
	dashboard_draw_bottom(r->d, rows, cols, _("d download  D directory  Esc back"));
	if (r->prompt.open) {
		ui_draw_fill(rows - 2, 0, cols, UI_ROLE_NORMAL);
		dash_prompt_draw(&r->prompt, rows - 2, cols);
	}
}

static unsigned results_event(void *data, struct ui_app *app, const struct ui_event *ev)
{
	struct results_state *r = data;
	enum ui_action a;

	(void)app;
	if (r->prompt.open) {
		if (dash_prompt_key(&r->prompt, ev) > 0 && r->prompt.text[0])
			dashboard_expand_home(r->prompt.text, r->dir, sizeof r->dir);
		return UI_HANDLED | UI_REDRAW;
	}
	if (ev->kind != UI_EV_KEY)
		return 0;
	a = page_action(ev);
	switch (a) {
	case UI_ACT_UP: if (r->top) r->top--; break;
	case UI_ACT_DOWN: if (r->top + 1 < r->n) r->top++; break;
	case UI_ACT_PAGE_UP: r->top = r->top > 10 ? r->top - 10 : 0; break;
	case UI_ACT_PAGE_DOWN: r->top += 10; break;
	case UI_ACT_DOWNLOAD: start_download(r); break;
	case UI_ACT_EDIT_DIR:
		dash_prompt_open(&r->prompt, PROMPT_DIR, _("Download to:"), r->dir);
		break;
	case UI_ACT_RESULTS:
		results_open(r, r->sim_id);
		break;
	case UI_ACT_BACK:
		dashboard_back(r->d);
		break;
	default:
		return 0;
	}
	return UI_HANDLED | UI_REDRAW;
}

static void results_help(void *data, const char **title, const char **text)
{
	(void)data;
	*title = _("Results");
	*text = _("The files the run wrote to its result location, with their sizes. d downloads "
		  "them all into the directory shown (each file is written whole or not at all); D "
		  "changes the directory. A download goes on when you leave this page.");
}

const struct ui_view_ops results_view_ops = {
	.event = results_event,
	.draw = results_draw,
	.help = results_help,
	.unsaved = NULL,
};
