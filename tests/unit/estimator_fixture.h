/* estimator_fixture.h: the private HOME the catalog and estimator tests
 * run in, so no user measurements or price cache leak into them. */
#ifndef GCR_TEST_ESTIMATOR_FIXTURE_H
#define GCR_TEST_ESTIMATOR_FIXTURE_H

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "paths.h"

/* Makes dir (a buffer of at least 64 bytes) a fresh temporary HOME with
 * XDG state and cache under it, and loads the source tree's catalog. */
static inline struct gcr_catalog *fixture_open(char *dir, const char *name)
{
	struct gcr_catalog *cat = NULL;
	struct gcr_error err;
	char *p;

	snprintf(dir, 64, "/tmp/gcr-%s.XXXXXX", name);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	setenv("HOME", dir, 1);
	p = gcr_strdup_printf("%s/state", dir);
	setenv("XDG_STATE_HOME", p, 1);
	free(p);
	p = gcr_strdup_printf("%s/cache", dir);
	setenv("XDG_CACHE_HOME", p, 1);
	free(p);
	ck_assert_msg(gcr_catalog_load(GCR_SOURCE_DATADIR, &cat, &err) == GCR_OK, "%s", err.message);
	return cat;
}

static inline void fixture_close(const char *dir, struct gcr_catalog *cat)
{
	char *cmd = gcr_strdup_printf("rm -rf '%s'", dir);
	gcr_catalog_free(cat);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
}

#endif
