/* check_ui_widgets.c: the UI's building blocks without the wizard -- text
 * width arithmetic, the action table and key map (and that the man page's
 * KEYS section says the same), dates and money formats, and the form
 * widgets: movement, picking, refusing with a reason, ticking, text and
 * number editing, focus, rebuilds that keep the cursor, and drawing into a
 * real (off-screen) curses screen. */
#include "config.h"

#include <check.h>
#include <curses.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "ui/actions.h"
#include "ui/draw.h"
#include "ui/form.h"
#include "ui/text.h"
#include "ui/theme.h"
#include "ui/wizard.h"

/* ---- text ---------------------------------------------------------------- */

START_TEST(text_width_counts_columns_not_bytes)
{
	ck_assert_int_eq(ui_text_width("grid"), 4);
	ck_assert_int_eq(ui_text_width("Größe"), 5);          /* 7 bytes */
	ck_assert_int_eq(ui_text_width("格子"), 4);            /* wide: 2 columns each */
	ck_assert_int_eq(ui_text_width(""), 0);
	ck_assert_int_eq(ui_text_width("a\xff" "b"), 3);      /* invalid byte: one column */
	ck_assert_int_eq(ui_text_width_n("Größe", 4), 3);     /* the first 4 bytes: "Grö" */
}
END_TEST

START_TEST(text_fit_never_splits_a_character)
{
	int used;

	ck_assert_uint_eq(ui_text_fit("Größe", 3, &used), 4); /* "Grö" is 4 bytes */
	ck_assert_int_eq(used, 3);
	ck_assert_uint_eq(ui_text_fit("格子", 3, &used), 3);   /* one wide char; the next does not fit */
	ck_assert_int_eq(used, 2);
	ck_assert_uint_eq(ui_text_fit("abc", 10, &used), 3);
	ck_assert_uint_eq(ui_text_fit("abc", 0, &used), 0);
}
END_TEST

START_TEST(text_wrap_breaks_at_spaces_and_newlines)
{
	struct ui_text_line l[8];
	const char *s = "the quick brown fox\njumps";
	int n = ui_text_wrap(s, 10, l, 8);

	ck_assert_int_eq(n, 3);
	ck_assert_int_eq((int)l[0].len, 9);      /* "the quick" */
	ck_assert(strncmp(s + l[0].start, "the quick", 9) == 0);
	ck_assert(strncmp(s + l[1].start, "brown fox", l[1].len) == 0);
	ck_assert(strncmp(s + l[2].start, "jumps", l[2].len) == 0);
	/* A word longer than the line is cut; the count says how many lines. */
	n = ui_text_wrap("abcdefghij", 4, l, 1);
	ck_assert_int_eq(n, 3);
	ck_assert_int_eq((int)l[0].len, 4);
	/* Wide characters wrap by columns. */
	n = ui_text_wrap("格子格子", 5, l, 8);
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq((int)l[0].len, 6);      /* two characters, 4 columns */
	ck_assert_int_eq(ui_text_wrap("", 5, l, 8), 1);
}
END_TEST

START_TEST(text_ellipsize_and_copy)
{
	char buf[32];

	ui_text_ellipsize(buf, sizeof buf, "c7g.16xlarge", 8, "…");
	ck_assert_str_eq(buf, "c7g.16x…");
	ck_assert_int_eq(ui_text_width(buf), 8);
	ui_text_ellipsize(buf, sizeof buf, "short", 8, "…");
	ck_assert_str_eq(buf, "short");
	ui_text_copy(buf, 4, "Größe");   /* would cut ö in half: stops before it */
	ck_assert_str_eq(buf, "Gr");
}
END_TEST

/* ---- the action table ----------------------------------------------------- */

