/* form.c: lists, ticks, text and number fields, buttons (see form.h). */
#include "config.h"

#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "i18n.h"
#include "ui/draw.h"
#include "ui/form.h"
#include "ui/text.h"

#define MAX_INFO_LINES 4
#define MAX_NOTE_LINES 3

void ui_form_init(struct ui_form *f)
{
	memset(f, 0, sizeof *f);
	f->focus_tag = -1;
	f->editing_tag = -1;
}

void ui_form_free(struct ui_form *f)
{
	for (int i = 0; i < UI_FORM_MAX_FIELDS; i++)
		free(f->fields[i].items);
	ui_form_init(f);
}

void ui_form_begin(struct ui_form *f)
{
	f->nsaved = 0;
	f->focus_tag = -1;
	f->focus_button = 0;
	f->editing_tag = -1;
	for (int i = 0; i < f->nfields; i++) {
		struct ui_field *fld = &f->fields[i];
		struct ui_form_saved *s = &f->saved[f->nsaved++];

		memset(s, 0, sizeof *s);
		s->tag = fld->tag;
		s->kind = fld->kind;
		s->cursor = fld->cursor;
		s->top = fld->top;
		if (fld->cursor >= 0 && fld->cursor < fld->nitems)
			snprintf(s->cursor_id, sizeof s->cursor_id, "%s", fld->items[fld->cursor].id);
		s->edited = fld->edited;
		if (fld->edited) {
			snprintf(s->text, sizeof s->text, "%s", fld->text);
			snprintf(s->error, sizeof s->error, "%s", fld->error);
			s->caret = fld->caret;
		}
	}
	if (f->focus < f->nfields) {
		f->focus_tag = f->fields[f->focus].tag;
		if (f->fields[f->focus].kind == UI_FIELD_TEXT ||
		    f->fields[f->focus].kind == UI_FIELD_NUMBER)
			f->editing_tag = f->focus_tag;
	} else if (f->focus - f->nfields < f->nbuttons) {
		f->focus_button = f->buttons[f->focus - f->nfields].tag;
	}
	/* Keep the item arrays; forget their contents. */
	for (int i = 0; i < UI_FORM_MAX_FIELDS; i++) {
		struct ui_item *items = f->fields[i].items;
		int cap = f->fields[i].cap;
		memset(&f->fields[i], 0, sizeof f->fields[i]);
		f->fields[i].items = items;
		f->fields[i].cap = cap;
	}
	f->nfields = 0;
	f->nbuttons = 0;
}

static const struct ui_form_saved *saved_for(const struct ui_form *f, int tag)
{
	for (int i = 0; i < f->nsaved; i++)
		if (f->saved[i].tag == tag)
			return &f->saved[i];
	return NULL;
}

static int first_visible_field(const struct ui_form *f)
{
	for (int i = 0; i < f->nfields; i++)
		if (!f->fields[i].hidden)
			return i;
	return f->nfields;   /* the first button */
}

void ui_form_end(struct ui_form *f)
{
	for (int i = 0; i < f->nfields; i++) {
		struct ui_field *fld = &f->fields[i];
		const struct ui_form_saved *s = f->built ? saved_for(f, fld->tag) : NULL;
		int checked = ui_field_checked(fld);

		fld->cursor = -1;
		if (s && s->kind == fld->kind) {
			for (int k = 0; s->cursor_id[0] && k < fld->nitems; k++)
				if (strcmp(fld->items[k].id, s->cursor_id) == 0)
					fld->cursor = k;
			fld->top = s->top;
			if (s->edited) {
				snprintf(fld->text, sizeof fld->text, "%s", s->text);
				fld->caret = s->caret <= strlen(fld->text) ? s->caret : strlen(fld->text);
				fld->edited = true;
				snprintf(fld->error, sizeof fld->error, "%s", s->error);
			}
		}
		if (fld->cursor < 0)
			fld->cursor = checked >= 0 ? checked : 0;
		if (fld->cursor >= fld->nitems)
			fld->cursor = fld->nitems > 0 ? fld->nitems - 1 : 0;
	}

	f->focus = -1;
	if (f->built && f->focus_tag >= 0)
		for (int i = 0; i < f->nfields; i++)
			if (f->fields[i].tag == f->focus_tag && !f->fields[i].hidden)
				f->focus = i;
	if (f->built && f->focus < 0 && f->focus_button)
		for (int i = 0; i < f->nbuttons; i++)
			if (f->buttons[i].tag == f->focus_button && !f->buttons[i].disabled)
				f->focus = f->nfields + i;
	if (f->focus < 0)
		f->focus = first_visible_field(f);
	f->built = true;
}

