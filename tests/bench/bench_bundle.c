/* bench_bundle.c: how long building a run bundle takes (Classic and GCHP),
 * and how big it is.  Prints figures; never fails on a time. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bundle/bundle.h"
#include "spec.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void run(const char *label, const struct gcr_spec *s, const struct gcr_bundle_options *o)
{
	const int rounds = 200;
	struct gcr_error err;
	struct gcr_bundle *b = NULL;
	size_t bytes = 0;
	double t0 = now(), dt;

	for (int i = 0; i < rounds; i++) {
		if (gcr_bundle_build(s, o, &b, &err) != GCR_OK) {
			fprintf(stderr, "%s: %s\n", label, err.message);
			exit(1);
		}
		if (i == rounds - 1)
			for (size_t f = 0; f < b->nfiles; f++)
				bytes += b->files[f].len;
		gcr_bundle_free(b);
	}
	dt = now() - t0;
	printf("bundle %-28s %6.2f ms per bundle, %zu bytes\n", label, dt / rounds * 1000.0, bytes);
}

int main(void)
{
	struct gcr_spec c, g;
	struct gcr_bundle_options o;

	memset(&o, 0, sizeof o);
	gcr_spec_init(&c);
	c.model = GCR_MODEL_CLASSIC;
	c.target = GCR_TARGET_BATCH;
	strcpy(c.simulation, "fullchem");
	strcpy(c.met, "merra2");
	strcpy(c.grid, "4x5");
	run("classic fullchem 4x5", &c, &o);

	gcr_spec_init(&g);
	g.model = GCR_MODEL_GCHP;
	g.target = GCR_TARGET_PCLUSTER;
	strcpy(g.simulation, "fullchem");
	strcpy(g.met, "merra2");
	strcpy(g.grid, "C180");
	strcpy(g.instance_type, "c5n.18xlarge");
	g.nodes = 8;
	g.spot = true;
	o.physical_cores = 36;
	o.efa = true;
	run("gchp C180 8 x c5n.18xlarge", &g, &o);
	return 0;
}
