## The ParallelCluster cluster's life in the dashboard (issue 8 item 2):
## the watcher, running cost and active runs (engine), the dashboard's
## cluster line (ui/cluster_panel.c) and its tmux test against the AWS test
## server's ParallelCluster API.
check_PROGRAMS += tests/unit/check_pcluster_watch
tests_unit_check_pcluster_watch_SOURCES = tests/unit/check_pcluster_watch.c
tests_unit_check_pcluster_watch_CFLAGS = $(TEST_UNIT_CFLAGS)
tests_unit_check_pcluster_watch_LDADD = $(TEST_UNIT_LDADD)
TESTS += tests/unit/check_pcluster_watch

libgcrui_a_SOURCES += ui/cluster_panel.c ui/cluster_panel.h

TESTS += tests/tui/dashboard-cluster.sh
EXTRA_DIST += tests/tui/dashboard-cluster.sh

## The cluster line's words for each state, without a terminal.
check_PROGRAMS += tests/unit/check_cluster_panel
tests_unit_check_cluster_panel_SOURCES = tests/unit/check_cluster_panel.c
tests_unit_check_cluster_panel_CFLAGS = $(TEST_UI_CFLAGS)
tests_unit_check_cluster_panel_LDADD = $(TEST_UI_LDADD)
TESTS += tests/unit/check_cluster_panel

## make bench: counting the runs on a cluster in a journal of 10,000 runs,
## on the caller's thread and in the thread pool (the loop's longest gap).
EXTRA_PROGRAMS += tests/bench/bench_pcluster_active
tests_bench_bench_pcluster_active_SOURCES = tests/bench/bench_pcluster_active.c
tests_bench_bench_pcluster_active_CFLAGS = $(TEST_UNIT_CFLAGS)
tests_bench_bench_pcluster_active_LDADD = libgcrengine.a $(ENGINE_LIBS)
BENCH_BINS += tests/bench/bench_pcluster_active
