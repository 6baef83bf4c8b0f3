/* Fuzzes iCalendar output (src/ics.c). The input gives up to three meetings (times, flags and
 * every text field people type: title, community name, venue, address, video link, purpose)
 * and the calendar's name. The text ics_write() produces is parsed back with libical:
 *   - it parses without errors into one VCALENDAR holding exactly one VEVENT per meeting;
 *   - each VEVENT holds only the properties ics.c writes, each once (no text can inject a
 *     property or a component), with the meeting's UID, start, end and status;
 *   - text fields come back exactly (summary holds the title and community, location the
 *     venue and address, description the purpose) when they are clean text, as forms make
 *     them; the video link appears only when it is a single token;
 *   - every line ends in CRLF and is at most 75 octets (RFC 5545 folding). */
#include <libical/ical.h>
#include <string.h>

#include "fuzz.h"
#include "html.h"
#include "ics.h"
#include "validate.h"

enum { MAX_MEETINGS = 3 };
static const int64_t YEAR_1900 = -2208988800, YEAR_2200 = 7258118400;

static bool clean(const char *s)
{
	return text_is_clean(s, strlen(s));
}

/* A TEXT value as libical reads it back: a form's CRLF line break comes back as LF, and a
 * lone CR (browsers never send one) is dropped when written. */
static char *as_read_back(const char *s)
{
	char *out = malloc(strlen(s) + 1), *o = out;
	for (; *s; s++)
		if (*s != '\r')
			*o++ = *s;
	*o = '\0';
	return out;
}

static bool contains_text(const char *haystack, const char *want)
{
	char *w = as_read_back(want);
	bool found = haystack && strstr(haystack, w);
	free(w);
	return found;
}

static void check_lines(const char *s)
{
	const char *line = s;
	for (const char *p = s; *p; p++) {
		if (*p == '\r')
			FUZZ_ASSERT(p[1] == '\n', "bare CR in the calendar:\n%s", s);
		if (*p == '\n') {
			FUZZ_ASSERT(p > s && p[-1] == '\r', "bare LF in the calendar");
			FUZZ_ASSERT(p - 1 - line <= 75, "a line of %d octets", (int)(p - 1 - line));
			line = p + 1;
		}
	}
	FUZZ_ASSERT(*line == '\0', "the calendar does not end with CRLF");
}

