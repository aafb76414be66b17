/* runscript.c: the scripts that run a bundle.
 *
 * gcrunner-run.sh is what the AWS Batch container's entry point runs
 * (/app/entrypoint.sh Ref::inputPath Ref::outputPath Ref::configFile fetches
 * the bundle, then calls it), and what a user can run by hand on any machine
 * with GEOS-Chem Classic.  gcrunner.sbatch is the Slurm batch script: for
 * GCHP it carries the EFA/OpenMPI environment of GEOS-Chem's AWS
 * ParallelCluster example (run/GCHP/runScriptSamples/operational_examples/
 * aws_pcluster): the MAPL output server for restarts, shared-memory transfer
 * off for EFA (FI_EFA_ENABLE_SHM_TRANSFER=0, OMPI_MCA_mtl_ofi_provider_exclude
 * =shm) and lo/docker0 excluded from TCP.
 *
 * Both scripts create the run directory with the installed GEOS-Chem's own
 * createRunDir.sh (answers generated from the spec, so restart files, the
 * species database and HEMCO_Config.rc match that version exactly), then lay
 * the bundle's files over it.  On AWS Batch, gcrunner-run.sh puts results
 * under the job's own id (outputPath + $AWS_BATCH_JOB_ID/), where the
 * Simulations record's resultLocation points.  Every value that comes from the user is shell-
 * quoted; the scripts contain no other user text. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle/bundle_internal.h"
#include "bundle/gchp.h"
#include "i18n.h"
#include "paths.h"

/* 'text' with every ' written as '\'' -- safe in any shell context. */
static char *shell_quote(const char *s)
{
	size_t n = 2;
	char *out, *p;

	for (const char *c = s; *c; c++)
		n += *c == '\'' ? 4 : 1;
	out = malloc(n + 1);
	if (!out)
		abort();
	p = out;
	*p++ = '\'';
	for (const char *c = s; *c; c++) {
		if (*c == '\'') {
			memcpy(p, "'\\''", 4);
			p += 4;
		} else {
			*p++ = *c;
		}
	}
	*p++ = '\'';
	*p = '\0';
	return out;
}

/* Slurm job names and #SBATCH values: no quoting there, so keep it to a
 * harmless alphabet. */
static void safe_token(char *dst, size_t size, const char *src)
{
	size_t i = 0;

	for (; src && *src && i + 1 < size; src++)
		dst[i++] = (isalnum((unsigned char)*src) || strchr("._-", *src)) ? *src : '_';
	dst[i] = '\0';
}

