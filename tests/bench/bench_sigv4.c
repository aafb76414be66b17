/* bench_sigv4.c: SigV4 signatures per second on one core (target >= 50,000).
 *
 * Signs a typical Batch DescribeJobs call (JSON body, five headers, session
 * token) in a loop for about a second each way:
 *   warm   - the signing key cached, as for a stream of calls on one day;
 *   cold   - a new secret every time, so the four key-deriving HMACs run too;
 *   s3     - an S3 PUT with a precomputed payload hash and a query.
 * Prints figures; never fails on a time. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/credentials.h"
#include "aws/sigv4.h"

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char body[] =
	"{\"jobs\":[\"8c6d6c4f-1e0b-4a35-9d38-4c1c4f0a5b1e\",\"0f9f6b1a-2b3c-4d5e-8f90-a1b2c3d4e5f6\"]}";

static int run(const char *label, int mode)
{
	struct gcr_aws_credentials creds = { 0 };
	struct gcr_sigv4_header h[] = {
		{ "Host", "batch.us-east-1.amazonaws.com" },
		{ "Content-Type", "application/json" },
		{ "User-Agent", "gcrunner/0.1.0" },
		{ "X-Amz-Target", "" },
		{ "x-amz-meta-run", "geos-chem 14.4  c48  transport tracers" },
	};
	struct gcr_sigv4_request req = {
		.method = "POST", .path = "/v1/describejobs", .headers = h, .header_count = 5,
		.payload = body, .payload_len = sizeof body - 1,
		.region = "us-east-1", .service = "batch", .when = 1767225600,
	};
	struct gcr_sigv4_result res;
	struct gcr_error err;
	char secret[64];
	long n = 0;
	double start, cpu_start, wall, cpu;

	if (mode == 2) {
		h[0].value = "examplebucket.s3.us-east-1.amazonaws.com";
		req.method = "PUT";
		req.path = "/runs/2026-01-01/OutputDir/GEOSChem.SpeciesConc.20190701_0000z.nc4";
		req.query = "partNumber=7&uploadId=VXBsb2FkIElEIGZvciA2aWWpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA";
		req.payload_hash = "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072";
		req.service = "s3";
		req.flags = GCR_SIGV4_S3;
	}
	if (gcr_aws_credentials_set(&creds, "ASIAEXAMPLEEXAMPLE12",
				    "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
				    "IQoJb3JpZ2luX2VjEXAMPLEsessiontokenvalue/////////////wEaCXVzLWVhc3QtMSJHMEUCIQ",
				    0, GCR_AWS_SOURCE_STATIC, NULL, &err) != GCR_OK)
		return 1;
	start = now_seconds();
	cpu_start = cpu_seconds();
	do {
		int i;
		for (i = 0; i < 1000; i++, n++) {
			if (mode == 1) {
				/* A different secret each time defeats the key cache. */
				snprintf(secret, sizeof secret, "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEX%08ld", n);
				free(creds.secret_access_key);
				creds.secret_access_key = strdup(secret);
			}
			if (gcr_sigv4_sign(&req, &creds, &res, &err) != GCR_OK) {
				fprintf(stderr, "sign failed: %s\n", err.message);
				return 1;
			}
		}
	} while (now_seconds() - start < 1.0);
	wall = now_seconds() - start;
	cpu = cpu_seconds() - cpu_start;
	printf("sigv4 %-5s %9.0f signatures/s (one core; %.1f us each; %ld in %.2f s cpu)\n",
	       label, (double)n / cpu, 1e6 * cpu / (double)n, n, cpu);
	(void)wall;
	gcr_aws_credentials_clear(&creds);
	return 0;
}

int main(void)
{
	int rc = 0;

	rc |= run("warm", 0);
	rc |= run("cold", 1);
	rc |= run("s3", 2);
	printf("target: >= 50000 signatures/s on one core\n");
	return rc;
}
