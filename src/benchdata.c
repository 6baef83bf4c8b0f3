/* `practica bench-data`: a large, realistic database for the benchmark (bench/, make bench)
 * and the query-plan test: member schools, members, communities with rosters and
 * facilitators, program years, meetings with agendas, RSVPs, attendance and materials, then
 * discussions and the document library (benchdata_content.c) when their tables exist.
 * Everything is drawn from a fixed-seed generator, so two runs at the same scale give the
 * same database. Rows go in through reused prepared statements, a transaction per batch,
 * with synchronous=OFF only while generating; the durable settings are restored at the end,
 * the search index is rebuilt and the statistics gathered (ANALYZE). */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "auth.h"
#include "benchdata.h"
#include "cli.h"
#include "config.h"
#include "db.h"
#include "files.h"

/* ---- the generator ---- */

uint64_t bench_next(BenchRng *g)
{
	/* splitmix64: fast, good enough for picking names and lengths, and reproducible */
	uint64_t z = (g->state += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

int64_t bench_between(BenchRng *g, int64_t lo, int64_t hi)
{
	return lo + (int64_t)(bench_next(g) % (uint64_t)(hi - lo + 1));
}

bool bench_chance(BenchRng *g, int percent)
{
	return (int)(bench_next(g) % 100) < percent;
}

/* ---- bulk writing ---- */

void bench_batch_tick(BenchGen *b)
{
	if (++b->in_batch >= BENCH_BATCH) {
		db_commit(b->db);
		db_release(b->db); /* forgets the statements used so far: begin stays cheap */
		db_begin(b->db);
		b->in_batch = 0;
	}
}

static void exec(Db *db, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(db_handle(db), sql, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "practica bench-data: %s: %s\n", sql, err ? err : "");
		sqlite3_free(err);
	}
}

bool bench_table_exists(Db *db, const char *table)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
					  "name = :t");
	db_bind_text(st, ":t", table);
	bool yes = db_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return yes;
}

void bench_progress(BenchGen *b, const char *what, int64_t count)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	double t = (double)ts.tv_sec + ts.tv_nsec / 1e9 - b->started;
	fprintf(stderr, "practica bench-data: %7.1fs  %-28s %lld\n", t, what, (long long)count);
}

/* ---- word lists ---- */

