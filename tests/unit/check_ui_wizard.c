/* check_ui_wizard.c: the wizard's steps on the real catalog and estimator,
 * driven by the same events the keyboard sends: only valid choices can be
 * picked and ruled-out ones say why, a change drops later choices it rules
 * out (and says so), estimates follow every change and live prices, the
 * stack keeps choices, and the saved spec reads back.  No terminal needed:
 * the steps build forms and handle events without drawing. */
#include "config.h"

#include <check.h>
#include <curses.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"
#include "catalog.h"
#include "estimate.h"
#include "settings.h"
#include "spec.h"
#include "ui/actions.h"
#include "ui/wizard.h"

static struct gcr_catalog *cat;
static struct wizard wiz;

static void setup(void)
{
	struct gcr_error err;

	unsetenv("GCRUNNER_DATADIR");
	/* No price cache or measurements of the user's: a private HOME. */
	setenv("XDG_CACHE_HOME", "/nonexistent/cache", 1);
	setenv("XDG_STATE_HOME", "/nonexistent/state", 1);
	ck_assert_msg(gcr_catalog_load(NULL, &cat, &err) == GCR_OK, "%s", err.message);
	ck_assert(ui_keymap_init());
	wizard_init(&wiz, cat, NULL, 1796083200 /* 2026-12-01 */);
}

static void teardown(void)
{
	wizard_free(&wiz);
	gcr_catalog_free(cat);
}

static unsigned key(enum ui_action a)
{
	struct ui_event ev = { .kind = UI_EV_KEY, .action = a, .is_keycode = true };
	return wizard_view_ops.event(&wiz, NULL, &ev);
}

static void text(const char *s)
{
	for (; *s; s++) {
		struct ui_event ev = { .kind = UI_EV_KEY, .key = (unsigned char)*s };
		wizard_view_ops.event(&wiz, NULL, &ev);
	}
}

static void clear_text(void)
{
	for (int i = 0; i < 40; i++) {
		struct ui_event ev = { .kind = UI_EV_KEY, .action = UI_ACT_BACK,
				       .key = KEY_BACKSPACE, .is_keycode = true };
		wizard_view_ops.event(&wiz, NULL, &ev);
	}
}

static void go_to(const char *step)
{
	wizard_push(&wiz, wizard_step_index(step));
	ck_assert_str_eq(wizard_current(&wiz)->id, step);
}

static struct ui_field *field(const char *label)
{
	for (int i = 0; i < wiz.form.nfields; i++)
		if (strcmp(wiz.form.fields[i].label, label) == 0)
			return &wiz.form.fields[i];
	ck_abort_msg("no field '%s' on step %s", label, wizard_current(&wiz)->id);
	return NULL;
}

static struct ui_item *item(struct ui_field *f, const char *id)
{
	for (int i = 0; i < f->nitems; i++)
		if (strcmp(f->items[i].id, id) == 0)
			return &f->items[i];
	return NULL;
}

/* Moves the focus to the field and the cursor to the item (as the keys do),
 * which picks it if it can be picked. */
static void pick(const char *label, const char *id)
{
	struct ui_field *f = field(label);
	int fi = (int)(f - wiz.form.fields), target = -1;

	for (int i = 0; i < f->nitems; i++)
		if (strcmp(f->items[i].id, id) == 0)
			target = i;
	ck_assert_msg(target >= 0, "no item %s in %s", id, label);
	while (wiz.form.focus != fi)
		key(UI_ACT_NEXT_FIELD);
	key(UI_ACT_FIRST);
	f = &wiz.form.fields[fi];
	while (f->cursor < target) {
		key(UI_ACT_DOWN);
		f = &wiz.form.fields[fi];
	}
}

START_TEST(starts_on_the_welcome_without_estimates)
{
	ck_assert_str_eq(wizard_current(&wiz)->id, "welcome");
	ck_assert_int_eq(wiz.spec.model, GCR_MODEL_NONE);
	ck_assert(!wiz.est_ok);
	ck_assert(!wizard_view_ops.unsaved(&wiz));
	key(UI_ACT_SELECT);   /* Start */
	ck_assert_str_eq(wizard_current(&wiz)->id, "model");
	/* Nothing chosen: Next is refused with a reason. */
	key(UI_ACT_NEXT_FIELD);
	key(UI_ACT_NEXT_FIELD);   /* the Next button */
	key(UI_ACT_SELECT);
	ck_assert_str_eq(wizard_current(&wiz)->id, "model");
	ck_assert(strstr(wiz.message, "Classic or GCHP") != NULL);
}
END_TEST