START_TEST(every_key_name_parses_and_no_key_is_bound_twice)
{
	size_t n;
	const struct ui_action_info *acts = ui_actions(&n);

	ck_assert(ui_keymap_init());
	ck_assert_uint_eq(n, UI_ACT_COUNT - 1);
	for (size_t i = 0; i < n; i++) {
		ck_assert_int_eq(acts[i].id, (int)(i + 1));
		ck_assert_ptr_eq(ui_action_info(acts[i].id), &acts[i]);
		ck_assert(acts[i].keys[0] && acts[i].help[0] && acts[i].name[0]);
	}
	/* Each key means one thing in a scope; a key that works anywhere
	 * means nothing else anywhere. */
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++) {
			char a[64], b[64], *sa = NULL, *sb = NULL;
			if (acts[i].scope != acts[j].scope && acts[i].scope != UI_SCOPE_ANYWHERE &&
			    acts[j].scope != UI_SCOPE_ANYWHERE)
				continue;
			snprintf(a, sizeof a, "%s", acts[i].keys);
			for (char *ka = strtok_r(a, " ", &sa); ka; ka = strtok_r(NULL, " ", &sa)) {
				snprintf(b, sizeof b, "%s", acts[j].keys);
				for (char *kb = strtok_r(b, " ", &sb); kb; kb = strtok_r(NULL, " ", &sb))
					ck_assert_msg(strcmp(ka, kb) != 0, "key %s bound to %s and %s",
						      ka, acts[i].name, acts[j].name);
			}
		}
}
END_TEST

START_TEST(keys_map_to_actions)
{
	ck_assert(ui_keymap_init());
	ck_assert_int_eq(ui_action_for_key(KEY_UP, true), UI_ACT_UP);
	ck_assert_int_eq(ui_action_for_key('k', false), UI_ACT_UP);
	ck_assert_int_eq(ui_action_for_key('j', false), UI_ACT_DOWN);
	ck_assert_int_eq(ui_action_for_key('\r', false), UI_ACT_SELECT);
	ck_assert_int_eq(ui_action_for_key('\n', false), UI_ACT_SELECT);
	ck_assert_int_eq(ui_action_for_key(KEY_ENTER, true), UI_ACT_SELECT);
	ck_assert_int_eq(ui_action_for_key(27, false), UI_ACT_BACK);
	ck_assert_int_eq(ui_action_for_key(KEY_BACKSPACE, true), UI_ACT_BACK);
	ck_assert_int_eq(ui_action_for_key(127, false), UI_ACT_BACK);
	ck_assert_int_eq(ui_action_for_key(KEY_F(1), true), UI_ACT_HELP);
	ck_assert_int_eq(ui_action_for_key('?', false), UI_ACT_HELP);
	ck_assert_int_eq(ui_action_for_key('\t', false), UI_ACT_NEXT_FIELD);
	ck_assert_int_eq(ui_action_for_key(KEY_BTAB, true), UI_ACT_PREV_FIELD);
	ck_assert_int_eq(ui_action_for_key('l' & 0x1f, false), UI_ACT_REDRAW);
	ck_assert_int_eq(ui_action_for_key('q', false), UI_ACT_QUIT);
	ck_assert_int_eq(ui_action_for_key('x', false), UI_ACT_NONE);
	/* Scoped keys: n answers no in a question, plans on the dashboard,
	 * finds the next match on a run's page. */
	ck_assert_int_eq(ui_action_for_key('n', false), UI_ACT_NO);
	ck_assert_int_eq(ui_action_for_key_in('n', false, UI_SCOPE_DASHBOARD), UI_ACT_NEW_RUN);
	ck_assert_int_eq(ui_action_for_key_in('n', false, UI_SCOPE_RUN), UI_ACT_NEXT_MATCH);
	ck_assert_int_eq(ui_action_for_key_in('\r', false, UI_SCOPE_DASHBOARD), UI_ACT_OPEN_RUN);
	ck_assert_int_eq(ui_action_for_key_in('q', false, UI_SCOPE_DASHBOARD), UI_ACT_NONE);
	ck_assert_int_eq(ui_action_for_key(KEY_F(2), true), UI_ACT_RUNS);
	/* 'k' as a key code is not the letter. */
	ck_assert_int_eq(ui_action_for_key('k', true), UI_ACT_NONE);
}
END_TEST

START_TEST(key_names_parse)
{
	int key;
	bool kc;

	ck_assert(ui_key_parse("F10", &key, &kc) && kc && key == KEY_F(10));
	ck_assert(ui_key_parse("C-a", &key, &kc) && !kc && key == 1);
	ck_assert(ui_key_parse("?", &key, &kc) && !kc && key == '?');
	ck_assert(!ui_key_parse("F13", &key, &kc));
	ck_assert(!ui_key_parse("Hyper", &key, &kc));
}
END_TEST

/* The man page's KEYS section lists exactly the table: ".TP", ".B keys",
 * then the help text, in the table's order. */
