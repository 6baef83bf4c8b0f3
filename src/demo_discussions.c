/* `practica demo`, discussions: threads on the communities' boards and the all-communities
 * board in the words of the seeds' job-alike roles (special education, school nurses and
 * mental health, CFO/COO, principals, ELL, college placement, executive directors,
 * superintendents), questions with accepted answers, cross-posted threads, @mentions, one
 * edited post and one deleted reply. Written through posts.c, so the search index,
 * follows and notifications are filled exactly as when members post. The superintendents'
 * cohort is made private, to show the difference. */
#include <string.h>

#include "demo.h"
#include "posts.h"

#define HOUR 3600
#define DAY 86400

typedef struct {
	const char *author; /* email */
	int hours_later;    /* after the post before it */
	const char *body;
} DemoReply;

static const struct {
	const char *community; /* slug; NULL: the all-communities board */
	const char *author;
	const char *title;
	bool question;
	int days_ago;
	const char *body;
	DemoReply replies[5];
	int answer;           /* the accepted reply, from 1; 0: none */
	const char *shared_to; /* a community slug */
	const char *shared_by;
} demo_threads[] = {
	{NULL, "admin@example.org", "Welcome to the discussion boards", false, 40,
	 "Each Community of Practice has its own board for questions between meetings, and this "
	 "**All communities** board is for questions that cross groups: state policy, "
	 "operations, anything where another role may have the answer.\n\n"
	 "- Mark your post as a *question* and the best reply can be marked as the answer.\n"
	 "- Mention a colleague with @ and their name, e.g. @Maria Alvarez, and they are "
	 "notified.\n- Share a thread with another community's board when it concerns them too.",
	 {{"maria.alvarez@example.org", 5,
	   "Thank you! Principals: please bring the questions from our January deep-dive here so "
	   "we can keep going between sessions."}},
	 0, NULL, NULL},
	{"special-education", "lena.petrova@example.org",
	 "How are you handling IEP caseloads above 20?", true, 21,
	 "Our two special education teachers are each carrying 23 IEPs this year after "
	 "enrollment grew in October. Before I go to our board for another position: **what "
	 "caseload cap do your schools use**, and how did you make the case for it?",
	 {{"priya.raman@example.org", 3,
	   "We cap at 18 for resource and 12 for our self-contained classroom. What convinced our "
	   "board was a simple table: the minutes of service the IEPs require each week against "
	   "the minutes our teachers actually have. At 23 IEPs the required minutes were 30% over "
	   "capacity, and that was before any evaluations.\n\nI will put the template in the "
	   "library."},
	  {"lena.petrova@example.org", 20,
	   "The minutes-of-service framing is exactly what I need. Did you include time for IEP "
	   "meetings and evaluations?"},
	  {"priya.raman@example.org", 2,
	   "Yes: we budget one day a week per teacher for meetings, progress reports and "
	   "evaluations. Without that line the numbers looked fine on paper and people were "
	   "exhausted by March."}},
	 1, "principals", "maria.alvarez@example.org"},
	{"school-nurses", "grace.liu@example.org",
	 "Stock epinephrine: standing order and training for non-nurse staff", true, 18,
	 "We are finally getting stock epinephrine auto-injectors at every campus. Our physician "
	 "signs the standing order, but I am the only nurse across two buildings.\n\n"
	 "Who trains your non-nurse staff, how often, and where do you keep the injectors?",
	 {{"samuel.owusu@example.org", 4,
	   "Not a nurse, but our front office team did the manufacturer's online training plus a "
	   "15-minute hands-on practice with trainer pens at the start of each semester. We keep "
	   "one kit in the main office and one in the cafeteria, both unlocked."},
	  {"grace.liu@example.org", 6,
	   "That is helpful, @Samuel Owusu. Do you log who has been trained? I need a list for "
	   "our compliance binder."},
	  {"samuel.owusu@example.org", 3,
	   "Yes, a sign-in sheet per training, scanned into the shared drive. Renewal each August."}},
	 1, NULL, NULL},
	{"school-nurses", "samuel.owusu@example.org",
	 "Mental health screening in grades 6-9: which tool are you using?", true, 12,
	 "We want to screen every middle schooler once a year instead of waiting for referrals. "
	 "Which screener do you use, who reads the results, and how fast can you follow up with "
	 "the students who screen positive?",
	 {{"grace.liu@example.org", 8,
	   "We started with a short strengths-and-difficulties questionnaire in 6th grade only. "
	   "The lesson: do not screen more students than your counselors can see within two "
	   "weeks. We staggered it by grade across the fall."},
	  {"hannah.schultz@example.org", 26,
	   "Principal here (this came to our board). We asked families for consent at enrollment "
	   "rather than in a separate letter: the return rate went from about half to almost all."}},
	 1, "principals", "maria.alvarez@example.org"},
	{"cfo-coo", "james.okafor@example.org", "Audit season: what did your auditors flag this year?",
	 false, 30,
	 "Ours flagged two things: purchase orders approved after the invoice date, and "
	 "inconsistent documentation of federal time-and-effort. Curious what others heard, so we "
	 "can fix things before they become findings.",
	 {{"marcus.reed@example.org", 10,
	   "Same time-and-effort note here. We moved to semi-annual certifications signed in our "
	   "HR system, which at least puts them all in one place."},
	  {"james.okafor@example.org", 4,
	   "Good idea. For the PO timing we now block invoice entry without an approved PO, with "
	   "a documented emergency exception."}},
	 0, NULL, NULL},
	{"cfo-coo", "marcus.reed@example.org",
	 "Facilities reserve: how much are you setting aside per square foot?", true, 9,
	 "We own our building now and the board wants a capital reserve policy. Is there a rule "
	 "of thumb per square foot, or do you budget from a facilities condition assessment?",
	 {{"james.okafor@example.org", 5,
	   "Start from a facilities condition assessment: list each system (roof, HVAC, "
	   "boilers...), its remaining life and replacement cost, and divide. Ours came to about "
	   "$2.10 per square foot per year. A flat rule of thumb undershoots for older buildings."},
	  {"tomas.herrera@example.org", 30,
	   "Executive director view: our board adopted the reserve as a policy with a target "
	   "balance, so it survives budget cuts. Worth sharing with your board chair early."}},
	 1, "executive-directors", "tomas.herrera@example.org"},
	{"principals", "hannah.schultz@example.org",
	 "Master schedule: protecting a daily intervention block", true, 15,
	 "We want a 30-minute intervention block every day next year, and every version of the "
	 "schedule I draft loses it to specials or lunch. How did you protect yours?",
	 {{"maria.alvarez@example.org", 6,
	   "Build it first, before specials and lunches: we place the intervention block for each "
	   "grade and then schedule everything else around it. Staff it with every adult who is "
	   "not teaching a class at that time, including specialists."},
	  {"ruth.feldman@example.org", 9,
	   "From the deans' side: when lunch duty collided with the block, we moved two lunch "
	   "duties to operations staff. Small cost, and the block survived."},
	  {"hannah.schultz@example.org", 3,
	   "@Ruth Feldman that is the piece I was missing. Thank you both."}},
	 1, NULL, NULL},
	{"principals", "maria.alvarez@example.org",
	 "Observation cycles: how often are you getting into classrooms?", false, 4,
	 "Honest numbers please. My goal is every teacher every two weeks with written feedback "
	 "within 48 hours; in practice it is closer to every three weeks. What helps you keep "
	 "the rhythm?",
	 {{"hannah.schultz@example.org", 7,
	   "We block observation time on the calendar like a meeting and have the front office "
	   "protect it. Short, 10-minute visits with one actionable step."}},
	 0, NULL, NULL},
	{"ell-directors", "daniel.brooks@example.org",
	 "ACCESS testing window logistics for a small school", true, 25,
	 "We have 40 English learners and one ELL coordinator (me). How do you schedule the "
	 "speaking section without pulling every student out of class for a week?",
	 {{"kwame.asante@example.org", 5,
	   "Test speaking in small groups of four or five in a quiet room with headsets, two "
	   "sessions a morning. We borrowed two trained proctors from the special education team "
	   "and finished in three days."},
	  {"daniel.brooks@example.org", 12,
	   "Three days would be a dream. Did the headsets come from the testing budget?"},
	  {"kwame.asante@example.org", 2,
	   "Yes, and we reuse them for interim assessments. One tip: label every headset and "
	   "test them the day before."}},
	 1, NULL, NULL},
	{"ell-directors", "kwame.asante@example.org",
	 "Newcomer students arriving mid-year: a first-week checklist", false, 7,
	 "Here is the checklist we use when a newcomer arrives mid-year. Please add what works "
	 "for you.\n\n1. Family welcome meeting with an interpreter\n2. Home language survey and "
	 "screener within 5 days\n3. A peer buddy for the first two weeks\n4. Schedule review "
	 "with the counselor\n5. Check-in with the family at the end of week one",
	 {{"daniel.brooks@example.org", 4,
	   "We add a school tour with photos of key places (office, nurse, bathrooms) labelled "
	   "in the home language."},
	  {"maria.alvarez@example.org", 20,
	   "Principal here, saw this on our board: we are adopting this list. Thank you!"}},
	 0, "principals", "maria.alvarez@example.org"},
	{"college-placement", "aisha.bello@example.org",
	 "FAFSA completion nights: what got families to come?", true, 16,
	 "Our FAFSA night had eight families out of 90 seniors. What actually brought families "
	 "in at your school?",
	 {{"admin@example.org", 6,
	   "From what we hear across member schools: hold it during the school day as part of a "
	   "senior seminar, with students completing what they can and families joining for the "
	   "signatures. One school reached over 80% completion that way."},
	  {"aisha.bello@example.org", 30,
	   "We tried it during senior seminar this week: 41 submitted in two days. Marking this "
	   "as the answer!"}},
	 1, NULL, NULL},
	{"executive-directors", "tomas.herrera@example.org",
	 "Board self-evaluation: any tool you would recommend?", true, 11,
	 "Our charter renewal asks for evidence that the board evaluates its own performance. "
	 "Do you use a survey, an outside facilitator, or something else?",
	 {{"hannah.schultz@example.org", 9,
	   "Our board uses a short annual survey against its own bylaws and committee charters, "
	   "then spends one retreat session on the results. The governance committee owns it."}},
	 1, NULL, NULL},
	{"superintendents-cohort", "janet.moore@example.org",
	 "Problem of practice: transcripts for mastery-based grading", true, 14,
	 "Our high schools report proficiency levels, but colleges still want a GPA. How are "
	 "other districts translating mastery-based grades for transcripts without undoing the "
	 "work?",
	 {{"david.ruff@example.org", 6,
	   "Several districts in our network keep the proficiency scale on the transcript and add "
	   "a school profile that explains it, with a conversion table for admissions offices. We "
	   "can work through a draft at the next meeting's Problem of Practice session."},
	  {"robert.chen@example.org", 18,
	   "We did exactly that; the admissions offices we surveyed were fine with the profile. "
	   "The harder conversation was with our own families."}},
	 1, NULL, NULL},
	{NULL, "ruth.feldman@example.org", "Phone-free school day: who has done it?", true, 6,
	 "We are considering phones in lockers (or pouches) for the whole school day next year. "
	 "If you have done it: what did you do about families who need to reach their child?",
	 {{"hannah.schultz@example.org", 4,
	   "We went phone-free two years ago. Families call the front office, which relays "
	   "messages within the period. The first month was hard; after that, teachers and "
	   "students would not go back."},
	  {"samuel.owusu@example.org", 8,
	   "From the mental health side: we saw fewer conflicts that started online during the "
	   "day. Plan for students with medical needs (glucose monitors) from the start."},
	  {"ruth.feldman@example.org", 3,
	   "Wrong thread, sorry: this was meant for the deans' group."},
	  {"maria.alvarez@example.org", 12,
	   "We are piloting pouches with 9th grade first. @Ruth Feldman happy to share our family "
	   "letter."}},
	 1, NULL, NULL},
	{NULL, "tomas.herrera@example.org",
	 "Proposed changes to the charter renewal criteria: comments due next month", false, 3,
	 "The state board has published draft renewal criteria that weigh academic growth more "
	 "heavily and add a financial sustainability measure. The association will submit "
	 "comments; please reply with how the changes would affect your school.",
	 {{"james.okafor@example.org", 5,
	   "The financial measure uses days of cash on hand with a 60-day threshold. Schools "
	   "that receive state payments late in the year will look weaker than they are: worth "
	   "asking for a multi-year average."},
	  {"maria.alvarez@example.org", 9,
	   "Growth weighting is welcome, but it needs at least two years of data for new "
	   "campuses."}},
	 0, NULL, NULL},
	{"learning-analytics", "tyrone.mowatt@example.org",
	 "Coaching cycles: what data are you tracking between sessions?", false, 10,
	 "For our next session, bring one chart: the data you look at between coaching "
	 "conversations. Exit tickets, walkthrough notes, interim assessments?",
	 {{"priya.raman@example.org", 7,
	   "Exit tickets by standard for the students on IEPs in each coached class, compared "
	   "with their peers."},
	  {"aisha.bello@example.org", 11,
	   "Course pass rates by unit for the junior English teachers I coach."}},
	 0, NULL, NULL},
	{"anti-bias-foundation", "kelly.hurst@example.org",
	 "Before our next session: one routine where bias can hide", false, 8,
	 "Think of one school routine (attendance calls, discipline referrals, course placement) "
	 "and one question you could ask of its data to see who it serves well and who it does "
	 "not. Post it here before we meet.",
	 {{"maria.alvarez@example.org", 6,
	   "Honors placement in 9th grade: who recommends students, and how do the recommended "
	   "students compare with their 8th grade test results?"},
	  {"ruth.feldman@example.org", 10,
	   "Dress code referrals by student group and by staff member who wrote them."}},
	 0, NULL, NULL},
	{"you-belong-here", "sara.cotner@example.org",
	 "Welcoming families who do not speak English at enrollment", false, 5,
	 "What does the first conversation with a family look like at your front desk? We are "
	 "gathering practices for our toolkit.",
	 {{"grace.liu@example.org", 5,
	   "Our health forms are translated, but the conversation is not: we now book an "
	   "interpreter for the nurse intake, not only for the enrollment meeting."}},
	 0, "ell-directors", "kwame.asante@example.org"},
	{"roots-connected-coaching", "sahba.rohani@example.org",
	 "Coaching reflection: a restorative conversation script", false, 2,
	 "Try the four-question restorative script with one student this week and note what "
	 "changed in the conversation. We will debrief together.",
	 {{"kwame.asante@example.org", 20,
	   "Tried it with a 7th grader after a hallway conflict. Asking \"who was affected?\" "
	   "before \"what happened?\" changed the tone completely."}},
	 0, NULL, NULL},
};