struct ui_field *ui_form_add_field(struct ui_form *f, enum ui_field_kind kind, int tag,
				   const char *label)
{
	struct ui_field *fld;

	if (f->nfields >= UI_FORM_MAX_FIELDS)
		abort();   /* a step asks for more fields than a form holds: a bug */
	fld = &f->fields[f->nfields++];
	fld->kind = kind;
	fld->tag = tag;
	snprintf(fld->label, sizeof fld->label, "%s", label ? label : "");
	fld->note_role = UI_ROLE_HINT;
	fld->width = 12;
	fld->min = 0;
	fld->max = 1000000;
	fld->step = 1;
	return fld;
}

struct ui_item *ui_field_add_item(struct ui_field *fld, const char *id, const char *label)
{
	struct ui_item *it;

	if (fld->nitems == fld->cap) {
		int cap = fld->cap ? fld->cap * 2 : 16;
		struct ui_item *items = realloc(fld->items, (size_t)cap * sizeof *items);
		if (!items)
			abort();   /* a few kilobytes: nothing sensible to do without them */
		fld->items = items;
		fld->cap = cap;
	}
	it = &fld->items[fld->nitems++];
	memset(it, 0, sizeof *it);
	snprintf(it->id, sizeof it->id, "%s", id);
	snprintf(it->label, sizeof it->label, "%s", label);
	return it;
}

void ui_form_add_button(struct ui_form *f, int tag, const char *label)
{
	struct ui_button *b;

	if (f->nbuttons >= UI_FORM_MAX_BUTTONS)
		abort();
	b = &f->buttons[f->nbuttons++];
	memset(b, 0, sizeof *b);
	b->tag = tag;
	snprintf(b->label, sizeof b->label, "%s", label);
}

void ui_field_set_text(struct ui_form *f, struct ui_field *fld, const char *text)
{
	(void)f;
	snprintf(fld->text, sizeof fld->text, "%s", text);
	fld->caret = strlen(fld->text);
	fld->edited = false;
}

struct ui_field *ui_form_field_by_tag(struct ui_form *f, int tag)
{
	for (int i = 0; i < f->nfields; i++)
		if (f->fields[i].tag == tag)
			return &f->fields[i];
	return NULL;
}

struct ui_field *ui_form_focused_field(struct ui_form *f)
{
	if (f->focus >= 0 && f->focus < f->nfields)
		return &f->fields[f->focus];
	return NULL;
}

const struct ui_item *ui_form_current_item(const struct ui_form *f)
{
	const struct ui_field *fld;

	if (f->focus < 0 || f->focus >= f->nfields)
		return NULL;
	fld = &f->fields[f->focus];
	if ((fld->kind != UI_FIELD_CHOICE && fld->kind != UI_FIELD_MULTI &&
	     fld->kind != UI_FIELD_VIEW) ||
	    fld->cursor < 0 || fld->cursor >= fld->nitems)
		return NULL;
	return &fld->items[fld->cursor];
}

int ui_field_checked(const struct ui_field *fld)
{
	if (fld->kind != UI_FIELD_CHOICE)
		return -1;
	for (int i = 0; i < fld->nitems; i++)
		if (fld->items[i].checked)
			return i;
	return -1;
}

bool ui_field_number(const struct ui_field *fld, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(fld->text, &end, 10);
	if (errno || end == fld->text || *end || v < fld->min || v > fld->max)
		return false;
	*out = v;
	return true;
}

/* ---- focus ------------------------------------------------------------- */

static bool focusable(const struct ui_form *f, int i)
{
	if (i < f->nfields)
		return !f->fields[i].hidden;
	return !f->buttons[i - f->nfields].disabled;
}

bool ui_form_focus_step(struct ui_form *f, int dir)
{
	int n = f->nfields + f->nbuttons;

	if (n == 0)
		return false;
	for (int k = 1; k <= n; k++) {
		int i = ((f->focus + dir * k) % n + n) % n;
		if (focusable(f, i)) {
			bool moved = i != f->focus;
			f->focus = i;
			return moved;
		}
	}
	return false;
}

