/* step_output.c: diagnostic collections and their frequency, and where the
 * run's restart (initial conditions) comes from. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "bundle/bundle.h"
#include "i18n.h"
#include "ui/steps.h"
#include "ui/text.h"

enum { F_SET = 1, F_COLLECTIONS, F_FREQUENCY, F_RESTART, F_RESTART_PATH };

/* "My own file" was picked but no path typed yet (the spec keeps the
 * previous restart until a path is given). */
static bool own_file_picked;

static bool chosen(const struct gcr_spec *s, const char *name)
{
	for (int i = 0; i < s->ncollections; i++)
		if (strcmp(s->collections[i], name) == 0)
			return true;
	return false;
}

static void output_build(struct wizard *w, struct ui_form *f)
{
	static const struct { const char *id; const char *label; const char *detail; } freqs[] = {
		{ "monthly", N_("monthly means"), N_("One file per month: the usual choice, and the least data.") },
		{ "daily", N_("daily means"), N_("About 30 times the data of monthly output.") },
		{ "hourly", N_("hourly means"), N_("Hundreds of times the data of monthly output, and slower runs.") },
		{ "end", N_("one mean over the whole run"), N_("A single file at the end of the run.") },
	};
	struct gcr_bundle_collection collections[GCR_BUNDLE_MAX_COLLECTIONS];
	const struct gcr_simulation *sim;
	size_t ncollections;
	struct ui_field *set, *list, *freq, *restart, *path;
	struct ui_item *it;
	const char *current_freq = w->spec.output_frequency[0] ? w->spec.output_frequency : "monthly";
	bool own_restart;

	ncollections = gcr_bundle_collections(&w->spec, collections, GCR_BUNDLE_MAX_COLLECTIONS);
	sim = gcr_catalog_find_simulation(w->cat, w->spec.simulation);
	set = ui_form_add_field(f, UI_FIELD_CHOICE, F_SET, _("Diagnostic collections (HISTORY.rc)"));
	it = ui_field_add_item(set, "default", _("the simulation's default set"));
	snprintf(it->detail, sizeof it->detail, "%s",
		 _("The collections GEOS-Chem's run-directory creator turns on for this simulation."));
	it->checked = w->spec.ncollections == 0;
	it = ui_field_add_item(set, "choose", _("let me choose"));
	snprintf(it->detail, sizeof it->detail, "%s",
		 _("Tick collections with Space. More output makes runs slower and results bigger."));
	it->checked = w->spec.ncollections > 0;

	list = ui_form_add_field(f, UI_FIELD_MULTI, F_COLLECTIONS, _("Collections"));
	list->hidden = w->spec.ncollections == 0;
	for (size_t i = 0; i < ncollections && i < GCR_BUNDLE_MAX_COLLECTIONS; i++) {
		it = ui_field_add_item(list, collections[i].name, collections[i].name);
		snprintf(it->badge, sizeof it->badge, "%s", _(collections[i].text));
		snprintf(it->detail, sizeof it->detail, "%s", _(collections[i].text));
		if (!collections[i].offered)
			snprintf(it->reason, sizeof it->reason, _("the %s simulation does not write it"),
				 sim ? _(sim->label) : w->spec.simulation);
		it->checked = chosen(&w->spec, collections[i].name);
	}

	freq = ui_form_add_field(f, UI_FIELD_CHOICE, F_FREQUENCY, _("Output frequency"));
	for (size_t i = 0; i < sizeof freqs / sizeof freqs[0]; i++) {
		it = ui_field_add_item(freq, freqs[i].id, _(freqs[i].label));
		snprintf(it->detail, sizeof it->detail, "%s", _(freqs[i].detail));
		it->checked = strcmp(freqs[i].id, current_freq) == 0;
	}

	own_restart = own_file_picked ||
		      (w->spec.restart[0] && strcmp(w->spec.restart, "default") != 0 &&
		       strcmp(w->spec.restart, "spinup") != 0);
	restart = ui_form_add_field(f, UI_FIELD_CHOICE, F_RESTART, _("Start from (restart file)"));
	it = ui_field_add_item(restart, "default", _("the restart file GEOS-Chem ships"));
	snprintf(it->detail, sizeof it->detail, "%s",
		 _("Fine for the default period; for other dates, a spin-up gives better initial conditions."));
	it->checked = !own_restart && (!w->spec.restart[0] || strcmp(w->spec.restart, "default") == 0);
	it = ui_field_add_item(restart, "spinup", _("the end of the spin-up"));
	snprintf(it->detail, sizeof it->detail, "%s",
		 _("The spin-up days run first; their final state starts the real run."));
	if (w->spec.spinup_days <= 0)
		snprintf(it->reason, sizeof it->reason, "%s",
			 _("there are no spin-up days: set some on the period step first."));
	it->checked = !own_restart && strcmp(w->spec.restart, "spinup") == 0;
	it = ui_field_add_item(restart, "file", _("my own file (path or s3:// URI)"));
	it->checked = own_restart;

	path = ui_form_add_field(f, UI_FIELD_TEXT, F_RESTART_PATH, _("Restart file"));
	path->width = 40;
	path->hidden = !own_restart;
	if (own_restart && !own_file_picked)
		ui_field_set_text(f, path, w->spec.restart);
	step_nav_buttons(f);
}

