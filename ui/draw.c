/* draw.c: clipped text, rules and boxes on stdscr (see draw.h). */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ui/draw.h"
#include "ui/text.h"

static int clip_to_screen(int y, int x, int maxw)
{
	if (y < 0 || y >= LINES || x < 0 || x >= COLS)
		return 0;
	if (maxw > COLS - x)
		maxw = COLS - x;
	return maxw;
}

/* Without UTF-8, each UTF-8 character (catalog labels, translations) is
 * shown as one '?' so columns stay where the layout put them. */
static const char *ascii_only(const char *text, char *buf, size_t size)
{
	size_t o = 0, n = strlen(text);

	for (size_t i = 0; i < n && o + 1 < size;) {
		if ((unsigned char)text[i] < 0x80) {
			buf[o++] = text[i++];
		} else {
			buf[o++] = '?';
			i += ui_utf8_sequence_length(text + i, n - i);
		}
	}
	buf[o] = '\0';
	return buf;
}

int ui_draw_text(int y, int x, int maxw, enum ui_role role, const char *text)
{
	char ascii[1024];
	size_t len;
	int used;

	maxw = clip_to_screen(y, x, maxw);
	if (maxw <= 0 || !text)
		return 0;
	if (!ui_theme_is_utf8())
		for (const char *p = text; *p; p++)
			if ((unsigned char)*p >= 0x80) {
				text = ascii_only(text, ascii, sizeof ascii);
				break;
			}
	len = ui_text_fit(text, maxw, &used);
	attrset(ui_role_attr(role));
	mvaddnstr(y, x, text, (int)len);
	attrset(A_NORMAL);
	return used;
}

int ui_draw_text_cut(int y, int x, int maxw, enum ui_role role, const char *text)
{
	char buf[1024];

	maxw = clip_to_screen(y, x, maxw);
	if (maxw <= 0 || !text)
		return 0;
	ui_text_ellipsize(buf, sizeof buf, text, maxw, ui_glyphs()->ellipsis);
	return ui_draw_text(y, x, maxw, role, buf);
}

int ui_draw_text_right(int y, int x_end, int maxw, enum ui_role role, const char *text)
{
	int w = ui_text_width(text);

	if (w > maxw)
		w = maxw;
	return ui_draw_text(y, x_end - w, w, role, text);
}

int ui_draw_fmt(int y, int x, int maxw, enum ui_role role, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return ui_draw_text(y, x, maxw, role, buf);
}

void ui_draw_fill(int y, int x, int w, enum ui_role role)
{
	w = clip_to_screen(y, x, w);
	if (w <= 0)
		return;
	attrset(ui_role_attr(role));
	mvhline(y, x, ' ', w);
	attrset(A_NORMAL);
}

void ui_draw_hline(int y, int x, int w, enum ui_role role)
{
	const char *g = ui_glyphs()->hline;

	w = clip_to_screen(y, x, w);
	if (w <= 0)
		return;
	attrset(ui_role_attr(role));
	move(y, x);
	for (int i = 0; i < w; i++)
		addstr(g);
	attrset(A_NORMAL);
}

void ui_draw_box(int y, int x, int h, int w, enum ui_role role, const char *title)
{
	const struct ui_glyphs *g = ui_glyphs();

	if (h < 2 || w < 2)
		return;
	ui_draw_text(y, x, 1, role, g->top_left);
	ui_draw_hline(y, x + 1, w - 2, role);
	ui_draw_text(y, x + w - 1, 1, role, g->top_right);
	for (int r = 1; r < h - 1; r++) {
		ui_draw_text(y + r, x, 1, role, g->vline);
		ui_draw_text(y + r, x + w - 1, 1, role, g->vline);
	}
	ui_draw_text(y + h - 1, x, 1, role, g->bottom_left);
	ui_draw_hline(y + h - 1, x + 1, w - 2, role);
	ui_draw_text(y + h - 1, x + w - 1, 1, role, g->bottom_right);
	if (title && *title && w > 6) {
		int tw = ui_draw_text_cut(y, x + 3, w - 6, UI_ROLE_HEADING, title);
		ui_draw_text(y, x + 2, 1, role, " ");
		ui_draw_text(y, x + 3 + tw, 1, role, " ");
	}
}

void ui_draw_clear(int y, int x, int h, int w)
{
	for (int r = 0; r < h; r++)
		ui_draw_fill(y + r, x, w, UI_ROLE_NORMAL);
}

int ui_draw_wrapped(int y, int x, int h, int w, enum ui_role role, const char *text)
{
	struct ui_text_line lines[64];
	int n, shown;

	if (h <= 0 || w <= 0)
		return 0;
	n = ui_text_wrap(text, w, lines, 64);
	shown = n < h ? n : h;
	if (shown > 64)
		shown = 64;
	for (int i = 0; i < shown; i++) {
		char buf[1024];
		size_t len = lines[i].len < sizeof buf - 1 ? lines[i].len : sizeof buf - 1;
		memcpy(buf, text + lines[i].start, len);
		buf[len] = '\0';
		ui_draw_text(y + i, x, w, role, buf);
	}
	return shown;
}