void ui_form_focus_first(struct ui_form *f)
{
	f->focus = first_visible_field(f);
}

bool ui_form_focus_is_last_field(const struct ui_form *f)
{
	if (f->focus >= f->nfields)
		return false;
	for (int i = f->focus + 1; i < f->nfields; i++)
		if (!f->fields[i].hidden)
			return false;
	return true;
}

void ui_form_focus_button(struct ui_form *f, int tag)
{
	for (int i = 0; i < f->nbuttons; i++)
		if (f->buttons[i].tag == tag && !f->buttons[i].disabled)
			f->focus = f->nfields + i;
}

/* ---- events ------------------------------------------------------------ */

static void set_result(struct ui_form_result *res, enum ui_form_what what, int field, int item)
{
	res->what = what;
	res->field = field;
	res->item = item;
}

/* Moves a list's cursor; a CHOICE list picks the item it lands on when it
 * can be picked (so estimates follow the cursor). */
static unsigned move_cursor(struct ui_form *f, int fi, int to, struct ui_form_result *res)
{
	struct ui_field *fld = &f->fields[fi];

	if (fld->nitems == 0)
		return UI_HANDLED;
	if (to < 0)
		to = 0;
	if (to >= fld->nitems)
		to = fld->nitems - 1;
	if (to == fld->cursor) {
		set_result(res, UI_FORM_NOTHING, fi, to);
		return UI_HANDLED;
	}
	fld->cursor = to;
	if (fld->kind == UI_FIELD_CHOICE && !fld->items[to].reason[0] && !fld->items[to].checked) {
		for (int i = 0; i < fld->nitems; i++)
			fld->items[i].checked = i == to;
		set_result(res, UI_FORM_PICKED, fi, to);
		return UI_HANDLED | UI_REDRAW | UI_CHANGED;
	}
	set_result(res, UI_FORM_MOVED, fi, to);
	return UI_HANDLED | UI_REDRAW;
}

static unsigned pick(struct ui_form *f, int fi, int item, struct ui_form_result *res,
		     bool submit)
{
	struct ui_field *fld = &f->fields[fi];
	struct ui_item *it;

	if (item < 0 || item >= fld->nitems)
		return UI_HANDLED;
	it = &fld->items[item];
	fld->cursor = item;
	if (it->reason[0]) {
		set_result(res, UI_FORM_REFUSED, fi, item);
		return UI_HANDLED | UI_REDRAW;
	}
	if (fld->kind == UI_FIELD_MULTI) {
		if (submit) {
			set_result(res, UI_FORM_SUBMIT, fi, item);
			return UI_HANDLED | UI_REDRAW;
		}
		it->checked = !it->checked;
		set_result(res, UI_FORM_TOGGLED, fi, item);
		return UI_HANDLED | UI_REDRAW | UI_CHANGED;
	}
	if (!it->checked) {
		for (int i = 0; i < fld->nitems; i++)
			fld->items[i].checked = i == item;
		set_result(res, submit ? UI_FORM_SUBMIT : UI_FORM_PICKED, fi, item);
		return UI_HANDLED | UI_REDRAW | UI_CHANGED;
	}
	set_result(res, submit ? UI_FORM_SUBMIT : UI_FORM_NOTHING, fi, item);
	return UI_HANDLED | UI_REDRAW;
}

static size_t prev_char_start(const char *s, size_t pos)
{
	if (pos == 0)
		return 0;
	pos--;
	while (pos > 0 && ((unsigned char)s[pos] & 0xc0) == 0x80)
		pos--;
	return pos;
}

static size_t next_char_end(const char *s, size_t pos)
{
	size_t n = strlen(s);

	if (pos >= n)
		return n;
	pos++;
	while (pos < n && ((unsigned char)s[pos] & 0xc0) == 0x80)
		pos++;
	return pos;
}

/* Text editing keys for a focused TEXT or NUMBER field; returns 0 when the
 * key is not an editing key (so it goes to the action table). */
static unsigned edit_text(struct ui_form *f, int fi, const struct ui_event *ev,
			  struct ui_form_result *res)
{
	struct ui_field *fld = &f->fields[fi];
	size_t len = strlen(fld->text);

