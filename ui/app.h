/* app.h: the full-screen application shell on the libuv loop.
 *
 * The app owns the terminal and the loop's UI handles: stdin through
 * uv_poll (every pending key read per wake-up), SIGWINCH through uv_signal
 * (resizeterm and a full relayout), SIGINT/SIGTERM/SIGHUP through uv_signal
 * (a clean exit), fatal signals through sigaction (endwin, then re-raise).
 * Input becomes ui_events, which go to the view first and then to the
 * app's own actions (help, redraw, quit).  Handlers return what changed
 * (UI_HANDLED | UI_REDRAW | ...); nothing paints except the app's redraw
 * step, which runs once per loop pass from a uv_prepare callback and ends in
 * a single doupdate().
 *
 * The app knows nothing about GEOS-Chem: the wizard is a view (struct
 * ui_view_ops), and so will be the dashboard. */
#ifndef GCR_UI_APP_H
#define GCR_UI_APP_H

#include <stdbool.h>
#include <stddef.h>

#include <uv.h>

#include "ui/actions.h"

/* What a handler did, so the app knows what to do next (htop's reactions). */
enum {
	UI_HANDLED = 1 << 0,   /* the event was used */
	UI_REDRAW = 1 << 1,    /* the screen must be painted again */
	UI_CHANGED = 1 << 2,   /* the user's choices changed (re-estimate) */
	UI_RELAYOUT = 1 << 3,  /* sizes changed */
};

enum ui_event_kind {
	UI_EV_KEY,
	UI_EV_CLICK,           /* a mouse button press on a hit region */
};

/* Mouse clicks are matched against regions the last frame registered. */
struct ui_hit {
	int y, x, w;           /* screen row, first column, width */
	int kind;              /* the view's tag, e.g. "list item", "button" */
	int a, b;              /* the view's data, e.g. field and item index */
};

struct ui_event {
	enum ui_event_kind kind;
	enum ui_action action;  /* from the key map; UI_ACT_NONE if unbound */
	int key;                /* the character or curses key code */
	bool is_keycode;
	struct ui_hit hit;      /* UI_EV_CLICK: the region clicked */
	int y, x;               /* UI_EV_CLICK: where */
};

struct ui_app;

/* A view: what fills the screen.  Every callback gets the view's data. */
struct ui_view_ops {
	/* Handles an event; returns UI_* bits (0 = not used). */
	unsigned (*event)(void *data, struct ui_app *app, const struct ui_event *ev);
	/* Paints the whole screen (stdscr) of rows x cols; registers hit regions. */
	void (*draw)(void *data, struct ui_app *app, int rows, int cols);
	/* The current screen's name and what it is for (for the help overlay). */
	void (*help)(void *data, const char **title, const char **text);
	/* True when quitting would lose choices; the app then asks first. */
	bool (*unsaved)(void *data);
};

struct ui_app_options {
	bool use_color;         /* false for NO_COLOR */
	bool utf8;              /* UTF-8 glyphs (else ASCII) */
	const char *bench_path; /* GCR_TUI_BENCH: write timings here at exit */
	int min_rows, min_cols; /* below this: the "terminal too small" screen */
};

/* Sets up the terminal on loop (which the caller owns and may share with
 * the engine's HTTP clients).  Returns NULL with *why set when there is no
 * usable terminal. */
struct ui_app *ui_app_new(uv_loop_t *loop, const struct ui_app_options *opt,
			  const struct ui_view_ops *ops, void *view_data,
			  const char **why);

/* Runs until the user quits or a signal ends it; restores the terminal and
 * returns the exit status (0 after q, 128+N after signal N). */
int ui_app_run(struct ui_app *app);

/* Frees the app after ui_app_run (the terminal is already restored). */
void ui_app_free(struct ui_app *app);

uv_loop_t *ui_app_loop(struct ui_app *app);

/* Puts another view on the screen (the dashboard opening the wizard and
 * back); the help overlay closes, the next pass paints the new view.  A
 * question that is open stays open. */
void ui_app_set_view(struct ui_app *app, const struct ui_view_ops *ops, void *view_data);

/* The view on the screen now (its data). */
void *ui_app_view_data(struct ui_app *app);

/* Asks for a repaint in this loop pass (e.g. when live prices arrive). */
void ui_app_request_redraw(struct ui_app *app);

/* Ends the program with this status after the current pass. */
void ui_app_quit(struct ui_app *app, int status);

/* A yes/no question over the current screen.  on_answer(data, yes) runs
 * when the user answers; Esc answers no. */
void ui_app_ask(struct ui_app *app, const char *question, const char *yes_label,
		const char *no_label, void (*on_answer)(void *data, bool yes),
		void *data);

/* Registers a clickable region for the frame being drawn. */
void ui_app_add_hit(struct ui_app *app, int y, int x, int w, int kind, int a, int b);

/* Microseconds on the monotonic clock (for the bench timings). */
double ui_now_ms(void);

#endif