/* The shell functions both scripts share.  Fixed text: no user input. */
static const char shared_functions[] =
	"log() { printf '[gcrunner %s] %s\\n' \"$(date -u +%Y-%m-%dT%H:%M:%SZ)\" \"$*\"; }\n"
	"\n"
	"# Copies the values of HEMCO_Config.settings ($1) into HEMCO_Config.rc ($2):\n"
	"# SETTINGS lines by key, '--> NAME :' options by name, extensions by name.\n"
	"# Each keeps the text after the value (species lists, comments).\n"
	"apply_hemco_settings() {\n"
	"    awk '\n"
	"    function trim(s) { sub(/^[ \\t]+/, \"\", s); sub(/[ \\t]+$/, \"\", s); return s }\n"
	"    function keyof(line,   c, k) {\n"
	"        c = index(line, \":\"); if (c == 0) return \"\"\n"
	"        k = substr(line, 1, c - 1)\n"
	"        if (k ~ /^[ \\t]*-->/) { sub(/^[ \\t]*-->/, \"\", k); return \"opt:\" trim(k) }\n"
	"        if (k ~ /^[0-9]+[ \\t]/) { sub(/^[0-9]+[ \\t]+/, \"\", k); return \"ext:\" trim(k) }\n"
	"        if (k ~ /^[A-Za-z]/) return \"set:\" trim(k)\n"
	"        return \"\"\n"
	"    }\n"
	"    # Keeps the columns: the text after the value moves by the length change.\n"
	"    function replace(line, value,   c, head, tail, ws, old, d) {\n"
	"        c = index(line, \":\"); head = substr(line, 1, c); tail = substr(line, c + 1)\n"
	"        match(tail, /^[ \\t]*/); ws = substr(tail, 1, RLENGTH); tail = substr(tail, RLENGTH + 1)\n"
	"        match(tail, /^[^ \\t]*/); old = substr(tail, 1, RLENGTH); tail = substr(tail, RLENGTH + 1)\n"
	"        d = length(value) - length(old)\n"
	"        while (d > 0 && tail ~ /^  /) { tail = substr(tail, 2); d-- }\n"
	"        while (d < 0 && tail != \"\") { tail = \" \" tail; d++ }\n"
	"        return head ws value tail\n"
	"    }\n"
	"    NR == FNR {\n"
	"        if ($0 ~ /^#/ || $0 ~ /^[ \\t]*$/) next\n"
	"        k = keyof($0); if (k == \"\") next\n"
	"        c = index($0, \":\"); want[k] = trim(substr($0, c + 1)); next\n"
	"    }\n"
	"    /END SECTION SETTINGS/ { past_settings = 1 }\n"
	"    /^[ \\t]*#/ { print; next }\n"
	"    {\n"
	"        k = keyof($0)\n"
	"        if (k != \"\" && (k in want) && !(k ~ /^set:/ && past_settings)) {\n"
	"            print replace($0, want[k]); done[k] = 1; next\n"
	"        }\n"
	"        print\n"
	"    }\n"
	"    END { for (k in want) if (!(k in done))\n"
	"              print \"gcrunner: HEMCO setting \" substr(k, 5) \" not in this HEMCO_Config.rc, left as is\" > \"/dev/stderr\" }\n"
	"    ' \"$1\" \"$2\" > \"$2.gcrunner\" && mv \"$2.gcrunner\" \"$2\"\n"
	"}\n"
	"\n"
	"# Copies stdin to stdout with the bundle's data root replaced by\n"
	"# $GC_DATA_ROOT (the same on Batch; a cluster may keep its data elsewhere).\n"
	"with_data_root() {\n"
	"    awk -v from=\"$BUNDLE_DATA_ROOT\" -v to=\"$GC_DATA_ROOT\" '\n"
	"    from != to && from != \"\" {\n"
	"        out = \"\"; line = $0\n"
	"        while ((i = index(line, from)) > 0) {\n"
	"            out = out substr(line, 1, i - 1) to; line = substr(line, i + length(from))\n"
	"        }\n"
	"        $0 = out line\n"
	"    }\n"
	"    { print }'\n"
	"}\n"
	"\n"
	"# Prints geoschem_config.yml ($1, from the bundle) with the transported\n"
	"# species of the run directory's own file ($2), which match the species\n"
	"# database of the GEOS-Chem that runs.\n"
	"keep_rundir_species() {\n"
	"    awk '\n"
	"    function indent(s) { match(s, /^ */); return RLENGTH }\n"
	"    NR == FNR {\n"
	"        if (grab && $0 ~ /^ *- / && indent($0) >= gi) { sp[++n] = $0; next }\n"
	"        grab = 0\n"
	"        if ($0 ~ /^ *transported_species:[ \\t]*$/) { grab = 1; gi = indent($0) }\n"
	"        next\n"
	"    }\n"
	"    skip && $0 ~ /^ *- / && indent($0) >= si { next }\n"
	"    { skip = 0 }\n"
	"    $0 ~ /^ *transported_species:[ \\t]*$/ && n > 0 {\n"
	"        print; for (i = 1; i <= n; i++) print sp[i]; skip = 1; si = indent($0); next\n"
	"    }\n"
	"    { print }\n"
	"    ' \"$2\" \"$1\"\n"
	"}\n";

/* GCHP only: replacing lines of setCommonRunSettings.sh and enabling
 * HISTORY collections.  Fixed text. */
