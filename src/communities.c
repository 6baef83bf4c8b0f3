/* Communities of Practice: the directory, each community's home (its virtual meeting space:
 * description, facilitators, sign-up and roster), editing by facilitators and admins, and
 * the admin's pages to create communities and name their facilitators. */
#include "audit.h"
#include "communities.h"

#include <ctype.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "handlers.h"
#include "html.h"
#include "markdown.h"
#include "materials.h"
#include "meetings.h"
#include "page.h"
#include "readcache.h"
#include "search.h"
#include "signup.h"
#include "discussions.h"
#include "validate.h"

static const char *const kinds[] = {"ongoing", "cohort", NULL};
static const char *const statuses[] = {"proposed", "open", "active", "archived", NULL};
static const char *const visibilities[] = {"open", "private", NULL};

CommunityRole community_role(Db *db, const char *slug, int64_t user_id)
{
	sqlite3_stmt *st = db_prepare(
		db, "SELECT EXISTS (SELECT 1 FROM facilitators f WHERE f.community_id = c.id AND "
		    "f.user_id = :u), EXISTS (SELECT 1 FROM memberships m WHERE m.community_id = c.id "
		    "AND m.user_id = :u AND m.status = 'participant') "
		    "FROM communities c WHERE c.slug = :slug");
	db_bind_text(st, ":slug", slug);
	db_bind_int(st, ":u", user_id);
	CommunityRole role = COMMUNITY_NONE;
	if (db_step(st) == SQLITE_ROW)
		role = db_col_int(st, 0)   ? COMMUNITY_FACILITATOR
		       : db_col_int(st, 1) ? COMMUNITY_PARTICIPANT
					   : COMMUNITY_NONE;
	sqlite3_reset(st);
	return role;
}

bool community_readable_by(Db *db, int64_t user_id, bool is_admin, int64_t community_id)
{
	sqlite3_stmt *st = db_prepare(
		db, "SELECT c.visibility = 'open' OR :admin OR EXISTS (SELECT 1 FROM facilitators f "
		    "WHERE f.community_id = c.id AND f.user_id = :u) OR EXISTS (SELECT 1 FROM "
		    "memberships m WHERE m.community_id = c.id AND m.user_id = :u AND "
		    "m.status = 'participant') FROM communities c WHERE c.id = :c");
	db_bind_int(st, ":c", community_id);
	db_bind_int(st, ":u", user_id);
	db_bind_int(st, ":admin", is_admin);
	bool readable = db_step(st) == SQLITE_ROW && db_col_int(st, 0);
	sqlite3_reset(st);
	return readable;
}

bool community_readable(Req *r, int64_t community_id)
{
	return r->user && r->user->is_member &&
	       community_readable_by(r->db, r->user->id, r->user->is_admin, community_id);
}

#define COMMUNITY_COLUMNS                                                                   \
	"c.id, c.slug, c.name, c.audience, c.kind, c.description, c.status, c.commitment, "  \
	"coalesce(c.year_id, 0), coalesce(y.name, ''), coalesce(c.seat_limit, 0), "          \
	"coalesce(c.signup_opens, ''), coalesce(c.soft_deadline, ''), "                      \
	"coalesce(c.signup_closes, ''), "                                                    \
	"(SELECT count(*) FROM memberships m WHERE m.community_id = c.id AND "               \
	"m.status = 'participant'), "                                                        \
	"(SELECT count(*) FROM memberships m WHERE m.community_id = c.id AND "               \
	"m.status = 'waitlisted'), c.visibility "

static Community *read_community(Req *r, sqlite3_stmt *st)
{
	Community *c = arena_alloc(r->arena, sizeof *c);
	const char **text[] = {&c->slug,   &c->name,       &c->audience, &c->kind,
			       &c->description, &c->status, &c->commitment};
	c->id = db_col_int(st, 0);
	for (int i = 0; i < 7; i++)
		*text[i] = arena_strdup(r->arena, db_col_text(st, i + 1));
	c->year_id = db_col_int(st, 8);
	c->year_name = arena_strdup(r->arena, db_col_text(st, 9));
	c->seat_limit = db_col_int(st, 10);
	c->signup_opens = arena_strdup(r->arena, db_col_text(st, 11));
	c->soft_deadline = arena_strdup(r->arena, db_col_text(st, 12));
	c->signup_closes = arena_strdup(r->arena, db_col_text(st, 13));
	c->participants = db_col_int(st, 14);
	c->waitlisted = db_col_int(st, 15);
	c->visibility = arena_strdup(r->arena, db_col_text(st, 16));
	return c;
}

/* The community named by the path's slug, read by st (its columns as COMMUNITY_COLUMNS), or
 * a 404 answered and NULL. */
static Community *community_by_slug(Req *r, sqlite3_stmt *st)
{
	db_bind_text(st, ":slug", req_param(r, 0));
	if (db_step(st) != SQLITE_ROW) {
		resp_error(r, 404, "There is no community at this address.");
		return NULL;
	}
	Community *c = read_community(r, st);
	sqlite3_reset(st);
	return c;
}

