/* catalog_prices.c: prices per instance type and region -- the shipped
 * dated snapshots, live overrides (gcr_catalog_set_price) and the live
 * price cache file (format in catalog.h), read and written with jansson. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "catalog_internal.h"
#include "i18n.h"
#include "paths.h"

static int price_slot(const struct gcr_instance_type *it, const char *region)
{
	for (size_t i = 0; i < it->nregions; i++)
		if (strcmp(it->regions[i], region) == 0)
			return (int)i;
	return -1;
}

bool gcr_catalog_price(const struct gcr_catalog *cat, const char *type, const char *region,
		       time_t now, struct gcr_price_info *out)
{
	const struct gcr_instance_type *it = gcr_catalog_find_instance(cat, type);
	const struct gcr_price *p;
	int slot;

	memset(out, 0, sizeof *out);
	out->ondemand_usd_hour = out->spot_usd_hour = -1;
	out->age_hours = -1;
	if (!it)
		return false;
	if (!region || !*region)
		region = GCR_DEFAULT_REGION;
	slot = price_slot(it, region);
	if (slot < 0 || !it->prices[slot].known)
		return false;
	p = &it->prices[slot];
	out->offered = p->offered;
	out->live = p->live;
	out->derived = p->derived;
	out->source = p->source;
	out->date = p->date;
	out->spot_available = it->spot_available;
	if (p->live) {
		if (!now)
			now = time(NULL);
		out->age_hours = difftime(now, p->fetched_at) / 3600.0;
		if (out->age_hours < 0)
			out->age_hours = 0;
	}
	if (!p->offered)
		return true;
	out->ondemand_usd_hour = p->ondemand_usd_hour;
	if (!it->spot_available) {
		out->spot_usd_hour = p->ondemand_usd_hour;
	} else if (p->spot_usd_hour > 0) {
		out->spot_usd_hour = p->spot_usd_hour;
	} else {
		out->spot_usd_hour = p->ondemand_usd_hour * (1.0 - it->spot_discount);
		out->spot_estimated = true;
	}
	return true;
}

enum gcr_status gcr_catalog_set_price(struct gcr_catalog *cat, const char *type, const char *region,
				      bool offered, double ondemand, double spot, const char *source,
				      time_t fetched_at, struct gcr_error *err)
{
	struct gcr_instance_type *it = (struct gcr_instance_type *)gcr_catalog_find_instance(cat, type);
	struct gcr_price *p;
	int slot;

	if (!it)
		return gcr_error_set(err, GCR_ERR_NOT_FOUND, _("unknown instance type '%s'"), type ? type : "");
	if (!region || !*region)
		return gcr_error_set(err, GCR_ERR_INVALID, _("a price needs a region"));
	slot = price_slot(it, region);
	if (slot < 0) {
		if (it->nregions >= GCR_CATALOG_MAX_REGIONS)
			return gcr_error_set(err, GCR_ERR_INVALID, _("too many regions for %s"), type);
		slot = (int)it->nregions++;
		memset(&it->prices[slot], 0, sizeof it->prices[slot]);
		snprintf(it->regions[slot], GCR_ID_MAX, "%s", region);
		it->prices[slot].ondemand_usd_hour = it->prices[slot].spot_usd_hour = -1;
	}
	p = &it->prices[slot];
	p->known = true;
	p->offered = offered;
	if (ondemand > 0) {
		p->ondemand_usd_hour = ondemand;
		p->derived = false;
	}
	if (spot > 0)
		p->spot_usd_hour = spot;
	if (offered && p->ondemand_usd_hour <= 0)
		return gcr_error_set(err, GCR_ERR_INVALID, _("no on-demand price for %s in %s"), type, region);
	p->live = true;
	p->fetched_at = fetched_at ? fetched_at : time(NULL);
	snprintf(p->source, sizeof p->source, "%s", source && *source ? source : _("live price"));
	{
		struct tm tm;
		gmtime_r(&p->fetched_at, &tm);
		strftime(p->date, sizeof p->date, "%Y-%m-%d", &tm);
	}
	return GCR_OK;
}

static bool parse_rfc3339(const char *s, time_t *out)
{
	struct tm tm;
	char *end;

	memset(&tm, 0, sizeof tm);
	if (!s || !(end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)))
		return false;
	if (*end == '.')
		while (*++end >= '0' && *end <= '9')
			;
	if (strcmp(end, "Z") != 0 && strcmp(end, "+00:00") != 0)
		return false;
	*out = timegm(&tm);
	return true;
}

static double json_price(json_t *v)
{
	return json_is_number(v) ? json_number_value(v) : -1;
}

enum gcr_status gcr_catalog_load_prices(struct gcr_catalog *cat, const char *path, time_t now,
					long max_age_s, bool *applied, struct gcr_error *err)
{
	json_error_t jerr;
	json_t *root, *prices, *e;
	time_t file_time;
	size_t i;
	enum gcr_status st = GCR_OK;

	*applied = false;
	root = json_load_file(path, 0, &jerr);
	if (!root) {
		if (jerr.line == -1 && jerr.position == 0 && access(path, F_OK) != 0)
			return GCR_OK;  /* no cache: fine */
		return gcr_error_set(err, GCR_ERR_INVALID, _("%s:%d: not valid JSON: %s"), path,
				     jerr.line, jerr.text);
	}
	if (!now)
		now = time(NULL);
	if (json_integer_value(json_object_get(root, "version")) != 1 ||
	    !parse_rfc3339(json_string_value(json_object_get(root, "fetched_at")), &file_time) ||
	    !json_is_array(prices = json_object_get(root, "prices"))) {
		json_decref(root);
		return gcr_error_set(err, GCR_ERR_INVALID,
				     _("%s: expected {\"version\": 1, \"fetched_at\": \"...Z\", \"prices\": [...]}"),
				     path);
	}
	if (difftime(now, file_time) > max_age_s) {
		json_decref(root);
		return GCR_OK;  /* too old: the shipped snapshot stays */
	}
	json_array_foreach(prices, i, e) {
		const char *type = json_string_value(json_object_get(e, "instance_type"));
		const char *region = json_string_value(json_object_get(e, "region"));
		json_t *off = json_object_get(e, "offered");
		time_t when = file_time;
		struct gcr_error ierr;

		if (!type || !region) {
			st = gcr_error_set(err, GCR_ERR_INVALID,
					   _("%s: prices[%zu]: instance_type and region are required"), path, i);
			break;
		}
		if (json_object_get(e, "fetched_at") &&
		    !parse_rfc3339(json_string_value(json_object_get(e, "fetched_at")), &when)) {
			st = gcr_error_set(err, GCR_ERR_INVALID, _("%s: prices[%zu]: fetched_at is not "
								 "an RFC 3339 UTC time"), path, i);
			break;
		}
		if (!gcr_catalog_find_instance(cat, type))
			continue;  /* a type the catalog does not describe */
		if (gcr_catalog_set_price(cat, type, region, off ? json_is_true(off) : true,
					  json_price(json_object_get(e, "ondemand_usd_per_hour")),
					  json_price(json_object_get(e, "spot_usd_per_hour")),
					  json_string_value(json_object_get(e, "source")), when, &ierr) != GCR_OK)
			continue;  /* e.g. offered without a price: keep the snapshot */
		*applied = true;
	}
	json_decref(root);
	return st;
}

