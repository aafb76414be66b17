/* check_setup.c: the setup engine's pieces that do not need IAM: storing an
 * access key (merged into ~/.aws/credentials, mode 0600), the profile list,
 * the job role's least-privilege policy, region advice from the catalog,
 * and the SSO device authorization flow completed against the local test
 * bed (the test approves the code through the control endpoint, as a person
 * would in the browser), then used by the credential chain. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <uv.h>

#include "aws/awsconfig.h"
#include "aws/client.h"
#include "aws/sts.h"
#include "catalog.h"
#include "paths.h"
#include "setup/guide.h"
#include "setup/setup.h"
#include "setup/sso_login.h"

static char tmpdir[64];

static void make_home(void)
{
	strcpy(tmpdir, "/tmp/gcr-setup.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	setenv("HOME", tmpdir, 1);
	unsetenv("AWS_CONFIG_FILE");
	unsetenv("AWS_SHARED_CREDENTIALS_FILE");
	unsetenv("AWS_PROFILE");
}

static void remove_home(void)
{
	char *cmd = gcr_strdup_printf("rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
}

static char *slurp(const char *path)
{
	char *text = NULL;
	size_t len;
	struct gcr_error err;

	ck_assert_msg(gcr_read_file(path, &text, &len, &err) == GCR_OK, "%s", err.message);
	return text;
}

static int mode_of(const char *path)
{
	struct stat st;

	ck_assert_int_eq(stat(path, &st), 0);
	return (int)(st.st_mode & 0777);
}

/* ---- access keys and profiles --------------------------------------------------- */

START_TEST(access_key_is_merged_not_clobbered)
{
	char *dir = gcr_strdup_printf("%s/.aws", tmpdir);
	char *creds = gcr_strdup_printf("%s/credentials", dir), *config, *text;
	FILE *f;
	struct gcr_error err;

	gcr_mkdir_p(dir, 0700, &err);
	f = fopen(creds, "w");
	ck_assert_ptr_nonnull(f);
	fputs("# my keys\n[other]\naws_access_key_id = AKIAOTHEROTHER00001\n"
	      "aws_secret_access_key = other-secret-keep-me\n", f);
	fclose(f);
	chmod(creds, 0644);
	ck_assert_msg(gcr_setup_store_access_key("gcr", "AKIAGCRTESTNEWKEY001",
						 "new-secret-0123456789abcdef", "us-west-2",
						 &err) == GCR_OK, "%s", err.message);
	text = slurp(creds);
	ck_assert_ptr_nonnull(strstr(text, "# my keys"));
	ck_assert_ptr_nonnull(strstr(text, "[other]"));
	ck_assert_ptr_nonnull(strstr(text, "other-secret-keep-me"));
	ck_assert_ptr_nonnull(strstr(text, "[gcr]"));
	ck_assert_ptr_nonnull(strstr(text, "AKIAGCRTESTNEWKEY001"));
	ck_assert_ptr_nonnull(strstr(text, "new-secret-0123456789abcdef"));
	ck_assert_int_eq(mode_of(creds), 0600);
	free(text);
	config = gcr_strdup_printf("%s/config", dir);
	text = slurp(config);
	ck_assert_ptr_nonnull(strstr(text, "[profile gcr]"));
	ck_assert_ptr_nonnull(strstr(text, "region = us-west-2"));
	free(text);
	/* Storing again replaces the key, keeps one section. */
	ck_assert(gcr_setup_store_access_key("gcr", "AKIAGCRTESTNEWKEY002",
					     "newer-secret-0123456789abcdef", NULL, &err) == GCR_OK);
	text = slurp(creds);
	ck_assert_ptr_null(strstr(text, "AKIAGCRTESTNEWKEY001"));
	ck_assert_ptr_nonnull(strstr(text, "AKIAGCRTESTNEWKEY002"));
	ck_assert_ptr_null(strstr(strstr(text, "[gcr]") + 1, "[gcr]"));
	free(text);
	free(config);
	free(creds);
	free(dir);
}
END_TEST