START_TEST(man_page_keys_match_the_table)
{
	char path[4096], line[1024], keys[128], *p;
	size_t n, i = 0;
	const struct ui_action_info *acts = ui_actions(&n);
	FILE *f;
	int in_keys = 0, expect = 0;   /* 1: .B line next, 2: help line next */

	snprintf(path, sizeof path, "%s/doc/gcrunner.1", getenv("top_srcdir") ? getenv("top_srcdir") : "..");
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		/* Undo the man escapes used for minus signs. */
		while ((p = strstr(line, "\\-")))
			memmove(p, p + 1, strlen(p));
		if (strncmp(line, ".SH", 3) == 0) {
			in_keys = strcmp(line, ".SH KEYS") == 0;
			continue;
		}
		if (!in_keys)
			continue;
		if (strcmp(line, ".TP") == 0) {
			expect = 1;
		} else if (expect == 1 && strncmp(line, ".B ", 3) == 0) {
			ck_assert_msg(i < n, "the man page lists more keys than the table");
			ui_action_keys_display(&acts[i], keys, sizeof keys);
			ck_assert_str_eq(line + 3, keys);
			expect = 2;
		} else if (expect == 2) {
			char want[512];
			snprintf(want, sizeof want, "%s.", acts[i].help);
			ck_assert_str_eq(line, want);
			i++;
			expect = 0;
		}
	}
	fclose(f);
	ck_assert_msg(i == n, "the man page lists %zu of the %zu actions", i, n);
}
END_TEST

/* ---- formats ----------------------------------------------------------------- */

START_TEST(dates_parse_format_and_count)
{
	int d;
	char buf[16];

	ck_assert(wiz_parse_date("2019-07-01", &d) && d == 20190701);
	ck_assert(wiz_parse_date("20200229", &d) && d == 20200229);
	ck_assert(!wiz_parse_date("2019-02-29", &d));       /* not a leap year */
	ck_assert(!wiz_parse_date("2019-13-01", &d));
	ck_assert(!wiz_parse_date("2019-07-01x", &d));
	ck_assert(!wiz_parse_date("July", &d));
	ck_assert(!wiz_parse_date("", &d));
	wiz_format_date(20190701, buf, sizeof buf);
	ck_assert_str_eq(buf, "2019-07-01");
	ck_assert_int_eq(wiz_days_between(20190701, 20190801), 31);
	ck_assert_int_eq(wiz_days_between(20191231, 20200301), 61);
	ck_assert_int_eq(wiz_add_days(20200228, 2), 20200301);
	ck_assert_int_eq(wiz_add_days(20190701, -1), 20190630);
}
END_TEST

START_TEST(hours_and_dollars_are_compact)
{
	char buf[32];

	wiz_format_hours(0.25, buf, sizeof buf);
	ck_assert_str_eq(buf, "15 min");
	wiz_format_hours(6.14, buf, sizeof buf);
	ck_assert_str_eq(buf, "6.1 h");
	wiz_format_hours(30, buf, sizeof buf);
	ck_assert_str_eq(buf, "30 h");
	wiz_format_hours(96, buf, sizeof buf);
	ck_assert_str_eq(buf, "4.0 d");
	wiz_format_usd(4.204, buf, sizeof buf);
	ck_assert_str_eq(buf, "$4.20");
	wiz_format_usd(1234.4, buf, sizeof buf);
	ck_assert_str_eq(buf, "$1,234");
	wiz_format_usd(250000, buf, sizeof buf);
	ck_assert_str_eq(buf, "$250k");
	wiz_format_usd(-1, buf, sizeof buf);
	ck_assert_str_eq(buf, "-");
}
END_TEST

/* ---- forms ------------------------------------------------------------------------ */

static struct ui_event key_event(enum ui_action act, int key, bool keycode)
{
	struct ui_event ev = { .kind = UI_EV_KEY, .action = act, .key = key, .is_keycode = keycode };
	return ev;
}

static struct ui_event act(enum ui_action a)
{
	return key_event(a, 0, true);
}

static struct ui_event typed(int ch)
{
	return key_event(UI_ACT_NONE, ch, false);
}