static const char *const first_names[] = {
	"Maria", "James", "Aisha", "Daniel", "Grace", "Kwame", "Hannah", "Marcus", "Lena", "Samuel",
	"Janet", "Robert", "Priya", "Tomas", "Ruth", "Jordan", "Kelly", "Sahba", "Tyrone", "Sara",
	"Nicole", "David", "Steve", "Amara", "Luis", "Mei", "Olivia", "Ethan", "Fatima", "Noah",
	"Sofia", "Liam", "Chloe", "Mateo", "Zainab", "Isaac", "Elena", "Omar", "Rachel", "Caleb",
	"Nadia", "Victor", "Yuki", "Andre", "Camila", "Hiro", "Imani", "Jonah", "Keisha", "Pedro",
	"Rosa", "Tariq", "Ursula", "Wei", "Xavier", "Yara", "Zoe", "Brandon", "Deborah", "Felix",
};
static const char *const last_names[] = {
	"Alvarez", "Okafor", "Raman", "Herrera", "Bello", "Feldman", "Asante", "Liu", "Brooks",
	"Schultz", "Reed", "Petrova", "Owusu", "Moore", "Chen", "Reyes", "Hurst", "Rohani",
	"Mowatt", "Cotner", "Evans", "Ruff", "Sell", "Nguyen", "Patel", "Kim", "Johnson", "Garcia",
	"Williams", "Brown", "Davis", "Martinez", "Lopez", "Wilson", "Anderson", "Thomas", "Taylor",
	"Jackson", "White", "Harris", "Clark", "Lewis", "Robinson", "Walker", "Young", "Allen",
	"King", "Wright", "Scott", "Torres", "Hill", "Green", "Adams", "Baker", "Nelson", "Carter",
	"Mitchell", "Perez", "Roberts", "Turner",
};
/* Job-alike roles: each ongoing community serves one. */
static const char *const roles[] = {
	"Principal", "Executive Director", "CFO/COO", "ELL Director", "Special Education Director",
	"College Placement Director", "School Nurse", "Dean of Students", "Assistant Principal",
	"Instructional Coach", "Superintendent", "Counselor", "Data Manager", "Operations Manager",
};
static const char *const role_plurals[] = {
	"Principals", "Executive Directors", "CFOs and COOs", "ELL Directors and Coordinators",
	"Special Education Directors", "College Placement Directors",
	"School Nurses and Mental Health Practitioners", "Deans of Students",
	"Assistant Principals", "Instructional Coaches", "Superintendents", "Counselors",
	"Data Managers", "Operations Managers",
};
#define NROLES (int)(sizeof roles / sizeof *roles)
static const char *const places[] = {
	"Lincoln", "Washington", "Riverside", "Cedar Grove", "Maple Hill", "Oakwood", "Harbor View",
	"Summit", "Fairview", "Brookside", "Eastside", "Westbrook", "Northgate", "Southfield",
	"Pine Ridge", "Lakeview", "Meadowbrook", "Highland", "Valley Forge", "Greenwood",
	"Stonebridge", "Willow Creek", "Bayview", "Franklin", "Jefferson", "Roosevelt", "Douglass",
	"Tubman", "King", "Chavez", "Mandela", "Carver", "Banneker", "Dunbar", "Parks", "Hughes",
	"Angelou", "Morrison", "Ellington", "Baldwin", "Kennedy", "Madison", "Monroe", "Hamilton",
	"Edison", "Curie", "Einstein", "Sagan", "Hopper", "Lovelace", "Columbia", "Capitol Hill",
	"Anacostia", "Brightwood", "Petworth", "Shaw", "Congress Heights", "Takoma", "Deanwood",
	"Hillcrest", "Glenwood", "Ridgeway", "Sunnyside", "Kingsbridge", "Mount Pleasant",
	"Woodlawn", "Cherry Hill", "Elmwood", "Foxhall", "Garfield", "Hyde Park", "Ivy City",
	"Juniper", "Kenwood", "Laurel", "Marshall", "Newport", "Orchard", "Prospect", "Queens Park",
};
static const char *const school_kinds[] = {
	"Elementary School", "Middle School", "High School", "Academy", "Public Charter School",
	"Montessori School", "Preparatory Academy", "Community School", "Collegiate Academy",
	"STEM Academy",
};
static const char *const cities[] = {
	"Washington, DC", "Austin, TX", "Portland, ME", "Cheshire, CT", "Denver, CO",
	"Oakland, CA", "Chicago, IL", "Boston, MA", "Atlanta, GA", "Detroit, MI", "Phoenix, AZ",
	"Memphis, TN", "Newark, NJ", "Baltimore, MD", "Minneapolis, MN", "New Orleans, LA",
	"Philadelphia, PA", "Cleveland, OH", "Seattle, WA", "Albuquerque, NM",
};
static const char *const topics[] = {
	"Anti-Bias, Antiracist Education", "Literacy Leadership", "Math Instruction",
	"Chronic Absenteeism", "Restorative Practices", "Teacher Retention",
	"Data-Driven Instruction", "Family Engagement", "School Finance", "Inclusive Classrooms",
	"Student Wellness", "College and Career Readiness", "New School Leaders",
	"Instructional Coaching", "Culturally Responsive Teaching", "Multilingual Learners",
};
#define NTOPICS (int)(sizeof topics / sizeof *topics)
static const char *const meeting_titles[] = {
	"Monthly Zoom call", "In-person deep-dive session", "Problem of practice consultancy",
	"Kick-off call", "Site visit and learning walk", "Working session on the final product",
	"Book study", "Guest expert conversation",
};
static const struct {
	const char *kind, *title;
} agenda_kinds[] = {
	{"welcome", "Welcome and check-in"},
	{"presentation", "Presentation: what the data tells us"},
	{"problem_of_practice", "Problem of practice: a member's dilemma"},
	{"breakout", "Breakout groups by school size"},
	{"discussion", "Discussion: what we will try before next month"},
	{"wellness_break", "Wellness break"},
	{"field_trip", "Learning walk through classrooms"},
	{"other", "Closing and next steps"},
};

const char *bench_pick(BenchRng *g, const char *const *list, size_t n)
{
	return list[bench_next(g) % n];
}
#define PICK(g, list) bench_pick(g, list, sizeof list / sizeof *list)

/* A sentence of plain school-leader talk, for agendas, purposes and the like. */
static void short_text(BenchGen *b, Buf *o)
{
	static const char *const lines[] = {
		"We will share what worked this month and what did not.",
		"Bring one example of student work and one question.",
		"Members compare their attendance interventions and the results so far.",
		"A short presentation, then small groups by school size.",
		"We will draft the shared rubric together and assign sections.",
		"Come ready to discuss the reading in advance.",
	};
	buf_puts(o, PICK(&b->rng, lines));
}

/* ---- schools and members ---- */

static void gen_schools(BenchGen *b)
{
	sqlite3_stmt *st = db_prepare(b->db, "INSERT INTO schools (id, name, kind, city, status, "
					     "created_at) VALUES (:id, :name, :kind, :city, :status, "
					     ":at)");
	int np = (int)(sizeof places / sizeof *places), nk = (int)(sizeof school_kinds /
								    sizeof *school_kinds);
	char name[160];
	for (int i = 0; i < b->n_schools; i++) {
		int place = i % np, round = i / np;
		int kind_index = (round + place) % nk;
		const char *kind = "school";
		if (i % 20 == 7)
			kind = "network";
		else if (i % 33 == 11)
			kind = "partner";
		if (round < nk)
			snprintf(name, sizeof name, "%s %s", places[place], school_kinds[kind_index]);
		else
			snprintf(name, sizeof name, "%s %s %d", places[place], school_kinds[kind_index],
				 round / nk + 1);
		db_bind_int(st, ":id", i + 1);
		db_bind_text(st, ":name", name);
		db_bind_text(st, ":kind", kind);
		db_bind_text(st, ":city", PICK(&b->rng, cities));
		/* School 1 is the bench member's and stays active. */
		db_bind_text(st, ":status", i > 0 && bench_chance(&b->rng, 3) ? "lapsed" : "active");
		db_bind_int(st, ":at", b->now - bench_between(&b->rng, 400, 1500) * 86400);
		db_run(st);
		bench_batch_tick(b);
	}
	bench_progress(b, "schools", b->n_schools);
}

