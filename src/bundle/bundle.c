/* bundle.c: assembling a run bundle and writing it to a folder. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle/bundle.h"
#include "bundle/bundle_internal.h"
#include "bundle/gchp.h"
#include "bundle/pcluster.h"
#include "catalog.h"
#include "estimate.h"
#include "i18n.h"
#include "paths.h"

void gcr_bundle_append(char **s, const char *fmt, ...)
{
	va_list ap;
	char *piece;
	size_t have = *s ? strlen(*s) : 0, add;
	char *grown;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&piece, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	add = (size_t)n;
	grown = realloc(*s, have + add + 1);
	if (!grown)
		abort();
	memcpy(grown + have, piece, add + 1);
	free(piece);
	*s = grown;
}

void gcr_bundle_free(struct gcr_bundle *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->nfiles; i++) {
		free(b->files[i].path);
		free(b->files[i].content);
	}
	free(b->files);
	free(b);
}

const struct gcr_bundle_file *gcr_bundle_find(const struct gcr_bundle *b, const char *path)
{
	for (size_t i = 0; b && i < b->nfiles; i++)
		if (strcmp(b->files[i].path, path) == 0)
			return &b->files[i];
	return NULL;
}

void gcr_bundle_add_owned(struct gcr_bundle *b, const char *path, char *content,
			  mode_t mode, const char *what)
{
	struct gcr_bundle_file *f = (struct gcr_bundle_file *)gcr_bundle_find(b, path);

	if (!f) {
		if (b->nfiles == b->cap) {
			size_t cap = b->cap ? b->cap * 2 : 16;
			struct gcr_bundle_file *grown = realloc(b->files, cap * sizeof *grown);
			if (!grown)
				abort();
			b->files = grown;
			b->cap = cap;
		}
		f = &b->files[b->nfiles++];
		f->path = strdup(path);
		if (!f->path)
			abort();
	} else {
		free(f->content);
	}
	f->content = content;
	f->len = strlen(content);
	f->mode = mode;
	f->what = what;
}

void gcr_bundle_add(struct gcr_bundle *b, const char *path, const char *content,
		    size_t len, mode_t mode, const char *what)
{
	char *copy = malloc(len + 1);

	if (!copy)
		abort();
	memcpy(copy, content, len);
	copy[len] = '\0';
	gcr_bundle_add_owned(b, path, copy, mode, what);
	/* Content may hold NULs in principle; keep the given length. */
	((struct gcr_bundle_file *)gcr_bundle_find(b, path))->len = len;
}