static void check_event(icalcomponent *ev, const Meeting *m)
{
	static const icalproperty_kind allowed[] = {
		ICAL_UID_PROPERTY,     ICAL_DTSTAMP_PROPERTY,  ICAL_DTSTART_PROPERTY,
		ICAL_DTEND_PROPERTY,   ICAL_SEQUENCE_PROPERTY, ICAL_STATUS_PROPERTY,
		ICAL_SUMMARY_PROPERTY, ICAL_LOCATION_PROPERTY, ICAL_URL_PROPERTY,
		ICAL_DESCRIPTION_PROPERTY,
	};
	for (size_t i = 0; i < sizeof allowed / sizeof *allowed; i++)
		FUZZ_ASSERT(icalcomponent_count_properties(ev, allowed[i]) <= 1,
			    "property %s written twice", icalproperty_kind_to_string(allowed[i]));
	int total = icalcomponent_count_properties(ev, ICAL_ANY_PROPERTY), known = 0;
	for (size_t i = 0; i < sizeof allowed / sizeof *allowed; i++)
		known += icalcomponent_count_properties(ev, allowed[i]);
	FUZZ_ASSERT(total == known, "the event holds %d unexpected properties", total - known);
	FUZZ_ASSERT(icalcomponent_count_components(ev, ICAL_ANY_COMPONENT) == 0,
		    "a component inside the event");

	icaltimezone *utc = icaltimezone_get_utc_timezone();
	FUZZ_ASSERT(icaltime_as_timet_with_zone(icalcomponent_get_dtstart(ev), utc) == m->starts_at,
		    "DTSTART differs");
	FUZZ_ASSERT(icaltime_as_timet_with_zone(icalcomponent_get_dtend(ev), utc) == m->ends_at,
		    "DTEND differs");
	FUZZ_ASSERT(icalcomponent_get_status(ev) ==
			    (m->cancelled ? ICAL_STATUS_CANCELLED : ICAL_STATUS_CONFIRMED),
		    "STATUS differs");
	const char *uid = icalcomponent_get_uid(ev);
	char *want_uid = as_read_back(m->uid);
	FUZZ_ASSERT(uid && !strcmp(uid, want_uid), "UID \"%s\" came back as \"%s\"", m->uid,
		    uid ? uid : "(none)");
	free(want_uid);
	const char *summary = icalcomponent_get_summary(ev);
	FUZZ_ASSERT(contains_text(summary, m->title), "SUMMARY lost the title");
	FUZZ_ASSERT(contains_text(summary, m->community_name), "SUMMARY lost the community");
	const char *location = icalcomponent_get_location(ev);
	bool in_person = strcmp(m->format, "virtual") != 0 && (*m->venue || *m->address);
	FUZZ_ASSERT(contains_text(location, in_person ? m->venue : "Online"), "LOCATION lost the venue");
	if (in_person)
		FUZZ_ASSERT(contains_text(location, m->address), "LOCATION lost the address");
	const char *description = icalcomponent_get_description(ev);
	/* The purpose ends the value, and libical reads a value without its trailing blanks. */
	char *purpose = as_read_back(m->purpose);
	size_t len = strlen(purpose);
	while (len && (purpose[len - 1] == ' ' || purpose[len - 1] == '\t'))
		purpose[--len] = '\0';
	FUZZ_ASSERT(contains_text(description, purpose),
		    "DESCRIPTION lost the purpose \"%s\": \"%s\"", m->purpose, description);
	free(purpose);
	icalproperty *url = icalcomponent_get_first_property(ev, ICAL_URL_PROPERTY);
	if (url) {
		FUZZ_ASSERT(strcmp(m->format, "in_person") != 0, "video link on an in-person meeting");
		FUZZ_ASSERT(!strcmp(icalproperty_get_url(url), m->video_url), "URL differs");
		FUZZ_ASSERT(!strpbrk(m->video_url, " \t\r\n"), "URL with spaces written");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const formats[] = {"in_person", "virtual", "hybrid"};
	FuzzInput in;
	fuzz_begin(&in, data, size);
	Arena *arena = arena_new();
	size_t n = fuzz_byte(&in) % MAX_MEETINGS + 1;
	Meeting meetings[MAX_MEETINGS];
	const Meeting *list[MAX_MEETINGS];
	memset(meetings, 0, sizeof meetings);
	for (size_t i = 0; i < n; i++) {
		Meeting *m = &meetings[i];
		uint8_t flags = fuzz_byte(&in);
		m->cancelled = flags & 1;
		m->format = formats[(flags >> 1) % 3];
		m->number = (flags & 8) ? fuzz_byte(&in) : 0;
		uint64_t start = 0;
		for (int k = 0; k < 5; k++)
			start = start << 8 | fuzz_byte(&in);
		m->starts_at = YEAR_1900 + (int64_t)(start % (uint64_t)(YEAR_2200 - YEAR_1900));
		m->ends_at = m->starts_at + (int64_t)fuzz_byte(&in) * 900;
		m->sequence = fuzz_byte(&in);
		/* As Practica makes them: the uid is generated (base64url@practica), one-line fields
		 * are trimmed, a title is required. */
		m->uid = fuzz_string(&in);
		if (!*m->uid || strspn(m->uid, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
					       "0123456789-_@.") != strlen(m->uid))
			m->uid = "fuzz@practica";
		m->title = trimmed(arena, fuzz_string(&in));
		if (!*m->title)
			m->title = "Meeting";
		m->community_name = trimmed(arena, fuzz_string(&in));
		m->venue = trimmed(arena, fuzz_string(&in));
		m->address = trimmed(arena, fuzz_string(&in));
		m->video_url = fuzz_string(&in);
		m->purpose = fuzz_string(&in);
		list[i] = m;
	}
	/* The feed names its calendar "SITE-NAME meetings" (calendar.c); a download has none. */
	const char *calname = NULL;
	if (fuzz_byte(&in) & 1)
		calname = arena_printf(arena, "%s meetings", fuzz_string(&in));

	Buf out = {0};
	ics_write(&out, list, n, calname);
	FUZZ_ASSERT(out.data && strlen(out.data) == out.len, "no calendar, or a NUL inside it");

	icalcomponent *cal = icalparser_parse_string(out.data);
	FUZZ_ASSERT(cal && icalcomponent_isa(cal) == ICAL_VCALENDAR_COMPONENT,
		    "the calendar does not parse");
	/* Forms only let clean text (UTF-8 without controls) in: the rest need only not crash. */
	bool all_clean = !calname || clean(calname);
	for (size_t k = 0; k < n; k++)
		all_clean = all_clean && clean(meetings[k].uid) && clean(meetings[k].title) &&
			    clean(meetings[k].community_name) && clean(meetings[k].venue) &&
			    clean(meetings[k].address) && clean(meetings[k].purpose) &&
			    clean(meetings[k].video_url);
	if (!all_clean) {
		icalcomponent_free(cal);
		buf_free(&out);
		arena_free(arena);
		fuzz_done(&in);
		return 0;
	}
	check_lines(out.data);
	FUZZ_ASSERT(icalcomponent_count_errors(cal) == 0, "libical reports errors:\n%s", out.data);
	FUZZ_ASSERT(icalcomponent_count_components(cal, ICAL_ANY_COMPONENT) == (int)n,
		    "%d components for %zu meetings", icalcomponent_count_components(cal, ICAL_ANY_COMPONENT), n);
	FUZZ_ASSERT(icalcomponent_count_properties(cal, ICAL_ANY_PROPERTY) == 4 + (calname != NULL),
		    "unexpected calendar properties");
	if (calname) {
		icalproperty *x = icalcomponent_get_first_property(cal, ICAL_X_PROPERTY);
		/* libical reads a value without its outer blanks (harmless for a name). */
		char *back = as_read_back(calname), *want = back + strspn(back, " \t");
		for (size_t len = strlen(want); len && (want[len - 1] == ' ' || want[len - 1] == '\t');)
			want[--len] = '\0';
		FUZZ_ASSERT(x && !strcmp(icalproperty_get_x(x), want),
			    "X-WR-CALNAME \"%s\" came back as \"%s\"", want,
			    x ? icalproperty_get_x(x) : "(none)");
		free(back);
	}
	size_t i = 0;
	for (icalcomponent *ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); ev;
	     ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT), i++)
		check_event(ev, &meetings[i]);
	FUZZ_ASSERT(i == n, "%zu events for %zu meetings", i, n);
	icalcomponent_free(cal);
	buf_free(&out);
	arena_free(arena);
	fuzz_done(&in);
	return 0;
}