static void gen_members(BenchGen *b)
{
	sqlite3_stmt *st = db_prepare(
		b->db, "INSERT INTO users (id, email, name, job_title, school_id, role, status, "
		       "password_hash, created_at, approved_at) VALUES (:id, :email, :name, :title, "
		       ":school, :role, :status, :hash, :created, :approved)");
	b->user_role = xmalloc((size_t)(b->n_members + 1) * sizeof *b->user_role);
	b->user_handle = xmalloc((size_t)(b->n_members + 1) * sizeof *b->user_handle);
	b->user_handle[0] = NULL;
	char email[160], name[120];
	for (int64_t id = 1; id <= b->n_members; id++) {
		const char *first, *last, *title, *role = "member", *status = "active";
		int64_t school;
		int role_index;
		if (id == BENCH_MEMBER_ID) {
			first = "Bench", last = "Member";
			snprintf(email, sizeof email, "%s", BENCH_MEMBER_EMAIL);
			role_index = 0, school = 1;
		} else if (id <= BENCH_ADMINS + 1) {
			first = PICK(&b->rng, first_names), last = PICK(&b->rng, last_names);
			snprintf(email, sizeof email, "staff%lld@association.example.org", (long long)id);
			role_index = -1, school = 0, role = "admin";
		} else {
			first = PICK(&b->rng, first_names), last = PICK(&b->rng, last_names);
			snprintf(email, sizeof email, "%s.%s.%lld@members.example.org", first, last,
				 (long long)id);
			for (char *p = email; *p; p++)
				if (*p >= 'A' && *p <= 'Z')
					*p = (char)(*p - 'A' + 'a');
			role_index = (int)bench_between(&b->rng, 0, NROLES - 1);
			school = bench_between(&b->rng, 1, b->n_schools);
			if (bench_chance(&b->rng, 1))
				status = "pending";
			else if (bench_chance(&b->rng, 1))
				status = "disabled";
		}
		title = role_index < 0 ? "Program Manager" : roles[role_index];
		b->user_role[id] = role_index;
		b->user_handle[id] = xstrdup(email);
		b->user_handle[id][strcspn(email, "@")] = '\0';
		snprintf(name, sizeof name, "%s %s", first, last);
		int64_t created = b->now - bench_between(&b->rng, 1, 1000) * 86400;
		db_bind_int(st, ":id", id);
		db_bind_text(st, ":email", email);
		db_bind_text(st, ":name", name);
		db_bind_text(st, ":title", title);
		if (school)
			db_bind_int(st, ":school", school);
		else
			db_bind_text(st, ":school", NULL);
		db_bind_text(st, ":role", role);
		db_bind_text(st, ":status", status);
		db_bind_text(st, ":hash", b->password_hash);
		db_bind_int(st, ":created", created);
		if (strcmp(status, "pending"))
			db_bind_int(st, ":approved", created + bench_between(&b->rng, 3600, 5 * 86400));
		else
			db_bind_text(st, ":approved", NULL);
		db_run(st);
		bench_batch_tick(b);
	}
	bench_progress(b, "members", b->n_members);
}

/* ---- program years, communities, rosters ---- */

