/* format.c: how the wizard writes hours, dollars and dates, and reads
 * dates back (declared in wizard.h).  Curses-free: unit-tested directly. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "i18n.h"
#include "ui/wizard.h"

void wiz_format_hours(double hours, char *buf, size_t len)
{
	if (hours < 0 || hours != hours)
		snprintf(buf, len, "%s", "-");
	else if (hours < 1.0)
		snprintf(buf, len, _("%.0f min"), hours * 60.0 < 1.0 ? 1.0 : hours * 60.0);
	else if (hours < 10.0)
		snprintf(buf, len, _("%.1f h"), hours);
	else if (hours < 72.0)
		snprintf(buf, len, _("%.0f h"), hours);
	else
		snprintf(buf, len, _("%.1f d"), hours / 24.0);
}

void wiz_format_usd(double usd, char *buf, size_t len)
{
	if (usd < 0 || usd != usd)
		snprintf(buf, len, "%s", "-");
	else if (usd < 100.0)
		snprintf(buf, len, "$%.2f", usd);
	else if (usd < 100000.0) {
		long whole = (long)(usd + 0.5);
		if (whole >= 1000)
			snprintf(buf, len, "$%ld,%03ld", whole / 1000, whole % 1000);
		else
			snprintf(buf, len, "$%ld", whole);
	} else
		snprintf(buf, len, "$%.0fk", usd / 1000.0);
}

void wiz_format_date(int d, char *buf, size_t len)
{
	if (d <= 0)
		snprintf(buf, len, "%s", "");
	else
		snprintf(buf, len, "%04d-%02d-%02d", d / 10000, d / 100 % 100, d % 100);
}

static int days_in_month(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : days[m - 1];
}

bool wiz_parse_date(const char *s, int *out)
{
	int y, m, d, n = 0;

	while (isspace((unsigned char)*s))
		s++;
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) == 3 && n == 10) {
		/* YYYY-MM-DD */
	} else if (strlen(s) == 8 && strspn(s, "0123456789") == 8) {
		long v = strtol(s, NULL, 10);
		y = (int)(v / 10000);
		m = (int)(v / 100 % 100);
		d = (int)(v % 100);
		n = 8;
	} else {
		return false;
	}
	while (s[n] && isspace((unsigned char)s[n]))
		n++;
	if (s[n])
		return false;
	if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		return false;
	*out = y * 10000 + m * 100 + d;
	return true;
}

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static long days_from_civil(int y, int m, int d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, int *y, int *m, int *d)
{
	long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

int wiz_days_between(int start, int end)
{
	return (int)(days_from_civil(end / 10000, end / 100 % 100, end % 100) -
		     days_from_civil(start / 10000, start / 100 % 100, start % 100));
}

int wiz_add_days(int date, int days)
{
	int y, m, d;

	civil_from_days(days_from_civil(date / 10000, date / 100 % 100, date % 100) + days,
			&y, &m, &d);
	return y * 10000 + m * 100 + d;
}
