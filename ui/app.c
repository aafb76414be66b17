/* app.c: terminal, input, signals and the one-paint-per-pass loop (app.h). */
#include "config.h"

#include <curses.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "i18n.h"
#include "log.h"
#include "ui/app.h"
#include "ui/draw.h"
#include "ui/text.h"
#include "ui/theme.h"

#define MAX_HITS 512
#define BENCH_MAX_SAMPLES 20000

struct ui_app {
	uv_loop_t *loop;
	struct ui_app_options opt;
	const struct ui_view_ops *ops;
	void *view;

	SCREEN *screen;
	uv_poll_t input;
	uv_signal_t sig_winch, sig_int, sig_term, sig_hup, sig_cont;
	uv_prepare_t paint;
	uv_timer_t clock;       /* repaints once a minute (ages shown on screen) */
	int open_handles;

	int rows, cols;
	bool dirty;
	bool quitting;
	int status;

	bool help_open;
	int help_scroll, help_lines;
	bool quit_armed;        /* too small a screen: q pressed once */

	struct {
		bool open;
		char question[512], yes[64], no[64];
		bool focus_yes;
		void (*on_answer)(void *data, bool yes);
		void *data;
	} dialog;

	struct ui_hit hits[MAX_HITS];
	int nhits;

	/* GCR_TUI_BENCH: wake-up to finished paint, and start to first frame. */
	double wake_ms;         /* when the pending input arrived; 0 = none */
	double *samples;
	size_t nsamples;
	double first_frame_ms;
	bool painted_once;
};

/* Hit kinds of the app's own overlays (views use positive kinds). */
enum { HIT_DIALOG_YES = -1, HIT_DIALOG_NO = -2 };

/* The terminal is in curses mode: the fatal-signal handler and atexit
 * restore it.  volatile sig_atomic_t because a signal handler reads it. */
static volatile sig_atomic_t curses_active;
static double process_start_ms;

double ui_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Runs before main: the benchmark's "start" is as close to exec as we get. */
__attribute__((constructor)) static void note_process_start(void)
{
	process_start_ms = ui_now_ms();
}

static void restore_terminal(void)
{
	if (curses_active) {
		curses_active = 0;
		endwin();
	}
}

/* SIGSEGV, SIGABRT...: leave curses mode so the shell is usable, then put
 * back whatever handled the signal before us (the default action, or a
 * sanitizer's reporter) and raise it again. */
static const int fatal_signals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
static struct sigaction previous_actions[sizeof fatal_signals / sizeof fatal_signals[0]];

static void reset_fatal_handlers(void)
{
	for (size_t i = 0; i < sizeof fatal_signals / sizeof fatal_signals[0]; i++)
		sigaction(fatal_signals[i], &previous_actions[i], NULL);
}

static void on_fatal_signal(int sig)
{
	restore_terminal();
	reset_fatal_handlers();
	raise(sig);
}

static void install_fatal_handlers(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_fatal_signal;
	sa.sa_flags = SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof fatal_signals / sizeof fatal_signals[0]; i++)
		sigaction(fatal_signals[i], &sa, &previous_actions[i]);
}

uv_loop_t *ui_app_loop(struct ui_app *app)
{
	return app->loop;
}

void ui_app_set_view(struct ui_app *app, const struct ui_view_ops *ops, void *view_data)
{
	app->ops = ops;
	app->view = view_data;
	app->help_open = false;
	app->quit_armed = false;
	app->dirty = true;
}

void *ui_app_view_data(struct ui_app *app)
{
	return app->view;
}

void ui_app_request_redraw(struct ui_app *app)
{
	app->dirty = true;
}

void ui_app_quit(struct ui_app *app, int status)
{
	if (app->quitting)
		return;
	app->quitting = true;
	app->status = status;
	uv_stop(app->loop);
}

void ui_app_add_hit(struct ui_app *app, int y, int x, int w, int kind, int a, int b)
{
	if (!app || app->nhits >= MAX_HITS || w <= 0)
		return;   /* no app: drawing for a test, nothing to click */
	app->hits[app->nhits++] = (struct ui_hit){ y, x, w, kind, a, b };
}