static unsigned output_apply(struct wizard *w, struct ui_form *f, const struct ui_form_result *r)
{
	struct ui_field *fld = &f->fields[r->field];
	const struct ui_item *it;

	switch (fld->tag) {
	case F_SET:
		it = step_checked(f, F_SET);
		if (!it)
			return 0;
		if (strcmp(it->id, "default") == 0 && w->spec.ncollections > 0) {
			w->spec.ncollections = 0;
		} else if (strcmp(it->id, "choose") == 0 && w->spec.ncollections == 0) {
			/* Start from the one collection every simulation writes. */
			w->spec.ncollections = 1;
			snprintf(w->spec.collections[0], GCR_ID_MAX, "%s", "SpeciesConc");
		} else {
			return 0;
		}
		wizard_changed(w, WIZ_OUTPUT);
		return UI_CHANGED | UI_REDRAW;
	case F_COLLECTIONS:
		if (r->what != UI_FORM_TOGGLED)
			return 0;
		w->spec.ncollections = 0;
		for (int i = 0; i < fld->nitems && w->spec.ncollections < GCR_MAX_COLLECTIONS; i++)
			if (fld->items[i].checked)
				ui_text_copy(w->spec.collections[w->spec.ncollections++], GCR_ID_MAX,
					     fld->items[i].id);
		if (w->spec.ncollections == 0)
			wizard_message(w, UI_ROLE_HINT, "%s",
				       _("No collection ticked: the simulation's default set will be written."));
		wizard_changed(w, WIZ_OUTPUT);
		return UI_CHANGED | UI_REDRAW;
	case F_FREQUENCY:
		return step_apply_id(w, f, r, F_FREQUENCY, w->spec.output_frequency, WIZ_OUTPUT);
	case F_RESTART:
		it = step_checked(f, F_RESTART);
		if (!it)
			return 0;
		if (strcmp(it->id, "file") == 0) {
			own_file_picked = true;
			wizard_rebuild(w);
			return UI_REDRAW;
		}
		own_file_picked = false;
		if (strcmp(it->id, w->spec.restart) == 0) {
			wizard_rebuild(w);
			return UI_REDRAW;
		}
		step_set_id(w->spec.restart, it->id);
		wizard_changed(w, WIZ_OUTPUT);
		return UI_CHANGED | UI_REDRAW;
	case F_RESTART_PATH:
		if (r->what != UI_FORM_EDITED)
			return 0;
		if (!fld->text[0]) {
			snprintf(fld->error, sizeof fld->error, "%s",
				 _("Give a path on the compute target, or an s3:// URI."));
			return UI_REDRAW;
		}
		if (strlen(fld->text) >= GCR_ID_MAX) {
			snprintf(fld->error, sizeof fld->error, _("At most %d characters."), GCR_ID_MAX - 1);
			return UI_REDRAW;
		}
		fld->error[0] = '\0';
		own_file_picked = false;
		step_set_id(w->spec.restart, fld->text);
		wizard_changed(w, WIZ_OUTPUT);
		return UI_CHANGED | UI_REDRAW;
	default:
		return 0;
	}
}

static bool output_ready(struct wizard *w, char *why, size_t len)
{
	const struct ui_item *it = step_checked(&w->form, F_RESTART);
	struct ui_field *path = ui_form_field_by_tag(&w->form, F_RESTART_PATH);

	if (it && strcmp(it->id, "file") == 0 && path &&
	    (path->error[0] || !path->text[0])) {
		snprintf(why, len, "%s", _("Give the restart file's path, or choose another start."));
		return false;
	}
	return true;
}

const struct screen_ops step_output = {
	.id = "output",
	.title = N_("Output"),
	.help = N_("Which diagnostics GEOS-Chem writes (HISTORY.rc collections) and how often, "
		   "and which restart file gives the initial state. More collections and more "
		   "frequent output make runs slower and results larger."),
	.build = output_build,
	.apply = output_apply,
	.ready = output_ready,
};
