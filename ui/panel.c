/* panel.c: the live estimate panel -- one row per instance type with time,
 * cost spot and on-demand, cost per simulated day, memory fit and
 * confidence; sortable by cost or time; the current choice highlighted;
 * price age and source; the cost-versus-time chart below (chart.c).  Small
 * terminals get a three-line summary, and 'e' shows the whole panel. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "ui/draw.h"
#include "ui/text.h"
#include "ui/wizard.h"

/* The cost the spec's pricing mode pays. */
static double option_cost(const struct wizard *w, const struct gcr_estimate_option *o)
{
	return w->spec.spot ? o->cost_spot_usd : o->cost_ondemand_usd;
}

static bool option_usable(const struct gcr_estimate_option *o)
{
	return o->offered && o->memory_fit != GCR_FIT_NO;
}

static const struct wizard *sort_wizard;   /* qsort has no context argument */

static int compare_rows(const void *pa, const void *pb)
{
	const struct wizard *w = sort_wizard;
	const struct gcr_estimate_option *a = &w->est.options[*(const int *)pa];
	const struct gcr_estimate_option *b = &w->est.options[*(const int *)pb];
	double ka, kb;

	if (option_usable(a) != option_usable(b))
		return option_usable(a) ? -1 : 1;
	if (w->sort == WIZ_SORT_TIME) {
		ka = a->wall_hours;
		kb = b->wall_hours;
	} else {
		ka = option_cost(w, a);
		kb = option_cost(w, b);
	}
	if (ka != kb)
		return ka < kb ? -1 : 1;
	return strcmp(a->instance_type, b->instance_type);
}

static int find_current(const struct wizard *w)
{
	const struct gcr_estimate_pick *pick = w->spec.spot ? &w->est.spot_pick : &w->est.ondemand;

	if (w->spec.instance_type[0]) {
		for (size_t i = 0; i < w->est.noptions; i++)
			if (strcmp(w->est.options[i].instance_type, w->spec.instance_type) == 0)
				return (int)i;
		return -1;
	}
	/* "Choose by estimate": the cheapest option that fits. */
	return pick->cheapest;
}

void wiz_panel_sort(struct wizard *w)
{
	if (w->order_cap < w->est.noptions) {
		int *order = realloc(w->order, w->est.noptions * sizeof *order);
		if (!order) {
			w->norder = 0;
			return;
		}
		w->order = order;
		w->order_cap = w->est.noptions;
	}
	for (size_t i = 0; i < w->est.noptions; i++)
		w->order[i] = (int)i;
	w->norder = w->est.noptions;
	sort_wizard = w;
	qsort(w->order, w->norder, sizeof *w->order, compare_rows);
	sort_wizard = NULL;
	w->current = find_current(w);
	/* Keep the full panel's cursor on the current choice. */
	for (size_t i = 0; i < w->norder; i++)
		if (w->order[i] == w->current)
			w->panel_cursor = (int)i;
}

static bool on_pareto(const struct wizard *w, int index)
{
	const struct gcr_estimate_pick *pick = w->spec.spot ? &w->est.spot_pick : &w->est.ondemand;

	for (size_t i = 0; i < pick->npareto; i++)
		if (pick->pareto[i] == index)
			return true;
	return false;
}

