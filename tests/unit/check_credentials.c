/* check_credentials.c: the credential chain on a real libuv loop.
 *
 * credential_process runs real scripts through uv_spawn; STS, SSO, the
 * container endpoint and IMDSv2 are answered by tests/unit/cred_fixture.py
 * on 127.0.0.1, which checks AssumeRole's SigV4 signature with botocore. */
#include "config.h"

#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <uv.h>

#include "aws/credentials.h"
#include "paths.h"

static char tmpdir[64];
static pid_t fixture_pid;
static int fixture_stdin = -1;
static int port;

/* ---- the fixture server, once for the whole suite ----------------------- */

static void start_fixture(void)
{
	int in[2], out[2];
	const char *srcdir = getenv("top_srcdir");
	char *script = gcr_strdup_printf("%s/tests/unit/cred_fixture.py", srcdir ? srcdir : "..");
	char line[32] = "";
	FILE *f;

	ck_assert_int_eq(pipe(in), 0);
	ck_assert_int_eq(pipe(out), 0);
	fixture_pid = fork();
	ck_assert_int_ge(fixture_pid, 0);
	if (fixture_pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[1]);
		close(out[0]);
		execl("/usr/bin/python3", "python3", script, (char *)NULL);
		_exit(127);
	}
	free(script);
	close(in[0]);
	close(out[1]);
	fixture_stdin = in[1];
	f = fdopen(out[0], "r");
	ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
	fclose(f);
	port = atoi(line);
	ck_assert_int_gt(port, 0);
}

static void stop_fixture(void)
{
	int status;

	close(fixture_stdin);
	kill(fixture_pid, SIGTERM);
	waitpid(fixture_pid, &status, 0);
}

/* ---- per test: a private HOME and a clean environment -------------------- */

