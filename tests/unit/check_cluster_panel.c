/* check_cluster_panel.c: the words of the dashboard's ParallelCluster line
 * (cluster_view_format, ui/cluster_panel.h) for each state, without a
 * terminal: the idle line's cost and its shorter form at 80 columns, the
 * warning about runs on the cluster, a failure's reason, errors. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ui/cluster_panel.h"
#include "ui/text.h"

static char l1[512], l2[512];
static enum ui_role r1, r2;

static int format(const struct cluster_view *v, time_t now, int cols)
{
	return cluster_view_format(v, now, cols, l1, sizeof l1, &r1, l2, sizeof l2, &r2);
}

static void view(struct cluster_view *v, const char *status)
{
	memset(v, 0, sizeof *v);
	strcpy(v->name, "gchp-c24");
	v->kind = CLUSTER_VIEW_INFO;
	strcpy(v->info.name, "gchp-c24");
	strcpy(v->info.status, status);
	v->active_known = true;
}

#define CONTAINS(s, part) ck_assert_msg(strstr((s), (part)) != NULL, "'%s' lacks '%s'", (s), (part))

START_TEST(in_progress_says_how_long)
{
	struct cluster_view v;

	view(&v, "CREATE_IN_PROGRESS");
	v.since = 1000;
	ck_assert_int_eq(format(&v, 1000 + 125, 80), 1);
	CONTAINS(l1, "Cluster gchp-c24: creating..., 2m so far");
	view(&v, "DELETE_IN_PROGRESS");
	ck_assert_int_eq(format(&v, 0, 80), 1);
	ck_assert_str_eq(l1, "Cluster gchp-c24: deleting...");
	view(&v, "UPDATE_IN_PROGRESS");
	format(&v, 0, 80);
	CONTAINS(l1, "updating...");
}
END_TEST

START_TEST(idle_shows_cost_and_offer)
{
	struct cluster_view v;

	view(&v, "CREATE_COMPLETE");
	strcpy(v.cost.head_type, "c5.4xlarge");
	v.cost.head_hour = 0.68;
	v.cost.fsx_hour = 0.23;
	v.cost.total_hour = 0.91;
	/* Until the runs on it are counted, no idle line: it may not be idle. */
	v.active_known = false;
	ck_assert_int_eq(format(&v, 0, 200), 1);
	v.active_known = true;
	ck_assert_int_eq(format(&v, 0, 200), 2);
	ck_assert_str_eq(l1, "Cluster gchp-c24: ready, head node c5.4xlarge");
	ck_assert_int_eq(r1, UI_ROLE_GOOD);
	ck_assert_str_eq(l2, "Idle: costs about $0.91/h while it runs (head node + FSx, compute "
			 "nodes scale to 0). Press D to delete it.");
	/* 80 columns: the short form, which fits. */
	format(&v, 0, 80);
	ck_assert_str_eq(l2, "Idle: about $0.91/h while it runs. Press D to delete it.");
	ck_assert_int_le(ui_text_width(l2), 80);
	/* No FSx known; no price known. */
	v.cost.fsx_hour = 0;
	v.cost.total_hour = 0.68;
	format(&v, 0, 200);
	CONTAINS(l2, "$0.68/h while it runs (head node, compute nodes scale to 0)");
	v.cost.total_hour = -1;
	format(&v, 0, 200);
	CONTAINS(l2, "its head node costs money");
	CONTAINS(l2, "Press D to delete it.");
}
END_TEST

START_TEST(runs_on_it_warn)
{
	struct cluster_view v;

	view(&v, "UPDATE_COMPLETE");
	v.cost.total_hour = 0.91;
	v.active = 1;
	ck_assert_int_eq(format(&v, 0, 200), 2);
	ck_assert_str_eq(l2, "1 gcrunner run on it has not ended: deleting the cluster would stop it.");
	ck_assert_int_eq(r2, UI_ROLE_WARNING);
	v.active = 3;
	format(&v, 0, 200);
	CONTAINS(l2, "3 gcrunner runs on it have not ended");
	ck_assert_ptr_null(strstr(l2, "$"));
}
END_TEST

START_TEST(failure_error_and_gone)
{
	struct cluster_view v;

	view(&v, "CREATE_FAILED");
	strcpy(v.info.failure, "head node bootstrap timed out");
	ck_assert_int_eq(format(&v, 0, 200), 2);
	ck_assert_str_eq(l1, "Cluster gchp-c24: creation failed: head node bootstrap timed out");
	ck_assert_int_eq(r1, UI_ROLE_ERROR);
	CONTAINS(l2, "Press D to delete it");
	view(&v, "DELETE_FAILED");
	format(&v, 0, 200);
	ck_assert_str_eq(l1, "Cluster gchp-c24: deletion failed");

	view(&v, "");
	v.kind = CLUSTER_VIEW_ERROR;
	strcpy(v.error, "cannot connect");
	v.retry_s = 30;
	ck_assert_int_eq(format(&v, 0, 200), 1);
	CONTAINS(l1, "did not answer, trying again every 30s: cannot connect");
	ck_assert_int_eq(r1, UI_ROLE_WARNING);

	v.kind = CLUSTER_VIEW_NOT_FOUND;
	format(&v, 0, 200);
	ck_assert_str_eq(l1, "Cluster gchp-c24: does not exist (any more).");
	v.deleted_by_us = true;
	format(&v, 0, 200);
	ck_assert_str_eq(l1, "Cluster gchp-c24: deleted.");
	v.kind = CLUSTER_VIEW_ASKING;
	format(&v, 0, 200);
	CONTAINS(l1, "asking ParallelCluster");
}
END_TEST

static Suite *cluster_panel_suite(void)
{
	Suite *s = suite_create("cluster_panel");
	TCase *tc = tcase_create("words");

	tcase_add_test(tc, in_progress_says_how_long);
	tcase_add_test(tc, idle_shows_cost_and_offer);
	tcase_add_test(tc, runs_on_it_warn);
	tcase_add_test(tc, failure_error_and_gone);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(cluster_panel_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
