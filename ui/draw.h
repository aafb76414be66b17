/* draw.h: small painting helpers on stdscr that clip by display width.
 *
 * Every piece of text on screen goes through ui_draw_text, which cuts it to
 * the columns it may use (measured with wcwidth), so a long translation or a
 * narrow terminal never wraps into the next line. */
#ifndef GCR_UI_DRAW_H
#define GCR_UI_DRAW_H

#include "ui/theme.h"

/* Writes text at (y, x) in role, using at most maxw columns; returns the
 * columns used.  Nothing is drawn outside the screen. */
int ui_draw_text(int y, int x, int maxw, enum ui_role role, const char *text);

/* Like ui_draw_text but adds the ellipsis glyph when text is cut. */
int ui_draw_text_cut(int y, int x, int maxw, enum ui_role role, const char *text);

/* Right-aligns text so it ends at column x_end (exclusive). */
int ui_draw_text_right(int y, int x_end, int maxw, enum ui_role role, const char *text);

/* printf into ui_draw_text. */
int ui_draw_fmt(int y, int x, int maxw, enum ui_role role, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* Fills w columns at (y, x) with spaces in role (a bar background). */
void ui_draw_fill(int y, int x, int w, enum ui_role role);

/* Draws a horizontal rule of w columns. */
void ui_draw_hline(int y, int x, int w, enum ui_role role);

/* Draws a box border; a title, if given, sits in the top edge. */
void ui_draw_box(int y, int x, int h, int w, enum ui_role role, const char *title);

/* Clears a rectangle (for overlays). */
void ui_draw_clear(int y, int x, int h, int w);

/* Wraps text into the rectangle (y, x, h, w); returns the rows used (at
 * most h); lines beyond h are dropped. */
int ui_draw_wrapped(int y, int x, int h, int w, enum ui_role role, const char *text);

#endif