static void write_file(const char *name, const char *text, mode_t mode)
{
	char *path = gcr_strdup_printf("%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
	free(path);
}

static void setup(void)
{
	static const char *const vars[] = {
		"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
		"AWS_CREDENTIAL_EXPIRATION", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION",
		"AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL_SSO",
		"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
		"AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
		"AWS_EC2_METADATA_SERVICE_ENDPOINT", "AWS_MAX_ATTEMPTS",
	};
	size_t i;
	char *v;

	strcpy(tmpdir, "/tmp/gcr-creds.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	for (i = 0; i < sizeof vars / sizeof vars[0]; i++)
		unsetenv(vars[i]);
	setenv("HOME", tmpdir, 1);
	v = gcr_strdup_printf("%s/config", tmpdir);
	setenv("AWS_CONFIG_FILE", v, 1);
	free(v);
	v = gcr_strdup_printf("%s/credentials", tmpdir);
	setenv("AWS_SHARED_CREDENTIALS_FILE", v, 1);
	free(v);
	/* Never probe a real metadata service from a test. */
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
}

static void teardown(void)
{
	char *cmd = gcr_strdup_printf("rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
}

static void point_at_fixture(const char *var, const char *path)
{
	char *url = gcr_strdup_printf("http://127.0.0.1:%d%s", port, path);
	setenv(var, url, 1);
	free(url);
}

/* ---- running the chain ---------------------------------------------------- */

struct outcome {
	int calls;
	int returned;           /* get() has returned */
	int called_inside;      /* a callback ran inside get(): forbidden */
	enum gcr_status st;
	struct gcr_aws_credentials creds;
	struct gcr_error err;
};

static void on_creds(enum gcr_status st, const struct gcr_aws_credentials *creds,
		     const struct gcr_error *err, void *data)
{
	struct outcome *o = data;

	o->calls++;
	if (!o->returned)
		o->called_inside = 1;
	o->st = st;
	gcr_aws_credentials_clear(&o->creds);
	if (st == GCR_OK) {
		ck_assert_ptr_nonnull(creds);
		gcr_aws_credentials_copy(&o->creds, creds);
	} else {
		ck_assert_ptr_nonnull(err);
		o->err = *err;
	}
}

static void run_until(uv_loop_t *loop, const int *calls, int want)
{
	while (*calls < want)
		if (uv_run(loop, UV_RUN_ONCE) == 0 && *calls < want)
			break;
}

struct chain {
	uv_loop_t loop;
	struct gcr_aws_credential_provider *p;
};

static void chain_open(struct chain *c, const char *profile, int margin, int timeout)
{
	struct gcr_aws_credentials_options o = { 0 };
	struct gcr_error err;

	ck_assert_int_eq(uv_loop_init(&c->loop), 0);
	o.loop = &c->loop;
	o.profile = profile;
	o.refresh_margin_seconds = margin;
	o.process_timeout_seconds = timeout;
	c->p = gcr_aws_credential_provider_new(&o, &err);
	ck_assert_msg(c->p != NULL, "%s", err.message);
}

static void chain_get(struct chain *c, struct outcome *o)
{
	int before = o->calls;

	o->returned = 0;
	gcr_aws_credentials_get(c->p, on_creds, o);
	o->returned = 1;
	run_until(&c->loop, &o->calls, before + 1);
	ck_assert_int_eq(o->calls, before + 1);
	ck_assert(!o->called_inside);
}

static void chain_close(struct chain *c)
{
	gcr_aws_credential_provider_free(c->p);
	uv_run(&c->loop, UV_RUN_DEFAULT);
	ck_assert_int_eq(uv_loop_close(&c->loop), 0);
}

/* One resolution from a fresh provider. */
static struct outcome resolve(const char *profile)
{
	struct chain c;
	struct outcome o = { 0 };

	chain_open(&c, profile, 0, 0);
	chain_get(&c, &o);
	chain_close(&c);
	return o;
}

static void expect_ok(struct outcome *o, const char *key, enum gcr_aws_credential_source src,
		      const char *description)
{
	ck_assert_msg(o->st == GCR_OK, "expected credentials, got: %s", o->err.message);
	if (key)
		ck_assert_str_eq(o->creds.access_key_id, key);
	ck_assert_int_eq(o->creds.source, src);
	if (description)
		ck_assert_str_eq(gcr_credentials_describe_source(&o->creds), description);
}

static void expect_fail(struct outcome *o, const char *words)
{
	ck_assert_msg(o->st != GCR_OK, "expected a failure containing '%s'", words);
	ck_assert_msg(strstr(o->err.message, words) != NULL, "'%s' not in: %s", words, o->err.message);
}

/* ---- environment and files ----------------------------------------------- */

START_TEST(environment_first_unless_a_profile_is_named)
{
	struct outcome o;
	char *desc;

	write_file("credentials", "[default]\naws_access_key_id = AKIDFILE\n"
				  "aws_secret_access_key = file-secret\n"
				  "[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = dev-secret\n", 0600);
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "env-secret", 1);
	setenv("AWS_SESSION_TOKEN", "env-token", 1);
	o = resolve(NULL);
	expect_ok(&o, "AKIDENV", GCR_AWS_SOURCE_ENVIRONMENT, "environment");
	ck_assert_str_eq(o.creds.session_token, "env-token");
	ck_assert_str_eq(gcr_aws_credential_source_token(o.creds.source), "environment");
	gcr_aws_credentials_clear(&o.creds);

	/* AWS_PROFILE does not skip the environment ... */
	setenv("AWS_PROFILE", "dev", 1);
	o = resolve(NULL);
	expect_ok(&o, "AKIDENV", GCR_AWS_SOURCE_ENVIRONMENT, NULL);
	gcr_aws_credentials_clear(&o.creds);

	/* ... but --profile does. */
	o = resolve("dev");
	desc = gcr_strdup_printf("profile dev in %s/credentials", tmpdir);
	expect_ok(&o, "AKIDDEV", GCR_AWS_SOURCE_CREDENTIALS_FILE, desc);
	ck_assert_ptr_null(o.creds.session_token);
	free(desc);
	gcr_aws_credentials_clear(&o.creds);

	/* Half the environment is an error, not a silent fall-through. */
	unsetenv("AWS_SECRET_ACCESS_KEY");
	o = resolve(NULL);
	expect_fail(&o, "AWS_SECRET_ACCESS_KEY");
}
END_TEST

START_TEST(profile_order_files_and_process)
{
	struct outcome o;
	char *cfg;

	write_file("creds.sh", "#!/bin/sh\nprintf '{\"Version\": 1, \"AccessKeyId\": \"AKIDPROC\", "
			       "\"SecretAccessKey\": \"proc-secret\"}'\n", 0700);
	cfg = gcr_strdup_printf(
		"[default]\nregion = eu-west-1\n"
		"[profile both]\ncredential_process = %s/creds.sh\n"
		"aws_access_key_id = AKIDCONFIG\naws_secret_access_key = cfg-secret\n"
		"[profile fileonly]\naws_access_key_id = AKIDCONFIG2\naws_secret_access_key = c2\n"
		"[profile shadowed]\ncredential_process = %s/creds.sh\n", tmpdir, tmpdir);
	write_file("config", cfg, 0600);
	free(cfg);
	write_file("credentials", "[shadowed]\naws_access_key_id = AKIDCREDFILE\n"
				  "aws_secret_access_key = cf-secret\naws_session_token = cf-token\n", 0600);

	/* credential_process comes before static keys in the config file */
	o = resolve("both");
	expect_ok(&o, "AKIDPROC", GCR_AWS_SOURCE_PROCESS, "credential_process of profile both");
	ck_assert_int_eq(o.creds.expiration, 0);
	gcr_aws_credentials_clear(&o.creds);
	/* the credentials file comes before credential_process */
	o = resolve("shadowed");
	expect_ok(&o, "AKIDCREDFILE", GCR_AWS_SOURCE_CREDENTIALS_FILE, NULL);
	ck_assert_str_eq(o.creds.session_token, "cf-token");
	gcr_aws_credentials_clear(&o.creds);
	o = resolve("fileonly");
	expect_ok(&o, "AKIDCONFIG2", GCR_AWS_SOURCE_CONFIG_FILE, NULL);
	gcr_aws_credentials_clear(&o.creds);

	/* A named profile that does not exist names the files it looked in. */
	o = resolve("ghost");
	expect_fail(&o, "profile ghost");
	ck_assert_ptr_nonnull(strstr(o.err.message, "/config"));
	/* default exists with only a region, nothing else is configured */
	o = resolve(NULL);
	expect_fail(&o, "no AWS credentials found");
	ck_assert_int_eq(o.st, GCR_ERR_AUTH);
}
END_TEST

/* ---- credential_process ---------------------------------------------------- */

static void process_profile(const char *script_body)
{
	char *cfg = gcr_strdup_printf("[default]\ncredential_process = \"%s/cp.sh\" --flag 'a b'\n",
				      tmpdir);

	write_file("cp.sh", script_body, 0700);
	write_file("config", cfg, 0600);
	free(cfg);
}

START_TEST(process_success_reads_expiration)
{
	struct outcome o;
	char script[512];
	char when[32];
	time_t t = time(NULL) + 3600;

	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	/* The arguments arrive split as a shell would (quotes honoured). */
	snprintf(script, sizeof script,
		 "#!/bin/sh\n[ \"$1\" = --flag ] && [ \"$2\" = 'a b' ] || exit 9\n"
		 "echo '{\"Version\": 1, \"AccessKeyId\": \"ASIAPROC\", \"SecretAccessKey\": \"s\", "
		 "\"SessionToken\": \"t\", \"Expiration\": \"%s\"}'\n", when);
	process_profile(script);
	o = resolve(NULL);
	expect_ok(&o, "ASIAPROC", GCR_AWS_SOURCE_PROCESS, "credential_process of profile default");
	ck_assert_str_eq(o.creds.session_token, "t");
	ck_assert_int_eq(o.creds.expiration, t);
	gcr_aws_credentials_clear(&o.creds);
}
END_TEST

START_TEST(process_failures_are_explained_without_secrets)
{
	struct outcome o;

	process_profile("#!/bin/sh\necho 'token endpoint unreachable' >&2\n"
			"echo '{\"SecretAccessKey\": \"leaked-secret\"}'\nexit 3\n");
	o = resolve(NULL);
	expect_fail(&o, "exit status 3");
	ck_assert_ptr_nonnull(strstr(o.err.message, "token endpoint unreachable"));
	ck_assert_ptr_null(strstr(o.err.message, "leaked-secret"));

	process_profile("#!/bin/sh\necho 'not json, secret-ish'\n");
	o = resolve(NULL);
	expect_fail(&o, "JSON");
	ck_assert_ptr_null(strstr(o.err.message, "secret-ish"));

	process_profile("#!/bin/sh\necho '{\"Version\": 2, \"AccessKeyId\": \"A\", "
			"\"SecretAccessKey\": \"S\"}'\n");
	o = resolve(NULL);
	expect_fail(&o, "Version");

	process_profile("#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"A\", "
			"\"SecretAccessKey\": \"S\", \"Expiration\": \"2001-01-01T00:00:00Z\"}'\n");
	o = resolve(NULL);
	expect_fail(&o, "expired");

	write_file("config", "[default]\ncredential_process = /nonexistent/helper\n", 0600);
	o = resolve(NULL);
	expect_fail(&o, "cannot run credential_process");

	write_file("config", "[default]\ncredential_process = \"unterminated\n", 0600);
	o = resolve(NULL);
	expect_fail(&o, "quote");
}
END_TEST

START_TEST(process_timeout_kills_it)
{
	struct chain c;
	struct outcome o = { 0 };

	process_profile("#!/bin/sh\nexec sleep 30\n");
	chain_open(&c, NULL, 0, 1);
	chain_get(&c, &o);
	expect_fail(&o, "did not finish");
	chain_close(&c);
}
END_TEST

/* A process that counts its runs in a file and prints key AKID<n>; the
 * expiry is given in seconds from now; FAIL_FROM makes run n and later fail. */
static void counting_process(int expires_in, int fail_from)
{
	char *script = gcr_strdup_printf(
		"#!/bin/sh\nn=$(cat '%s/count' 2>/dev/null || echo 0); n=$((n+1)); echo $n > '%s/count'\n"
		"[ %d -gt 0 ] && [ $n -ge %d ] && { echo 'refresh broke' >&2; exit 1; }\n"
		"exp=$(date -u -d \"@$(( $(date +%%s) + %d ))\" +%%Y-%%m-%%dT%%H:%%M:%%SZ)\n"
		"echo \"{\\\"Version\\\": 1, \\\"AccessKeyId\\\": \\\"AKID$n\\\", "
		"\\\"SecretAccessKey\\\": \\\"s$n\\\", \\\"SessionToken\\\": \\\"t$n\\\", "
		"\\\"Expiration\\\": \\\"$exp\\\"}\"\n",
		tmpdir, tmpdir, fail_from, fail_from, expires_in);

	process_profile(script);
	free(script);
}

static int run_count(void)
{
	char *path = gcr_strdup_printf("%s/count", tmpdir);
	FILE *f = fopen(path, "r");
	int n = 0;

	free(path);
	if (f) {
		if (fscanf(f, "%d", &n) != 1)
			n = 0;
		fclose(f);
	}
	return n;
}

START_TEST(expiring_credentials_are_refreshed)
{
	struct chain c;
	struct outcome o = { 0 };

	/* Valid for 120 s, refreshed 300 s before expiry: every get runs the
	 * process again. */
	counting_process(120, 0);
	chain_open(&c, NULL, 300, 0);
	chain_get(&c, &o);
	expect_ok(&o, "AKID1", GCR_AWS_SOURCE_PROCESS, NULL);
	ck_assert_ptr_null(gcr_aws_credentials_cached(c.p));
	chain_get(&c, &o);
	expect_ok(&o, "AKID2", GCR_AWS_SOURCE_PROCESS, NULL);
	ck_assert_int_eq(run_count(), 2);
	chain_close(&c);
	gcr_aws_credentials_clear(&o.creds);

	/* With a 30 s margin they are fresh: cached, no new run. */
	chain_open(&c, NULL, 30, 0);
	chain_get(&c, &o);
	expect_ok(&o, "AKID3", GCR_AWS_SOURCE_PROCESS, NULL);
	ck_assert_ptr_nonnull(gcr_aws_credentials_cached(c.p));
	ck_assert_str_eq(gcr_aws_credentials_cached(c.p)->access_key_id, "AKID3");
	chain_get(&c, &o);
	expect_ok(&o, "AKID3", GCR_AWS_SOURCE_PROCESS, NULL);
	ck_assert_int_eq(run_count(), 3);
	/* invalidate forces a new run */
	gcr_aws_credentials_invalidate(c.p);
	ck_assert_ptr_null(gcr_aws_credentials_cached(c.p));
	chain_get(&c, &o);
	expect_ok(&o, "AKID4", GCR_AWS_SOURCE_PROCESS, NULL);
	chain_close(&c);
	gcr_aws_credentials_clear(&o.creds);
}
END_TEST

START_TEST(failed_refresh_keeps_still_valid_credentials)
{
	struct chain c;
	struct outcome o = { 0 };

	/* Run 2 onwards fails; run 1's credentials (valid 120 s, inside the
	 * 300 s margin) are kept while they last. */
	counting_process(120, 2);
	chain_open(&c, NULL, 300, 0);
	chain_get(&c, &o);
	expect_ok(&o, "AKID1", GCR_AWS_SOURCE_PROCESS, NULL);
	chain_get(&c, &o);
	expect_ok(&o, "AKID1", GCR_AWS_SOURCE_PROCESS, NULL);
	ck_assert_int_eq(run_count(), 2);
	chain_close(&c);
	gcr_aws_credentials_clear(&o.creds);

	/* Already expired ones are not kept: the failure comes through. */
	{
		char *count = gcr_strdup_printf("%s/count", tmpdir);
		unlink(count);
		free(count);
	}
	counting_process(-10, 1);
	o = resolve(NULL);
	expect_fail(&o, "refresh broke");
}
END_TEST

START_TEST(concurrent_gets_share_one_run)
{
	struct chain c;
	struct outcome o[5];
	int i, total = 0;

	memset(o, 0, sizeof o);
	counting_process(3600, 0);
	chain_open(&c, NULL, 0, 0);
	for (i = 0; i < 5; i++) {
		gcr_aws_credentials_get(c.p, on_creds, &o[i]);
		o[i].returned = 1;
	}
	for (;;) {
		int alive = uv_run(&c.loop, UV_RUN_ONCE);
		for (total = 0, i = 0; i < 5; i++)
			total += o[i].calls;
		if (total == 5 || !alive)
			break;
	}
	ck_assert_int_eq(total, 5);
	for (i = 0; i < 5; i++) {
		expect_ok(&o[i], "AKID1", GCR_AWS_SOURCE_PROCESS, NULL);
		gcr_aws_credentials_clear(&o[i].creds);
	}
	ck_assert_int_eq(run_count(), 1);
	chain_close(&c);
}
END_TEST

START_TEST(free_while_process_runs_cancels)
{
	struct chain c;
	struct outcome o = { 0 };

	process_profile("#!/bin/sh\nexec sleep 30\n");
	chain_open(&c, NULL, 0, 0);
	gcr_aws_credentials_get(c.p, on_creds, &o);
	o.returned = 1;
	/* Let the process start, then drop the provider. */
	uv_run(&c.loop, UV_RUN_NOWAIT);
	uv_run(&c.loop, UV_RUN_NOWAIT);
	gcr_aws_credential_provider_free(c.p);
	ck_assert_int_eq(o.calls, 1);
	ck_assert_int_eq(o.st, GCR_ERR_CANCELLED);
	/* The killed child is reaped and every handle closes. */
	uv_run(&c.loop, UV_RUN_DEFAULT);
	ck_assert_int_eq(uv_loop_close(&c.loop), 0);
}
END_TEST

START_TEST(split_command_like_a_shell)
{
	char **a = gcr_aws_split_command("  /bin/helper --a 'b c' \"d \\\"e\\\"\" f\\ g ''  ");
	ck_assert_ptr_nonnull(a);
	ck_assert_str_eq(a[0], "/bin/helper");
	ck_assert_str_eq(a[1], "--a");
	ck_assert_str_eq(a[2], "b c");
	ck_assert_str_eq(a[3], "d \"e\"");
	ck_assert_str_eq(a[4], "f g");
	ck_assert_str_eq(a[5], "");
	ck_assert_ptr_null(a[6]);
	for (int i = 0; a[i]; i++)
		free(a[i]);
	free(a);
	ck_assert_ptr_null(gcr_aws_split_command("x 'open"));
	ck_assert_ptr_null(gcr_aws_split_command("x \"open"));
}
END_TEST

/* ---- STS, SSO, container, IMDS through the fixture --------------------------- */

static json_t *fixture_log(void)
{
	char *cmd = gcr_strdup_printf("/usr/bin/python3 -c \"import urllib.request,sys; "
				      "sys.stdout.write(urllib.request.urlopen('http://127.0.0.1:%d/log')"
				      ".read().decode())\"", port);
	FILE *p = popen(cmd, "r");
	json_error_t jerr;
	json_t *log;

	ck_assert_ptr_nonnull(p);
	log = json_loadf(p, 0, &jerr);
	pclose(p);
	free(cmd);
	ck_assert_ptr_nonnull(log);
	return log;
}

/* The last logged entry with this action. */
static json_t *last_action(json_t *log, const char *action, int back)
{
	size_t i = json_array_size(log);

	while (i-- > 0) {
		json_t *e = json_array_get(log, i);
		const char *a = json_string_value(json_object_get(e, "action"));
		if (a && strcmp(a, action) == 0 && back-- == 0)
			return e;
	}
	return NULL;
}

START_TEST(assume_role_is_signed_with_the_source_profile)
{
	struct outcome o;
	json_t *log, *e;

	point_at_fixture("AWS_ENDPOINT_URL_STS", "");
	write_file("credentials", "[base]\naws_access_key_id = AKIDBASE\n"
				  "aws_secret_access_key = base-secret\n", 0600);
	write_file("config",
		   "[profile base]\nregion = eu-west-1\n"
		   "[profile role1]\nrole_arn = arn:aws:iam::123456789012:role/one\n"
		   "source_profile = base\nrole_session_name = gcr-test\nregion = eu-north-1\n"
		   "external_id = ext-42\nduration_seconds = 1800\n"
		   "[profile role2]\nrole_arn = arn:aws:iam::123456789012:role/two\n"
		   "source_profile = role1\n"
		   "[profile loop1]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = loop2\n"
		   "[profile loop2]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = loop1\n"
		   "[profile envrole]\nrole_arn = arn:aws:iam::123456789012:role/env\n"
		   "credential_source = Environment\n"
		   "[profile badsource]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = nothere\n"
		   "[profile wrongkey]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = wrong\n"
		   "[profile wrong]\naws_access_key_id = AKIDBASE\naws_secret_access_key = nope\n",
		   0600);

	o = resolve("role1");
	expect_ok(&o, NULL, GCR_AWS_SOURCE_ASSUME_ROLE,
		  "assume-role arn:aws:iam::123456789012:role/one via profile base");
	ck_assert(strncmp(o.creds.access_key_id, "ASIA", 4) == 0);
	ck_assert_ptr_nonnull(o.creds.session_token);
	ck_assert_int_gt(o.creds.expiration, time(NULL) + 3000);
	gcr_aws_credentials_clear(&o.creds);
	log = fixture_log();
	e = last_action(log, "AssumeRole", 0);
	ck_assert_ptr_nonnull(e);
	ck_assert(json_is_true(json_object_get(e, "ok")));
	ck_assert_str_eq(json_string_value(json_object_get(e, "key")), "AKIDBASE");
	ck_assert_str_eq(json_string_value(json_object_get(e, "region")), "eu-north-1");
	ck_assert_str_eq(json_string_value(json_object_get(e, "role_arn")),
			 "arn:aws:iam::123456789012:role/one");
	ck_assert_str_eq(json_string_value(json_object_get(e, "session")), "gcr-test");
	ck_assert_str_eq(json_string_value(json_object_get(e, "external_id")), "ext-42");
	ck_assert_str_eq(json_string_value(json_object_get(e, "duration")), "1800");
	json_decref(log);

	/* A chain: role2's source is role1, whose source is base.  The second
	 * call is signed with the first call's temporary credentials. */
	o = resolve("role2");
	expect_ok(&o, NULL, GCR_AWS_SOURCE_ASSUME_ROLE,
		  "assume-role arn:aws:iam::123456789012:role/two via profile role1");
	gcr_aws_credentials_clear(&o.creds);
	log = fixture_log();
	e = last_action(log, "AssumeRole", 0);
	ck_assert(json_is_true(json_object_get(e, "ok")));
	ck_assert(strncmp(json_string_value(json_object_get(e, "key")), "ASIA", 4) == 0);
	ck_assert(json_is_true(json_object_get(e, "token_sent")));
	ck_assert(strncmp(json_string_value(json_object_get(e, "session")), "gcrunner-", 9) == 0);
	e = last_action(log, "AssumeRole", 1);
	ck_assert_str_eq(json_string_value(json_object_get(e, "key")), "AKIDBASE");
	json_decref(log);

	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "env-secret", 1);
	o = resolve("envrole");
	expect_ok(&o, NULL, GCR_AWS_SOURCE_ASSUME_ROLE,
		  "assume-role arn:aws:iam::123456789012:role/env via Environment");
	gcr_aws_credentials_clear(&o.creds);
	unsetenv("AWS_ACCESS_KEY_ID");
	unsetenv("AWS_SECRET_ACCESS_KEY");

	o = resolve("loop1");
	expect_fail(&o, "circular");
	o = resolve("badsource");
	expect_fail(&o, "nothere");
	/* STS refuses a bad signature; the error says so and names the role. */
	setenv("AWS_MAX_ATTEMPTS", "1", 1);
	o = resolve("wrongkey");
	expect_fail(&o, "SignatureDoesNotMatch");
	ck_assert_ptr_nonnull(strstr(o.err.message, "arn:aws:iam::1:role/x"));
	ck_assert_ptr_null(strstr(o.err.message, "nope"));
}
END_TEST

START_TEST(web_identity_from_environment)
{
	struct outcome o;
	char *token_path = gcr_strdup_printf("%s/token", tmpdir);
	json_t *log, *e;

	point_at_fixture("AWS_ENDPOINT_URL_STS", "");
	write_file("token", "web-token-123\n", 0600);
	setenv("AWS_WEB_IDENTITY_TOKEN_FILE", token_path, 1);
	setenv("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/web", 1);
	setenv("AWS_ROLE_SESSION_NAME", "pod-7", 1);
	o = resolve(NULL);
	expect_ok(&o, NULL, GCR_AWS_SOURCE_WEB_IDENTITY,
		  "web identity arn:aws:iam::123456789012:role/web");
	gcr_aws_credentials_clear(&o.creds);
	log = fixture_log();
	e = last_action(log, "AssumeRoleWithWebIdentity", 0);
	ck_assert(json_is_false(json_object_get(e, "signed")));
	ck_assert_str_eq(json_string_value(json_object_get(e, "session")), "pod-7");
	json_decref(log);
	free(token_path);
}
END_TEST

static void sso_cache(const char *key, const char *token, long expires_in)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;
	char hex[2 * EVP_MAX_MD_SIZE + 1], when[32], *name, *body, *dir;
	time_t t = time(NULL) + expires_in;

	EVP_Digest(key, strlen(key), md, &n, EVP_sha1(), NULL);
	for (i = 0; i < n; i++)
		sprintf(hex + 2 * i, "%02x", md[i]);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	dir = gcr_strdup_printf("mkdir -p '%s/.aws/sso/cache'", tmpdir);
	ck_assert_int_eq(system(dir), 0);
	free(dir);
	name = gcr_strdup_printf(".aws/sso/cache/%s.json", hex);
	body = gcr_strdup_printf("{\"startUrl\": \"https://corp.awsapps.com/start\", \"region\": "
				 "\"us-west-2\", \"accessToken\": \"%s\", \"expiresAt\": \"%s\"}",
				 token, when);
	write_file(name, body, 0600);
	free(name);
	free(body);
}

