/* endpoint.c: endpoint URL, signing name and region per service (see
 * endpoint.h for the order of precedence). */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/awsconfig.h"
#include "aws/endpoint.h"
#include "i18n.h"
#include "paths.h"

static const struct gcr_aws_service_info services[] = {
	{ "batch", "Batch", "batch", "batch" },
	{ "logs", "CloudWatch Logs", "logs", "logs" },
	{ "pricing", "Pricing", "api.pricing", "pricing" },
	{ "ec2", "EC2", "ec2", "ec2" },
	{ "sts", "STS", "sts", "sts" },
	{ "iam", "IAM", "iam", "iam" },
	{ "service-quotas", "Service Quotas", "servicequotas", "servicequotas" },
	{ "ssm", "SSM", "ssm", "ssm" },
	{ "s3", "S3", "s3", "s3" },
	{ "dynamodb", "DynamoDB", "dynamodb", "dynamodb" },
	{ "sso", "SSO", "portal.sso", "awsssoportal" },
	{ "sso-oidc", "SSO OIDC", "oidc", "sso-oauth" },
	/* API Gateway APIs (the ParallelCluster API) have no standard host:
	 * their URL always comes from configuration. */
	{ "execute-api", "execute-api", NULL, "execute-api" },
};

const struct gcr_aws_service_info *gcr_aws_service_lookup(const char *name)
{
	size_t i;

	if (!name)
		return NULL;
	for (i = 0; i < sizeof services / sizeof services[0]; i++)
		if (strcmp(services[i].name, name) == 0)
			return &services[i];
	return NULL;
}

/* "CloudWatch Logs" -> "CLOUDWATCH_LOGS" (upper) or "cloudwatch_logs". */
static char *service_key(const char *service_id, int upper)
{
	char *k = strdup(service_id), *p;

	if (!k)
		abort();
	for (p = k; *p; p++) {
		if (*p == ' ' || *p == '-')
			*p = '_';
		else
			*p = (char)(upper ? toupper((unsigned char)*p) : tolower((unsigned char)*p));
	}
	return k;
}

static int is_true(const char *v)
{
	return v && strcasecmp(v, "true") == 0;
}

/* Checks a configured URL and returns a copy without trailing '/'. */
static enum gcr_status clean_url(const char *url, const char *origin, char **out,
				 struct gcr_error *err)
{
	const char *host;
	size_t n;

	if (strncasecmp(url, "http://", 7) == 0)
		host = url + 7;
	else if (strncasecmp(url, "https://", 8) == 0)
		host = url + 8;
	else
		return gcr_error_set(err, GCR_ERR_INVALID,
				     _("endpoint URL from %s must start with http:// or https://: %s"),
				     origin, url);
	if (!*host || *host == '/' || strpbrk(url, " \t\r\n"))
		return gcr_error_set(err, GCR_ERR_INVALID,
				     _("endpoint URL from %s has no valid host: %s"), origin, url);
	n = strlen(url);
	while (n > 0 && url[n - 1] == '/')
		n--;
	*out = strndup(url, n);
	if (!*out)
		return gcr_error_set(err, GCR_ERR_NOMEM, _("out of memory"));
	return GCR_OK;
}

/* Pricing answers only in three regions; pick the nearest. */
static const char *pricing_region(const char *region)
{
	if (!region)
		return "us-east-1";
	if (strncmp(region, "cn-", 3) == 0)
		return "cn-northwest-1";
	if (strncmp(region, "eu-", 3) == 0 || strncmp(region, "me-", 3) == 0 ||
	    strncmp(region, "af-", 3) == 0 || strncmp(region, "il-", 3) == 0)
		return "eu-central-1";
	if (strncmp(region, "ap-", 3) == 0)
		return "ap-south-1";
	return "us-east-1";
}

