## Tests: Check unit tests (tests/unit), shell tests (tests/scripts) that run
## the real binary, and later integration tests against the local test bed.
TEST_EXTENSIONS = .sh
SH_LOG_COMPILER = $(SHELL)
AM_TESTS_ENVIRONMENT = \
	top_srcdir='$(abs_top_srcdir)'; top_builddir='$(abs_top_builddir)'; \
	GCRUNNER='$(abs_top_builddir)/gcrunner$(EXEEXT)'; \
	PYTHON3='$(PYTHON3)'; TMUX_BIN='$(TMUX)'; \
	export top_srcdir top_builddir GCRUNNER PYTHON3 TMUX_BIN; \
	CK_DEFAULT_TIMEOUT=60; export CK_DEFAULT_TIMEOUT;

TEST_UNIT_CFLAGS = $(AM_CFLAGS) $(ENGINE_CFLAGS) $(CHECK_CFLAGS)
TEST_UNIT_LDADD = libgcrengine.a $(ENGINE_LIBS) $(CHECK_LIBS)

check_PROGRAMS += tests/unit/check_core
tests_unit_check_core_SOURCES = tests/unit/check_core.c
tests_unit_check_core_CFLAGS = $(TEST_UNIT_CFLAGS)
tests_unit_check_core_LDADD = $(TEST_UNIT_LDADD)

check_PROGRAMS += tests/unit/check_settings
tests_unit_check_settings_SOURCES = tests/unit/check_settings.c
tests_unit_check_settings_CFLAGS = $(TEST_UNIT_CFLAGS)
tests_unit_check_settings_LDADD = $(TEST_UNIT_LDADD)

check_PROGRAMS += tests/unit/check_journal
tests_unit_check_journal_SOURCES = tests/unit/check_journal.c
tests_unit_check_journal_CFLAGS = $(TEST_UNIT_CFLAGS)
tests_unit_check_journal_LDADD = $(TEST_UNIT_LDADD)

TESTS += \
	tests/unit/check_core \
	tests/unit/check_journal \
	tests/unit/check_settings \
	tests/scripts/cli.sh \
	tests/scripts/potfiles.sh \
	tests/scripts/engine-has-no-curses.sh

EXTRA_DIST += tests/scripts/cli.sh tests/scripts/potfiles.sh \
	tests/scripts/engine-has-no-curses.sh tests/scripts/lib.sh \
	tests/bench/run-bench.sh

## A locale tree in the build directory, so LANGUAGE=de ./gcrunner works
## before make install (gcr_locale_dir() looks here first).
all-local: locale-tree
locale-tree: $(srcdir)/po/LINGUAS
	@for lang in `sed -e 's/#.*//' $(srcdir)/po/LINGUAS`; do \
	  gmo=$(srcdir)/po/$$lang.gmo; test -f $$gmo || gmo=po/$$lang.gmo; \
	  test -f $$gmo || continue; \
	  $(MKDIR_P) locale/$$lang/LC_MESSAGES; \
	  cp $$gmo locale/$$lang/LC_MESSAGES/$(PACKAGE).mo; \
	done
clean-local:
	rm -rf locale
.PHONY: locale-tree
include tests/cpanel.mk
include tests/sso.mk
include tests/acct.mk
