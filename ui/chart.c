/* chart.c: cost versus time, every option one mark, drawn with text.
 *
 * x is the wall time, y the cost at the spec's pricing; both axes go
 * logarithmic when the values span more than a factor of 8 (cheap small
 * instances and fast big ones differ by orders of magnitude).  Marks: an
 * option, an option on the Pareto front (nothing else is both faster and
 * cheaper), and the current choice, which wins when marks share a cell.
 * GCHP plots every node count of every instance type (the node sweep). */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "ui/draw.h"
#include "ui/text.h"
#include "ui/wizard.h"

enum mark { MARK_NONE, MARK_POINT, MARK_PARETO, MARK_CURRENT };

struct axis {
	double lo, hi;
	bool log;
};

static void axis_fit(struct axis *a, double lo, double hi)
{
	if (!(hi > lo)) {
		/* One value: a small span around it. */
		hi = lo * 1.5 + 1e-9;
		lo = lo * 0.5;
	}
	a->log = lo > 0 && hi / lo > 8.0;
	if (a->log) {
		a->lo = log10(lo) - 0.02;
		a->hi = log10(hi) + 0.02;
	} else {
		double pad = (hi - lo) * 0.04;
		a->lo = lo - pad < 0 ? 0 : lo - pad;
		a->hi = hi + pad;
	}
}

/* Position 0..cells-1 of value v on the axis. */
static int axis_cell(const struct axis *a, double v, int cells)
{
	double t = a->log ? log10(v > 0 ? v : 1e-9) : v;
	double f = (t - a->lo) / (a->hi - a->lo);
	int c = (int)lround(f * (cells - 1));

	return c < 0 ? 0 : c >= cells ? cells - 1 : c;
}

static double axis_value(const struct axis *a, double f)
{
	double t = a->lo + f * (a->hi - a->lo);
	return a->log ? pow(10.0, t) : t;
}

