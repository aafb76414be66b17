/* check_journal.c: the run journal survives crashes, concurrent writers and
 * torn lines, and replays to the merged state of each simulation. */
#include "config.h"

#include <check.h>
#include <fcntl.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "journal.h"
#include "paths.h"

static char dir[64];
static char *path;

static void setup(void)
{
	strcpy(dir, "/tmp/gcr-journal.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	path = gcr_strdup_printf("%s/journal.jsonl", dir);
}

static void teardown(void)
{
	char *cmd = gcr_strdup_printf("rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
	free(path);
}

static void append_raw(const char *text)
{
	int fd = open(path, O_WRONLY | O_APPEND);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

START_TEST(append_and_replay_merge_events)
{
	struct gcr_journal *j;
	struct gcr_error err;
	struct stat st;
	json_t *f, *s;

	ck_assert_int_eq(gcr_journal_open(path, &j, &err), GCR_OK);
	f = json_pack("{s:s, s:f}", "target", "batch", "costEstimate", 12.5);
	ck_assert_int_eq(gcr_journal_append(j, "sim-a", "intent", f, &err), GCR_OK);
	json_decref(f);
	ck_assert_int_eq(gcr_journal_append(j, "sim-b", "intent", NULL, &err), GCR_OK);
	f = json_pack("{s:s}", "jobId", "job-123");
	ck_assert_int_eq(gcr_journal_append(j, "sim-a", "submitted", f, &err), GCR_OK);
	json_decref(f);
	gcr_journal_close(j);

	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);

	ck_assert_int_eq(gcr_journal_open(path, &j, &err), GCR_OK);
	ck_assert_uint_eq(gcr_journal_count(j), 2);
	ck_assert_str_eq(gcr_journal_sim_at(j, 0), "sim-a");
	ck_assert_str_eq(gcr_journal_sim_at(j, 1), "sim-b");
	s = gcr_journal_get(j, "sim-a");
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(json_string_value(json_object_get(s, "jobId")), "job-123");
	ck_assert_str_eq(json_string_value(json_object_get(s, "target")), "batch");
	ck_assert_str_eq(json_string_value(json_object_get(s, "last_event")), "submitted");
	ck_assert(json_real_value(json_object_get(s, "costEstimate")) == 12.5);
	ck_assert_ptr_null(gcr_journal_get(j, "nope"));
	ck_assert_uint_eq(gcr_journal_skipped_lines(j), 0);
	gcr_journal_close(j);
}
END_TEST

START_TEST(torn_line_is_skipped_and_does_not_spoil_the_next)
{
	struct gcr_journal *j;
	struct gcr_error err;

	ck_assert_int_eq(gcr_journal_open(path, &j, &err), GCR_OK);
	ck_assert_int_eq(gcr_journal_append(j, "sim-a", "intent", NULL, &err), GCR_OK);
	/* A crash mid-write: half a line, no newline. */
	append_raw("{\"seq\":2,\"sim\":\"sim-a\",\"event\":\"subm");
	ck_assert_int_eq(gcr_journal_append(j, "sim-c", "intent", NULL, &err), GCR_OK);
	gcr_journal_close(j);

	ck_assert_int_eq(gcr_journal_open(path, &j, &err), GCR_OK);
	ck_assert_uint_eq(gcr_journal_count(j), 2);
	ck_assert_ptr_nonnull(gcr_journal_get(j, "sim-c"));
	ck_assert_str_eq(json_string_value(json_object_get(gcr_journal_get(j, "sim-a"), "last_event")),
			 "intent");
	ck_assert_uint_eq(gcr_journal_skipped_lines(j), 1);
	gcr_journal_close(j);
}
END_TEST

START_TEST(concurrent_writers_get_unique_sequence_numbers)
{
	enum { WRITERS = 4, EACH = 50 };
	struct gcr_journal *j;
	struct gcr_error err;
	char *text;
	size_t len;

	for (int w = 0; w < WRITERS; w++) {
		pid_t pid = fork();
		ck_assert_int_ge(pid, 0);
		if (pid == 0) {
			struct gcr_journal *cj;
			char sim[32];
			if (gcr_journal_open(path, &cj, &err) != GCR_OK)
				_exit(3);
			for (int i = 0; i < EACH; i++) {
				snprintf(sim, sizeof sim, "w%d-%d", w, i);
				if (gcr_journal_append(cj, sim, "intent", NULL, &err) != GCR_OK)
					_exit(4);
			}
			gcr_journal_close(cj);
			_exit(0);
		}
	}
	for (int w = 0; w < WRITERS; w++) {
		int status;
		ck_assert_int_gt(wait(&status), 0);
		ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	ck_assert_int_eq(gcr_journal_open(path, &j, &err), GCR_OK);
	ck_assert_uint_eq(gcr_journal_count(j), WRITERS * EACH);
	ck_assert_uint_eq(gcr_journal_skipped_lines(j), 0);
	gcr_journal_close(j);

	/* Sequence numbers 1..N each appear exactly once. */
	ck_assert_int_eq(gcr_read_file(path, &text, &len, &err), GCR_OK);
	for (int seq = 1; seq <= WRITERS * EACH; seq++) {
		char needle[32];
		char *first, *second;
		snprintf(needle, sizeof needle, "{\"seq\":%d,", seq);
		first = strstr(text, needle);
		ck_assert_msg(first != NULL, "seq %d missing", seq);
		second = strstr(first + 1, needle);
		ck_assert_msg(second == NULL, "seq %d twice", seq);
	}
	free(text);
}
END_TEST

START_TEST(refresh_sees_other_processes_lines)
{
	struct gcr_journal *a, *b;
	struct gcr_error err;

	ck_assert_int_eq(gcr_journal_open(path, &a, &err), GCR_OK);
	ck_assert_int_eq(gcr_journal_open(path, &b, &err), GCR_OK);
	ck_assert_int_eq(gcr_journal_append(b, "sim-x", "intent", NULL, &err), GCR_OK);
	ck_assert_ptr_null(gcr_journal_get(a, "sim-x"));
	ck_assert_int_eq(gcr_journal_refresh(a, &err), GCR_OK);
	ck_assert_ptr_nonnull(gcr_journal_get(a, "sim-x"));
	/* Taking the lock also catches up. */
	ck_assert_int_eq(gcr_journal_append(b, "sim-y", "intent", NULL, &err), GCR_OK);
	ck_assert_int_eq(gcr_journal_lock(a, &err), GCR_OK);
	ck_assert_ptr_nonnull(gcr_journal_get(a, "sim-y"));
	gcr_journal_unlock(a);
	gcr_journal_close(a);
	gcr_journal_close(b);
}
END_TEST

START_TEST(simulation_ids_are_unique_and_safe_names)
{
	char a[64], b[64];
	struct gcr_error err;
	regex_t re;

	ck_assert_int_eq(regcomp(&re, "^gcr-[0-9]{8}T[0-9]{6}Z-[0-9a-f]{8}$", REG_EXTENDED), 0);
	ck_assert_int_eq(gcr_simulation_id_new(a, &err), GCR_OK);
	ck_assert_int_eq(gcr_simulation_id_new(b, &err), GCR_OK);
	ck_assert_int_eq(regexec(&re, a, 0, NULL, 0), 0);
	ck_assert_str_ne(a, b);
	regfree(&re);
}
END_TEST

/* Runs with a job id or a final state are not kept parsed (memory): whether
 * their state comes from the in-memory merge or from the file again, it
 * must be the same, for runs ended in this process, replayed at open, and
 * read again after more lines arrived.  A run with only an intent (a
 * submission may be acting on it) stays parsed. */
START_TEST(final_runs_read_back_the_same_after_leaving_memory)
{
	struct gcr_journal *j;
	struct gcr_error err;
	enum { N = 300 };
	char sim[32];
	json_t *f, *s, *live;

	ck_assert_int_eq(gcr_journal_open(path, &j, &err), GCR_OK);
	f = json_pack("{s:s}", "target", "batch");
	ck_assert_int_eq(gcr_journal_append(j, "sim-intent", "intent", f, &err), GCR_OK);
	json_decref(f);
	for (int i = 0; i < N; i++) {
		snprintf(sim, sizeof sim, "sim-%03d", i);
		f = json_pack("{s:s, s:i}", "target", "batch", "n", i);
		ck_assert_int_eq(gcr_journal_append(j, sim, "intent", f, &err), GCR_OK);
		json_decref(f);
		f = json_pack("{s:s}", "job_id", sim);
		ck_assert_int_eq(gcr_journal_append(j, sim, "submitted", f, &err), GCR_OK);
		json_decref(f);
		if (i % 3 == 0)
			continue;        /* a third stay unfinished */
		f = i % 3 == 1 ? json_pack("{s:s, s:f}", "end_state", "succeeded", "actual_cost", i / 10.0)
			       : json_pack("{s:b, s:s}", "closed", 1, "error", "nothing was submitted");
		ck_assert_int_eq(gcr_journal_append(j, sim, i % 3 == 1 ? "ended" : "failed", f, &err),
				 GCR_OK);
		json_decref(f);
	}
	/* An intent's state is held: its pointer survives reading every
	 * other run. */
	live = gcr_journal_get(j, "sim-intent");
	ck_assert_ptr_nonnull(live);
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < N; i++) {
			snprintf(sim, sizeof sim, "sim-%03d", i);
			s = gcr_journal_get(j, sim);
			ck_assert_ptr_nonnull(s);
			ck_assert_int_eq(json_integer_value(json_object_get(s, "n")), i);
			ck_assert_str_eq(json_string_value(json_object_get(s, "job_id")), sim);
			ck_assert_str_eq(json_string_value(json_object_get(s, "sim")), sim);
			if (i % 3 == 1) {
				ck_assert_str_eq(json_string_value(json_object_get(s, "end_state")), "succeeded");
				ck_assert(json_real_value(json_object_get(s, "actual_cost")) == i / 10.0);
				ck_assert_str_eq(json_string_value(json_object_get(s, "last_event")), "ended");
			} else if (i % 3 == 2) {
				ck_assert(json_is_true(json_object_get(s, "closed")));
				ck_assert_str_eq(json_string_value(json_object_get(s, "last_event")), "failed");
			} else {
				ck_assert_ptr_null(json_object_get(s, "end_state"));
				ck_assert_str_eq(json_string_value(json_object_get(s, "last_event")), "submitted");
			}
		}
		ck_assert_ptr_eq(gcr_journal_get(j, "sim-intent"), live);
		ck_assert_uint_eq(gcr_journal_count(j), N + 1);
		/* Second pass: the same after a replay from the file, with a
		 * line for an old final run appended after it left memory. */
		gcr_journal_close(j);
		ck_assert_int_eq(gcr_journal_open(path, &j, &err), GCR_OK);
		live = gcr_journal_get(j, "sim-intent");
	}
	f = json_pack("{s:b}", "end_record_pending", 0);
	ck_assert_int_eq(gcr_journal_append(j, "sim-001", "end_recorded", f, &err), GCR_OK);
	json_decref(f);
	s = gcr_journal_get(j, "sim-001");
	ck_assert(json_is_false(json_object_get(s, "end_record_pending")));
	ck_assert_str_eq(json_string_value(json_object_get(s, "end_state")), "succeeded");
	ck_assert_str_eq(json_string_value(json_object_get(s, "last_event")), "end_recorded");
	ck_assert_uint_eq(gcr_journal_skipped_lines(j), 0);
	gcr_journal_close(j);
}
END_TEST

/* The journal is replayed in chunks: lines across chunk edges and a line
 * longer than a chunk read back whole. */
START_TEST(long_lines_and_chunk_edges_replay_whole)
{
	struct gcr_journal *j;
	struct gcr_error err;
	size_t big = 600 * 1024;
	char *text = malloc(big + 1);
	char sim[32];
	json_t *f, *s;

	memset(text, 'x', big);
	text[big] = '\0';
	ck_assert_int_eq(gcr_journal_open(path, &j, &err), GCR_OK);
	for (int i = 0; i < 3000; i++) {
		snprintf(sim, sizeof sim, "sim-%04d", i);
		f = json_pack("{s:i, s:s}", "n", i, "pad", "some text to cross the chunk edges");
		ck_assert_int_eq(gcr_journal_append(j, sim, "intent", f, &err), GCR_OK);
		json_decref(f);
		if (i == 1500) {
			f = json_pack("{s:s}", "spec_yaml", text);
			ck_assert_int_eq(gcr_journal_append(j, "sim-big", "intent", f, &err), GCR_OK);
			json_decref(f);
		}
	}
	gcr_journal_close(j);
	ck_assert_int_eq(gcr_journal_open(path, &j, &err), GCR_OK);
	ck_assert_uint_eq(gcr_journal_count(j), 3001);
	ck_assert_uint_eq(gcr_journal_skipped_lines(j), 0);
	s = gcr_journal_get(j, "sim-big");
	ck_assert_uint_eq(strlen(json_string_value(json_object_get(s, "spec_yaml"))), big);
	for (int i = 0; i < 3000; i++) {
		snprintf(sim, sizeof sim, "sim-%04d", i);
		s = gcr_journal_get(j, sim);
		ck_assert_int_eq(json_integer_value(json_object_get(s, "n")), i);
	}
	gcr_journal_close(j);
	free(text);
}
END_TEST

START_TEST(unwritable_journal_is_a_clear_error)
{
	struct gcr_journal *j;
	struct gcr_error err;

	ck_assert_int_eq(gcr_journal_open("/nonexistent-dir/j.jsonl", &j, &err), GCR_ERR_IO);
	ck_assert_ptr_null(j);
	ck_assert(strstr(err.message, "/nonexistent-dir/j.jsonl") != NULL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("journal");
	TCase *tc = tcase_create("journal");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, append_and_replay_merge_events);
	tcase_add_test(tc, torn_line_is_skipped_and_does_not_spoil_the_next);
	tcase_add_test(tc, concurrent_writers_get_unique_sequence_numbers);
	tcase_add_test(tc, refresh_sees_other_processes_lines);
	tcase_add_test(tc, simulation_ids_are_unique_and_safe_names);
	tcase_add_test(tc, final_runs_read_back_the_same_after_leaving_memory);
	tcase_add_test(tc, long_lines_and_chunk_edges_replay_whole);
	tcase_add_test(tc, unwritable_journal_is_a_clear_error);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
