/* awsconfig.h: the AWS shared config and credentials files, profile and
 * region selection.
 *
 * ~/.aws/config ($AWS_CONFIG_FILE) holds [default], [profile NAME],
 * [sso-session NAME] and [services NAME] sections; ~/.aws/credentials
 * ($AWS_SHARED_CREDENTIALS_FILE) holds [default] and [NAME].  The format is
 * the SDKs' INI dialect: `key = value` (keys are case-insensitive and kept
 * lower-case), full-line comments with '#' or ';', inline comments after
 * white space, a line that starts with white space continues the previous
 * value, and a key with an empty value opens a nested block of indented
 * `key = value` lines (e.g. `s3 =` then `  endpoint_url = ...`).  A later
 * duplicate key or section overrides an earlier one.  The parser never
 * crashes on any input: a line it cannot read is an error naming the file
 * and line.
 *
 * The writer (gcr_aws_ini_file_set) changes one section's keys and keeps
 * everything else in the file, comments included. */
#ifndef GCR_AWS_AWSCONFIG_H
#define GCR_AWS_AWSCONFIG_H

#include <stddef.h>
#include <sys/types.h>

#include "error.h"

/* --- One parsed INI file ------------------------------------------------ */

struct gcr_aws_ini_entry {
	char *parent;   /* nested block name ("s3"), or NULL for a top-level key */
	char *key;      /* lower-case */
	char *value;    /* trimmed; continuation lines joined with '\n' */
	int line;
};

struct gcr_aws_ini_section {
	char *name;     /* the text between the brackets, trimmed, e.g. "profile dev" */
	struct gcr_aws_ini_entry *entries;
	size_t count, cap;
	int line;
};

struct gcr_aws_ini {
	char *path;     /* for messages; may be NULL */
	struct gcr_aws_ini_section *sections;
	size_t count, cap;
};

/* Parses text (len bytes, need not be NUL-terminated).  origin names the
 * file in messages.  Returns NULL with err (GCR_ERR_INVALID, "FILE:LINE:
 * what is wrong") on a line it cannot read, GCR_ERR_NOMEM on no memory. */
struct gcr_aws_ini *gcr_aws_ini_parse(const char *text, size_t len,
				      const char *origin, struct gcr_error *err);
void gcr_aws_ini_free(struct gcr_aws_ini *ini);

/* The section with exactly this name (after trimming and merging). */
const struct gcr_aws_ini_section *gcr_aws_ini_section(const struct gcr_aws_ini *ini,
						      const char *name);
/* A top-level key (parent NULL) or a key in the nested block parent.
 * Borrowed, or NULL. */
const char *gcr_aws_ini_lookup(const struct gcr_aws_ini_section *s,
			       const char *parent, const char *key);

/* Sets keys of one section in an INI file, keeping everything else (other
 * sections, comments, blank lines, order).  keys/values are n pairs; a NULL
 * value removes the key.  The section is appended when missing.  Creates
 * the file (and its directory, 0700) when missing; writes atomically with
 * mode (0600 for the credentials file). */
enum gcr_status gcr_aws_ini_file_set(const char *path, const char *section,
				     const char *const *keys,
				     const char *const *values, size_t n,
				     mode_t mode, struct gcr_error *err);

/* The text-level part of gcr_aws_ini_file_set (caller frees the result). */
char *gcr_aws_ini_text_set(const char *text, size_t len, const char *section,
			   const char *const *keys, const char *const *values,
			   size_t n);

/* Stores one profile's keys in the shared credentials file (path NULL: the
 * default file), e.g. from the setup assistant; session_token NULL removes
 * an old token.  Mode 0600, atomic. */
enum gcr_status gcr_aws_credentials_file_store(const char *path, const char *profile,
					       const char *access_key_id,
					       const char *secret_access_key,
					       const char *session_token,
					       struct gcr_error *err);

/* --- Both files together ------------------------------------------------ */

struct gcr_aws_config {
	char *config_path;          /* resolved paths, even when the file is missing */
	char *credentials_path;
	struct gcr_aws_ini *config;       /* never NULL (empty when missing) */
	struct gcr_aws_ini *credentials;  /* never NULL */
};

/* Paths: $AWS_CONFIG_FILE / $AWS_SHARED_CREDENTIALS_FILE (a leading "~/" is
 * expanded), else ~/.aws/config and ~/.aws/credentials.  Caller frees;
 * NULL when HOME is unset and no variable names a file. */
char *gcr_aws_config_file_path(void);
char *gcr_aws_credentials_file_path(void);

/* Loads both files from the paths above; missing files are empty, an
 * unreadable or malformed one is an error. */
struct gcr_aws_config *gcr_aws_config_load(struct gcr_error *err);
/* The same with explicit paths (either may be NULL: empty). */
struct gcr_aws_config *gcr_aws_config_load_files(const char *config_path,
						 const char *credentials_path,
						 struct gcr_error *err);
void gcr_aws_config_free(struct gcr_aws_config *cfg);

/* A profile's section in the config file ([default] or [profile NAME]) or
 * in the credentials file ([NAME]); NULL when absent. */
const struct gcr_aws_ini_section *gcr_aws_config_profile(const struct gcr_aws_config *cfg,
							 const char *profile);
const struct gcr_aws_ini_section *gcr_aws_credentials_profile(const struct gcr_aws_config *cfg,
							      const char *profile);
/* [sso-session NAME] and [services NAME] in the config file. */
const struct gcr_aws_ini_section *gcr_aws_config_sso_session(const struct gcr_aws_config *cfg,
							     const char *name);
const struct gcr_aws_ini_section *gcr_aws_config_services(const struct gcr_aws_config *cfg,
							  const char *name);

/* A profile setting as the SDKs see it: the credentials file's value wins
 * over the config file's.  Borrowed, or NULL. */
const char *gcr_aws_config_get(const struct gcr_aws_config *cfg,
			       const char *profile, const char *key);

/* Whether the profile exists in either file. */
int gcr_aws_config_has_profile(const struct gcr_aws_config *cfg, const char *profile);

/* --- Profile and region ------------------------------------------------- */

/* The profile to use: cli_profile (--profile), else $AWS_PROFILE, else
 * $AWS_DEFAULT_PROFILE, else "default".  Borrowed. */
const char *gcr_aws_profile_name(const char *cli_profile);

/* The region: cli_region (--region) wins, else $AWS_REGION, else
 * $AWS_DEFAULT_REGION, else the profile's region.  Returns a new string
 * (caller frees) or NULL when none is set.  cfg may be NULL. */
char *gcr_aws_region(const struct gcr_aws_config *cfg, const char *profile,
		     const char *cli_region);

/* Checks a region name's shape (e.g. "us-east-1": lower-case letters,
 * digits and hyphens) so it is safe inside a host name. */
int gcr_aws_region_valid(const char *region);

#endif
