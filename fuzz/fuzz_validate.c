/* Fuzzes the form checks in src/validate.c against independent references:
 *   - check_date() accepts exactly the real calendar dates YYYY-MM-DD of years 1900-2200
 *     (reference: timegm()/gmtime_r() normalisation);
 *   - check_clock() accepts exactly HH:MM from 00:00 to 23:59;
 *   - local_time() succeeds exactly when both do, and lands on that wall-clock time in the
 *     association's zone, or one hour off it in a daylight-saving gap;
 *   - parse_id() gives a positive id exactly for canonical decimals (no sign, no leading
 *     zero) that fit, and that id prints back as the input;
 *   - is_local_path() never admits an address a browser would take off-site;
 *   - an accepted email has one @, a dotted domain and nothing that could break a mail
 *     header; accepted names and titles are one line within their length;
 *   - trimmed() removes outer whitespace only; check_text() enforces required and length. */
#include <ctype.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "fuzz.h"
#include "html.h"
#include "validate.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	config_apply_timezone(); /* the default zone, America/New_York: it has DST gaps */
	return 0;
}

static bool digits(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static bool reference_date(const char *s, int *y, int *m, int *d)
{
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' || !digits(s, 4) || !digits(s + 5, 2) ||
	    !digits(s + 8, 2))
		return false;
	*y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	*m = (s[5] - '0') * 10 + (s[6] - '0');
	*d = (s[8] - '0') * 10 + (s[9] - '0');
	if (*y < 1900 || *y > 2200)
		return false;
	struct tm tm = {.tm_year = *y - 1900, .tm_mon = *m - 1, .tm_mday = *d, .tm_hour = 12};
	time_t t = timegm(&tm);
	struct tm back;
	gmtime_r(&t, &back);
	return back.tm_year == *y - 1900 && back.tm_mon == *m - 1 && back.tm_mday == *d;
}

static bool reference_clock(const char *s, int *h, int *min)
{
	if (strlen(s) != 5 || s[2] != ':' || !digits(s, 2) || !digits(s + 3, 2))
		return false;
	*h = (s[0] - '0') * 10 + (s[1] - '0');
	*min = (s[3] - '0') * 10 + (s[4] - '0');
	return *h <= 23 && *min <= 59;
}

static void check_dates(const char *date, const char *clock)
{
	int y, m, d, h, min;
	bool date_ok = reference_date(date, &y, &m, &d);
	bool clock_ok = reference_clock(clock, &h, &min);
	FUZZ_ASSERT((check_date(date) == NULL) == date_ok, "check_date(\"%s\") disagrees", date);
	FUZZ_ASSERT((check_clock(clock) == NULL) == clock_ok, "check_clock(\"%s\") disagrees", clock);
	int64_t t = 0;
	bool converted = local_time(date, clock, &t);
	FUZZ_ASSERT(converted == (date_ok && clock_ok), "local_time(%s, %s) gave %d", date, clock,
		    converted);
	if (!converted)
		return;
	time_t tt = (time_t)t;
	struct tm lt;
	localtime_r(&tt, &lt);
	struct tm want = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = h,
			  .tm_min = min};
	struct tm got = {.tm_year = lt.tm_year, .tm_mon = lt.tm_mon, .tm_mday = lt.tm_mday,
			 .tm_hour = lt.tm_hour, .tm_min = lt.tm_min};
	int64_t off = (int64_t)timegm(&got) - (int64_t)timegm(&want);
	FUZZ_ASSERT(off == 0 || off == 3600 || off == -3600,
		    "local_time(%s, %s) lands on %04d-%02d-%02d %02d:%02d", date, clock,
		    lt.tm_year + 1900, lt.tm_mon + 1, lt.tm_mday, lt.tm_hour, lt.tm_min);
}