/* A grid list with one grid ruled out, and a text field. */
static void build_sample(struct ui_form *f, const char *checked)
{
	struct ui_field *grids, *name;
	const char *ids[] = { "4x5", "2x2.5", "0.25x0.3125", "0.5x0.625" };

	ui_form_begin(f);
	grids = ui_form_add_field(f, UI_FIELD_CHOICE, 7, "Grid");
	for (int i = 0; i < 4; i++) {
		struct ui_item *it = ui_field_add_item(grids, ids[i], ids[i]);
		it->checked = strcmp(ids[i], checked) == 0;
		if (i == 2)
			snprintf(it->reason, sizeof it->reason, "MERRA-2 does not offer it");
	}
	name = ui_form_add_field(f, UI_FIELD_TEXT, 8, "Name");
	ui_field_set_text(f, name, "run");
	ui_form_add_button(f, UI_BUTTON_BACK, "Back");
	ui_form_add_button(f, UI_BUTTON_NEXT, "Next");
	ui_form_end(f);
}

START_TEST(choice_list_picks_as_the_cursor_moves_but_not_ruled_out_items)
{
	struct ui_form f;
	struct ui_form_result r;
	struct ui_event ev;
	unsigned bits;

	ui_form_init(&f);
	build_sample(&f, "4x5");
	ck_assert_int_eq(f.focus, 0);
	ck_assert_int_eq(f.fields[0].cursor, 0);           /* starts on the chosen item */

	ev = act(UI_ACT_DOWN);
	bits = ui_form_event(&f, &ev, &r);
	ck_assert_int_eq(r.what, UI_FORM_PICKED);
	ck_assert(bits & UI_CHANGED);
	ck_assert(f.fields[0].items[1].checked && !f.fields[0].items[0].checked);

	/* Onto the ruled-out grid: the cursor goes there (to show why), the
	 * choice stays. */
	bits = ui_form_event(&f, &ev, &r);
	ck_assert_int_eq(r.what, UI_FORM_MOVED);
	ck_assert(!(bits & UI_CHANGED));
	ck_assert_int_eq(f.fields[0].cursor, 2);
	ck_assert(f.fields[0].items[1].checked && !f.fields[0].items[2].checked);

	ev = act(UI_ACT_SELECT);
	ui_form_event(&f, &ev, &r);
	ck_assert_int_eq(r.what, UI_FORM_REFUSED);
	ck_assert_int_eq(r.item, 2);

	ev = act(UI_ACT_LAST);
	ui_form_event(&f, &ev, &r);
	ck_assert_int_eq(r.what, UI_FORM_PICKED);
	ck_assert_int_eq(r.item, 3);
	ev = act(UI_ACT_DOWN);                        /* past the end: nothing */
	ui_form_event(&f, &ev, &r);
	ck_assert_int_eq(r.what, UI_FORM_NOTHING);
	ev = act(UI_ACT_SELECT);
	ui_form_event(&f, &ev, &r);
	ck_assert_int_eq(r.what, UI_FORM_SUBMIT);
	ui_form_free(&f);
}
END_TEST

START_TEST(rebuild_keeps_cursor_focus_and_typed_text)
{
	struct ui_form f;
	struct ui_form_result r;
	struct ui_event ev;

	ui_form_init(&f);
	build_sample(&f, "4x5");
	ev = act(UI_ACT_DOWN);
	ui_form_event(&f, &ev, &r);
	ev = act(UI_ACT_DOWN);
	ui_form_event(&f, &ev, &r);                    /* cursor on the ruled-out item */
	build_sample(&f, "2x2.5");
	ck_assert_int_eq(f.fields[0].cursor, 2);
	ck_assert_int_eq(f.focus, 0);

	ev = act(UI_ACT_NEXT_FIELD);
	ui_form_event(&f, &ev, &r);
	ck_assert_int_eq(f.focus, 1);
	ev = typed('X');
	ui_form_event(&f, &ev, &r);
	ck_assert_int_eq(r.what, UI_FORM_EDITED);
	ck_assert_str_eq(f.fields[1].text, "runX");
	build_sample(&f, "2x2.5");                     /* the step resets it to "run"... */
	ck_assert_str_eq(f.fields[1].text, "runX");    /* ...but the typing wins */
	ck_assert_int_eq(f.focus, 1);
	ui_form_free(&f);
}
END_TEST