static char *manifest(const struct gcr_bundle *b, const struct gcr_rundir *r,
		      const struct gcr_pcluster_config *pc, const struct gcr_gchp_settings *g)
{
	const struct gcr_spec *s = r->spec;
	char *m = NULL;

	gcr_bundle_append(&m, _("MANIFEST: a GEOS-Chem run bundle made by gcrunner\n"
				"\n"
				"Run: %s %s%s%s, %s meteorology, grid %s%s%s, %d levels,\n"
				"from %08d to %08d (end exclusive), output %s.\n"
				"The files follow the GEOS-Chem %s run-directory templates.\n"
				"\n"
				"Files:\n"),
			  s->model == GCR_MODEL_GCHP ? "GCHP" : "GEOS-Chem Classic",
			  r->sim, strcmp(r->option, "none") ? " / " : "",
			  strcmp(r->option, "none") ? r->option : "", r->met_field, s->grid,
			  r->nested ? " " : "", r->nested ? s->domain : "", r->levels,
			  r->start_date, r->end_date, r->frequency, gcr_rundir_template_version(r));
	for (size_t i = 0; i < b->nfiles; i++)
		gcr_bundle_append(&m, "  %-30s %s\n", b->files[i].path, _(b->files[i].what));
	gcr_bundle_append(&m, "  %-30s %s\n", "MANIFEST", _("this list"));

	gcr_bundle_append(&m, "%s", _("\nUsing it by hand:\n"));
	if (s->model == GCR_MODEL_GCHP) {
		if (pc)
			gcr_bundle_append(&m,
				_("  1. Create the cluster (ParallelCluster 3 CLI):\n"
				  "       pcluster create-cluster -n gcrunner-cluster -c cluster-config.yaml\n"
				  "     It has %d x %s compute nodes (%s, EFA %s), FSx for Lustre\n"
				  "     (%d GiB) at %s importing %s, which becomes GC_DATA_ROOT.\n"
				  "  2. Copy this folder to the head node and install GCHP there.\n"),
				pc->max_count, pc->instance_type, pc->spot ? "spot" : "on-demand",
				pc->efa ? _("on") : _("off"), pc->fsx_capacity_gib, pc->fsx_mount_dir,
				pc->fsx_import_path);
		gcr_bundle_append(&m,
			_("  %s. Set GC_RUN_SCRIPTS to GCHP's run/ folder (with createRunDir.sh) and\n"
			  "     GCHP_EXE to the gchp executable, then from this folder:\n"
			  "       sbatch gcrunner.sbatch\n"
			  "     It creates ./rundir with createRunDir.sh, applies the values of\n"
			  "     setCommonRunSettings.values (%d cores: %d nodes x %d, NX=%d NY=%d,\n"
			  "     C%d), geoschem_config.yml and HEMCO_Config.settings, and runs GCHP.\n"),
			pc ? "3" : "1", g->total_cores, g->num_nodes, g->cores_per_node, g->nx, g->ny,
			g->cs_res);
		if (pc && pc->placeholders)
			gcr_bundle_append(&m, "%s",
				_("\nNOTE: no subnet or key pair was given, so cluster-config.yaml holds\n"
				  "example values (subnet-0123456789abcdef0, my-key-pair).  Edit\n"
				  "HeadNode.Networking.SubnetId, the queue's SubnetIds and\n"
				  "HeadNode.Ssh.KeyName before creating the cluster.\n"));
	} else {
		gcr_bundle_append(&m, "%s",
			_("  On AWS Batch, the container's entry point fetches this folder and\n"
			  "  runs gcrunner-run.sh.  On any machine with GEOS-Chem Classic:\n"
			  "       GC_RUN_SCRIPTS=/path/to/GCClassic/run GC_EXE=/path/to/gcclassic \\\n"
			  "       GCRUNNER_SCRATCH=/path/to/workdir ./gcrunner-run.sh .\n"
			  "  It writes ~/.geoschem/config from geoschem-config (so nothing\n"
			  "  prompts), creates the run directory with createRunDir.sh, lays\n"
			  "  geoschem_config.yml, HISTORY.rc and HEMCO_Config.settings over it,\n"
			  "  fetches the input data (dry run + download_data.py) and runs.\n"));
		if (gcr_bundle_find(b, "gcrunner.sbatch"))
			gcr_bundle_append(&m, "%s",
				_("  On a Slurm cluster: sbatch gcrunner.sbatch (from this folder).\n"));
	}
	gcr_bundle_append(&m, _("\nInput data root (GC_DATA_ROOT): %s\n"), r->data_root);
	return m;
}

void gcr_bundle_options_from_catalog(struct gcr_bundle_options *opts,
				     const struct gcr_spec *spec,
				     const struct gcr_catalog *cat)
{
	const struct gcr_instance_type *it;
	struct gcr_estimate_result est;
	struct gcr_error err;

	if (!cat || !*spec->instance_type)
		return;
	it = gcr_catalog_find_instance(cat, spec->instance_type);
	if (!it)
		return;
	opts->physical_cores = it->cores;
	opts->vcpus = it->vcpus;
	opts->efa = it->efa;
	opts->arch = gcr_arch_id(it->arch);
	/* The input volume sizes FSx; without an estimate it stays 1200 GiB. */
	gcr_estimate_result_init(&est);
	if (gcr_estimate(cat, spec, NULL, &est, &err) == GCR_OK)
		opts->input_volume_gb = est.input_data_gib * 1.073741824;
	gcr_estimate_result_free(&est);
}

enum gcr_status gcr_bundle_build(const struct gcr_spec *spec,
				 const struct gcr_bundle_options *opts,
				 struct gcr_bundle **out, struct gcr_error *err)
{
	static const struct gcr_bundle_options defaults;
	struct gcr_bundle *b;
	struct gcr_rundir r;
	struct gcr_gchp_settings g;
	struct gcr_pcluster_config pc;
	bool have_cluster = false;
	enum gcr_status st;
	char *text;

	*out = NULL;
	if (!opts)
		opts = &defaults;
	st = gcr_rundir_resolve(&r, spec, opts, err);
	if (st != GCR_OK)
		return st;
	b = calloc(1, sizeof *b);
	if (!b)
		abort();

	text = gcr_spec_to_yaml(spec, NULL, err);
	if (!text)
		goto fail;
	gcr_bundle_add_owned(b, "spec.yaml", text, 0644,
			     N_("the run's choices; `gcrunner export --spec spec.yaml DIR` remakes this bundle"));

