/* pricing.c: Price List GetProducts and reading on-demand prices (see pricing.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "aws/pricing.h"
#include "i18n.h"

struct products_ctx {
	gcr_pricing_products_cb cb;
	void *data;
};

static void on_products(enum gcr_status st, const struct gcr_error *err,
			const struct gcr_aws_error_info *info, json_t *answer, void *data)
{
	struct products_ctx *c = data;
	json_t *products = NULL, *list, *text;
	struct gcr_error perr;
	size_t i;

	(void)info;
	if (st == GCR_OK) {
		products = json_array();
		list = json_object_get(answer, "PriceList");
		json_array_foreach(list, i, text) {
			const char *s = json_string_value(text);
			json_t *product = s ? json_loads(s, 0, NULL) : NULL;
			if (!json_is_object(product)) {
				json_decref(product);
				st = gcr_error_set(&perr, GCR_ERR_REMOTE, "%s",
						   _("Pricing GetProducts: a PriceList entry is not a JSON object"));
				err = &perr;
				break;
			}
			json_array_append_new(products, product);
		}
	}
	c->cb(st, err, st == GCR_OK ? products : NULL, c->data);
	json_decref(products);
	free(c);
}

void gcr_pricing_get_products(struct gcr_aws *aws, const char *service_code,
			      json_t *filters, int max_pages,
			      gcr_pricing_products_cb cb, void *data)
{
	struct products_ctx *c = calloc(1, sizeof *c);
	json_t *input = json_object();

	if (!c)
		abort();
	c->cb = cb;
	c->data = data;
	json_object_set_new(input, "ServiceCode", json_string(service_code));
	json_object_set_new(input, "FormatVersion", json_string("aws_v1"));
	json_object_set_new(input, "MaxResults", json_integer(100));
	if (filters)
		json_object_set(input, "Filters", filters);
	gcr_aws_json_paginate(aws, "pricing", "GetProducts", input, "NextToken", "NextToken",
			      "PriceList", max_pages > 0 ? max_pages : 20, NULL, on_products, c);
	json_decref(input);
}

json_t *gcr_pricing_linux_filters(const char *instance_type, const char *region_code)
{
	const char *pairs[][2] = {
		{ "instanceType", instance_type },
		{ "regionCode", region_code },
		{ "operatingSystem", "Linux" },
		{ "tenancy", "Shared" },
		{ "preInstalledSw", "NA" },
		{ "capacitystatus", "Used" },
		{ "licenseModel", "No License required" },
		{ "operation", "RunInstances" },
	};
	json_t *filters = json_array();

	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
		json_array_append_new(filters, json_pack("{s:s, s:s, s:s}", "Type", "TERM_MATCH",
							 "Field", pairs[i][0], "Value", pairs[i][1]));
	return filters;
}

int gcr_pricing_on_demand_usd(json_t *product, double *usd)
{
	json_t *terms = json_object_get(json_object_get(product, "terms"), "OnDemand");
	json_t *term, *dim;
	const char *k1, *k2;

	json_object_foreach(terms, k1, term) {
		json_object_foreach(json_object_get(term, "priceDimensions"), k2, dim) {
			const char *s = json_string_value(
				json_object_get(json_object_get(dim, "pricePerUnit"), "USD"));
			char *end;
			double v;
			if (!s)
				continue;
			v = strtod(s, &end);
			if (end != s && *end == '\0' && v > 0) {
				*usd = v;
				return 1;
			}
		}
	}
	return 0;
}

const char *gcr_pricing_instance_type(json_t *product)
{
	return json_string_value(json_object_get(
		json_object_get(json_object_get(product, "product"), "attributes"), "instanceType"));
}
