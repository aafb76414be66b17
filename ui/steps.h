/* steps.h: small helpers the step files (ui/step_*.c) share. */
#ifndef GCR_UI_STEPS_H
#define GCR_UI_STEPS_H

#include "ui/form.h"
#include "ui/wizard.h"

/* Adds the [Back] [Next] buttons every middle step has. */
void step_nav_buttons(struct ui_form *f);

/* The checked item of the CHOICE field with this tag, or NULL. */
const struct ui_item *step_checked(struct ui_form *f, int tag);

/* True when the result concerns the field with this tag. */
bool step_result_is(const struct ui_form *f, const struct ui_form_result *r, int tag);

/* Copies src into a spec id field (GCR_ID_MAX). */
void step_set_id(char dst[GCR_ID_MAX], const char *src);

/* When r concerns the CHOICE field `tag` and its checked item differs from
 * dst: copies the item's id to dst and tells the wizard that `choice`
 * changed.  Returns the UI_* bits (0 when nothing changed). */
unsigned step_apply_id(struct wizard *w, struct ui_form *f, const struct ui_form_result *r,
		       int tag, char dst[GCR_ID_MAX], enum wiz_choice choice);

/* False (with "label: error" in why) while a visible field of the shown
 * step holds a value it refused. */
bool step_fields_ok(struct wizard *w, char *why, size_t len);

#endif
