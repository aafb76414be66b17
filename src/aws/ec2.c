/* ec2.c: DescribeSpotPriceHistory and DescribeInstanceTypes (see ec2.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "aws/ec2.h"
#include "i18n.h"

#define EC2_MAX_TYPES_PER_CALL 100

static void *grow(void *p, size_t n, size_t size)
{
	void *q = realloc(p, (n ? n : 1) * size);

	if (!q)
		abort();
	return q;
}

static char *next_token_of(xmlNodePtr root)
{
	char *t = gcr_xml_text(root, "nextToken");

	if (t && !*t) {
		free(t);
		t = NULL;
	}
	return t;
}

enum gcr_status gcr_ec2_parse_spot_page(xmlDocPtr doc, struct gcr_ec2_spot_price **items,
					size_t *n, char **next_token, struct gcr_error *err)
{
	xmlNodePtr root = xmlDocGetRootElement(doc);
	xmlNodePtr set = gcr_xml_child(root, "spotPriceHistorySet");

	if (!set)
		return gcr_error_set(err, GCR_ERR_REMOTE, "%s",
				     _("EC2 DescribeSpotPriceHistory: the answer has no spotPriceHistorySet"));
	for (xmlNodePtr it = gcr_xml_child(set, "item"); it; it = gcr_xml_next_same(it)) {
		struct gcr_ec2_spot_price p = { 0 };
		char price[32] = "", stamp[48] = "";
		char *end;

		gcr_xml_text_buf(it, "instanceType", p.instance_type, sizeof p.instance_type);
		gcr_xml_text_buf(it, "availabilityZone", p.zone, sizeof p.zone);
		gcr_xml_text_buf(it, "productDescription", p.product, sizeof p.product);
		gcr_xml_text_buf(it, "spotPrice", price, sizeof price);
		gcr_xml_text_buf(it, "timestamp", stamp, sizeof stamp);
		p.price = strtod(price, &end);
		if (end == price || *end || !gcr_aws_time_parse(stamp, &p.timestamp))
			return gcr_error_set(err, GCR_ERR_REMOTE,
					     _("EC2 DescribeSpotPriceHistory: bad price '%s' or time '%s'"),
					     price, stamp);
		*items = grow(*items, *n + 1, sizeof **items);
		(*items)[(*n)++] = p;
	}
	*next_token = next_token_of(root);
	return GCR_OK;
}

static int spot_cmp(const void *a, const void *b)
{
	const struct gcr_ec2_spot_price *x = a, *y = b;
	int c = strcmp(x->instance_type, y->instance_type);

	if (!c)
		c = strcmp(x->zone, y->zone);
	if (!c)  /* newest first within a (type, zone) */
		c = (x->timestamp < y->timestamp) - (x->timestamp > y->timestamp);
	return c;
}

size_t gcr_ec2_spot_latest_per_zone(struct gcr_ec2_spot_price *items, size_t n)
{
	size_t out = 0;

	qsort(items, n, sizeof *items, spot_cmp);
	for (size_t i = 0; i < n; i++) {
		if (out > 0 && strcmp(items[out - 1].instance_type, items[i].instance_type) == 0 &&
		    strcmp(items[out - 1].zone, items[i].zone) == 0)
			continue;
		items[out++] = items[i];
	}
	return out;
}

/* ---- paging ------------------------------------------------------------------ */

struct spot_ctx {
	struct gcr_aws *aws;
	struct gcr_aws_params base;
	char *region;
	int pages, max_pages;
	struct gcr_ec2_spot_price *items;
	size_t n;
	gcr_ec2_spot_cb cb;
	void *data;
};

static void spot_page(struct spot_ctx *c, const char *token);

static void spot_done(struct spot_ctx *c, enum gcr_status st, const struct gcr_error *err)
{
	c->cb(st, err, st == GCR_OK ? c->items : NULL, st == GCR_OK ? c->n : 0, c->data);
	gcr_aws_params_clear(&c->base);
	free(c->region);
	free(c->items);
	free(c);
}

