/* step_welcome.c: what gcrunner does, what you need, what it costs, how to
 * move and how to quit. */
#include "config.h"

#include <stdio.h>

#include "i18n.h"
#include "ui/draw.h"
#include "ui/steps.h"

static void welcome_build(struct wizard *w, struct ui_form *f)
{
	(void)w;
	ui_form_add_button(f, UI_BUTTON_START, _("Start planning"));
}

static int welcome_draw(struct wizard *w, struct ui_app *app, int y, int x, int h, int width)
{
	const char *paras[] = {
		_("gcrunner plans a GEOS-Chem run with you, one choice at a time, and shows "
		  "what it would cost and how long it would take on each kind of AWS machine "
		  "before you spend anything."),
		_("What you need: nothing, to plan and estimate; the instance types and prices come "
		  "with gcrunner. To submit a run: an AWS account and credentials "
		  "('gcrunner setup' guides you), or a Slurm cluster."),
		_("What it costs: planning is free. A run pays for machine time (shown for spot and "
		  "on-demand prices) and for storing its input and output data."),
		_("How to move: Up/Down or j/k choose, Enter goes on, Esc goes back with your "
		  "choices kept, F1 or ? shows help, q quits."),
	};
	int used = 0;

	(void)w;
	(void)app;
	for (size_t i = 0; i < sizeof paras / sizeof paras[0] && used < h; i++) {
		used += ui_draw_wrapped(y + used, x, h - used, width, UI_ROLE_NORMAL, paras[i]);
		used++;
	}
	return used > h ? h : used;
}

const struct screen_ops step_welcome = {
	.id = "welcome",
	.title = N_("Welcome"),
	.help = N_("This wizard asks the choices GEOS-Chem's own run-directory creator asks, "
		   "shows live estimates of time and cost once the model is chosen, and ends "
		   "with a plan you can save as a spec file."),
	.build = welcome_build,
	.draw = welcome_draw,
};