static int64_t lookup(Db *db, const char *sql, const char *key)
{
	sqlite3_stmt *st = db_prepare(db, sql);
	db_bind_text(st, ":key", key);
	int64_t id = db_step(st) == SQLITE_ROW ? db_col_int(st, 0) : 0;
	sqlite3_reset(st);
	return id;
}

static int64_t person(Db *db, const char *email)
{
	return lookup(db, "SELECT id FROM users WHERE email = :key", email);
}

static int64_t community(Db *db, const char *slug)
{
	return lookup(db, "SELECT id FROM communities WHERE slug = :key", slug);
}

bool demo_add_discussions(Db *db, int64_t now)
{
	sqlite3_stmt *st = db_prepare(db, "UPDATE communities SET visibility = 'private' WHERE "
					  "slug = 'superintendents-cohort'");
	if (!db_run(st))
		return false;
	for (size_t i = 0; i < sizeof demo_threads / sizeof *demo_threads; i++) {
		int64_t at = now - (int64_t)demo_threads[i].days_ago * DAY;
		NewThread nt = {
			.community_id = demo_threads[i].community
						? community(db, demo_threads[i].community) : 0,
			.author_id = person(db, demo_threads[i].author),
			.title = demo_threads[i].title, .body = demo_threads[i].body,
			.question = demo_threads[i].question, .now = at};
		if ((demo_threads[i].community && !nt.community_id) || !nt.author_id)
			return false;
		int64_t thread = thread_create(db, &nt, NULL);
		if (!thread)
			return false;
		int64_t replies[5] = {0};
		for (int k = 0; k < 5 && demo_threads[i].replies[k].body; k++) {
			at += (int64_t)demo_threads[i].replies[k].hours_later * HOUR;
			if (at > now)
				at = now - (5 - k) * 60;
			int64_t author = person(db, demo_threads[i].replies[k].author);
			if (!author || !(replies[k] = post_reply(db, thread, author,
								 demo_threads[i].replies[k].body, at)))
				return false;
		}
		int answer = demo_threads[i].answer;
		if (answer && !thread_accept(db, thread, replies[answer - 1], nt.author_id))
			return false;
		if (demo_threads[i].shared_to &&
		    !thread_share(db, thread, community(db, demo_threads[i].shared_to),
				  person(db, demo_threads[i].shared_by), at))
			return false;
		/* The phone-free thread: a reply posted in the wrong place, deleted by its author,
		 * and an edited one, so the demo shows both traces. */
		if (!strcmp(demo_threads[i].title, "Phone-free school day: who has done it?")) {
			if (!post_delete(db, replies[2], person(db, "ruth.feldman@example.org"),
					 at - 2 * HOUR) ||
			    !post_update(db, replies[1],
					 "From the mental health side: we saw fewer conflicts that "
					 "started online during the day. Plan for students with "
					 "medical needs (glucose monitors, translation apps for "
					 "newcomers) from the start.",
					 NULL, false, at - HOUR))
				return false;
		}
	}
	return true;
}
