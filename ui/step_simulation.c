/* step_simulation.c: the simulation type and its option (Full chemistry:
 * Standard, Benchmark, Complex SOA...; Carbon: one species...). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "ui/steps.h"

enum { F_SIM = 1, F_OPTION };

/* One line each, for researchers choosing; the catalog has the facts. */
static const struct {
	const char *id;
	const char *text;
} descriptions[] = {
	{ "fullchem", N_("Ozone, NOx, VOCs, aerosols and halogens coupled: the standard GEOS-Chem, and the most expensive.") },
	{ "aerosol", N_("Aerosols only, with oxidants read from files: cheaper than full chemistry.") },
	{ "carbon", N_("CH4, CO, CO2 and OCS together, or one of them alone.") },
	{ "Hg", N_("Mercury: emission, chemistry and deposition.") },
	{ "POPs", N_("Persistent organic pollutants (BaP, PHE or PYR).") },
	{ "tagO3", N_("Tagged ozone, with production and loss read from files.") },
	{ "TransportTracers", N_("Radionuclides and passive tracers: the cheapest simulation, for testing transport and set-up.") },
	{ "metals", N_("Trace metals.") },
};

static const char *describe(const char *id)
{
	for (size_t i = 0; i < sizeof descriptions / sizeof descriptions[0]; i++)
		if (strcmp(descriptions[i].id, id) == 0)
			return _(descriptions[i].text);
	return "";
}

static void simulation_build(struct wizard *w, struct ui_form *f)
{
	struct ui_field *sims = ui_form_add_field(f, UI_FIELD_CHOICE, F_SIM, _("Simulation"));
	struct ui_field *opts = ui_form_add_field(f, UI_FIELD_CHOICE, F_OPTION, _("Option"));
	const struct gcr_simulation *chosen = gcr_catalog_find_simulation(w->cat, w->spec.simulation);
	struct gcr_spec p;

	wizard_partial_spec(w, WIZ_SIMULATION, &p);
	for (size_t i = 0; i < gcr_catalog_nsimulations(w->cat); i++) {
		const struct gcr_simulation *s = gcr_catalog_simulation(w->cat, i);
		struct ui_item *it = ui_field_add_item(sims, s->id, _(s->label));

		snprintf(it->detail, sizeof it->detail, "%s", describe(s->id));
		gcr_catalog_simulation_allowed(w->cat, &p, s->id, it->reason, sizeof it->reason);
		it->checked = strcmp(s->id, w->spec.simulation) == 0;
	}

	wizard_partial_spec(w, WIZ_OPTION, &p);
	opts->hidden = !chosen || chosen->noptions == 0;
	for (size_t i = 0; chosen && i < chosen->noptions; i++) {
		const struct gcr_sim_option *o = &chosen->options[i];
		const char *current = w->spec.option[0] ? w->spec.option : chosen->default_option;
		struct ui_item *it = ui_field_add_item(opts, o->id, _(o->label));

		gcr_catalog_option_allowed(w->cat, &p, o->id, it->reason, sizeof it->reason);
		it->checked = strcmp(o->id, current) == 0;
		if (strcmp(o->id, chosen->default_option) == 0)
			snprintf(it->badge, sizeof it->badge, "%s", _("default"));
		else if (o->cost_factor > 0 && (o->cost_factor > 1.05 || o->cost_factor < 0.95))
			snprintf(it->badge, sizeof it->badge, _("%.1fx the compute"), o->cost_factor);
		if (o->cost_factor > 1.05)
			snprintf(it->detail, sizeof it->detail,
				 _("About %.1f times the compute of the default option."), o->cost_factor);
	}
	step_nav_buttons(f);
}

static unsigned simulation_apply(struct wizard *w, struct ui_form *f, const struct ui_form_result *r)
{
	return step_apply_id(w, f, r, F_SIM, w->spec.simulation, WIZ_SIMULATION) |
	       step_apply_id(w, f, r, F_OPTION, w->spec.option, WIZ_OPTION);
}

static bool simulation_ready(struct wizard *w, char *why, size_t len)
{
	if (w->spec.simulation[0])
		return true;
	snprintf(why, len, "%s", _("Choose a simulation first."));
	return false;
}

const struct screen_ops step_simulation = {
	.id = "simulation",
	.title = N_("Simulation"),
	.help = N_("The chemistry GEOS-Chem computes. Full chemistry is the standard and the most "
		   "expensive; TransportTracers is the cheapest and good for a first test. Some "
		   "simulations have options (such as TOMAS aerosol bins) that cost more compute."),
	.build = simulation_build,
	.apply = simulation_apply,
	.ready = simulation_ready,
};
