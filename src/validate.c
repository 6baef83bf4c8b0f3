/* Validation of the values people type into forms. */
#include "validate.h"

#include <ctype.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "html.h"

char *trimmed(Arena *arena, const char *s)
{
	if (!s)
		return arena_strdup(arena, "");
	while (*s && isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return arena_strndup(arena, s, n);
}

static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

static bool has_line_break(const char *s)
{
	return strpbrk(s, "\r\n\t") != NULL;
}

const char *check_email(const char *email)
{
	if (!*email)
		return "Enter your email address.";
	size_t n = strlen(email);
	const char *at = strrchr(email, '@');
	if (at && strchr(email, '@') != at)
		return "Enter an email address like name@school.org.";
	if (n > 254 || !at || at == email || strchr(email, ' ') || has_line_break(email) ||
	    strchr(email, '<') || strchr(email, '>') || strchr(email, ','))
		return "Enter an email address like name@school.org.";
	const char *domain = at + 1;
	const char *dot = strrchr(domain, '.');
	if (!*domain || !dot || dot == domain || !dot[1] || strchr(domain, '@') ||
	    strstr(domain, ".."))
		return "Enter an email address like name@school.org.";
	return NULL;
}

const char *check_person_name(const char *name)
{
	if (!*name)
		return "Enter your name.";
	if (utf8_chars(name) > 100 || has_line_break(name))
		return "Enter a name of at most 100 characters on one line.";
	return NULL;
}

const char *check_job_title(const char *title)
{
	if (!*title)
		return "Enter your job title, e.g. Special Education Director.";
	if (utf8_chars(title) > 100 || has_line_break(title))
		return "Enter a job title of at most 100 characters on one line.";
	return NULL;
}

const char *check_password(const char *password)
{
	size_t n = utf8_chars(password);
	if (n < PASSWORD_MIN)
		return "Choose a password of at least 10 characters.";
	if (n > PASSWORD_MAX)
		return "Choose a password of at most 200 characters.";
	return NULL;
}

const char *check_school_name(const char *name)
{
	if (!*name)
		return "Enter the school's name.";
	if (utf8_chars(name) > 150 || has_line_break(name))
		return "Enter a name of at most 150 characters on one line.";
	return NULL;
}

bool one_of(const char *s, const char *const *choices)
{
	if (!s)
		return false;
	for (; *choices; choices++)
		if (!strcmp(s, *choices))
			return true;
	return false;
}

int64_t parse_id(const char *s)
{
	if (!s || !*s || strlen(s) > 18 || s[0] == '0')
		return 0;
	int64_t v = 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return 0;
		v = v * 10 + (*s - '0');
	}
	return v;
}

bool is_local_path(const char *s)
{
	if (!s || s[0] != '/' || s[1] == '/' || s[1] == '\\')
		return false;
	/* Browsers drop tabs and newlines from URLs, so "/\t/evil" would become "//evil". */
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return text_is_clean(s, strlen(s));
}

const char *check_date(const char *s)
{
	static const char bad[] = "Enter a date like 2026-10-14 (year-month-day).";
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return bad;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return bad;
	int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 ||
	    d > days[m - 1] + (m == 2 && leap))
		return bad;
	return NULL;
}

void today_iso(char out[11])
{
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

const char *check_clock(const char *s)
{
	static const char bad[] = "Enter a time like 15:30 (24-hour clock).";
	if (!s || strlen(s) != 5 || s[2] != ':' || !isdigit((unsigned char)s[0]) ||
	    !isdigit((unsigned char)s[1]) || !isdigit((unsigned char)s[3]) ||
	    !isdigit((unsigned char)s[4]))
		return bad;
	if (atoi(s) > 23 || atoi(s + 3) > 59)
		return bad;
	return NULL;
}

bool local_time(const char *date, const char *clock, int64_t *out)
{
	if (check_date(date) || check_clock(clock))
		return false;
	struct tm tm = {0};
	tm.tm_year = atoi(date) - 1900;
	tm.tm_mon = atoi(date + 5) - 1;
	tm.tm_mday = atoi(date + 8);
	tm.tm_hour = atoi(clock);
	tm.tm_min = atoi(clock + 3);
	tm.tm_isdst = -1; /* let the zone's rules decide */
	time_t t = mktime(&tm);
	if (t == (time_t)-1)
		return false;
	*out = (int64_t)t;
	return true;
}

const char *check_text(Arena *arena, const char *s, bool required, size_t max)
{
	if (required && !*s)
		return "This cannot be empty.";
	if (strlen(s) > max)
		return arena_printf(arena, "This is too long: enter at most %zu characters.", max);
	return NULL;
}