START_TEST(choosing_classic_fills_defaults_and_estimates)
{
	go_to("model");
	key(UI_ACT_SELECT);   /* Classic, and on */
	ck_assert_str_eq(wizard_current(&wiz)->id, "simulation");
	ck_assert_int_eq(wiz.spec.model, GCR_MODEL_CLASSIC);
	ck_assert_str_eq(wiz.spec.simulation, "fullchem");
	ck_assert_str_eq(wiz.spec.met, "merra2");
	ck_assert_str_eq(wiz.spec.grid, "4x5");
	ck_assert_int_eq(wiz.spec.target, GCR_TARGET_BATCH);
	ck_assert(wiz.spec.spot);
	ck_assert_msg(wiz.est_ok, "%s", wiz.est_error);
	ck_assert_uint_gt(wiz.norder, 10);   /* every type priced in us-east-1 */
	ck_assert_uint_le(wiz.norder, gcr_catalog_ninstances(cat));
	ck_assert_ptr_nonnull(wizard_current_option(&wiz));
	ck_assert(wizard_view_ops.unsaved(&wiz));
}
END_TEST

START_TEST(ruled_out_grids_say_why_and_cannot_be_picked)
{
	struct ui_field *grids;
	struct ui_item *it;

	wizard_set_model(&wiz, GCR_MODEL_CLASSIC);
	go_to("grid");
	grids = field("Grid");
	ck_assert_ptr_null(item(grids, "C24"));           /* GCHP's grids are not offered */
	ck_assert_str_eq(item(grids, "4x5")->reason, "");
	it = item(grids, "0.25x0.3125");
	ck_assert_msg(strstr(it->reason, "MERRA-2") != NULL, "reason: %s", it->reason);
	pick("Grid", "0.25x0.3125");
	/* The cursor went there; the choice stayed on the last grid it could
	 * pick on the way. */
	ck_assert_str_eq(wiz.spec.grid, "0.5x0.625");
	key(UI_ACT_SELECT);
	ck_assert(strstr(wiz.message, "cannot be chosen") != NULL);
	ck_assert_str_eq(wizard_current(&wiz)->id, "grid");
}
END_TEST

START_TEST(a_change_drops_later_choices_it_rules_out)
{
	wizard_set_model(&wiz, GCR_MODEL_CLASSIC);
	go_to("met");
	pick("Meteorology", "geosfp");
	ck_assert_str_eq(wiz.spec.met, "geosfp");
	go_to("grid");
	pick("Grid", "0.25x0.3125");
	ck_assert_str_eq(wiz.spec.grid, "0.25x0.3125");
	ck_assert(!field("Region (nested domain)")->hidden);
	pick("Region (nested domain)", "NA");
	ck_assert_str_eq(wiz.spec.domain, "NA");
	ck_assert_msg(wiz.est_ok, "%s", wiz.est_error);
	/* Back to MERRA-2: it has no 0.25 grid, so the grid goes back to the
	 * default and the wizard says why. */
	wizard_pop(&wiz);
	ck_assert_str_eq(wizard_current(&wiz)->id, "met");
	pick("Meteorology", "merra2");
	ck_assert_str_eq(wiz.spec.grid, "4x5");
	ck_assert_str_eq(wiz.spec.domain, "global");
	ck_assert_msg(strstr(wiz.message, "Grid changed back to the default") != NULL, "message: %s",
		      wiz.message);
	ck_assert_msg(wiz.est_ok, "%s", wiz.est_error);
}
END_TEST

START_TEST(geos_it_half_degree_only_for_transport_tracers)
{
	struct ui_item *it;

	wizard_set_model(&wiz, GCR_MODEL_CLASSIC);
	go_to("met");
	pick("Meteorology", "geosit");
	go_to("grid");
	it = item(field("Grid"), "0.5x0.625");
	ck_assert_msg(strstr(it->reason, "TransportTracers") != NULL, "reason: %s", it->reason);
	go_to("simulation");
	pick("Simulation", "TransportTracers");
	go_to("grid");
	ck_assert_str_eq(item(field("Grid"), "0.5x0.625")->reason, "");
}
END_TEST

