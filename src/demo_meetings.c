/* The demo's meetings: the coalition's kick-off for all groups, each topic cohort's kick-off
 * call, in-person deep-dive with a full agenda and monthly calls; the superintendents'
 * cohort's numbered meetings at the Connecticut Association of Schools; and past meetings of
 * the job-alike communities with attendance, materials and highlights. Local times are in
 * the association's time zone (config_apply_timezone() first). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "demo.h"
#include "files.h"
#include "search.h"
#include "validate.h"

typedef struct {
	const char *community; /* slug, or NULL for the whole association */
	int year, month, day;  /* year 0 = the program year's autumn, 1 = its spring */
	const char *from, *to; /* HH:MM local */
	int number;            /* 0 = unnumbered */
	const char *title, *format, *venue, *address, *video, *purpose;
	bool mandatory;
} DemoMeeting;

#define CAS "Connecticut Association of Schools"
#define CAS_ADDRESS "30 Realty Drive, Cheshire, CT 06410"
#define EATON "Eaton Hotel"
#define EATON_ADDRESS "1201 K St NW, Washington, DC 20005"

static const DemoMeeting demo_meetings[] = {
	{NULL, 0, 10, 14, "15:00", "16:30", 0, "CoP Year Kick-off for all groups", "virtual", "", "",
	 "https://meet.example.org/cop-kickoff",
	 "A virtual kick-off among all Community of Practice groups: the year's calendar, "
	 "facilitators and expectations.", true},
	{"principals", 0, 10, 21, "09:00", "15:00", 1, "Fall working session", "in_person",
	 "Member school library", "", "",
	 "All-day working session: **instructional leadership** walkthroughs and a problem of "
	 "practice from a member school.", true},
	{"principals", 1, 2, 10, "09:00", "15:00", 2, "Winter working session", "in_person",
	 "Member school library", "", "", "State policy update and peer consultancy.", true},
	{"principals", 1, 5, 12, "09:00", "15:00", 3, "Spring working session", "in_person",
	 "Member school library", "", "", "Sharing the year's toolkit.", true},
	{"school-nurses", 0, 11, 5, "15:30", "16:30", 1, "Monthly call: flu season planning", "virtual",
	 "", "", "https://meet.example.org/nurses", "Vaccination clinics and family outreach.", false},
	{"school-nurses", 0, 12, 3, "15:30", "16:30", 2, "Monthly call: student mental health referrals",
	 "virtual", "", "", "https://meet.example.org/nurses", "", false},
	{"superintendents-cohort", 0, 12, 15, "08:30", "12:00", 1,
	 "Building a professional learning community", "in_person",
	 CAS, CAS_ADDRESS, "",
	 "Building professional learning community of support with elements of foundational "
	 "knowledge.", true},
	{"superintendents-cohort", 1, 2, 7, "08:30", "12:00", 2, "Communities of Practice Meeting #2",
	 "in_person", CAS, CAS_ADDRESS, "",
	 "For superintendents new to Mastery-Based Learning.", true},
	{"superintendents-cohort", 1, 4, 27, "08:30", "12:00", 3, "Communities of Practice Meeting #3",
	 "in_person", CAS, CAS_ADDRESS, "",
	 "For superintendents new to Mastery-Based Learning.", true},
	{"superintendents-cohort", 1, 6, 20, "08:30", "12:00", 4, "Communities of Practice Meeting #4",
	 "in_person", CAS, CAS_ADDRESS, "",
	 "For superintendents new to Mastery-Based Learning.", true},
};

/* Each topic cohort of the coalition gets the same shape of year. */
static const char *const cohorts[] = {"anti-bias-foundation", "roots-connected-coaching",
				      "learning-analytics", "you-belong-here"};

