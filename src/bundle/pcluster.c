/* pcluster.c: ParallelCluster 3 cluster configuration: plan, YAML, checks. */
#include "config.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "bundle/pcluster.h"
#include "bundle/yaml_out.h"
#include "i18n.h"
#include "yamlread.h"

#define NAME_MAX_LEN 25   /* queue and compute-resource names */

static const char *const os_values[] = {
	"alinux2", "alinux2023", "ubuntu2004", "ubuntu2204", "ubuntu2404",
	"rhel8", "rhel9", "rocky8", "rocky9", NULL,
};

static bool in_list(const char *s, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (strcmp(s, list[i]) == 0)
			return true;
	return false;
}

int gcr_pcluster_fsx_capacity(double volume_gb)
{
	/* GB (10^9) to GiB, plus headroom for output and restarts. */
	double gib = volume_gb * 1e9 / 1073741824.0 * 1.1;

	if (!(gib > 1200.0))
		return 1200;
	return (int)ceil(gib / 2400.0) * 2400;
}

bool gcr_pcluster_resource_name_valid(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	if (n == 0 || n > NAME_MAX_LEN || !islower((unsigned char)name[0]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!islower((unsigned char)name[i]) && !isdigit((unsigned char)name[i]) &&
		    name[i] != '-')
			return false;
	return true;
}

bool gcr_pcluster_cluster_name_valid(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	if (n == 0 || n > 60 || !isalpha((unsigned char)name[0]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)name[i]) && name[i] != '-')
			return false;
	return true;
}

bool gcr_pcluster_subnet_id_valid(const char *id)
{
	size_t n;

	if (!id || strncmp(id, "subnet-", 7) != 0)
		return false;
	n = strlen(id + 7);
	if (n != 8 && n != 17)
		return false;
	for (const char *p = id + 7; *p; p++)
		if (!isdigit((unsigned char)*p) && !(*p >= 'a' && *p <= 'z'))
			return false;
	return true;
}

bool gcr_pcluster_key_name_valid(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	/* EC2 key pair names: 1-255 ASCII characters; we also refuse control
	 * characters and surrounding spaces, which only cause trouble later. */
	if (n == 0 || n > 255 || name[0] == ' ' || name[n - 1] == ' ')
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)name[i] < 0x20 || (unsigned char)name[i] > 0x7e)
			return false;
	return true;
}

bool gcr_pcluster_os_valid(const char *os)
{
	return os && in_list(os, os_values);
}

/* Graviton families carry a 'g' after the generation digit (c7g, c7gn, hpc7g). */
static bool looks_arm64(const char *type)
{
	const char *p = type;

	while (*p && !isdigit((unsigned char)*p))
		p++;
	while (*p && isdigit((unsigned char)*p))
		p++;
	for (; *p && *p != '.'; p++)
		if (*p == 'g')
			return true;
	return false;
}

/* Copies src into dst[size], cutting it short when needed. */
static void copy(char *dst, size_t size, const char *src)
{
	size_t n = src ? strlen(src) : 0;

	if (n >= size)
		n = size - 1;
	if (n)
		memcpy(dst, src, n);
	dst[n] = '\0';
}

enum gcr_status gcr_pcluster_config_from_spec(const struct gcr_spec *spec,
					      const struct gcr_bundle_options *opts,
					      struct gcr_pcluster_config *cfg,
					      struct gcr_error *err)
{
	static const struct gcr_bundle_options none;
	const char *bucket;
	bool arm;
	char *dot;

