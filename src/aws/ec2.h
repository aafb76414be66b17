/* ec2.h: the two EC2 calls gcrunner makes (query protocol, XML answers).
 *
 * Paged calls return nothing: they run to the end (or the first error) and
 * call back once; freeing the client cancels them.
 *
 * DescribeSpotPriceHistory gives the spot price per zone and instance type
 * (gcrunner asks from "now", so the first item per zone is the price in
 * effect); DescribeInstanceTypes gives vCPUs, cores, memory, network and EFA
 * support.  Both follow nextToken until the end and answer one list. */
#ifndef GCR_AWS_EC2_H
#define GCR_AWS_EC2_H

#include <time.h>

#include "aws/client.h"

struct gcr_ec2_spot_price {
	char instance_type[48];
	char zone[48];
	char product[64];
	double price;          /* USD per hour */
	time_t timestamp;
};

struct gcr_ec2_spot_query {
	const char *const *instance_types;  /* n_types names (may be 0: all) */
	size_t n_types;
	const char *product;                /* NULL: "Linux/UNIX" */
	time_t start_time;                  /* 0: now (the price in effect) */
	const char *region;                 /* NULL: the client's */
	int max_pages;                      /* 0: 50 */
};

/* items is borrowed for the callback (NULL, 0 on failure). */
typedef void (*gcr_ec2_spot_cb)(enum gcr_status st, const struct gcr_error *err,
				const struct gcr_ec2_spot_price *items, size_t n, void *data);

/* Follows nextToken (up to max_pages); cb runs once with every item. */
void gcr_ec2_describe_spot_price_history(struct gcr_aws *aws,
					 const struct gcr_ec2_spot_query *q,
					 gcr_ec2_spot_cb cb, void *data);

/* Keeps, for each (instance type, zone), only the item with the newest
 * timestamp; returns the new count (items are compacted in place, sorted by
 * type then zone). */
size_t gcr_ec2_spot_latest_per_zone(struct gcr_ec2_spot_price *items, size_t n);

/* Parses one DescribeSpotPriceHistory answer page; appends to *items
 * (realloc'd; caller frees) and returns the nextToken (caller frees; NULL
 * or "" at the end).  For tests and the paging code. */
enum gcr_status gcr_ec2_parse_spot_page(xmlDocPtr doc, struct gcr_ec2_spot_price **items,
					size_t *n, char **next_token, struct gcr_error *err);

struct gcr_ec2_instance_type {
	char name[48];
	int vcpus;
	int cores;
	int threads_per_core;
	double memory_gib;
	char network[64];      /* "Up to 12.5 Gigabit", "200 Gigabit" */
	int efa_supported;
	char architecture[16]; /* "x86_64", "arm64" (the first listed) */
};

typedef void (*gcr_ec2_types_cb)(enum gcr_status st, const struct gcr_error *err,
				 const struct gcr_ec2_instance_type *items, size_t n,
				 void *data);

/* Asks for the named types (at most 100 per call; more are split).  region
 * NULL: the client's. */
void gcr_ec2_describe_instance_types(struct gcr_aws *aws,
				     const char *const *names, size_t n,
				     const char *region,
				     gcr_ec2_types_cb cb, void *data);

enum gcr_status gcr_ec2_parse_instance_types_page(xmlDocPtr doc,
						  struct gcr_ec2_instance_type **items,
						  size_t *n, char **next_token,
						  struct gcr_error *err);

#endif
