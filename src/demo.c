/* `practica demo`: a database filled from the seeds (../shared/seeds): their real schools and
 * partner organizations, their facilitators, the seven job-alike Communities of Practice of a
 * state charter association, the four topic CoPs of a national coalition, a superintendents'
 * cohort, a program year with the coalition's key dates, an open facilitator call with
 * proposals, and participants, some communities full with a waitlist. Dates are placed
 * around the day the demo is made, so the site always looks like a year in progress.
 * Every demo account has the password DEMO_PASSWORD. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "auth.h"
#include "cli.h"
#include "config.h"
#include "demo.h"
#include "db.h"
#include "search.h"
#include "users.h"

#define DEMO_PASSWORD "practica-demo"
#define DEMO_ADMIN "admin@example.org"

static const struct {
	const char *name, *kind, *city;
} demo_schools[] = {
	{"E.L. Haynes Public Charter School", "school", "Washington, DC"},
	{"Montessori For All", "network", "Austin, TX"},
	{"Crossroads", "partner", ""},
	{"Roots ConnectED", "partner", ""},
	{"EdInquiry", "partner", ""},
	{"Great Schools Partnership", "partner", "Portland, ME"},
	{"Connecticut Association of Schools", "partner", "Cheshire, CT"},
};

/* The facilitators named in the seeds, and staff in the job-alike roles the seeds list. */
static const struct {
	const char *name, *email, *title, *school;
	bool pending;
} demo_people[] = {
	{"Kelly Wickham Hurst", "kelly.hurst@example.org", "CoP facilitator", "Crossroads"},
	{"Sahba Rohani", "sahba.rohani@example.org", "CoP facilitator", "Roots ConnectED"},
	{"Tyrone Mowatt", "tyrone.mowatt@example.org", "CoP facilitator", "EdInquiry"},
	{"Sara Cotner", "sara.cotner@example.org", "CoP facilitator", "Montessori For All"},
	{"Nicole Evans", "nicole.evans@example.org", "CoP facilitator", "Montessori For All"},
	{"David Ruff", "david.ruff@example.org", "CoP facilitator", "Great Schools Partnership"},
	{"Steve Sell", "steve.sell@example.org", "CoP facilitator", "Great Schools Partnership"},
	{"Maria Alvarez", "maria.alvarez@example.org", "Principal", "E.L. Haynes Public Charter School"},
	{"James Okafor", "james.okafor@example.org", "CFO/COO", "E.L. Haynes Public Charter School"},
	{"Priya Raman", "priya.raman@example.org", "Special Education Director",
	 "E.L. Haynes Public Charter School"},
	{"Tomás Herrera", "tomas.herrera@example.org", "Executive Director",
	 "E.L. Haynes Public Charter School"},
	{"Aisha Bello", "aisha.bello@example.org", "College Placement Director",
	 "E.L. Haynes Public Charter School"},
	{"Ruth Feldman", "ruth.feldman@example.org", "Dean of Students",
	 "E.L. Haynes Public Charter School"},
	{"Kwame Asante", "kwame.asante@example.org", "ELL Director", "E.L. Haynes Public Charter School"},
	{"Grace Liu", "grace.liu@example.org", "School Nurse", "Montessori For All"},
	{"Daniel Brooks", "daniel.brooks@example.org", "ELL Coordinator", "Montessori For All"},
	{"Hannah Schultz", "hannah.schultz@example.org", "Principal", "Montessori For All"},
	{"Marcus Reed", "marcus.reed@example.org", "Chief Operating Officer", "Montessori For All"},
	{"Lena Petrova", "lena.petrova@example.org", "Special Education Coordinator",
	 "Montessori For All"},
	{"Samuel Owusu", "samuel.owusu@example.org", "Mental Health Practitioner",
	 "Montessori For All"},
	{"Janet Moore", "janet.moore@example.org", "Superintendent",
	 "Connecticut Association of Schools"},
	{"Robert Chen", "robert.chen@example.org", "Assistant Superintendent",
	 "Connecticut Association of Schools"},
	{"Jordan Reyes", "jordan.reyes@example.org", "Dean of Students",
	 "E.L. Haynes Public Charter School", true},
};