	if (!ev->is_keycode && ev->key >= ' ' && ev->key != 127) {
		char mb[MB_LEN_MAX + 1];
		mbstate_t st;
		size_t n;

		if (fld->kind == UI_FIELD_NUMBER && !(ev->key >= '0' && ev->key <= '9'))
			return ev->key == ' ' ? UI_HANDLED : 0;
		memset(&st, 0, sizeof st);
		n = wcrtomb(mb, (wchar_t)ev->key, &st);
		if (n == (size_t)-1 || len + n >= sizeof fld->text)
			return UI_HANDLED;
		memmove(fld->text + fld->caret + n, fld->text + fld->caret, len - fld->caret + 1);
		memcpy(fld->text + fld->caret, mb, n);
		fld->caret += n;
		fld->edited = true;
		set_result(res, UI_FORM_EDITED, fi, -1);
		return UI_HANDLED | UI_REDRAW | UI_CHANGED;
	}
	if ((ev->is_keycode && ev->key == KEY_BACKSPACE) || (!ev->is_keycode && (ev->key == 127 || ev->key == 8))) {
		size_t start = prev_char_start(fld->text, fld->caret);
		if (fld->caret == 0)
			return UI_HANDLED;
		memmove(fld->text + start, fld->text + fld->caret, len - fld->caret + 1);
		fld->caret = start;
		fld->edited = true;
		set_result(res, UI_FORM_EDITED, fi, -1);
		return UI_HANDLED | UI_REDRAW | UI_CHANGED;
	}
	if (ev->is_keycode && ev->key == KEY_DC) {
		size_t end = next_char_end(fld->text, fld->caret);
		if (end == fld->caret)
			return UI_HANDLED;
		memmove(fld->text + fld->caret, fld->text + end, len - end + 1);
		fld->edited = true;
		set_result(res, UI_FORM_EDITED, fi, -1);
		return UI_HANDLED | UI_REDRAW | UI_CHANGED;
	}
	if (ev->is_keycode && (ev->key == KEY_LEFT || ev->key == KEY_RIGHT) &&
	    fld->kind == UI_FIELD_NUMBER) {
		long v;
		if (!ui_field_number(fld, &v))
			v = fld->min;
		else
			v += ev->key == KEY_LEFT ? -fld->step : fld->step;
		if (v < fld->min)
			v = fld->min;
		if (v > fld->max)
			v = fld->max;
		snprintf(fld->text, sizeof fld->text, "%ld", v);
		fld->caret = strlen(fld->text);
		fld->edited = true;
		set_result(res, UI_FORM_EDITED, fi, -1);
		return UI_HANDLED | UI_REDRAW | UI_CHANGED;
	}
	if (ev->is_keycode && ev->key == KEY_LEFT) {
		fld->caret = prev_char_start(fld->text, fld->caret);
		return UI_HANDLED | UI_REDRAW;
	}
	if (ev->is_keycode && ev->key == KEY_RIGHT) {
		fld->caret = next_char_end(fld->text, fld->caret);
		return UI_HANDLED | UI_REDRAW;
	}
	if (ev->is_keycode && ev->key == KEY_HOME) {
		fld->caret = 0;
		return UI_HANDLED | UI_REDRAW;
	}
	if (ev->is_keycode && ev->key == KEY_END) {
		fld->caret = len;
		return UI_HANDLED | UI_REDRAW;
	}
	return 0;
}

static unsigned click(struct ui_form *f, const struct ui_event *ev, struct ui_form_result *res)
{
	switch (ev->hit.kind) {
	case UI_HIT_FORM_ITEM:
		if (ev->hit.a < 0 || ev->hit.a >= f->nfields)
			return 0;
		f->focus = ev->hit.a;
		if (f->fields[ev->hit.a].kind == UI_FIELD_VIEW) {
			if (ev->hit.b >= 0 && ev->hit.b < f->fields[ev->hit.a].nitems)
				f->fields[ev->hit.a].cursor = ev->hit.b;
			set_result(res, UI_FORM_SUBMIT, ev->hit.a, ev->hit.b);
			return UI_HANDLED | UI_REDRAW;
		}
		return pick(f, ev->hit.a, ev->hit.b, res, false) | UI_REDRAW;
	case UI_HIT_FORM_FIELD:
		if (ev->hit.a < 0 || ev->hit.a >= f->nfields)
			return 0;
		f->focus = ev->hit.a;
		set_result(res, UI_FORM_MOVED, ev->hit.a, -1);
		return UI_HANDLED | UI_REDRAW;
	case UI_HIT_FORM_BUTTON:
		for (int i = 0; i < f->nbuttons; i++)
			if (f->buttons[i].tag == ev->hit.a && !f->buttons[i].disabled) {
				f->focus = f->nfields + i;
				res->what = UI_FORM_BUTTON;
				res->button = ev->hit.a;
				return UI_HANDLED | UI_REDRAW;
			}
		return UI_HANDLED;
	default:
		return 0;
	}
}