	if (!opts)
		opts = &none;
	memset(cfg, 0, sizeof *cfg);
	if (!*spec->instance_type)
		return gcr_error_set(err, GCR_ERR_INVALID,
				     _("a cluster needs an instance type (--instance)"));
	copy(cfg->region, sizeof cfg->region, *spec->region ? spec->region : "us-east-1");
	copy(cfg->os, sizeof cfg->os, opts->os ? opts->os : "ubuntu2204");
	if (!gcr_pcluster_os_valid(cfg->os))
		return gcr_error_set(err, GCR_ERR_INVALID,
				     _("'%s' is not an operating system ParallelCluster 3 offers "
				       "(allowed: alinux2, alinux2023, ubuntu2004, ubuntu2204, "
				       "ubuntu2404, rhel8, rhel9, rocky8, rocky9)"), cfg->os);
	copy(cfg->instance_type, sizeof cfg->instance_type, spec->instance_type);
	arm = opts->arch ? strcmp(opts->arch, "arm64") == 0 : looks_arm64(spec->instance_type);
	/* The head node must have the compute nodes' architecture. */
	copy(cfg->head_node_type, sizeof cfg->head_node_type,
	     opts->head_node_type ? opts->head_node_type : arm ? "c7g.2xlarge" : "c5.2xlarge");
	if (opts->subnet_id && *opts->subnet_id) {
		if (!gcr_pcluster_subnet_id_valid(opts->subnet_id))
			return gcr_error_set(err, GCR_ERR_INVALID,
					     _("'%s' is not a subnet id (subnet- followed by 8 or 17 "
					       "lower-case letters or digits)"), opts->subnet_id);
		copy(cfg->subnet_id, sizeof cfg->subnet_id, opts->subnet_id);
	} else {
		copy(cfg->subnet_id, sizeof cfg->subnet_id, "subnet-0123456789abcdef0");
		cfg->placeholders = true;
	}
	if (opts->key_name && *opts->key_name) {
		if (!gcr_pcluster_key_name_valid(opts->key_name))
			return gcr_error_set(err, GCR_ERR_INVALID,
					     _("'%s' is not a valid EC2 key pair name (1-255 printable "
					       "ASCII characters)"), opts->key_name);
		copy(cfg->key_name, sizeof cfg->key_name, opts->key_name);
	} else {
		copy(cfg->key_name, sizeof cfg->key_name, "my-key-pair");
		cfg->placeholders = true;
	}
	copy(cfg->queue_name, sizeof cfg->queue_name, opts->slurm_partition &&
	     gcr_pcluster_resource_name_valid(opts->slurm_partition) ? opts->slurm_partition
								      : "compute");
	/* Compute resource named after the type: c5n.18xlarge -> c5n-18xlarge. */
	copy(cfg->compute_resource_name, NAME_MAX_LEN + 1, spec->instance_type);
	for (char *p = cfg->compute_resource_name; *p; p++)
		*p = *p == '.' ? '-' : (char)tolower((unsigned char)*p);
	if (!gcr_pcluster_resource_name_valid(cfg->compute_resource_name))
		copy(cfg->compute_resource_name, sizeof cfg->compute_resource_name, "nodes");
	cfg->min_count = 0;
	cfg->max_count = spec->nodes > 0 ? spec->nodes : 1;
	cfg->spot = spec->spot;
	cfg->efa = opts->efa;
	cfg->placement_group = true;
	cfg->disable_smt = true;
	cfg->root_volume_gib = 200;
	cfg->scaledown_idletime = 10;
	copy(cfg->fsx_name, sizeof cfg->fsx_name, "fsx");
	copy(cfg->fsx_mount_dir, sizeof cfg->fsx_mount_dir, "/fsx");
	copy(cfg->fsx_deployment, sizeof cfg->fsx_deployment, "SCRATCH_2");
	cfg->fsx_capacity_gib = gcr_pcluster_fsx_capacity(opts->input_volume_gb);
	bucket = opts->input_bucket && *opts->input_bucket ? opts->input_bucket : "s3://geos-chem";
	if (strncmp(bucket, "s3://", 5) != 0 || !bucket[5])
		return gcr_error_set(err, GCR_ERR_INVALID,
				     _("the input bucket must be an s3:// address, not '%s'"), bucket);
	copy(cfg->fsx_import_path, sizeof cfg->fsx_import_path, bucket);
	copy(cfg->s3_read_bucket, sizeof cfg->s3_read_bucket, bucket + 5);
	dot = strchr(cfg->s3_read_bucket, '/');
	if (dot)
		*dot = '\0';
	return GCR_OK;
}