START_TEST(text_field_editing)
{
	struct ui_form f;
	struct ui_form_result r;
	struct ui_event ev;
	struct ui_field *name;

	ui_form_init(&f);
	build_sample(&f, "4x5");
	f.focus = 1;
	name = &f.fields[1];
	/* Letters that are keys elsewhere (q, j, ?) are text here. */
	ev = typed('q');
	ck_assert(ui_form_event(&f, &ev, &r) & UI_HANDLED);
	ev = typed(0xe9);   /* é */
	ui_form_event(&f, &ev, &r);
	ck_assert_str_eq(name->text, "runqé");
	ev = key_event(UI_ACT_LEFT, KEY_LEFT, true);
	ui_form_event(&f, &ev, &r);                    /* caret before é */
	ev = key_event(UI_ACT_BACK, KEY_BACKSPACE, true);
	ui_form_event(&f, &ev, &r);                    /* deletes q, not "back" */
	ck_assert_int_eq(r.what, UI_FORM_EDITED);
	ck_assert_str_eq(name->text, "runé");
	ev = key_event(UI_ACT_FIRST, KEY_HOME, true);
	ui_form_event(&f, &ev, &r);
	ev = key_event(UI_ACT_NONE, KEY_DC, true);
	ui_form_event(&f, &ev, &r);
	ck_assert_str_eq(name->text, "uné");
	/* Escape is not text: the form leaves it to the wizard (back). */
	ev = key_event(UI_ACT_BACK, 27, false);
	ck_assert_int_eq(ui_form_event(&f, &ev, &r), 0);
	ui_form_free(&f);
}
END_TEST

START_TEST(number_field_steps_within_bounds)
{
	struct ui_form f;
	struct ui_form_result r;
	struct ui_event ev;
	struct ui_field *n;
	long v;

	ui_form_init(&f);
	ui_form_begin(&f);
	n = ui_form_add_field(&f, UI_FIELD_NUMBER, 1, "Nodes");
	n->min = 1;
	n->max = 3;
	ui_field_set_text(&f, n, "2");
	ui_form_end(&f);
	n = &f.fields[0];
	ev = key_event(UI_ACT_RIGHT, KEY_RIGHT, true);
	ui_form_event(&f, &ev, &r);
	ui_form_event(&f, &ev, &r);
	ck_assert(ui_field_number(n, &v) && v == 3);   /* clamped at max */
	ev = typed('x');                                /* not a digit: ignored */
	ui_form_event(&f, &ev, &r);
	ck_assert_str_eq(n->text, "3");
	ev = typed('5');
	ui_form_event(&f, &ev, &r);
	ck_assert_str_eq(n->text, "35");
	ck_assert(!ui_field_number(n, &v));             /* out of range */
	ui_form_free(&f);
}
END_TEST

START_TEST(multi_list_ticks_with_space_and_focus_skips_hidden_fields)
{
	struct ui_form f;
	struct ui_form_result r;
	struct ui_event ev;
	struct ui_field *a, *hidden;

	ui_form_init(&f);
	ui_form_begin(&f);
	a = ui_form_add_field(&f, UI_FIELD_MULTI, 1, "Collections");
	ui_field_add_item(a, "SpeciesConc", "SpeciesConc");
	snprintf(ui_field_add_item(a, "RRTMG", "RRTMG")->reason, UI_NOTE_MAX, "full chemistry only");
	hidden = ui_form_add_field(&f, UI_FIELD_TEXT, 2, "Hidden");
	hidden->hidden = true;
	ui_form_add_button(&f, UI_BUTTON_NEXT, "Next");
	ui_form_end(&f);

	ev = act(UI_ACT_TOGGLE);
	ui_form_event(&f, &ev, &r);
	ck_assert_int_eq(r.what, UI_FORM_TOGGLED);
	ck_assert(f.fields[0].items[0].checked);
	ev = act(UI_ACT_DOWN);
	ui_form_event(&f, &ev, &r);
	ev = act(UI_ACT_TOGGLE);
	ui_form_event(&f, &ev, &r);
	ck_assert_int_eq(r.what, UI_FORM_REFUSED);
	ck_assert(!f.fields[0].items[1].checked);

	ev = act(UI_ACT_NEXT_FIELD);
	ui_form_event(&f, &ev, &r);
	ck_assert_int_eq(f.focus, 2);                   /* the button, not the hidden field */
	ev = act(UI_ACT_SELECT);
	ui_form_event(&f, &ev, &r);
	ck_assert_int_eq(r.what, UI_FORM_BUTTON);
	ck_assert_int_eq(r.button, UI_BUTTON_NEXT);
	ev = act(UI_ACT_NEXT_FIELD);
	ui_form_event(&f, &ev, &r);
	ck_assert_int_eq(f.focus, 0);                   /* wraps around */
	ui_form_free(&f);
}
END_TEST

