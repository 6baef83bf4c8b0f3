/* The audit log (audit.h): writing entries and the admin's filtered, paginated view. */
#include "audit.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "handlers.h"
#include "html.h"
#include "page.h"
#include "validate.h"

#define AUDIT_PER_PAGE 50

static void write_entry(Req *r, const char *action, int64_t subject_id, const char *fmt,
			va_list ap)
{
	char detail[1024];
	vsnprintf(detail, sizeof detail, fmt, ap);
	sqlite3_stmt *st = db_prepare(
		r->db, "INSERT INTO audit_log (at, actor_id, actor_name, address, action, subject_id, "
		       "subject_name, detail) VALUES (:at, :actor, :actor_name, :address, :action, "
		       ":subject, coalesce((SELECT name FROM users WHERE id = :subject), ''), :detail)");
	db_bind_int(st, ":at", time(NULL));
	if (r->user) {
		db_bind_int(st, ":actor", r->user->id);
		db_bind_text(st, ":actor_name", r->user->name);
	} else {
		db_bind_text(st, ":actor", NULL);
		db_bind_text(st, ":actor_name", "command line");
	}
	db_bind_text(st, ":address", r->client_address ? r->client_address : "");
	db_bind_text(st, ":action", action);
	if (subject_id > 0)
		db_bind_int(st, ":subject", subject_id);
	else
		db_bind_text(st, ":subject", NULL);
	db_bind_text(st, ":detail", detail);
	db_run(st);
}

void audit(Req *r, const char *action, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	write_entry(r, action, 0, fmt, ap);
	va_end(ap);
}

void audit_user(Req *r, const char *action, int64_t subject_id, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	write_entry(r, action, subject_id, fmt, ap);
	va_end(ap);
}

/* ---- /admin/audit ---- */

/* The Unix time a YYYY-MM-DD day starts (end_of_day: the next day starts) in the association's
 * time zone, or 0 when the text is not a date. */
static int64_t day_bound(const char *day, bool end_of_day)
{
	int64_t t;
	if (!day || !*day || check_date(day) || !local_time(day, "00:00", &t))
		return 0;
	if (!end_of_day)
		return t;
	/* The next midnight: 24 h later, then back to 00:00 across a DST change. */
	time_t next = (time_t)(t + 26 * 3600);
	struct tm tm;
	localtime_r(&next, &tm);
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

static void filter_form(Req *r, const char *actor, const char *action, const char *from,
			const char *to)
{
	Buf *o = &r->out;
	html_raw(o, "<form class=\"filters\" method=\"get\" action=\"/admin/audit\" role=\"search\">\n");
	html(o, "<div class=\"field\"><label for=\"f-actor\">Who (name)</label>"
		"<input id=\"f-actor\" name=\"actor\" type=\"search\" value=\"%s\"></div>\n"
		"<div class=\"field\"><label for=\"f-action\">Action</label>"
		"<select id=\"f-action\" name=\"action\"><option value=\"\">Any</option>",
	     actor);
	sqlite3_stmt *st = db_prepare(r->db, "SELECT DISTINCT action FROM audit_log ORDER BY action");
	while (db_step(st) == SQLITE_ROW) {
		const char *a = db_col_text(st, 0);
		if (!strcmp(a, action))
			html(o, "<option selected>%s</option>", a);
		else
			html(o, "<option>%s</option>", a);
	}
	html(o, "</select></div>\n<div class=\"field\"><label for=\"f-from\">From</label>"
		"<input id=\"f-from\" name=\"from\" type=\"date\" value=\"%s\"></div>\n"
		"<div class=\"field\"><label for=\"f-to\">To</label>"
		"<input id=\"f-to\" name=\"to\" type=\"date\" value=\"%s\"></div>\n"
		"<button type=\"submit\">Filter</button>\n</form>\n",
	     from, to);
}

void handle_admin_audit(Req *r)
{
	const char *actor = req_query(r, "actor");
	actor = actor ? trimmed(r->arena, actor) : "";
	const char *action = req_query(r, "action");
	action = action ? trimmed(r->arena, action) : "";
	const char *from = req_query(r, "from"), *to = req_query(r, "to");
	from = from && !check_date(from) ? from : "";
	to = to && !check_date(to) ? to : "";
	int64_t page = parse_id(req_query(r, "page"));
	if (page < 1 || page > 100000)
		page = 1;
	int64_t since = day_bound(from, false), until = day_bound(to, true);

	page_begin(r, "Audit log");
	Buf *o = &r->out;
	html_raw(o, "<p class=\"meta\"><a href=\"/admin\">Administration</a></p>\n<h1>Audit log</h1>\n"
		    "<p class=\"lead\">What staff and facilitators did, newest first: approvals, "
		    "role and account changes, deletions, exports, settings and decisions.</p>\n");
	filter_form(r, actor, action, from, to);

	sqlite3_stmt *st = db_prepare(
		r->db, "SELECT at, actor_name, address, action, subject_id, subject_name, detail "
		       "FROM audit_log WHERE (:actor = '' OR actor_name LIKE :like) "
		       "AND (:action = '' OR action = :action) "
		       "AND (:since = 0 OR at >= :since) AND (:until = 0 OR at < :until) "
		       "ORDER BY at DESC, id DESC LIMIT :limit OFFSET :offset");
	db_bind_text(st, ":actor", actor);
	db_bind_text(st, ":like", arena_printf(r->arena, "%%%s%%", actor));
	db_bind_text(st, ":action", action);
	db_bind_int(st, ":since", since);
	db_bind_int(st, ":until", until);
	db_bind_int(st, ":limit", AUDIT_PER_PAGE + 1);
	db_bind_int(st, ":offset", (page - 1) * AUDIT_PER_PAGE);
	int n = 0;
	while (db_step(st) == SQLITE_ROW && n < AUDIT_PER_PAGE) {
		if (n++ == 0)
			html_raw(o, "<table class=\"audit\">\n<caption>Newest first</caption>\n"
				    "<thead><tr><th scope=\"col\">When</th><th scope=\"col\">Who</th>"
				    "<th scope=\"col\">From</th><th scope=\"col\">Action</th>"
				    "<th scope=\"col\">Account</th><th scope=\"col\">Details</th>"
				    "</tr></thead>\n<tbody>\n");
		int64_t at = db_col_int(st, 0);
		const char *subject = db_col_text(st, 5);
		html(o, "<tr><td>%s %s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td>"
			"<td>%s</td></tr>\n",
		     format_date(r, at), format_time(r, at), db_col_text(st, 1), db_col_text(st, 2),
		     db_col_text(st, 3), *subject ? subject : "", db_col_text(st, 6));
	}
	bool more = sqlite3_stmt_busy(st) && n == AUDIT_PER_PAGE;
	sqlite3_reset(st);
	if (n)
		html_raw(o, "</tbody>\n</table>\n");
	else
		html_raw(o, "<p>No entries match.</p>\n");
	if (page > 1 || more) {
		const char *qs = arena_printf(r->arena, "actor=%s&action=%s&from=%s&to=%s",
					      url_encode(r->arena, actor), url_encode(r->arena, action),
					      from, to);
		html_raw(o, "<nav class=\"pager\" aria-label=\"Pages\">");
		if (page > 1)
			html(o, "<a href=\"/admin/audit?%s&page=%lld\">Newer</a> ", qs,
			     (long long)page - 1);
		if (more)
			html(o, "<a href=\"/admin/audit?%s&page=%lld\">Older</a>", qs,
			     (long long)page + 1);
		html_raw(o, "</nav>\n");
	}
	page_end(r);
}
