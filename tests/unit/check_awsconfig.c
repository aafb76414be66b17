/* check_awsconfig.c: the ~/.aws file parser and writer, profile, region and
 * endpoint resolution. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "aws/awsconfig.h"
#include "aws/endpoint.h"
#include "paths.h"

static char tmpdir[64];

static void setup(void)
{
	strcpy(tmpdir, "/tmp/gcr-awscfg.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	setenv("HOME", tmpdir, 1);
	unsetenv("AWS_CONFIG_FILE");
	unsetenv("AWS_SHARED_CREDENTIALS_FILE");
	unsetenv("AWS_PROFILE");
	unsetenv("AWS_DEFAULT_PROFILE");
	unsetenv("AWS_REGION");
	unsetenv("AWS_DEFAULT_REGION");
	unsetenv("AWS_ENDPOINT_URL");
	unsetenv("AWS_ENDPOINT_URL_BATCH");
	unsetenv("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS");
	unsetenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
	unsetenv("AWS_CA_BUNDLE");
}

static void teardown(void)
{
	char *cmd = gcr_strdup_printf("rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
}

/* got must be "<tmpdir>/<rest>". */
static void expect_in_tmpdir(const char *got, const char *rest)
{
	char *want = gcr_strdup_printf("%s/%s", tmpdir, rest);
	ck_assert_str_eq(got, want);
	free(want);
}

