## The engine: everything that is not drawing.  Built into one library the
## program and the unit tests link; compiled without ncurses' flags.
noinst_LIBRARIES += libgcrengine.a
libgcrengine_a_CFLAGS = $(AM_CFLAGS) $(ENGINE_CFLAGS)
libgcrengine_a_SOURCES = \
	src/i18n.h \
	src/error.c src/error.h \
	src/paths.c src/paths.h \
	src/log.c src/log.h \
	src/settings.c src/settings.h \
	src/journal.c src/journal.h \
	src/backend.c src/backend.h \
	src/cli/cli.h src/cli/table.c \
	src/cli/cmd_help.c \
	src/cli/cmd_paths.c

bin_PROGRAMS += gcrunner
gcrunner_SOURCES = src/main.c
gcrunner_CFLAGS = $(AM_CFLAGS) $(ENGINE_CFLAGS)
gcrunner_LDADD = libgcrui.a libgcrengine.a $(NCURSES_LIBS) $(ENGINE_LIBS)
