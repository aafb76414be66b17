/* steps.c: helpers shared by the step files (see steps.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "ui/steps.h"
#include "ui/text.h"

void step_nav_buttons(struct ui_form *f)
{
	ui_form_add_button(f, UI_BUTTON_BACK, _("Back"));
	ui_form_add_button(f, UI_BUTTON_NEXT, _("Next"));
}

const struct ui_item *step_checked(struct ui_form *f, int tag)
{
	struct ui_field *fld = ui_form_field_by_tag(f, tag);
	int i;

	if (!fld)
		return NULL;
	i = ui_field_checked(fld);
	return i >= 0 ? &fld->items[i] : NULL;
}

bool step_result_is(const struct ui_form *f, const struct ui_form_result *r, int tag)
{
	return r->field >= 0 && r->field < f->nfields && f->fields[r->field].tag == tag;
}

void step_set_id(char dst[GCR_ID_MAX], const char *src)
{
	ui_text_copy(dst, GCR_ID_MAX, src);
}

unsigned step_apply_id(struct wizard *w, struct ui_form *f, const struct ui_form_result *r,
		       int tag, char dst[GCR_ID_MAX], enum wiz_choice choice)
{
	const struct ui_item *it;

	if (!step_result_is(f, r, tag))
		return 0;
	it = step_checked(f, tag);
	if (!it || strcmp(it->id, dst) == 0)
		return 0;
	step_set_id(dst, it->id);
	wizard_changed(w, choice);
	return UI_CHANGED | UI_REDRAW;
}

bool step_fields_ok(struct wizard *w, char *why, size_t len)
{
	for (int i = 0; i < w->form.nfields; i++)
		if (!w->form.fields[i].hidden && w->form.fields[i].error[0]) {
			snprintf(why, len, _("%s: %s"), w->form.fields[i].label, w->form.fields[i].error);
			return false;
		}
	return true;
}