unsigned ui_form_event(struct ui_form *f, const struct ui_event *ev, struct ui_form_result *res)
{
	struct ui_field *fld = ui_form_focused_field(f);
	int page;
	unsigned r;

	memset(res, 0, sizeof *res);
	res->item = -1;
	if (ev->kind == UI_EV_CLICK)
		return click(f, ev, res);

	if (fld && (fld->kind == UI_FIELD_TEXT || fld->kind == UI_FIELD_NUMBER)) {
		r = edit_text(f, f->focus, ev, res);
		if (r)
			return r;
	}

	switch (ev->action) {
	case UI_ACT_NEXT_FIELD:
	case UI_ACT_PREV_FIELD:
		ui_form_focus_step(f, ev->action == UI_ACT_NEXT_FIELD ? 1 : -1);
		set_result(res, UI_FORM_MOVED, f->focus, -1);
		return UI_HANDLED | UI_REDRAW;
	default:
		break;
	}

	if (!fld) {
		/* A button has focus. */
		int b = f->focus - f->nfields;
		if (b < 0 || b >= f->nbuttons)
			return 0;
		switch (ev->action) {
		case UI_ACT_SELECT:
			res->what = UI_FORM_BUTTON;
			res->button = f->buttons[b].tag;
			return UI_HANDLED | UI_REDRAW;
		case UI_ACT_LEFT:
		case UI_ACT_RIGHT:
			for (int k = 1; k < f->nbuttons; k++) {
				int i = ev->action == UI_ACT_RIGHT ? b + k : b - k;
				if (i < 0 || i >= f->nbuttons)
					break;
				if (!f->buttons[i].disabled) {
					f->focus = f->nfields + i;
					break;
				}
			}
			return UI_HANDLED | UI_REDRAW;
		case UI_ACT_UP:
			ui_form_focus_step(f, -1);
			return UI_HANDLED | UI_REDRAW;
		default:
			return 0;
		}
	}

	page = fld->rows_shown > 1 ? fld->rows_shown - 1 : 1;
	if (fld->kind == UI_FIELD_CHOICE || fld->kind == UI_FIELD_MULTI ||
	    fld->kind == UI_FIELD_VIEW) {
		switch (ev->action) {
		case UI_ACT_UP:
			return move_cursor(f, f->focus, fld->cursor - 1, res);
		case UI_ACT_DOWN:
			return move_cursor(f, f->focus, fld->cursor + 1, res);
		case UI_ACT_PAGE_UP:
			return move_cursor(f, f->focus, fld->cursor - page, res);
		case UI_ACT_PAGE_DOWN:
			return move_cursor(f, f->focus, fld->cursor + page, res);
		case UI_ACT_FIRST:
			return move_cursor(f, f->focus, 0, res);
		case UI_ACT_LAST:
			return move_cursor(f, f->focus, fld->nitems - 1, res);
		case UI_ACT_TOGGLE:
			if (fld->kind == UI_FIELD_VIEW)
				return 0;
			return pick(f, f->focus, fld->cursor, res, false);
		case UI_ACT_SELECT:
			if (fld->kind == UI_FIELD_MULTI || fld->kind == UI_FIELD_VIEW) {
				set_result(res, UI_FORM_SUBMIT, f->focus, fld->cursor);
				return UI_HANDLED | UI_REDRAW;
			}
			return pick(f, f->focus, fld->cursor, res, true);
		default:
			return 0;
		}
	}
	/* TEXT, NUMBER */
	switch (ev->action) {
	case UI_ACT_SELECT:
		set_result(res, UI_FORM_SUBMIT, f->focus, -1);
		return UI_HANDLED | UI_REDRAW;
	case UI_ACT_UP:
		if (ui_form_focus_step(f, -1))
			set_result(res, UI_FORM_MOVED, f->focus, -1);
		return UI_HANDLED | UI_REDRAW;
	case UI_ACT_DOWN:
		if (ui_form_focus_step(f, 1))
			set_result(res, UI_FORM_MOVED, f->focus, -1);
		return UI_HANDLED | UI_REDRAW;
	default:
		return 0;
	}
}