static void on_spot(enum gcr_status st, const struct gcr_error *err,
		    const struct gcr_aws_error_info *info, xmlDocPtr doc, void *data)
{
	struct spot_ctx *c = data;
	struct gcr_error perr;
	char *token = NULL;

	(void)info;
	if (st != GCR_OK) {
		spot_done(c, st, err);
		return;
	}
	if (gcr_ec2_parse_spot_page(doc, &c->items, &c->n, &token, &perr) != GCR_OK) {
		spot_done(c, perr.code, &perr);
		return;
	}
	if (token && ++c->pages < c->max_pages)
		spot_page(c, token);
	else
		spot_done(c, GCR_OK, NULL);
	free(token);
}

static void spot_page(struct spot_ctx *c, const char *token)
{
	struct gcr_aws_params p;
	struct gcr_aws_call_options opts = { .region = c->region };

	gcr_aws_params_init(&p);
	for (size_t i = 0; i < c->base.count; i++)
		gcr_aws_params_add(&p, c->base.items[i].name, c->base.items[i].value);
	if (token)
		gcr_aws_params_add(&p, "NextToken", token);
	gcr_aws_query_call(c->aws, "ec2", "DescribeSpotPriceHistory", &p, &opts, on_spot, c);
	gcr_aws_params_clear(&p);
}

void gcr_ec2_describe_spot_price_history(struct gcr_aws *aws,
					 const struct gcr_ec2_spot_query *q,
					 gcr_ec2_spot_cb cb, void *data)
{
	struct spot_ctx *c = calloc(1, sizeof *c);
	char when[32];

	if (!c)
		abort();
	c->aws = aws;
	c->cb = cb;
	c->data = data;
	c->max_pages = q->max_pages > 0 ? q->max_pages : 50;
	c->region = q->region ? strdup(q->region) : NULL;
	gcr_aws_params_init(&c->base);
	for (size_t i = 0; i < q->n_types; i++) {
		char name[48];
		snprintf(name, sizeof name, "InstanceType.%zu", i + 1);
		gcr_aws_params_add(&c->base, name, q->instance_types[i]);
	}
	gcr_aws_params_add(&c->base, "ProductDescription.1", q->product ? q->product : "Linux/UNIX");
	gcr_aws_time_format(q->start_time ? q->start_time : time(NULL), when, sizeof when);
	gcr_aws_params_add(&c->base, "StartTime", when);
	gcr_aws_params_add(&c->base, "MaxResults", "1000");
	spot_page(c, NULL);
}

/* ---- instance types -------------------------------------------------------------- */

enum gcr_status gcr_ec2_parse_instance_types_page(xmlDocPtr doc,
						  struct gcr_ec2_instance_type **items,
						  size_t *n, char **next_token,
						  struct gcr_error *err)
{
	xmlNodePtr root = xmlDocGetRootElement(doc);
	xmlNodePtr set = gcr_xml_child(root, "instanceTypeSet");

	if (!set)
		return gcr_error_set(err, GCR_ERR_REMOTE, "%s",
				     _("EC2 DescribeInstanceTypes: the answer has no instanceTypeSet"));
	for (xmlNodePtr it = gcr_xml_child(set, "item"); it; it = gcr_xml_next_same(it)) {
		struct gcr_ec2_instance_type t = { 0 };
		xmlNodePtr vcpu = gcr_xml_child(it, "vCpuInfo");
		xmlNodePtr net = gcr_xml_child(it, "networkInfo");
		xmlNodePtr arch = gcr_xml_child(gcr_xml_child(it, "processorInfo"),
						"supportedArchitectures");
		char buf[32];

		gcr_xml_text_buf(it, "instanceType", t.name, sizeof t.name);
		if (gcr_xml_text_buf(vcpu, "defaultVCpus", buf, sizeof buf))
			t.vcpus = atoi(buf);
		if (gcr_xml_text_buf(vcpu, "defaultCores", buf, sizeof buf))
			t.cores = atoi(buf);
		if (gcr_xml_text_buf(vcpu, "defaultThreadsPerCore", buf, sizeof buf))
			t.threads_per_core = atoi(buf);
		if (!t.cores && t.vcpus)
			t.cores = t.threads_per_core > 1 ? t.vcpus / t.threads_per_core : t.vcpus;
		if (gcr_xml_text_buf(gcr_xml_child(it, "memoryInfo"), "sizeInMiB", buf, sizeof buf))
			t.memory_gib = strtod(buf, NULL) / 1024.0;
		gcr_xml_text_buf(net, "networkPerformance", t.network, sizeof t.network);
		if (gcr_xml_text_buf(net, "efaSupported", buf, sizeof buf))
			t.efa_supported = strcmp(buf, "true") == 0;
		gcr_xml_text_buf(arch, "item", t.architecture, sizeof t.architecture);
		*items = grow(*items, *n + 1, sizeof **items);
		(*items)[(*n)++] = t;
	}
	*next_token = next_token_of(root);
	return GCR_OK;
}