void ui_app_ask(struct ui_app *app, const char *question, const char *yes_label,
		const char *no_label, void (*on_answer)(void *data, bool yes),
		void *data)
{
	snprintf(app->dialog.question, sizeof app->dialog.question, "%s", question);
	snprintf(app->dialog.yes, sizeof app->dialog.yes, "%s", yes_label);
	snprintf(app->dialog.no, sizeof app->dialog.no, "%s", no_label);
	app->dialog.on_answer = on_answer;
	app->dialog.data = data;
	app->dialog.focus_yes = false;   /* the safe answer is the default */
	app->dialog.open = true;
	app->dirty = true;
}

static bool too_small(const struct ui_app *app)
{
	return app->rows < app->opt.min_rows || app->cols < app->opt.min_cols;
}

/* ---- painting ---------------------------------------------------------- */

static void draw_too_small(struct ui_app *app)
{
	char line[256];
	int y, w = app->cols - 2;
	const char *title = _("Terminal too small");

	snprintf(line, sizeof line, _("gcrunner needs at least %d columns and %d rows; this terminal has %d x %d."),
		 app->opt.min_cols, app->opt.min_rows, app->cols, app->rows);
	y = app->rows / 2 - 3;
	if (y < 0)
		y = 0;
	ui_draw_text(y, (app->cols - ui_text_width(title)) / 2 > 0 ?
		     (app->cols - ui_text_width(title)) / 2 : 0, app->cols, UI_ROLE_ERROR, title);
	y += 2;
	y += ui_draw_wrapped(y, 1, app->rows - y, w, UI_ROLE_NORMAL, line);
	y++;
	if (app->ops->unsaved && app->ops->unsaved(app->view))
		ui_draw_wrapped(y, 1, app->rows - y, w, app->quit_armed ? UI_ROLE_WARNING : UI_ROLE_HINT,
				app->quit_armed ? _("Your choices are not saved: press q again to quit anyway.") :
				_("Make the window larger, or press q twice to quit without saving."));
	else
		ui_draw_wrapped(y, 1, app->rows - y, w, UI_ROLE_HINT,
				_("Make the window larger, or press q to quit."));
}

/* The help overlay: the current screen's purpose, then every action of the
 * table grouped by scope, with its keys. */
static void draw_help(struct ui_app *app)
{
	const char *title = "", *text = "";
	const struct ui_action_info *acts;
	size_t nacts;
	int top = 1, left = 2, h = app->rows - 2, w = app->cols - 4;
	int y, keyw = 0, inner = w - 4, row = 0, bottom;
	char heading[256];

	if (app->ops->help)
		app->ops->help(app->view, &title, &text);
	acts = ui_actions(&nacts);
	for (size_t i = 0; i < nacts; i++) {
		char keys[64];
		ui_action_keys_display(&acts[i], keys, sizeof keys);
		if (ui_text_width(keys) > keyw)
			keyw = ui_text_width(keys);
	}
	if (keyw > inner / 3)
		keyw = inner / 3;

	ui_draw_clear(top, left, h, w);
	snprintf(heading, sizeof heading, _("Help: %s"), title);
	ui_draw_box(top, left, h, w, UI_ROLE_BORDER, heading);
	y = top + 1;
	bottom = top + h - 2;

	/* Lines are counted from the start of the help text; help_scroll of
	 * them are skipped so a long help still fits a small terminal. */
#define HELP_ROW(draw_stmt) do { \
		if (row >= app->help_scroll && y <= bottom) { draw_stmt; y++; } \
		row++; \
	} while (0)
	{
		struct ui_text_line lines[32];
		int n = ui_text_wrap(text, inner, lines, 32);
		for (int i = 0; i < n && i < 32; i++) {
			char buf[512];
			size_t len = lines[i].len < sizeof buf - 1 ? lines[i].len : sizeof buf - 1;
			memcpy(buf, text + lines[i].start, len);
			buf[len] = '\0';
			HELP_ROW(ui_draw_text(y, left + 2, inner, UI_ROLE_NORMAL, buf));
		}
	}
	for (int scope = 0; scope < UI_SCOPE_COUNT; scope++) {
		HELP_ROW((void)0);
		HELP_ROW(ui_draw_text(y, left + 2, inner, UI_ROLE_HEADING, ui_scope_title(scope)));
		for (size_t i = 0; i < nacts; i++) {
			char keys[64];
			if ((int)acts[i].scope != scope)
				continue;
			struct ui_text_line hl[4];
			const char *help = _(acts[i].help);
			int nl;

			ui_action_keys_display(&acts[i], keys, sizeof keys);
			nl = ui_text_wrap(help, inner - keyw - 4, hl, 4);
			for (int k = 0; k < nl && k < 4; k++) {
				char buf[512];
				size_t len = hl[k].len < sizeof buf - 1 ? hl[k].len : sizeof buf - 1;
				memcpy(buf, help + hl[k].start, len);
				buf[len] = '\0';
				HELP_ROW((ui_draw_text(y, left + 4, keyw, UI_ROLE_KEY, k ? "" : keys),
					  ui_draw_text(y, left + 6 + keyw, inner - keyw - 4,
						       UI_ROLE_NORMAL, buf)));
			}
		}
	}