START_TEST(bad_access_keys_are_refused)
{
	struct gcr_error err;
	char *creds = gcr_strdup_printf("%s/.aws/credentials", tmpdir);

	ck_assert_int_eq(gcr_setup_store_access_key("p", "akia-lower", "x0123456789abcdefgh", NULL,
						    &err), GCR_ERR_INVALID);
	ck_assert_int_eq(gcr_setup_store_access_key("p", "AKIAGCRTESTNEWKEY001", "short", NULL,
						    &err), GCR_ERR_INVALID);
	ck_assert_int_eq(gcr_setup_store_access_key("a]b", "AKIAGCRTESTNEWKEY001",
						    "x0123456789abcdefgh", NULL, &err),
			 GCR_ERR_INVALID);
	ck_assert_int_ne(access(creds, F_OK), 0);   /* nothing written */
	ck_assert(gcr_setup_access_key_id_valid("ASIAGCRTESTNEWKEY001"));
	free(creds);
}
END_TEST

START_TEST(profiles_are_listed_once_default_first)
{
	struct gcr_error err;
	struct gcr_aws_config *cfg;
	char **names;
	size_t n;
	char *c = gcr_strdup_printf("%s/config", tmpdir), *k = gcr_strdup_printf("%s/creds", tmpdir);
	FILE *f = fopen(c, "w");

	fputs("[profile zeta]\nregion = us-west-2\n[default]\nregion = us-east-1\n"
	      "[sso-session s]\nsso_region = us-east-1\n", f);
	fclose(f);
	f = fopen(k, "w");
	fputs("[alpha]\naws_access_key_id = A\n[zeta]\naws_access_key_id = B\n", f);
	fclose(f);
	cfg = gcr_aws_config_load_files(c, k, &err);
	ck_assert_ptr_nonnull(cfg);
	names = gcr_setup_list_profiles(cfg, &n);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(names[0], "default");
	ck_assert_str_eq(names[1], "alpha");
	ck_assert_str_eq(names[2], "zeta");
	gcr_setup_free_strings(names);
	gcr_aws_config_free(cfg);
	free(c);
	free(k);
}
END_TEST

/* ---- the job role's policy ---------------------------------------------------------- */

static json_t *statement(json_t *doc, const char *sid)
{
	json_t *s;
	size_t i;

	json_array_foreach(json_object_get(doc, "Statement"), i, s)
		if (strcmp(json_string_value(json_object_get(s, "Sid")), sid) == 0)
			return s;
	return NULL;
}

START_TEST(job_policy_is_least_privilege)
{
	json_t *doc = gcr_setup_job_policy("aws", "111122223333", "us-west-2", "my-bucket", "alice",
					   "/gcrunner/batch", "gcrunner");
	json_t *s, *a, *r;
	size_t i, j;

	/* No wildcard action anywhere; "*" resources only for the ECR token. */
	json_array_foreach(json_object_get(doc, "Statement"), i, s) {
		ck_assert_str_eq(json_string_value(json_object_get(s, "Effect")), "Allow");
		json_array_foreach(json_object_get(s, "Action"), j, a)
			ck_assert_ptr_null(strchr(json_string_value(a), '*'));
		json_array_foreach(json_object_get(s, "Resource"), j, r)
			if (strcmp(json_string_value(r), "*") == 0)
				ck_assert_str_eq(json_string_value(json_object_get(s, "Sid")),
						 "PullImagesToken");
	}
	/* Writes only under the user's own prefix. */
	s = statement(doc, "ReadWriteOwnPrefix");
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(json_array_size(json_object_get(s, "Resource")), 1);
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(s, "Resource"), 0)),
			 "arn:aws:s3:::my-bucket/alice/*");
	/* Listing the bucket only under that prefix. */
	s = statement(doc, "ListOwnPrefix");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(
		json_object_get(json_object_get(s, "Condition"), "StringLike"), "s3:prefix"), 0)),
		"alice/");
	/* Input data: read only. */
	s = statement(doc, "ReadInputData");
	json_array_foreach(json_object_get(s, "Action"), j, a)
		ck_assert(strcmp(json_string_value(a), "s3:GetObject") == 0 ||
			  strcmp(json_string_value(a), "s3:ListBucket") == 0);
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(s, "Resource"), 0)),
			 "arn:aws:s3:::geos-chem");
	s = statement(doc, "WriteLogs");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(s, "Resource"), 0)),
			 "arn:aws:logs:us-west-2:111122223333:log-group:/gcrunner/batch:*");
	json_decref(doc);
}
END_TEST

