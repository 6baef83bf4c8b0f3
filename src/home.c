/* The start page for visitors and the member home: what is new for the signed-in member. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "brand.h"
#include "config.h"
#include "discussions.h"
#include "handlers.h"
#include "html.h"
#include "membercache.h"
#include "page.h"

/* How long the home tells of a seat that opened from a waitlist. */
#define SEAT_NEWS_SECONDS (14 * 86400)

static int64_t count_of(Req *r, const char *sql)
{
	sqlite3_stmt *st = db_prepare(r->db, sql);
	return db_step(st) == SQLITE_ROW ? db_col_int(st, 0) : 0;
}

/* The association's size, said on the start page and the member home. Counting every active
 * member is ~30,000 steps at 10,000 members on each view, so the figures are kept for a
 * minute, shared by every thread (issue 8: pages cost the same as the association grows). */
static _Atomic int64_t size_members, size_schools, size_counted_at;

static void association_size(Req *r, int64_t *members, int64_t *schools)
{
	int64_t now = (int64_t)time(NULL);
	if (now - size_counted_at >= 60 || now < size_counted_at) {
		size_members = count_of(r, "SELECT count(*) FROM users u JOIN schools s ON s.id = "
					   "u.school_id WHERE u.status = 'active' AND "
					   "s.status = 'active'");
		size_schools = count_of(r, "SELECT count(*) FROM schools WHERE status = 'active'");
		size_counted_at = now;
	}
	*members = size_members;
	*schools = size_schools;
}

void handle_landing(Req *r)
{
	if (r->user && r->user->is_member) {
		resp_redirect(r, "/home");
		return;
	}
	int64_t members, schools;
	association_size(r, &members, &schools);
	page_begin(r, "Welcome");
	html(&r->out,
	     "<h1>%s</h1>\n<p class=\"lead\">The members-only knowledge center for the "
	     "association's Communities of Practice: job-alike groups of school leaders and "
	     "staff who meet through the year, share what works and build tools together.</p>\n"
	     "<ul class=\"features\">\n"
	     "<li><strong>Virtual meeting spaces</strong> for each community: pose questions, "
	     "seek advice and share resources between meetings.</li>\n"
	     "<li><strong>Meetings</strong> with agendas, materials and highlights posted "
	     "afterwards.</li>\n"
	     "<li><strong>A document library</strong> of model documents and templates.</li>\n"
	     "</ul>\n",
	     brand_name(r));
	if (members > 0)
		html(&r->out, "<p>%lld member%s from %lld member school%s take part.</p>\n",
		     (long long)members, members == 1 ? "" : "s", (long long)schools,
		     schools == 1 ? "" : "s");
	if (r->user)
		html_raw(&r->out, "<p><a class=\"button\" href=\"/account/status\">See your account "
				  "status</a></p>\n");
	else
		html_raw(&r->out, "<p class=\"actions\"><a class=\"button\" href=\"/login\">Sign in</a> "
				  "<a class=\"button secondary\" href=\"/register\">Register</a></p>\n");
	page_end(r);
}

/* Lists name, job title (and school) rows from st, or says empty when there are none. */
static void person_list(Req *r, sqlite3_stmt *st, bool with_school, const char *empty)
{
	int n = 0;
	while (db_step(st) == SQLITE_ROW) {
		if (n++ == 0)
			html_raw(&r->out, "<ul class=\"people\">\n");
		html(&r->out, "<li><span class=\"person-name\">%s</span> <span class=\"meta\">%s",
		     db_col_text(st, 0), db_col_text(st, 1));
		if (with_school)
			html(&r->out, ", %s", db_col_text(st, 2));
		html_raw(&r->out, "</span></li>\n");
	}
	if (n)
		html_raw(&r->out, "</ul>\n");
	else
		html(&r->out, "<p>%s</p>\n", empty);
}

/* The member's communities: where they facilitate, take part or wait, and any seat that
 * opened for them from a waitlist in the last two weeks (until when that notice shows goes
 * to *valid_until). */