static const char gchp_functions[] =
	"\n"
	"# Replaces each KEY=... line of setCommonRunSettings.sh ($2) with the line\n"
	"# of the same key in the values file ($1); a (...) list may span lines.\n"
	"apply_settings_values() {\n"
	"    awk '\n"
	"    NR == FNR { if ($0 ~ /^[A-Za-z_][A-Za-z_0-9]*=/) { k = $0; sub(/=.*/, \"\", k); v[k] = $0 } next }\n"
	"    skip { if (index($0, \")\")) skip = 0; next }\n"
	"    /^[A-Za-z_][A-Za-z_0-9]*=/ {\n"
	"        k = $0; sub(/=.*/, \"\", k)\n"
	"        if (k in v) {\n"
	"            print v[k]; used[k] = 1\n"
	"            if (index($0, \"(\") && !index($0, \")\")) skip = 1\n"
	"            next\n"
	"        }\n"
	"    }\n"
	"    { print }\n"
	"    END { for (k in v) if (!(k in used))\n"
	"              print \"gcrunner: \" k \" is not in this setCommonRunSettings.sh, left out\" > \"/dev/stderr\" }\n"
	"    ' \"$1\" \"$2\" > \"$2.gcrunner\" && mv \"$2.gcrunner\" \"$2\"\n"
	"}\n"
	"\n"
	"# Uncomments the named collections in HISTORY.rc's COLLECTIONS list.\n"
	"enable_collections() {\n"
	"    file=$1; shift\n"
	"    for c in \"$@\"; do\n"
	"        sed -i -e \"s/^\\([[:space:]]*\\)#*[[:space:]]*'$c',/\\1'$c',/\" \"$file\"\n"
	"    done\n"
	"}\n";

/* createRunDir.sh's menu answers for the spec, in menu order (GEOS-Chem
 * 14.6 Classic and 14.7 GCHP menus), ending with "no" to git and to the
 * KPP-Standalone question.  "$RUN_PARENT" is the path prompt. */
static char *createrundir_answers(const struct gcr_rundir *r)
{
	char *a = NULL;
	const char *o = r->option;

	if (r->gchp) {
		static const char *const sims[] = { "fullchem", "TransportTracers", "carbon", "tagO3" };
		int n = 1;
		for (int i = 0; i < 4; i++)
			if (strcmp(sims[i], r->sim) == 0)
				n = i + 1;
		gcr_bundle_append(&a, "%d", n);
	} else {
		static const char *const sims[] = {
			"fullchem", "aerosol", "carbon", "Hg", "POPs", "tagO3",
			"TransportTracers", "metals",
		};
		int n = 1;
		for (int i = 0; i < 8; i++)
			if (strcmp(sims[i], r->sim) == 0)
				n = i + 1;
		gcr_bundle_append(&a, "%d", n);
	}
	if (strcmp(r->sim, "fullchem") == 0) {
		if (strcmp(o, "benchmark") == 0)
			gcr_bundle_append(&a, " 2");
		else if (strcmp(o, "complexSOA") == 0)
			gcr_bundle_append(&a, " 3 1");
		else if (strcmp(o, "complexSOA_SVPOA") == 0)
			gcr_bundle_append(&a, " 3 2");
		else if (strcmp(o, "marinePOA") == 0)
			gcr_bundle_append(&a, " 4");
		else if (strcmp(o, "aciduptake") == 0)
			gcr_bundle_append(&a, " 5");
		else if (strcmp(o, "TOMAS15") == 0)
			gcr_bundle_append(&a, " 6 1");
		else if (strcmp(o, "TOMAS40") == 0)
			gcr_bundle_append(&a, " 6 2");
		else if (strcmp(o, "APM") == 0)
			gcr_bundle_append(&a, " 7");
		else if (strcmp(o, "RRTMG") == 0)
			gcr_bundle_append(&a, " 8");
		else
			gcr_bundle_append(&a, " 1");
	} else if (strcmp(r->sim, "POPs") == 0) {
		gcr_bundle_append(&a, " %s", strcmp(o, "PHE") == 0 ? "2" : strcmp(o, "PYR") == 0 ? "3" : "1");
	} else if (strcmp(r->sim, "carbon") == 0) {
		const char *n = !r->carbon_species ? "1"
				: strcmp(o, "CH4") == 0 ? "2" : strcmp(o, "CO2") == 0 ? "3"
				: strcmp(o, "CO") == 0 ? "4" : "5";
		gcr_bundle_append(&a, " %s", n);
	}
	/* Meteorology, with GEOS-FP's acknowledgement and GCHP's file menus. */
	if (strcmp(r->met_field, "MERRA2") == 0) {
		gcr_bundle_append(&a, " 1");
	} else if (strcmp(r->met_field, "GEOSFP") == 0) {
		gcr_bundle_append(&a, " 2 y");
		if (r->gchp)
			gcr_bundle_append(&a, " 1 1");   /* processed files, 3-hourly winds */
	} else if (strcmp(r->met_field, "GEOSIT") == 0) {
		gcr_bundle_append(&a, " 3");
		if (r->gchp)
			gcr_bundle_append(&a, " 1 1");   /* C180 processed files, winds */
	} else {
		const char *sc = r->spec->scenario;
		static const char *const scen[] = {
			"HIST", "HISTnudge", "SSP119", "SSP126", "SSP434", "SSP245",
			"SSP460", "SSP370", "SSP585",
		};
		int n = 1;
		for (int i = 0; i < 9; i++)
			if (strcasecmp(sc, scen[i]) == 0)
				n = i + 1;
		gcr_bundle_append(&a, " 4 %d", n);
	}
	if (!r->gchp) {
		const char *g = r->spec->grid;
		int res = strcmp(g, "4x5") == 0 ? 1 : strcmp(g, "2x2.5") == 0 ? 2
			  : strcmp(g, "0.5x0.625") == 0 ? 3 : strcmp(g, "0.25x0.3125") == 0 ? 4 : 5;
		gcr_bundle_append(&a, " %d", res);
		/* The domain menu appears for the fine grids (not GEOS-IT at 0.5). */
		if (res >= 5 || (res >= 3 && strcmp(r->met_field, "GEOSIT") != 0)) {
			const char *d = *r->spec->domain ? r->spec->domain : "global";
			int dn = strcasecmp(d, "AS") == 0 ? 2 : strcasecmp(d, "EU") == 0 ? 3
				 : strcasecmp(d, "NA") == 0 ? 4 : 1;
			gcr_bundle_append(&a, " %d", dn);
		}
		if (r->gcap2)
			gcr_bundle_append(&a, " 1");
		else
			gcr_bundle_append(&a, " %d", r->levels == 47 ? 2 : 1);
	}
	gcr_bundle_append(&a, " \"$RUN_PARENT\" n n");
	return a;
}