/* Milestones of a program year, as month and day; "year" 0 is the autumn, 1 the spring. */
static const struct {
	int year, month, day;
	const char *title, *time_note, *place, *note;
} demo_milestones[] = {
	{0, 9, 12, "CoP Facilitator RFP opens", "", "", ""},
	{0, 10, 3, "CoP Facilitator proposals due", "", "", ""},
	{0, 10, 10, "CoP offerings finalized", "", "", ""},
	{0, 10, 17, "CoP participant sign-up opens", "", "", ""},
	{0, 11, 14, "CoP participant sign-up: soft deadline", "", "",
	 "Sign-ups remain open until program kick-off, or until all spaces are filled."},
	{0, 12, 9, "Kick-off Zoom calls led by facilitators", "", "Online",
	 "Dates for each CoP may vary throughout early December."},
	{1, 1, 30, "In-person deep-dive session with facilitators", "8am - 12pm",
	 "Eaton Hotel, Washington, DC", ""},
	{1, 2, 16, "Monthly Zoom call", "", "Online", "Dates and timing vary for each group."},
	{1, 3, 16, "Monthly Zoom call", "", "Online", "Dates and timing vary for each group."},
	{1, 4, 13, "Monthly Zoom call", "", "Online", "Dates and timing vary for each group."},
	{1, 5, 8, "Deadline for facilitator proposals for next year", "", "",
	 "Interested in facilitating a Community of Practice next year? See the call."},
	{1, 5, 18, "Monthly Zoom call", "", "Online", "Dates and timing vary for each group."},
	{1, 6, 9, "Participant sign-ups for next year open", "", "", ""},
};

#define COMMITMENT                                                                            \
	"Join all meetings of the CoP (monthly virtual sessions and the in-person deep-dive) " \
	"and contribute to the final product."

static const struct {
	const char *slug, *name, *audience, *kind, *status, *description;
	int seats; /* 0: no limit */
	const char *facilitators[2]; /* member emails */
	const char *members[9];      /* sign-ups in order; beyond the seats they wait */
} demo_communities[] = {
	{"executive-directors", "Executive Director Community of Practice", "Executive Directors",
	 "ongoing", "open",
	 "A job-alike group for charter school executive directors: governance, finance, "
	 "growth and state policy.\n\nMost communities convene **in person three times a year** "
	 "for all-day working sessions, and connect between meetings here.",
	 0, {"tomas.herrera@example.org"}, {"hannah.schultz@example.org"}},
	{"principals", "Principal Community of Practice", "Principals", "ongoing", "open",
	 "Principals seek and provide support on instructional and operational topics, test new "
	 "approaches, and share best practices in management and teaching and learning.",
	 0, {"maria.alvarez@example.org"}, {"hannah.schultz@example.org", "ruth.feldman@example.org"}},
	{"cfo-coo", "CFO/COO Community of Practice", "CFOs and COOs", "ongoing", "open",
	 "Finance and operations leaders compare budgets, audits, facilities and HR practice.",
	 0, {"james.okafor@example.org"}, {"marcus.reed@example.org"}},
	{"ell-directors", "ELL Director/Coordinator Community of Practice",
	 "ELL Directors and Coordinators", "ongoing", "open",
	 "Serving English learners well: identification, instruction, family engagement and "
	 "state accountability.",
	 0, {"kwame.asante@example.org"}, {"daniel.brooks@example.org"}},
	{"special-education", "Special Education Director/Coordinator Community of Practice",
	 "Special Education Directors and Coordinators", "ongoing", "open",
	 "IEP practice, staffing, compliance and inclusive instruction, from colleagues who do "
	 "the same job.",
	 0, {"priya.raman@example.org"}, {"lena.petrova@example.org"}},
	{"college-placement", "College Placement Director Community of Practice",
	 "College Placement Directors", "ongoing", "open",
	 "Supporting students to and through college: counseling, applications, financial aid.",
	 0, {"aisha.bello@example.org"}, {0}},
	{"school-nurses", "School Nurse/Mental Health Practitioner Community of Practice",
	 "School Nurses and Mental Health Practitioners", "ongoing", "open",
	 "Student health and wellness across member schools.",
	 0, {"grace.liu@example.org"}, {"samuel.owusu@example.org"}},
	{"anti-bias-foundation",
	 "Building the Foundation for a School Culture of Anti-Bias, Antiracist Education",
	 "School leaders and teams", "cohort", "open",
	 "Stretch our thinking and implementation beyond comfort zones rooted in the status quo. "
	 "Promote diversity, equity, and inclusion by improving school leadership practices.",
	 9, {"kelly.hurst@example.org"},
	 {"maria.alvarez@example.org", "ruth.feldman@example.org", "hannah.schultz@example.org",
	  "samuel.owusu@example.org"}},
	{"roots-connected-coaching",
	 "Roots ConnectED Anti-Bias and Social Justice Institute Follow-Up Coaching",
	 "Institute alumni", "cohort", "open",
	 "Follow-up coaching for teams who attended the Anti-Bias and Social Justice Institute.",
	 9, {"sahba.rohani@example.org"}, {"kwame.asante@example.org", "daniel.brooks@example.org"}},
	{"learning-analytics",
	 "Using advanced learning analytics and instructional coaching to close achievement gaps",
	 "Instructional leaders", "cohort", "open",
	 "Use data and coaching cycles to close achievement gaps. **Small group: 3 seats.**", 3,
	 {"tyrone.mowatt@example.org"},
	 {"priya.raman@example.org", "aisha.bello@example.org", "lena.petrova@example.org",
	  "james.okafor@example.org", "marcus.reed@example.org"}},
	{"you-belong-here", "You Belong Here: Building a Welcoming & Inclusive Environment for All",
	 "School leaders and teams", "cohort", "open",
	 "Share experiences and build relationships with leaders from other member schools while "
	 "building a welcoming and inclusive environment.",
	 9, {"sara.cotner@example.org", "nicole.evans@example.org"},
	 {"grace.liu@example.org", "tomas.herrera@example.org"}},
	{"superintendents-cohort", "Superintendents' Community of Practice - New Cohort",
	 "Superintendents new to Mastery-Based Learning", "cohort", "active",
	 "Leadership for Learning: building a professional learning community of support with "
	 "elements of foundational knowledge.\n\nEach meeting features a **Problem of Practice** "
	 "session just for superintendents beginning at 9:00, while other team members work on "
	 "a problem of practice in a different room; teams come together afterwards.",
	 0, {"david.ruff@example.org", "steve.sell@example.org"},
	 {"janet.moore@example.org", "robert.chen@example.org"}},
};