static const struct {
	const char *from;
	int minutes;
	const char *title, *kind, *room;
} deep_dive_agenda[] = {
	{"08:00", 30, "Welcome and breakfast", "welcome", ""},
	{"08:30", 45, "Framing: where our schools are now", "presentation", "Ballroom"},
	{"09:15", 60, "Problem of practice: school leaders", "problem_of_practice", "Leaders: Room A"},
	{"09:15", 60, "Problem of practice: team members", "problem_of_practice", "Team members: Room B"},
	{"10:15", 15, "Wellness break", "wellness_break", ""},
	{"10:30", 45, "Breakouts by school role", "breakout", "Rooms A and B"},
	{"11:15", 30, "Toward our final product", "discussion", "Ballroom"},
	{"11:45", 15, "Reflection and sign-out", "other", "Ballroom"},
};

static int64_t slug_id(Db *db, const char *slug)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT id FROM communities WHERE slug = :slug");
	db_bind_text(st, ":slug", slug);
	int64_t id = db_step(st) == SQLITE_ROW ? db_col_int(st, 0) : 0;
	sqlite3_reset(st);
	return id;
}

static int64_t add_meeting(Db *db, int first, const DemoMeeting *m, int64_t series, int64_t now)
{
	char date[40];
	snprintf(date, sizeof date, "%04d-%02d-%02d", first + m->year, m->month, m->day);
	int64_t starts, ends;
	if (!local_time(date, m->from, &starts) || !local_time(date, m->to, &ends))
		return 0;
	static int serial;
	char uid[64], code[8];
	snprintf(uid, sizeof uid, "demo-%d-%lld@practica", ++serial, (long long)now);
	snprintf(code, sizeof code, "D%05d", 10000 + serial * 7919 % 89999);
	sqlite3_stmt *st = db_prepare(
		db, "INSERT INTO meetings (community_id, series_id, number, title, starts_at, ends_at, "
		    "format, venue, address, video_url, mandatory, purpose, signin_code, uid, "
		    "created_at, updated_at) VALUES (:c, :series, :number, :title, :starts, :ends, "
		    ":format, :venue, :address, :video, :mandatory, :purpose, :code, :uid, :now, :now)");
	int64_t community = m->community ? slug_id(db, m->community) : 0;
	if (community)
		db_bind_int(st, ":c", community);
	else
		db_bind_text(st, ":c", NULL);
	if (series)
		db_bind_int(st, ":series", series);
	else
		db_bind_text(st, ":series", NULL);
	if (m->number)
		db_bind_int(st, ":number", m->number);
	else
		db_bind_text(st, ":number", NULL);
	db_bind_text(st, ":title", m->title);
	db_bind_int(st, ":starts", starts);
	db_bind_int(st, ":ends", ends);
	db_bind_text(st, ":format", m->format);
	db_bind_text(st, ":venue", m->venue);
	db_bind_text(st, ":address", m->address);
	db_bind_text(st, ":video", m->video);
	db_bind_int(st, ":mandatory", m->mandatory);
	db_bind_text(st, ":purpose", m->purpose);
	db_bind_text(st, ":code", code);
	db_bind_text(st, ":uid", uid);
	db_bind_int(st, ":now", now);
	return db_run(st) ? db_last_id(db) : 0;
}

static bool add_agenda(Db *db, int64_t meeting, int first, int year, int month, int day)
{
	char date[40];
	snprintf(date, sizeof date, "%04d-%02d-%02d", first + year, month, day);
	for (size_t i = 0; i < sizeof deep_dive_agenda / sizeof *deep_dive_agenda; i++) {
		int64_t at;
		if (!local_time(date, deep_dive_agenda[i].from, &at))
			return false;
		sqlite3_stmt *st = db_prepare(
			db, "INSERT INTO agenda_items (meeting_id, position, starts_at, minutes, title, "
			    "kind, presenters, room) VALUES (:m, :pos, :at, :min, :title, :kind, "
			    ":presenters, :room)");
		db_bind_int(st, ":m", meeting);
		db_bind_int(st, ":pos", (int64_t)i + 1);
		db_bind_int(st, ":at", at);
		db_bind_int(st, ":min", deep_dive_agenda[i].minutes);
		db_bind_text(st, ":title", deep_dive_agenda[i].title);
		db_bind_text(st, ":kind", deep_dive_agenda[i].kind);
		db_bind_text(st, ":presenters", !strcmp(deep_dive_agenda[i].kind, "presentation") ||
						      !strcmp(deep_dive_agenda[i].kind, "problem_of_practice")
						  ? "The facilitators"
						  : "");
		db_bind_text(st, ":room", deep_dive_agenda[i].room);
		if (!db_run(st))
			return false;
	}
	return true;
}

