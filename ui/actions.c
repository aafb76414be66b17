/* actions.c: the action table, the key map built from it, and its dumps. */
#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "ui/actions.h"

static const struct ui_action_info action_table[] = {
#define UI_ACTION_ROW(id, name, scope, keys, help) \
	{ UI_ACT_##id, name, scope, keys, help },
	UI_ACTION_LIST(UI_ACTION_ROW)
#undef UI_ACTION_ROW
};

#define NACTIONS (sizeof action_table / sizeof action_table[0])

const struct ui_action_info *ui_actions(size_t *count)
{
	*count = NACTIONS;
	return action_table;
}

const struct ui_action_info *ui_action_info(enum ui_action id)
{
	if (id <= UI_ACT_NONE || id >= UI_ACT_COUNT)
		return NULL;
	return &action_table[id - 1];
}

const char *ui_scope_title(enum ui_scope scope)
{
	switch (scope) {
	case UI_SCOPE_ANYWHERE: return _("Everywhere");
	case UI_SCOPE_LIST: return _("In a step");
	case UI_SCOPE_ESTIMATES: return _("Estimates");
	case UI_SCOPE_REVIEW: return _("On the review step");
	case UI_SCOPE_DIALOG: return _("In a question");
	case UI_SCOPE_DASHBOARD: return _("On the dashboard");
	case UI_SCOPE_RUN: return _("On a run's page (the dashboard's keys work there too)");
	case UI_SCOPE_COUNT: break;
	}
	return "";
}

/* Key names that stand for more than one code (Enter is \n, \r or the
 * keypad's Enter) expand to several bindings. */
static const struct {
	const char *name;
	int key;
	bool is_keycode;
} named_keys[] = {
	{ "Up", KEY_UP, true }, { "Down", KEY_DOWN, true },
	{ "Left", KEY_LEFT, true }, { "Right", KEY_RIGHT, true },
	{ "PgUp", KEY_PPAGE, true }, { "PgDn", KEY_NPAGE, true },
	{ "Home", KEY_HOME, true }, { "End", KEY_END, true },
	{ "Tab", '\t', false }, { "S-Tab", KEY_BTAB, true },
	{ "Enter", '\n', false }, { "Enter", '\r', false }, { "Enter", KEY_ENTER, true },
	{ "Esc", 27, false },
	{ "Backspace", KEY_BACKSPACE, true }, { "Backspace", 127, false },
	{ "Backspace", 8, false },
	{ "Space", ' ', false },
};

#define MAX_BINDINGS 160

static struct binding {
	int key;
	bool is_keycode;
	enum ui_action action;
	enum ui_scope scope;
} bindings[MAX_BINDINGS];
static size_t nbindings;

static bool add_binding(int key, bool is_keycode, enum ui_action action)
{
	if (nbindings >= MAX_BINDINGS)
		return false;
	bindings[nbindings++] = (struct binding){ key, is_keycode, action, action_table[action - 1].scope };
	return true;
}

bool ui_key_parse(const char *name, int *key, bool *is_keycode)
{
	for (size_t i = 0; i < sizeof named_keys / sizeof named_keys[0]; i++)
		if (strcmp(named_keys[i].name, name) == 0) {
			*key = named_keys[i].key;
			*is_keycode = named_keys[i].is_keycode;
			return true;
		}
	if (name[0] == 'F' && name[1] >= '1' && name[1] <= '9') {
		char *end;
		long n = strtol(name + 1, &end, 10);
		if (*end == '\0' && n >= 1 && n <= 12) {
			*key = KEY_F((int)n);
			*is_keycode = true;
			return true;
		}
	}
	if (name[0] == 'C' && name[1] == '-' && name[2] >= 'a' && name[2] <= 'z' && !name[3]) {
		*key = name[2] & 0x1f;
		*is_keycode = false;
		return true;
	}
	if (name[0] > ' ' && name[0] < 0x7f && !name[1]) {
		*key = name[0];
		*is_keycode = false;
		return true;
	}
	return false;
}

bool ui_keymap_init(void)
{
	bool ok = true;

	nbindings = 0;
	for (size_t i = 0; i < NACTIONS; i++) {
		char names[64], *save = NULL, *tok;

		snprintf(names, sizeof names, "%s", action_table[i].keys);
		for (tok = strtok_r(names, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
			bool found = false;
			int key;
			bool is_keycode;

			/* A name may expand to several codes (Enter, Backspace). */
			for (size_t k = 0; k < sizeof named_keys / sizeof named_keys[0]; k++)
				if (strcmp(named_keys[k].name, tok) == 0) {
					ok &= add_binding(named_keys[k].key, named_keys[k].is_keycode,
							  action_table[i].id);
					found = true;
				}
			if (found)
				continue;
			if (ui_key_parse(tok, &key, &is_keycode))
				ok &= add_binding(key, is_keycode, action_table[i].id);
			else
				ok = false;
		}
	}
	return ok;
}

enum ui_action ui_action_for_key(int key, bool is_keycode)
{
	for (size_t i = 0; i < nbindings; i++)
		if (bindings[i].key == key && bindings[i].is_keycode == is_keycode)
			return bindings[i].action;
	return UI_ACT_NONE;
}

enum ui_action ui_action_for_key_in(int key, bool is_keycode, enum ui_scope scope)
{
	for (size_t i = 0; i < nbindings; i++)
		if (bindings[i].key == key && bindings[i].is_keycode == is_keycode &&
		    bindings[i].scope == scope)
			return bindings[i].action;
	return UI_ACT_NONE;
}

void ui_action_keys_display(const struct ui_action_info *a, char *buf, size_t size)
{
	size_t used = 0;
	const char *p = a->keys;

	buf[0] = '\0';
	while (*p && used + 1 < size) {
		size_t len = strcspn(p, " ");
		int n = snprintf(buf + used, size - used, "%s%.*s", used ? ", " : "", (int)len, p);
		if (n < 0 || (size_t)n >= size - used)
			break;
		used += (size_t)n;
		p += len;
		while (*p == ' ')
			p++;
	}
}

void ui_actions_print(FILE *out)
{
	for (size_t i = 0; i < NACTIONS; i++) {
		char keys[64];

		ui_action_keys_display(&action_table[i], keys, sizeof keys);
		fprintf(out, "%-12s %-16s %s\n", action_table[i].name, keys,
			_(action_table[i].help));
	}
}
