## The ncurses front end.  The only place that includes curses.
## NCURSES_WIDECHAR: the wide-character API (get_wch) whatever the feature
## macros say.
UI_CFLAGS = $(AM_CFLAGS) $(ENGINE_CFLAGS) $(NCURSES_CFLAGS) -DNCURSES_WIDECHAR=1

noinst_LIBRARIES += libgcrui.a
libgcrui_a_CFLAGS = $(UI_CFLAGS)
libgcrui_a_SOURCES = \
	ui/tui.c ui/tui.h \
	ui/app.c ui/app.h \
	ui/actions.c ui/actions.h \
	ui/theme.c ui/theme.h \
	ui/text.c ui/text.h \
	ui/draw.c ui/draw.h \
	ui/form.c ui/form.h \
	ui/format.c \
	ui/wizard.c ui/wizard.h \
	ui/steps.c ui/steps.h \
	ui/panel.c ui/chart.c \
	ui/live_prices.c ui/live_prices.h \
	ui/screen_setup.c ui/screen_setup.h \
	ui/screen_dashboard.c ui/screen_dashboard.h \
	ui/screen_run.c \
	ui/notify.c ui/notify.h \
	ui/session.c ui/session.h \
	ui/bundle_jobs.c ui/bundle_jobs.h \
	ui/submit_flow.c ui/submit_flow.h \
	ui/step_welcome.c \
	ui/step_model.c \
	ui/step_simulation.c \
	ui/step_met.c \
	ui/step_grid.c \
	ui/step_levels.c \
	ui/step_period.c \
	ui/step_output.c \
	ui/step_target.c \
	ui/step_instance.c \
	ui/step_review.c

## Unit tests of the widgets (text, actions, forms, drawing off-screen).
TEST_UI_CFLAGS = $(UI_CFLAGS) $(CHECK_CFLAGS)
TEST_UI_LDADD = libgcrui.a libgcrengine.a $(NCURSES_LIBS) $(ENGINE_LIBS) $(CHECK_LIBS)

check_PROGRAMS += tests/unit/check_ui_widgets
tests_unit_check_ui_widgets_SOURCES = tests/unit/check_ui_widgets.c
tests_unit_check_ui_widgets_CFLAGS = $(TEST_UI_CFLAGS)
tests_unit_check_ui_widgets_LDADD = $(TEST_UI_LDADD)
TESTS += tests/unit/check_ui_widgets

## The wizard's steps on the real catalog and estimator, without a terminal.
check_PROGRAMS += tests/unit/check_ui_wizard
tests_unit_check_ui_wizard_SOURCES = tests/unit/check_ui_wizard.c
tests_unit_check_ui_wizard_CFLAGS = $(TEST_UI_CFLAGS)
tests_unit_check_ui_wizard_LDADD = $(TEST_UI_LDADD)
TESTS += tests/unit/check_ui_wizard

## The dashboard's rows, prompt and run-end notification, without a terminal.
check_PROGRAMS += tests/unit/check_ui_dashboard
tests_unit_check_ui_dashboard_SOURCES = tests/unit/check_ui_dashboard.c
tests_unit_check_ui_dashboard_CFLAGS = $(TEST_UI_CFLAGS)
tests_unit_check_ui_dashboard_LDADD = $(TEST_UI_LDADD)
TESTS += tests/unit/check_ui_dashboard

## The real binary in a real terminal (tmux): tests/tui/lib.sh drives it and
## compares screens with tests/tui/expected/ (GCR_TUI_REGENERATE=1 rewrites
## them).
TUI_TESTS = \
	tests/tui/walk-classic.sh \
	tests/tui/walk-gchp.sh \
	tests/tui/terminal.sh \
	tests/tui/prices.sh \
	tests/tui/prices-testbed.sh \
	tests/tui/submit-tui.sh \
	tests/tui/submit-slurm-tui.sh
TUI_TESTS += tests/tui/dashboard.sh tests/tui/dashboard-testbed.sh
TESTS += $(TUI_TESTS)
EXTRA_DIST += $(TUI_TESTS) tests/tui/lib.sh tests/tui/check_estimates.py tests/tui/dash-journal.py \
	tests/tui/expected

## make bench: key press to redraw, first frame and memory, through tmux.
BENCH_BINS += tests/bench/bench_tui.sh
EXTRA_DIST += tests/bench/bench_tui.sh