static const char demo_usage[] =
	"usage: practica demo --db FILE [--timezone ZONE]\n"
	"Creates FILE (which must not exist) filled with example schools, people, communities,\n"
	"a program year and a facilitator call. Every demo account's password is " DEMO_PASSWORD
	";\nthe administrator is " DEMO_ADMIN ".\n";

static int64_t id_of(Db *db, const char *sql, const char *key)
{
	sqlite3_stmt *st = db_prepare(db, sql);
	db_bind_text(st, ":key", key);
	int64_t id = db_step(st) == SQLITE_ROW ? db_col_int(st, 0) : 0;
	sqlite3_reset(st);
	return id;
}

static int64_t user_id(Db *db, const char *email)
{
	return id_of(db, "SELECT id FROM users WHERE email = :key", email);
}

static bool add_people(Db *db, int64_t now)
{
	for (size_t i = 0; i < sizeof demo_schools / sizeof *demo_schools; i++) {
		sqlite3_stmt *st = db_prepare(db, "INSERT INTO schools (name, kind, city, status, "
						  "created_at) VALUES (:name, :kind, :city, 'active', "
						  ":now)");
		db_bind_text(st, ":name", demo_schools[i].name);
		db_bind_text(st, ":kind", demo_schools[i].kind);
		db_bind_text(st, ":city", demo_schools[i].city);
		db_bind_int(st, ":now", now);
		if (!db_run(st))
			return false;
	}
	NewUser admin = {.email = DEMO_ADMIN, .name = "Janet Garagliano",
			 .job_title = "Leadership development", .password = DEMO_PASSWORD,
			 .admin = true, .approved = true};
	if (user_create(db, &admin, NULL) != USER_OK)
		return false;
	for (size_t i = 0; i < sizeof demo_people / sizeof *demo_people; i++) {
		NewUser nu = {.email = demo_people[i].email, .name = demo_people[i].name,
			      .job_title = demo_people[i].title, .password = DEMO_PASSWORD,
			      .school_id = id_of(db, "SELECT id FROM schools WHERE name = :key",
						 demo_people[i].school),
			      .approved = !demo_people[i].pending};
		if (user_create(db, &nu, NULL) != USER_OK)
			return false;
	}
	return true;
}