START_TEST(gchp_rules_out_batch_and_defaults_to_a_cluster)
{
	struct ui_item *batch;

	wizard_set_model(&wiz, GCR_MODEL_GCHP);
	ck_assert_int_eq(wiz.spec.target, GCR_TARGET_PCLUSTER);
	ck_assert(!wiz.spec.spot);
	ck_assert_int_eq(wiz.spec.nodes, 2);
	ck_assert_msg(wiz.est_ok, "%s", wiz.est_error);
	ck_assert_uint_gt(wiz.sweep.noptions, wiz.est.noptions);   /* the chart's node sweep */
	go_to("target");
	batch = item(field("Where should the run go?"), "batch");
	ck_assert_msg(strstr(batch->reason, "MPI") != NULL, "reason: %s", batch->reason);
	ck_assert_str_eq(item(field("Where should the run go?"), "slurm")->reason, "");
	ck_assert(strstr(item(field("Where should the run go?"), "pcluster")->badge, "not set up") != NULL);
	go_to("grid");
	ck_assert_ptr_null(item(field("Grid"), "4x5"));
	pick("Grid", "C48");
	ck_assert_str_eq(wiz.spec.grid, "C48");
}
END_TEST

START_TEST(gchp_nodes_follow_the_field)
{
	struct ui_field *nodes;
	int before;

	wizard_set_model(&wiz, GCR_MODEL_GCHP);
	go_to("instance");
	nodes = field("Compute nodes");
	ck_assert_str_eq(nodes->text, "2");
	before = wiz.est.simulated_days;
	while (wiz.form.focus != (int)(nodes - wiz.form.fields))
		key(UI_ACT_NEXT_FIELD);
	{
		struct ui_event right = { .kind = UI_EV_KEY, .action = UI_ACT_RIGHT,
					  .key = KEY_RIGHT, .is_keycode = true };
		wizard_view_ops.event(&wiz, NULL, &right);
		wizard_view_ops.event(&wiz, NULL, &right);
	}
	ck_assert_int_eq(wiz.spec.nodes, 4);
	ck_assert_int_eq(wiz.est.simulated_days, before);
	ck_assert_ptr_nonnull(wizard_current_option(&wiz));
	ck_assert_int_eq(wizard_current_option(&wiz)->nodes, 4);
}
END_TEST

START_TEST(period_text_is_checked_as_typed)
{
	struct ui_field *start;

	wizard_set_model(&wiz, GCR_MODEL_CLASSIC);
	go_to("period");
	start = field("Start date (YYYY-MM-DD)");
	ck_assert_str_eq(start->text, "2019-07-01");
	ck_assert_int_eq(wiz.form.focus, (int)(start - wiz.form.fields));
	clear_text();
	text("2019-13");
	start = field("Start date (YYYY-MM-DD)");
	ck_assert(strstr(start->error, "YYYY-MM-DD") != NULL);
	ck_assert_int_eq(wiz.spec.start_date, 20190701);     /* unchanged */
	clear_text();
	text("2018-01-01");
	start = field("Start date (YYYY-MM-DD)");
	ck_assert_str_eq(start->error, "");
	ck_assert_int_eq(wiz.spec.start_date, 20180101);
	ck_assert_int_eq(wiz.spec.end_date, 20190801);              /* an end date stays put */
	ck_assert_int_eq(gcr_spec_simulated_days(&wiz.spec), 577);

	/* GEOS-FP runs must not span 2020-06-01: 31 days from 2020-05-20 do. */
	go_to("met");
	pick("Meteorology", "geosfp");
	go_to("period");
	pick("Length given as", "days");
	ck_assert(wiz.period_by_days);
	while (wiz.form.focus != 0)
		key(UI_ACT_PREV_FIELD);
	clear_text();
	text("2020-05-20");
	start = field("Start date (YYYY-MM-DD)");
	ck_assert_msg(strstr(start->error, "2020") != NULL, "error: %s", start->error);
	ck_assert_int_ne(wiz.spec.start_date, 20200520);
	/* And Next is refused while the field is wrong. */
	ck_assert(!wizard_current(&wiz)->ready(&wiz, wiz.message, sizeof wiz.message));
}
END_TEST