static struct gcr_aws_ini *parse(const char *text)
{
	struct gcr_error err;
	struct gcr_aws_ini *ini = gcr_aws_ini_parse(text, strlen(text), "test.ini", &err);
	ck_assert_msg(ini != NULL, "parse failed: %s", err.message);
	return ini;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static const char sample_config[] =
	"\xef\xbb\xbf"   /* a byte order mark, as some editors write */
	"# a comment\n"
	"; another comment\n"
	"[default]\n"
	"region = us-east-1\r\n"
	"output=json\n"
	"\n"
	"[profile   dev]   # inline comment after a header\n"
	"Region = eu-west-1 ; inline comment\n"
	"role_arn = arn:aws:iam::123456789012:role/dev\n"
	"source_profile = default\n"
	"services = local\n"
	"s3 =\n"
	"  max_concurrent_requests = 20\n"
	"  addressing_style = path\n"
	"credential_process = /bin/echo a#b\n"
	"\n"
	"[sso-session corp]\n"
	"sso_start_url = https://corp.awsapps.com/start\n"
	"sso_region = us-west-2\n"
	"\n"
	"[services local]\n"
	"batch =\n"
	"  endpoint_url = http://127.0.0.1:4566/\n"
	"cloudwatch_logs =\n"
	"\tendpoint_url = http://127.0.0.1:4567\n"
	"\n"
	"[profile multi]\n"
	"note = first\n"
	"  second line\n"
	"  third line\n"
	"[profile dev]\n"
	"output = text\n"
	"region = eu-central-1\n";

START_TEST(parses_sections_comments_and_blocks)
{
	struct gcr_aws_ini *ini = parse(sample_config);
	const struct gcr_aws_ini_section *s;

	s = gcr_aws_ini_section(ini, "default");
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(gcr_aws_ini_lookup(s, NULL, "region"), "us-east-1");
	ck_assert_str_eq(gcr_aws_ini_lookup(s, NULL, "output"), "json");

	s = gcr_aws_ini_section(ini, "profile dev");
	ck_assert_ptr_nonnull(s);
	/* keys are case-insensitive; a later duplicate section overrides */
	ck_assert_str_eq(gcr_aws_ini_lookup(s, NULL, "region"), "eu-central-1");
	ck_assert_str_eq(gcr_aws_ini_lookup(s, NULL, "output"), "text");
	ck_assert_str_eq(gcr_aws_ini_lookup(s, NULL, "role_arn"), "arn:aws:iam::123456789012:role/dev");
	ck_assert_str_eq(gcr_aws_ini_lookup(s, NULL, "s3"), "");
	ck_assert_str_eq(gcr_aws_ini_lookup(s, "s3", "addressing_style"), "path");
	ck_assert_ptr_null(gcr_aws_ini_lookup(s, NULL, "addressing_style"));
	/* '#' not preceded by white space is part of the value */
	ck_assert_str_eq(gcr_aws_ini_lookup(s, NULL, "credential_process"), "/bin/echo a#b");

	s = gcr_aws_ini_section(ini, "services local");
	ck_assert_str_eq(gcr_aws_ini_lookup(s, "batch", "endpoint_url"), "http://127.0.0.1:4566/");
	ck_assert_str_eq(gcr_aws_ini_lookup(s, "cloudwatch_logs", "endpoint_url"),
			 "http://127.0.0.1:4567");
	s = gcr_aws_ini_section(ini, "profile multi");
	ck_assert_str_eq(gcr_aws_ini_lookup(s, NULL, "note"), "first\nsecond line\nthird line");
	s = gcr_aws_ini_section(ini, "sso-session corp");
	ck_assert_str_eq(gcr_aws_ini_lookup(s, NULL, "sso_region"), "us-west-2");
	ck_assert_ptr_null(gcr_aws_ini_section(ini, "profile nope"));
	gcr_aws_ini_free(ini);
}
END_TEST

START_TEST(bad_lines_are_errors_with_file_and_line)
{
	static const struct { const char *text; int line; const char *word; } cases[] = {
		{ "key = value\n", 1, "section" },
		{ "[default]\nregion us-east-1\n", 2, "key = value" },
		{ "[default\nregion = x\n", 1, "]" },
		{ "[]\n", 1, "empty" },
		{ "[default] junk\n", 1, "after" },
		{ "[default]\n = value\n", 2, "key" },
		{ "[default]\n\n  indented = x\n", 3, "indented" },
		{ "[default]\ns3 =\n  no equals here\n", 3, "nested" },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct gcr_error err;
		char want[32];
		struct gcr_aws_ini *ini = gcr_aws_ini_parse(cases[i].text, strlen(cases[i].text),
							    "cfg", &err);
		ck_assert_msg(ini == NULL, "case %zu parsed", i);
		ck_assert_int_eq(err.code, GCR_ERR_INVALID);
		snprintf(want, sizeof want, "cfg:%d:", cases[i].line);
		ck_assert_msg(strncmp(err.message, want, strlen(want)) == 0, "case %zu: %s", i, err.message);
		ck_assert_msg(strstr(err.message, cases[i].word) != NULL, "case %zu: %s", i, err.message);
	}
}
END_TEST

START_TEST(fuzz_never_crashes)
{
	/* Random bytes and random mutations of a valid file: the parser must
	 * return a tree or an error, never crash (ASan watches in CI). */
	unsigned seed = 12345;
	char buf[512];
	size_t base_len = sizeof sample_config - 1;
	int round, ok = 0, bad = 0;

	for (round = 0; round < 3000; round++) {
		size_t len, i;
		struct gcr_error err;
		struct gcr_aws_ini *ini;
		if (round % 2) {
			len = (size_t)(rand_r(&seed) % sizeof buf);
			for (i = 0; i < len; i++) {
				/* mostly the characters that matter to the format */
				static const char alphabet[] = "[]=:#; \t\r\n\nab\0\xff";
				buf[i] = rand_r(&seed) % 3 ? alphabet[rand_r(&seed) % (sizeof alphabet - 1)]
							   : (char)rand_r(&seed);
			}
			ini = gcr_aws_ini_parse(buf, len, "fuzz", &err);
		} else {
			char *m = malloc(base_len);
			memcpy(m, sample_config, base_len);
			for (i = 0; i < 8; i++)
				m[rand_r(&seed) % base_len] = (char)rand_r(&seed);
			len = rand_r(&seed) % base_len;
			ini = gcr_aws_ini_parse(m, len, "fuzz", &err);
			free(m);
		}
		if (ini) {
			size_t s;
			for (s = 0; s < ini->count; s++)
				(void)gcr_aws_ini_lookup(&ini->sections[s], NULL, "region");
			ok++;
		} else {
			ck_assert(err.message[0] != '\0');
			bad++;
		}
		gcr_aws_ini_free(ini);
	}
	ck_assert_int_gt(ok, 0);
	ck_assert_int_gt(bad, 0);
}
END_TEST

START_TEST(config_and_credentials_files_together)
{
	char *cfgp = gcr_strdup_printf("%s/config", tmpdir);
	char *credp = gcr_strdup_printf("%s/creds", tmpdir);
	struct gcr_error err;
	struct gcr_aws_config *cfg;
	char *region, *path;

	write_file(cfgp, sample_config);
	write_file(credp,
		   "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = s1\n"
		   "[dev]\nregion = ap-south-1\n"
		   "[profile dev]\naws_access_key_id = NOT_A_PROFILE_PREFIX\n");
	setenv("AWS_CONFIG_FILE", cfgp, 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", credp, 1);
	cfg = gcr_aws_config_load(&err);
	ck_assert_msg(cfg != NULL, "%s", err.message);
	ck_assert_str_eq(cfg->config_path, cfgp);

	/* The credentials file's [dev] is the profile dev; its region wins. */
	ck_assert_str_eq(gcr_aws_config_get(cfg, "dev", "region"), "ap-south-1");
	ck_assert_str_eq(gcr_aws_config_get(cfg, "dev", "output"), "text");
	ck_assert_ptr_null(gcr_aws_config_get(cfg, "dev", "aws_access_key_id"));
	ck_assert_str_eq(gcr_aws_config_get(cfg, "default", "aws_access_key_id"), "AKIDDEFAULT");
	ck_assert(gcr_aws_config_has_profile(cfg, "multi"));
	ck_assert(!gcr_aws_config_has_profile(cfg, "ghost"));
	ck_assert_ptr_nonnull(gcr_aws_config_sso_session(cfg, "corp"));
	ck_assert_ptr_nonnull(gcr_aws_config_services(cfg, "local"));

	/* Profile: --profile, AWS_PROFILE, AWS_DEFAULT_PROFILE, default. */
	ck_assert_str_eq(gcr_aws_profile_name(NULL), "default");
	setenv("AWS_DEFAULT_PROFILE", "old", 1);
	ck_assert_str_eq(gcr_aws_profile_name(NULL), "old");
	setenv("AWS_PROFILE", "dev", 1);
	ck_assert_str_eq(gcr_aws_profile_name(NULL), "dev");
	ck_assert_str_eq(gcr_aws_profile_name("multi"), "multi");

	/* Region: --region, AWS_REGION, AWS_DEFAULT_REGION, profile. */
	region = gcr_aws_region(cfg, "default", NULL);
	ck_assert_str_eq(region, "us-east-1");
	free(region);
	setenv("AWS_DEFAULT_REGION", "ca-central-1", 1);
	region = gcr_aws_region(cfg, "default", NULL);
	ck_assert_str_eq(region, "ca-central-1");
	free(region);
	setenv("AWS_REGION", "sa-east-1", 1);
	region = gcr_aws_region(cfg, "default", NULL);
	ck_assert_str_eq(region, "sa-east-1");
	free(region);
	region = gcr_aws_region(cfg, "default", "us-west-1");
	ck_assert_str_eq(region, "us-west-1");
	free(region);
	unsetenv("AWS_REGION");
	unsetenv("AWS_DEFAULT_REGION");
	ck_assert_ptr_null(gcr_aws_region(cfg, "multi", NULL));
	ck_assert(gcr_aws_region_valid("us-gov-west-1"));
	ck_assert(!gcr_aws_region_valid("us-east-1.evil.com"));
	ck_assert(!gcr_aws_region_valid(""));
	gcr_aws_config_free(cfg);

	/* Default paths under HOME, "~/" expanded in the variables. */
	unsetenv("AWS_CONFIG_FILE");
	path = gcr_aws_config_file_path();
	expect_in_tmpdir(path, ".aws/config");
	free(path);
	setenv("AWS_SHARED_CREDENTIALS_FILE", "~/elsewhere/creds", 1);
	path = gcr_aws_credentials_file_path();
	expect_in_tmpdir(path, "elsewhere/creds");
	free(path);

	/* Missing files are empty; a malformed one is an error naming it. */
	cfg = gcr_aws_config_load(&err);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_uint_eq(cfg->config->count, 0);
	gcr_aws_config_free(cfg);
	write_file(cfgp, "[default]\nthis line is wrong\n");
	ck_assert_ptr_null(gcr_aws_config_load_files(cfgp, NULL, &err));
	ck_assert_ptr_nonnull(strstr(err.message, cfgp));
	ck_assert_ptr_nonnull(strstr(err.message, ":2:"));
	free(cfgp);
	free(credp);
}
END_TEST

START_TEST(writer_keeps_everything_else)
{
	static const char before[] =
		"# my credentials\n"
		"[default]\n"
		"aws_access_key_id = OLDKEY\n"
		"aws_secret_access_key = oldsecret\n"
		"aws_session_token = oldtoken\n"
		"  continued token line\n"
		"# keep this comment\n"
		"\n"
		"[other]\n"
		"aws_access_key_id = OTHER ; note\n"
		"[default]\n"
		"aws_access_key_id = DUPLICATE\n";
	const char *keys[] = { "aws_access_key_id", "aws_secret_access_key", "aws_session_token", "region" };
	const char *values[] = { "NEWKEY", "newsecret", NULL, "eu-west-1" };
	char *out = gcr_aws_ini_text_set(before, strlen(before), "default", keys, values, 4);
	struct gcr_aws_ini *ini;
	const struct gcr_aws_ini_section *s;

	ck_assert_ptr_nonnull(out);
	ck_assert_ptr_nonnull(strstr(out, "# my credentials\n[default]\naws_access_key_id = NEWKEY\n"
					  "aws_secret_access_key = newsecret\nregion = eu-west-1\n"
					  "# keep this comment\n\n[other]\naws_access_key_id = OTHER ; note\n"));
	ck_assert_ptr_null(strstr(out, "token"));
	ck_assert_ptr_null(strstr(out, "DUPLICATE"));
	ini = parse(out);
	s = gcr_aws_ini_section(ini, "default");
	ck_assert_str_eq(gcr_aws_ini_lookup(s, NULL, "aws_access_key_id"), "NEWKEY");
	ck_assert_str_eq(gcr_aws_ini_lookup(gcr_aws_ini_section(ini, "other"), NULL,
					    "aws_access_key_id"), "OTHER");
	gcr_aws_ini_free(ini);
	free(out);

	/* A missing section is appended after a blank line. */
	out = gcr_aws_ini_text_set("[a]\nk = v\n", 10, "profile new", keys, values, 2);
	ck_assert_str_eq(out, "[a]\nk = v\n\n[profile new]\naws_access_key_id = NEWKEY\n"
			      "aws_secret_access_key = newsecret\n");
	free(out);
	out = gcr_aws_ini_text_set("", 0, "x", keys + 2, values + 2, 1);
	ck_assert_str_eq(out, "");
	free(out);
}
END_TEST

START_TEST(writer_output_of_any_valid_file_parses)
{
	/* Mutate the sample; whenever the input parses, the written result
	 * must parse too and hold the values set, whatever else is there. */
	const char *keys[] = { "region", "s3", "output" };
	const char *values[] = { "eu-west-2", "flat", NULL };
	size_t base_len = sizeof sample_config - 1;
	unsigned seed = 99;
	int round, checked = 0;

	for (round = 0; round < 2000; round++) {
		char *m = malloc(base_len);
		size_t i, len = base_len - rand_r(&seed) % 40;
		struct gcr_error err;
		struct gcr_aws_ini *in, *out_ini;
		char *out;
		const char *section = round % 2 ? "profile dev" : "default";

		memcpy(m, sample_config, base_len);
		for (i = 0; i < 3; i++) {
			static const char alphabet[] = "[]=#; \t\nab";
			m[rand_r(&seed) % base_len] = alphabet[rand_r(&seed) % (sizeof alphabet - 1)];
		}
		in = gcr_aws_ini_parse(m, len, "in", &err);
		out = gcr_aws_ini_text_set(m, len, section, keys, values, 3);
		ck_assert_ptr_nonnull(out);
		if (in) {
			const struct gcr_aws_ini_section *sec;
			out_ini = gcr_aws_ini_parse(out, strlen(out), "out", &err);
			ck_assert_msg(out_ini != NULL, "round %d: %s\n%s", round, err.message, out);
			sec = gcr_aws_ini_section(out_ini, section);
			ck_assert_ptr_nonnull(sec);
			ck_assert_str_eq(gcr_aws_ini_lookup(sec, NULL, "region"), "eu-west-2");
			ck_assert_str_eq(gcr_aws_ini_lookup(sec, NULL, "s3"), "flat");
			ck_assert_ptr_null(gcr_aws_ini_lookup(sec, NULL, "output"));
			gcr_aws_ini_free(out_ini);
			checked++;
		}
		gcr_aws_ini_free(in);
		free(out);
		free(m);
	}
	ck_assert_int_gt(checked, 100);
}
END_TEST

START_TEST(credentials_store_writes_0600_and_botocore_reads_it)
{
	char *path = gcr_strdup_printf("%s/new/.aws/credentials", tmpdir);
	struct gcr_error err;
	struct stat st;
	char *cmd, *want;
	FILE *p;
	json_t *doc;
	json_error_t jerr;

	ck_assert_int_eq(gcr_aws_credentials_file_store(path, "lab", "AKIALAB", "labsecret",
							"labtoken", &err), GCR_OK);
	ck_assert_int_eq(gcr_aws_credentials_file_store(path, "default", "AKIADEF", "defsecret",
							NULL, &err), GCR_OK);
	ck_assert_int_eq(gcr_aws_credentials_file_store(path, "lab", "AKIALAB2", "labsecret2",
							NULL, &err), GCR_OK);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	want = gcr_strdup_printf("%s/new/.aws", tmpdir);
	ck_assert_int_eq(stat(want, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0700);
	free(want);

	/* botocore, the AWS CLI's own reader, sees the same profiles. */
	cmd = gcr_strdup_printf("/usr/bin/python3 -c 'import json,sys; "
				"from botocore.configloader import raw_config_parse; "
				"json.dump(raw_config_parse(sys.argv[1]), sys.stdout)' '%s'", path);
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	doc = json_loadf(p, 0, &jerr);
	ck_assert_int_eq(pclose(p), 0);
	ck_assert_msg(doc != NULL, "%s", jerr.text);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(doc, "lab"),
							   "aws_access_key_id")), "AKIALAB2");
	ck_assert_ptr_null(json_object_get(json_object_get(doc, "lab"), "aws_session_token"));
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(doc, "default"),
							   "aws_secret_access_key")), "defsecret");
	json_decref(doc);
	free(cmd);

	ck_assert_int_eq(gcr_aws_credentials_file_store(path, "bad]name", "A", "B", NULL, &err),
			 GCR_ERR_INVALID);
	ck_assert_int_eq(gcr_aws_credentials_file_store(path, "x", "A", "B\nC", NULL, &err),
			 GCR_ERR_INVALID);
	ck_assert_ptr_null(strstr(err.message, "B\nC"));
	free(path);
}
END_TEST