static char *quoted_or(const char *value, const char *fallback)
{
	return shell_quote(value && *value ? value : fallback);
}

static void gcconfig_and_rundir(char **s, const struct gcr_rundir *r)
{
	char *answers = createrundir_answers(r);
	char *root = shell_quote(r->data_root);

	gcr_bundle_append(s,
		"# No prompts: an existing ~/.geoschem/config (a user's own cluster) is\n"
		"# kept and wins; otherwise the bundle's is installed.  Registration is\n"
		"# passed in the environment, so createRunDir.sh never asks.\n"
		"BUNDLE_DATA_ROOT=%s\n"
		"if [ ! -f \"$HOME/.geoschem/config\" ]; then\n"
		"    mkdir -p \"$HOME/.geoschem\"\n"
		"    cp \"$BUNDLE_DIR/geoschem-config\" \"$HOME/.geoschem/config\"\n"
		"fi\n"
		". \"$BUNDLE_DIR/geoschem-config\"\n"
		". \"$HOME/.geoschem/config\"\n"
		"export GC_DATA_ROOT GC_USER_REGISTERED=true\n"
		"mkdir -p \"$GC_DATA_ROOT\"\n"
		"\n"
		"if [ ! -f \"$RUN_DIR/geoschem_config.yml\" ]; then\n"
		"    log \"creating $RUN_DIR with $GC_RUN_SCRIPTS/createRunDir.sh\"\n"
		"    mkdir -p \"$RUN_PARENT\"\n"
		"    (cd \"$GC_RUN_SCRIPTS\" && printf '%%s\\n' %s | ./createRunDir.sh \"$RUN_NAME\") \\\n"
		"        > \"$RUN_PARENT/createRunDir.log\" 2>&1 || {\n"
		"        log \"createRunDir.sh failed; see $RUN_PARENT/createRunDir.log\"; exit 1; }\n"
		"fi\n"
		"\n"
		"log \"laying the bundle over $RUN_DIR\"\n"
		"keep_rundir_species \"$BUNDLE_DIR/geoschem_config.yml\" \"$RUN_DIR/geoschem_config.yml\" \\\n"
		"    | with_data_root > \"$RUN_DIR/geoschem_config.yml.gcrunner\"\n"
		"mv \"$RUN_DIR/geoschem_config.yml.gcrunner\" \"$RUN_DIR/geoschem_config.yml\"\n"
		"with_data_root < \"$BUNDLE_DIR/HEMCO_Config.settings\" > \"$RUN_DIR/HEMCO_Config.settings\"\n"
		"apply_hemco_settings \"$RUN_DIR/HEMCO_Config.settings\" \"$RUN_DIR/HEMCO_Config.rc\"\n"
		"cp \"$BUNDLE_DIR/spec.yaml\" \"$RUN_DIR/gcrunner-spec.yaml\"\n",
		root, answers);
	free(root);
	free(answers);
}