static int64_t add_year(Db *db, int first, int64_t now, bool with_milestones)
{
	char name[32], starts[24], ends[24];
	snprintf(name, sizeof name, "%d-%d", first, first + 1);
	snprintf(starts, sizeof starts, "%d-08-01", first);
	snprintf(ends, sizeof ends, "%d-07-31", first + 1);
	sqlite3_stmt *st = db_prepare(db, "INSERT INTO program_years (name, starts_on, ends_on, "
					  "created_at) VALUES (:name, :starts, :ends, :now)");
	db_bind_text(st, ":name", name);
	db_bind_text(st, ":starts", starts);
	db_bind_text(st, ":ends", ends);
	db_bind_int(st, ":now", now);
	if (!db_run(st))
		return 0;
	int64_t year = db_last_id(db);
	for (size_t i = 0; with_milestones && i < sizeof demo_milestones / sizeof *demo_milestones;
	     i++) {
		char date[40];
		snprintf(date, sizeof date, "%04d-%02d-%02d", first + demo_milestones[i].year,
			 demo_milestones[i].month, demo_milestones[i].day);
		st = db_prepare(db, "INSERT INTO milestones (year_id, title, on_date, time_note, place, "
				    "note) VALUES (:y, :title, :date, :time, :place, :note)");
		db_bind_int(st, ":y", year);
		db_bind_text(st, ":title", demo_milestones[i].title);
		db_bind_text(st, ":date", date);
		db_bind_text(st, ":time", demo_milestones[i].time_note);
		db_bind_text(st, ":place", demo_milestones[i].place);
		db_bind_text(st, ":note", demo_milestones[i].note);
		if (!db_run(st))
			return 0;
	}
	return year;
}

static bool add_communities(Db *db, int64_t year, int first, int64_t now)
{
	char opens[24], soft[24], closes[24];
	snprintf(opens, sizeof opens, "%d-10-17", first);
	snprintf(soft, sizeof soft, "%d-11-14", first);
	snprintf(closes, sizeof closes, "%d-12-09", first);
	for (size_t i = 0; i < sizeof demo_communities / sizeof *demo_communities; i++) {
		bool cohort = !strcmp(demo_communities[i].kind, "cohort");
		sqlite3_stmt *st = db_prepare(
			db, "INSERT INTO communities (slug, name, audience, kind, description, status, "
			    "year_id, seat_limit, signup_opens, soft_deadline, signup_closes, "
			    "commitment, created_at) VALUES (:slug, :name, :audience, :kind, :desc, "
			    ":status, :year, :seats, :opens, :soft, :closes, :commitment, :now)");
		db_bind_text(st, ":slug", demo_communities[i].slug);
		db_bind_text(st, ":name", demo_communities[i].name);
		db_bind_text(st, ":audience", demo_communities[i].audience);
		db_bind_text(st, ":kind", demo_communities[i].kind);
		db_bind_text(st, ":desc", demo_communities[i].description);
		db_bind_text(st, ":status", demo_communities[i].status);
		if (cohort)
			db_bind_int(st, ":year", year);
		else
			db_bind_text(st, ":year", NULL);
		if (demo_communities[i].seats)
			db_bind_int(st, ":seats", demo_communities[i].seats);
		else
			db_bind_text(st, ":seats", NULL);
		db_bind_text(st, ":opens", cohort ? opens : NULL);
		db_bind_text(st, ":soft", cohort ? soft : NULL);
		db_bind_text(st, ":closes", cohort ? closes : NULL);
		db_bind_text(st, ":commitment", cohort ? COMMITMENT : "");
		db_bind_int(st, ":now", now);
		if (!db_run(st))
			return false;
		int64_t community = db_last_id(db);
		for (int f = 0; f < 2 && demo_communities[i].facilitators[f]; f++) {
			st = db_prepare(db, "INSERT INTO facilitators (community_id, user_id, role) "
					    "VALUES (:c, :u, :role)");
			db_bind_int(st, ":c", community);
			db_bind_int(st, ":u", user_id(db, demo_communities[i].facilitators[f]));
			db_bind_text(st, ":role", f ? "co-facilitator" : "facilitator");
			if (!db_run(st))
				return false;
		}
		for (int m = 0; m < 9 && demo_communities[i].members[m]; m++) {
			bool seated = !demo_communities[i].seats || m < demo_communities[i].seats;
			st = db_prepare(db, "INSERT INTO memberships (community_id, user_id, status, "
					    "signed_up_at) VALUES (:c, :u, :status, :at)");
			db_bind_int(st, ":c", community);
			db_bind_int(st, ":u", user_id(db, demo_communities[i].members[m]));
			db_bind_text(st, ":status", seated ? "participant" : "waitlisted");
			db_bind_int(st, ":at", now - 86400 * (30 - m));
			if (!db_run(st))
				return false;
		}
	}
	return true;
}