struct types_ctx {
	struct gcr_aws *aws;
	char **names;
	size_t n_names;
	size_t chunk_start;          /* first name of the chunk being paged */
	size_t next_name;            /* first name of the next chunk */
	char *region;
	struct gcr_ec2_instance_type *items;
	size_t n;
	gcr_ec2_types_cb cb;
	void *data;
};

static void types_call(struct types_ctx *c, const char *token);

static void types_done(struct types_ctx *c, enum gcr_status st, const struct gcr_error *err)
{
	c->cb(st, err, st == GCR_OK ? c->items : NULL, st == GCR_OK ? c->n : 0, c->data);
	for (size_t i = 0; i < c->n_names; i++)
		free(c->names[i]);
	free(c->names);
	free(c->region);
	free(c->items);
	free(c);
}

static void on_types(enum gcr_status st, const struct gcr_error *err,
		     const struct gcr_aws_error_info *info, xmlDocPtr doc, void *data)
{
	struct types_ctx *c = data;
	struct gcr_error perr;
	char *token = NULL;

	(void)info;
	if (st != GCR_OK) {
		types_done(c, st, err);
		return;
	}
	if (gcr_ec2_parse_instance_types_page(doc, &c->items, &c->n, &token, &perr) != GCR_OK) {
		types_done(c, perr.code, &perr);
		return;
	}
	if (token)
		types_call(c, token);
	else if (c->next_name < c->n_names)
		types_call(c, NULL);
	else
		types_done(c, GCR_OK, NULL);
	free(token);
}

/* With a token: the next page of the same names; without: the next chunk. */
static void types_call(struct types_ctx *c, const char *token)
{
	struct gcr_aws_params p;
	struct gcr_aws_call_options opts = { .region = c->region };
	size_t start, end;

	if (!token)
		c->chunk_start = c->next_name;
	start = c->chunk_start;
	end = start + EC2_MAX_TYPES_PER_CALL < c->n_names ? start + EC2_MAX_TYPES_PER_CALL : c->n_names;
	c->next_name = end;
	gcr_aws_params_init(&p);
	for (size_t i = start; i < end; i++) {
		char name[48];
		snprintf(name, sizeof name, "InstanceType.%zu", i - start + 1);
		gcr_aws_params_add(&p, name, c->names[i]);
	}
	if (token)
		gcr_aws_params_add(&p, "NextToken", token);
	gcr_aws_query_call(c->aws, "ec2", "DescribeInstanceTypes", &p, &opts, on_types, c);
	gcr_aws_params_clear(&p);
}

void gcr_ec2_describe_instance_types(struct gcr_aws *aws,
				     const char *const *names, size_t n,
				     const char *region,
				     gcr_ec2_types_cb cb, void *data)
{
	struct types_ctx *c = calloc(1, sizeof *c);

	if (!c)
		abort();
	c->aws = aws;
	c->cb = cb;
	c->data = data;
	c->region = region ? strdup(region) : NULL;
	c->names = calloc(n ? n : 1, sizeof *c->names);
	if (!c->names)
		abort();
	for (size_t i = 0; i < n; i++)
		if (!(c->names[i] = strdup(names[i])))
			abort();
	c->n_names = n;
	types_call(c, NULL);
}
