/* notify.h: telling the user a run ended when they look elsewhere -- the
 * terminal bell and a desktop notification through the terminal's own
 * escape sequences (OSC 9, OSC 777).
 *
 * Which sequences are sent (GCRUNNER_NOTIFY overrides: off, bell, osc9,
 * osc777, both; default auto):
 *   - never on TERM dumb, linux (the console), screen* outside tmux (GNU
 *     screen eats them) -- these get the bell only;
 *   - OSC 9 ("ESC ] 9 ; text BEL") where the terminal says it is one that
 *     shows it: TERM_PROGRAM iTerm.app, WezTerm or ghostty, WT_SESSION
 *     (Windows Terminal), KITTY_WINDOW_ID or TERM xterm-kitty, ConEmuANSI;
 *   - OSC 777 ("ESC ] 777 ; notify ; title ; text BEL") for VTE terminals
 *     (VTE_VERSION: GNOME Terminal, Tilix...), TERM rxvt-unicode* and foot*;
 *   - inside tmux (TMUX set) the outer terminal is judged by what the
 *     environment inherited from it (LC_TERMINAL=iTerm2, WT_SESSION,
 *     KITTY_WINDOW_ID, VTE_VERSION...), and the sequence is wrapped in
 *     tmux's DCS passthrough ("ESC P tmux ; ... ESC \", every ESC doubled),
 *     which tmux forwards when `allow-passthrough` is on; with no sign of
 *     the outer terminal nothing is sent;
 *   - anything unknown: the bell only (an unknown OSC is harmless to most
 *     terminals, but not to all).
 * The text is stripped of control characters (and ';' for OSC 777's fields)
 * so it can never end the sequence early.
 *
 * Curses-free except ui_notify_send, so the rule is unit-tested. */
#ifndef GCR_UI_NOTIFY_H
#define GCR_UI_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>

enum {
	UI_NOTIFY_BELL = 1 << 0,
	UI_NOTIFY_OSC9 = 1 << 1,
	UI_NOTIFY_OSC777 = 1 << 2,
	UI_NOTIFY_TMUX = 1 << 3,   /* wrap in tmux's DCS passthrough */
};

/* What to send, from the environment (getenv) as described above. */
unsigned ui_notify_kinds(const char *(*get)(const char *name));

/* The escape sequences for kinds (OSC parts only; the bell is the
 * caller's beep()).  Writes a NUL-terminated string into buf; returns its
 * length, 0 when nothing is to be sent or buf is too small. */
size_t ui_notify_sequence(unsigned kinds, const char *title, const char *body,
			  char *buf, size_t size);

/* Rings the bell and sends the notification through curses (putp, so it
 * goes out with the next frame's output, never in the middle of one).
 * Call with the terminal in curses mode. */
void ui_notify_send(const char *title, const char *body);

#endif