START_TEST(instances_that_do_not_fit_cannot_be_chosen)
{
	struct ui_field *list;
	int refused = 0, offered = 0;

	wizard_set_model(&wiz, GCR_MODEL_CLASSIC);
	go_to("met");
	pick("Meteorology", "geosfp");
	go_to("grid");
	pick("Grid", "0.25x0.3125");
	pick("Region (nested domain)", "AS");
	go_to("instance");
	list = field("Instance type");
	for (int i = 1; i < list->nitems; i++) {
		const struct gcr_estimate_option *o = NULL;
		for (size_t k = 0; k < wiz.est.noptions; k++)
			if (strcmp(wiz.est.options[k].instance_type, list->items[i].id) == 0)
				o = &wiz.est.options[k];
		ck_assert_ptr_nonnull(o);
		if (o->offered && o->memory_fit == GCR_FIT_NO) {
			ck_assert_msg(strstr(list->items[i].reason, "GiB") != NULL, "%s: %s",
				      o->instance_type, list->items[i].reason);
			refused++;
		} else if (o->offered) {
			ck_assert_str_eq(list->items[i].reason, "");
			offered++;
		}
	}
	ck_assert_int_gt(offered, 0);
	ck_assert_msg(refused > 0, "a nested 0.25 Asia run should not fit every type");
}
END_TEST

START_TEST(the_stack_keeps_choices)
{
	wizard_set_model(&wiz, GCR_MODEL_CLASSIC);
	go_to("simulation");
	pick("Simulation", "TransportTracers");
	key(UI_ACT_SELECT);
	ck_assert_str_eq(wizard_current(&wiz)->id, "met");
	key(UI_ACT_BACK);
	ck_assert_str_eq(wizard_current(&wiz)->id, "simulation");
	ck_assert_str_eq(wiz.spec.simulation, "TransportTracers");
	ck_assert(item(field("Simulation"), "TransportTracers")->checked);
}
END_TEST

START_TEST(sorting_and_the_current_choice)
{
	wizard_set_model(&wiz, GCR_MODEL_CLASSIC);
	go_to("instance");
	ck_assert(wiz.current >= 0);
	for (size_t i = 1; i < wiz.norder; i++) {
		const struct gcr_estimate_option *a = &wiz.est.options[wiz.order[i - 1]];
		const struct gcr_estimate_option *b = &wiz.est.options[wiz.order[i]];
		if (a->offered && b->offered && a->memory_fit != GCR_FIT_NO && b->memory_fit != GCR_FIT_NO)
			ck_assert(a->cost_spot_usd <= b->cost_spot_usd);
	}
	key(UI_ACT_SORT);
	ck_assert_int_eq(wiz.sort, WIZ_SORT_TIME);
	for (size_t i = 1; i < wiz.norder; i++) {
		const struct gcr_estimate_option *a = &wiz.est.options[wiz.order[i - 1]];
		const struct gcr_estimate_option *b = &wiz.est.options[wiz.order[i]];
		if (a->offered && b->offered && a->memory_fit != GCR_FIT_NO && b->memory_fit != GCR_FIT_NO)
			ck_assert(a->wall_hours <= b->wall_hours);
	}
	/* Choosing a row of the full panel makes it the instance type. */
	key(UI_ACT_ESTIMATES);
	ck_assert(wiz.panel_full);
	key(UI_ACT_FIRST);
	key(UI_ACT_SELECT);
	ck_assert(!wiz.panel_full);
	ck_assert_str_eq(wiz.spec.instance_type, wiz.est.options[wiz.order[0]].instance_type);
	ck_assert_str_eq(wizard_current_option(&wiz)->instance_type, wiz.spec.instance_type);
}
END_TEST

START_TEST(live_prices_re_estimate)
{
	struct gcr_error err;
	const char *type;
	double before;

	wizard_set_model(&wiz, GCR_MODEL_CLASSIC);
	type = wizard_current_option(&wiz)->instance_type;
	before = wizard_current_option(&wiz)->cost_spot_usd;
	ck_assert(!wizard_current_option(&wiz)->price_live);
	ck_assert_int_eq(gcr_catalog_set_price(cat, type, "us-east-1", true, 10.0, 5.0, "test",
					       wiz.now - 3600, &err), GCR_OK);
	wizard_prices_updated(&wiz, "prices came");
	ck_assert_str_eq(wiz.message, "prices came");
	/* Dearer now: the cheapest is another type, and this one is live. */
	for (size_t i = 0; i < wiz.est.noptions; i++)
		if (strcmp(wiz.est.options[i].instance_type, type) == 0) {
			ck_assert(wiz.est.options[i].price_live);
			ck_assert(wiz.est.options[i].cost_spot_usd > before);
		}
}
END_TEST