char *gcr_bundle_run_script(const struct gcr_rundir *r)
{
	const struct gcr_bundle_options *o = r->opts;
	char *s = NULL;
	char *out = quoted_or(o->output_uri, "");
	char *scripts = quoted_or(o->gc_install_dir, "/opt/geos-chem/GCClassic/run");

	gcr_bundle_append(&s,
		"#!/bin/bash\n"
		"# gcrunner-run.sh: runs the GEOS-Chem Classic simulation of this bundle\n"
		"# (%s, %s, %s, %08d to %08d).  Generated by gcrunner.\n"
		"#\n"
		"# Usage: gcrunner-run.sh [BUNDLE_DIR [OUTPUT_URI]]\n"
		"#   BUNDLE_DIR  the folder with this bundle (default: this script's folder)\n"
		"#   OUTPUT_URI  s3://... where results are copied (default: none, keep local)\n"
		"# Environment (all optional):\n"
		"#   GCRUNNER_SCRATCH   work area (default /scratch, the Batch job's volume)\n"
		"#   GC_RUN_SCRIPTS     GEOS-Chem Classic's run/ folder with createRunDir.sh\n"
		"#   GC_EXE             the gcclassic executable (default: gcclassic on PATH)\n"
		"#   OMP_NUM_THREADS    threads (default: all processors)\n"
		"set -euo pipefail\n"
		"\n"
		"BUNDLE_DIR=$(cd \"${1:-$(dirname \"$0\")}\" && pwd)\n"
		"OUTPUT_URI=${2:-${GCRUNNER_OUTPUT_URI:-%s}}\n"
		"# On AWS Batch the job's outputPath names the user's results folder; each\n"
		"# job writes under its own id there (<userId>/results/<jobId>/, the\n"
		"# record's resultLocation).  Retried attempts keep the job id.\n"
		"if [ -n \"$OUTPUT_URI\" ] && [ -n \"${AWS_BATCH_JOB_ID:-}\" ]; then\n"
		"    case ${OUTPUT_URI%%/} in\n"
		"    */\"$AWS_BATCH_JOB_ID\") ;;\n"
		"    *) OUTPUT_URI=${OUTPUT_URI%%/}/$AWS_BATCH_JOB_ID ;;\n"
		"    esac\n"
		"fi\n"
		"OUTPUT_URI=${OUTPUT_URI%%/}\n"
		"SCRATCH=${GCRUNNER_SCRATCH:-/scratch}\n"
		"RUN_PARENT=${GCRUNNER_RUN_PARENT:-$SCRATCH}\n"
		"RUN_NAME=${GCRUNNER_RUN_NAME:-rundir}\n"
		"RUN_DIR=$RUN_PARENT/$RUN_NAME\n"
		"GC_RUN_SCRIPTS=${GC_RUN_SCRIPTS:-%s}\n"
		"GC_EXE=${GC_EXE:-gcclassic}\n"
		"\n",
		r->sim, r->met_field, r->spec->grid, r->start_date, r->end_date, out, scripts);
	free(out);
	free(scripts);
	gcr_bundle_append(&s, "%s\n", shared_functions);
	gcconfig_and_rundir(&s, r);
	gcr_bundle_append(&s,
		"cp \"$BUNDLE_DIR/HISTORY.rc\" \"$RUN_DIR/HISTORY.rc\"\n"
		"\n"
		"cd \"$RUN_DIR\"\n"
		"mkdir -p OutputDir Restarts\n"
		"log \"listing and fetching the input data (dry run, download_data.py)\"\n"
		"\"$GC_EXE\" --dryrun > log.dryrun 2>&1\n"
		"python3 ./download_data.py log.dryrun geoschem+aws > log.download 2>&1\n"
		"\n"
		"ulimit -s unlimited || true\n"
		"export OMP_STACKSIZE=${OMP_STACKSIZE:-500m}\n"
		"export OMP_NUM_THREADS=${OMP_NUM_THREADS:-$(nproc)}\n"
		"log \"running GEOS-Chem Classic on $OMP_NUM_THREADS threads\"\n"
		"set +e\n"
		"\"$GC_EXE\" 2>&1 | tee GC.log\n"
		"status=${PIPESTATUS[0]}\n"
		"set -e\n"
		"\n"
		"if [ -n \"$OUTPUT_URI\" ]; then\n"
		"    log \"copying results to $OUTPUT_URI\"\n"
		"    aws s3 cp --recursive --no-progress OutputDir \"$OUTPUT_URI/OutputDir\"\n"
		"    aws s3 cp --recursive --no-progress Restarts \"$OUTPUT_URI/Restarts\"\n"
		"    for f in GC.log log.dryrun geoschem_config.yml HISTORY.rc HEMCO_Config.rc; do\n"
		"        [ -f \"$f\" ] && aws s3 cp --no-progress \"$f\" \"$OUTPUT_URI/$f\"\n"
		"    done\n"
		"fi\n"
		"log \"GEOS-Chem Classic finished with status $status\"\n"
		"exit \"$status\"\n");
	return s;
}