static void rfc3339(time_t t, char *buf, size_t len)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

enum gcr_status gcr_catalog_save_prices(const struct gcr_catalog *cat, const char *path,
					struct gcr_error *err)
{
	json_t *root = json_object(), *arr = json_array();
	time_t newest = 0;
	char when[32], *text;
	enum gcr_status st;

	for (size_t i = 0; i < cat->ninstances; i++) {
		const struct gcr_instance_type *it = &cat->instances[i];
		for (size_t r = 0; r < it->nregions; r++) {
			const struct gcr_price *p = &it->prices[r];
			json_t *e;
			if (!p->live)
				continue;
			e = json_object();
			json_object_set_new(e, "instance_type", json_string(it->id));
			json_object_set_new(e, "region", json_string(it->regions[r]));
			json_object_set_new(e, "offered", json_boolean(p->offered));
			json_object_set_new(e, "ondemand_usd_per_hour",
					    p->ondemand_usd_hour > 0 ? json_real(p->ondemand_usd_hour) : json_null());
			json_object_set_new(e, "spot_usd_per_hour",
					    p->spot_usd_hour > 0 ? json_real(p->spot_usd_hour) : json_null());
			json_object_set_new(e, "source", json_string(p->source));
			rfc3339(p->fetched_at, when, sizeof when);
			json_object_set_new(e, "fetched_at", json_string(when));
			json_array_append_new(arr, e);
			if (p->fetched_at > newest)
				newest = p->fetched_at;
		}
	}
	rfc3339(newest ? newest : time(NULL), when, sizeof when);
	json_object_set_new(root, "version", json_integer(1));
	json_object_set_new(root, "fetched_at", json_string(when));
	json_object_set_new(root, "prices", arr);
	text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (!text)
		return gcr_error_set(err, GCR_ERR_NOMEM, _("out of memory"));
	st = gcr_write_file_atomic(path, text, strlen(text), 0644, err);
	free(text);
	return st;
}