/* ---- regions ---------------------------------------------------------------------------- */

START_TEST(region_advice_names_the_input_data_region)
{
	struct gcr_catalog *cat = NULL;
	struct gcr_error err;
	json_t *advice, *a;
	size_t i;
	int saw_west = 0, saw_east = 0;

	ck_assert_msg(gcr_catalog_load(NULL, &cat, &err) == GCR_OK, "%s", err.message);
	advice = gcr_setup_region_advice(cat);
	ck_assert_uint_gt(json_array_size(advice), 0);
	json_array_foreach(advice, i, a) {
		const char *region = json_string_value(json_object_get(a, "region"));
		int local = json_is_true(json_object_get(a, "input_data_local"));
		ck_assert_int_eq(local, strcmp(region, "us-west-2") == 0);
		if (strcmp(region, "us-west-2") == 0)
			saw_west = 1;
		if (strcmp(region, "us-east-1") == 0) {
			saw_east = 1;
			ck_assert_uint_gt(json_array_size(json_object_get(a, "x86_64_types")), 0);
			ck_assert_uint_gt(json_array_size(json_object_get(a, "arm64_types")), 0);
			ck_assert_double_eq_tol(json_number_value(json_object_get(
				a, "relative_to_us_east_1")), 1.0, 1e-9);
		}
	}
	ck_assert(saw_west && saw_east);
	json_decref(advice);
	gcr_catalog_free(cat);
}
END_TEST

/* ---- SSO against the test bed ------------------------------------------------------------ */

static char bed[96];

static void start_bed(void)
{
	const char *src = getenv("top_srcdir");
	char *cmd, *env_path, *text, *line, *save;

	make_home();
	ck_assert_ptr_nonnull(src);
	snprintf(bed, sizeof bed, "%s/bed", tmpdir);
	cmd = gcr_strdup_printf("'%s/tests/testbed/testbed.sh' start '%s' aws >/dev/null", src, bed);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
	env_path = gcr_strdup_printf("%s/env", bed);
	text = slurp(env_path);
	/* Lines "NAME=value; export NAME" (values may be quoted). */
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(line, '='), *semi, *v;
		if (line[0] == '#' || !eq || strncmp(line, "unset", 5) == 0)
			continue;
		*eq = '\0';
		v = eq + 1;
		semi = strstr(v, "; export");
		if (semi)
			*semi = '\0';
		if (*v == '\'' && strlen(v) >= 2) {
			v++;
			v[strlen(v) - 1] = '\0';
		}
		setenv(line, v, 1);
	}
	unsetenv("AWS_PROFILE");
	free(text);
	free(env_path);
}

static void stop_bed(void)
{
	char *cmd = gcr_strdup_printf("'%s/tests/testbed/testbed.sh' stop '%s' >/dev/null",
				      getenv("top_srcdir"), bed);

	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
	remove_home();
}

static void tbctl(const char *method, const char *path)
{
	char *cmd = gcr_strdup_printf("/usr/bin/python3 '%s/tests/testbed/tbctl' %s %s >/dev/null",
				      getenv("top_srcdir"), method, path);

	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
}

struct sso_run {
	int done, prompted, approve, slowdown;
	enum gcr_status st;
	struct gcr_error err;
	char user_code[64];
	json_t *answer;
};

static void on_prompt(const struct gcr_sso_device_prompt *p, void *data)
{
	struct sso_run *r = data;

	r->prompted++;
	if (r->slowdown)
		tbctl("POST", "sso-oidc/slowdown");
	ck_assert_ptr_nonnull(p->user_code);
	ck_assert_ptr_nonnull(strstr(p->verification_uri_complete, p->user_code));
	snprintf(r->user_code, sizeof r->user_code, "%s", p->user_code);
	/* The person confirms in the browser (a short blocking call is fine
	 * in a test). */
	tbctl("POST", r->approve ? "sso-oidc/approve" : "sso-oidc/deny");
}

static void on_done(enum gcr_status st, const struct gcr_error *err, void *data)
{
	struct sso_run *r = data;

	r->st = st;
	if (err)
		r->err = *err;
	r->done = 1;
}

