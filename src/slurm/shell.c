/* shell.c: POSIX shell quoting for commands sent to a cluster. */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "slurm/shell.h"

static bool is_plain(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		/* '=' is left out on purpose: a first word "A=b" would be an
		 * assignment, not a command. '~' and '#' are special at a word's
		 * start; anything non-ASCII is quoted too. */
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("_./:@%+,-", c))
			continue;
		return false;
	}
	return true;
}

char *gcr_shell_quote(const char *s)
{
	size_t n = 2, i;
	char *out, *o;

	if (is_plain(s))
		return strdup(s);
	for (i = 0; s[i]; i++)
		n += s[i] == '\'' ? 4 : 1;
	out = malloc(n + 1);
	if (!out)
		abort();
	o = out;
	*o++ = '\'';
	for (i = 0; s[i]; i++) {
		if (s[i] == '\'') {
			/* Close the quote, an escaped quote, reopen. */
			memcpy(o, "'\\''", 4);
			o += 4;
		} else {
			*o++ = s[i];
		}
	}
	*o++ = '\'';
	*o = '\0';
	return out;
}

char *gcr_shell_join(const char *const *argv)
{
	size_t cap = 64, len = 0;
	char *out = malloc(cap);

	if (!out)
		abort();
	out[0] = '\0';
	for (size_t i = 0; argv && argv[i]; i++) {
		char *w = gcr_shell_quote(argv[i]);
		size_t wl = strlen(w);
		if (len + wl + 2 > cap) {
			while (len + wl + 2 > cap)
				cap *= 2;
			out = realloc(out, cap);
			if (!out)
				abort();
		}
		if (i > 0)
			out[len++] = ' ';
		memcpy(out + len, w, wl + 1);
		len += wl;
		free(w);
	}
	return out;
}