Community *community_from_path(Req *r)
{
	return community_by_slug(r, db_prepare(r->db, "SELECT " COMMUNITY_COLUMNS
						      "FROM communities c LEFT JOIN program_years y "
						      "ON y.id = c.year_id WHERE c.slug = :slug"));
}

Community *community_from_path_uncounted(Req *r)
{
	return community_by_slug(
		r, db_prepare(r->db,
			      "SELECT c.id, c.slug, c.name, c.audience, c.kind, c.description, c.status, "
			      "c.commitment, coalesce(c.year_id, 0), coalesce(y.name, ''), "
			      "coalesce(c.seat_limit, 0), coalesce(c.signup_opens, ''), "
			      "coalesce(c.soft_deadline, ''), coalesce(c.signup_closes, ''), 0, 0, "
			      "c.visibility FROM communities c LEFT JOIN program_years y ON "
			      "y.id = c.year_id WHERE c.slug = :slug"));
}

SignupWindow signup_window(const Community *c, const char *today)
{
	if (strcmp(c->status, "open") != 0)
		return SIGNUP_NOT_OFFERED;
	if (*c->signup_opens && strcmp(today, c->signup_opens) < 0)
		return SIGNUP_NOT_YET;
	if (*c->signup_closes && strcmp(today, c->signup_closes) > 0)
		return SIGNUP_CLOSED;
	return SIGNUP_OPEN;
}

static bool can_manage(Req *r, const Community *c)
{
	return r->user->is_admin ||
	       community_role(r->db, c->slug, r->user->id) == COMMUNITY_FACILITATOR;
}

/* "Kelly Wickham Hurst (Crossroads), Sara Cotner (Montessori For All)" */
static void facilitator_names(Req *r, int64_t community_id)
{
	sqlite3_stmt *st = db_prepare(
		r->db, "SELECT coalesce(u.name, f.guest_name), "
		       "coalesce(s.name, f.guest_org, ''), f.role FROM facilitators f "
		       "LEFT JOIN users u ON u.id = f.user_id LEFT JOIN schools s ON s.id = u.school_id "
		       "WHERE f.community_id = :c ORDER BY f.role, f.id");
	db_bind_int(st, ":c", community_id);
	int n = 0;
	while (db_step(st) == SQLITE_ROW) {
		const char *org = db_col_text(st, 1);
		html(&r->out, "%s%s", n++ ? ", " : "", db_col_text(st, 0));
		if (*org)
			html(&r->out, " (%s)", org);
		if (!strcmp(db_col_text(st, 2), "co-facilitator"))
			html_raw(&r->out, ", co-facilitator");
	}
	if (!n)
		html_raw(&r->out, "to be announced");
	sqlite3_reset(st);
}

static void seats_text(Req *r, const Community *c)
{
	if (!c->seat_limit)
		html(&r->out, "%lld participant%s", (long long)c->participants,
		     c->participants == 1 ? "" : "s");
	else if (c->participants < c->seat_limit)
		html(&r->out, "%lld of %lld seats taken, %lld left", (long long)c->participants,
		     (long long)c->seat_limit, (long long)(c->seat_limit - c->participants));
	else
		html(&r->out, "Full (%lld seat%s)%s", (long long)c->seat_limit,
		     c->seat_limit == 1 ? "" : "s",
		     c->waitlisted ? "" : "; new sign-ups join a waitlist");
	if (c->waitlisted)
		html(&r->out, ", %lld on the waitlist", (long long)c->waitlisted);
}

static void signup_state_text(Req *r, const Community *c, const char *today)
{
	switch (signup_window(c, today)) {
	case SIGNUP_NOT_OFFERED:
		html(&r->out, "%s",
		     !strcmp(c->status, "proposed") ? "Coming soon: sign-up is not open yet"
		     : !strcmp(c->status, "active") ? "In session: sign-up is closed"
		     : !strcmp(c->status, "archived") ? "Archived"
						      : "Sign-up is closed");
		break;
	case SIGNUP_NOT_YET:
		html(&r->out, "Sign-up opens %s", format_day(r, c->signup_opens));
		break;
	case SIGNUP_OPEN:
		if (*c->signup_closes)
			html(&r->out, "Sign-up open until %s", format_day(r, c->signup_closes));
		else
			html_raw(&r->out, "Sign-up open");
		if (*c->soft_deadline && strcmp(today, c->soft_deadline) <= 0)
			html(&r->out, " (please sign up by %s)", format_day(r, c->soft_deadline));
		break;
	case SIGNUP_CLOSED:
		html_raw(&r->out, "Sign-up closed");
		break;
	}
}

/* ---- the directory ----
 *
 * Every member sees the same cards but for their own badge, so the cards are built once per
 * change of the community data (readcache.h) and kept; each view then reads the change count
 * and the member's own memberships, two indexed lookups, where building reads every
 * community's roster counts, facilitators and next meeting (~20,000 steps at 60 communities;
 * issue 8). The cards also say things that change with the clock: the sign-up state (by
 * date) and the next meeting (until it ends), so they are kept only until the next midnight
 * or the end of the soonest next meeting, whichever comes first. */