static void sbatch_header(char **s, const struct gcr_rundir *r, int nodes, int tasks_per_node,
			  int cpus_per_task)
{
	const struct gcr_bundle_options *o = r->opts;
	char name[64], partition[64], account[64];

	safe_token(name, sizeof name, o->simulation_id && *o->simulation_id ? o->simulation_id
									 : "gcrunner-run");
	safe_token(partition, sizeof partition, o->slurm_partition && *o->slurm_partition
						      ? o->slurm_partition : "compute");
	gcr_bundle_append(s, "#!/bin/bash\n"
			  "#SBATCH --job-name=%s\n"
			  "#SBATCH --partition=%s\n"
			  "#SBATCH --nodes=%d\n"
			  "#SBATCH --ntasks-per-node=%d\n",
			  name, partition, nodes, tasks_per_node);
	if (cpus_per_task > 0)
		gcr_bundle_append(s, "#SBATCH --cpus-per-task=%d\n", cpus_per_task);
	gcr_bundle_append(s, "#SBATCH --exclusive\n"
			  "#SBATCH --output=gcrunner-%%j.log\n");
	if (o->slurm_account && *o->slurm_account) {
		safe_token(account, sizeof account, o->slurm_account);
		gcr_bundle_append(s, "#SBATCH --account=%s\n", account);
	}
}

static void modules(char **s, const struct gcr_rundir *r)
{
	const char *list = r->opts->slurm_modules;
	char *copy, *tok, *save = NULL;

	if (!list || !*list)
		return;
	copy = strdup(list);
	if (!copy)
		abort();
	gcr_bundle_append(s, "module load");
	for (tok = strtok_r(copy, " \t,", &save); tok; tok = strtok_r(NULL, " \t,", &save)) {
		char *q = shell_quote(tok);
		gcr_bundle_append(s, " %s", q);
		free(q);
	}
	gcr_bundle_append(s, "\n");
	free(copy);
}

