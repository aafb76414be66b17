/* i18n.h: gettext shorthands used by every file with user-visible text. */
#ifndef GCR_I18N_H
#define GCR_I18N_H

#include <libintl.h>
#include <locale.h>

#define _(s) gettext(s)
#define N_(s) (s)
#define P_(singular, plural, n) ngettext((singular), (plural), (n))

#endif