/* "5 months old", "12 days old", "fetched 3 h ago". */
static void describe_age(const struct wizard *w, const struct gcr_estimate_option *o,
			 char *buf, size_t len)
{
	if (o->price_live && o->price_age_hours >= 0) {
		if (o->price_age_hours < 1.0)
			snprintf(buf, len, _("fetched %.0f min ago"), o->price_age_hours * 60.0);
		else if (o->price_age_hours < 48.0)
			snprintf(buf, len, _("fetched %.0f h ago"), o->price_age_hours);
		else
			snprintf(buf, len, _("fetched %.0f days ago"), o->price_age_hours / 24.0);
		return;
	}
	if (o->price_date && o->price_date[0]) {
		int y = 0, m = 0, d = 1, date, days;
		char tmp[16];

		if (sscanf(o->price_date, "%4d-%2d-%2d", &y, &m, &d) >= 2 && y > 1900 && m >= 1 && m <= 12) {
			struct tm tm;
			gmtime_r(&w->now, &tm);
			date = y * 10000 + m * 100 + (d >= 1 && d <= 31 ? d : 1);
			days = wiz_days_between(date, (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday);
			if (days < 0)
				snprintf(buf, len, "%s", o->price_date);
			else if (days < 60)
				snprintf(buf, len, P_("%s, %d day old", "%s, %d days old", days),
					 o->price_date, days);
			else
				snprintf(buf, len, P_("%s, %d month old", "%s, %d months old", days / 30),
					 o->price_date, days / 30);
			return;
		}
		snprintf(tmp, sizeof tmp, "%s", o->price_date);
		snprintf(buf, len, "%s", tmp);
		return;
	}
	snprintf(buf, len, "%s", _("date unknown"));
}

void wiz_price_line(const struct wizard *w, char *buf, size_t len)
{
	const struct gcr_estimate_option *o = wizard_current_option(w);
	const char *fetch = "";
	char age[96];

	if (!o && w->est_ok && w->norder > 0)
		o = &w->est.options[w->order[0]];
	if (!o) {
		snprintf(buf, len, "%s", "");
		return;
	}
	if (w->live_prices == WIZ_PRICES_FETCHING)
		fetch = _(" (fetching live prices)");
	else if (w->live_prices == WIZ_PRICES_FAILED && !o->price_live)
		fetch = _(" (live prices unavailable)");
	describe_age(w, o, age, sizeof age);
	/* The age first: the source is long and may be cut at the right. */
	snprintf(buf, len, o->price_live ? _("Prices: live, %s, %s%s; %s") :
		 _("Prices: catalog, %s, %s%s; %s"),
		 age, w->est.region[0] ? w->est.region : GCR_DEFAULT_REGION, fetch,
		 o->price_source && o->price_source[0] ? o->price_source : _("unknown source"));
}

static const char *fit_label(enum gcr_memory_fit f, enum ui_role *role)
{
	switch (f) {
	case GCR_FIT_FITS: *role = UI_ROLE_GOOD; return _("fits");
	case GCR_FIT_TIGHT: *role = UI_ROLE_WARNING; return _("tight");
	case GCR_FIT_NO: *role = UI_ROLE_ERROR; return _("no");
	}
	*role = UI_ROLE_NORMAL;
	return "";
}

static const char *confidence_label(enum gcr_confidence c)
{
	switch (c) {
	case GCR_CONF_HIGH: return _("high");
	case GCR_CONF_MEDIUM: return _("medium");
	case GCR_CONF_LOW: return _("low");
	}
	return "";
}

/* Column layout of the table, measured on the translated headers. */
struct columns {
	int mark, instance, time, spot, ondemand, perday, memory, conf;
	bool show_perday, show_conf, show_ondemand;
};

static void layout_columns(int width, struct columns *c)
{
	const char *heads[] = { _("Time"), _("Spot"), _("On-demand"), _("$/day"),
				_("Memory"), _("Conf.") };
	int mins[] = { 7, 7, 9, 7, 6, 6 };
	int *cols[] = { &c->time, &c->spot, &c->ondemand, &c->perday, &c->memory, &c->conf };
	int total;

	c->mark = 2;
	c->instance = 14;
	for (int i = 0; i < 6; i++) {
		int hw = ui_text_width(heads[i]);
		*cols[i] = hw > mins[i] ? hw : mins[i];
	}
	c->show_perday = c->show_conf = c->show_ondemand = true;
	total = c->mark + c->instance + c->time + c->spot + c->ondemand + c->perday + c->memory + c->conf + 7;
	if (total > width) {
		c->show_conf = false;
		total -= c->conf + 1;
	}
	if (total > width) {
		c->show_perday = false;
		total -= c->perday + 1;
	}
	if (total > width) {
		c->show_ondemand = false;
		total -= c->ondemand + 1;
	}
	if (total < width)
		c->instance += width - total > 6 ? 6 : width - total;
}

static int draw_row_cells(int y, int x, int width, const struct columns *c,
			  const char *const cells[8], const enum ui_role roles[8])
{
	int cx = x;
	const int widths[] = { c->mark, c->instance, c->time, c->spot, c->ondemand, c->perday,
			       c->memory, c->conf };
	const bool shown[] = { true, true, true, true, c->show_ondemand, c->show_perday, true,
			       c->show_conf };

	for (int i = 0; i < 8; i++) {
		if (!shown[i])
			continue;
		if (cx - x + widths[i] > width)
			break;
		if (i >= 2 && i <= 5)   /* numbers: right-aligned */
			ui_draw_text_right(y, cx + widths[i], widths[i], roles[i], cells[i]);
		else
			ui_draw_text_cut(y, cx, widths[i], roles[i], cells[i]);
		cx += widths[i] + 1;
	}
	return cx - x;
}

static void draw_table(struct wizard *w, struct ui_app *app, int y, int x, int rows, int width,
		       int cursor_row)
{
	const struct ui_glyphs *g = ui_glyphs();
	struct columns c;
	const char *heads[8];
	enum ui_role hroles[8];
	char sorted_time[64], sorted_cost[64];
	int top;

	/* The last column is for the scroll marks. */
	width--;
	layout_columns(width, &c);
	snprintf(sorted_time, sizeof sorted_time, "%s%s", _("Time"),
		 w->sort == WIZ_SORT_TIME ? g->sort_mark : "");
	snprintf(sorted_cost, sizeof sorted_cost, "%s%s", w->spec.spot ? _("Spot") : _("On-demand"),
		 w->sort == WIZ_SORT_COST ? g->sort_mark : "");
	heads[0] = "";
	heads[1] = _("Instance");
	heads[2] = sorted_time;
	heads[3] = w->spec.spot ? sorted_cost : _("Spot");
	heads[4] = w->spec.spot ? _("On-demand") : sorted_cost;
	heads[5] = _("$/day");
	heads[6] = _("Memory");
	heads[7] = _("Conf.");
	for (int i = 0; i < 8; i++)
		hroles[i] = UI_ROLE_HEADING;
	draw_row_cells(y, x, width, &c, heads, hroles);
	ui_app_add_hit(app, y, x, width, WIZ_HIT_SORT, 0, 0);
	y++;
	rows--;
	if (rows <= 0 || w->norder == 0)
		return;

	/* Scroll so the cursor (full panel) or the current choice shows. */
	top = w->panel_top;
	{
		int focus_row = cursor_row;
		if (focus_row < 0)
			for (size_t i = 0; i < w->norder; i++)
				if (w->order[i] == w->current)
					focus_row = (int)i;
		if (focus_row >= 0) {
			if (focus_row < top)
				top = focus_row;
			if (focus_row >= top + rows)
				top = focus_row - rows + 1;
		}
		if (top > (int)w->norder - rows)
			top = (int)w->norder - rows;
		if (top < 0)
			top = 0;
		w->panel_top = top;
	}
	for (int r = 0; r < rows && top + r < (int)w->norder; r++) {
		int idx = w->order[top + r];
		const struct gcr_estimate_option *o = &w->est.options[idx];
		char t[32], spot[32], od[32], perday[32];
		const char *cells[8];
		enum ui_role roles[8], base = UI_ROLE_NORMAL, fit_role = UI_ROLE_NORMAL;
		bool is_current = idx == w->current, at_cursor = top + r == cursor_row;

		wiz_format_hours(o->wall_hours, t, sizeof t);
		wiz_format_usd(o->cost_spot_usd, spot, sizeof spot);
		wiz_format_usd(o->cost_ondemand_usd, od, sizeof od);
		wiz_format_usd(o->cost_per_sim_day_usd, perday, sizeof perday);
		if (!option_usable(o))
			base = UI_ROLE_DISABLED;
		if (is_current)
			base = UI_ROLE_CURRENT;
		if (at_cursor)
			base = UI_ROLE_CURSOR;
		cells[0] = is_current ? g->current : on_pareto(w, idx) ? g->pareto : "";
		cells[1] = o->instance_type;
		cells[2] = t;
		cells[3] = spot;
		cells[4] = od;
		cells[5] = perday;
		cells[6] = o->offered ? fit_label(o->memory_fit, &fit_role) : _("not offered");
		if (!o->offered)
			fit_role = UI_ROLE_DISABLED;
		cells[7] = o->offered ? confidence_label(o->confidence) : "";
		for (int i = 0; i < 8; i++)
			roles[i] = base;
		if (base == UI_ROLE_NORMAL) {
			roles[0] = on_pareto(w, idx) ? UI_ROLE_PARETO : UI_ROLE_NORMAL;
			roles[6] = fit_role;
			roles[7] = o->confidence == GCR_CONF_LOW ? UI_ROLE_WARNING : UI_ROLE_NORMAL;
		}
		if (base != UI_ROLE_NORMAL && base != UI_ROLE_DISABLED)
			ui_draw_fill(y + r, x, width, base);
		draw_row_cells(y + r, x, width, &c, cells, roles);
		ui_app_add_hit(app, y + r, x, width, WIZ_HIT_PANEL_ROW, top + r, 0);
	}
	if (top > 0)
		ui_draw_text(y, x + width, 1, UI_ROLE_HINT, g->more_above);
	if (top + rows < (int)w->norder)
		ui_draw_text(y + rows - 1, x + width, 1, UI_ROLE_HINT, g->more_below);
}

static void panel_heading(const struct wizard *w, char *buf, size_t len)
{
	char nodes[64] = "";

	if (w->spec.model == GCR_MODEL_GCHP && w->spec.nodes > 0)
		snprintf(nodes, sizeof nodes, P_(", %d node", ", %d nodes", w->spec.nodes), w->spec.nodes);
	snprintf(buf, len, P_("Estimates: %d simulated day%s, %s pricing",
			      "Estimates: %d simulated days%s, %s pricing", w->est.simulated_days),
		 w->est.simulated_days, nodes, w->spec.spot ? _("spot") : _("on-demand"));
}

void wiz_panel_draw(struct wizard *w, struct ui_app *app, int y, int x, int h, int width)
{
	char line[512];
	int table_rows, chart_rows;

	if (h < 3 || width < 20)
		return;
	if (!w->est_ok) {
		ui_draw_text_cut(y, x, width, UI_ROLE_HEADING, _("Estimates"));
		ui_draw_wrapped(y + 2, x, h - 2, width, UI_ROLE_WARNING,
				w->est_error[0] ? w->est_error : _("No estimate yet."));
		return;
	}
	panel_heading(w, line, sizeof line);
	ui_draw_text_cut(y++, x, width, UI_ROLE_HEADING, line);
	wiz_price_line(w, line, sizeof line);
	ui_draw_text_cut(y++, x, width, UI_ROLE_HINT, line);
	h -= 2;
	if (w->panel_full) {
		/* The panel's own keys, on its last row. */
		ui_draw_text_cut(y + h - 1, x, width, UI_ROLE_HINT,
				 _("Up/Down: move   Enter: choose this instance type   s: sort by cost or time   Esc or e: close"));
		h--;
	}
	/* The table gets what it needs up to half; the chart the rest, when
	 * there is room for a useful one. */
	table_rows = (int)w->norder + 1;
	chart_rows = 0;
	if (h >= 18) {
		int half = h / 2;
		if (table_rows > half)
			table_rows = half;
		chart_rows = h - table_rows - 1;
		if (chart_rows > 20) {
			chart_rows = 20;
			table_rows = h - chart_rows - 1;
			if (table_rows > (int)w->norder + 1)
				table_rows = (int)w->norder + 1;
		}
	} else if (table_rows > h) {
		table_rows = h;
	}
	draw_table(w, app, y, x, table_rows, width, w->panel_full ? w->panel_cursor : -1);
	y += table_rows;
	if (chart_rows >= 8) {
		y++;
		wiz_chart_draw(w, y, x, chart_rows, width);
		y += chart_rows;
	}
}

/* Why no option qualifies: usually memory. */
static const char *nothing_fits(const struct wizard *w, char *buf, size_t len)
{
	double most = 0, need = 0;

	for (size_t i = 0; i < w->est.noptions; i++) {
		const struct gcr_estimate_option *o = &w->est.options[i];
		if (o->offered && o->memory_gib > most) {
			most = o->memory_gib;
			need = o->memory_need_gib;
		}
	}
	if (most > 0 && need > most)
		snprintf(buf, len, _("No instance type fits: the run needs %.0f GiB per node, the largest has %.0f GiB."),
			 need, most);
	else
		snprintf(buf, len, "%s", _("No instance type is offered and fits this run in the region."));
	return buf;
}

void wiz_panel_draw_summary(struct wizard *w, struct ui_app *app, int y, int x, int h, int width)
{
	const struct gcr_estimate_option *cur = wizard_current_option(w);
	const struct gcr_estimate_pick *pick = w->spec.spot ? &w->est.spot_pick : &w->est.ondemand;
	char title[256], line[512], a[32], b[32], c[32], d[32];
	int tw;

	snprintf(title, sizeof title, " %s ", w->est_ok ? "" : _("Estimates"));
	if (w->est_ok)
		panel_heading(w, title, sizeof title);
	ui_draw_hline(y, x, width, UI_ROLE_BORDER);
	tw = ui_draw_text_cut(y, x + 2, width - 4, UI_ROLE_HEADING, title);
	{
		char keys[128];
		snprintf(keys, sizeof keys, _(" e: all %d options, s: sort "), (int)w->norder);
		if (tw + ui_text_width(keys) + 6 < width)
			ui_draw_text_right(y, x + width - 2, width / 2, UI_ROLE_HINT, keys);
		ui_app_add_hit(app, y, x, width, WIZ_HIT_TOGGLE_PANEL, 0, 0);
	}
	if (!w->est_ok) {
		ui_draw_wrapped(y + 1, x + 1, h - 1, width - 2, UI_ROLE_WARNING,
				w->est_error[0] ? w->est_error : _("No estimate yet."));
		return;
	}
	if (cur) {
		const char *fit = !cur->offered ? _("not offered") :
				  cur->memory_fit == GCR_FIT_FITS ? _("fits") :
				  cur->memory_fit == GCR_FIT_TIGHT ? _("tight fit") : _("too big");
		wiz_format_hours(cur->wall_hours, a, sizeof a);
		wiz_format_hours(cur->wall_hours_low, b, sizeof b);
		wiz_format_hours(cur->wall_hours_high, c, sizeof c);
		wiz_format_usd(cur->cost_spot_usd, d, sizeof d);
		snprintf(line, sizeof line, _("Choice %s: %s (%s to %s), %s spot"),
			 cur->instance_type, a, b, c, d);
		wiz_format_usd(cur->cost_ondemand_usd, a, sizeof a);
		snprintf(line + strlen(line), sizeof line - strlen(line), _(", %s on-demand, %s"),
			 a, fit);
		ui_draw_text_cut(y + 1, x + 1, width - 2, UI_ROLE_NORMAL, line);
	} else if (w->spec.instance_type[0]) {
		snprintf(line, sizeof line, _("Choice %s: no estimate"), w->spec.instance_type);
		ui_draw_text_cut(y + 1, x + 1, width - 2, UI_ROLE_WARNING, line);
	} else {
		ui_draw_text_cut(y + 1, x + 1, width - 2, UI_ROLE_WARNING, nothing_fits(w, line, sizeof line));
	}
	if (h >= 3) {
		line[0] = '\0';
		if (pick->cheapest >= 0) {
			const struct gcr_estimate_option *o = &w->est.options[pick->cheapest];
			wiz_format_usd(option_cost(w, o), a, sizeof a);
			wiz_format_hours(o->wall_hours, b, sizeof b);
			snprintf(line, sizeof line, _("Cheapest: %s %s in %s"), o->instance_type, a, b);
		}
		if (pick->fastest >= 0) {
			const struct gcr_estimate_option *o = &w->est.options[pick->fastest];
			wiz_format_hours(o->wall_hours, a, sizeof a);
			wiz_format_usd(option_cost(w, o), b, sizeof b);
			snprintf(line + strlen(line), sizeof line - strlen(line), "%s", line[0] ? "   " : "");
			snprintf(line + strlen(line), sizeof line - strlen(line), _("Fastest: %s %s for %s"),
				 o->instance_type, a, b);
		}
		ui_draw_text_cut(y + 2, x + 1, width - 2, UI_ROLE_NORMAL, line);
	}
	if (h >= 4) {
		wiz_price_line(w, line, sizeof line);
		ui_draw_text_cut(y + 3, x + 1, width - 2, UI_ROLE_HINT, line);
	}
}

/* Makes the option at display row `row` the chosen instance type. */
static unsigned choose_row(struct wizard *w, int row)
{
	const struct gcr_estimate_option *o;

	if (row < 0 || (size_t)row >= w->norder)
		return UI_HANDLED;
	o = &w->est.options[w->order[row]];
	if (!o->offered) {
		wizard_message(w, UI_ROLE_REASON, _("%s cannot be chosen: it is not offered in %s."),
			       o->instance_type, w->est.region);
		return UI_HANDLED | UI_REDRAW;
	}
	if (o->memory_fit == GCR_FIT_NO) {
		wizard_message(w, UI_ROLE_REASON,
			       _("%s cannot be chosen: the run needs %.0f GiB of memory per node, it has %.0f GiB."),
			       o->instance_type, o->memory_need_gib, o->memory_gib);
		return UI_HANDLED | UI_REDRAW;
	}
	snprintf(w->spec.instance_type, sizeof w->spec.instance_type, "%s", o->instance_type);
	wizard_changed(w, WIZ_INSTANCE);
	wizard_message(w, UI_ROLE_MESSAGE, _("Instance type: %s"), o->instance_type);
	return UI_HANDLED | UI_REDRAW | UI_CHANGED;
}

unsigned wiz_panel_event(struct wizard *w, const struct ui_event *ev)
{
	int page = 10;

	if (ev->kind == UI_EV_CLICK) {
		switch (ev->hit.kind) {
		case WIZ_HIT_PANEL_ROW:
			w->panel_cursor = ev->hit.a;
			return choose_row(w, ev->hit.a);
		case WIZ_HIT_SORT:
			w->sort = w->sort == WIZ_SORT_COST ? WIZ_SORT_TIME : WIZ_SORT_COST;
			wiz_panel_sort(w);
			return UI_HANDLED | UI_REDRAW;
		case WIZ_HIT_TOGGLE_PANEL:
			w->panel_full = !w->panel_full;
			return UI_HANDLED | UI_REDRAW;
		default:
			return 0;
		}
	}
	switch (ev->action) {
	case UI_ACT_SORT:
		w->sort = w->sort == WIZ_SORT_COST ? WIZ_SORT_TIME : WIZ_SORT_COST;
		wiz_panel_sort(w);
		wizard_message(w, UI_ROLE_HINT, "%s", w->sort == WIZ_SORT_COST ?
			       _("Estimates sorted by cost.") : _("Estimates sorted by time."));
		return UI_HANDLED | UI_REDRAW;
	case UI_ACT_ESTIMATES:
		w->panel_full = !w->panel_full;
		return UI_HANDLED | UI_REDRAW;
	default:
		break;
	}
	if (!w->panel_full)
		return 0;
	switch (ev->action) {
	case UI_ACT_UP:
		if (w->panel_cursor > 0)
			w->panel_cursor--;
		return UI_HANDLED | UI_REDRAW;
	case UI_ACT_DOWN:
		if (w->panel_cursor + 1 < (int)w->norder)
			w->panel_cursor++;
		return UI_HANDLED | UI_REDRAW;
	case UI_ACT_PAGE_UP:
		w->panel_cursor = w->panel_cursor > page ? w->panel_cursor - page : 0;
		return UI_HANDLED | UI_REDRAW;
	case UI_ACT_PAGE_DOWN:
		w->panel_cursor += page;
		if (w->panel_cursor >= (int)w->norder)
			w->panel_cursor = (int)w->norder - 1;
		return UI_HANDLED | UI_REDRAW;
	case UI_ACT_FIRST:
		w->panel_cursor = 0;
		return UI_HANDLED | UI_REDRAW;
	case UI_ACT_LAST:
		w->panel_cursor = (int)w->norder - 1;
		return UI_HANDLED | UI_REDRAW;
	case UI_ACT_SELECT: {
		unsigned r = choose_row(w, w->panel_cursor);
		if (r & UI_CHANGED)
			w->panel_full = false;
		return r;
	}
	case UI_ACT_BACK:
		w->panel_full = false;
		return UI_HANDLED | UI_REDRAW;
	case UI_ACT_HELP:
	case UI_ACT_QUIT:
	case UI_ACT_REDRAW:
		return 0;
	default:
		return UI_HANDLED;   /* the step's keys wait until the panel closes */
	}
}
