/* measure.c: the user's own measurements -- finished runs recorded as
 * benchmark records in gcr_path(GCR_DIR_STATE, "measurements.yaml"), read
 * on catalog load and weighted above published figures in the calibration. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bundle/yaml_out.h"
#include "catalog_internal.h"
#include "i18n.h"
#include "paths.h"
#include "yamlread.h"

const char *gcr_configuration_type(const struct gcr_spec *spec, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s/%s/%s/%s/%s/%dL", gcr_model_id(spec->model),
		 *spec->simulation ? spec->simulation : "-", *spec->option ? spec->option : "-",
		 *spec->met ? spec->met : "-", *spec->grid ? spec->grid : "-",
		 *spec->domain ? spec->domain : "global", spec->levels);
	return buf;
}

/* A measurement as a benchmark record. */
static enum gcr_status to_benchmark(const struct gcr_catalog *cat, const struct gcr_measurement *m,
				    struct gcr_benchmark *b, struct gcr_error *err)
{
	const struct gcr_instance_type *it = gcr_catalog_find_instance(cat, m->instance_type);
	const struct gcr_spec *s = &m->spec;
	static unsigned counter;

	if (!it)
		return gcr_error_set(err, GCR_ERR_NOT_FOUND,
				     _("measurement: unknown instance type '%s'"), m->instance_type);
	if (s->model == GCR_MODEL_NONE || !*s->simulation || !*s->grid)
		return gcr_error_set(err, GCR_ERR_INVALID,
				     _("measurement: the spec needs model, simulation and grid"));
	if (!(m->throughput_days_per_day > 0))
		return gcr_error_set(err, GCR_ERR_INVALID, _("measurement: the throughput must be positive"));
	memset(b, 0, sizeof *b);
	snprintf(b->id, sizeof b->id, "user-%ld-%u", (long)(m->timestamp ? m->timestamp : time(NULL)),
		 counter++);
	snprintf(b->citation, sizeof b->citation, "%s", _("your own finished run"));
	snprintf(b->version, sizeof b->version, "%s", *m->version ? m->version : cat->version);
	b->model = s->model;
	snprintf(b->simulation, sizeof b->simulation, "%s", s->simulation);
	snprintf(b->option, sizeof b->option, "%s", s->option);
	snprintf(b->met, sizeof b->met, "%s", s->met);
	snprintf(b->grid, sizeof b->grid, "%s", s->grid);
	snprintf(b->domain, sizeof b->domain, "%s", s->domain);
	b->levels = s->levels ? s->levels : 72;
	snprintf(b->instance_type, sizeof b->instance_type, "%s", it->id);
	snprintf(b->family, sizeof b->family, "%s", it->family);
	b->nodes = s->nodes > 0 ? s->nodes : 1;
	b->cores_per_node = s->cores_per_node > 0 ? s->cores_per_node : it->cores;
	b->threads_per_node = m->threads_per_node > 0 ? m->threads_per_node
		: (s->model == GCR_MODEL_CLASSIC ? it->vcpus : b->cores_per_node);
	if (b->nodes > 1)
		snprintf(b->network, sizeof b->network, "%s", it->efa ? "efa" : "tcp");
	b->simulated_days = gcr_spec_simulated_days(s) > 0 ? gcr_spec_simulated_days(s) : 1;
	b->throughput_days_per_day = m->throughput_days_per_day;
	b->memory_gib = m->memory_usage_gib;
	b->node_memory_gib = it->memory_gib;
	b->weight = GCR_USER_MEASUREMENT_WEIGHT;
	b->use = GCR_BENCH_FIT;
	b->user = true;
	gcr_configuration_type(s, b->configuration_type, sizeof b->configuration_type);
	b->cost_per_sim_day = m->cost_per_sim_day;
	b->cpu_efficiency = m->cpu_efficiency;
	b->timestamp = m->timestamp ? m->timestamp : time(NULL);
	snprintf(b->data_source, sizeof b->data_source, "%s", *m->data_source ? m->data_source : "user-run");
	return GCR_OK;
}

enum gcr_status gcr_catalog_add_measurement(struct gcr_catalog *cat, const struct gcr_measurement *m,
					    struct gcr_error *err)
{
	struct gcr_benchmark b;
	enum gcr_status st = to_benchmark(cat, m, &b, err);

	if (st != GCR_OK)
		return st;
	gcr_catalog_append_benchmark(cat, &b);
	return gcr_estimate_calibrate(cat, err);
}