typedef struct {
	int64_t community_id;
	bool participant;
	int64_t place; /* on the waitlist */
} Badge;

typedef struct {
	Badge *list;
	size_t n;
} Badges;

static void load_badges(Req *r, Badges *b)
{
	sqlite3_stmt *st = db_prepare(
		r->db, "SELECT m.community_id, m.status = 'participant', (SELECT count(*) FROM "
		       "memberships w WHERE w.community_id = m.community_id AND w.status = "
		       "'waitlisted' AND w.id <= m.id) FROM memberships m WHERE m.user_id = :u AND "
		       "m.status IN ('participant', 'waitlisted')");
	db_bind_int(st, ":u", r->user->id);
	size_t cap = 0;
	b->list = NULL;
	b->n = 0;
	while (db_step(st) == SQLITE_ROW) {
		if (b->n == cap) {
			cap = cap ? cap * 2 : 16;
			Badge *bigger = arena_alloc(r->arena, cap * sizeof *bigger);
			if (b->n)
				memcpy(bigger, b->list, b->n * sizeof *bigger);
			b->list = bigger;
		}
		b->list[b->n++] = (Badge){db_col_int(st, 0), db_col_int(st, 1) != 0,
					  db_col_int(st, 2)};
	}
	sqlite3_reset(st);
}

static void badge_fill(Req *r, int64_t community_id, void *ctx)
{
	const Badges *b = ctx;
	for (size_t i = 0; i < b->n; i++) {
		if (b->list[i].community_id != community_id)
			continue;
		if (b->list[i].participant)
			html_raw(&r->out, "<p class=\"badge\">You are a participant</p>\n");
		else
			html(&r->out, "<p class=\"badge\">You are number %lld on the waitlist</p>\n",
			     (long long)b->list[i].place);
		return;
	}
}

/* Builds the cards into r->out, a slot for the member's badge in each; returns until when
 * they hold (see above). */
static int64_t directory_cards(Req *r, int64_t now, FragmentSlot **slots, size_t *nslots)
{
	char today[11];
	today_iso(today);
	int64_t valid_until = next_local_midnight(now);
	/* The next meeting: one that has not ended. A meeting is one day's event, so one ending
	 * after now started less than 26 hours before it: the bound lets the index range start
	 * there instead of at the community's first meeting ever (as in calendar.c). */
	sqlite3_stmt *st = db_prepare(
		r->db, "SELECT " COMMUNITY_COLUMNS ", n.starts_at, n.ends_at "
		       "FROM communities c LEFT JOIN program_years y ON y.id = c.year_id "
		       "LEFT JOIN meetings n ON n.id = (SELECT mm.id FROM meetings mm WHERE "
		       "mm.community_id = c.id AND mm.starts_at >= :lowest AND "
		       "mm.status = 'scheduled' AND mm.ends_at >= :now ORDER BY mm.starts_at, mm.id "
		       "LIMIT 1) WHERE c.status != 'archived' ORDER BY c.status = 'proposed', c.name");
	db_bind_int(st, ":now", now);
	db_bind_int(st, ":lowest", now - 26 * 3600);
	size_t n = 0, cap = 0;
	*slots = NULL;
	while (db_step(st) == SQLITE_ROW) {
		Community *c = read_community(r, st);
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			FragmentSlot *bigger = arena_alloc(r->arena, cap * sizeof *bigger);
			if (n)
				memcpy(bigger, *slots, n * sizeof *bigger);
			*slots = bigger;
		}
		if (n == 0)
			html_raw(&r->out, "<ul class=\"community-list\">\n");
		html(&r->out, "<li class=\"community-card\">\n<h2><a href=\"/communities/%s\">%s</a></h2>\n",
		     c->slug, c->name);
		if (*c->audience)
			html(&r->out, "<p class=\"meta\">For %s%s%s</p>\n", c->audience,
			     !strcmp(c->kind, "cohort") ? " · cohort " : "",
			     !strcmp(c->kind, "cohort") ? c->year_name : "");
		html_raw(&r->out, "<p>Facilitated by ");
		facilitator_names(r, c->id);
		html_raw(&r->out, "</p>\n<p class=\"meta\">");
		seats_text(r, c);
		html_raw(&r->out, ". ");
		signup_state_text(r, c, today);
		html_raw(&r->out, ".</p>\n");
		if (sqlite3_column_type(st, 17) != SQLITE_NULL) {
			time_t t = (time_t)db_col_int(st, 17);
			int64_t ends = db_col_int(st, 18);
			struct tm tm;
			char day[64];
			localtime_r(&t, &tm);
			strftime(day, sizeof day, "%A, %B %-d, %Y", &tm);
			html(&r->out, "<p class=\"meta next-meeting\">Next meeting: %s</p>\n", day);
			if (ends + 1 < valid_until)
				valid_until = ends + 1;
		}
		(*slots)[n++] = (FragmentSlot){r->out.len, c->id};
		html_raw(&r->out, "</li>\n");
	}
	sqlite3_reset(st);
	if (n)
		html_raw(&r->out, "</ul>\n");
	else
		html_raw(&r->out, "<p>No communities yet. Association staff create them, or accept "
				  "facilitators' proposals.</p>\n");
	*nslots = n;
	return valid_until;
}

