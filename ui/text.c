/* text.c: display-width arithmetic on multibyte strings (see text.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "ui/text.h"

size_t ui_utf8_sequence_length(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t len = (u[0] & 0xe0) == 0xc0 ? 2 : (u[0] & 0xf0) == 0xe0 ? 3 :
		     (u[0] & 0xf8) == 0xf0 ? 4 : 1;

	if (len > n)
		return 1;
	for (size_t i = 1; i < len; i++)
		if ((u[i] & 0xc0) != 0x80)
			return 1;
	return len;
}

/* Decodes one character at s (at most n bytes): returns its byte length
 * (at least 1) and its width in columns. */
static size_t next_char(const char *s, size_t n, mbstate_t *st, int *width)
{
	wchar_t wc;
	size_t len = mbrtowc(&wc, s, n, st);
	int w;

	if (len == (size_t)-1 || len == (size_t)-2) {
		memset(st, 0, sizeof *st);
		*width = 1;
		/* Not a character in this locale: a whole UTF-8 sequence still
		 * counts as one column (the ASCII fallback shows it as '?'). */
		return ui_utf8_sequence_length(s, n);
	}
	if (len == 0)
		len = 1;
	w = wcwidth(wc);
	*width = w < 0 ? 1 : w;
	return len;
}

int ui_text_width_n(const char *s, size_t len)
{
	mbstate_t st;
	size_t i = 0;
	int cols = 0, w;

	memset(&st, 0, sizeof st);
	while (i < len && s[i]) {
		i += next_char(s + i, len - i, &st, &w);
		cols += w;
	}
	return cols;
}

int ui_text_width(const char *s)
{
	wchar_t small[256], *wide = small;
	size_t n = mbstowcs(NULL, s, 0);
	int width;

	/* The common case: a valid string measured in one wcswidth call. */
	if (n != (size_t)-1) {
		if (n >= sizeof small / sizeof small[0]) {
			wide = malloc((n + 1) * sizeof *wide);
			if (!wide)
				return ui_text_width_n(s, strlen(s));
		}
		mbstowcs(wide, s, n + 1);
		width = wcswidth(wide, n);
		if (wide != small)
			free(wide);
		if (width >= 0)
			return width;
	}
	/* Invalid bytes or non-printable characters: count one by one. */
	return ui_text_width_n(s, strlen(s));
}

size_t ui_text_fit(const char *s, int cols, int *used)
{
	mbstate_t st;
	size_t i = 0, n = strlen(s), len;
	int total = 0, w;

	memset(&st, 0, sizeof st);
	while (i < n) {
		mbstate_t before = st;
		len = next_char(s + i, n - i, &st, &w);
		if (total + w > cols) {
			st = before;
			break;
		}
		total += w;
		i += len;
	}
	if (used)
		*used = total;
	return i;
}

int ui_text_wrap(const char *s, int cols, struct ui_text_line *lines, int max)
{
	size_t pos = 0, n = strlen(s);
	int count = 0;

	if (cols < 1)
		cols = 1;
	for (;;) {
		size_t end = pos, line_end, next, brk = 0, len = 1;
		int width = 0, w, have_break = 0;
		mbstate_t st;

		memset(&st, 0, sizeof st);
		/* Take characters while they fit; remember the last space. */
		while (end < n && s[end] != '\n') {
			len = next_char(s + end, n - end, &st, &w);
			if (width + w > cols)
				break;
			if (s[end] == ' ') {
				brk = end;
				have_break = 1;
			}
			width += w;
			end += len;
		}
		if (end < n && s[end] != '\n') {
			/* The line is full: break at the space that ends it, else
			 * at the last space, else cut the word. */
			if (s[end] == ' ')
				line_end = end;
			else if (have_break && brk > pos)
				line_end = brk;
			else if (end == pos)   /* one character wider than cols */
				line_end = end + len;
			else
				line_end = end;
			next = line_end;
			while (next < n && s[next] == ' ')
				next++;
		} else {
			line_end = end;
			next = end < n ? end + 1 : n;
		}
		if (count < max) {
			lines[count].start = pos;
			lines[count].len = line_end - pos;
		}
		count++;
		if (next >= n)
			break;
		pos = next;
	}
	return count;
}

void ui_text_ellipsize(char *buf, size_t bufsize, const char *s, int cols,
		       const char *ellipsis)
{
	size_t len, elen;

	if (bufsize == 0)
		return;
	buf[0] = '\0';
	if (cols <= 0)
		return;
	if (ui_text_width(s) <= cols) {
		len = strlen(s);
	} else {
		if (ui_text_width(ellipsis) > cols)
			ellipsis = "";
		len = ui_text_fit(s, cols - ui_text_width(ellipsis), NULL);
	}
	elen = len == strlen(s) ? 0 : strlen(ellipsis);
	if (len + elen >= bufsize)   /* buffer too small: cut at a character */
		return ui_text_ellipsize(buf, bufsize, s,
					 ui_text_width_n(s, len) - 1, ellipsis);
	memcpy(buf, s, len);
	memcpy(buf + len, ellipsis, elen);
	buf[len + elen] = '\0';
}

void ui_text_copy(char *dst, size_t size, const char *src)
{
	size_t len;

	if (size == 0)
		return;
	len = strlen(src);
	if (len >= size) {
		len = size - 1;
		/* Do not leave half a UTF-8 sequence at the end. */
		while (len > 0 && ((unsigned char)src[len] & 0xc0) == 0x80)
			len--;
	}
	memcpy(dst, src, len);
	dst[len] = '\0';
}
