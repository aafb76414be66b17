/* form.h: the widgets a wizard step is made of -- lists of choices (one
 * pick), lists of ticks (many), text fields, number fields and buttons --
 * collected in one form per step.
 *
 * A step describes its form (ui_form_*_add) from the spec and the catalog;
 * the form handles movement, focus, editing and mouse clicks itself and
 * tells the step what the user did (struct ui_form_result); the step then
 * writes the spec.  Items that cannot be picked carry the reason, which the
 * form shows when the item is highlighted.  ui_form_draw paints the form
 * into a rectangle and registers its click regions with the app. */
#ifndef GCR_UI_FORM_H
#define GCR_UI_FORM_H

#include <stdbool.h>
#include <stddef.h>

#include "ui/app.h"
#include "ui/theme.h"

#define UI_ITEM_ID_MAX 64
#define UI_LABEL_MAX 160
#define UI_NOTE_MAX 512
#define UI_FORM_MAX_FIELDS 6
#define UI_FORM_MAX_BUTTONS 4
#define UI_TEXT_MAX 256

struct ui_item {
	char id[UI_ITEM_ID_MAX];       /* the value the step writes to the spec */
	char label[UI_LABEL_MAX];
	char badge[UI_LABEL_MAX];      /* short text at the right (a price, "default") */
	char detail[UI_NOTE_MAX];      /* explanation shown when highlighted */
	char reason[UI_NOTE_MAX];      /* not empty: cannot be picked, and why */
	bool checked;                  /* CHOICE: the chosen one; MULTI: ticked */
};

enum ui_field_kind {
	UI_FIELD_CHOICE,               /* radio list: moving the cursor picks */
	UI_FIELD_MULTI,                /* check list: Space ticks */
	UI_FIELD_TEXT,                 /* one line of text */
	UI_FIELD_NUMBER,               /* an integer; Left/Right step it */
	UI_FIELD_VIEW,                 /* read-only lines; Enter on one submits it */
};

struct ui_field {
	enum ui_field_kind kind;
	int tag;                       /* the step's own name for the field */
	char label[UI_LABEL_MAX];
	char note[UI_NOTE_MAX];        /* shown under the field */
	enum ui_role note_role;
	bool hidden;

	/* CHOICE, MULTI */
	struct ui_item *items;         /* owned by the form */
	int nitems, cap;
	int cursor, top;

	/* TEXT, NUMBER */
	char text[UI_TEXT_MAX];
	size_t caret;                  /* byte offset in text */
	int width;                     /* columns of the input box */
	long min, max, step;           /* NUMBER */
	char error[UI_NOTE_MAX];       /* the value is not acceptable, and why */
	bool edited;                   /* the user typed since the step set it */
	bool secret;                   /* TEXT: drawn as one '*' per character, never as typed */

	int rows_shown;                /* item rows the last draw showed (paging) */
};

enum ui_form_button_tag {
	UI_BUTTON_BACK = 1,
	UI_BUTTON_NEXT,
	UI_BUTTON_SAVE,
	UI_BUTTON_SUBMIT,
	UI_BUTTON_START,
};

struct ui_button {
	char label[64];
	int tag;
	bool disabled;
};

struct ui_form {
	struct ui_field fields[UI_FORM_MAX_FIELDS];
	int nfields;
	struct ui_button buttons[UI_FORM_MAX_BUTTONS];
	int nbuttons;
	int focus;                     /* < nfields: a field; else a button */
	bool built;                    /* the step has filled it once */

	/* What ui_form_begin remembers so ui_form_end can put it back. */
	struct ui_form_saved {
		int tag;
		enum ui_field_kind kind;
		char cursor_id[UI_ITEM_ID_MAX];
		int cursor, top;
		char text[UI_TEXT_MAX];
		size_t caret;
		bool edited;               /* the user typed in it */
		char error[UI_NOTE_MAX];
	} saved[UI_FORM_MAX_FIELDS];
	int nsaved;
	int focus_tag;                 /* field tag, or -1 */
	int focus_button;              /* button tag when a button had focus, else 0 */
	int editing_tag;               /* focused TEXT/NUMBER field during a rebuild, or -1 */
};