void handle_communities(Req *r)
{
	int64_t now = (int64_t)time(NULL);
	/* The count first: a change made while the cards are built leaves them stale. */
	int64_t version = request_community_changes(r);
	Badges badges;
	load_badges(r, &badges);
	page_begin(r, "Communities of Practice");
	html_raw(&r->out, "<h1>Communities of Practice</h1>\n");
	if (r->user->is_admin)
		html_raw(&r->out, "<p><a class=\"button secondary\" href=\"/admin/communities/new\">"
				  "New community</a></p>\n");
	if (fragment_emit(r, "directory", version, now, badge_fill, &badges)) {
		page_end(r);
		return;
	}
	Buf page = r->out;
	r->out = (Buf){0};
	FragmentSlot *slots;
	size_t nslots;
	int64_t valid_until = directory_cards(r, now, &slots, &nslots);
	Buf cards = r->out;
	r->out = page;
	fragment_store("directory", version, valid_until, cards.data ? cards.data : "", cards.len,
		       slots, nslots);
	fragment_write(r, cards.data ? cards.data : "", cards.len, slots, nslots, badge_fill,
		       &badges);
	buf_free(&cards);
	page_end(r);
}

static void roster(Req *r, const Community *c, bool manage)
{
	int64_t schools = 0;
	sqlite3_stmt *st = db_prepare(r->db, "SELECT count(DISTINCT u.school_id) FROM memberships m "
					     "JOIN users u ON u.id = m.user_id WHERE "
					     "m.community_id = :c AND m.status = 'participant'");
	db_bind_int(st, ":c", c->id);
	if (db_step(st) == SQLITE_ROW)
		schools = db_col_int(st, 0);
	html(&r->out, "<section aria-labelledby=\"h-roster\">\n<h2 id=\"h-roster\">Roster</h2>\n"
		      "<p>%lld participant%s from %lld member school%s.</p>\n",
	     (long long)c->participants, c->participants == 1 ? "" : "s", (long long)schools,
	     schools == 1 ? "" : "s");
	if (manage)
		html(&r->out, "<p><a href=\"/communities/%s/roster.csv\">Download the roster "
			      "(CSV)</a></p>\n", c->slug);
	st = db_prepare(r->db, "SELECT u.id, u.name, u.job_title, coalesce(s.name, ''), m.status "
			       "FROM memberships m JOIN users u ON u.id = m.user_id "
			       "LEFT JOIN schools s ON s.id = u.school_id WHERE m.community_id = :c "
			       "AND (m.status = 'participant' OR (:all AND m.status = 'waitlisted')) "
			       "ORDER BY m.status = 'waitlisted', "
			       "CASE m.status WHEN 'participant' THEN u.name END, m.id");
	db_bind_int(st, ":c", c->id);
	db_bind_int(st, ":all", manage);
	int n = 0;
	while (db_step(st) == SQLITE_ROW) {
		if (n++ == 0)
			html_raw(&r->out, "<ul class=\"people\">\n");
		html(&r->out, "<li><span class=\"person-name\">%s</span> <span class=\"meta\">%s, %s%s"
			      "</span>",
		     db_col_text(st, 1), db_col_text(st, 2), db_col_text(st, 3),
		     !strcmp(db_col_text(st, 4), "waitlisted") ? " (waitlist)" : "");
		if (manage)
			button_form(r, arena_printf(r->arena, "/communities/%s/roster/%lld/remove",
						    c->slug, (long long)db_col_int(st, 0)),
				    "Remove", "secondary");
		html_raw(&r->out, "</li>\n");
	}
	if (n)
		html_raw(&r->out, "</ul>\n");
	html_raw(&r->out, "</section>\n");
}

static void signup_box(Req *r, const Community *c, const char *today)
{
	int64_t place = 0;
	const char *mine = signup_status(r->db, c->id, r->user->id, &place);
	const char *action = arena_printf(r->arena, "/communities/%s/withdraw", c->slug);
	html_raw(&r->out, "<section class=\"signup\" aria-labelledby=\"h-signup\">\n"
			  "<h2 id=\"h-signup\">Sign-up</h2>\n<p>");
	seats_text(r, c);
	html_raw(&r->out, ". ");
	signup_state_text(r, c, today);
	html_raw(&r->out, ".</p>\n");
	if (mine) {
		if (!strcmp(mine, "participant"))
			html_raw(&r->out, "<p><strong>You are a participant.</strong></p>\n");
		else
			html(&r->out, "<p><strong>You are number %lld on the waitlist.</strong> You "
				      "will get a seat automatically when one frees up.</p>\n",
			     (long long)place);
		button_form(r, action, mine[0] == 'p' ? "Withdraw" : "Leave the waitlist",
			    "secondary");
	} else if (signup_window(c, today) == SIGNUP_OPEN) {
		form_begin(r, arena_printf(r->arena, "/communities/%s/signup", c->slug));
		if (*c->commitment)
			html(&r->out,
			     "<div class=\"field checkbox\"><input id=\"f-commitment\" type=\"checkbox\" "
			     "name=\"commitment\" value=\"yes\"> <label for=\"f-commitment\">I commit to: "
			     "%s</label></div>\n",
			     c->commitment);
		html(&r->out, "<button type=\"submit\">%s</button>\n",
		     c->seat_limit && c->participants >= c->seat_limit ? "Join the waitlist"
								       : "Sign up");
		form_end(r);
	}
	html_raw(&r->out, "</section>\n");
}