static void on_json(enum gcr_status st, const struct gcr_error *err, json_t *answer, void *data)
{
	struct sso_run *r = data;

	on_done(st, err, r);
	r->answer = answer ? json_incref(answer) : NULL;
}

static void on_identity(enum gcr_status st, const struct gcr_error *err,
			const struct gcr_sts_identity *id, void *data)
{
	struct sso_run *r = data;

	on_done(st, err, r);
	if (id)
		r->answer = json_string(id->arn);
}

static void run(uv_loop_t *loop, struct sso_run *r)
{
	while (!r->done && uv_run(loop, UV_RUN_ONCE))
		;
	r->done = 0;
}

START_TEST(sso_device_flow_signs_in_and_the_chain_uses_it)
{
	struct gcr_sso_login_options o = {
		.start_url = "https://d-9067000000.awsapps.com/start",
		.sso_region = "us-east-1", .session_name = "gcr-test", .profile = "sso-dev",
		.region = "us-east-1",
	};
	struct sso_run r = { .approve = 1 };
	struct gcr_error err;
	uv_loop_t loop;
	struct gcr_sso_login *l;
	char *cache = gcr_sso_cache_path("gcr-test"), *text, *config;
	struct gcr_aws *aws;
	struct gcr_aws_options ao = { .loop = &loop, .profile = "sso-dev" };
	json_t *tok;

	uv_loop_init(&loop);
	l = gcr_sso_login_start(&loop, &o, on_prompt, on_done, &r, &err);
	ck_assert_msg(l != NULL, "%s", err.message);
	run(&loop, &r);
	ck_assert_msg(r.st == GCR_OK, "%s", r.err.message);
	ck_assert_int_eq(r.prompted, 1);
	/* The token is where the AWS CLI keeps it, readable by us alone. */
	ck_assert_int_eq(mode_of(cache), 0600);
	text = slurp(cache);
	tok = json_loads(text, 0, NULL);
	ck_assert_ptr_nonnull(tok);
	ck_assert_str_eq(json_string_value(json_object_get(tok, "startUrl")), o.start_url);
	ck_assert_str_eq(json_string_value(json_object_get(tok, "region")), "us-east-1");
	ck_assert(strncmp(json_string_value(json_object_get(tok, "accessToken")), "aoa", 3) == 0);
	ck_assert_ptr_nonnull(json_string_value(json_object_get(tok, "expiresAt")));
	json_decref(tok);
	free(text);

	gcr_sso_list_accounts(l, on_json, &r);
	run(&loop, &r);
	ck_assert_msg(r.st == GCR_OK, "%s", r.err.message);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(
		json_object_get(r.answer, "accountList"), 0), "accountId")), "111122223333");
	json_decref(r.answer);
	gcr_sso_list_roles(l, "111122223333", on_json, &r);
	run(&loop, &r);
	ck_assert_msg(r.st == GCR_OK, "%s", r.err.message);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(
		json_object_get(r.answer, "roleList"), 0), "roleName")), "GEOSChemResearcher");
	json_decref(r.answer);
	r.answer = NULL;
	ck_assert_msg(gcr_sso_write_profile(l, "111122223333", "GEOSChemResearcher", &err) == GCR_OK,
		      "%s", err.message);
	gcr_sso_login_free(l);
	uv_run(&loop, UV_RUN_DEFAULT);

	config = gcr_strdup_printf("%s/.aws/config", tmpdir);
	text = slurp(config);
	ck_assert_ptr_nonnull(strstr(text, "[sso-session gcr-test]"));
	ck_assert_ptr_nonnull(strstr(text, "sso_start_url = https://d-9067000000.awsapps.com/start"));
	ck_assert_ptr_nonnull(strstr(text, "[profile sso-dev]"));
	ck_assert_ptr_nonnull(strstr(text, "sso_role_name = GEOSChemResearcher"));
	free(text);

	/* Verified the way setup does: the credential chain (source "sso")
	 * gets role credentials from the portal; STS says who they are. */
	aws = gcr_aws_new(&ao, &err);
	ck_assert_msg(aws != NULL, "%s", err.message);
	gcr_sts_get_caller_identity(aws, NULL, on_identity, &r);
	run(&loop, &r);
	ck_assert_msg(r.st == GCR_OK, "%s", r.err.message);
	ck_assert_str_eq(json_string_value(r.answer),
			 "arn:aws:sts::111122223333:assumed-role/GEOSChemResearcher/sso-user");
	json_decref(r.answer);
	gcr_aws_free(aws);
	uv_run(&loop, UV_RUN_DEFAULT);
	ck_assert_int_eq(uv_loop_close(&loop), 0);
	free(config);
	free(cache);
}
END_TEST