void wiz_chart_draw(struct wizard *w, int y, int x, int h, int width)
{
	const struct ui_glyphs *g = ui_glyphs();
	const struct gcr_estimate_result *res = w->spec.model == GCR_MODEL_GCHP && w->sweep.noptions ?
						&w->sweep : &w->est;
	const struct gcr_estimate_pick *pick = w->spec.spot ? &res->spot_pick : &res->ondemand;
	const struct gcr_estimate_option *cur = wizard_current_option(w);
	struct axis ax, ay;
	double tmin = 0, tmax = 0, cmin = 0, cmax = 0;
	int plot_h = h - 3, label_w, plot_w, npoints = 0;
	char top[32], bottom[32], left[32], right[32], legend[256];
	unsigned char *grid;

	if (plot_h < 4 || width < 30)
		return;
	for (size_t i = 0; i < res->noptions; i++) {
		const struct gcr_estimate_option *o = &res->options[i];
		double cost = w->spec.spot ? o->cost_spot_usd : o->cost_ondemand_usd;
		if (!o->offered || o->memory_fit == GCR_FIT_NO || !(cost > 0) || !(o->wall_hours > 0))
			continue;
		if (npoints++ == 0) {
			tmin = tmax = o->wall_hours;
			cmin = cmax = cost;
		}
		tmin = fmin(tmin, o->wall_hours);
		tmax = fmax(tmax, o->wall_hours);
		cmin = fmin(cmin, cost);
		cmax = fmax(cmax, cost);
	}
	if (npoints == 0) {
		ui_draw_text_cut(y, x, width, UI_ROLE_HINT, _("No option fits this run: nothing to plot."));
		return;
	}
	axis_fit(&ax, tmin, tmax);
	axis_fit(&ay, cmin, cmax);
	wiz_format_usd(axis_value(&ay, 1.0), top, sizeof top);
	wiz_format_usd(axis_value(&ay, 0.0), bottom, sizeof bottom);
	/* A fixed label column ("$99,999" is the widest amount), so the plot
	 * does not shift when the amounts change. */
	label_w = 7;
	if (ui_text_width(top) > label_w || ui_text_width(bottom) > label_w)
		label_w = ui_text_width(top) > ui_text_width(bottom) ? ui_text_width(top) : ui_text_width(bottom);
	plot_w = width - label_w - 1;
	if (plot_w < 10)
		return;

	grid = calloc((size_t)plot_h * (size_t)plot_w, 1);
	if (!grid)
		return;
	for (size_t i = 0; i < res->noptions; i++) {
		const struct gcr_estimate_option *o = &res->options[i];
		double cost = w->spec.spot ? o->cost_spot_usd : o->cost_ondemand_usd;
		int cx, cy;
		unsigned char m = MARK_POINT;

		if (!o->offered || o->memory_fit == GCR_FIT_NO || !(cost > 0) || !(o->wall_hours > 0))
			continue;
		for (size_t k = 0; k < pick->npareto; k++)
			if (pick->pareto[k] == (int)i)
				m = MARK_PARETO;
		if (cur && strcmp(o->instance_type, cur->instance_type) == 0 && o->nodes == cur->nodes)
			m = MARK_CURRENT;
		cx = axis_cell(&ax, o->wall_hours, plot_w);
		cy = plot_h - 1 - axis_cell(&ay, cost, plot_h);
		if (grid[cy * plot_w + cx] < m)
			grid[cy * plot_w + cx] = m;
	}

	/* The y axis with its top and bottom values. */
	ui_draw_text_right(y, x + label_w, label_w, UI_ROLE_HINT, top);
	ui_draw_text_right(y + plot_h - 1, x + label_w, label_w, UI_ROLE_HINT, bottom);
	for (int r = 0; r < plot_h; r++)
		ui_draw_text(y + r, x + label_w, 1, UI_ROLE_BORDER, g->vline);
	ui_draw_text(y + plot_h, x + label_w, 1, UI_ROLE_BORDER, g->axis_corner);
	ui_draw_hline(y + plot_h, x + label_w + 1, plot_w, UI_ROLE_BORDER);
	for (int r = 0; r < plot_h; r++)
		for (int c = 0; c < plot_w; c++) {
			static const enum ui_role roles[] = { UI_ROLE_NORMAL, UI_ROLE_POINT,
							      UI_ROLE_PARETO, UI_ROLE_CURRENT };
			unsigned char m = grid[r * plot_w + c];
			const char *glyph = m == MARK_CURRENT ? g->current : m == MARK_PARETO ? g->pareto : g->point;
			if (m != MARK_NONE)
				ui_draw_text(y + r, x + label_w + 1 + c, 1, roles[m], glyph);
		}
	free(grid);

	/* The x axis: the time at both ends, the axis names in the middle. */
	wiz_format_hours(axis_value(&ax, 0.0), left, sizeof left);
	wiz_format_hours(axis_value(&ax, 1.0), right, sizeof right);
	ui_draw_text(y + plot_h + 1, x + label_w + 1, plot_w / 3, UI_ROLE_HINT, left);
	ui_draw_text_right(y + plot_h + 1, x + label_w + 1 + plot_w, plot_w / 3, UI_ROLE_HINT, right);
	{
		char axes[128];
		snprintf(axes, sizeof axes, _("x: wall time%s, y: cost%s"), ax.log ? _(" (log)") : "",
			 ay.log ? _(" (log)") : "");
		int aw = ui_text_width(axes);
		if (aw < plot_w - 2 * 10)
			ui_draw_text(y + plot_h + 1, x + label_w + 1 + (plot_w - aw) / 2, aw, UI_ROLE_HINT, axes);
	}
	/* The legend, each mark in its own role. */
	{
		const char *labels[] = { _("option"), _("Pareto front"), _("your choice") };
		const char *marks[] = { g->point, g->pareto, g->current };
		static const enum ui_role roles[] = { UI_ROLE_POINT, UI_ROLE_PARETO, UI_ROLE_CURRENT };
		int lx = x + label_w + 1;
		for (int i = 0; i < 3; i++) {
			snprintf(legend, sizeof legend, "%s", labels[i]);
			if (lx + 2 + ui_text_width(legend) > x + width)
				break;
			lx += ui_draw_text(y + plot_h + 2, lx, 1, roles[i], marks[i]) + 1;
			lx += ui_draw_text(y + plot_h + 2, lx, x + width - lx, UI_ROLE_HINT, legend) + 3;
		}
	}
}