static void my_communities(Req *r, int64_t *valid_until)
{
	sqlite3_stmt *st = db_prepare(
		r->db, "SELECT c.name, m.promoted_at FROM memberships m JOIN communities c ON "
		       "c.id = m.community_id "
		       "WHERE m.user_id = :me AND m.status = 'participant' AND m.promoted_at > :since "
		       "ORDER BY m.promoted_at DESC");
	db_bind_int(st, ":me", r->user->id);
	db_bind_int(st, ":since", (int64_t)time(NULL) - SEAT_NEWS_SECONDS);
	while (db_step(st) == SQLITE_ROW) {
		html(&r->out, "<p class=\"notice\" role=\"status\">Good news: a seat opened in %s and "
			      "you moved from the waitlist to participant.</p>\n",
		     db_col_text(st, 0));
		int64_t ends = db_col_int(st, 1) + SEAT_NEWS_SECONDS;
		if (ends < *valid_until)
			*valid_until = ends;
	}

	html_raw(&r->out, "<section aria-labelledby=\"h-mine\">\n"
			  "<h2 id=\"h-mine\">Your communities</h2>\n");
	st = db_prepare(
		r->db, "SELECT c.slug, c.name, 'facilitator', 0 FROM facilitators f "
		       "JOIN communities c ON c.id = f.community_id "
		       "WHERE f.user_id = :me AND c.status != 'archived' "
		       "UNION ALL "
		       "SELECT c.slug, c.name, m.status, (SELECT count(*) FROM memberships w WHERE "
		       "w.community_id = m.community_id AND w.status = 'waitlisted' AND w.id <= m.id) "
		       "FROM memberships m JOIN communities c ON c.id = m.community_id "
		       "WHERE m.user_id = :me AND m.status != 'withdrawn' AND c.status != 'archived' "
		       "ORDER BY 2");
	db_bind_int(st, ":me", r->user->id);
	int n = 0;
	while (db_step(st) == SQLITE_ROW) {
		if (n++ == 0)
			html_raw(&r->out, "<ul class=\"people\">\n");
		const char *role = db_col_text(st, 2);
		html(&r->out, "<li><a href=\"/communities/%s\">%s</a> <span class=\"meta\">",
		     db_col_text(st, 0), db_col_text(st, 1));
		if (!strcmp(role, "waitlisted"))
			html(&r->out, "number %lld on the waitlist", (long long)db_col_int(st, 3));
		else
			html(&r->out, "%s", role);
		html_raw(&r->out, "</span></li>\n");
	}
	if (n)
		html_raw(&r->out, "</ul>\n");
	else
		html_raw(&r->out, "<p>You have not joined a community yet.</p>\n");
	html_raw(&r->out, "<p><a href=\"/communities\">Browse all Communities of Practice</a></p>\n"
			  "</section>\n");
}

static void people_sections(Req *r);

/* The recent discussions (discussions.c) as kept for one member: the threads listed, with
 * what the member had read of each when it was built, ahead of the section's text. */
#define RECENT_THREADS 5
typedef struct {
	int n;
	int64_t thread[RECENT_THREADS], read[RECENT_THREADS]; /* read: -1 when never */
} RecentReads;

/* What the member has read of the threads in reads->thread, into reads->read. */
static void read_marks(Req *r, RecentReads *reads)
{
	sqlite3_stmt *st = db_prepare(r->db, "SELECT thread_id, last_read_post_id FROM thread_reads "
					     "WHERE user_id = :me AND thread_id IN "
					     "(:t1, :t2, :t3, :t4, :t5)");
	static const char *const names[RECENT_THREADS] = {":t1", ":t2", ":t3", ":t4", ":t5"};
	db_bind_int(st, ":me", r->user->id);
	for (int i = 0; i < RECENT_THREADS; i++) {
		db_bind_int(st, names[i], i < reads->n ? reads->thread[i] : 0);
		reads->read[i] = -1;
	}
	while (db_step(st) == SQLITE_ROW)
		for (int i = 0; i < reads->n; i++)
			if (reads->thread[i] == db_col_int(st, 0))
				reads->read[i] = db_col_int(st, 1);
	sqlite3_reset(st);
}

/* The newest discussions on every board the member may read, kept per member under the
 * change counts of what the list shows (the threads and shares, the communities and their
 * rosters, which decide what the member may read, and members' names). Its unread marks
 * come from what the member has read of the listed threads, which no count follows: that is
 * looked up on each view (one probe a thread) and compared with what the kept list was built
 * with, and any difference builds the list again. */
static void recent_discussions(Req *r, int64_t now)
{
	char key[48];
	snprintf(key, sizeof key, "home-recent:%lld", (long long)r->user->id);
	ChangeCounts counts = {r->seen.communities, r->seen.people, 0, r->seen.boards};
	if (!counts.communities || !counts.people || !counts.boards)
		counts = (ChangeCounts){0, 0, 0, 0}; /* a count missing: nothing is kept */
	const char *kept;
	size_t kept_len;
	if (member_cache_copy(r, key, counts, now, &kept, &kept_len) &&
	    kept_len >= sizeof(RecentReads)) {
		RecentReads was, is;
		memcpy(&was, kept, sizeof was);
		is = was;
		read_marks(r, &is);
		if (!memcmp(was.read, is.read, sizeof was.read)) {
			buf_append(&r->out, kept + sizeof was, kept_len - sizeof was);
			return;
		}
	}
	size_t from = r->out.len;
	discussions_recent_section(r, 0, "/board", RECENT_THREADS);
	/* The listed threads, from the links the section wrote (titles are escaped, so only
	 * these links contain this text). */
	RecentReads reads = {0};
	const char *end = r->out.data + r->out.len;
	for (const char *p = r->out.data + from;
	     reads.n < RECENT_THREADS && (p = memmem(p, (size_t)(end - p), "<a href=\"/threads/", 18));
	     p += 18)
		reads.thread[reads.n++] = atoll(p + 18);
	read_marks(r, &reads);
	size_t len = r->out.len - from;
	char *data = arena_alloc(r->arena, sizeof reads + len);
	memcpy(data, &reads, sizeof reads);
	memcpy(data + sizeof reads, r->out.data + from, len);
	member_cache_store(key, counts, INT64_MAX, data, sizeof reads + len);
}

