/* backend_internal.h: what the two files of the cluster backends share. */
#ifndef GCR_SLURM_BACKEND_INTERNAL_H
#define GCR_SLURM_BACKEND_INTERNAL_H

#include <stddef.h>

/* snprintf that truncates quietly: paths and ids are bounded when they
 * come in, so a cut is only a longer-than-PATH_MAX path's. */
void gcr_slurm_fmt(char *dst, size_t size, const char *f, ...)
	__attribute__((format(printf, 3, 4)));

#endif