/* A configured URL: (url, origin description) or (NULL, NULL). */
static void configured_url(const struct gcr_aws_config *cfg, const char *profile,
				      const struct gcr_aws_service_info *si,
				      const char **url, char **origin)
{
	char *upper = service_key(si->service_id, 1);
	char *var = gcr_strdup_printf("AWS_ENDPOINT_URL_%s", upper);
	const char *v = getenv(var);
	const struct gcr_aws_ini_section *prof;

	*url = NULL;
	*origin = NULL;
	free(upper);
	if (v && *v) {
		*url = v;
		*origin = var;
		return;
	}
	free(var);
	v = getenv("AWS_ENDPOINT_URL");
	if (v && *v) {
		*url = v;
		*origin = strdup("AWS_ENDPOINT_URL");
		return;
	}
	if (!cfg)
		return;
	prof = gcr_aws_config_profile(cfg, profile);
	v = gcr_aws_ini_lookup(prof, NULL, "services");
	if (v && *v) {
		const struct gcr_aws_ini_section *svc = gcr_aws_config_services(cfg, v);
		char *lower = service_key(si->service_id, 0);
		const char *u = gcr_aws_ini_lookup(svc, lower, "endpoint_url");
		free(lower);
		if (u && *u) {
			*url = u;
			*origin = gcr_strdup_printf(_("services %s in %s"), v,
						    cfg->config_path ? cfg->config_path : "");
			return;
		}
	}
	v = gcr_aws_ini_lookup(prof, NULL, "endpoint_url");
	if (v && *v) {
		*url = v;
		*origin = gcr_strdup_printf(_("profile %s"), profile);
	}
}

enum gcr_status gcr_aws_endpoint_resolve(const struct gcr_aws_config *cfg,
					 const char *profile, const char *service,
					 const char *region,
					 struct gcr_aws_endpoint *out,
					 struct gcr_error *err)
{
	const struct gcr_aws_service_info *si = gcr_aws_service_lookup(service);
	const char *url = NULL;
	char *origin = NULL;
	const char *sign_region;
	int ignore;
	enum gcr_status st;

	memset(out, 0, sizeof *out);
	if (!si)
		return gcr_error_set(err, GCR_ERR_INVALID, _("unknown AWS service '%s'"),
				     service ? service : "");
	if (!profile)
		profile = gcr_aws_profile_name(NULL);
	if (region && *region && !gcr_aws_region_valid(region))
		return gcr_error_set(err, GCR_ERR_INVALID,
				     _("'%s' is not a region name (like us-east-1)"), region);
	if (region && !*region)
		region = NULL;
	sign_region = strcmp(si->name, "pricing") == 0 ? pricing_region(region) : region;
	out->signing_name = si->signing_name;

	ignore = is_true(getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")) ||
		 is_true(gcr_aws_config_get(cfg, profile, "ignore_configured_endpoint_urls"));
	if (!ignore)
		configured_url(cfg, profile, si, &url, &origin);
	if (url) {
		st = clean_url(url, origin, &out->url, err);
		if (st != GCR_OK) {
			free(origin);
			return st;
		}
		out->origin = origin;
		/* A local server still needs some region in the signature. */
		out->signing_region = strdup(sign_region ? sign_region : "us-east-1");
		return GCR_OK;
	}

	if (!si->endpoint_prefix)
		return gcr_error_set(err, GCR_ERR_INVALID,
				     _("%s has no standard endpoint: set AWS_ENDPOINT_URL_%s or endpoint_url"),
				     si->name, "EXECUTE_API");
	if (!sign_region)
		return gcr_error_set(err, GCR_ERR_INVALID,
				     _("no AWS region: use --region, set AWS_REGION, or add region to profile %s"),
				     profile);
	/* IAM is global: one endpoint, signed for us-east-1 (China has its own). */
	if (strcmp(si->name, "iam") == 0 && strncmp(sign_region, "cn-", 3) != 0 &&
	    strncmp(sign_region, "us-gov-", 7) != 0) {
		out->url = strdup("https://iam.amazonaws.com");
		out->signing_region = strdup("us-east-1");
		out->origin = strdup("default");
		return GCR_OK;
	}
	out->url = gcr_strdup_printf("https://%s.%s.%s", si->endpoint_prefix, sign_region,
				     strncmp(sign_region, "cn-", 3) == 0 ? "amazonaws.com.cn"
									 : "amazonaws.com");
	out->signing_region = strdup(sign_region);
	out->origin = strdup("default");
	return GCR_OK;
}

void gcr_aws_endpoint_clear(struct gcr_aws_endpoint *ep)
{
	if (!ep)
		return;
	free(ep->url);
	free(ep->signing_region);
	free(ep->origin);
	memset(ep, 0, sizeof *ep);
}

char *gcr_aws_ca_bundle(const struct gcr_aws_config *cfg, const char *profile)
{
	const char *v = getenv("AWS_CA_BUNDLE");
	const char *home = getenv("HOME");

	if (!v || !*v)
		v = gcr_aws_config_get(cfg, profile ? profile : gcr_aws_profile_name(NULL),
				       "ca_bundle");
	if (!v || !*v)
		return NULL;
	if (v[0] == '~' && v[1] == '/' && home && *home)
		return gcr_strdup_printf("%s/%s", home, v + 2);
	return strdup(v);
}