#undef HELP_ROW
	app->help_lines = row;
	{
		char foot[128];
		if (row > h - 3)
			snprintf(foot, sizeof foot, "%s", _("Up/Down scroll, any other key closes"));
		else
			snprintf(foot, sizeof foot, "%s", _("Press any key to close"));
		ui_draw_text_right(top + h - 1, left + w - 2, w - 4, UI_ROLE_HINT, foot);
	}
}

static void draw_dialog(struct ui_app *app)
{
	struct ui_text_line lines[16];
	int w = app->cols - 8 < 64 ? app->cols - 8 : 64;
	int n = ui_text_wrap(app->dialog.question, w - 4, lines, 16);
	int h, y, x, yw, nw, bx;
	char yes[96], no[96];

	if (n > 16)
		n = 16;
	h = n + 4;
	y = (app->rows - h) / 2;
	x = (app->cols - w) / 2;
	ui_draw_clear(y, x, h, w);
	ui_draw_box(y, x, h, w, UI_ROLE_BORDER, NULL);
	for (int i = 0; i < n; i++) {
		char buf[512];
		size_t len = lines[i].len < sizeof buf - 1 ? lines[i].len : sizeof buf - 1;
		memcpy(buf, app->dialog.question + lines[i].start, len);
		buf[len] = '\0';
		ui_draw_text(y + 1 + i, x + 2, w - 4, UI_ROLE_NORMAL, buf);
	}
	snprintf(yes, sizeof yes, "[ %s ]", app->dialog.yes);
	snprintf(no, sizeof no, "[ %s ]", app->dialog.no);
	yw = ui_text_width(yes);
	nw = ui_text_width(no);
	bx = x + (w - yw - nw - 3) / 2;
	ui_draw_text(y + h - 2, bx, yw, app->dialog.focus_yes ? UI_ROLE_BUTTON_FOCUS : UI_ROLE_BUTTON, yes);
	ui_app_add_hit(app, y + h - 2, bx, yw, HIT_DIALOG_YES, 0, 0);
	ui_draw_text(y + h - 2, bx + yw + 3, nw, app->dialog.focus_yes ? UI_ROLE_BUTTON : UI_ROLE_BUTTON_FOCUS, no);
	ui_app_add_hit(app, y + h - 2, bx + yw + 3, nw, HIT_DIALOG_NO, 0, 0);
}

static void bench_record(struct ui_app *app, double ms)
{
	if (!app->opt.bench_path || app->nsamples >= BENCH_MAX_SAMPLES)
		return;
	if (!app->samples) {
		app->samples = calloc(BENCH_MAX_SAMPLES, sizeof *app->samples);
		if (!app->samples)
			return;
	}
	app->samples[app->nsamples++] = ms;
}

static void paint(struct ui_app *app)
{
	app->nhits = 0;
	erase();
	if (too_small(app)) {
		draw_too_small(app);
	} else {
		app->ops->draw(app->view, app, app->rows, app->cols);
		if (app->help_open)
			draw_help(app);
		if (app->dialog.open)
			draw_dialog(app);
	}
	wnoutrefresh(stdscr);
	doupdate();
	app->dirty = false;

	if (!app->painted_once) {
		app->painted_once = true;
		app->first_frame_ms = ui_now_ms() - process_start_ms;
	}
	if (app->wake_ms > 0) {
		bench_record(app, ui_now_ms() - app->wake_ms);
		app->wake_ms = 0;
	}
}

