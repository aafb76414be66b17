/* notify.c: the bell and OSC 9/777 desktop notifications (notify.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>
#include <term.h>

#include "ui/notify.h"

static bool starts_with(const char *s, const char *prefix)
{
	return s && strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool is_set(const char *(*get)(const char *), const char *name)
{
	const char *v = get(name);
	return v && *v;
}

/* What the terminal that shows us understands, judged by variables it
 * sets (which also reach programs inside tmux, as the environment is
 * inherited when the session was made from that terminal). */
static unsigned outer_terminal_kinds(const char *(*get)(const char *), bool in_tmux)
{
	const char *prog = get("TERM_PROGRAM");
	const char *lc_terminal = get("LC_TERMINAL");
	const char *term = get("TERM");
	unsigned k = 0;

	if (prog && (strcmp(prog, "iTerm.app") == 0 || strcmp(prog, "WezTerm") == 0 ||
		     strcmp(prog, "ghostty") == 0))
		k |= UI_NOTIFY_OSC9;
	if (lc_terminal && strcmp(lc_terminal, "iTerm2") == 0)
		k |= UI_NOTIFY_OSC9;
	if (is_set(get, "WT_SESSION") || is_set(get, "KITTY_WINDOW_ID") ||
	    is_set(get, "WEZTERM_PANE"))
		k |= UI_NOTIFY_OSC9;
	{
		const char *conemu = get("ConEmuANSI");
		if (conemu && strcmp(conemu, "ON") == 0)
			k |= UI_NOTIFY_OSC9;
	}
	if (is_set(get, "VTE_VERSION"))
		k |= UI_NOTIFY_OSC777;
	/* Inside tmux TERM is tmux's own; only outside does it name the terminal. */
	if (!in_tmux) {
		if (starts_with(term, "xterm-kitty"))
			k |= UI_NOTIFY_OSC9;
		if (starts_with(term, "rxvt-unicode") || starts_with(term, "foot"))
			k |= UI_NOTIFY_OSC777;
	}
	/* One is enough where both are known to work. */
	if ((k & UI_NOTIFY_OSC9) && (k & UI_NOTIFY_OSC777))
		k &= ~(unsigned)UI_NOTIFY_OSC777;
	return k;
}

unsigned ui_notify_kinds(const char *(*get)(const char *name))
{
	const char *mode = get("GCRUNNER_NOTIFY");
	const char *term = get("TERM");
	bool in_tmux = is_set(get, "TMUX");
	unsigned k = UI_NOTIFY_BELL;

	if (mode && *mode && strcmp(mode, "auto") != 0) {
		if (strcmp(mode, "off") == 0)
			return 0;
		if (strcmp(mode, "osc9") == 0)
			k |= UI_NOTIFY_OSC9;
		else if (strcmp(mode, "osc777") == 0)
			k |= UI_NOTIFY_OSC777;
		else if (strcmp(mode, "both") == 0)
			k |= UI_NOTIFY_OSC9 | UI_NOTIFY_OSC777;
		/* "bell" and anything unknown: the bell only. */
		if (in_tmux && (k & (UI_NOTIFY_OSC9 | UI_NOTIFY_OSC777)))
			k |= UI_NOTIFY_TMUX;
		return k;
	}
	if (!term || !*term || strcmp(term, "dumb") == 0 || strcmp(term, "linux") == 0)
		return k;
	if (!in_tmux && (starts_with(term, "screen") || is_set(get, "STY")))
		return k;   /* GNU screen: it would show the text or swallow it */
	k |= outer_terminal_kinds(get, in_tmux);
	if (in_tmux && (k & (UI_NOTIFY_OSC9 | UI_NOTIFY_OSC777)))
		k |= UI_NOTIFY_TMUX;
	return k;
}

/* Copies text without control characters (they could end the sequence)
 * and, for OSC 777's fields, without ';'. */
static size_t put_clean(char *dst, size_t room, const char *text, bool no_semicolon)
{
	size_t n = 0;

	for (const unsigned char *p = (const unsigned char *)text; p && *p && n + 1 < room; p++) {
		unsigned char c = *p;
		if (c < 0x20 || c == 0x7f || (no_semicolon && c == ';'))
			c = ' ';
		dst[n++] = (char)c;
	}
	dst[n] = '\0';
	return n;
}

/* Appends src to buf at *len; false when it does not fit. */
static bool append(char *buf, size_t size, size_t *len, const char *src, size_t n)
{
	if (*len + n + 1 > size)
		return false;
	memcpy(buf + *len, src, n);
	*len += n;
	buf[*len] = '\0';
	return true;
}

size_t ui_notify_sequence(unsigned kinds, const char *title, const char *body,
			  char *buf, size_t size)
{
	char raw[2048], t[256], b[1024];
	size_t rlen = 0, len = 0;
	int n;

	if (!size)
		return 0;
	buf[0] = '\0';
	put_clean(t, sizeof t, title, true);
	if (kinds & UI_NOTIFY_OSC9) {
		/* OSC 9 has one text: title and body together. */
		char both[1400];
		put_clean(b, sizeof b, body, false);
		snprintf(both, sizeof both, "%s: %s", t, b);
		n = snprintf(raw + rlen, sizeof raw - rlen, "\033]9;%s\007", both);
		if (n < 0 || (size_t)n >= sizeof raw - rlen)
			return 0;
		rlen += (size_t)n;
	}
	if (kinds & UI_NOTIFY_OSC777) {
		put_clean(b, sizeof b, body, true);
		n = snprintf(raw + rlen, sizeof raw - rlen, "\033]777;notify;%s;%s\007", t, b);
		if (n < 0 || (size_t)n >= sizeof raw - rlen)
			return 0;
		rlen += (size_t)n;
	}
	if (!rlen)
		return 0;
	if (!(kinds & UI_NOTIFY_TMUX)) {
		if (!append(buf, size, &len, raw, rlen))
			return buf[0] = '\0', 0;
		return len;
	}
	/* tmux passthrough: ESC P tmux ; <sequence, every ESC doubled> ESC \ */
	if (!append(buf, size, &len, "\033Ptmux;", 7))
		return buf[0] = '\0', 0;
	for (size_t i = 0; i < rlen; i++) {
		bool ok = raw[i] == '\033' ? append(buf, size, &len, "\033\033", 2)
					   : append(buf, size, &len, raw + i, 1);
		if (!ok)
			return buf[0] = '\0', 0;
	}
	if (!append(buf, size, &len, "\033\\", 2))
		return buf[0] = '\0', 0;
	return len;
}

static const char *env_get(const char *name)
{
	return getenv(name);
}

void ui_notify_send(const char *title, const char *body)
{
	unsigned kinds = ui_notify_kinds(env_get);
	char seq[4096];

	if (kinds & UI_NOTIFY_BELL)
		beep();
	/* putp goes through curses' own output buffer: the sequence leaves
	 * between two frames, never inside one.  '$<' would be read as a
	 * padding request; the cleaned text has no control characters, and a
	 * '$' followed by '<' is not something our messages contain, but
	 * make sure. */
	if (ui_notify_sequence(kinds, title, body, seq, sizeof seq) > 0) {
		for (char *p = seq; (p = strstr(p, "$<")); p++)
			p[0] = 'S';
		putp(seq);
		/* Depending on the ncurses build putp goes through stdio or
		 * through curses' own buffer (flushed by the next doupdate);
		 * flush the first here, between two frames. */
		fflush(stdout);
	}
}