static void gen_years(BenchGen *b)
{
	time_t t = (time_t)b->now;
	struct tm tm;
	localtime_r(&t, &tm);
	int current = tm.tm_year + 1900 - (tm.tm_mon < 7 ? 1 : 0); /* years start in August */
	sqlite3_stmt *st = db_prepare(b->db, "INSERT INTO program_years (id, name, starts_on, "
					     "ends_on, created_at) VALUES (:id, :name, :starts, :ends, "
					     ":at)");
	sqlite3_stmt *ms = db_prepare(b->db, "INSERT INTO milestones (year_id, title, on_date, "
					     "time_note, place, note) VALUES (:year, :title, :on, "
					     ":time, :place, '')");
	static const struct {
		int month, day;
		const char *title, *time, *place;
	} dates[] = {
		{9, 12, "CoP Facilitator RFP opens", "", ""},
		{10, 3, "CoP Facilitator proposals due", "", ""},
		{10, 17, "CoP participant sign-up opens", "", ""},
		{12, 9, "Kick-off Zoom calls led by facilitators", "", "Online"},
		{1, 30, "In-person deep-dive session with facilitators", "8am - 12pm",
		 "Eaton Hotel, Washington, DC"},
		{2, 16, "Monthly Zoom call", "", "Online"},
		{3, 16, "Monthly Zoom call", "", "Online"},
		{5, 8, "Deadline for facilitator proposals for next year", "", ""},
		{6, 9, "Participant sign-ups for next year open", "", ""},
	};
	char name[48], starts[40], ends[40], on[40];
	for (int y = 0; y < BENCH_YEARS; y++) {
		int first = current - (BENCH_YEARS - 1) + y;
		b->year_first[y] = first;
		snprintf(name, sizeof name, "%d-%d", first, first + 1);
		snprintf(starts, sizeof starts, "%d-08-01", first);
		snprintf(ends, sizeof ends, "%d-07-31", first + 1);
		db_bind_int(st, ":id", y + 1);
		db_bind_text(st, ":name", name);
		db_bind_text(st, ":starts", starts);
		db_bind_text(st, ":ends", ends);
		db_bind_int(st, ":at", b->now - (BENCH_YEARS - y) * 365 * 86400);
		db_run(st);
		for (size_t i = 0; i < sizeof dates / sizeof *dates; i++) {
			snprintf(on, sizeof on, "%d-%02d-%02d",
				 dates[i].month >= 8 ? first : first + 1, dates[i].month, dates[i].day);
			db_bind_int(ms, ":year", y + 1);
			db_bind_text(ms, ":title", dates[i].title);
			db_bind_text(ms, ":on", on);
			db_bind_text(ms, ":time", dates[i].time);
			db_bind_text(ms, ":place", dates[i].place);
			db_run(ms);
		}
	}
	bench_progress(b, "program years", BENCH_YEARS);
}

static void slugify(const char *name, char *out, size_t size)
{
	size_t n = 0;
	bool dash = false;
	for (const char *p = name; *p && n + 2 < size; p++) {
		char c = *p;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (dash && n)
				out[n++] = '-';
			out[n++] = c;
			dash = false;
		} else {
			dash = true;
		}
	}
	out[n] = '\0';
}

/* Adds user to the community's roster kept in memory (participants only). */
static void roster_add(BenchGen *b, int c, int64_t user)
{
	BenchCommunity *k = &b->communities[c];
	if (k->n_roster == k->cap_roster) {
		k->cap_roster = k->cap_roster ? 2 * k->cap_roster : 64;
		k->roster = xrealloc(k->roster, (size_t)k->cap_roster * sizeof *k->roster);
	}
	k->roster[k->n_roster++] = user;
}

static bool insert_membership(BenchGen *b, int c, int64_t user, const char *status)
{
	sqlite3_stmt *st = db_prepare(b->db, "INSERT OR IGNORE INTO memberships (community_id, "
					     "user_id, status, signed_up_at, promoted_at, "
					     "withdrawn_at) VALUES (:c, :u, :status, :at, NULL, "
					     ":withdrawn)");
	int64_t at = b->now - bench_between(&b->rng, 30, 900) * 86400;
	db_bind_int(st, ":c", b->communities[c].id);
	db_bind_int(st, ":u", user);
	db_bind_text(st, ":status", status);
	db_bind_int(st, ":at", at);
	if (!strcmp(status, "withdrawn"))
		db_bind_int(st, ":withdrawn", at + 86400 * 20);
	else
		db_bind_text(st, ":withdrawn", NULL);
	db_run(st);
	bench_batch_tick(b);
	bool added = db_changes(b->db) == 1;
	if (added && !strcmp(status, "participant"))
		roster_add(b, c, user);
	return added;
}

static int64_t active_member(BenchGen *b)
{
	/* ids above the staff accounts; a few are pending or disabled, which a roster of
	 * history may hold anyway */
	return bench_between(&b->rng, BENCH_ADMINS + 2, b->n_members);
}

