/* endpoint.h: which URL, signing name and signing region a service call uses.
 *
 * Precedence, as in the SDKs and the AWS CLI v2 (2023 onwards):
 *   1. AWS_ENDPOINT_URL_<SERVICE> (service id upper-cased, spaces to '_',
 *      e.g. AWS_ENDPOINT_URL_BATCH, AWS_ENDPOINT_URL_CLOUDWATCH_LOGS);
 *   2. AWS_ENDPOINT_URL;
 *   3. the profile's `services = NAME` section: [services NAME] with a
 *      nested block named after the service id (lower-case, '_'), e.g.
 *      `cloudwatch_logs =` then `  endpoint_url = http://127.0.0.1:4566`;
 *   4. the profile's endpoint_url;
 *   5. the standard https://<prefix>.<region>.amazonaws.com (".com.cn" in
 *      China regions), with the special cases: Pricing only in us-east-1,
 *      eu-central-1 and ap-south-1 (host api.pricing.<region>...; the
 *      nearest is chosen and signed for); the SSO portal
 *      portal.sso.<region>...; SSO OIDC oidc.<region>...; STS regional.
 * AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true (or the profile's
 * ignore_configured_endpoint_urls) skips 1-4.  This is also how the tests
 * point gcrunner at local servers. */
#ifndef GCR_AWS_ENDPOINT_H
#define GCR_AWS_ENDPOINT_H

#include "error.h"

struct gcr_aws_config;

/* What gcrunner knows about a service. */
struct gcr_aws_service_info {
	const char *name;           /* our short name: "batch", "logs", "s3", ... */
	const char *service_id;     /* the model's serviceId: "Batch", "CloudWatch Logs" */
	const char *endpoint_prefix;/* host prefix: "batch", "logs", "api.pricing" */
	const char *signing_name;   /* SigV4 service: "batch", "logs", "pricing" */
};

/* Known names: batch, logs, pricing, ec2, sts, ssm, s3, dynamodb, sso,
 * sso-oidc, execute-api.  NULL for others. */
const struct gcr_aws_service_info *gcr_aws_service_lookup(const char *name);

struct gcr_aws_endpoint {
	char *url;                  /* scheme://host[:port][/base], no trailing '/' */
	char *signing_region;       /* region to sign with */
	const char *signing_name;   /* static */
	/* Where the URL came from, for the debug log: "AWS_ENDPOINT_URL_BATCH",
	 * "AWS_ENDPOINT_URL", "services NAME in FILE", "profile NAME",
	 * "default".  Static or owned by the struct. */
	char *origin;
};

/* Resolves the endpoint of service (a short name above) for profile and
 * region (cfg may be NULL: only the environment).  Fails with
 * GCR_ERR_INVALID for an unknown service, a missing or malformed region
 * (when the default URL is needed) or a configured URL that is not http(s).
 * out is overwritten; free it with gcr_aws_endpoint_clear. */
enum gcr_status gcr_aws_endpoint_resolve(const struct gcr_aws_config *cfg,
					 const char *profile, const char *service,
					 const char *region,
					 struct gcr_aws_endpoint *out,
					 struct gcr_error *err);
void gcr_aws_endpoint_clear(struct gcr_aws_endpoint *ep);

/* The CA bundle for TLS: $AWS_CA_BUNDLE, else the profile's ca_bundle, else
 * NULL (the system's store).  Caller frees. */
char *gcr_aws_ca_bundle(const struct gcr_aws_config *cfg, const char *profile);

#endif
