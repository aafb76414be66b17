/* tui.c: the full-screen program's entry point.  The wizard and dashboard
 * grow from here; for now it shows the welcome text and quits on q. */
#include "config.h"

#include <curses.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "i18n.h"
#include "ui/tui.h"

int gcr_tui_main(const struct cli_context *ctx)
{
	int ch;

	(void)ctx;
	if (!initscr())
		return 1;
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	mvaddstr(1, 2, _("gcrunner: GEOS-Chem on AWS, planned and costed"));
	mvaddstr(3, 2, _("Press q to quit."));
	refresh();
	while ((ch = getch()) != 'q' && ch != ERR)
		;
	endwin();
	return 0;
}