/* ---- drawing ------------------------------------------------------------- */

/* The line(s) under the form that explain what the cursor is on. */
static const char *info_text(const struct ui_form *f, enum ui_role *role, char *buf, size_t len)
{
	const struct ui_item *it = ui_form_current_item(f);

	*role = UI_ROLE_HINT;
	if (f->focus < 0 || f->focus >= f->nfields)
		return "";
	if (it && it->reason[0]) {
		*role = UI_ROLE_REASON;
		snprintf(buf, len, _("Not available: %s"), it->reason);
		return buf;
	}
	if (it)
		return it->detail;
	return "";   /* a text field shows its own error under it */
}

static int count_lines(const char *s, int w, int cap)
{
	struct ui_text_line lines[1];
	int n;

	if (!s || !*s)
		return 0;
	n = ui_text_wrap(s, w, lines, 0);
	return n < cap ? n : cap;
}

static bool is_list(const struct ui_field *fld)
{
	return fld->kind == UI_FIELD_CHOICE || fld->kind == UI_FIELD_MULTI ||
	       fld->kind == UI_FIELD_VIEW;
}

static int list_rows_wanted(const struct ui_field *fld)
{
	if (is_list(fld))
		return fld->nitems > 0 ? fld->nitems : 1;
	return 1;
}

static int field_fixed_rows(const struct ui_field *fld, int w, int note_cap)
{
	int rows = fld->label[0] ? 1 : 0;
	rows += count_lines(fld->note, w, note_cap);
	if (fld->kind == UI_FIELD_TEXT || fld->kind == UI_FIELD_NUMBER)
		rows += fld->error[0] ? count_lines(fld->error, w, 2) : 0;
	return rows;
}

int ui_form_wanted_rows(const struct ui_form *f, int w)
{
	char buf[UI_NOTE_MAX + 64];
	enum ui_role role;
	int rows = 0, nvis = 0;

	for (int i = 0; i < f->nfields; i++) {
		if (f->fields[i].hidden)
			continue;
		rows += field_fixed_rows(&f->fields[i], w, MAX_NOTE_LINES) + list_rows_wanted(&f->fields[i]);
		nvis++;
	}
	rows += nvis > 1 ? nvis - 1 : 0;
	rows += count_lines(info_text(f, &role, buf, sizeof buf), w, MAX_INFO_LINES) + 1;
	if (f->nbuttons)
		rows += 2;
	return rows;
}

static void draw_item(struct ui_form *f, struct ui_app *app, int fi, int i, int y, int x, int w,
		      bool more_above, bool more_below)
{
	const struct ui_glyphs *g = ui_glyphs();
	struct ui_field *fld = &f->fields[fi];
	struct ui_item *it = &fld->items[i];
	bool at_cursor = i == fld->cursor;
	bool focused = fi == f->focus;
	enum ui_role role = UI_ROLE_NORMAL, badge_role = UI_ROLE_HINT;
	const char *mark, *badge = it->badge;
	int bw, labelw;

	if (it->reason[0])
		role = UI_ROLE_DISABLED;
	if (at_cursor)
		role = focused ? UI_ROLE_CURSOR : UI_ROLE_CURSOR_IDLE;
	if (at_cursor && focused)
		ui_draw_fill(y, x, w, UI_ROLE_CURSOR);
	ui_draw_text(y, x, 1, role, at_cursor && focused ? g->pointer : " ");
	if (fld->kind == UI_FIELD_MULTI)
		mark = it->checked ? g->check_on : g->check_off;
	else if (fld->kind == UI_FIELD_CHOICE)
		mark = it->checked ? g->radio_on : g->radio_off;
	else
		mark = "";
	if (*mark)
		ui_draw_text(y, x + 2, 3, at_cursor && focused ? role :
			     it->checked ? UI_ROLE_CHOSEN : role, mark);
	if (it->reason[0]) {   /* the reason shows when highlighted */
		badge = _("not available");
		badge_role = UI_ROLE_REASON;
	}
	if (at_cursor && focused)
		badge_role = UI_ROLE_CURSOR;
	bw = badge[0] ? ui_text_width(badge) : 0;
	if (bw > w / 2)
		bw = w / 2;
	labelw = w - (*mark ? 6 : 2) - (bw ? bw + 2 : 0) - 1;
	ui_draw_text_cut(y, x + (*mark ? 6 : 2), labelw, role, it->label);
	if (bw) {
		char cut[UI_LABEL_MAX];
		ui_text_ellipsize(cut, sizeof cut, badge, bw, ui_glyphs()->ellipsis);
		ui_draw_text_right(y, x + w - 1, bw, badge_role, cut);
	}
	if (more_above)
		ui_draw_text(y, x + w - 1, 1, UI_ROLE_HINT, g->more_above);
	if (more_below)
		ui_draw_text(y, x + w - 1, 1, UI_ROLE_HINT, g->more_below);
	ui_app_add_hit(app, y, x, w, UI_HIT_FORM_ITEM, fi, i);
}