void handle_home(Req *r)
{
	const User *u = r->user;
	page_begin(r, "Home");
	html(&r->out, "<h1>Welcome, %s</h1>\n", u->name);
	if (u->school_id)
		html(&r->out, "<p class=\"lead\">%s at %s.</p>\n", u->job_title, u->school_name);
	else
		html(&r->out, "<p class=\"lead\">%s, association staff.</p>\n", u->job_title);

	if (u->is_admin) {
		int64_t pending = count_of(r, "SELECT count(*) FROM users WHERE status = 'pending'");
		if (pending > 0)
			html(&r->out,
			     "<p class=\"notice\"><a href=\"/admin/pending\">%lld registration%s "
			     "waiting for your approval</a></p>\n",
			     (long long)pending, pending == 1 ? " is" : "s are");
	}

	/* The member's own sections are kept between views (membercache.h) under the change
	 * counts read with the session: the community data's for their communities; the
	 * people's, the community data's (roles) and the newest account for colleagues and new
	 * members (issue 8: these were half of the page's statements). */
	int64_t now = (int64_t)time(NULL);
	char key[48];
	snprintf(key, sizeof key, "home-mine:%lld", (long long)u->id);
	ChangeCounts mine_counts = {r->seen.communities, 0, 0};
	if (!member_cache_emit(r, key, mine_counts, now)) {
		size_t from = r->out.len;
		int64_t valid_until = INT64_MAX;
		my_communities(r, &valid_until);
		member_cache_store(key, mine_counts, valid_until, r->out.data + from,
				   r->out.len - from);
	}
	recent_discussions(r, now); /* newest on every board I may read */
	snprintf(key, sizeof key, "home-people:%lld", (long long)u->id);
	ChangeCounts people_counts = r->seen;
	if (!people_counts.people) /* no count of names and job titles: nothing is kept */
		people_counts = (ChangeCounts){0, 0, 0};
	if (!member_cache_emit(r, key, people_counts, now)) {
		size_t from = r->out.len;
		people_sections(r);
		member_cache_store(key, people_counts, INT64_MAX, r->out.data + from,
				   r->out.len - from);
	}

	int64_t members, schools;
	association_size(r, &members, &schools);
	html(&r->out,
	     "<p class=\"meta\">%lld members from <a href=\"/schools\">%lld member schools</a>.</p>\n",
	     (long long)members, (long long)schools);
	page_end(r);
}

/* Colleagues from the member's school (or the staff, for staff) and the newest members. */
static void people_sections(Req *r)
{
	const User *u = r->user;
	html_raw(&r->out, "<div class=\"columns\">\n<section aria-labelledby=\"h-colleagues\">\n");
	if (u->school_id) {
		html(&r->out, "<h2 id=\"h-colleagues\">Colleagues from %s</h2>\n", u->school_name);
		sqlite3_stmt *st = db_prepare(r->db, "SELECT name, job_title FROM users "
						     "WHERE school_id = :school AND status = 'active' "
						     "AND id != :me ORDER BY name LIMIT 50");
		db_bind_int(st, ":school", u->school_id);
		db_bind_int(st, ":me", u->id);
		person_list(r, st, false,
			    "No one else from your school has joined yet. Invite your colleagues "
			    "to register.");
	} else {
		html_raw(&r->out, "<h2 id=\"h-colleagues\">Association staff</h2>\n");
		sqlite3_stmt *st = db_prepare(r->db, "SELECT name, job_title FROM users WHERE role = "
						     "'admin' AND status = 'active' ORDER BY name");
		person_list(r, st, false, "No staff accounts yet.");
	}
	html_raw(&r->out, "</section>\n<section aria-labelledby=\"h-new\">\n"
			  "<h2 id=\"h-new\">New members</h2>\n");
	sqlite3_stmt *st = db_prepare(r->db, "SELECT u.name, u.job_title, s.name FROM users u "
					     "JOIN schools s ON s.id = u.school_id "
					     "WHERE u.status = 'active' AND u.approved_at IS NOT NULL "
					     "ORDER BY u.approved_at DESC, u.id DESC LIMIT 8");
	person_list(r, st, true, "No members have been approved yet.");
	html_raw(&r->out, "</section>\n</div>\n");
}
