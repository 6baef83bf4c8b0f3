/* iCalendar text for meetings, written directly: a feed of 262 meetings cost ~3 ms through
 * libical (a component tree, then its serializer, then refolding its text; issue 8), and the
 * text is simple enough to write as libical would. Values are escaped as libical 3.0.16
 * escapes them, so the bytes are the same as before: in TEXT values a backslash, semicolon
 * and comma get a backslash, a newline becomes "\\n", and BS, FF and CR are dropped; the
 * calendar's name (an X- property) escapes only backslash and newline. Each content line is
 * folded at 75 octets by put_folded(). fuzz/fuzz_ics.c parses what this writes back with
 * libical. */
#include "ics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

/* Appends s as a TEXT value (all_special) or an X- value (only backslash and newline). */
static void put_escaped(Buf *line, const char *s, bool all_special)
{
	const char *run = s;
	for (const char *p = s; *p; p++) {
		const char *rep;
		switch (*p) {
		case '\\': rep = "\\\\"; break;
		case '\n': rep = "\\n"; break;
		case '\b': case '\f': case '\r': rep = ""; break;
		case ';': rep = all_special ? "\\;" : NULL; break;
		case ',': rep = all_special ? "\\," : NULL; break;
		default: rep = NULL;
		}
		if (!rep)
			continue;
		buf_append(line, run, (size_t)(p - run));
		buf_puts(line, rep);
		run = p + 1;
	}
	buf_puts(line, run);
}

static void put_text(Buf *line, const char *s)
{
	put_escaped(line, s, true);
}

/* Appends v as decimal digits, at least width of them. */
static void put_number(Buf *line, long long v, int width)
{
	char s[24];
	int i = sizeof s;
	bool negative = v < 0;
	unsigned long long u = negative ? 0ull - (unsigned long long)v : (unsigned long long)v;
	do {
		s[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u || (int)sizeof s - i < width);
	if (negative)
		s[--i] = '-';
	buf_append(line, s + i, sizeof s - (size_t)i);
}

/* "20261014T190000Z" */
static void put_utc(Buf *line, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	put_number(line, tm.tm_year + 1900, 4);
	put_number(line, tm.tm_mon + 1, 2);
	put_number(line, tm.tm_mday, 2);
	buf_putc(line, 'T');
	put_number(line, tm.tm_hour, 2);
	put_number(line, tm.tm_min, 2);
	put_number(line, tm.tm_sec, 2);
	buf_putc(line, 'Z');
}

/* Appends one content line folded at 75 octets (RFC 5545 3.1), never inside a UTF-8
 * character, and its CRLF. Each piece is cut at its last character boundary within the
 * limit (a continuation byte 10xxxxxx is never a boundary), rather than found by walking the
 * line a character at a time: most lines fit whole. */
static void put_folded(Buf *out, const char *line, size_t n)
{
	const unsigned char *u = (const unsigned char *)line;
	size_t start = 0, limit = 75; /* a continuation line's leading space takes one octet */
	while (n - start > limit) {
		size_t cut = start + limit;
		while (cut > start && (u[cut] & 0xc0) == 0x80)
			cut--;
		if (cut == start) /* not UTF-8: no boundary in reach, cut anyway */
			cut = start + limit;
		buf_append(out, line + start, cut - start);
		buf_puts(out, "\r\n ");
		start = cut;
		limit = 74;
	}
	buf_append(out, line + start, n - start);
	buf_puts(out, "\r\n");
}

/* Ends the content line gathered in line: folded onto out, and line emptied. */
static void end_line(Buf *out, Buf *line)
{
	put_folded(out, line->data ? line->data : "", line->len);
	line->len = 0;
	if (line->data)
		line->data[0] = '\0';
}

static void put_line(Buf *out, Buf *line, const char *text)
{
	buf_puts(line, text);
	end_line(out, line);
}

static void put_event(Buf *out, Buf *line, const Meeting *m, int64_t now)
{
	put_line(out, line, "BEGIN:VEVENT");
	buf_puts(line, "UID:");
	put_text(line, m->uid);
	end_line(out, line);
	buf_puts(line, "DTSTAMP:");
	put_utc(line, now);
	end_line(out, line);
	buf_puts(line, "DTSTART:");
	put_utc(line, m->starts_at);
	end_line(out, line);
	buf_puts(line, "DTEND:");
	put_utc(line, m->ends_at);
	end_line(out, line);
	buf_puts(line, "SEQUENCE:");
	put_number(line, (int)m->sequence, 1);
	end_line(out, line);
	put_line(out, line, m->cancelled ? "STATUS:CANCELLED" : "STATUS:CONFIRMED");

	buf_puts(line, "SUMMARY:");
	if (m->number) {
		buf_puts(line, "Meeting #");
		put_number(line, (long long)m->number, 1);
		buf_puts(line, ": ");
	}
	put_text(line, m->title);
	if (*m->community_name) {
		buf_puts(line, " (");
		put_text(line, m->community_name);
		buf_puts(line, ")");
	}
	end_line(out, line);

	buf_puts(line, "LOCATION:");
	bool in_person = strcmp(m->format, "virtual") != 0 && (*m->venue || *m->address);
	if (in_person) {
		put_text(line, m->venue);
		if (*m->venue && *m->address)
			buf_puts(line, "\\, ");
		put_text(line, m->address);
	} else {
		buf_puts(line, "Online");
	}
	end_line(out, line);

	bool video = strcmp(m->format, "in_person") != 0 && uri_ok(m->video_url);
	if (video) {
		buf_puts(line, "URL:");
		buf_puts(line, m->video_url);
		end_line(out, line);
	}
	buf_puts(line, "DESCRIPTION:");
	put_text(line, *m->community_name ? m->community_name : "Association-wide meeting");
	if (video) {
		buf_puts(line, "\\nVideo call: ");
		put_text(line, m->video_url);
	}
	if (m->cancelled)
		buf_puts(line, "\\nThis meeting is cancelled.");
	if (m->purpose && *m->purpose) {
		buf_puts(line, "\\n\\n");
		put_text(line, m->purpose);
	}
	end_line(out, line);
	put_line(out, line, "END:VEVENT");
}

void ics_write(Buf *out, const Meeting *const *meetings, size_t n, const char *calname)
{
	Buf line = {0};
	buf_reserve(out, 512 * n + 256); /* about what a meeting takes: few reallocations */
	put_line(out, &line, "BEGIN:VCALENDAR");
	put_line(out, &line, "VERSION:2.0");
	put_line(out, &line, "PRODID:-//Practica//Meetings//EN");
	put_line(out, &line, "CALSCALE:GREGORIAN");
	put_line(out, &line, "METHOD:PUBLISH");
	if (calname) {
		buf_puts(&line, "X-WR-CALNAME:");
		put_escaped(&line, calname, false);
		end_line(out, &line);
	}
	int64_t now = time(NULL);
	for (size_t i = 0; i < n; i++)
		put_event(out, &line, meetings[i], now);
	put_line(out, &line, "END:VCALENDAR");
	buf_free(&line);
}