static bool add_cohort_year(Db *db, int first, const char *slug, int64_t now)
{
	DemoMeeting kickoff = {slug, 0, 12, 9, "15:00", "16:00", 1, "Kick-off call", "virtual", "",
			       "", "https://meet.example.org/cop", "Meet your facilitator and cohort; "
			       "agree on the problem of practice for the year.", true};
	DemoMeeting deep_dive = {slug, 1, 1, 30, "08:00", "12:00", 2,
				 "In-person deep-dive session", "in_person", EATON, EATON_ADDRESS, "",
				 "A morning working session with the facilitator. **Attendance is "
				 "mandatory.**", true};
	int64_t k = add_meeting(db, first, &kickoff, 0, now);
	int64_t d = add_meeting(db, first, &deep_dive, 0, now);
	if (!k || !d || !add_agenda(db, d, first, 1, 1, 30))
		return false;
	sqlite3_stmt *st = db_prepare(db, "INSERT INTO meeting_series (community_id, title, rule, "
					  "created_at) VALUES (:c, 'Monthly Zoom call', "
					  "'2nd Tuesday monthly, 3:00-4:00 pm, February to May', :now)");
	db_bind_int(st, ":c", slug_id(db, slug));
	db_bind_int(st, ":now", now);
	if (!db_run(st))
		return false;
	int64_t series = db_last_id(db);
	for (int month = 2; month <= 5; month++) {
		/* The 2nd Tuesday: the first Tuesday on or after the 8th. */
		struct tm tm = {.tm_year = first + 1 - 1900, .tm_mon = month - 1, .tm_mday = 8,
				.tm_hour = 12};
		time_t t = timegm(&tm);
		gmtime_r(&t, &tm);
		int day = 8 + (2 - tm.tm_wday + 7) % 7;
		DemoMeeting call = {slug, 1, month, day, "15:00", "16:00", month + 1,
				    "Monthly Zoom call", "virtual", "", "",
				    "https://meet.example.org/cop", "", false};
		if (!add_meeting(db, first, &call, series, now))
			return false;
	}
	return true;
}

static const char notes_md[] =
	"# Fall working session: notes\n\n"
	"- Walkthrough protocol we tried, with the look-fors we agreed on\n"
	"- Problem of practice: scheduling intervention blocks without losing electives\n"
	"- Next: each school brings one schedule to the winter session\n";

/* A one-page PDF, small enough to write by hand. */
static const char agenda_pdf[] =
	"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
	"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
	"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R"
	"/Resources<</Font<</F1 5 0 R>>>>>>endobj\n"
	"4 0 obj<</Length 58>>stream\nBT /F1 18 Tf 72 720 Td (Fall working session agenda) Tj ET\n"
	"endstream endobj\n5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\n"
	"trailer<</Root 1 0 R>>\n%%EOF\n";

static bool add_material(Db *db, int64_t meeting, const char *title, const char *filename,
			 const char *data, size_t size, int64_t by, int64_t now)
{
	Upload u = {.field = "file", .filename = filename, .content_type = "", .tmp = tmpfile(),
		    .size = (int64_t)size};
	if (!u.tmp)
		return false;
	const char *why;
	bool ok = fwrite(data, 1, size, u.tmp) == size;
	const char *type = ok ? file_upload_type(&u, &why) : NULL;
	int64_t file = type ? file_store(db, &u, by, &why) : 0;
	Arena *a = arena_new();
	const char *text = file ? search_extract_text(a, u.tmp, type) : "";
	fclose(u.tmp);
	if (!file) {
		arena_free(a);
		return false;
	}
	sqlite3_stmt *st = db_prepare(db, "INSERT INTO meeting_materials (meeting_id, file_id, title, "
					  "text, added_by, created_at) VALUES (:m, :f, :title, "
					  ":text, :by, :now)");
	db_bind_int(st, ":m", meeting);
	db_bind_int(st, ":f", file);
	db_bind_text(st, ":title", title);
	db_bind_text(st, ":text", text ? text : "");
	db_bind_int(st, ":by", by);
	db_bind_int(st, ":now", now);
	ok = db_run(st);
	arena_free(a);
	return ok;
}