/* One record as a YAML list item (libyaml's emitter through yaml_out). */
static char *record_yaml(const struct gcr_benchmark *b, size_t *len, struct gcr_error *err)
{
	struct gcr_yout *y = gcr_yout_new(false);
	char when[32];
	struct tm tm;

	gmtime_r(&b->timestamp, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	gcr_yout_seq_start(y, false);
	gcr_yout_map_start(y);
	gcr_yout_kstr(y, "id", b->id);
	gcr_yout_kstr(y, "citation", b->citation);
	gcr_yout_kstr(y, "version", b->version);
	gcr_yout_kstr(y, "model", gcr_model_id(b->model));
	gcr_yout_kstr(y, "simulation", b->simulation);
	if (*b->option)
		gcr_yout_kstr(y, "option", b->option);
	gcr_yout_kstr(y, "met", b->met);
	gcr_yout_kstr(y, "grid", b->grid);
	if (*b->domain)
		gcr_yout_kstr(y, "domain", b->domain);
	gcr_yout_kint(y, "levels", b->levels);
	gcr_yout_kstr(y, "instance_type", b->instance_type);
	gcr_yout_kstr(y, "family", b->family);
	if (*b->network)
		gcr_yout_kstr(y, "network", b->network);
	gcr_yout_kint(y, "nodes", b->nodes);
	gcr_yout_kint(y, "cores_per_node", b->cores_per_node);
	gcr_yout_kint(y, "threads_per_node", b->threads_per_node);
	gcr_yout_kint(y, "simulated_days", b->simulated_days);
	gcr_yout_kdouble(y, "throughput_days_per_day", b->throughput_days_per_day);
	if (b->memory_gib > 0)
		gcr_yout_kdouble(y, "memory_gib", b->memory_gib);
	gcr_yout_kstr(y, "configuration_type", b->configuration_type);
	if (b->cost_per_sim_day > 0)
		gcr_yout_kdouble(y, "cost_per_sim_day", b->cost_per_sim_day);
	if (b->cpu_efficiency > 0)
		gcr_yout_kdouble(y, "cpu_efficiency", b->cpu_efficiency);
	gcr_yout_kplain(y, "timestamp", when);
	gcr_yout_kstr(y, "data_source", b->data_source);
	gcr_yout_map_end(y);
	gcr_yout_seq_end(y);
	return gcr_yout_finish(y, len, err);
}

static char *gcr_measurements_default_path(void)
{
	return gcr_path(GCR_DIR_STATE, GCR_MEASUREMENTS_NAME);
}

enum gcr_status gcr_measurement_add(struct gcr_catalog *cat, const struct gcr_measurement *m,
				    const char *path, struct gcr_error *err)
{
	char *own = NULL, *old = NULL, *item, *text, *dir, *slash;
	size_t oldlen = 0, itemlen;
	struct gcr_benchmark b;
	enum gcr_status st;

	if (!cat)
		return gcr_error_set(err, GCR_ERR_INVALID, _("measurement: no catalog to place it in"));
	if ((st = to_benchmark(cat, m, &b, err)) != GCR_OK)
		return st;
	if (!path && !(path = own = gcr_measurements_default_path()))
		return gcr_error_set(err, GCR_ERR_IO, _("cannot find the state directory (HOME is not set)"));
	dir = gcr_strdup_printf("%s", path);
	if ((slash = strrchr(dir, '/')) && slash != dir) {
		*slash = '\0';
		st = gcr_mkdir_p(dir, 0700, err);
	}
	free(dir);
	if (st == GCR_OK) {
		st = gcr_read_file(path, &old, &oldlen, err);
		if (st == GCR_ERR_NOT_FOUND) {  /* the first measurement */
			st = GCR_OK;
			old = NULL;
			oldlen = 0;
		}
	}
	if (st != GCR_OK)
		goto out;
	if (!(item = record_yaml(&b, &itemlen, err))) {
		st = err->code;
		goto out;
	}
	/* The file is ours: "measurements:" then one block item per run, so
	 * appending the new item keeps it one valid list. */
	if (!old || oldlen == 0 || !strstr(old, "measurements:"))
		text = gcr_strdup_printf("# gcrunner: your own finished runs (same fields as "
					 "data/benchmarks.yaml)\nmeasurements:\n%s", item);
	else
		text = gcr_strdup_printf("%s%s%s", old, old[oldlen - 1] == '\n' ? "" : "\n", item);
	free(item);
	st = gcr_write_file_atomic(path, text, strlen(text), 0600, err);
	free(text);
	if (st == GCR_OK) {
		gcr_catalog_append_benchmark(cat, &b);
		st = gcr_estimate_calibrate(cat, err);
	}
out:
	free(old);
	free(own);
	return st;
}

enum gcr_status gcr_catalog_load_measurements(struct gcr_catalog *cat, const char *path,
					      struct gcr_error *err)
{
	struct gcr_yread y;
	enum gcr_status st = gcr_yread_file(&y, path, err);

	if (st == GCR_ERR_NOT_FOUND)
		return GCR_OK;  /* no measurements yet */
	if (st != GCR_OK)
		return st;
	st = gcr_catalog_read_benchmarks(cat, &y, "measurements", true, err);
	gcr_yread_free(&y);
	return st;
}