char *gcr_pcluster_yaml(const struct gcr_pcluster_config *c, size_t *len,
			struct gcr_error *err)
{
	struct gcr_yout *y = gcr_yout_new(false);

	gcr_yout_map_start(y);
	gcr_yout_kstr(y, "Region", c->region);
	gcr_yout_kmap(y, "Image");
	gcr_yout_kstr(y, "Os", c->os);
	gcr_yout_map_end(y);

	gcr_yout_kmap(y, "HeadNode");
	gcr_yout_kstr(y, "InstanceType", c->head_node_type);
	gcr_yout_kmap(y, "Networking");
	gcr_yout_kstr(y, "SubnetId", c->subnet_id);
	gcr_yout_map_end(y);
	gcr_yout_kmap(y, "Ssh");
	gcr_yout_kstr(y, "KeyName", c->key_name);
	gcr_yout_map_end(y);
	if (*c->s3_read_bucket) {
		gcr_yout_kmap(y, "Iam");
		gcr_yout_kseq(y, "S3Access", false);
		gcr_yout_map_start(y);
		gcr_yout_kstr(y, "BucketName", c->s3_read_bucket);
		gcr_yout_kbool(y, "EnableWriteAccess", false);
		gcr_yout_map_end(y);
		gcr_yout_seq_end(y);
		gcr_yout_map_end(y);
	}
	gcr_yout_map_end(y);

	gcr_yout_kmap(y, "Scheduling");
	gcr_yout_kstr(y, "Scheduler", "slurm");
	gcr_yout_kmap(y, "SlurmSettings");
	gcr_yout_kint(y, "ScaledownIdletime", c->scaledown_idletime);
	gcr_yout_map_end(y);
	gcr_yout_kseq(y, "SlurmQueues", false);
	gcr_yout_map_start(y);
	gcr_yout_kstr(y, "Name", c->queue_name);
	gcr_yout_kstr(y, "CapacityType", c->spot ? "SPOT" : "ONDEMAND");
	if (c->spot)
		gcr_yout_kstr(y, "AllocationStrategy", "capacity-optimized");
	gcr_yout_kseq(y, "ComputeResources", false);
	gcr_yout_map_start(y);
	gcr_yout_kstr(y, "Name", c->compute_resource_name);
	gcr_yout_kstr(y, "InstanceType", c->instance_type);
	gcr_yout_kint(y, "MinCount", c->min_count);
	gcr_yout_kint(y, "MaxCount", c->max_count);
	gcr_yout_kbool(y, "DisableSimultaneousMultithreading", c->disable_smt);
	gcr_yout_kmap(y, "Efa");
	gcr_yout_kbool(y, "Enabled", c->efa);
	gcr_yout_map_end(y);
	gcr_yout_map_end(y);
	gcr_yout_seq_end(y);
	gcr_yout_kmap(y, "Networking");
	gcr_yout_kseq(y, "SubnetIds", false);
	gcr_yout_str(y, c->subnet_id);
	gcr_yout_seq_end(y);
	gcr_yout_kmap(y, "PlacementGroup");
	gcr_yout_kbool(y, "Enabled", c->placement_group);
	gcr_yout_map_end(y);
	gcr_yout_map_end(y);
	gcr_yout_kmap(y, "ComputeSettings");
	gcr_yout_kmap(y, "LocalStorage");
	gcr_yout_kmap(y, "RootVolume");
	gcr_yout_kint(y, "Size", c->root_volume_gib);
	gcr_yout_kstr(y, "VolumeType", "gp3");
	gcr_yout_map_end(y);
	gcr_yout_map_end(y);
	gcr_yout_map_end(y);
	gcr_yout_map_end(y);
	gcr_yout_seq_end(y);
	gcr_yout_map_end(y);