static bool add_call(Db *db, int64_t next_year, int first, int64_t now)
{
	char due[24];
	snprintf(due, sizeof due, "%d-05-08", first + 1);
	sqlite3_stmt *st = db_prepare(
		db, "INSERT INTO calls (year_id, title, description, expectations, stipend, due_on, "
		    "created_at) VALUES (:y, :title, :desc, :exp, '$7,000', :due, :now)");
	db_bind_int(st, ":y", next_year);
	db_bind_text(st, ":title", "Call for Community of Practice facilitators");
	db_bind_text(st, ":desc",
		     "Interested in facilitating a Community of Practice next school year? Propose a "
		     "topic CoP that helps member schools bring equity and inclusion to diverse "
		     "student populations.");
	db_bind_text(st, ":exp",
		     "- Attend the virtual facilitator orientation and training in July\n"
		     "- Lead monthly virtual sessions with participants in the fall\n"
		     "- Lead in-person sessions in January\n"
		     "- Lead monthly virtual sessions in the spring toward a final product "
		     "(e.g., a toolkit, lessons learned, best practices)");
	db_bind_text(st, ":due", due);
	db_bind_int(st, ":now", now);
	if (!db_run(st))
		return false;
	int64_t call = db_last_id(db);
	static const struct {
		const char *email, *title, *summary, *product;
	} proposals[] = {
		{"hannah.schultz@example.org", "Restorative practices for school leaders",
		 "Leaders learn restorative circles and redesign discipline policy together.",
		 "A toolkit of policies and circle plans"},
		{"kwame.asante@example.org", "Newcomer English learners in the first 90 days",
		 "Designing intake, scheduling and family partnership for newcomer students.",
		 "A newcomer playbook"},
	};
	for (size_t i = 0; i < sizeof proposals / sizeof *proposals; i++) {
		st = db_prepare(db, "INSERT INTO proposals (call_id, user_id, title, summary, "
				    "audience, objectives, format, final_product, created_at, "
				    "updated_at) VALUES (:call, :u, :title, :summary, 'School leaders', "
				    "'Share practice; build a shared tool', 'Monthly virtual sessions "
				    "and one in-person day', :product, :now, :now)");
		db_bind_int(st, ":call", call);
		db_bind_int(st, ":u", user_id(db, proposals[i].email));
		db_bind_text(st, ":title", proposals[i].title);
		db_bind_text(st, ":summary", proposals[i].summary);
		db_bind_text(st, ":product", proposals[i].product);
		db_bind_int(st, ":now", now);
		if (!db_run(st))
			return false;
	}
	return true;
}

static bool fill(Db *db)
{
	int64_t now = time(NULL);
	struct tm tm;
	time_t t = (time_t)now;
	gmtime_r(&t, &tm);
	/* The program year runs August to July: before August we are in last year's. */
	int first = tm.tm_year + 1900 - (tm.tm_mon < 7 ? 1 : 0);
	if (!add_people(db, now))
		return false;
	int64_t year = add_year(db, first, now, true);
	int64_t next_year = year ? add_year(db, first + 1, now, false) : 0;
	return next_year && add_communities(db, year, first, now) &&
	       add_call(db, next_year, first, now) && demo_add_meetings(db, first, now) &&
	       demo_add_discussions(db, now) && demo_add_library(db, now);
}

int cmd_demo(int argc, char **argv)
{
	if (wants_help(argc, argv))
		return fputs(demo_usage, stdout), 0;
	const char *db_path = NULL, *zone = NULL;
	Flag flags[] = {{"db", true, &db_path}, {"timezone", true, &zone}, {0}};
	const char *pos[1];
	if (parse_flags("demo", demo_usage, argc, argv, flags, pos, 0) < 0)
		return 2;
	const char *why;
	if (zone && !config_set("timezone", zone, &why)) {
		fprintf(stderr, "practica demo: --timezone: %s\n", why);
		return 2;
	}
	if (!config_apply_timezone()) /* meeting times are the association's local times */
		return 2;
	if (!db_path) {
		fputs("practica demo: --db FILE is required\n", stderr);
		fputs(demo_usage, stderr);
		return 2;
	}
	if (access(db_path, F_OK) == 0) {
		fprintf(stderr, "practica demo: %s already exists; refusing to overwrite it\n",
			db_path);
		return 1;
	}
	config.db_path = db_path;
	Db *db = cli_open_db(true);
	if (!db)
		return 1;
	bool ok = db_begin(db) && fill(db) && db_commit(db);
	if (!ok) {
		db_rollback(db);
		fputs("practica demo: could not fill the demo database\n", stderr);
	}
	if (ok && search_reindex(db) < 0) { /* last: it indexes what everything above made */
		ok = false;
		fputs("practica demo: could not build the search index\n", stderr);
	}
	db_close(db);
	if (!ok) {
		unlink(db_path);
		return 1;
	}
	printf("Created the demo database %s.\n"
	       "Sign in as the demo administrator: %s / %s\n"
	       "(every demo member, e.g. maria.alvarez@example.org, has the same password)\n",
	       db_path, DEMO_ADMIN, DEMO_PASSWORD);
	return 0;
}