START_TEST(clicks_pick_items_and_press_buttons)
{
	struct ui_form f;
	struct ui_form_result r;
	struct ui_event ev = { .kind = UI_EV_CLICK };

	ui_form_init(&f);
	build_sample(&f, "4x5");
	ev.hit = (struct ui_hit){ 5, 2, 20, UI_HIT_FORM_ITEM, 0, 3 };
	ui_form_event(&f, &ev, &r);
	ck_assert_int_eq(r.what, UI_FORM_PICKED);
	ck_assert(f.fields[0].items[3].checked);
	ev.hit = (struct ui_hit){ 5, 2, 20, UI_HIT_FORM_BUTTON, UI_BUTTON_NEXT, 0 };
	ui_form_event(&f, &ev, &r);
	ck_assert_int_eq(r.what, UI_FORM_BUTTON);
	ck_assert_int_eq(r.button, UI_BUTTON_NEXT);
	ui_form_free(&f);
}
END_TEST

/* Drawing into an off-screen terminal and reading the screen back. */
static SCREEN *screen;
static FILE *screen_out, *screen_in;

static void screen_setup(void)
{
	screen_out = fopen("/dev/null", "w");
	screen_in = fopen("/dev/null", "r");
	ck_assert(screen_out && screen_in);
	screen = newterm("xterm-256color", screen_out, screen_in);
	ck_assert_ptr_nonnull(screen);
	resizeterm(24, 80);
	ui_theme_init(false, true);
}

static void screen_teardown(void)
{
	endwin();
	delscreen(screen);
	fclose(screen_out);
	fclose(screen_in);
}

static void row_text(int y, char *buf, size_t size)
{
	wchar_t wide[256];
	int n = mvinnwstr(y, 0, wide, 255);

	wide[n > 0 ? n : 0] = L'\0';
	wcstombs(buf, wide, size);
	/* Trim the right. */
	for (size_t len = strlen(buf); len > 0 && buf[len - 1] == ' '; len--)
		buf[len - 1] = '\0';
}

START_TEST(form_draws_marks_reasons_and_buttons)
{
	struct ui_form f;
	struct ui_form_result r;
	struct ui_event ev = act(UI_ACT_DOWN);
	char line[512];
	bool found_reason = false;

	ui_form_init(&f);
	build_sample(&f, "4x5");
	ui_form_event(&f, &ev, &r);
	ui_form_event(&f, &ev, &r);   /* cursor on the ruled-out grid */
	erase();
	ui_form_draw(&f, NULL, 0, 0, 20, 60);
	row_text(0, line, sizeof line);
	ck_assert_str_eq(line, "Grid");
	row_text(1, line, sizeof line);
	ck_assert_str_eq(line, "  ( ) 4x5");
	row_text(2, line, sizeof line);
	ck_assert_str_eq(line, "  (•) 2x2.5");
	row_text(3, line, sizeof line);
	ck_assert(strstr(line, "▶ ( ) 0.25x0.3125") == line);
	ck_assert(strstr(line, "not available") != NULL);
	for (int y = 4; y < 20; y++) {
		row_text(y, line, sizeof line);
		if (strstr(line, "Not available: MERRA-2 does not offer it"))
			found_reason = true;
	}
	ck_assert_msg(found_reason, "the highlighted item's reason is shown");
	row_text(19, line, sizeof line);
	ck_assert_str_eq(line, " [ Back ]   [ Next ]");
	/* A focused button has the pointer in front of it. */
	ev = act(UI_ACT_NEXT_FIELD);
	ui_form_event(&f, &ev, &r);
	ui_form_event(&f, &ev, &r);
	erase();
	ui_form_draw(&f, NULL, 0, 0, 20, 60);
	row_text(19, line, sizeof line);
	ck_assert_str_eq(line, "▶[ Back ]   [ Next ]");
	ui_form_free(&f);
}
END_TEST

START_TEST(long_lists_scroll_to_the_cursor)
{
	struct ui_form f;
	struct ui_field *fld;
	struct ui_form_result r;
	struct ui_event ev = act(UI_ACT_LAST);
	char line[512];

	ui_form_init(&f);
	ui_form_begin(&f);
	fld = ui_form_add_field(&f, UI_FIELD_CHOICE, 1, "Instance");
	for (int i = 0; i < 40; i++) {
		char id[16];
		snprintf(id, sizeof id, "type%02d", i);
		ui_field_add_item(fld, id, id)->checked = i == 0;
	}
	ui_form_end(&f);
	ui_form_event(&f, &ev, &r);
	erase();
	ui_form_draw(&f, NULL, 0, 0, 8, 40);
	row_text(1, line, sizeof line);
	ck_assert(strstr(line, "▲") != NULL);        /* more above */
	ck_assert_int_eq(f.fields[0].top + f.fields[0].rows_shown, 40);
	ck_assert_int_eq(f.fields[0].cursor, 39);
	ui_form_free(&f);
}
END_TEST