START_TEST(targets_read_the_configuration)
{
	struct gcr_settings *cfg = gcr_settings_new();
	struct wiz_target_status st;
	struct gcr_error err;

	wiz.settings = cfg;
	wizard_target_status(&wiz, GCR_TARGET_BATCH, &st);
	ck_assert(!st.configured);
	ck_assert(strstr(st.how, "gcrunner setup") != NULL);
	wizard_target_status(&wiz, GCR_TARGET_SLURM, &st);
	ck_assert(strstr(st.how, "gcrunner cluster set") != NULL);
	ck_assert_int_eq(gcr_settings_set(cfg, "batch.queue.arm64", "gcr-arm64", &err), GCR_OK);
	ck_assert_int_eq(gcr_settings_set(cfg, "slurm.transport", "local", &err), GCR_OK);
	wizard_target_status(&wiz, GCR_TARGET_BATCH, &st);
	ck_assert(st.configured);
	wizard_target_status(&wiz, GCR_TARGET_SLURM, &st);
	ck_assert(st.configured);
	wiz.settings = NULL;
	gcr_settings_free(cfg);
}
END_TEST

START_TEST(the_saved_spec_reads_back)
{
	char dir[] = "/tmp/gcr-wizard.XXXXXX", path[128];
	struct gcr_spec back;
	struct gcr_error err;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/run.yaml", dir);
	wizard_set_model(&wiz, GCR_MODEL_GCHP);
	go_to("grid");
	pick("Grid", "C90");
	go_to("review");
	ck_assert(wizard_view_ops.unsaved(&wiz));
	snprintf(wiz.save_path, sizeof wiz.save_path, "%s", path);
	key(UI_ACT_SAVE);
	ck_assert_msg(strstr(wiz.message, "Spec saved") != NULL, "%s", wiz.message);
	ck_assert(!wizard_view_ops.unsaved(&wiz));
	gcr_spec_init(&back);
	ck_assert_msg(gcr_spec_load(&back, path, &err) == GCR_OK, "%s", err.message);
	ck_assert_int_eq(back.model, GCR_MODEL_GCHP);
	ck_assert_str_eq(back.grid, "C90");
	ck_assert_int_eq(back.target, GCR_TARGET_PCLUSTER);
	ck_assert_int_eq(back.nodes, 2);
	ck_assert_msg(gcr_spec_validate(&back, cat, &err) == GCR_OK, "%s", err.message);
	/* A ParallelCluster run: without that backend Submit says it comes with
	 * that support; with it, this test has no engine environment. */
	key(UI_ACT_SUBMIT);
	if (!gcr_backend_for(GCR_TARGET_PCLUSTER))
		ck_assert_msg(strstr(wiz.message, "ParallelCluster/Slurm support") != NULL, "%s",
			      wiz.message);
	else
		ck_assert_msg(strstr(wiz.message, "no engine environment") != NULL, "%s", wiz.message);
	unlink(path);
	rmdir(dir);
}
END_TEST

START_TEST(collections_are_the_ones_the_generator_accepts)
{
	struct ui_field *list;
	struct ui_item *rn;

	wizard_set_model(&wiz, GCR_MODEL_CLASSIC);
	go_to("output");
	ck_assert(field("Collections")->hidden);            /* the default set */
	pick("Diagnostic collections (HISTORY.rc)", "choose");
	ck_assert_int_eq(wiz.spec.ncollections, 1);
	ck_assert_str_eq(wiz.spec.collections[0], "SpeciesConc");
	list = field("Collections");
	ck_assert(!list->hidden);
	ck_assert(item(list, "SpeciesConc")->checked);
	rn = item(list, "RadioNuclide");                     /* TransportTracers only */
	ck_assert_msg(rn->reason[0] != '\0', "RadioNuclide offered for full chemistry");
	ck_assert_str_eq(item(list, "Budget")->reason, "");
	pick("Collections", "Budget");
	key(UI_ACT_TOGGLE);
	ck_assert_int_eq(wiz.spec.ncollections, 2);
	ck_assert_str_eq(wiz.spec.collections[1], "Budget");
	pick("Collections", "RadioNuclide");
	key(UI_ACT_TOGGLE);
	ck_assert_int_eq(wiz.spec.ncollections, 2);          /* refused */
}
END_TEST