START_TEST(sso_uses_the_cached_token)
{
	struct outcome o;
	json_t *log, *e, *q;

	point_at_fixture("AWS_ENDPOINT_URL_SSO", "");
	write_file("config",
		   "[profile sso]\nsso_session = corp\nsso_account_id = 123456789012\n"
		   "sso_role_name = Geos Chem\nregion = us-east-1\n"
		   "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\n"
		   "sso_region = us-west-2\n"
		   "[profile legacy]\nsso_start_url = https://legacy.awsapps.com/start\n"
		   "sso_region = us-west-2\nsso_account_id = 1\nsso_role_name = R\n"
		   "[profile half]\nsso_account_id = 1\n", 0600);

	/* No cache file yet: say what to run. */
	o = resolve("sso");
	expect_fail(&o, "aws sso login --profile sso");

	sso_cache("corp", "sso-access-token", 3600);
	o = resolve("sso");
	expect_ok(&o, NULL, GCR_AWS_SOURCE_SSO, "SSO session corp");
	ck_assert_ptr_nonnull(o.creds.session_token);
	ck_assert_int_gt(o.creds.expiration, time(NULL));
	gcr_aws_credentials_clear(&o.creds);
	log = fixture_log();
	e = json_array_get(log, json_array_size(log) - 1);
	ck_assert_str_eq(json_string_value(json_object_get(e, "method")), "GET");
	q = json_object_get(e, "query");
	ck_assert_str_eq(json_string_value(json_object_get(q, "account_id")), "123456789012");
	ck_assert_str_eq(json_string_value(json_object_get(q, "role_name")), "Geos Chem");
	json_decref(log);

	/* A token the portal refuses, and an expired one. */
	sso_cache("corp", "revoked", 3600);
	o = resolve("sso");
	expect_fail(&o, "refused");
	sso_cache("corp", "sso-access-token", -60);
	o = resolve("sso");
	expect_fail(&o, "expired");

	/* Legacy profiles key the cache by the start URL. */
	sso_cache("https://legacy.awsapps.com/start", "sso-access-token", 3600);
	o = resolve("legacy");
	expect_ok(&o, NULL, GCR_AWS_SOURCE_SSO, "SSO start URL https://legacy.awsapps.com/start");
	gcr_aws_credentials_clear(&o.creds);
	o = resolve("half");
	expect_fail(&o, "sso_start_url");
}
END_TEST