void handle_community(Req *r)
{
	Community *c = community_from_path(r);
	if (!c)
		return;
	char today[11];
	today_iso(today);
	bool manage = can_manage(r, c);
	page_begin(r, c->name);
	html(&r->out, "<p class=\"meta\"><a href=\"/communities\">Communities</a></p>\n<h1>%s</h1>\n",
	     c->name);
	html_raw(&r->out, "<p class=\"lead\">");
	if (*c->audience)
		html(&r->out, "For %s. ", c->audience);
	html(&r->out, "%s%s%s.</p>\n",
	     !strcmp(c->kind, "cohort") ? "A cohort" : "An ongoing job-alike community",
	     *c->year_name ? " for " : "", c->year_name);
	html_raw(&r->out, "<p>Facilitated by ");
	facilitator_names(r, c->id);
	html_raw(&r->out, ".</p>\n");
	if (manage)
		html(&r->out, "<p><a class=\"button secondary\" href=\"/communities/%s/edit\">Edit "
			      "this community</a></p>\n", c->slug);
	markdown_html(&r->out, c->description);
	meetings_upcoming_section(r, c->id, c->slug, manage);
	/* A private community's discussions, materials and roster are for its own people. */
	bool readable = community_readable(r, c->id);
	if (readable) {
		materials_recent_section(r, c->id);
		discussions_recent_section(r, c->id,
					   arena_printf(r->arena, "/communities/%s/board", c->slug), 5);
	} else {
		html_raw(&r->out, "<p class=\"notice\">This community is private: its discussions, "
				  "materials and roster are for its participants and facilitators.</p>\n");
	}
	signup_box(r, c, today);
	if (readable)
		roster(r, c, manage);
	page_end(r);
}

/* ---- editing ---- */

typedef struct {
	const char *name, *slug, *audience, *kind, *status, *description, *commitment, *seats,
		*opens, *soft, *closes, *year;
	const char *e_name, *e_slug, *e_audience, *e_kind, *e_status, *e_seats, *e_opens, *e_soft,
		*e_closes, *e_year;
	const char *visibility, *e_visibility; /* visibility NULL: keep it as it is */
	int errors;
} CommunityForm;

static void year_field(Req *r, const CommunityForm *f)
{
	html(&r->out, "<div class=\"field%s\"><label for=\"f-year\">Program year</label>\n",
	     f->e_year ? " has-error" : "");
	if (f->e_year)
		html(&r->out, "<p class=\"field-error\">%s</p>\n", f->e_year);
	html_raw(&r->out, "<select id=\"f-year\" name=\"year\"><option value=\"\">None (ongoing)"
			  "</option>");
	sqlite3_stmt *st = db_prepare(r->db, "SELECT id, name FROM program_years ORDER BY starts_on "
					     "DESC");
	while (db_step(st) == SQLITE_ROW) {
		const char *id = db_col_text(st, 0);
		if (f->year && !strcmp(f->year, id))
			html(&r->out, "<option value=\"%s\" selected>%s</option>", id, db_col_text(st, 1));
		else
			html(&r->out, "<option value=\"%s\">%s</option>", id, db_col_text(st, 1));
	}
	html_raw(&r->out, "</select></div>\n");
}

static void community_form(Req *r, const char *action, const CommunityForm *f, bool admin)
{
	form_error_summary(r, f->errors);
	form_begin(r, action);
	if (admin) {
		form_input(r, "name", "Name", "text", f->name, f->e_name, "off");
		form_input(r, "slug", "Short name for its address (letters, digits, dashes)", "text",
			   f->slug, f->e_slug, "off");
		form_select(r, "kind", "Kind", kinds, f->kind, f->e_kind);
		form_select(r, "status", "Status", statuses, f->status, f->e_status);
		year_field(r, f);
	}
	form_input(r, "audience", "Who it is for (job-alike role)", "text", f->audience,
		   f->e_audience, "off");
	form_textarea(r, "description", "Description", f->description, NULL,
		  "Markdown: **bold**, *italic*, lists with -, links as [text](https://...).");
	form_input(r, "seats", "Seat limit (empty for no limit)", "text", f->seats, f->e_seats,
		   "off");
	form_input(r, "opens", "Sign-up opens (YYYY-MM-DD)", "date", f->opens, f->e_opens, "off");
	form_input(r, "soft", "Please sign up by (soft deadline)", "date", f->soft, f->e_soft, "off");
	form_input(r, "closes", "Sign-up closes (last day)", "date", f->closes, f->e_closes, "off");
	form_textarea(r, "commitment", "Commitment participants accept", f->commitment, NULL,
		  "e.g. Join all meetings and contribute to the final product.");
	html_raw(&r->out, "<p class=\"hint\" id=\"f-visibility-hint\">Open: every member can read "
			  "the community's discussions, materials and roster. Private: only its "
			  "participants, facilitators and association staff.</p>\n");
	form_select(r, "visibility", "Who can read its discussions", visibilities,
		    f->visibility ? f->visibility : "open", f->e_visibility);
	html_raw(&r->out, "<button type=\"submit\">Save</button>\n");
	form_end(r);
}