START_TEST(draw_clips_to_the_width_given)
{
	char line[512];

	erase();
	ui_draw_text(0, 0, 6, UI_ROLE_NORMAL, "Größenordnung");
	row_text(0, line, sizeof line);
	ck_assert_str_eq(line, "Größen");
	erase();
	ui_draw_text_cut(0, 0, 6, UI_ROLE_NORMAL, "Größenordnung");
	row_text(0, line, sizeof line);
	ck_assert_str_eq(line, "Größe…");
	erase();
	ck_assert_int_eq(ui_draw_wrapped(0, 0, 2, 10, UI_ROLE_NORMAL, "one two three four five"), 2);
	row_text(1, line, sizeof line);
	ck_assert_str_eq(line, "three four");
}
END_TEST

/* Without UTF-8 the layout still counts one column per character and the
 * screen shows '?' for what ASCII cannot show. */
START_TEST(ascii_fallback_keeps_columns)
{
	char line[512];

	setlocale(LC_CTYPE, "C");
	ck_assert_int_eq(ui_text_width("4° x 5°"), 7);
	ck_assert_uint_eq(ui_text_fit("4° x 5°", 2, NULL), 3);   /* "4°" is 3 bytes */
	ui_theme_init_glyphs(false);
	ck_assert_str_eq(ui_glyphs()->radio_on, "(*)");
	erase();
	ui_draw_text(0, 0, 20, UI_ROLE_NORMAL, "4° x 5°");
	setlocale(LC_CTYPE, "C.UTF-8");
	row_text(0, line, sizeof line);
	ck_assert_str_eq(line, "4? x 5?");
	ui_theme_init_glyphs(true);
}
END_TEST

static Suite *widgets_suite(void)
{
	Suite *s = suite_create("ui widgets");
	TCase *tc = tcase_create("text");

	tcase_add_test(tc, text_width_counts_columns_not_bytes);
	tcase_add_test(tc, text_fit_never_splits_a_character);
	tcase_add_test(tc, text_wrap_breaks_at_spaces_and_newlines);
	tcase_add_test(tc, text_ellipsize_and_copy);
	suite_add_tcase(s, tc);

	tc = tcase_create("actions");
	tcase_add_test(tc, every_key_name_parses_and_no_key_is_bound_twice);
	tcase_add_test(tc, keys_map_to_actions);
	tcase_add_test(tc, key_names_parse);
	tcase_add_test(tc, man_page_keys_match_the_table);
	suite_add_tcase(s, tc);

	tc = tcase_create("formats");
	tcase_add_test(tc, dates_parse_format_and_count);
	tcase_add_test(tc, hours_and_dollars_are_compact);
	suite_add_tcase(s, tc);

	tc = tcase_create("forms");
	tcase_add_test(tc, choice_list_picks_as_the_cursor_moves_but_not_ruled_out_items);
	tcase_add_test(tc, rebuild_keeps_cursor_focus_and_typed_text);
	tcase_add_test(tc, text_field_editing);
	tcase_add_test(tc, number_field_steps_within_bounds);
	tcase_add_test(tc, multi_list_ticks_with_space_and_focus_skips_hidden_fields);
	tcase_add_test(tc, clicks_pick_items_and_press_buttons);
	suite_add_tcase(s, tc);

	tc = tcase_create("drawing");
	tcase_add_checked_fixture(tc, screen_setup, screen_teardown);
	tcase_add_test(tc, form_draws_marks_reasons_and_buttons);
	tcase_add_test(tc, long_lists_scroll_to_the_cursor);
	tcase_add_test(tc, draw_clips_to_the_width_given);
	tcase_add_test(tc, ascii_fallback_keeps_columns);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr;
	int failed;

	/* Width arithmetic needs a UTF-8 locale; C.UTF-8 is always there. */
	setlocale(LC_ALL, "C.UTF-8");
	sr = srunner_create(widgets_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
