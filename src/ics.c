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

/* The calendar being written: content lines go straight onto out, and each is folded when
 * it ends, only if it is longer than 75 octets (then through spill); most lines are not. */
typedef struct {
	Buf *out;
	size_t start; /* where the current content line began in out */
	Buf spill;
} Lines;

static void end_line(Lines *L)
{
	Buf *out = L->out;
	size_t n = out->len - L->start;
	if (n > 75) {
		L->spill.len = 0;
		buf_append(&L->spill, out->data + L->start, n);
		out->len = L->start;
		put_folded(out, L->spill.data, n);
	} else {
		buf_puts(out, "\r\n");
	}
	L->start = out->len;
}

static void put_line(Lines *L, const char *text)
{
	buf_puts(L->out, text);
	end_line(L);
}

static void put_event(Lines *L, const Meeting *m, int64_t now)
{
	put_line(L, "BEGIN:VEVENT");
	buf_puts(L->out, "UID:");
	put_text(L->out, m->uid);
	end_line(L);
	buf_puts(L->out, "DTSTAMP:");
	put_utc(L->out, now);
	end_line(L);
	buf_puts(L->out, "DTSTART:");
	put_utc(L->out, m->starts_at);
	end_line(L);
	buf_puts(L->out, "DTEND:");
	put_utc(L->out, m->ends_at);
	end_line(L);
	buf_puts(L->out, "SEQUENCE:");
	put_number(L->out, (int)m->sequence, 1);
	end_line(L);
	put_line(L, m->cancelled ? "STATUS:CANCELLED" : "STATUS:CONFIRMED");

	buf_puts(L->out, "SUMMARY:");
	if (m->number) {
		buf_puts(L->out, "Meeting #");
		put_number(L->out, (long long)m->number, 1);
		buf_puts(L->out, ": ");
	}
	put_text(L->out, m->title);
	if (*m->community_name) {
		buf_puts(L->out, " (");
		put_text(L->out, m->community_name);
		buf_puts(L->out, ")");
	}
	end_line(L);

	buf_puts(L->out, "LOCATION:");
	bool in_person = strcmp(m->format, "virtual") != 0 && (*m->venue || *m->address);
	if (in_person) {
		put_text(L->out, m->venue);
		if (*m->venue && *m->address)
			buf_puts(L->out, "\\, ");
		put_text(L->out, m->address);
	} else {
		buf_puts(L->out, "Online");
	}
	end_line(L);

	bool video = strcmp(m->format, "in_person") != 0 && uri_ok(m->video_url);
	if (video) {
		buf_puts(L->out, "URL:");
		buf_puts(L->out, m->video_url);
		end_line(L);
	}
	buf_puts(L->out, "DESCRIPTION:");
	put_text(L->out, *m->community_name ? m->community_name : "Association-wide meeting");
	if (video) {
		buf_puts(L->out, "\\nVideo call: ");
		put_text(L->out, m->video_url);
	}
	if (m->cancelled)
		buf_puts(L->out, "\\nThis meeting is cancelled.");
	if (m->purpose && *m->purpose) {
		buf_puts(L->out, "\\n\\n");
		put_text(L->out, m->purpose);
	}
	end_line(L);
	put_line(L, "END:VEVENT");
}

void ics_write(Buf *out, const Meeting *const *meetings, size_t n, const char *calname)
{
	buf_reserve(out, 512 * n + 256); /* about what a meeting takes: few reallocations */
	Lines L = {out, out->len, {0}};
	put_line(&L, "BEGIN:VCALENDAR");
	put_line(&L, "VERSION:2.0");
	put_line(&L, "PRODID:-//Practica//Meetings//EN");
	put_line(&L, "CALSCALE:GREGORIAN");
	put_line(&L, "METHOD:PUBLISH");
	if (calname) {
		buf_puts(L.out, "X-WR-CALNAME:");
		put_escaped(L.out, calname, false);
		end_line(&L);
	}
	int64_t now = time(NULL);
	for (size_t i = 0; i < n; i++)
		put_event(&L, meetings[i], now);
	put_line(&L, "END:VCALENDAR");
	buf_free(&L.spill);
}