static void check_parse_id(const char *s)
{
	int64_t id = parse_id(s);
	size_t n = strlen(s);
	bool canonical = n >= 1 && n <= 18 && s[0] >= '1' && s[0] <= '9' && digits(s, (int)n);
	FUZZ_ASSERT((id > 0) == canonical, "parse_id(\"%s\") = %lld", s, (long long)id);
	if (id > 0) {
		char back[24];
		snprintf(back, sizeof back, "%lld", (long long)id);
		FUZZ_ASSERT(!strcmp(back, s), "parse_id(\"%s\") = %s", s, back);
	}
}

static void check_local_path(const char *s)
{
	if (!is_local_path(s))
		return;
	FUZZ_ASSERT(s[0] == '/', "\"%s\" accepted: not a path", s);
	/* Browsers drop tabs and newlines and read \ as / in http(s) URLs. */
	char first[3] = {0};
	size_t k = 0;
	for (const char *p = s; *p && k < 2; p++)
		if (*p != '\t' && *p != '\n' && *p != '\r')
			first[k++] = *p == '\\' ? '/' : *p;
	FUZZ_ASSERT(strcmp(first, "//") != 0, "\"%s\" accepted: the browser leaves the site", s);
	for (const char *p = s; *p; p++)
		FUZZ_ASSERT((unsigned char)*p >= 0x20 && *p != 0x7f, "control byte accepted in a path");
	FUZZ_ASSERT(text_is_clean(s, strlen(s)), "path that is not clean text accepted");
}

static void check_people(Arena *a, const char *s)
{
	if (!check_email(s)) {
		const char *at = strchr(s, '@');
		FUZZ_ASSERT(at && at > s && !strchr(at + 1, '@'), "email \"%s\": not one @", s);
		const char *dot = strrchr(at + 1, '.');
		FUZZ_ASSERT(dot && dot > at + 1 && dot[1], "email \"%s\": domain without a dot", s);
		FUZZ_ASSERT(!strpbrk(s, "\r\n\t <>,") && strlen(s) <= 254,
			    "email \"%s\" could break a mail header", s);
	}
	static const struct {
		const char *(*check)(const char *);
		size_t max;
	} one_line[] = {{check_person_name, 100}, {check_job_title, 100}, {check_school_name, 150}};
	for (size_t i = 0; i < sizeof one_line / sizeof *one_line; i++) {
		if (one_line[i].check(s))
			continue;
		size_t chars = 0;
		for (const char *p = s; *p; p++)
			chars += ((unsigned char)*p & 0xc0) != 0x80;
		FUZZ_ASSERT(*s && chars <= one_line[i].max && !strpbrk(s, "\r\n"),
			    "\"%s\" accepted as a one-line name", s);
	}
	char *t = trimmed(a, s);
	size_t n = strlen(t);
	FUZZ_ASSERT(strstr(s, t), "trimmed() is not a part of its input");
	FUZZ_ASSERT(!n || (!isspace((unsigned char)t[0]) && !isspace((unsigned char)t[n - 1])),
		    "trimmed() left outer space");
	size_t lead = strspn(s, " \t\n\r\v\f");
	FUZZ_ASSERT(!strncmp(s + lead, t, n), "trimmed() removed more than the leading space");
	size_t max = strlen(s) / 2;
	FUZZ_ASSERT((check_text(a, s, true, max) == NULL) == (*s && strlen(s) <= max),
		    "check_text required disagrees");
	FUZZ_ASSERT((check_text(a, s, false, max) == NULL) == (strlen(s) <= max),
		    "check_text optional disagrees");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FuzzInput in;
	fuzz_begin(&in, data, size);
	const char *date = fuzz_string(&in);
	const char *clock = fuzz_string(&in);
	const char *rest = fuzz_string(&in);
	check_dates(date, clock);
	check_parse_id(date);
	check_parse_id(rest);
	check_local_path(rest);
	check_local_path(date);
	Arena *a = arena_new();
	check_people(a, rest);
	check_people(a, date);
	arena_free(a);
	fuzz_done(&in);
	return 0;
}