static struct gcr_aws_config *endpoint_config(void)
{
	char *cfgp = gcr_strdup_printf("%s/config", tmpdir);
	struct gcr_error err;
	struct gcr_aws_config *cfg;

	write_file(cfgp,
		   "[default]\nregion = us-east-1\n"
		   "[profile local]\nservices = testbed\nendpoint_url = http://127.0.0.1:9000\n"
		   "ca_bundle = ~/ca.pem\n"
		   "[profile ignore]\nendpoint_url = http://127.0.0.1:9000\n"
		   "ignore_configured_endpoint_urls = true\n"
		   "[services testbed]\nbatch =\n  endpoint_url = http://127.0.0.1:4566/\n"
		   "cloudwatch_logs =\n  endpoint_url = https://logs.local:8443/base/\n"
		   "[profile badurl]\nendpoint_url = ftp://x\n");
	cfg = gcr_aws_config_load_files(cfgp, NULL, &err);
	ck_assert_ptr_nonnull(cfg);
	free(cfgp);
	return cfg;
}

static void expect_endpoint(const struct gcr_aws_config *cfg, const char *profile,
			    const char *service, const char *region, const char *url,
			    const char *signing_region, const char *signing_name)
{
	struct gcr_aws_endpoint ep;
	struct gcr_error err;

	ck_assert_msg(gcr_aws_endpoint_resolve(cfg, profile, service, region, &ep, &err) == GCR_OK,
		      "%s: %s", service, err.message);
	ck_assert_str_eq(ep.url, url);
	ck_assert_str_eq(ep.signing_region, signing_region);
	ck_assert_str_eq(ep.signing_name, signing_name);
	ck_assert_ptr_nonnull(ep.origin);
	gcr_aws_endpoint_clear(&ep);
}

