## The ncurses front end.  The only place that includes curses.
noinst_LIBRARIES += libgcrui.a
libgcrui_a_CFLAGS = $(AM_CFLAGS) $(ENGINE_CFLAGS) $(NCURSES_CFLAGS)
libgcrui_a_SOURCES = \
	ui/tui.c ui/tui.h