static int draw_list(struct ui_form *f, struct ui_app *app, int fi, int y, int x, int rows, int w)
{
	struct ui_field *fld = &f->fields[fi];

	if (rows < 1)
		rows = 1;
	if (fld->nitems == 0) {
		ui_draw_text(y, x + 2, w - 2, UI_ROLE_HINT, _("(nothing to choose)"));
		fld->rows_shown = 1;
		return 1;
	}
	if (rows > fld->nitems)
		rows = fld->nitems;
	/* Keep the cursor in view, with one row of context where possible. */
	if (fld->cursor < fld->top)
		fld->top = fld->cursor;
	if (fld->cursor >= fld->top + rows)
		fld->top = fld->cursor - rows + 1;
	if (fld->top > fld->nitems - rows)
		fld->top = fld->nitems - rows;
	if (fld->top < 0)
		fld->top = 0;
	for (int r = 0; r < rows; r++) {
		int i = fld->top + r;
		draw_item(f, app, fi, i, y + r, x, w,
			  r == 0 && fld->top > 0,
			  r == rows - 1 && i < fld->nitems - 1);
	}
	fld->rows_shown = rows;
	return rows;
}

static void draw_text_field(struct ui_form *f, struct ui_app *app, int fi, int y, int x, int w)
{
	struct ui_field *fld = &f->fields[fi];
	bool focused = fi == f->focus;
	int boxw = fld->width + 2 < w - 4 ? fld->width + 2 : w - 4;
	const char *text = fld->text, *shown;
	int caret_col, skip_cols = 0;
	size_t caret = fld->caret;
	char masked[UI_TEXT_MAX];

	if (fld->secret) {
		/* A secret (an AWS secret key) is never drawn: one '*' a character. */
		size_t n = 0, before = 0;
		for (size_t i = 0; fld->text[i] && n + 1 < sizeof masked; i++)
			if (((unsigned char)fld->text[i] & 0xc0) != 0x80) {
				before += i < fld->caret;
				masked[n++] = '*';
			}
		masked[n] = '\0';
		text = masked;
		caret = before;
	}
	shown = text;
	if (boxw < 4)
		boxw = 4;
	ui_draw_text(y, x, 1, UI_ROLE_NORMAL, focused ? ui_glyphs()->pointer : " ");
	ui_draw_fill(y, x + 2, boxw, focused ? UI_ROLE_FIELD : UI_ROLE_FIELD);
	/* Scroll the text so the caret stays inside the box. */
	caret_col = ui_text_width_n(text, caret);
	if (caret_col > boxw - 2)
		skip_cols = caret_col - (boxw - 2);
	if (skip_cols > 0) {
		size_t skip = ui_text_fit(text, skip_cols, NULL);
		shown = text + skip;
		caret -= skip;
		caret_col = ui_text_width_n(shown, caret);
	}
	ui_draw_text(y, x + 3, boxw - 2, fld->error[0] ? UI_ROLE_ERROR : UI_ROLE_FIELD, shown);
	if (focused) {
		/* Draw the caret as a highlighted cell (the hardware cursor is off). */
		char cell[8] = " ";
		size_t end = next_char_end(shown, caret);
		if (end > caret && end - caret < sizeof cell) {
			memcpy(cell, shown + caret, end - caret);
			cell[end - caret] = '\0';
		}
		ui_draw_text(y, x + 3 + caret_col, 2, UI_ROLE_CURSOR, cell);
	}
	if (fld->kind == UI_FIELD_NUMBER)
		ui_draw_text(y, x + 3 + boxw, w - boxw - 3, UI_ROLE_HINT,
			     focused ? _("Left/Right: less/more") : "");
	ui_app_add_hit(app, y, x, boxw + 3, UI_HIT_FORM_FIELD, fi, 0);
}