/* Collections the user ticked that a new simulation does not write: the
 * output choice goes back to the default set, and the message says why. */
START_TEST(a_simulation_change_drops_collections_it_does_not_write)
{
	wizard_set_model(&wiz, GCR_MODEL_CLASSIC);
	go_to("simulation");
	pick("Simulation", "TransportTracers");
	go_to("output");
	pick("Diagnostic collections (HISTORY.rc)", "choose");
	ck_assert_str_eq(item(field("Collections"), "RadioNuclide")->reason, "");
	pick("Collections", "RadioNuclide");
	key(UI_ACT_TOGGLE);
	ck_assert_int_eq(wiz.spec.ncollections, 2);
	go_to("simulation");
	pick("Simulation", "fullchem");
	ck_assert_int_eq(wiz.spec.ncollections, 0);
	ck_assert_msg(strstr(wiz.message, "RadioNuclide") != NULL, "%s", wiz.message);
}
END_TEST

START_TEST(review_lists_the_generated_files)
{
	struct ui_field *files;
	bool config = false, history = false;

	wizard_set_model(&wiz, GCR_MODEL_CLASSIC);
	go_to("review");
	files = field("Files that would be generated");
	for (int i = 0; i < files->nitems; i++) {
		config |= strcmp(files->items[i].label, "geoschem_config.yml") == 0;
		history |= strcmp(files->items[i].label, "HISTORY.rc") == 0;
	}
	ck_assert(config && history);
}
END_TEST

START_TEST(every_step_has_a_title_and_help)
{
	size_t n;
	const struct screen_ops *const *steps = wizard_steps(&n);

	ck_assert_uint_eq(n, 11);
	for (size_t i = 0; i < n; i++) {
		ck_assert(steps[i]->id && steps[i]->title && steps[i]->help && steps[i]->build);
		ck_assert_int_eq(wizard_step_index(steps[i]->id), (int)i);
	}
	/* Every step builds a form on a fresh Classic spec. */
	wizard_set_model(&wiz, GCR_MODEL_CLASSIC);
	for (size_t i = 0; i < n; i++) {
		wizard_push(&wiz, (int)i);
		ck_assert_msg(wiz.form.nfields + wiz.form.nbuttons > 0, "step %s is empty", steps[i]->id);
	}
}
END_TEST

static Suite *wizard_suite(void)
{
	Suite *s = suite_create("ui wizard");
	TCase *tc = tcase_create("steps");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, starts_on_the_welcome_without_estimates);
	tcase_add_test(tc, choosing_classic_fills_defaults_and_estimates);
	tcase_add_test(tc, ruled_out_grids_say_why_and_cannot_be_picked);
	tcase_add_test(tc, a_change_drops_later_choices_it_rules_out);
	tcase_add_test(tc, geos_it_half_degree_only_for_transport_tracers);
	tcase_add_test(tc, gchp_rules_out_batch_and_defaults_to_a_cluster);
	tcase_add_test(tc, gchp_nodes_follow_the_field);
	tcase_add_test(tc, period_text_is_checked_as_typed);
	tcase_add_test(tc, instances_that_do_not_fit_cannot_be_chosen);
	tcase_add_test(tc, the_stack_keeps_choices);
	tcase_add_test(tc, sorting_and_the_current_choice);
	tcase_add_test(tc, live_prices_re_estimate);
	tcase_add_test(tc, targets_read_the_configuration);
	tcase_add_test(tc, the_saved_spec_reads_back);
	tcase_add_test(tc, collections_are_the_ones_the_generator_accepts);
	tcase_add_test(tc, a_simulation_change_drops_collections_it_does_not_write);
	tcase_add_test(tc, review_lists_the_generated_files);
	tcase_add_test(tc, every_step_has_a_title_and_help);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr;
	int failed;

	setlocale(LC_ALL, "C.UTF-8");
	sr = srunner_create(wizard_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