START_TEST(sso_declined_is_reported)
{
	struct gcr_sso_login_options o = {
		.start_url = "https://d-9067000000.awsapps.com/start",
		.sso_region = "us-east-1", .session_name = "gcr-deny", .profile = "p",
	};
	struct sso_run r = { .approve = 0 };
	struct gcr_error err;
	uv_loop_t loop;
	struct gcr_sso_login *l;
	char *cache = gcr_sso_cache_path("gcr-deny");

	uv_loop_init(&loop);
	l = gcr_sso_login_start(&loop, &o, on_prompt, on_done, &r, &err);
	ck_assert_ptr_nonnull(l);
	run(&loop, &r);
	ck_assert_int_eq(r.st, GCR_ERR_AUTH);
	ck_assert_ptr_nonnull(strstr(r.err.message, "declined"));
	ck_assert_int_ne(access(cache, F_OK), 0);
	gcr_sso_login_free(l);
	uv_run(&loop, UV_RUN_DEFAULT);
	ck_assert_int_eq(uv_loop_close(&loop), 0);
	free(cache);
}
END_TEST

/* The times (epoch s) of the CreateToken calls the test bed saw. */
static int token_call_times(double *t, int max)
{
	char *cmd = gcr_strdup_printf("/usr/bin/python3 '%s/tests/testbed/tbctl' GET "
				      "'requests?operation=CreateToken'", getenv("top_srcdir"));
	FILE *f = popen(cmd, "r");
	json_t *doc = json_loadf(f, 0, NULL), *e;
	size_t i;
	int n = 0;

	pclose(f);
	free(cmd);
	json_array_foreach(json_object_get(doc, "requests"), i, e)
		if (n < max)
			t[n++] = json_number_value(json_object_get(e, "t"));
	json_decref(doc);
	return n;
}

START_TEST(sso_slow_down_adds_five_seconds)
{
	struct gcr_sso_login_options o = {
		.start_url = "https://d-9067000000.awsapps.com/start",
		.sso_region = "us-east-1", .session_name = "gcr-slow", .profile = "p",
	};
	struct sso_run r = { .approve = 1, .slowdown = 1 };
	struct gcr_error err;
	uv_loop_t loop;
	struct gcr_sso_login *l;
	double t[8];
	int n;

	uv_loop_init(&loop);
	l = gcr_sso_login_start(&loop, &o, on_prompt, on_done, &r, &err);
	ck_assert_ptr_nonnull(l);
	run(&loop, &r);
	ck_assert_msg(r.st == GCR_OK, "%s", r.err.message);
	/* First poll: SlowDownException; the next waits interval (1 s) + 5 s
	 * (RFC 8628 section 3.5) -- a protocol rule, checked as a lower bound. */
	n = token_call_times(t, 8);
	ck_assert_int_eq(n, 2);
	ck_assert_msg(t[1] - t[0] >= 5.9, "polled again after %.2f s", t[1] - t[0]);
	gcr_sso_login_free(l);
	uv_run(&loop, UV_RUN_DEFAULT);
	ck_assert_int_eq(uv_loop_close(&loop), 0);
}
END_TEST

START_TEST(sso_start_url_must_be_https)
{
	struct gcr_sso_login_options o = {
		.start_url = "http://example.org/start", .sso_region = "us-east-1",
		.session_name = "s", .profile = "p",
	};
	struct gcr_error err;
	uv_loop_t loop;

	uv_loop_init(&loop);
	ck_assert_ptr_null(gcr_sso_login_start(&loop, &o, NULL, NULL, NULL, &err));
	ck_assert_int_eq(err.code, GCR_ERR_INVALID);
	ck_assert_int_eq(uv_loop_close(&loop), 0);
}
END_TEST

/* ---- what a typical plan needs ------------------------------------------------------- */