	text = gcr_bundle_geoschem_config(&r, err);
	if (!text)
		goto fail;
	gcr_bundle_add_owned(b, "geoschem_config.yml", text, 0644,
			     N_("GEOS-Chem's run-time configuration (simulation, grid, timesteps, operations)"));

	if (!r.gchp) {
		text = gcr_bundle_history_rc(&r, err);
		if (!text)
			goto fail;
		gcr_bundle_add_owned(b, "HISTORY.rc", text, 0644,
				     N_("diagnostic collections and their output frequency"));
	}

	text = gcr_bundle_hemco_settings(&r, err);
	if (!text)
		goto fail;
	gcr_bundle_add_owned(b, "HEMCO_Config.settings", text, 0644,
			     N_("the HEMCO_Config.rc settings and switches these choices set"));

	gcr_bundle_add_owned(b, "geoschem-config", gcr_bundle_gcconfig(&r), 0644,
			     N_("~/.geoschem/config: data root and registration, so nothing prompts"));

	if (!r.gchp) {
		gcr_bundle_add_owned(b, "gcrunner-run.sh", gcr_bundle_run_script(&r), 0755,
				     N_("the run script (what the Batch container runs; works by hand)"));
		if (spec->target == GCR_TARGET_SLURM || spec->target == GCR_TARGET_PCLUSTER)
			gcr_bundle_add_owned(b, "gcrunner.sbatch", gcr_bundle_sbatch(&r, NULL), 0755,
					     N_("Slurm batch script (one node, OpenMP)"));
	} else {
		st = gcr_gchp_settings_from_spec(spec, opts->physical_cores, &g, err);
		if (st != GCR_OK)
			goto fail;
		gcr_bundle_add_owned(b, "setCommonRunSettings.values", gcr_gchp_settings_values(&g),
				     0644, N_("GCHP's setCommonRunSettings.sh values: cores, nodes, "
					      "CS_RES, NX x NY, run length, diagnostics, checkpoints"));
		gcr_bundle_add_owned(b, "gcrunner.sbatch", gcr_bundle_sbatch(&r, &g), 0755,
				     N_("Slurm batch script for GCHP with the EFA/OpenMPI environment"));
		if (spec->target != GCR_TARGET_SLURM) {
			size_t len;
			st = gcr_pcluster_config_from_spec(spec, opts, &pc, err);
			if (st != GCR_OK)
				goto fail;
			text = gcr_pcluster_yaml(&pc, &len, err);
			if (!text)
				goto fail;
			/* Never hand out a configuration our own checks reject. */
			st = gcr_pcluster_validate(text, len, err);
			if (st != GCR_OK) {
				free(text);
				goto fail;
			}
			gcr_bundle_add_owned(b, "cluster-config.yaml", text, 0644,
					     N_("AWS ParallelCluster 3 cluster configuration"));
			have_cluster = true;
		}
	}
	gcr_bundle_add_owned(b, "MANIFEST", manifest(b, &r, have_cluster ? &pc : NULL,
						     r.gchp ? &g : NULL),
			     0644, N_("this list"));
	*out = b;
	return GCR_OK;
fail:
	gcr_bundle_free(b);
	return err ? err->code : GCR_ERR_INTERNAL;
}

/* ---- writing to a folder ---- */

static bool safe_relative(const char *p)
{
	if (!*p || p[0] == '/' || strstr(p, "..") || strchr(p, '/'))
		return false;
	return true;
}

static enum gcr_status write_one(const char *dir, const struct gcr_bundle_file *f,
				 struct gcr_error *err)
{
	char *path = gcr_strdup_printf("%s/%s", dir, f->path);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	size_t done = 0;
	enum gcr_status st = GCR_OK;

	if (fd < 0) {
		st = gcr_error_set(err, GCR_ERR_IO, _("cannot create %s: %s"), path, strerror(errno));
		free(path);
		return st;
	}
	while (done < f->len) {
		ssize_t n = write(fd, f->content + done, f->len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			st = gcr_error_set(err, GCR_ERR_IO, _("cannot write %s: %s"), path,
					   strerror(errno));
			break;
		}
		done += (size_t)n;
	}
	if (st == GCR_OK && (fchmod(fd, f->mode) != 0 || fsync(fd) != 0))
		st = gcr_error_set(err, GCR_ERR_IO, _("cannot write %s: %s"), path, strerror(errno));
	if (close(fd) != 0 && st == GCR_OK)
		st = gcr_error_set(err, GCR_ERR_IO, _("cannot write %s: %s"), path, strerror(errno));
	free(path);
	return st;
}