	gcr_yout_kseq(y, "SharedStorage", false);
	gcr_yout_map_start(y);
	gcr_yout_kstr(y, "Name", c->fsx_name);
	gcr_yout_kstr(y, "StorageType", "FsxLustre");
	gcr_yout_kstr(y, "MountDir", c->fsx_mount_dir);
	gcr_yout_kmap(y, "FsxLustreSettings");
	gcr_yout_kint(y, "StorageCapacity", c->fsx_capacity_gib);
	gcr_yout_kstr(y, "DeploymentType", c->fsx_deployment);
	gcr_yout_kstr(y, "ImportPath", c->fsx_import_path);
	gcr_yout_map_end(y);
	gcr_yout_map_end(y);
	gcr_yout_seq_end(y);
	gcr_yout_map_end(y);
	return gcr_yout_finish(y, len, err);
}

/* ---- validation: read back with libyaml, check the local rules ---- */

struct check {
	struct gcr_yread *y;
	struct gcr_error *err;
	bool failed;
};

static enum gcr_status fail(struct check *c, const yaml_node_t *node, const char *path,
			    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static enum gcr_status fail(struct check *c, const yaml_node_t *node, const char *path,
			    const char *fmt, ...)
{
	char what[512];
	va_list ap;

	if (c->failed)
		return GCR_ERR_INVALID;
	c->failed = true;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	if (node)
		return gcr_error_set(c->err, GCR_ERR_INVALID,
				     _("cluster configuration, line %zu: %s: %s"),
				     (size_t)gcr_yread_line(node), path, what);
	return gcr_error_set(c->err, GCR_ERR_INVALID, _("cluster configuration: %s: %s"),
			     path, what);
}

static yaml_node_t *get(struct check *c, yaml_node_t *map, const char *key)
{
	return gcr_yread_get(c->y, map, key);
}

#define scalar gcr_yread_text

/* A required mapping under map. */
static yaml_node_t *need_map(struct check *c, yaml_node_t *map, const char *key,
			     const char *path)
{
	yaml_node_t *n = get(c, map, key);

	if (!n)
		fail(c, map, path, _("required key %s is missing"), key);
	else if (n->type != YAML_MAPPING_NODE)
		fail(c, n, path, _("%s must be a mapping"), key);
	return n && n->type == YAML_MAPPING_NODE ? n : NULL;
}

static const char *need_str(struct check *c, yaml_node_t *map, const char *key,
			    const char *path)
{
	yaml_node_t *n = get(c, map, key);
	const char *s = scalar(n);

	if (!n)
		fail(c, map, path, _("required key %s is missing"), key);
	else if (!s || !*s)
		fail(c, n, path, _("%s must be a non-empty string"), key);
	return s && *s ? s : NULL;
}

static void check_bool(struct check *c, yaml_node_t *map, const char *key, const char *path)
{
	yaml_node_t *n = get(c, map, key);
	const char *s = scalar(n);

	if (n && (!s || (strcasecmp(s, "true") != 0 && strcasecmp(s, "false") != 0)))
		fail(c, n, path, _("%s must be true or false"), key);
}

static bool get_int(struct check *c, yaml_node_t *map, const char *key, const char *path,
		    bool required, long *out)
{
	yaml_node_t *n = get(c, map, key);
	const char *s = scalar(n);
	char *end;

	if (!n) {
		if (required)
			fail(c, map, path, _("required key %s is missing"), key);
		return false;
	}
	if (!s || !*s) {
		fail(c, n, path, _("%s must be a whole number"), key);
		return false;
	}
	*out = strtol(s, &end, 10);
	if (*end) {
		fail(c, n, path, _("%s must be a whole number, not '%s'"), key, s);
		return false;
	}
	return true;
}

static void check_compute_resource(struct check *c, yaml_node_t *cr, const char *path)
{
	const char *name = need_str(c, cr, "Name", path);
	long min = 0, max = 0;
	bool has_min, has_max;

	if (name && !gcr_pcluster_resource_name_valid(name))
		fail(c, get(c, cr, "Name"), path,
		     _("compute resource name '%s' must be lower-case letters, digits and "
		       "hyphens, start with a letter, at most %d characters"), name, NAME_MAX_LEN);
	if (!get(c, cr, "InstanceType") && !get(c, cr, "Instances"))
		fail(c, cr, path, _("required key InstanceType (or Instances) is missing"));
	else if (get(c, cr, "InstanceType"))
		need_str(c, cr, "InstanceType", path);
	has_min = get_int(c, cr, "MinCount", path, false, &min);
	has_max = get_int(c, cr, "MaxCount", path, false, &max);
	if (has_min && min < 0)
		fail(c, get(c, cr, "MinCount"), path, _("MinCount must be 0 or more"));
	if (has_max && max < 1)
		fail(c, get(c, cr, "MaxCount"), path, _("MaxCount must be at least 1"));
	if (has_min && has_max && max < min)
		fail(c, get(c, cr, "MaxCount"), path, _("MaxCount (%ld) is below MinCount (%ld)"),
		     max, min);
	check_bool(c, cr, "DisableSimultaneousMultithreading", path);
	if (get(c, cr, "Efa")) {
		yaml_node_t *efa = need_map(c, cr, "Efa", path);
		check_bool(c, efa, "Enabled", path);
		check_bool(c, efa, "GdrSupport", path);
	}
}

static void check_subnets(struct check *c, yaml_node_t *seq, const char *path)
{
	if (!seq || seq->type != YAML_SEQUENCE_NODE ||
	    seq->data.sequence.items.top == seq->data.sequence.items.start) {
		fail(c, seq, path, _("SubnetIds must be a non-empty list"));
		return;
	}
	for (yaml_node_item_t *it = seq->data.sequence.items.start;
	     it < seq->data.sequence.items.top; it++) {
		yaml_node_t *n = gcr_yread_node(c->y, *it);
		if (!gcr_pcluster_subnet_id_valid(scalar(n)))
			fail(c, n, path, _("'%s' is not a subnet id"), scalar(n) ? scalar(n) : "");
	}
}

static void check_queue(struct check *c, yaml_node_t *q, const char *path)
{
	static const char *const capacity[] = { "ONDEMAND", "SPOT", "CAPACITY_BLOCK", NULL };
	const char *name = need_str(c, q, "Name", path);
	yaml_node_t *net, *crs, *pg;
	const char *cap;
	char sub[160];
	size_t i = 0;

	if (name && !gcr_pcluster_resource_name_valid(name))
		fail(c, get(c, q, "Name"), path,
		     _("queue name '%s' must be lower-case letters, digits and hyphens, start "
		       "with a letter, at most %d characters"), name, NAME_MAX_LEN);
	cap = scalar(get(c, q, "CapacityType"));
	if (get(c, q, "CapacityType") && (!cap || !in_list(cap, capacity)))
		fail(c, get(c, q, "CapacityType"), path,
		     _("CapacityType must be ONDEMAND, SPOT or CAPACITY_BLOCK"));
	net = need_map(c, q, "Networking", path);
	if (net) {
		snprintf(sub, sizeof sub, "%s.Networking", path);
		check_subnets(c, get(c, net, "SubnetIds"), sub);
		pg = get(c, net, "PlacementGroup");
		if (pg && pg->type != YAML_MAPPING_NODE)
			fail(c, pg, sub, _("PlacementGroup must be a mapping"));
		else if (pg)
			check_bool(c, pg, "Enabled", sub);
	}
	crs = get(c, q, "ComputeResources");
	if (!crs || crs->type != YAML_SEQUENCE_NODE ||
	    crs->data.sequence.items.top == crs->data.sequence.items.start) {
		fail(c, crs ? crs : q, path, _("ComputeResources must be a non-empty list"));
		return;
	}
	for (yaml_node_item_t *it = crs->data.sequence.items.start;
	     it < crs->data.sequence.items.top; it++, i++) {
		yaml_node_t *cr = gcr_yread_node(c->y, *it);
		snprintf(sub, sizeof sub, "%s.ComputeResources[%zu]", path, i);
		if (!cr || cr->type != YAML_MAPPING_NODE)
			fail(c, cr, sub, _("must be a mapping"));
		else
			check_compute_resource(c, cr, sub);
	}
}

static void check_fsx(struct check *c, yaml_node_t *s, const char *path)
{
	static const char *const deployments[] = {
		"SCRATCH_1", "SCRATCH_2", "PERSISTENT_1", "PERSISTENT_2", NULL,
	};
	yaml_node_t *fsx = get(c, s, "FsxLustreSettings");
	const char *dep, *import;
	long cap = 0;

	if (!fsx)
		return;   /* an existing file system may be named elsewhere */
	if (fsx->type != YAML_MAPPING_NODE) {
		fail(c, fsx, path, _("FsxLustreSettings must be a mapping"));
		return;
	}
	if (get(c, fsx, "FileSystemId"))
		return;   /* an existing file system: no capacity to check */
	dep = scalar(get(c, fsx, "DeploymentType"));
	if (dep && !in_list(dep, deployments))
		fail(c, get(c, fsx, "DeploymentType"), path,
		     _("DeploymentType must be SCRATCH_1, SCRATCH_2, PERSISTENT_1 or PERSISTENT_2"));
	if (get_int(c, fsx, "StorageCapacity", path, true, &cap)) {
		bool ok;
		if (dep && strcmp(dep, "SCRATCH_1") == 0)
			ok = cap == 1200 || cap == 2400 || (cap > 0 && cap % 3600 == 0);
		else
			ok = cap == 1200 || (cap > 0 && cap % 2400 == 0);
		if (!ok)
			fail(c, get(c, fsx, "StorageCapacity"), path,
			     _("StorageCapacity %ld GiB is not allowed (1200 or a multiple of "
			       "2400 GiB)"), cap);
	}
	import = scalar(get(c, fsx, "ImportPath"));
	if (get(c, fsx, "ImportPath") && (!import || strncmp(import, "s3://", 5) != 0 ||
					   !import[5]))
		fail(c, get(c, fsx, "ImportPath"), path, _("ImportPath must be an s3:// address"));
}

static void check_storage(struct check *c, yaml_node_t *seq)
{
	static const char *const types[] = {
		"Ebs", "Efs", "FsxLustre", "FsxOntap", "FsxOpenZfs", "FileCache", NULL,
	};
	size_t i = 0;
	char path[64];

	if (seq->type != YAML_SEQUENCE_NODE) {
		fail(c, seq, "SharedStorage", _("must be a list"));
		return;
	}
	for (yaml_node_item_t *it = seq->data.sequence.items.start;
	     it < seq->data.sequence.items.top; it++, i++) {
		yaml_node_t *s = gcr_yread_node(c->y, *it);
		const char *name, *type, *dir;

		snprintf(path, sizeof path, "SharedStorage[%zu]", i);
		if (!s || s->type != YAML_MAPPING_NODE) {
			fail(c, s, path, _("must be a mapping"));
			continue;
		}
		name = need_str(c, s, "Name", path);
		if (name && (strlen(name) > 30 || !isalpha((unsigned char)name[0])))
			fail(c, get(c, s, "Name"), path,
			     _("storage name '%s' must start with a letter, at most 30 characters"),
			     name);
		type = need_str(c, s, "StorageType", path);
		if (type && !in_list(type, types))
			fail(c, get(c, s, "StorageType"), path,
			     _("StorageType must be Ebs, Efs, FsxLustre, FsxOntap, FsxOpenZfs "
			       "or FileCache"));
		dir = need_str(c, s, "MountDir", path);
		if (dir && (dir[0] != '/' || strcmp(dir, "/") == 0 || strstr(dir, "..")))
			fail(c, get(c, s, "MountDir"), path,
			     _("MountDir must be an absolute path below /, not '%s'"), dir);
		if (type && strcmp(type, "FsxLustre") == 0)
			check_fsx(c, s, path);
	}
}

enum gcr_status gcr_pcluster_validate(const char *yaml, size_t len, struct gcr_error *err)
{
	static const char *const top_keys[] = {
		"Region", "Image", "HeadNode", "Scheduling", "SharedStorage", "Iam", "Tags",
		"Monitoring", "AdditionalPackages", "CustomS3Bucket", "Imds",
		"DeploymentSettings", "LoginNodes", "DirectoryService", "AdditionalResources",
		"DevSettings", NULL,
	};
	struct gcr_yread y;
	struct check c = { &y, err, false };
	yaml_node_t *root, *image, *head, *sched, *net, *queues, *storage;
	const char *os, *sub, *key, *scheduler;
	size_t i = 0;
	char path[64];

	if (gcr_yread_parse(&y, _("cluster configuration"), yaml, len, err) != GCR_OK) {
		gcr_yread_free(&y);
		return GCR_ERR_INVALID;
	}
	root = gcr_yread_root(&y);
	if (!root || root->type != YAML_MAPPING_NODE) {
		fail(&c, root, "(top)", _("the configuration must be a mapping"));
		goto out;
	}
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
	     p < root->data.mapping.pairs.top; p++) {
		yaml_node_t *key_node = gcr_yread_node(&y, p->key);
		const char *k = scalar(key_node);
		if (!k || !in_list(k, top_keys))
			fail(&c, key_node, "(top)",
			     _("unknown key %s"), k ? k : "?");
	}
	need_str(&c, root, "Region", "(top)");
	image = need_map(&c, root, "Image", "Image");
	os = need_str(&c, image, "Os", "Image");
	if (os && !gcr_pcluster_os_valid(os))
		fail(&c, get(&c, image, "Os"), "Image.Os", _("'%s' is not an allowed Os"), os);

	head = need_map(&c, root, "HeadNode", "HeadNode");
	need_str(&c, head, "InstanceType", "HeadNode");
	net = need_map(&c, head, "Networking", "HeadNode");
	sub = need_str(&c, net, "SubnetId", "HeadNode.Networking");
	if (sub && !gcr_pcluster_subnet_id_valid(sub))
		fail(&c, get(&c, net, "SubnetId"), "HeadNode.Networking.SubnetId",
		     _("'%s' is not a subnet id"), sub);
	key = need_str(&c, need_map(&c, head, "Ssh", "HeadNode"), "KeyName", "HeadNode.Ssh");
	if (key && !gcr_pcluster_key_name_valid(key))
		fail(&c, NULL, "HeadNode.Ssh.KeyName", _("'%s' is not a key pair name"), key);

	sched = need_map(&c, root, "Scheduling", "Scheduling");
	scheduler = need_str(&c, sched, "Scheduler", "Scheduling");
	if (scheduler && strcmp(scheduler, "slurm") != 0)
		fail(&c, get(&c, sched, "Scheduler"), "Scheduling.Scheduler",
		     _("gcrunner runs GCHP on slurm, not %s"), scheduler);
	queues = get(&c, sched, "SlurmQueues");
	if (sched && (!queues || queues->type != YAML_SEQUENCE_NODE ||
		      queues->data.sequence.items.top == queues->data.sequence.items.start)) {
		fail(&c, queues ? queues : sched, "Scheduling",
		     _("SlurmQueues must be a non-empty list"));
	} else if (queues) {
		for (yaml_node_item_t *it = queues->data.sequence.items.start;
		     it < queues->data.sequence.items.top; it++, i++) {
			yaml_node_t *q = gcr_yread_node(&y, *it);
			snprintf(path, sizeof path, "Scheduling.SlurmQueues[%zu]", i);
			if (!q || q->type != YAML_MAPPING_NODE)
				fail(&c, q, path, _("must be a mapping"));
			else
				check_queue(&c, q, path);
		}
	}
	storage = get(&c, root, "SharedStorage");
	if (storage)
		check_storage(&c, storage);
out:
	gcr_yread_free(&y);
	return c.failed ? GCR_ERR_INVALID : GCR_OK;
}