static char *classic_sbatch(const struct gcr_rundir *r)
{
	const struct gcr_spec *sp = r->spec;
	int cpus = sp->cores_per_node > 0 ? sp->cores_per_node
		   : r->opts->physical_cores > 0 ? r->opts->physical_cores : 0;
	char *s = NULL;

	sbatch_header(&s, r, 1, 1, cpus);
	gcr_bundle_append(&s,
		"# gcrunner.sbatch: runs this GEOS-Chem Classic bundle as one Slurm job on one\n"
		"# node (OpenMP).  Submit from the bundle folder: sbatch gcrunner.sbatch\n"
		"set -euo pipefail\n");
	modules(&s, r);
	gcr_bundle_append(&s,
		"BUNDLE_DIR=${GCRUNNER_BUNDLE_DIR:-${SLURM_SUBMIT_DIR:-$(pwd)}}\n"
		"export GCRUNNER_SCRATCH=${GCRUNNER_SCRATCH:-$BUNDLE_DIR}\n"
		"export OMP_NUM_THREADS=${SLURM_CPUS_PER_TASK:-$(nproc)}\n"
		"exec bash \"$BUNDLE_DIR/gcrunner-run.sh\" \"$BUNDLE_DIR\"\n");
	return s;
}

static char *gchp_sbatch(const struct gcr_rundir *r, const struct gcr_gchp_settings *g)
{
	const struct gcr_bundle_options *o = r->opts;
	char *s = NULL;
	char *out = quoted_or(o->output_uri, "");
	char *scripts = quoted_or(o->gc_install_dir, "/opt/geos-chem/GCHP/run");

	sbatch_header(&s, r, g->num_nodes, g->cores_per_node, 0);
	gcr_bundle_append(&s,
		"# gcrunner.sbatch: runs the GCHP simulation of this bundle (%s, %s, C%d,\n"
		"# %d nodes x %d cores = %d MPI ranks, NX=%d NY=%d).  Generated by gcrunner.\n"
		"# Submit from the bundle folder: sbatch gcrunner.sbatch\n"
		"# Environment (all optional): GCRUNNER_RUN_PARENT (where the run directory\n"
		"# goes), GC_RUN_SCRIPTS (GCHP's run/ folder with createRunDir.sh), GCHP_EXE\n"
		"# (the gchp executable), GCRUNNER_OUTPUT_URI (s3://... for results).\n"
		"set -euo pipefail\n"
		"\n"
		"# Limits from GEOS-Chem's AWS ParallelCluster example run script.\n"
		"ulimit -c 0 || true\n"
		"ulimit -l unlimited || true\n"
		"ulimit -s unlimited || true\n",
		r->sim, r->met_field, g->cs_res, g->num_nodes, g->cores_per_node,
		g->total_cores, g->nx, g->ny);
	modules(&s, r);
	gcr_bundle_append(&s,
		"\n"
		"BUNDLE_DIR=${GCRUNNER_BUNDLE_DIR:-${SLURM_SUBMIT_DIR:-$(pwd)}}\n"
		"OUTPUT_URI=${GCRUNNER_OUTPUT_URI:-%s}\n"
		"RUN_PARENT=${GCRUNNER_RUN_PARENT:-$BUNDLE_DIR}\n"
		"RUN_NAME=${GCRUNNER_RUN_NAME:-rundir}\n"
		"RUN_DIR=$RUN_PARENT/$RUN_NAME\n"
		"GC_RUN_SCRIPTS=${GC_RUN_SCRIPTS:-%s}\n"
		"GCHP_EXE=${GCHP_EXE:-$(command -v gchp || echo gchp)}\n"
		"\n",
		out, scripts);
	free(out);
	free(scripts);
	gcr_bundle_append(&s, "%s%s\n", shared_functions, gchp_functions);
	gcconfig_and_rundir(&s, r);
	gcr_bundle_append(&s,
		"apply_settings_values \"$BUNDLE_DIR/setCommonRunSettings.values\" \\\n"
		"    \"$RUN_DIR/setCommonRunSettings.sh\"\n"
		"enable_collections \"$RUN_DIR/HISTORY.rc\"");
	for (size_t i = 0; i < g->ndiag; i++)
		gcr_bundle_append(&s, " %s", g->diag_collections[i]);
	gcr_bundle_append(&s,
		"\n"
		"\n"
		"cd \"$RUN_DIR\"\n"
		"echo \"%08d 000000\" > cap_restart\n",
		g->start_date);
	if (g->output_server)
		gcr_bundle_append(&s,
			"# Restarts through MAPL's output server: writes hang or crawl without it\n"
			"# above ~1000 cores and on AWS with EFA (GCHP issue 493).\n"
			"sed -i -e 's/^WRITE_RESTART_BY_OSERVER:.*/WRITE_RESTART_BY_OSERVER: YES/' GCHP.rc\n");
	gcr_bundle_append(&s,
		"ln -sf \"$GCHP_EXE\" ./gchp\n"
		"\n"
		"# Update config files, restart link and checks (GCHP's own scripts,\n"
		"# which expect unset variables to read as empty).\n"
		"set +u\n"
		"source setCommonRunSettings.sh\n"
		"source setRestartLink.sh\n"
		"[ -f checkRunSettings.sh ] && source checkRunSettings.sh\n"
		"\n"
		"# OpenMPI 4 over EFA, as in GEOS-Chem's AWS ParallelCluster example\n"
		"# (GCHP does not work with OpenMPI 5).\n"
		"export OMPI_MCA_btl=vader,tcp,self\n"
		"export OMPI_MCA_btl_tcp_if_exclude=\"lo,docker0,virbr0\"\n"
		"export OMPI_MCA_btl_if_exclude=\"lo,docker0,virbr0\"\n"
		"# Shared-memory transfer off for EFA, which otherwise crashes or hangs.\n"
		"export FI_EFA_ENABLE_SHM_TRANSFER=0\n"
		"export OMPI_MCA_mtl_ofi_provider_exclude=shm\n"
		"export FI_EFA_RDM_NUM_RX_PKTS=16384\n"
		"export FI_EFA_RDM_NUM_TX_PKTS=16384\n"
		"\n"
		"start=$(sed 's/ /_/g' cap_restart)\n"
		"log \"running GCHP on ${SLURM_NTASKS:-%d} ranks from $start\"\n"
		"set +e\n"
		"mpiexec -np \"${SLURM_NTASKS:-%d}\" --map-by core --bind-to core ./gchp 2>&1 \\\n"
		"    | tee \"gchp.${start:0:13}z.log\"\n"
		"status=${PIPESTATUS[0]}\n"
		"set -e\n"
		"\n"
		"# Keep the final checkpoint as the next restart, as GEOS-Chem's example does.\n"
		"new_start=$(sed 's/ /_/g' cap_restart)\n"
		"if [ \"$status\" -eq 0 ] && [ \"$new_start\" != \"$start\" ] && \\\n"
		"   [ -f Restarts/gcchem_internal_checkpoint ]; then\n"
		"    mv Restarts/gcchem_internal_checkpoint \\\n"
		"       \"Restarts/GEOSChem.Restart.${new_start:0:13}z.c%d.nc4\"\n"
		"fi\n"
		"if [ -n \"$OUTPUT_URI\" ]; then\n"
		"    log \"copying results to $OUTPUT_URI\"\n"
		"    aws s3 cp --recursive --no-progress OutputDir \"$OUTPUT_URI/OutputDir\"\n"
		"    aws s3 cp --recursive --no-progress Restarts \"$OUTPUT_URI/Restarts\"\n"
		"fi\n"
		"log \"GCHP finished with status $status\"\n"
		"exit \"$status\"\n",
		g->total_cores, g->total_cores, g->cs_res);
	return s;
}

char *gcr_bundle_sbatch(const struct gcr_rundir *r, const struct gcr_gchp_settings *g)
{
	return g ? gchp_sbatch(r, g) : classic_sbatch(r);
}

char *gcr_bundle_gcconfig(const struct gcr_rundir *r)
{
	char *root = shell_quote(r->data_root);
	char *s = gcr_strdup_printf(
		"# ~/.geoschem/config for this run, written by gcrunner.  GEOS-Chem's\n"
		"# createRunDir.sh reads it: with the data root known and the user\n"
		"# registered, it never stops to ask.\n"
		"export GC_DATA_ROOT=%s\n"
		"export GC_USER_REGISTERED=true\n",
		root);
	free(root);
	return s;
}