START_TEST(typical_need_comes_from_the_estimate)
{
	struct gcr_catalog *cat = NULL;
	struct gcr_error err;
	struct gcr_setup_need def, mine, chosen, bad;
	const struct gcr_instance_type *it;
	struct gcr_spec spec, other;

	ck_assert_msg(gcr_catalog_load(NULL, &cat, &err) == GCR_OK, "%s", err.message);
	/* The default run: one instance of setup's x86 families (Graviton is
	 * not recommended until a run of the user's own calibrates it). */
	gcr_setup_typical_need(cat, NULL, "us-east-1", &def);
	it = gcr_catalog_find_instance(cat, def.instance_type);
	ck_assert_msg(it != NULL, "%s", def.instance_type);
	ck_assert(strncmp(it->id, "c5.", 3) == 0 || strncmp(it->id, "c6i.", 4) == 0 ||
		  strncmp(it->id, "c6a.", 4) == 0);
	ck_assert_int_eq(def.nodes, 1);
	ck_assert_int_eq(def.vcpus_per_node, it->vcpus);
	ck_assert_double_eq(def.vcpus, it->vcpus);
	ck_assert_ptr_nonnull(strstr(def.basis, def.instance_type));
	ck_assert_ptr_nonnull(strstr(def.basis, "default run"));

	/* A chosen type and node count are what the run needs. */
	gcr_spec_init(&spec);
	spec.model = GCR_MODEL_GCHP;
	snprintf(spec.grid, sizeof spec.grid, "C90");
	snprintf(spec.instance_type, sizeof spec.instance_type, "c6i.32xlarge");
	spec.nodes = 2;
	gcr_setup_typical_need(cat, &spec, "us-east-1", &chosen);
	ck_assert_str_eq(chosen.instance_type, "c6i.32xlarge");
	ck_assert_int_eq(chosen.nodes, 2);
	ck_assert_double_eq(chosen.vcpus, 2.0 * gcr_catalog_find_instance(cat, "c6i.32xlarge")->vcpus);
	ck_assert_ptr_nonnull(strstr(chosen.basis, "chosen"));

	/* Choices without a type: the recommendation for them. */
	gcr_spec_init(&other);
	other.model = GCR_MODEL_CLASSIC;
	snprintf(other.grid, sizeof other.grid, "2x2.5");
	gcr_setup_typical_need(cat, &other, "us-east-1", &mine);
	ck_assert_double_eq(mine.vcpus, (double)mine.vcpus_per_node * mine.nodes);
	ck_assert_ptr_nonnull(strstr(mine.basis, "your choices"));
	ck_assert_ptr_nonnull(strstr(mine.basis, "2x2.5"));

	/* Choices that make no run (a Classic grid for GCHP): the default run. */
	snprintf(spec.grid, sizeof spec.grid, "4x5");
	gcr_setup_typical_need(cat, &spec, "us-east-1", &bad);
	ck_assert_double_eq(bad.vcpus, def.vcpus);
	ck_assert_ptr_nonnull(strstr(bad.basis, "default run"));
	gcr_catalog_free(cat);
}
END_TEST

static Suite *setup_suite(void)
{
	Suite *s = suite_create("setup");
	TCase *local = tcase_create("local"), *bedcase = tcase_create("testbed");

	tcase_add_checked_fixture(local, make_home, remove_home);
	tcase_add_test(local, access_key_is_merged_not_clobbered);
	tcase_add_test(local, bad_access_keys_are_refused);
	tcase_add_test(local, profiles_are_listed_once_default_first);
	tcase_add_test(local, job_policy_is_least_privilege);
	tcase_add_test(local, region_advice_names_the_input_data_region);
	tcase_add_test(local, sso_start_url_must_be_https);
	tcase_add_test(local, typical_need_comes_from_the_estimate);
	suite_add_tcase(s, local);
	tcase_add_checked_fixture(bedcase, start_bed, stop_bed);
	tcase_set_timeout(bedcase, 60);
	tcase_add_test(bedcase, sso_device_flow_signs_in_and_the_chain_uses_it);
	tcase_add_test(bedcase, sso_declined_is_reported);
	tcase_add_test(bedcase, sso_slow_down_adds_five_seconds);
	suite_add_tcase(s, bedcase);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(setup_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