/* Once per loop pass, just before the loop waits for I/O. */
static void on_prepare(uv_prepare_t *h)
{
	struct ui_app *app = h->data;

	if (app->dirty && !app->quitting)
		paint(app);
}

static void on_clock(uv_timer_t *t)
{
	struct ui_app *app = t->data;
	app->dirty = true;
}

/* ---- input -------------------------------------------------------------- */

static void answer_dialog(struct ui_app *app, bool yes)
{
	void (*cb)(void *, bool) = app->dialog.on_answer;
	void *data = app->dialog.data;

	app->dialog.open = false;
	app->dirty = true;
	if (cb)
		cb(data, yes);
}

static unsigned dialog_event(struct ui_app *app, const struct ui_event *ev)
{
	if (ev->kind == UI_EV_CLICK) {
		if (ev->hit.kind == HIT_DIALOG_YES)
			answer_dialog(app, true);
		else if (ev->hit.kind == HIT_DIALOG_NO)
			answer_dialog(app, false);
		return UI_HANDLED | UI_REDRAW;
	}
	switch (ev->action) {
	case UI_ACT_YES:
		answer_dialog(app, true);
		break;
	case UI_ACT_NO:
	case UI_ACT_BACK:
	case UI_ACT_QUIT:
		answer_dialog(app, false);
		break;
	case UI_ACT_SELECT:
		answer_dialog(app, app->dialog.focus_yes);
		break;
	case UI_ACT_LEFT:
	case UI_ACT_RIGHT:
	case UI_ACT_NEXT_FIELD:
	case UI_ACT_PREV_FIELD:
		app->dialog.focus_yes = !app->dialog.focus_yes;
		break;
	default:
		break;
	}
	return UI_HANDLED | UI_REDRAW;
}

static void quit_answer(void *data, bool yes)
{
	if (yes)
		ui_app_quit(data, 0);
}

static unsigned app_action(struct ui_app *app, const struct ui_event *ev)
{
	switch (ev->action) {
	case UI_ACT_HELP:
		app->help_open = true;
		app->help_scroll = 0;
		return UI_HANDLED | UI_REDRAW;
	case UI_ACT_REDRAW:
		clearok(curscr, TRUE);
		return UI_HANDLED | UI_REDRAW;
	case UI_ACT_QUIT:
		if (app->ops->unsaved && app->ops->unsaved(app->view))
			ui_app_ask(app, _("Your choices are not saved. Quit anyway?"),
				   _("Quit (y)"), _("Stay (n)"), quit_answer, app);
		else
			ui_app_quit(app, 0);
		return UI_HANDLED | UI_REDRAW;
	default:
		return 0;
	}
}

static void dispatch(struct ui_app *app, const struct ui_event *ev)
{
	unsigned r;

	if (too_small(app)) {
		/* Nothing to act on but quitting.  The question would not fit:
		 * with unsaved choices q has to be pressed twice. */
		if (ev->kind == UI_EV_KEY && ev->action == UI_ACT_QUIT) {
			if (app->quit_armed || !(app->ops->unsaved && app->ops->unsaved(app->view)))
				ui_app_quit(app, 0);
			app->quit_armed = true;
			app->dirty = true;
		}
		return;
	}
	app->quit_armed = false;
	if (app->dialog.open) {
		dialog_event(app, ev);
		return;
	}
	if (app->help_open) {
		int page = app->rows - 4;
		if (ev->kind == UI_EV_KEY && (ev->action == UI_ACT_DOWN || ev->action == UI_ACT_PAGE_DOWN)) {
			int most = app->help_lines - page;   /* the last page shows the end */
			app->help_scroll += ev->action == UI_ACT_DOWN ? 1 : page;
			if (app->help_scroll > most)
				app->help_scroll = most > 0 ? most : 0;
		} else if (ev->kind == UI_EV_KEY && (ev->action == UI_ACT_UP || ev->action == UI_ACT_PAGE_UP)) {
			app->help_scroll -= ev->action == UI_ACT_UP ? 1 : page;
			if (app->help_scroll < 0)
				app->help_scroll = 0;
		} else {
			app->help_open = false;
		}
		app->dirty = true;
		return;
	}
	r = app->ops->event(app->view, app, ev);
	if (!(r & UI_HANDLED) && ev->kind == UI_EV_KEY)
		r |= app_action(app, ev);
	if (r & (UI_REDRAW | UI_CHANGED | UI_RELAYOUT))
		app->dirty = true;
}