enum ui_form_what {
	UI_FORM_NOTHING = 0,
	UI_FORM_MOVED,                 /* cursor or focus moved, nothing chosen */
	UI_FORM_PICKED,                /* CHOICE: item became the chosen one */
	UI_FORM_TOGGLED,               /* MULTI: item ticked or unticked */
	UI_FORM_EDITED,                /* TEXT/NUMBER: the text changed */
	UI_FORM_SUBMIT,                /* Enter on a field: done with it */
	UI_FORM_BUTTON,                /* a button was pressed */
	UI_FORM_REFUSED,               /* tried to pick a disabled item */
};

struct ui_form_result {
	enum ui_form_what what;
	int field;                     /* index into fields */
	int item;                      /* index into the field's items */
	int button;                    /* the button's tag */
};

/* Click-region kinds the form registers (ui_hit.kind). */
enum { UI_HIT_FORM_ITEM = 100, UI_HIT_FORM_FIELD, UI_HIT_FORM_BUTTON };

void ui_form_init(struct ui_form *f);
void ui_form_free(struct ui_form *f);

/* Rebuilding: steps call ui_form_begin, add their fields again and call
 * ui_form_end; cursors, scroll positions, caret and focus are kept by field
 * tag and item id, so a rebuild after every change does not move anything
 * the user is looking at. */
void ui_form_begin(struct ui_form *f);
void ui_form_end(struct ui_form *f);

struct ui_field *ui_form_add_field(struct ui_form *f, enum ui_field_kind kind, int tag,
				   const char *label);
struct ui_item *ui_field_add_item(struct ui_field *fld, const char *id, const char *label);
void ui_form_add_button(struct ui_form *f, int tag, const char *label);

/* Sets a TEXT/NUMBER field's text (and puts the caret at its end) unless
 * the user is editing it (it has focus), so live rebuilds do not fight the
 * user's typing. */
void ui_field_set_text(struct ui_form *f, struct ui_field *fld, const char *text);

struct ui_field *ui_form_field_by_tag(struct ui_form *f, int tag);
struct ui_field *ui_form_focused_field(struct ui_form *f);
/* The item under the focused field's cursor, or NULL. */
const struct ui_item *ui_form_current_item(const struct ui_form *f);
/* Index of the checked item of a CHOICE field, or -1. */
int ui_field_checked(const struct ui_field *fld);
/* Parses a NUMBER field; false when it is not a number in [min, max]. */
bool ui_field_number(const struct ui_field *fld, long *out);

/* Moves focus to the next (dir 1) or previous (dir -1) visible field or
 * enabled button; wraps around.  Returns true when it moved. */
bool ui_form_focus_step(struct ui_form *f, int dir);
/* Focuses the first visible field (or the first button). */
void ui_form_focus_first(struct ui_form *f);
/* True when the focus is on the last visible field (Enter then means "go on"). */
bool ui_form_focus_is_last_field(const struct ui_form *f);
void ui_form_focus_button(struct ui_form *f, int tag);

/* Handles a key or click; fills *res and returns UI_* reaction bits.
 * rows_visible is how many item rows the focused list showed (for paging). */
unsigned ui_form_event(struct ui_form *f, const struct ui_event *ev,
		       struct ui_form_result *res);

/* Paints the form into (y, x, h, w) and registers click regions.  The
 * lines under the lists explain the highlighted item (its reason when it
 * cannot be picked).  Returns the rows used. */
int ui_form_draw(struct ui_form *f, struct ui_app *app, int y, int x, int h, int w);

/* Rows the form would like (for layouts that stack panels). */
int ui_form_wanted_rows(const struct ui_form *f, int w);

#endif
