/* check_sso_refresh.c: the credential provider's SSO token refresh on a
 * real libuv loop, where one process matters (tests/scripts/sso-refresh.sh
 * covers the rest through the gcrunner binary): a failed refresh is not
 * tried again within a minute, and freeing the provider while the refresh
 * is in flight cancels it without blocking the loop.
 *
 * Run by tests/scripts/sso-refresh.sh with the test bed's AWS server
 * started and its environment exported (TESTBED_CONTROL_URL,
 * AWS_ENDPOINT_URL_SSO, AWS_ENDPOINT_URL_SSO_OIDC, HOME, AWS_CONFIG_FILE
 * with the profile "sso" of the session "corp"). */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <uv.h>

#include "aws/credentials.h"
#include "aws/ssotoken.h"
#include "paths.h"

/* tbctl METHOD PATH JSON; the answer's JSON (caller decrefs). */
static json_t *tbctl(const char *method, const char *path, const char *doc)
{
	char *cmd = gcr_strdup_printf("/usr/bin/python3 '%s/tests/testbed/tbctl' %s '%s' '%s'",
				      getenv("top_srcdir"), method, path, doc);
	FILE *f = popen(cmd, "r");
	json_t *answer;

	ck_assert_ptr_nonnull(f);
	answer = json_loadf(f, 0, NULL);
	ck_assert_int_eq(pclose(f), 0);
	ck_assert_ptr_nonnull(answer);
	free(cmd);
	return answer;
}

static int refreshes(void)
{
	json_t *a = tbctl("GET", "requests?service=sso-oidc&operation=CreateToken", "");
	int n = (int)json_integer_value(json_object_get(a, "count"));

	json_decref(a);
	return n;
}

/* A finished sign-in of the session "corp" whose token expired a minute
 * ago, cached as the AWS CLI does; its refresh token revoked if asked. */
static char *cache_expired_sign_in(int revoke)
{
	json_t *doc = tbctl("POST", "sso-oidc/signin",
			    "{\"startUrl\":\"https://corp.awsapps.com/start\",\"expiresIn\":-60}");
	char *path = gcr_sso_cache_path("corp");
	struct gcr_error err;

	if (revoke)
		json_decref(tbctl("POST", "sso-oidc/revoke", "{}"));
	ck_assert_int_eq(gcr_sso_cache_write(path, doc, &err), GCR_OK);
	json_decref(doc);
	return path;
}

struct outcome {
	int calls;
	enum gcr_status st;
	struct gcr_error err;
};

static void on_creds(enum gcr_status st, const struct gcr_aws_credentials *creds,
		     const struct gcr_error *err, void *data)
{
	struct outcome *o = data;

	(void)creds;
	o->calls++;
	o->st = st;
	if (err)
		o->err = *err;
}

static struct gcr_aws_credential_provider *provider(uv_loop_t *loop)
{
	struct gcr_aws_credentials_options opts = { .loop = loop, .profile = "sso" };
	struct gcr_error err;
	struct gcr_aws_credential_provider *p = gcr_aws_credential_provider_new(&opts, &err);

	ck_assert_msg(p != NULL, "%s", err.message);
	return p;
}

START_TEST(a_failed_refresh_waits_a_minute)
{
	uv_loop_t loop;
	struct gcr_aws_credential_provider *p;
	struct outcome first = { 0 }, second = { 0 };
	char *path = cache_expired_sign_in(1);
	int before = refreshes();

	uv_loop_init(&loop);
	p = provider(&loop);
	gcr_aws_credentials_get(p, on_creds, &first);
	uv_run(&loop, UV_RUN_DEFAULT);
	ck_assert_int_eq(first.calls, 1);
	ck_assert_int_eq(first.st, GCR_ERR_AUTH);
	ck_assert_msg(strstr(first.err.message, "could not be renewed (InvalidGrantException)"),
		      "%s", first.err.message);
	ck_assert_int_eq(refreshes(), before + 1);
	/* At once again in the same process: botocore waits a minute after an
	 * attempt, so no second CreateToken; the plain sign-in-again error. */
	gcr_aws_credentials_get(p, on_creds, &second);
	uv_run(&loop, UV_RUN_DEFAULT);
	ck_assert_int_eq(second.calls, 1);
	ck_assert_int_eq(second.st, GCR_ERR_AUTH);
	ck_assert_msg(strstr(second.err.message, "the SSO token has expired; sign in again"), "%s",
		      second.err.message);
	ck_assert_int_eq(refreshes(), before + 1);
	gcr_aws_credential_provider_free(p);
	uv_run(&loop, UV_RUN_DEFAULT);
	ck_assert_int_eq(uv_loop_close(&loop), 0);
	free(path);
}
END_TEST

struct cancel_run {
	struct gcr_aws_credential_provider *p;
	struct outcome o;
	int ticks;
};

static void on_tick(uv_timer_t *t)
{
	struct cancel_run *r = t->data;

	/* The loop runs while the refresh hangs: nothing blocks it. */
	r->ticks++;
	ck_assert_int_eq(r->o.calls, 0);
	if (r->ticks == 5) {
		gcr_aws_credential_provider_free(r->p);
		r->p = NULL;
		ck_assert_int_eq(r->o.calls, 1);
		uv_timer_stop(t);
		uv_close((uv_handle_t *)t, NULL);
	}
}

START_TEST(freeing_cancels_a_refresh_in_flight)
{
	uv_loop_t loop;
	uv_timer_t tick;
	struct cancel_run r = { 0 };
	char *path = cache_expired_sign_in(0), *before = NULL, *after = NULL;
	size_t len;
	struct gcr_error err;

	ck_assert_int_eq(gcr_read_file(path, &before, &len, &err), GCR_OK);
	json_decref(tbctl("POST", "faults",
			  "{\"service\":\"sso-oidc\",\"operation\":\"CreateToken\",\"kind\":\"hang\"}"));
	uv_loop_init(&loop);
	r.p = provider(&loop);
	uv_timer_init(&loop, &tick);
	tick.data = &r;
	uv_timer_start(&tick, on_tick, 50, 50);
	gcr_aws_credentials_get(r.p, on_creds, &r.o);
	uv_run(&loop, UV_RUN_DEFAULT);
	ck_assert_int_eq(r.ticks, 5);
	ck_assert_int_eq(r.o.calls, 1);
	ck_assert_int_eq(r.o.st, GCR_ERR_CANCELLED);
	ck_assert_int_eq(uv_loop_close(&loop), 0);
	json_decref(tbctl("DELETE", "faults", ""));
	/* Nothing was written. */
	ck_assert_int_eq(gcr_read_file(path, &after, &len, &err), GCR_OK);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
	free(path);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sso_refresh");
	TCase *tc = tcase_create("testbed");
	SRunner *sr;
	int failed;

	if (!getenv("TESTBED_CONTROL_URL") || !getenv("top_srcdir")) {
		fprintf(stderr, "run by tests/scripts/sso-refresh.sh (needs the test bed)\n");
		return 2;
	}
	tcase_add_test(tc, a_failed_refresh_waits_a_minute);
	tcase_add_test(tc, freeing_cancels_a_refresh_in_flight);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