START_TEST(endpoint_precedence)
{
	struct gcr_aws_config *cfg = endpoint_config();
	struct gcr_aws_endpoint ep;
	struct gcr_error err;
	char *ca;

	/* Defaults and special cases. */
	expect_endpoint(cfg, "default", "batch", "eu-west-1",
			"https://batch.eu-west-1.amazonaws.com", "eu-west-1", "batch");
	expect_endpoint(cfg, "default", "logs", "us-east-2",
			"https://logs.us-east-2.amazonaws.com", "us-east-2", "logs");
	expect_endpoint(cfg, "default", "pricing", "eu-west-3",
			"https://api.pricing.eu-central-1.amazonaws.com", "eu-central-1", "pricing");
	expect_endpoint(cfg, "default", "pricing", "ap-northeast-1",
			"https://api.pricing.ap-south-1.amazonaws.com", "ap-south-1", "pricing");
	expect_endpoint(cfg, "default", "pricing", "us-west-2",
			"https://api.pricing.us-east-1.amazonaws.com", "us-east-1", "pricing");
	expect_endpoint(cfg, "default", "sts", "ap-southeast-2",
			"https://sts.ap-southeast-2.amazonaws.com", "ap-southeast-2", "sts");
	expect_endpoint(cfg, "default", "sso", "us-west-2",
			"https://portal.sso.us-west-2.amazonaws.com", "us-west-2", "awsssoportal");
	expect_endpoint(cfg, "default", "sso-oidc", "us-west-2",
			"https://oidc.us-west-2.amazonaws.com", "us-west-2", "sso-oauth");
	expect_endpoint(cfg, "default", "s3", "cn-north-1",
			"https://s3.cn-north-1.amazonaws.com.cn", "cn-north-1", "s3");

	/* Profile: [services] block first, then the profile's endpoint_url. */
	expect_endpoint(cfg, "local", "batch", "eu-west-1", "http://127.0.0.1:4566",
			"eu-west-1", "batch");
	expect_endpoint(cfg, "local", "logs", "eu-west-1", "https://logs.local:8443/base",
			"eu-west-1", "logs");
	expect_endpoint(cfg, "local", "ec2", "eu-west-1", "http://127.0.0.1:9000",
			"eu-west-1", "ec2");
	/* A local server without a region is still signed for some region. */
	expect_endpoint(cfg, "local", "ec2", NULL, "http://127.0.0.1:9000", "us-east-1", "ec2");

	/* Environment beats config; the service's variable beats the global. */
	setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:7000/", 1);
	expect_endpoint(cfg, "local", "batch", "eu-west-1", "http://127.0.0.1:7000",
			"eu-west-1", "batch");
	setenv("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", "http://127.0.0.1:7001", 1);
	expect_endpoint(cfg, "local", "logs", "eu-west-1", "http://127.0.0.1:7001",
			"eu-west-1", "logs");
	ck_assert_int_eq(gcr_aws_endpoint_resolve(cfg, "local", "logs", "eu-west-1", &ep, &err), GCR_OK);
	ck_assert_str_eq(ep.origin, "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS");
	gcr_aws_endpoint_clear(&ep);

	/* Ignoring configured URLs, by variable or by profile. */
	setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "TRUE", 1);
	expect_endpoint(cfg, "local", "batch", "eu-west-1",
			"https://batch.eu-west-1.amazonaws.com", "eu-west-1", "batch");
	unsetenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
	unsetenv("AWS_ENDPOINT_URL");
	unsetenv("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS");
	expect_endpoint(cfg, "ignore", "batch", "eu-west-1",
			"https://batch.eu-west-1.amazonaws.com", "eu-west-1", "batch");

	/* Errors. */
	ck_assert_int_eq(gcr_aws_endpoint_resolve(cfg, "default", "batch", NULL, &ep, &err),
			 GCR_ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(err.message, "region"));
	ck_assert_int_eq(gcr_aws_endpoint_resolve(cfg, "default", "batch", "x.evil.com/", &ep, &err),
			 GCR_ERR_INVALID);
	ck_assert_int_eq(gcr_aws_endpoint_resolve(cfg, "default", "nosuch", "us-east-1", &ep, &err),
			 GCR_ERR_INVALID);
	ck_assert_int_eq(gcr_aws_endpoint_resolve(cfg, "badurl", "batch", "us-east-1", &ep, &err),
			 GCR_ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(err.message, "http://"));
	ck_assert_int_eq(gcr_aws_endpoint_resolve(cfg, "default", "execute-api", "us-east-1", &ep, &err),
			 GCR_ERR_INVALID);
	setenv("AWS_ENDPOINT_URL_EXECUTE_API", "https://abc.execute-api.us-east-1.amazonaws.com/prod", 1);
	expect_endpoint(cfg, "default", "execute-api", "us-east-1",
			"https://abc.execute-api.us-east-1.amazonaws.com/prod", "us-east-1", "execute-api");
	unsetenv("AWS_ENDPOINT_URL_EXECUTE_API");

	/* CA bundle: variable, then profile (with ~ expanded). */
	ck_assert_ptr_null(gcr_aws_ca_bundle(cfg, "default"));
	ca = gcr_aws_ca_bundle(cfg, "local");
	expect_in_tmpdir(ca, "ca.pem");
	free(ca);
	setenv("AWS_CA_BUNDLE", "/etc/ssl/mine.pem", 1);
	ca = gcr_aws_ca_bundle(cfg, "local");
	ck_assert_str_eq(ca, "/etc/ssl/mine.pem");
	free(ca);
	unsetenv("AWS_CA_BUNDLE");
	gcr_aws_config_free(cfg);
}
END_TEST

static Suite *awsconfig_suite(void)
{
	Suite *s = suite_create("awsconfig");
	TCase *tc = tcase_create("files");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, parses_sections_comments_and_blocks);
	tcase_add_test(tc, bad_lines_are_errors_with_file_and_line);
	tcase_add_test(tc, fuzz_never_crashes);
	tcase_add_test(tc, config_and_credentials_files_together);
	tcase_add_test(tc, writer_keeps_everything_else);
	tcase_add_test(tc, writer_output_of_any_valid_file_parses);
	tcase_add_test(tc, credentials_store_writes_0600_and_botocore_reads_it);
	tcase_add_test(tc, endpoint_precedence);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(awsconfig_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