/* Reads and checks the form. Admin-only fields are read only when admin. */
static void read_form(Req *r, CommunityForm *f, bool admin)
{
	f->audience = trimmed(r->arena, req_form(r, "audience"));
	f->description = req_form_or(r, "description", "");
	f->commitment = trimmed(r->arena, req_form(r, "commitment"));
	f->seats = trimmed(r->arena, req_form(r, "seats"));
	f->opens = trimmed(r->arena, req_form(r, "opens"));
	f->soft = trimmed(r->arena, req_form(r, "soft"));
	f->closes = trimmed(r->arena, req_form(r, "closes"));
	if (strlen(f->audience) > 150)
		f->e_audience = "Enter at most 150 characters.";
	if (*f->seats && (!parse_id(f->seats) || parse_id(f->seats) > 100000))
		f->e_seats = "Enter a whole number of seats, or leave it empty for no limit.";
	if (*f->opens)
		f->e_opens = check_date(f->opens);
	if (*f->soft)
		f->e_soft = check_date(f->soft);
	if (*f->closes)
		f->e_closes = check_date(f->closes);
	if (!f->e_opens && !f->e_closes && *f->opens && *f->closes && strcmp(f->opens, f->closes) > 0)
		f->e_closes = "Sign-up cannot close before it opens.";
	if (admin) {
		f->name = trimmed(r->arena, req_form(r, "name"));
		f->slug = trimmed(r->arena, req_form(r, "slug"));
		f->kind = req_form_or(r, "kind", "");
		f->status = req_form_or(r, "status", "");
		f->year = req_form_or(r, "year", "");
		f->e_name = check_school_name(f->name) ? "Enter a name of at most 150 characters." : NULL;
		if (!*f->slug && !f->e_name) { /* derive it from the name */
			char *s = arena_alloc(r->arena, strlen(f->name) + 1), *o = s;
			for (const char *p = f->name; *p && o - s < 60; p++)
				if (isalnum((unsigned char)*p))
					*o++ = (char)tolower((unsigned char)*p);
				else if (o > s && o[-1] != '-')
					*o++ = '-';
			while (o > s && o[-1] == '-')
				o--;
			*o = '\0';
			f->slug = s;
		}
		bool slug_ok = *f->slug && strlen(f->slug) <= 64;
		for (const char *p = f->slug; *p; p++)
			slug_ok &= (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-';
		if (!slug_ok)
			f->e_slug = "Use lowercase letters, digits and dashes (at most 64).";
		if (!one_of(f->kind, kinds))
			f->e_kind = "Choose ongoing or cohort.";
		if (!one_of(f->status, statuses))
			f->e_status = "Choose a status.";
		if (*f->year && !parse_id(f->year))
			f->e_year = "Choose a program year.";
	}
	f->visibility = req_form(r, "visibility");
	if (f->visibility && !one_of(f->visibility, visibilities))
		f->e_visibility = "Choose open or private.";
	f->errors = !!f->e_name + !!f->e_slug + !!f->e_audience + !!f->e_kind + !!f->e_status +
		    !!f->e_seats + !!f->e_opens + !!f->e_soft + !!f->e_closes + !!f->e_year +
		    !!f->e_visibility;
}

static void bind_common(sqlite3_stmt *st, const CommunityForm *f)
{
	db_bind_text(st, ":audience", f->audience);
	db_bind_text(st, ":description", f->description);
	db_bind_text(st, ":commitment", f->commitment);
	if (*f->seats)
		db_bind_int(st, ":seats", parse_id(f->seats));
	else
		db_bind_text(st, ":seats", NULL);
	db_bind_text(st, ":opens", *f->opens ? f->opens : NULL);
	db_bind_text(st, ":soft", *f->soft ? f->soft : NULL);
	db_bind_text(st, ":closes", *f->closes ? f->closes : NULL);
}

static void bind_admin(sqlite3_stmt *st, const CommunityForm *f)
{
	db_bind_text(st, ":name", f->name);
	db_bind_text(st, ":slug", f->slug);
	db_bind_text(st, ":kind", f->kind);
	db_bind_text(st, ":status", f->status);
	if (*f->year)
		db_bind_int(st, ":year", parse_id(f->year));
	else
		db_bind_text(st, ":year", NULL);
}

static void edit_page(Req *r, const Community *c, const CommunityForm *f)
{
	page_begin(r, arena_printf(r->arena, "Edit %s", c->name));
	html(&r->out, "<p class=\"meta\"><a href=\"/communities/%s\">%s</a></p>\n<h1>Edit %s</h1>\n",
	     c->slug, c->name, c->name);
	community_form(r, arena_printf(r->arena, "/communities/%s/edit", c->slug), f,
		       r->user->is_admin);
	if (r->user->is_admin) {
		html_raw(&r->out, "<h2>Facilitators</h2>\n<ul class=\"people\">\n");
		sqlite3_stmt *st = db_prepare(
			r->db, "SELECT f.id, coalesce(u.name, f.guest_name), coalesce(s.name, "
			       "f.guest_org, ''), f.role FROM facilitators f LEFT JOIN users u ON "
			       "u.id = f.user_id LEFT JOIN schools s ON s.id = u.school_id "
			       "WHERE f.community_id = :c ORDER BY f.role, f.id");
		db_bind_int(st, ":c", c->id);
		while (db_step(st) == SQLITE_ROW) {
			html(&r->out, "<li><span class=\"person-name\">%s</span> <span class=\"meta\">"
				      "%s, %s</span> ",
			     db_col_text(st, 1), db_col_text(st, 2), db_col_text(st, 3));
			button_form(r, arena_printf(r->arena, "/communities/%s/facilitators/%lld/remove",
						    c->slug, (long long)db_col_int(st, 0)),
				    "Remove", "secondary");
			html_raw(&r->out, "</li>\n");
		}
		html_raw(&r->out, "</ul>\n<h3>Add a facilitator</h3>\n<p class=\"hint\">A member (by "
				  "email), or a guest by name and organization.</p>\n");
		form_begin(r, arena_printf(r->arena, "/communities/%s/facilitators", c->slug));
		form_input(r, "email", "Member's email", "email", NULL, NULL, "off");
		form_input(r, "guest_name", "or guest's name", "text", NULL, NULL, "off");
		form_input(r, "guest_org", "Guest's organization", "text", NULL, NULL, "off");
		static const char *const roles[] = {"facilitator", "co-facilitator", NULL};
		form_select(r, "role", "Role", roles, "facilitator", NULL);
		html_raw(&r->out, "<button type=\"submit\">Add facilitator</button>\n");
		form_end(r);
	}
	page_end(r);
}

void handle_community_edit(Req *r)
{
	Community *c = community_from_path(r);
	if (!c)
		return;
	CommunityForm f = {
		.name = c->name, .slug = c->slug, .audience = c->audience, .kind = c->kind,
		.status = c->status, .description = c->description, .commitment = c->commitment,
		.seats = c->seat_limit ? arena_printf(r->arena, "%lld", (long long)c->seat_limit) : "",
		.opens = c->signup_opens, .soft = c->soft_deadline, .closes = c->signup_closes,
		.year = c->year_id ? arena_printf(r->arena, "%lld", (long long)c->year_id) : "",
		.visibility = c->visibility,
	};
	edit_page(r, c, &f);
}

void handle_community_update(Req *r)
{
	Community *c = community_from_path(r);
	if (!c)
		return;
	bool admin = r->user->is_admin;
	CommunityForm f = {0};
	read_form(r, &f, admin);
	if (f.errors) {
		r->status = 422;
		edit_page(r, c, &f);
		return;
	}
	if (!db_begin(r->db)) {
		resp_error(r, 503, "The community could not be saved just now. Please try again.");
		return;
	}
	sqlite3_stmt *st = db_prepare(r->db, "UPDATE communities SET audience = :audience, "
					     "description = :description, commitment = :commitment, "
					     "seat_limit = :seats, signup_opens = :opens, "
					     "soft_deadline = :soft, signup_closes = :closes "
					     "WHERE id = :id");
	bind_common(st, &f);
	db_bind_int(st, ":id", c->id);
	bool ok = db_run(st);
	if (ok && admin) {
		st = db_prepare(r->db, "UPDATE communities SET name = :name, slug = :slug, "
				       "kind = :kind, status = :status, year_id = :year WHERE id = :id");
		bind_admin(st, &f);
		db_bind_int(st, ":id", c->id);
		ok = db_run(st);
		if (!ok) {
			db_rollback(r->db);
			f.e_slug = "Another community already uses this short name.";
			f.errors = 1;
			r->status = 409;
			edit_page(r, c, &f);
			return;
		}
	}
	if (ok && f.visibility && strcmp(f.visibility, c->visibility) != 0) {
		st = db_prepare(r->db, "UPDATE communities SET visibility = :v WHERE id = :id");
		db_bind_text(st, ":v", f.visibility);
		db_bind_int(st, ":id", c->id);
		ok = db_run(st);
		/* Its discussions and documents leave (or rejoin) other members' search results. */
		if (ok)
			search_restrict_community(r->db, c->id, !strcmp(f.visibility, "private"));
	}
	if (ok) /* a larger seat limit seats people from the waitlist at once */
		signup_promote(r->db, c->id);
	if (ok)
		search_index_community(r->db, c->id);
	if (!ok || !db_commit(r->db)) {
		db_rollback(r->db);
		resp_error(r, 503, "The community could not be saved just now. Please try again.");
		return;
	}
	resp_redirect(r, arena_printf(r->arena, "/communities/%s?notice=saved",
				      admin ? f.slug : c->slug));
	audit(r, "community.update", "community %s", admin ? f.slug : c->slug);
}

static void new_page(Req *r, const CommunityForm *f)
{
	page_begin(r, "New community");
	html_raw(&r->out, "<p class=\"meta\"><a href=\"/communities\">Communities</a></p>\n"
			  "<h1>New community</h1>\n");
	community_form(r, "/admin/communities", f, true);
	page_end(r);
}

void handle_community_new(Req *r)
{
	CommunityForm f = {.kind = "ongoing", .status = "proposed"};
	new_page(r, &f);
}

void handle_community_create(Req *r)
{
	CommunityForm f = {0};
	read_form(r, &f, true);
	if (!f.errors) {
		sqlite3_stmt *st = db_prepare(
			r->db, "INSERT INTO communities (slug, name, audience, kind, description, "
			       "status, year_id, seat_limit, signup_opens, soft_deadline, "
			       "signup_closes, commitment, created_at) VALUES (:slug, :name, "
			       ":audience, :kind, :description, :status, :year, :seats, :opens, "
			       ":soft, :closes, :commitment, :now)");
		bind_common(st, &f);
		bind_admin(st, &f);
		db_bind_int(st, ":now", time(NULL));
		if (db_run(st)) {
			search_index_community(r->db, db_last_id(r->db));
			if (f.visibility && !strcmp(f.visibility, "private")) {
				int64_t id = db_last_id(r->db);
				st = db_prepare(r->db, "UPDATE communities SET visibility = 'private' "
						       "WHERE id = :id");
				db_bind_int(st, ":id", id);
				db_run(st);
			}
			resp_redirect(r, arena_printf(r->arena, "/communities/%s/edit?notice=created",
						      f.slug));
			audit(r, "community.create", "community %s (%s)", f.slug, f.status);
			return;
		}
		f.e_slug = "Another community already uses this short name.";
		f.errors = 1;
	}
	r->status = 422;
	new_page(r, &f);
}

void handle_facilitator_add(Req *r)
{
	Community *c = community_from_path(r);
	if (!c)
		return;
	const char *email = trimmed(r->arena, req_form(r, "email"));
	const char *guest = trimmed(r->arena, req_form(r, "guest_name"));
	const char *org = trimmed(r->arena, req_form(r, "guest_org"));
	const char *role = req_form_or(r, "role", "facilitator");
	static const char *const roles[] = {"facilitator", "co-facilitator", NULL};
	if (!one_of(role, roles) || (!*email == !*guest) || strlen(guest) > 100 ||
	    strlen(org) > 150) {
		resp_error(r, 400, "Give either a member's email or a guest's name (with their "
				   "organization), and a role.");
		return;
	}
	int64_t user = 0;
	if (*email) {
		sqlite3_stmt *st = db_prepare(r->db, "SELECT id FROM users WHERE email = :email AND "
						     "status = 'active'");
		db_bind_text(st, ":email", email);
		if (db_step(st) == SQLITE_ROW)
			user = db_col_int(st, 0);
		if (!user) {
			resp_error(r, 404, "No active member has that email address.");
			return;
		}
	}
	sqlite3_stmt *st = db_prepare(r->db, "INSERT INTO facilitators (community_id, user_id, "
					     "guest_name, guest_org, role) VALUES (:c, :u, :guest, "
					     ":org, :role)");
	db_bind_int(st, ":c", c->id);
	if (user)
		db_bind_int(st, ":u", user);
	else
		db_bind_text(st, ":u", NULL);
	db_bind_text(st, ":guest", user ? NULL : guest);
	db_bind_text(st, ":org", user ? "" : org);
	db_bind_text(st, ":role", role);
	if (!db_run(st)) {
		resp_error(r, 409, "That member already facilitates this community.");
		return;
	}
	resp_redirect(r, arena_printf(r->arena, "/communities/%s/edit?notice=saved", c->slug));
	audit_user(r, "facilitator.add", user, "%s of community %s%s%s", role, c->slug, user ? "" : ", guest ", user ? "" : guest);
}

void handle_facilitator_remove(Req *r)
{
	Community *c = community_from_path(r);
	if (!c)
		return;
	sqlite3_stmt *st = db_prepare(r->db, "DELETE FROM facilitators WHERE id = :id AND "
					     "community_id = :c");
	db_bind_int(st, ":id", req_param_id(r, 1));
	db_bind_int(st, ":c", c->id);
	if (!db_run(st) || db_changes(r->db) != 1) {
		resp_error(r, 404, "That facilitator is not listed for this community.");
		return;
	}
	resp_redirect(r, arena_printf(r->arena, "/communities/%s/edit?notice=saved", c->slug));
	audit(r, "facilitator.remove", "facilitator #%lld of community %s", (long long)req_param_id(r, 1), c->slug);
}