/* Past meetings: the participants came, upcoming ones have RSVPs, and the facilitator
 * posted highlights and materials. */
static bool add_history(Db *db, int64_t now)
{
	sqlite3_stmt *st = db_prepare(
		db, "INSERT INTO attendance (meeting_id, user_id, method, marked_at) "
		    "SELECT m.id, s.user_id, 'checklist', m.ends_at FROM meetings m "
		    "JOIN memberships s ON s.community_id = m.community_id AND s.status = 'participant' "
		    "WHERE m.ends_at < :now");
	db_bind_int(st, ":now", now);
	if (!db_run(st))
		return false;
	/* The kick-off for all groups: the cohorts' participants came. */
	st = db_prepare(db, "INSERT OR IGNORE INTO attendance (meeting_id, user_id, method, marked_at) "
			    "SELECT m.id, s.user_id, 'code', m.starts_at + 600 FROM meetings m, "
			    "memberships s JOIN communities c ON c.id = s.community_id "
			    "WHERE m.community_id IS NULL AND m.ends_at < :now AND c.kind = 'cohort' "
			    "AND s.status = 'participant'");
	db_bind_int(st, ":now", now);
	if (!db_run(st))
		return false;
	st = db_prepare(db, "INSERT OR IGNORE INTO rsvps (meeting_id, user_id, answer, answered_at) "
			    "SELECT m.id, s.user_id, 'going', :now FROM meetings m JOIN memberships s "
			    "ON s.community_id = m.community_id AND s.status = 'participant' "
			    "WHERE m.starts_at > :now AND m.number <= 2");
	db_bind_int(st, ":now", now);
	if (!db_run(st))
		return false;
	st = db_prepare(db, "UPDATE meetings SET highlights = :h WHERE ends_at < :now AND "
			    "community_id IS NOT NULL");
	db_bind_text(st, ":h",
		     "Thank you all for a rich session. **Highlights:** we compared our approaches, "
		     "named one change each school will try before we meet again, and agreed to "
		     "share our templates in the library.");
	db_bind_int(st, ":now", now);
	if (!db_run(st))
		return false;
	st = db_prepare(db, "SELECT m.id, f.user_id FROM meetings m JOIN communities c ON c.id = "
			    "m.community_id JOIN facilitators f ON f.community_id = c.id "
			    "WHERE c.slug = 'principals' AND m.number = 1");
	int64_t meeting = 0, by = 0;
	if (db_step(st) == SQLITE_ROW)
		meeting = db_col_int(st, 0), by = db_col_int(st, 1);
	sqlite3_reset(st);
	return meeting && add_material(db, meeting, "Agenda", "fall-session-agenda.pdf", agenda_pdf,
				       sizeof agenda_pdf - 1, by, now) &&
	       add_material(db, meeting, "Session notes", "fall-session-notes.md", notes_md,
			    sizeof notes_md - 1, by, now);
}

bool demo_add_meetings(Db *db, int first, int64_t now)
{
	for (size_t i = 0; i < sizeof demo_meetings / sizeof *demo_meetings; i++)
		if (!add_meeting(db, first, &demo_meetings[i], 0, now))
			return false;
	for (size_t i = 0; i < sizeof cohorts / sizeof *cohorts; i++)
		if (!add_cohort_year(db, first, cohorts[i], now))
			return false;
	return add_history(db, now);
}
