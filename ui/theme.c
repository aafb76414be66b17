/* theme.c: the theme table (role -> colours and attributes) and glyph sets. */
#include "config.h"

#include <langinfo.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ui/theme.h"

/* The one theme table.  fg/bg are curses colour numbers (-1 = the
 * terminal's default); color_attr is added when colour is on, mono_attr is
 * the whole look when it is off, so meaning never rests on colour alone. */
static const struct {
	short fg, bg;
	attr_t color_attr;
	attr_t mono_attr;
} theme[UI_ROLE_COUNT] = {
	[UI_ROLE_NORMAL] = { -1,            -1,          A_NORMAL, A_NORMAL },
	[UI_ROLE_TITLE] = { COLOR_WHITE,   COLOR_BLUE,  A_BOLD,   A_REVERSE | A_BOLD },
	[UI_ROLE_HEADING] = { COLOR_CYAN,    -1,          A_BOLD,   A_BOLD },
	[UI_ROLE_CURSOR] = { COLOR_BLACK,   COLOR_CYAN,  A_NORMAL, A_REVERSE },
	[UI_ROLE_CURSOR_IDLE] = { -1,            -1,          A_BOLD,   A_BOLD },
	[UI_ROLE_CHOSEN] = { COLOR_GREEN,   -1,          A_BOLD,   A_BOLD },
	[UI_ROLE_DISABLED] = { COLOR_WHITE,   -1,          A_DIM,    A_DIM },
	[UI_ROLE_REASON] = { COLOR_YELLOW,  -1,          A_NORMAL, A_UNDERLINE },
	[UI_ROLE_HINT] = { -1,            -1,          A_DIM,    A_NORMAL },
	[UI_ROLE_BORDER] = { COLOR_BLUE,    -1,          A_NORMAL, A_NORMAL },
	[UI_ROLE_STATUS] = { COLOR_BLACK,   COLOR_WHITE, A_NORMAL, A_REVERSE },
	[UI_ROLE_KEY] = { COLOR_BLUE,    COLOR_WHITE, A_BOLD,   A_REVERSE | A_BOLD },
	[UI_ROLE_MESSAGE] = { COLOR_GREEN,   -1,          A_BOLD,   A_BOLD },
	[UI_ROLE_ERROR] = { COLOR_RED,     -1,          A_BOLD,   A_BOLD | A_UNDERLINE },
	[UI_ROLE_WARNING] = { COLOR_YELLOW,  -1,          A_BOLD,   A_BOLD },
	[UI_ROLE_GOOD] = { COLOR_GREEN,   -1,          A_NORMAL, A_NORMAL },
	[UI_ROLE_POINT] = { COLOR_CYAN,    -1,          A_NORMAL, A_NORMAL },
	[UI_ROLE_PARETO] = { COLOR_GREEN,   -1,          A_BOLD,   A_BOLD },
	[UI_ROLE_CURRENT] = { COLOR_BLACK,   COLOR_YELLOW, A_BOLD,  A_REVERSE | A_BOLD },
	[UI_ROLE_BUTTON] = { -1,            -1,          A_BOLD,   A_BOLD },
	[UI_ROLE_BUTTON_FOCUS] = { COLOR_BLACK,   COLOR_CYAN,  A_BOLD,   A_REVERSE | A_BOLD },
	[UI_ROLE_FIELD] = { -1,            -1,          A_UNDERLINE, A_UNDERLINE },
};

static const struct ui_glyphs glyphs_utf8 = {
	.hline = "─", .vline = "│",
	.top_left = "┌", .top_right = "┐", .bottom_left = "└", .bottom_right = "┘",
	.radio_on = "(•)", .radio_off = "( )", .check_on = "[x]", .check_off = "[ ]",
	.pointer = "▶",
	.point = "·", .pareto = "◆", .current = "●",
	.ellipsis = "…",
	.more_above = "▲", .more_below = "▼",
	.arrow = "→",
	.axis_corner = "└",
	.sort_mark = "▼",
};

static const struct ui_glyphs glyphs_ascii = {
	.hline = "-", .vline = "|",
	.top_left = "+", .top_right = "+", .bottom_left = "+", .bottom_right = "+",
	.radio_on = "(*)", .radio_off = "( )", .check_on = "[x]", .check_off = "[ ]",
	.pointer = ">",
	.point = ".", .pareto = "*", .current = "@",
	.ellipsis = "~",
	.more_above = "^", .more_below = "v",
	.arrow = "->",
	.axis_corner = "+",
	.sort_mark = "v",
};

static const struct ui_glyphs *current_glyphs = &glyphs_ascii;
static bool color_on;

bool ui_env_no_color(void)
{
	const char *v = getenv("NO_COLOR");
	return v && *v;
}

bool ui_locale_is_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);
	return cs && (strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "utf8") == 0);
}

void ui_theme_init_glyphs(bool utf8)
{
	current_glyphs = utf8 ? &glyphs_utf8 : &glyphs_ascii;
}

void ui_theme_init(bool use_color, bool utf8)
{
	ui_theme_init_glyphs(utf8);
	color_on = use_color && has_colors() && start_color() == OK;
	if (!color_on)
		return;
	use_default_colors();
	for (int i = 0; i < UI_ROLE_COUNT; i++)
		init_pair((short)(i + 1), theme[i].fg, theme[i].bg);
}

bool ui_theme_has_color(void)
{
	return color_on;
}

bool ui_theme_is_utf8(void)
{
	return current_glyphs == &glyphs_utf8;
}

attr_t ui_role_attr(enum ui_role role)
{
	if (role < 0 || role >= UI_ROLE_COUNT)
		role = UI_ROLE_NORMAL;
	if (!color_on)
		return theme[role].mono_attr;
	if (role == UI_ROLE_NORMAL)
		return A_NORMAL;
	return COLOR_PAIR(role + 1) | theme[role].color_attr;
}

const struct ui_glyphs *ui_glyphs(void)
{
	return current_glyphs;
}