static void gen_communities(BenchGen *b)
{
	sqlite3_stmt *st = db_prepare(
		b->db, "INSERT INTO communities (id, slug, name, audience, kind, description, "
		       "status, year_id, seat_limit, signup_opens, soft_deadline, signup_closes, "
		       "commitment, created_at) VALUES (:id, :slug, :name, :audience, :kind, "
		       ":description, :status, :year, :seats, :opens, :soft, :closes, :commitment, "
		       ":at)");
	sqlite3_stmt *fac = db_prepare(b->db, "INSERT OR IGNORE INTO facilitators (community_id, "
					      "user_id, role) VALUES (:c, :u, :role)");
	b->communities = xmalloc((size_t)b->n_communities * sizeof *b->communities);
	memset(b->communities, 0, (size_t)b->n_communities * sizeof *b->communities);
	char name[200], slug[200], opens[40], soft[40], closes[40];
	int64_t memberships = 0;
	for (int c = 0; c < b->n_communities; c++) {
		BenchCommunity *k = &b->communities[c];
		k->id = c + 1;
		bool ongoing = c < NROLES;
		int year = ongoing ? BENCH_YEARS - 1 : (c - NROLES) % BENCH_YEARS;
		k->year = year;
		k->ongoing = ongoing;
		const char *audience;
		if (ongoing) {
			snprintf(name, sizeof name, "%s Community of Practice", roles[c]);
			audience = role_plurals[c];
			k->role = c;
		} else {
			int t = (c - NROLES) % NTOPICS, round = (c - NROLES) / NTOPICS;
			snprintf(name, sizeof name, "%s Cohort %d-%d%s", topics[t], b->year_first[year],
				 b->year_first[year] + 1, round >= BENCH_YEARS ? " (second group)" : "");
			audience = "School leaders";
			k->role = -1;
		}
		slugify(name, slug, sizeof slug);
		if (!ongoing && (c - NROLES) / NTOPICS >= BENCH_YEARS)
			snprintf(slug + strlen(slug), sizeof slug - strlen(slug), "-%d", c);
		const char *status = year < BENCH_YEARS - 1 ? "archived"
				     : c % 7 == 3 ? "open" : "active";
		Buf desc = {0};
		buf_printf(&desc, "A Community of Practice for %s. Members meet **monthly** online "
				  "and in person twice a year, share what works, and build a "
				  "shared tool together.\n\n", audience);
		short_text(b, &desc);
		db_bind_int(st, ":id", k->id);
		db_bind_text(st, ":slug", slug);
		db_bind_text(st, ":name", name);
		db_bind_text(st, ":audience", audience);
		db_bind_text(st, ":kind", ongoing ? "ongoing" : "cohort");
		db_bind_text(st, ":description", desc.data);
		db_bind_text(st, ":status", status);
		db_bind_int(st, ":year", year + 1);
		k->seats = ongoing ? 0 : (int)bench_between(&b->rng, 20, 40);
		if (k->seats)
			db_bind_int(st, ":seats", k->seats);
		else
			db_bind_text(st, ":seats", NULL);
		snprintf(opens, sizeof opens, "%d-10-17", b->year_first[year]);
		snprintf(soft, sizeof soft, "%d-11-14", b->year_first[year]);
		snprintf(closes, sizeof closes, "%d-12-09", b->year_first[year]);
		db_bind_text(st, ":opens", opens);
		db_bind_text(st, ":soft", soft);
		db_bind_text(st, ":closes", closes);
		db_bind_text(st, ":commitment", "Join the monthly calls and the in-person deep-dive, "
						"and contribute to the final product.");
		db_bind_int(st, ":at", b->now - (BENCH_YEARS - year) * 300 * 86400);
		db_run(st);
		buf_free(&desc);

		/* Facilitators: one, sometimes with a co-facilitator. */
		int nfac = bench_chance(&b->rng, 40) ? 2 : 1;
		for (int f = 0; f < nfac; f++) {
			db_bind_int(fac, ":c", k->id);
			db_bind_int(fac, ":u", active_member(b));
			db_bind_text(fac, ":role", f ? "co-facilitator" : "facilitator");
			db_run(fac);
		}

		/* The roster: ongoing job-alike groups draw a share of the members in that role;
		 * cohorts fill their seats and keep a short waitlist, with a few withdrawals. */
		int want = ongoing ? (int)(b->n_members * bench_between(&b->rng, 15, 30) / 1000)
				   : k->seats + (int)bench_between(&b->rng, 0, 8);
		if (want < 3)
			want = 3;
		int seated = 0, tries = 0;
		while (seated < want && tries++ < want * 50) {
			int64_t u = active_member(b);
			if (ongoing && b->user_role[u] != c && !bench_chance(&b->rng, 5))
				continue;
			const char *s = k->seats && seated >= k->seats ? "waitlisted"
					: bench_chance(&b->rng, 4) ? "withdrawn" : "participant";
			if (insert_membership(b, c, u, s)) {
				seated += strcmp(s, "withdrawn") != 0;
				memberships++;
			}
		}
		bench_batch_tick(b);
	}
	/* The bench member: participant in four current communities (the principals' group,
	 * then this year's cohorts, then other job-alike groups), co-facilitator of the second. */
	int joined = 0;
	for (int pass = 0; pass < 3 && joined < 4; pass++) {
		for (int c = 0; c < b->n_communities && joined < 4; c++) {
			const BenchCommunity *k = &b->communities[c];
			bool wanted = pass == 0 ? c == 0
				      : pass == 1 ? !k->ongoing && k->year == BENCH_YEARS - 1
						  : k->ongoing && c != 0;
			if (!wanted)
				continue;
			sqlite3_stmt *del = db_prepare(b->db, "DELETE FROM memberships WHERE "
							     "community_id = :c AND user_id = :u");
			db_bind_int(del, ":c", k->id);
			db_bind_int(del, ":u", BENCH_MEMBER_ID);
			db_run(del);
			insert_membership(b, c, BENCH_MEMBER_ID, "participant");
			if (++joined == 2) {
				db_bind_int(fac, ":c", k->id);
				db_bind_int(fac, ":u", BENCH_MEMBER_ID);
				db_bind_text(fac, ":role", "co-facilitator");
				db_run(fac);
			}
		}
	}
	bench_progress(b, "communities", b->n_communities);
	bench_progress(b, "memberships", memberships);
}

