/* check_core.c: the error type, XDG paths and the atomic file writer. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "paths.h"

static char tmpdir[64];

static void make_tmpdir(void)
{
	strcpy(tmpdir, "/tmp/gcr-core.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void remove_tmpdir(void)
{
	char *cmd = gcr_strdup_printf("rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
}

START_TEST(error_set_formats_and_returns_code)
{
	struct gcr_error err;
	enum gcr_status st = gcr_error_set(&err, GCR_ERR_INVALID, "bad %s %d", "grid", 7);

	ck_assert_int_eq(st, GCR_ERR_INVALID);
	ck_assert_int_eq(err.code, GCR_ERR_INVALID);
	ck_assert_str_eq(err.message, "bad grid 7");
	gcr_error_prefix(&err, "spec %s", "a.yaml");
	ck_assert_str_eq(err.message, "spec a.yaml: bad grid 7");
	ck_assert_int_eq(gcr_error_set(NULL, GCR_ERR_IO, "ignored"), GCR_ERR_IO);
}
END_TEST

START_TEST(error_long_message_is_truncated_not_overflowed)
{
	struct gcr_error err;
	char big[3000];

	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	gcr_error_set(&err, GCR_ERR_IO, "%s", big);
	ck_assert_uint_eq(strlen(err.message), GCR_ERROR_MESSAGE_MAX - 1);
	gcr_error_prefix(&err, "ctx");
	ck_assert_uint_eq(strlen(err.message), GCR_ERROR_MESSAGE_MAX - 1);
	ck_assert(strncmp(err.message, "ctx: x", 6) == 0);
}
END_TEST

START_TEST(exit_status_mapping)
{
	ck_assert_int_eq(gcr_exit_status(GCR_OK), 0);
	ck_assert_int_eq(gcr_exit_status(GCR_ERR_USAGE), 2);
	ck_assert_int_eq(gcr_exit_status(GCR_ERR_INVALID), 2);
	ck_assert_int_eq(gcr_exit_status(GCR_ERR_IO), 1);
	ck_assert_int_eq(gcr_exit_status(GCR_ERR_REMOTE), 1);
	ck_assert_int_eq(gcr_exit_status(GCR_ERR_AUTH), 1);
}
END_TEST

START_TEST(xdg_variables_win_over_home)
{
	char *p;

	setenv("HOME", "/home/someone", 1);
	setenv("XDG_CONFIG_HOME", "/xdg/config", 1);
	unsetenv("GCRUNNER_CONFIG");
	p = gcr_config_path();
	ck_assert_str_eq(p, "/xdg/config/gcrunner/config.yaml");
	free(p);
	/* Relative XDG values are invalid by the spec and ignored. */
	setenv("XDG_STATE_HOME", "relative/state", 1);
	p = gcr_dir(GCR_DIR_STATE);
	ck_assert_str_eq(p, "/home/someone/.local/state/gcrunner");
	free(p);
	unsetenv("XDG_CACHE_HOME");
	p = gcr_path(GCR_DIR_CACHE, "prices.json");
	ck_assert_str_eq(p, "/home/someone/.cache/gcrunner/prices.json");
	free(p);
	setenv("GCRUNNER_CONFIG", "/elsewhere/c.yaml", 1);
	p = gcr_config_path();
	ck_assert_str_eq(p, "/elsewhere/c.yaml");
	free(p);
	unsetenv("GCRUNNER_CONFIG");
	unsetenv("HOME");
	unsetenv("XDG_STATE_HOME");
	ck_assert_ptr_null(gcr_dir(GCR_DIR_STATE));
}
END_TEST

START_TEST(data_dir_override_and_build_tree)
{
	char *p;

	setenv("GCRUNNER_DATADIR", "/opt/data", 1);
	p = gcr_dir(GCR_DIR_DATA);
	ck_assert_str_eq(p, "/opt/data");
	free(p);
	unsetenv("GCRUNNER_DATADIR");
	/* This test program runs from the build tree, so data is the source's. */
	p = gcr_dir(GCR_DIR_DATA);
	ck_assert_str_eq(p, GCR_SOURCE_DATADIR);
	free(p);
}
END_TEST

START_TEST(mkdir_p_and_atomic_write)
{
	struct gcr_error err;
	struct stat st;
	char *dir, *file, *content = NULL;
	size_t len = 0;

	make_tmpdir();
	dir = gcr_strdup_printf("%s/a/b/c", tmpdir);
	ck_assert_int_eq(gcr_mkdir_p(dir, 0700, &err), GCR_OK);
	ck_assert_int_eq(stat(dir, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0700);
	/* Twice is fine. */
	ck_assert_int_eq(gcr_mkdir_p(dir, 0700, &err), GCR_OK);

	file = gcr_strdup_printf("%s/secret", dir);
	ck_assert_int_eq(gcr_write_file_atomic(file, "one", 3, 0600, &err), GCR_OK);
	ck_assert_int_eq(gcr_write_file_atomic(file, "second", 6, 0600, &err), GCR_OK);
	ck_assert_int_eq(stat(file, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(gcr_read_file(file, &content, &len, &err), GCR_OK);
	ck_assert_uint_eq(len, 6);
	ck_assert_str_eq(content, "second");
	free(content);

	/* No temporary files are left behind. */
	{
		char *cmd = gcr_strdup_printf("test $(ls -A '%s' | wc -l) -eq 1", dir);
		ck_assert_int_eq(system(cmd), 0);
		free(cmd);
	}
	free(file);

	/* A file where a directory should be is an error, not a crash. */
	file = gcr_strdup_printf("%s/secret/x", dir);
	ck_assert_int_ne(gcr_mkdir_p(file, 0700, &err), GCR_OK);
	ck_assert_int_eq(err.code, GCR_ERR_IO);
	free(file);

	file = gcr_strdup_printf("%s/missing", dir);
	ck_assert_int_eq(gcr_read_file(file, &content, &len, &err), GCR_ERR_NOT_FOUND);
	ck_assert_ptr_null(content);
	ck_assert(strstr(err.message, "missing") != NULL);
	free(file);
	free(dir);
	remove_tmpdir();
}
END_TEST

START_TEST(atomic_write_into_missing_dir_fails_cleanly)
{
	struct gcr_error err;

	ck_assert_int_eq(gcr_write_file_atomic("/nonexistent-dir/x", "a", 1, 0600, &err), GCR_ERR_IO);
	ck_assert(strstr(err.message, "/nonexistent-dir/x") != NULL);
}
END_TEST

static Suite *core_suite(void)
{
	Suite *s = suite_create("core");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, error_set_formats_and_returns_code);
	tcase_add_test(tc, error_long_message_is_truncated_not_overflowed);
	tcase_add_test(tc, exit_status_mapping);
	tcase_add_test(tc, xdg_variables_win_over_home);
	tcase_add_test(tc, data_dir_override_and_build_tree);
	tcase_add_test(tc, mkdir_p_and_atomic_write);
	tcase_add_test(tc, atomic_write_into_missing_dir_fails_cleanly);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(core_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