START_TEST(container_then_imds_when_nothing_else)
{
	struct outcome o;
	char *token_path = gcr_strdup_printf("%s/ctoken", tmpdir);

	/* The container endpoint, with its authorization token from a file. */
	point_at_fixture("AWS_CONTAINER_CREDENTIALS_FULL_URI", "/container");
	write_file("ctoken", "container-auth\n", 0600);
	setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", token_path, 1);
	o = resolve(NULL);
	expect_ok(&o, NULL, GCR_AWS_SOURCE_CONTAINER, "container");
	gcr_aws_credentials_clear(&o.creds);
	unsetenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
	setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "wrong", 1);
	o = resolve(NULL);
	expect_fail(&o, "401");
	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://203.0.113.9/creds", 1);
	o = resolve(NULL);
	expect_fail(&o, "https://");
	unsetenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
	unsetenv("AWS_CONTAINER_AUTHORIZATION_TOKEN");

	/* IMDSv2: token first, then the role, then its credentials. */
	unsetenv("AWS_EC2_METADATA_DISABLED");
	point_at_fixture("AWS_EC2_METADATA_SERVICE_ENDPOINT", "/");
	o = resolve(NULL);
	expect_ok(&o, NULL, GCR_AWS_SOURCE_INSTANCE_ROLE, "instance role gcr-role");
	gcr_aws_credentials_clear(&o.creds);
	/* Nothing listening: "no credentials", not a network error. */
	setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:9", 1);
	o = resolve(NULL);
	expect_fail(&o, "no AWS credentials found");
	free(token_path);
}
END_TEST