/* ---- meetings, agendas, RSVPs, attendance, materials ---- */

/* Unix time of a local date and clock time (the association's zone). */
static int64_t local_time(int year, int month, int day, int hour, int minute)
{
	struct tm tm = {.tm_year = year - 1900, .tm_mon = month - 1, .tm_mday = day,
			.tm_hour = hour, .tm_min = minute, .tm_isdst = -1};
	return (int64_t)mktime(&tm);
}

/* Picks k distinct entries of list (n long) into out, by a partial shuffle of a copy. */
static int sample(BenchGen *b, const int64_t *list, int n, int k, int64_t *out)
{
	if (k > n)
		k = n;
	int64_t *copy = xmalloc((size_t)(n ? n : 1) * sizeof *copy);
	memcpy(copy, list, (size_t)n * sizeof *copy);
	for (int i = 0; i < k; i++) {
		int j = (int)bench_between(&b->rng, i, n - 1);
		int64_t t = copy[i];
		copy[i] = copy[j], copy[j] = t;
		out[i] = copy[i];
	}
	free(copy);
	return k;
}

int64_t bench_store_file(BenchGen *b, const char *name, const char *type, const char *data,
			 size_t size, int64_t by, int64_t at)
{
	/* the content-addressed store (migration 006): bytes once per digest, in chunks */
	if (b->blobs)
		return file_store_memory(b->db, name, type, data, size, by, at);
	unsigned char sha[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(sha, (const unsigned char *)data, size);
	sqlite3_stmt *st = db_prepare(b->db, "INSERT INTO files (name, content_type, size, sha256, "
					     "data, uploaded_by, created_at) VALUES (:name, :type, "
					     ":size, :sha, :data, :by, :at)");
	db_bind_blob(st, ":data", data, (int)size);
	db_bind_text(st, ":name", name);
	db_bind_text(st, ":type", type);
	db_bind_int(st, ":size", (int64_t)size);
	db_bind_blob(st, ":sha", sha, sizeof sha);
	db_bind_int(st, ":by", by);
	db_bind_int(st, ":at", at);
	db_run(st);
	return db_last_id(b->db);
}

static void gen_meetings(BenchGen *b)
{
	sqlite3_stmt *st = db_prepare(
		b->db, "INSERT INTO meetings (id, community_id, number, title, starts_at, ends_at, "
		       "format, venue, address, video_url, mandatory, purpose, highlights, status, "
		       "signin_code, uid, sequence, created_by, created_at, updated_at) VALUES (:id, "
		       ":c, :number, :title, :starts, :ends, :format, :venue, :address, :video, "
		       ":mandatory, :purpose, :highlights, :status, :code, :uid, 0, :by, :at, :at)");
	sqlite3_stmt *ag = db_prepare(b->db, "INSERT INTO agenda_items (meeting_id, position, "
					     "starts_at, minutes, title, kind, presenters, room, "
					     "notes) VALUES (:m, :pos, :starts, :minutes, :title, "
					     ":kind, :presenters, '', :notes)");
	sqlite3_stmt *att = db_prepare(b->db, "INSERT OR IGNORE INTO attendance (meeting_id, "
					      "user_id, method, marked_by, marked_at) VALUES (:m, :u, "
					      ":method, NULL, :at)");
	sqlite3_stmt *rsvp = db_prepare(b->db, "INSERT OR IGNORE INTO rsvps (meeting_id, user_id, "
					       "answer, answered_at) VALUES (:m, :u, :answer, :at)");
	sqlite3_stmt *mat = db_prepare(b->db, "INSERT INTO meeting_materials (meeting_id, file_id, "
					      "title, added_by, created_at) VALUES (:m, :f, :title, "
					      ":by, :at)");
	int64_t *everyone = xmalloc((size_t)b->n_members * sizeof *everyone);
	int n_everyone = 0;
	for (int64_t u = BENCH_ADMINS + 2; u <= b->n_members; u++)
		everyone[n_everyone++] = u;
	int64_t picked[200];
	int64_t n_attendance = 0, n_agenda = 0, n_files = 0;
	char code[8], uid[64], title[160];
	Buf text = {0};
	for (int64_t id = 1; id <= b->n_meetings; id++) {
		/* 5% are association-wide; the rest belong to a community of their year. */
		int c = bench_chance(&b->rng, 5) ? -1 : (int)bench_between(&b->rng, 0,
									    b->n_communities - 1);
		int year = c < 0 ? (int)bench_between(&b->rng, 0, BENCH_YEARS - 1)
				 : b->communities[c].year;
		if (c >= 0 && b->communities[c].ongoing)
			year = (int)bench_between(&b->rng, 0, BENCH_YEARS - 1);
		int month = (int)bench_between(&b->rng, 9, 17); /* September to May */
		int y = b->year_first[year] + (month > 12), m = month > 12 ? month - 12 : month;
		int64_t starts = local_time(y, m, (int)bench_between(&b->rng, 1, 28),
					    (int)bench_between(&b->rng, 9, 16), bench_chance(&b->rng, 50) ? 0 : 30);
		int64_t ends = starts + 60 * (bench_chance(&b->rng, 20) ? 240 : 90);
		bool past = ends < b->now;
		bool in_person = bench_chance(&b->rng, 20);
		for (int i = 0; i < 6; i++)
			code[i] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"[bench_next(&b->rng) % 32];
		code[6] = '\0';
		snprintf(uid, sizeof uid, "bench-%lld@practica", (long long)id);
		snprintf(title, sizeof title, "%s", c < 0 ? "Association-wide gathering"
							 : PICK(&b->rng, meeting_titles));
		text.len = 0;
		short_text(b, &text);
		db_bind_int(st, ":id", id);
		if (c >= 0)
			db_bind_int(st, ":c", b->communities[c].id);
		else
			db_bind_text(st, ":c", NULL);
		db_bind_text(st, ":number", NULL);
		db_bind_text(st, ":title", title);
		db_bind_int(st, ":starts", starts);
		db_bind_int(st, ":ends", ends);
		db_bind_text(st, ":format", in_person ? "in_person" : "virtual");
		db_bind_text(st, ":venue", in_person ? "Eaton Hotel" : "");
		db_bind_text(st, ":address", in_person ? "1201 K St NW, Washington, DC" : "");
		db_bind_text(st, ":video", in_person ? "" : "https://zoom.example.org/j/123456789");
		db_bind_int(st, ":mandatory", bench_chance(&b->rng, 10));
		db_bind_text(st, ":purpose", text.data);
		db_bind_text(st, ":highlights", past && bench_chance(&b->rng, 40)
							? "- Members shared attendance data\n- Next: "
							  "draft the rubric" : "");
		db_bind_text(st, ":status", bench_chance(&b->rng, 3) ? "cancelled" : "scheduled");
		db_bind_text(st, ":code", code);
		db_bind_text(st, ":uid", uid);
		db_bind_int(st, ":by", c >= 0 && b->communities[c].n_roster
					       ? b->communities[c].roster[0] : BENCH_MEMBER_ID + 1);
		db_bind_int(st, ":at", starts - 30 * 86400);
		db_run(st);
		bench_batch_tick(b);

		int items = (int)bench_between(&b->rng, 3, 6);
		for (int i = 0; i < items; i++) {
			int k = i == 0 ? 0 : i == items - 1 ? 7 : (int)bench_between(&b->rng, 1, 6);
			db_bind_int(ag, ":m", id);
			db_bind_int(ag, ":pos", i + 1);
			db_bind_int(ag, ":starts", starts + i * 15 * 60);
			db_bind_int(ag, ":minutes", 15);
			db_bind_text(ag, ":title", agenda_kinds[k].title);
			db_bind_text(ag, ":kind", agenda_kinds[k].kind);
			db_bind_text(ag, ":presenters", k == 1 ? "Guest presenter" : "");
			db_bind_text(ag, ":notes", "");
			db_run(ag);
			n_agenda++;
			bench_batch_tick(b);
		}

		const int64_t *pool = c >= 0 ? b->communities[c].roster : everyone;
		int pool_n = c >= 0 ? b->communities[c].n_roster : n_everyone;
		if (past) {
			int want = c >= 0 ? pool_n * (int)bench_between(&b->rng, 50, 90) / 100
					  : (int)bench_between(&b->rng, 60, 150);
			if (want > 150)
				want = 150;
			int k = sample(b, pool, pool_n, want, picked);
			for (int i = 0; i < k; i++) {
				db_bind_int(att, ":m", id);
				db_bind_int(att, ":u", picked[i]);
				db_bind_text(att, ":method", bench_chance(&b->rng, 70) ? "checklist" : "code");
				db_bind_int(att, ":at", starts + 600);
				db_run(att);
				bench_batch_tick(b);
			}
			n_attendance += k;
			if (bench_chance(&b->rng, 15)) {
				/* slides notes as a text file, 2 to 60 KB */
				text.len = 0;
				size_t size = (size_t)bench_between(&b->rng, 2000, 60000);
				while (text.len < size) {
					short_text(b, &text);
					buf_putc(&text, bench_chance(&b->rng, 20) ? '\n' : ' ');
				}
				int64_t f = bench_store_file(b, "meeting-notes.txt", "text/plain; charset=utf-8",
						       text.data, text.len, BENCH_MEMBER_ID + 1, ends);
				db_bind_int(mat, ":m", id);
				db_bind_int(mat, ":f", f);
				db_bind_text(mat, ":title", "Meeting notes and slides");
				db_bind_int(mat, ":by", BENCH_MEMBER_ID + 1);
				db_bind_int(mat, ":at", ends);
				db_run(mat);
				n_files++;
			}
		} else {
			int k = sample(b, pool, pool_n, pool_n * 30 / 100 > 40 ? 40 : pool_n * 30 / 100,
				       picked);
			for (int i = 0; i < k; i++) {
				db_bind_int(rsvp, ":m", id);
				db_bind_int(rsvp, ":u", picked[i]);
				db_bind_text(rsvp, ":answer", bench_chance(&b->rng, 85) ? "going" : "not_going");
				db_bind_int(rsvp, ":at", b->now - 86400);
				db_run(rsvp);
				bench_batch_tick(b);
			}
		}
	}
	buf_free(&text);
	free(everyone);
	bench_progress(b, "meetings", b->n_meetings);
	bench_progress(b, "agenda items", n_agenda);
	bench_progress(b, "attendance rows", n_attendance);
	bench_progress(b, "meeting materials (files)", n_files);
}

/* ---- the command ---- */

static const char bench_usage[] =
	"usage: practica bench-data --db FILE [--scale F] [--seed N]\n"
	"Creates a large, realistic database for benchmarks: at scale 1, 400 member schools,\n"
	"10,000 members, 60 communities with rosters, 3 program years, 3,000 meetings with\n"
	"agendas and attendance, and, where this version has them, 50,000 discussion threads with\n"
	"500,000 posts and 20,000 library documents. --scale 0.02 makes a small one. Every\n"
	"account has the password " BENCH_PASSWORD "; the benchmark signs in as " BENCH_MEMBER_EMAIL
	".\nRefuses to overwrite an existing file.\n";

static int scaled(double scale, int full, int least)
{
	int n = (int)(full * scale + 0.5);
	return n < least ? least : n;
}

int cmd_bench_data(int argc, char **argv)
{
	if (wants_help(argc, argv))
		return fputs(bench_usage, stdout), 0;
	const char *db_path = NULL, *scale_text = "1", *seed_text = "20240901";
	Flag flags[] = {{"db", true, &db_path}, {"scale", true, &scale_text},
			{"seed", true, &seed_text}, {0}};
	const char *pos[1];
	if (parse_flags("bench-data", bench_usage, argc, argv, flags, pos, 0) < 0)
		return 2;
	char *end;
	double scale = strtod(scale_text, &end);
	if (!db_path || *end || !(scale >= 0.001 && scale <= 10)) {
		fputs(!db_path ? "practica bench-data: --db is required\n"
			       : "practica bench-data: --scale must be a number from 0.001 to 10\n",
		      stderr);
		fputs(bench_usage, stderr);
		return 2;
	}
	if (access(db_path, F_OK) == 0) {
		fprintf(stderr, "practica bench-data: %s already exists; refusing to overwrite it\n",
			db_path);
		return 1;
	}
	if (!config_apply_timezone())
		return 2;
	config.db_path = db_path;
	Db *db = cli_open_db(true);
	if (!db)
		return 1;

	BenchGen b = {.db = db, .rng = {strtoull(seed_text, NULL, 10)}, .now = time(NULL)};
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	b.started = (double)ts.tv_sec + ts.tv_nsec / 1e9;
	b.scale = scale;
	b.n_schools = scaled(scale, 400, 8);
	b.n_members = scaled(scale, 10000, 120);
	b.n_communities = scaled(scale, 60, NROLES + 4);
	b.n_meetings = scaled(scale, 3000, 60);
	b.blobs = bench_table_exists(db, "blobs");
	if (!password_hash(BENCH_PASSWORD, b.password_hash)) {
		db_close(db);
		return 1;
	}
	/* Speed while generating only: a crash now loses nothing anyone wrote. */
	exec(db, "PRAGMA synchronous=OFF; PRAGMA cache_size=-262144; PRAGMA foreign_keys=OFF;");
	db_begin(db);
	gen_schools(&b);
	gen_members(&b);
	gen_years(&b);
	gen_communities(&b);
	gen_meetings(&b);
	db_commit(db);
	db_release(db);
	bench_content(&b);

	exec(db, "PRAGMA foreign_keys=ON; PRAGMA cache_size=-2000; PRAGMA synchronous=FULL;");
	bool fk_ok = true;
	sqlite3_stmt *fk = db_prepare(db, "PRAGMA foreign_key_check");
	if (db_step(fk) == SQLITE_ROW) {
		fprintf(stderr, "practica bench-data: a foreign key is broken in table %s\n",
			db_col_text(fk, 0));
		fk_ok = false;
	}
	db_release(db);
	bench_reindex(&b);
	exec(db, "ANALYZE; PRAGMA optimize; PRAGMA wal_checkpoint(TRUNCATE);");
	bench_progress(&b, "analyzed, done", 0);
	for (int c = 0; c < b.n_communities; c++)
		free(b.communities[c].roster);
	free(b.communities);
	free(b.user_role);
	for (int64_t id = 1; id <= b.n_members; id++)
		free(b.user_handle[id]);
	free(b.user_handle);
	db_close(db);
	if (!fk_ok)
		return 1;
	printf("Created %s (scale %g). Sign in as %s / %s.\n", db_path, scale, BENCH_MEMBER_EMAIL,
	       BENCH_PASSWORD);
	return 0;
}
