/* iCalendar text for meetings, built as libical components and serialized by libical, which
 * escapes TEXT values and folds long lines. */
#include "ics.h"

#include <libical/ical.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>


static struct icaltimetype utc(int64_t t)
{
	return icaltime_from_timet_with_zone((time_t)t, 0, icaltimezone_get_utc_timezone());
}

/* A URI value goes out unescaped: refuse anything with controls or spaces in it. */
static bool uri_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if ((unsigned char)*s <= 0x20 || *s == 0x7f)
			return false;
	return true;
}

/* The text gathered so far ("" when none), and starting over. */
static const char *text_of(const Buf *b)
{
	return b->data ? b->data : "";
}

static void text_reset(Buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

static void add(icalcomponent *c, icalproperty *p)
{
	if (p)
		icalcomponent_add_property(c, p);
}

static void add_event(icalcomponent *cal, const Meeting *m, int64_t now)
{
	icalcomponent *ev = icalcomponent_new_vevent();
	Buf text = {0};
	add(ev, icalproperty_new_uid(m->uid));
	add(ev, icalproperty_new_dtstamp(utc(now)));
	add(ev, icalproperty_new_dtstart(utc(m->starts_at)));
	add(ev, icalproperty_new_dtend(utc(m->ends_at)));
	add(ev, icalproperty_new_sequence((int)m->sequence));
	add(ev, icalproperty_new_status(m->cancelled ? ICAL_STATUS_CANCELLED : ICAL_STATUS_CONFIRMED));

	if (m->number)
		buf_printf(&text, "Meeting #%lld: ", (long long)m->number);
	buf_puts(&text, m->title);
	if (*m->community_name)
		buf_printf(&text, " (%s)", m->community_name);
	add(ev, icalproperty_new_summary(text_of(&text)));

	text_reset(&text);
	bool in_person = strcmp(m->format, "virtual") != 0 && (*m->venue || *m->address);
	if (in_person) {
		buf_puts(&text, m->venue);
		if (*m->venue && *m->address)
			buf_puts(&text, ", ");
		buf_puts(&text, m->address);
	} else {
		buf_puts(&text, "Online");
	}
	add(ev, icalproperty_new_location(text_of(&text)));

	bool video = strcmp(m->format, "in_person") != 0 && uri_ok(m->video_url);
	if (video)
		add(ev, icalproperty_new_url(m->video_url));
	text_reset(&text);
	buf_puts(&text, *m->community_name ? m->community_name : "Association-wide meeting");
	if (video)
		buf_printf(&text, "\nVideo call: %s", m->video_url);
	if (m->cancelled)
		buf_puts(&text, "\nThis meeting is cancelled.");
	if (m->purpose && *m->purpose)
		buf_printf(&text, "\n\n%s", m->purpose);
	add(ev, icalproperty_new_description(text_of(&text)));
	buf_free(&text);
	icalcomponent_add_component(cal, ev);
}

/* Appends one content line folded at 75 octets (RFC 5545 3.1), never inside a UTF-8
 * character, and its CRLF. */
static void put_folded(Buf *out, const char *line, size_t n)
{
	size_t width = 0;
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)line[i];
		size_t len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
		if (len > n - i)
			len = n - i;
		if (width + len > 75) {
			buf_puts(out, "\r\n ");
			width = 1;
		}
		buf_append(out, line + i, len);
		width += len;
		i += len;
	}
	buf_puts(out, "\r\n");
}

/* libical 3.0.16 sometimes folds a line inside its own line ending, writing "...\r" "\r\n "
 * "\n": a bare CR and LF that strict calendar apps refuse (found by fuzz/fuzz_ics.c, for a
 * location of just the wrong length). So its text is unfolded here and folded again by
 * put_folded(). Values are escaped by then (a newline in a text is "\\n"), so CR and LF
 * bytes are only ever line breaks: CRLF and a space or tab continue a line, an LF ends it. */
static void put_refolded(Buf *out, const char *s)
{
	Buf line = {0};
	for (const char *p = s; *p; p++) {
		if (p[0] == '\r' && p[1] == '\n' && (p[2] == ' ' || p[2] == '\t')) {
			p += 2;
		} else if (*p == '\n') {
			put_folded(out, line.data ? line.data : "", line.len);
			line.len = 0;
		} else if (*p != '\r') {
			buf_putc(&line, *p);
		}
	}
	if (line.len)
		put_folded(out, line.data, line.len);
	buf_free(&line);
}

void ics_write(Buf *out, const Meeting *const *meetings, size_t n, const char *calname)
{
	icalcomponent *cal = icalcomponent_new_vcalendar();
	add(cal, icalproperty_new_version("2.0"));
	add(cal, icalproperty_new_prodid("-//Practica//Meetings//EN"));
	add(cal, icalproperty_new_calscale("GREGORIAN"));
	add(cal, icalproperty_new_method(ICAL_METHOD_PUBLISH));
	if (calname) {
		icalproperty *name = icalproperty_new_x(calname);
		icalproperty_set_x_name(name, "X-WR-CALNAME");
		add(cal, name);
	}
	int64_t now = time(NULL);
	for (size_t i = 0; i < n; i++)
		add_event(cal, meetings[i], now);
	char *s = icalcomponent_as_ical_string_r(cal);
	if (s)
		put_refolded(out, s);
	free(s);
	icalcomponent_free(cal);
}
