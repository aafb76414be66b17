/* text.h: measuring, cutting and wrapping text by display width.
 *
 * Translations change the length of every label, and a UTF-8 character may
 * take 0, 1 or 2 columns, so layout never uses strlen: it asks these helpers,
 * which measure with wcswidth/wcwidth in the current locale.  Curses-free, so
 * the unit tests can check them without a terminal. */
#ifndef GCR_UI_TEXT_H
#define GCR_UI_TEXT_H

#include <stddef.h>

/* Display columns of s (wcswidth of the whole string).  Bytes that are not
 * valid in the locale's encoding and non-printable characters count as one
 * column each, as curses shows them as a replacement. */
int ui_text_width(const char *s);

/* Columns of the first len bytes of s. */
int ui_text_width_n(const char *s, size_t len);

/* Length in bytes of the longest prefix of s that fits in cols columns,
 * never splitting a character; *used (may be NULL) receives its width. */
size_t ui_text_fit(const char *s, int cols, int *used);

/* One wrapped line: bytes [start, start + len) of the source text. */
struct ui_text_line {
	size_t start;
	size_t len;
};

/* Wraps s into lines of at most cols columns, breaking at spaces where it
 * can (a word longer than a line is cut) and at every '\n'.  Fills up to max
 * lines and returns how many lines the whole text needs (which may be more
 * than max, so callers can tell that it was cut). */
int ui_text_wrap(const char *s, int cols, struct ui_text_line *lines, int max);

/* Copies s into buf (of size bufsize), cut to cols columns with an
 * ellipsis (the given one, e.g. "…" or "~") when it does not fit. */
void ui_text_ellipsize(char *buf, size_t bufsize, const char *s, int cols,
		       const char *ellipsis);

/* Bytes of the UTF-8 sequence at s (at most n bytes), or 1 when s does not
 * start a valid one. */
size_t ui_utf8_sequence_length(const char *s, size_t n);

/* Copies src into dst (of size bytes), cut at a character boundary when it
 * does not fit; always NUL-terminated. */
void ui_text_copy(char *dst, size_t size, const char *src);

#endif