int ui_form_draw(struct ui_form *f, struct ui_app *app, int y, int x, int h, int w)
{
	char infobuf[UI_NOTE_MAX + 64];
	enum ui_role info_role;
	const char *info = info_text(f, &info_role, infobuf, sizeof infobuf);
	int list_rows[UI_FORM_MAX_FIELDS] = { 0 };
	int fixed = 0, avail, nvis = 0, y0 = y, note_cap = MAX_NOTE_LINES;
	int info_lines = count_lines(info, w, MAX_INFO_LINES);
	int button_rows = f->nbuttons ? 2 : 0;

	if (w < 8 || h < 2)
		return 0;
	/* Rows for everything but the lists; then share what is left. */
	for (int attempt = 0; attempt < 3; attempt++) {
		fixed = button_rows + (info_lines ? info_lines + 1 : 0);
		nvis = 0;
		for (int i = 0; i < f->nfields; i++) {
			if (f->fields[i].hidden)
				continue;
			fixed += field_fixed_rows(&f->fields[i], w, note_cap) + (nvis ? 1 : 0);
			if (f->fields[i].kind == UI_FIELD_TEXT || f->fields[i].kind == UI_FIELD_NUMBER)
				fixed += 1;
			else
				fixed += 1;   /* at least one row per list */
			nvis++;
		}
		if (fixed <= h)
			break;
		/* Not enough room: fewer note and info lines. */
		note_cap = 1;
		if (info_lines > 2)
			info_lines = 2;
		if (attempt == 1)
			button_rows = f->nbuttons ? 1 : 0;
	}
	avail = h - fixed;
	/* Lists got one row each already; give the focused list what it
	 * wants first, then the others in order. */
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < f->nfields; i++) {
			struct ui_field *fld = &f->fields[i];
			int want, give;
			if (fld->hidden || !is_list(fld))
				continue;
			if ((pass == 0) != (i == f->focus))
				continue;
			want = list_rows_wanted(fld) - 1;
			/* Others keep room for a second list: at most half. */
			give = want < avail ? want : avail;
			if (give < 0)
				give = 0;
			list_rows[i] = 1 + give;
			avail -= give;
		}

	for (int i = 0, shown = 0; i < f->nfields; i++) {
		struct ui_field *fld = &f->fields[i];
		if (fld->hidden)
			continue;
		if (shown++)
			y++;
		if (fld->label[0])
			ui_draw_text_cut(y++, x, w, i == f->focus ? UI_ROLE_HEADING : UI_ROLE_NORMAL, fld->label);
		if (is_list(fld)) {
			y += draw_list(f, app, i, y, x, list_rows[i], w);
		} else {
			draw_text_field(f, app, i, y++, x, w);
			if (fld->error[0])
				y += ui_draw_wrapped(y, x + 2, 2, w - 2, UI_ROLE_ERROR, fld->error);
		}
		if (fld->note[0])
			y += ui_draw_wrapped(y, x + 2, note_cap, w - 2, fld->note_role, fld->note);
	}
	if (info_lines) {
		y++;
		y += ui_draw_wrapped(y, x, info_lines, w, info_role, info);
	}
	if (f->nbuttons) {
		int bx = x + 1, by = y0 + h - 1;
		if (by < y + (button_rows > 1 ? 1 : 0))
			by = y + (button_rows > 1 ? 1 : 0);
		for (int i = 0; i < f->nbuttons; i++) {
			char label[96];
			int bw;
			enum ui_role role = f->buttons[i].disabled ? UI_ROLE_DISABLED :
				f->focus == f->nfields + i ? UI_ROLE_BUTTON_FOCUS : UI_ROLE_BUTTON;
			snprintf(label, sizeof label, "[ %s ]", f->buttons[i].label);
			if (f->focus == f->nfields + i && bx > 0)
				ui_draw_text(by, bx - 1, 1, UI_ROLE_BUTTON_FOCUS, ui_glyphs()->pointer);
			bw = ui_draw_text(by, bx, x + w - bx, role, label);
			if (!f->buttons[i].disabled)
				ui_app_add_hit(app, by, bx, bw, UI_HIT_FORM_BUTTON, f->buttons[i].tag, 0);
			bx += bw + 3;
		}
		y = by + 1;
	}
	return y - y0;
}
