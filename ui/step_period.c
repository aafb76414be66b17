/* step_period.c: start date, then an end date or a number of days, and
 * spin-up days. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "ui/steps.h"

enum { F_START = 1, F_MODE, F_END, F_DAYS, F_SPINUP };

static int period_end(const struct gcr_spec *s)
{
	if (s->end_date)
		return s->end_date;
	if (s->start_date && s->days > 0)
		return wiz_add_days(s->start_date, s->days);
	return 0;
}

static void period_build(struct wizard *w, struct ui_form *f)
{
	struct ui_field *start, *mode, *end, *days, *spin;
	struct ui_item *it;
	char buf[32];
	int total = gcr_spec_simulated_days(&w->spec);
	const struct gcr_simulation *sim = gcr_catalog_find_simulation(w->cat, w->spec.simulation);

	start = ui_form_add_field(f, UI_FIELD_TEXT, F_START, _("Start date (YYYY-MM-DD)"));
	wiz_format_date(w->spec.start_date, buf, sizeof buf);
	ui_field_set_text(f, start, buf);
	if (sim) {
		char a[16], b[16];
		wiz_format_date(sim->default_start, a, sizeof a);
		wiz_format_date(sim->default_end, b, sizeof b);
		snprintf(start->note, sizeof start->note,
			 _("Default: %s to %s, the period of the restart file GEOS-Chem ships."), a, b);
	}

	mode = ui_form_add_field(f, UI_FIELD_CHOICE, F_MODE, _("Length given as"));
	it = ui_field_add_item(mode, "end", _("an end date"));
	it->checked = !w->period_by_days;
	it = ui_field_add_item(mode, "days", _("a number of days"));
	it->checked = w->period_by_days;

	end = ui_form_add_field(f, UI_FIELD_TEXT, F_END, _("End date (the run stops at 00:00 that day)"));
	wiz_format_date(period_end(&w->spec), buf, sizeof buf);
	ui_field_set_text(f, end, buf);
	end->hidden = w->period_by_days;

	days = ui_form_add_field(f, UI_FIELD_NUMBER, F_DAYS, _("Simulated days"));
	snprintf(buf, sizeof buf, "%d", period_end(&w->spec) && w->spec.start_date ?
		 wiz_days_between(w->spec.start_date, period_end(&w->spec)) : w->spec.days);
	ui_field_set_text(f, days, buf);
	days->min = 1;
	days->max = 36500;
	days->hidden = !w->period_by_days;

	spin = ui_form_add_field(f, UI_FIELD_NUMBER, F_SPINUP, _("Spin-up days before the start"));
	snprintf(buf, sizeof buf, "%d", w->spec.spinup_days);
	ui_field_set_text(f, spin, buf);
	spin->min = 0;
	spin->max = 36500;
	snprintf(spin->note, sizeof spin->note,
		 P_("%d simulated day in all, spin-up included.",
		    "%d simulated days in all, spin-up included.", total), total);
	step_nav_buttons(f);
}

/* Checks a new period with the catalog's rules; on success writes it (as
 * start and end: the spec's defaults turn a duration into an end date). */
static unsigned set_period(struct wizard *w, struct ui_field *fld, int start, int end)
{
	struct gcr_spec p;
	char why[UI_NOTE_MAX];

	wizard_partial_spec(w, WIZ_PERIOD, &p);
	if (!gcr_catalog_period_allowed(w->cat, &p, start, end, why, sizeof why)) {
		snprintf(fld->error, sizeof fld->error, "%s", why);
		return UI_REDRAW;
	}
	fld->error[0] = '\0';
	w->spec.start_date = start;
	w->spec.end_date = end;
	w->spec.days = wiz_days_between(start, end);
	wizard_changed(w, WIZ_PERIOD);
	return UI_CHANGED | UI_REDRAW;
}

static unsigned period_apply(struct wizard *w, struct ui_form *f, const struct ui_form_result *r)
{
	struct ui_field *fld = &f->fields[r->field];
	const struct gcr_spec *s = &w->spec;
	int date, length = period_end(s) ? wiz_days_between(s->start_date, period_end(s)) : 31;
	long n;

	if (r->what == UI_FORM_SUBMIT && fld->kind != UI_FIELD_CHOICE)
		return 0;   /* Enter only moves on; edits were applied as typed */
	switch (fld->tag) {
	case F_START:
		if (!wiz_parse_date(fld->text, &date)) {
			snprintf(fld->error, sizeof fld->error, "%s",
				 _("Write the date as YYYY-MM-DD, for example 2019-07-01."));
			return UI_REDRAW;
		}
		/* A duration keeps its length; an end date stays put. */
		return set_period(w, fld, date, w->period_by_days || !s->end_date ?
				  wiz_add_days(date, length) : s->end_date);
	case F_END:
		if (!wiz_parse_date(fld->text, &date)) {
			snprintf(fld->error, sizeof fld->error, "%s",
				 _("Write the date as YYYY-MM-DD, for example 2019-08-01."));
			return UI_REDRAW;
		}
		return set_period(w, fld, s->start_date, date);
	case F_DAYS:
		if (!ui_field_number(fld, &n)) {
			snprintf(fld->error, sizeof fld->error, _("Write a number of days from %ld to %ld."),
				 fld->min, fld->max);
			return UI_REDRAW;
		}
		return set_period(w, fld, s->start_date, wiz_add_days(s->start_date, (int)n));
	case F_SPINUP:
		if (!ui_field_number(fld, &n)) {
			snprintf(fld->error, sizeof fld->error, _("Write a number of days from %ld to %ld."),
				 fld->min, fld->max);
			return UI_REDRAW;
		}
		fld->error[0] = '\0';
		if (n == s->spinup_days)
			return 0;
		w->spec.spinup_days = (int)n;
		wizard_changed(w, WIZ_PERIOD);
		return UI_CHANGED | UI_REDRAW;
	case F_MODE: {
		const struct ui_item *it = step_checked(f, F_MODE);
		bool by_days = it && strcmp(it->id, "days") == 0;
		if (by_days == w->period_by_days)
			return 0;
		w->period_by_days = by_days;
		wizard_rebuild(w);
		return UI_REDRAW;
	}
	default:
		return 0;
	}
}

static bool period_ready(struct wizard *w, char *why, size_t len)
{
	if (!step_fields_ok(w, why, len))
		return false;
	if (!w->spec.start_date || gcr_spec_simulated_days(&w->spec) <= 0) {
		snprintf(why, len, "%s", _("Give a start date and a length."));
		return false;
	}
	return true;
}

const struct screen_ops step_period = {
	.id = "period",
	.title = N_("Period"),
	.help = N_("When the simulation starts and how long it runs, as an end date or a number "
		   "of days, plus optional spin-up days before it: a spin-up run settles the "
		   "chemistry before the period you study, and its final state is the restart of "
		   "the real run. The default period matches the restart file GEOS-Chem ships for "
		   "the simulation. Cost grows with the days."),
	.build = period_build,
	.apply = period_apply,
	.ready = period_ready,
};