static void handle_mouse(struct ui_app *app)
{
	MEVENT me;
	struct ui_event ev = { .kind = UI_EV_CLICK };

	if (getmouse(&me) != OK)
		return;
	if (!(me.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)))
		return;
	/* Overlays are drawn last, so their regions come last: search
	 * backwards so the topmost region wins. */
	for (int i = app->nhits - 1; i >= 0; i--) {
		const struct ui_hit *h = &app->hits[i];
		if (me.y == h->y && me.x >= h->x && me.x < h->x + h->w) {
			ev.hit = *h;
			ev.y = me.y;
			ev.x = me.x;
			dispatch(app, &ev);
			return;
		}
	}
	if (app->help_open) {   /* a click anywhere closes the help */
		app->help_open = false;
		app->dirty = true;
	}
}

static void on_input(uv_poll_t *h, int status, int events)
{
	struct ui_app *app = h->data;
	wint_t wch;
	int rc;

	(void)events;
	if (status < 0) {
		gcr_log_debug("stdin poll failed: %s", uv_strerror(status));
		ui_app_quit(app, 1);
		return;
	}
	if (app->wake_ms == 0)
		app->wake_ms = ui_now_ms();
	/* ncurses buffers what it reads, so drain until it has nothing. */
	while (!app->quitting && (rc = get_wch(&wch)) != ERR) {
		struct ui_event ev = { .kind = UI_EV_KEY };

		if (rc == KEY_CODE_YES) {
			if (wch == KEY_MOUSE) {
				handle_mouse(app);
				continue;
			}
			if (wch == KEY_RESIZE) {   /* resizeterm's own note; handled */
				app->dirty = true;
				continue;
			}
			ev.is_keycode = true;
		}
		ev.key = (int)wch;
		ev.action = ui_action_for_key(ev.key, ev.is_keycode);
		dispatch(app, &ev);
	}
	if (!app->dirty)
		app->wake_ms = 0;   /* nothing to paint: not a latency sample */
}

/* ---- signals ------------------------------------------------------------ */

static void apply_terminal_size(struct ui_app *app)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0) {
		resizeterm(ws.ws_row, ws.ws_col);
	}
	app->rows = LINES;
	app->cols = COLS;
}

static void on_winch(uv_signal_t *h, int sig)
{
	struct ui_app *app = h->data;

	(void)sig;
	apply_terminal_size(app);
	clearok(curscr, TRUE);
	app->help_scroll = 0;
	app->dirty = true;
	if (app->wake_ms == 0)
		app->wake_ms = ui_now_ms();
}

/* Back from Ctrl-Z (ncurses' own SIGTSTP handler left curses mode): the
 * terminal forgot keypad-transmit mode, and arrow keys would arrive as
 * Esc [ B.  Switch it on again and paint everything. */
static void on_continue(uv_signal_t *h, int sig)
{
	struct ui_app *app = h->data;

	(void)sig;
	keypad(stdscr, FALSE);
	keypad(stdscr, TRUE);
	apply_terminal_size(app);
	clearok(curscr, TRUE);
	app->dirty = true;
}

static void on_terminate(uv_signal_t *h, int sig)
{
	struct ui_app *app = h->data;

	gcr_log_debug("signal %d: leaving", sig);
	ui_app_quit(app, 128 + sig);
}

/* ---- life cycle ----------------------------------------------------------- */

