/* check_settings.c: the configuration file keeps every section it does not
 * touch, round-trips through libyaml, and rejects malformed files clearly. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "paths.h"
#include "settings.h"

static char dir[64];

static char *write_tmp(const char *name, const char *text)
{
	char *path;
	FILE *f;

	strcpy(dir, "/tmp/gcr-settings.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	path = gcr_strdup_printf("%s/%s", dir, name);
	if (text) {
		f = fopen(path, "w");
		ck_assert_ptr_nonnull(f);
		fputs(text, f);
		fclose(f);
	}
	return path;
}

static void cleanup(char *path)
{
	char *cmd = gcr_strdup_printf("rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
	free(path);
}

START_TEST(missing_file_is_empty_not_error)
{
	struct gcr_settings *s;
	struct gcr_error err;
	char *path = write_tmp("none.yaml", NULL);

	ck_assert_int_eq(gcr_settings_load(path, &s, &err), GCR_OK);
	ck_assert(!gcr_settings_existed(s));
	ck_assert_ptr_null(gcr_settings_get(s, "aws.region"));
	ck_assert_str_eq(gcr_settings_get_or(s, "aws.region", "us-east-1"), "us-east-1");
	gcr_settings_free(s);
	cleanup(path);
}
END_TEST

START_TEST(reads_sections_lists_and_numbers)
{
	struct gcr_settings *s;
	struct gcr_error err;
	char *path = write_tmp("c.yaml",
		"# a comment\n"
		"aws:\n  profile: lab\n  region: us-west-2\n"
		"slurm:\n  host: login.example.edu\n  modules:\n    - gcc/12\n    - openmpi/4.1\n"
		"budget:\n  limit_usd: 250.5\n  bad: abc\n");

	ck_assert_int_eq(gcr_settings_load(path, &s, &err), GCR_OK);
	ck_assert(gcr_settings_existed(s));
	ck_assert_str_eq(gcr_settings_get(s, "aws.profile"), "lab");
	ck_assert_str_eq(gcr_settings_get(s, "slurm.host"), "login.example.edu");
	ck_assert_ptr_null(gcr_settings_get(s, "slurm"));          /* a map, not a scalar */
	ck_assert_ptr_null(gcr_settings_get(s, "slurm.modules"));  /* a list */
	ck_assert_uint_eq(gcr_settings_list_len(s, "slurm.modules"), 2);
	ck_assert_str_eq(gcr_settings_list_item(s, "slurm.modules", 1), "openmpi/4.1");
	ck_assert_ptr_null(gcr_settings_list_item(s, "slurm.modules", 2));
	ck_assert(gcr_settings_get_number(s, "budget.limit_usd", 0) == 250.5);
	ck_assert(gcr_settings_get_number(s, "budget.bad", -1) == -1);
	ck_assert(gcr_settings_get_number(s, "budget.absent", 7) == 7);
	gcr_settings_free(s);
	cleanup(path);
}
END_TEST

START_TEST(save_keeps_other_sections_and_is_private)
{
	struct gcr_settings *s, *again;
	struct gcr_error err;
	struct stat st;
	const char *mods[] = { "gcc/13", "odd: value with # and 'quotes'" };
	char *path = write_tmp("c.yaml", "aws:\n  profile: lab\nother:\n  keep: me\n");

	ck_assert_int_eq(gcr_settings_load(path, &s, &err), GCR_OK);
	ck_assert_int_eq(gcr_settings_set(s, "slurm.host", "h1", &err), GCR_OK);
	ck_assert_int_eq(gcr_settings_set(s, "aws.region", "eu-west-1", &err), GCR_OK);
	ck_assert_int_eq(gcr_settings_set_list(s, "slurm.modules", mods, 2, &err), GCR_OK);
	ck_assert_int_eq(gcr_settings_set(s, "aws.profile", NULL, &err), GCR_OK);
	ck_assert_int_eq(gcr_settings_save(s, path, &err), GCR_OK);
	gcr_settings_free(s);

	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(gcr_settings_load(path, &again, &err), GCR_OK);
	ck_assert_str_eq(gcr_settings_get(again, "other.keep"), "me");
	ck_assert_str_eq(gcr_settings_get(again, "slurm.host"), "h1");
	ck_assert_str_eq(gcr_settings_get(again, "aws.region"), "eu-west-1");
	ck_assert_ptr_null(gcr_settings_get(again, "aws.profile"));
	ck_assert_str_eq(gcr_settings_list_item(again, "slurm.modules", 1), mods[1]);
	gcr_settings_free(again);
	cleanup(path);
}
END_TEST

START_TEST(bad_files_and_keys_are_clear_errors)
{
	static const char *bad[] = {
		"aws: [unclosed\n",
		"- a\n- b\n",
		"just a string\n",
		"a: &x 1\nb: *x\n",
		"slurm:\n  modules:\n    - {nested: map}\n",
	};
	struct gcr_settings *s;
	struct gcr_error err;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *path = write_tmp("bad.yaml", bad[i]);
		ck_assert_int_eq(gcr_settings_load(path, &s, &err), GCR_ERR_INVALID);
		ck_assert_ptr_null(s);
		/* The message names the file and a line. */
		ck_assert_msg(strstr(err.message, path) != NULL, "%s", err.message);
		ck_assert_msg(strstr(err.message, ":") != NULL, "%s", err.message);
		cleanup(path);
	}
	s = gcr_settings_new();
	ck_assert_int_eq(gcr_settings_set(s, "a..b", "x", &err), GCR_ERR_INVALID);
	ck_assert_int_eq(gcr_settings_set(s, ".a", "x", &err), GCR_ERR_INVALID);
	ck_assert_int_eq(gcr_settings_set(s, "", "x", &err), GCR_ERR_INVALID);
	/* A scalar in the way of a deeper key becomes a section. */
	ck_assert_int_eq(gcr_settings_set(s, "a", "x", &err), GCR_OK);
	ck_assert_int_eq(gcr_settings_set(s, "a.b", "y", &err), GCR_OK);
	ck_assert_str_eq(gcr_settings_get(s, "a.b"), "y");
	gcr_settings_free(s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("settings");
	TCase *tc = tcase_create("settings");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, missing_file_is_empty_not_error);
	tcase_add_test(tc, reads_sections_lists_and_numbers);
	tcase_add_test(tc, save_keeps_other_sections_and_is_private);
	tcase_add_test(tc, bad_files_and_keys_are_clear_errors);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
