/* theme.h: the one place that decides colours and line-drawing glyphs.
 *
 * Drawing code never names a colour: it names a role (what the text is), and
 * the theme table maps each role to a colour pair plus attributes, or, when
 * colour is off (NO_COLOR set, or a terminal without colours), to plain
 * attributes (bold, reverse, underline) that keep the meaning visible.
 * Glyphs are UTF-8 when the locale is, and ASCII otherwise. */
#ifndef GCR_UI_THEME_H
#define GCR_UI_THEME_H

#include <stdbool.h>

#include <curses.h>

enum ui_role {
	UI_ROLE_NORMAL,
	UI_ROLE_TITLE,          /* the title bar */
	UI_ROLE_HEADING,        /* a step's heading, a table header */
	UI_ROLE_CURSOR,         /* the highlighted line of a focused list */
	UI_ROLE_CURSOR_IDLE,    /* the highlighted line of a list without focus */
	UI_ROLE_CHOSEN,         /* the chosen item's mark */
	UI_ROLE_DISABLED,       /* an item that cannot be picked */
	UI_ROLE_REASON,         /* why an item cannot be picked */
	UI_ROLE_HINT,           /* secondary explanations */
	UI_ROLE_BORDER,
	UI_ROLE_STATUS,         /* the key-hint line at the bottom */
	UI_ROLE_KEY,            /* a key name in hints and help */
	UI_ROLE_MESSAGE,        /* a confirmation ("spec saved") */
	UI_ROLE_ERROR,
	UI_ROLE_WARNING,
	UI_ROLE_GOOD,           /* fits, high confidence */
	UI_ROLE_POINT,          /* an option in the chart */
	UI_ROLE_PARETO,         /* an option on the Pareto front */
	UI_ROLE_CURRENT,        /* the current choice in table and chart */
	UI_ROLE_BUTTON,
	UI_ROLE_BUTTON_FOCUS,
	UI_ROLE_FIELD,          /* a text field being edited */
	UI_ROLE_COUNT
};

struct ui_glyphs {
	const char *hline, *vline;
	const char *top_left, *top_right, *bottom_left, *bottom_right;
	const char *radio_on, *radio_off, *check_on, *check_off;
	const char *pointer;    /* in front of the highlighted line */
	const char *point, *pareto, *current;   /* chart marks */
	const char *ellipsis;
	const char *more_above, *more_below;
	const char *arrow;      /* "->" in explanations and breadcrumbs */
	const char *axis_corner;
	const char *sort_mark;
};

/* Picks colour or monochrome and UTF-8 or ASCII.  Call after initscr();
 * colour is used only when use_color is true and the terminal has colours. */
void ui_theme_init(bool use_color, bool utf8);

/* Without a terminal (unit tests, --list-keys): glyphs only. */
void ui_theme_init_glyphs(bool utf8);

bool ui_theme_has_color(void);
bool ui_theme_is_utf8(void);

/* Curses attributes (colour pair included) for a role. */
attr_t ui_role_attr(enum ui_role role);

const struct ui_glyphs *ui_glyphs(void);

/* NO_COLOR convention (no-color.org): present and not empty means no colour. */
bool ui_env_no_color(void);

/* True when the locale's character set is UTF-8. */
bool ui_locale_is_utf8(void);

#endif