struct ui_app *ui_app_new(uv_loop_t *loop, const struct ui_app_options *opt,
			  const struct ui_view_ops *ops, void *view_data,
			  const char **why)
{
	struct ui_app *app;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		*why = _("the full-screen program needs a terminal (stdin and stdout); use a command such as 'gcrunner estimate' instead");
		return NULL;
	}
	app = calloc(1, sizeof *app);
	if (!app) {
		*why = _("out of memory");
		return NULL;
	}
	app->loop = loop;
	app->opt = *opt;
	if (app->opt.min_rows <= 0)
		app->opt.min_rows = 16;
	if (app->opt.min_cols <= 0)
		app->opt.min_cols = 60;
	app->ops = ops;
	app->view = view_data;

	/* newterm, unlike initscr, returns NULL instead of exiting when the
	 * terminal type is unknown. */
	app->screen = newterm(NULL, stdout, stdin);
	if (!app->screen) {
		free(app);
		*why = _("cannot use this terminal (is TERM set correctly?)");
		return NULL;
	}
	curses_active = 1;
	atexit(restore_terminal);
	install_fatal_handlers();
	set_term(app->screen);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED, NULL);
	mouseinterval(0);
	ui_theme_init(opt->use_color, opt->utf8);
	apply_terminal_size(app);

	uv_poll_init(loop, &app->input, STDIN_FILENO);
	app->input.data = app;
	uv_poll_start(&app->input, UV_READABLE, on_input);
	/* Started after newterm, so these replace the handlers ncurses set. */
	uv_signal_init(loop, &app->sig_winch);
	app->sig_winch.data = app;
	uv_signal_start(&app->sig_winch, on_winch, SIGWINCH);
	uv_signal_init(loop, &app->sig_int);
	app->sig_int.data = app;
	uv_signal_start(&app->sig_int, on_terminate, SIGINT);
	uv_signal_init(loop, &app->sig_term);
	app->sig_term.data = app;
	uv_signal_start(&app->sig_term, on_terminate, SIGTERM);
	uv_signal_init(loop, &app->sig_hup);
	app->sig_hup.data = app;
	uv_signal_start(&app->sig_hup, on_terminate, SIGHUP);
	uv_signal_init(loop, &app->sig_cont);
	app->sig_cont.data = app;
	uv_signal_start(&app->sig_cont, on_continue, SIGCONT);
	uv_prepare_init(loop, &app->paint);
	app->paint.data = app;
	uv_prepare_start(&app->paint, on_prepare);
	uv_timer_init(loop, &app->clock);
	app->clock.data = app;
	uv_timer_start(&app->clock, on_clock, 60000, 60000);
	app->dirty = true;
	return app;
}

static void on_handle_closed(uv_handle_t *h)
{
	struct ui_app *app = h->data;
	app->open_handles--;
}

static void write_bench(struct ui_app *app)
{
	struct rusage ru;
	FILE *f;

	if (!app->opt.bench_path)
		return;
	f = fopen(app->opt.bench_path, "w");
	if (!f)
		return;
	getrusage(RUSAGE_SELF, &ru);
	fprintf(f, "first_frame_ms %.3f\n", app->first_frame_ms);
	fprintf(f, "max_rss_kib %ld\n", ru.ru_maxrss);
	for (size_t i = 0; i < app->nsamples; i++)
		fprintf(f, "redraw_ms %.4f\n", app->samples[i]);
	fclose(f);
}

int ui_app_run(struct ui_app *app)
{
	uv_handle_t *handles[] = {
		(uv_handle_t *)&app->input, (uv_handle_t *)&app->sig_winch,
		(uv_handle_t *)&app->sig_int, (uv_handle_t *)&app->sig_term,
		(uv_handle_t *)&app->sig_hup, (uv_handle_t *)&app->sig_cont,
		(uv_handle_t *)&app->paint,
		(uv_handle_t *)&app->clock,
	};

	app->open_handles = (int)(sizeof handles / sizeof handles[0]);
	paint(app);
	while (!app->quitting)
		uv_run(app->loop, UV_RUN_DEFAULT);

	for (size_t i = 0; i < sizeof handles / sizeof handles[0]; i++)
		uv_close(handles[i], on_handle_closed);
	/* Let the close callbacks run; other users of the loop (HTTP clients)
	 * close their own handles. */
	while (app->open_handles > 0)
		uv_run(app->loop, UV_RUN_ONCE);

	restore_terminal();
	reset_fatal_handlers();
	delscreen(app->screen);
	app->screen = NULL;
	write_bench(app);
	return app->status;
}

void ui_app_free(struct ui_app *app)
{
	if (!app)
		return;
	free(app->samples);
	free(app);
}
