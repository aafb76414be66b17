/* tui.h: the entry point into the full-screen program.
 * Deliberately free of curses types so src/main.c can call it. */
#ifndef GCR_TUI_H
#define GCR_TUI_H

struct cli_context;

/* Runs the full-screen program until the user quits; returns the exit
 * status.  Restores the terminal on every way out. */
int gcr_tui_main(const struct cli_context *ctx);

#endif
