/* tui.h: the entry point into the full-screen program.
 * Deliberately free of curses types so src/main.c can call it. */
#ifndef GCR_TUI_H
#define GCR_TUI_H

#include <stdio.h>

struct cli_context;

/* Runs the full-screen program until the user quits; returns the exit
 * status.  Restores the terminal on every way out. */
int gcr_tui_main(const struct cli_context *ctx);

/* Prints the full-screen program's keys, one action a line (name, keys,
 * help), from the same table that dispatches them: for a `--list-keys`
 * option or a `keys` command. */
void gcr_tui_print_keys(FILE *out);

#endif