START_TEST(redaction_and_descriptions)
{
	char buf[GCR_AWS_REDACTED_MAX];
	struct gcr_aws_credentials c = { 0 };
	struct gcr_error err;

	ck_assert_str_eq(gcr_aws_redact_key_id("AKIAIOSFODNN7EXAMPLE", buf), "AKIA\xe2\x80\xa6MPLE");
	ck_assert_str_eq(gcr_aws_redact_key_id("SHORT", buf), "\xe2\x80\xa6RT");
	ck_assert_str_eq(gcr_aws_redact_key_id("", buf), "\xe2\x80\xa6");
	ck_assert_str_eq(gcr_aws_redact_key_id(NULL, buf), "\xe2\x80\xa6");
	ck_assert_str_eq(gcr_credentials_describe_source(NULL), "no credentials");
	ck_assert_int_eq(gcr_aws_credentials_set(&c, "AKID", "secret", "", 0,
						 GCR_AWS_SOURCE_CONTAINER, NULL, &err), GCR_OK);
	ck_assert_ptr_null(c.session_token);
	ck_assert_str_eq(gcr_credentials_describe_source(&c), "container");
	gcr_aws_credentials_clear(&c);
	ck_assert_ptr_null(c.secret_access_key);
	ck_assert_str_eq(gcr_aws_credential_source_token(GCR_AWS_SOURCE_PROCESS), "credential-process");
	ck_assert_str_eq(gcr_aws_credential_source_token(GCR_AWS_SOURCE_SSO), "sso");
}
END_TEST

static Suite *credentials_suite(void)
{
	Suite *s = suite_create("credentials");
	TCase *tc = tcase_create("chain");

	tcase_add_unchecked_fixture(tc, start_fixture, stop_fixture);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, environment_first_unless_a_profile_is_named);
	tcase_add_test(tc, profile_order_files_and_process);
	tcase_add_test(tc, process_success_reads_expiration);
	tcase_add_test(tc, process_failures_are_explained_without_secrets);
	tcase_add_test(tc, process_timeout_kills_it);
	tcase_add_test(tc, expiring_credentials_are_refreshed);
	tcase_add_test(tc, failed_refresh_keeps_still_valid_credentials);
	tcase_add_test(tc, concurrent_gets_share_one_run);
	tcase_add_test(tc, free_while_process_runs_cancels);
	tcase_add_test(tc, split_command_like_a_shell);
	tcase_add_test(tc, assume_role_is_signed_with_the_source_profile);
	tcase_add_test(tc, web_identity_from_environment);
	tcase_add_test(tc, sso_uses_the_cached_token);
	tcase_add_test(tc, container_then_imds_when_nothing_else);
	tcase_add_test(tc, redaction_and_descriptions);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(credentials_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
