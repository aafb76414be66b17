/* pricing.h: the AWS Price List Query API (json 1.1, signing name "pricing").
 *
 * GetProducts answers a PriceList of JSON *strings*; gcr_pricing_get_products
 * parses each into an object.  The endpoint exists only in us-east-1,
 * eu-central-1 and ap-south-1 (endpoint.c picks one); the region a price is
 * for is the regionCode filter, not the endpoint. */
#ifndef GCR_AWS_PRICING_H
#define GCR_AWS_PRICING_H

#include "aws/client.h"

/* products: an array of parsed product objects, borrowed for the callback. */
typedef void (*gcr_pricing_products_cb)(enum gcr_status st, const struct gcr_error *err,
					json_t *products, void *data);

/* filters: a JSON array of {"Type":"TERM_MATCH","Field":..,"Value":..}
 * (borrowed).  Follows NextToken (up to max_pages; 0 means 20). */
void gcr_pricing_get_products(struct gcr_aws *aws, const char *service_code,
			      json_t *filters, int max_pages,
			      gcr_pricing_products_cb cb, void *data);

/* The filters for one Linux, shared-tenancy, on-demand instance price
 * (aws.md "Prices").  New reference (caller decrefs). */
json_t *gcr_pricing_linux_filters(const char *instance_type, const char *region_code);

/* The on-demand USD price per hour in a product object:
 * terms.OnDemand.*.priceDimensions.*.pricePerUnit.USD.  Returns 1 and sets
 * *usd when found (the first non-zero dimension), else 0. */
int gcr_pricing_on_demand_usd(json_t *product, double *usd);

/* The product's attributes.instanceType, or NULL.  Borrowed. */
const char *gcr_pricing_instance_type(json_t *product);

#endif