/* Removes the files of b from dir, then dir (only what we wrote). */
static void remove_tmp(const struct gcr_bundle *b, const char *dir)
{
	for (size_t i = 0; i < b->nfiles; i++) {
		char *p = gcr_strdup_printf("%s/%s", dir, b->files[i].path);
		unlink(p);
		free(p);
	}
	rmdir(dir);
}

static void sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/* 1 empty, 0 has entries, -1 does not exist (errno set otherwise). */
static int dir_state(const char *dir, struct gcr_error *err, enum gcr_status *st)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int empty = 1;

	*st = GCR_OK;
	if (!d) {
		if (errno == ENOENT)
			return -1;
		*st = gcr_error_set(err, errno == ENOTDIR ? GCR_ERR_INVALID : GCR_ERR_IO,
				    _("cannot use %s as the bundle folder: %s"), dir, strerror(errno));
		return 0;
	}
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			empty = 0;
	closedir(d);
	return empty;
}

enum gcr_status gcr_bundle_write_dir(const struct gcr_bundle *b, const char *dir,
				     bool force, struct gcr_error *err)
{
	char *trimmed = strdup(dir), *tmp, *slash;
	enum gcr_status st;
	int state;

	if (!trimmed)
		abort();
	/* "out/" and "out" are the same folder. */
	for (size_t n = strlen(trimmed); n > 1 && trimmed[n - 1] == '/'; n--)
		trimmed[n - 1] = '\0';
	for (size_t i = 0; i < b->nfiles; i++) {
		if (!safe_relative(b->files[i].path)) {
			st = gcr_error_set(err, GCR_ERR_INTERNAL, _("bad file name in bundle: %s"),
					   b->files[i].path);
			free(trimmed);
			return st;
		}
	}
	state = dir_state(trimmed, err, &st);
	if (st != GCR_OK) {
		free(trimmed);
		return st;
	}
	if (state == 0 && !force) {
		st = gcr_error_set(err, GCR_ERR_INVALID,
				   _("%s is not empty; choose an empty or new folder, or use --force "
				     "to replace the bundle's files in it"), trimmed);
		free(trimmed);
		return st;
	}
	/* A sibling temporary folder, so the final rename stays on one file system. */
	slash = strrchr(trimmed, '/');
	if (slash && slash != trimmed)
		tmp = gcr_strdup_printf("%.*s/.%s.tmp-XXXXXX", (int)(slash - trimmed), trimmed,
					slash + 1);
	else if (slash)
		tmp = gcr_strdup_printf("/.%s.tmp-XXXXXX", slash + 1);
	else
		tmp = gcr_strdup_printf(".%s.tmp-XXXXXX", trimmed);
	if (!mkdtemp(tmp)) {
		st = gcr_error_set(err, GCR_ERR_IO, _("cannot create a folder next to %s: %s"),
				   trimmed, strerror(errno));
		goto out;
	}
	for (size_t i = 0; i < b->nfiles; i++) {
		st = write_one(tmp, &b->files[i], err);
		if (st != GCR_OK) {
			remove_tmp(b, tmp);
			goto out;
		}
	}
	sync_dir(tmp);
	if (state == -1 || state == 1) {
		/* rename(2) replaces an empty directory; the bundle appears whole. */
		if (chmod(tmp, 0755) != 0 || rename(tmp, trimmed) != 0) {
			st = gcr_error_set(err, GCR_ERR_IO, _("cannot create %s: %s"), trimmed,
					   strerror(errno));
			remove_tmp(b, tmp);
			goto out;
		}
	} else {
		/* --force into a folder with other files: each file is replaced
		 * atomically; files that are not the bundle's stay. */
		for (size_t i = 0; i < b->nfiles; i++) {
			char *from = gcr_strdup_printf("%s/%s", tmp, b->files[i].path);
			char *to = gcr_strdup_printf("%s/%s", trimmed, b->files[i].path);
			int rc = rename(from, to);
			if (rc != 0)
				st = gcr_error_set(err, GCR_ERR_IO, _("cannot replace %s: %s"), to,
						   strerror(errno));
			free(from);
			free(to);
			if (rc != 0) {
				remove_tmp(b, tmp);
				goto out;
			}
		}
		rmdir(tmp);
	}
	slash = strrchr(trimmed, '/');
	if (slash && slash != trimmed) {
		*slash = '\0';
		sync_dir(trimmed);
	} else {
		sync_dir(slash ? "/" : ".");
	}
	st = GCR_OK;
out:
	free(tmp);
	free(trimmed);
	return st;
}
