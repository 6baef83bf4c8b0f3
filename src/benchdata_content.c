/* `practica bench-data`, second half: what members write. Discussion threads and posts
 * (Markdown of realistic lengths, with mentions, questions with accepted answers, shares,
 * edits and deletions), the document library with versions and ratings, and the search
 * index over all of it. Each part runs only when its tables exist in this version. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchdata.h"
#include "search.h"

#define PICK(g, list) bench_pick(g, list, sizeof list / sizeof *list)

static const char *const sentences[] = {
	"We moved our attendance team meeting to Monday mornings and it made a real difference.",
	"Has anyone tried a family liaison who calls home on the first day of an absence?",
	"Our students responded well when advisory started with a short check-in circle.",
	"The state changed the reporting deadline again, so plan for an extra week of data clean-up.",
	"I would start with the teachers who already volunteer for coaching cycles.",
	"We budgeted for two substitute days per teacher so they could observe each other.",
	"The rubric we built last year is in the library; feel free to adapt it.",
	"Our English learners made the biggest gains when the co-teaching pairs planned together.",
	"What does your IEP meeting schedule look like in the spring?",
	"We stopped sending the long newsletter and families read the short text messages instead.",
	"Chronic absenteeism dropped from 24 to 17 percent after we added home visits.",
	"I can share the template we use for the master schedule if that helps.",
	"The hardest part was protecting the common planning time from other meetings.",
	"Our board asked for a three-year facilities plan, and this group's example saved us weeks.",
	"We pair every new teacher with a mentor from a different grade level.",
	"Students lead their own conferences twice a year, with a portfolio of their work.",
	"Does anyone have a good protocol for looking at student work with the whole staff?",
	"We tried a four-day week for staff development and the teachers loved it.",
	"The counselor caseload is the real constraint; we could not do it without a second hire.",
	"Our nurse keeps a simple spreadsheet of chronic conditions that the teachers can see.",
	"For the audit, start gathering the grant documentation in January, not in June.",
	"We use exit tickets every day and review them in grade-level teams on Fridays.",
	"The mental health screener raised more needs than we could serve at first.",
	"Thank you, this is exactly what I needed for our leadership retreat.",
	"I agree with the point about consistent routines across classrooms.",
	"College visits in ninth grade changed how our students talk about their plans.",
	"We lost three teachers to the district last year, mostly over salary.",
	"Our math scores improved once we stopped tracking students in the middle grades.",
	"Let us bring this question to the next monthly call.",
	"Here is what worked for us, though every school is a bit different.",
};
static const char *const question_openers[] = {
	"How do you handle", "What is your approach to", "Looking for examples of",
	"Advice needed on", "Has anyone solved", "Sharing our plan for", "Question about",
	"Ideas for", "Lessons learned from",
};
static const char *const subjects[] = {
	"chronic absenteeism", "the master schedule", "new teacher onboarding",
	"IEP meetings in the spring", "family conferences", "the annual audit",
	"staff retention", "English learner placement", "advisory periods",
	"the mental health screener", "college application season", "substitute coverage",
	"restorative practices", "grading for equity", "budget cuts", "board reporting",
	"summer school", "state testing logistics", "coaching cycles", "student-led conferences",
};
static const char *const doc_kinds[] = {
	"Template", "Rubric", "Policy", "Handbook", "Checklist", "Protocol", "Budget model",
	"Schedule", "Letter to families", "Presentation",
};

/* One paragraph of 1-4 sentences; sometimes a list, a quote, bold or a link. */
static void paragraph(BenchGen *b, Buf *o)
{
	int kind = (int)(bench_next(&b->rng) % 20);
	int n = (int)bench_between(&b->rng, 1, 4);
	if (kind == 0) {
		for (int i = 0; i < n + 1; i++) {
			buf_puts(o, "- ");
			buf_puts(o, PICK(&b->rng, sentences));
			buf_putc(o, '\n');
		}
		return;
	}
	if (kind == 1)
		buf_puts(o, "> ");
	for (int i = 0; i < n; i++) {
		if (i)
			buf_putc(o, ' ');
		const char *s = PICK(&b->rng, sentences);
		if (kind == 2 && i == 0) {
			buf_puts(o, "**");
			buf_append(o, s, strlen(s) - 1);
			buf_puts(o, "**.");
		} else {
			buf_puts(o, s);
		}
	}
	if (kind == 3)
		buf_puts(o, " More in [the shared folder](https://docs.example.org/shared).");
	buf_putc(o, '\n');
}

/* A post body: 1-5 paragraphs, a mention now and then, the rare phrase very rarely. */
static int64_t post_body(BenchGen *b, Buf *o, const BenchCommunity *k, bool long_post)
{
	o->len = 0;
	if (o->data)
		o->data[0] = '\0';
	int64_t mentioned = 0;
	if (bench_chance(&b->rng, 6) && k && k->n_roster) {
		mentioned = k->roster[bench_next(&b->rng) % (uint64_t)k->n_roster];
		buf_printf(o, "@%s ", b->user_handle[mentioned]);
	}
	int n = long_post ? (int)bench_between(&b->rng, 2, 5) : (int)bench_between(&b->rng, 1, 3);
	for (int i = 0; i < n; i++) {
		if (i)
			buf_putc(o, '\n');
		paragraph(b, o);
	}
	if (bench_next(&b->rng) % 40000 == 0)
		buf_puts(o, "\nWe borrowed the " BENCH_RARE_PHRASE " from a colleague in Denver.\n");
	return mentioned;
}

/* ---- discussions ---- */

static void gen_discussions(BenchGen *b)
{
	int n_threads = (int)(50000 * b->scale + 0.5);
	int64_t n_posts = (int64_t)(500000 * b->scale + 0.5);
	if (n_threads < 200)
		n_threads = 200;
	if (n_posts < 10 * (int64_t)n_threads)
		n_posts = 10 * (int64_t)n_threads;
	sqlite3_stmt *th = db_prepare(
		b->db, "INSERT INTO threads (id, community_id, author_id, title, is_question, "
		       "answer_post_id, answered_by, created_at, last_post_at, last_post_id, "
		       "reply_count) VALUES (:id, :c, :author, :title, :question, :answer, "
		       ":answered_by, :created, :last_at, :last_id, :replies)");
	sqlite3_stmt *po = db_prepare(
		b->db, "INSERT INTO posts (id, thread_id, author_id, body, created_at, edited_at, "
		       "deleted_at, deleted_by) VALUES (:id, :thread, :author, :body, :at, :edited, "
		       ":deleted, :deleted_by)");
	sqlite3_stmt *mention = db_prepare(b->db, "INSERT OR IGNORE INTO post_mentions (post_id, "
						 "user_id) VALUES (:p, :u)");
	sqlite3_stmt *share = db_prepare(b->db, "INSERT OR IGNORE INTO thread_shares (thread_id, "
					       "community_id, shared_by, shared_at, last_post_at) "
					       "VALUES (:t, :c, :by, :at, :last)");
	sqlite3_stmt *read = db_prepare(b->db, "INSERT OR IGNORE INTO thread_reads (user_id, "
					      "thread_id, last_read_post_id) VALUES (:u, :t, :p)");
	/* The bench member's first community holds thread 1, with exactly 50 replies. */
	int bench_c = 0;
	for (int c = 0; c < b->n_communities; c++) {
		const BenchCommunity *k = &b->communities[c];
		for (int i = 0; i < k->n_roster; i++)
			if (k->roster[i] == BENCH_MEMBER_ID && !bench_c)
				bench_c = c + 1;
	}
	Buf body = {0};
	int64_t post_id = 0, posts_left = n_posts, span = (int64_t)BENCH_YEARS * 365 * 86400;
	int64_t *times = xmalloc(401 * sizeof *times);
	db_begin(b->db);
	for (int t = 1; t <= n_threads; t++) {
		int threads_left = n_threads - t + 1;
		double mean = (double)posts_left / threads_left - 1;
		/* geometric: most threads are short, a few run to hundreds of replies */
		double go_on = mean > 0 ? mean / (mean + 1) : 0;
		int replies = 0;
		while (replies < 400 &&
		       (double)(bench_next(&b->rng) >> 11) / 9007199254740992.0 < go_on)
			replies++;
		if (t == 1)
			replies = 50;
		if (replies > posts_left - threads_left)
			replies = (int)(posts_left - threads_left > 0 ? posts_left - threads_left : 0);
		posts_left -= replies + 1;

		int c = t == 1 && bench_c ? bench_c - 1
			: bench_chance(&b->rng, 5) ? -1
			: (int)bench_between(&b->rng, 0, b->n_communities - 1);
		const BenchCommunity *k = c >= 0 ? &b->communities[c] : NULL;
		/* Threads start in order through the years; the bench thread is recent. */
		int64_t created = b->now - span + span * t / (n_threads + 1) -
				  bench_between(&b->rng, 0, 86400);
		if (t == 1)
			created = b->now - 3 * 86400;
		times[0] = created;
		for (int i = 1; i <= replies; i++) {
			int64_t gap = bench_chance(&b->rng, 80) ? bench_between(&b->rng, 60, 6 * 3600)
								: bench_between(&b->rng, 6 * 3600, 9 * 86400);
			times[i] = times[i - 1] + gap;
			if (times[i] > b->now)
				times[i] = b->now - (replies - i);
		}
		int64_t first_post = post_id + 1;
		bool question = bench_chance(&b->rng, 30);
		int answer = question && replies > 1 && bench_chance(&b->rng, 50)
				     ? (int)bench_between(&b->rng, 1, replies) : 0;
		int64_t author_of_first = k && k->n_roster
						  ? k->roster[bench_next(&b->rng) % (uint64_t)k->n_roster]
						  : bench_between(&b->rng, BENCH_ADMINS + 2, b->n_members);
		char title[200];
		snprintf(title, sizeof title, "%s %s?", PICK(&b->rng, question_openers),
			 PICK(&b->rng, subjects));
		db_bind_int(th, ":id", t);
		if (k)
			db_bind_int(th, ":c", k->id);
		else
			db_bind_text(th, ":c", NULL);
		db_bind_int(th, ":author", author_of_first);
		db_bind_text(th, ":title", title);
		db_bind_int(th, ":question", question);
		if (answer) {
			db_bind_int(th, ":answer", first_post + answer);
			db_bind_int(th, ":answered_by", author_of_first);
		} else {
			db_bind_text(th, ":answer", NULL);
			db_bind_text(th, ":answered_by", NULL);
		}
		db_bind_int(th, ":created", created);
		db_bind_int(th, ":last_at", times[replies]);
		db_bind_int(th, ":last_id", first_post + replies);
		/* reply_count counts replies not deleted: decided below, fixed up after */
		db_bind_int(th, ":replies", replies);
		db_run(th);
		int deleted = 0;
		for (int i = 0; i <= replies; i++) {
			int64_t author = i == 0 ? author_of_first
					 : k && k->n_roster
						 ? k->roster[bench_next(&b->rng) % (uint64_t)k->n_roster]
						 : bench_between(&b->rng, BENCH_ADMINS + 2, b->n_members);
			if (t == 1 && i % 10 == 5)
				author = BENCH_MEMBER_ID;
			bool gone = t != 1 && i > 0 && bench_chance(&b->rng, 1) && i != answer;
			int64_t mentioned = post_body(b, &body, k, i == 0);
			post_id++;
			db_bind_int(po, ":id", post_id);
			db_bind_int(po, ":thread", t);
			db_bind_int(po, ":author", author);
			db_bind_text(po, ":body", gone ? "" : body.data);
			db_bind_int(po, ":at", times[i]);
			if (!gone && bench_chance(&b->rng, 3))
				db_bind_int(po, ":edited", times[i] + 600);
			else
				db_bind_text(po, ":edited", NULL);
			if (gone) {
				db_bind_int(po, ":deleted", times[i] + 3600);
				db_bind_int(po, ":deleted_by", author);
				deleted++;
			} else {
				db_bind_text(po, ":deleted", NULL);
				db_bind_text(po, ":deleted_by", NULL);
			}
			db_run(po);
			if (mentioned && !gone) {
				db_bind_int(mention, ":p", post_id);
				db_bind_int(mention, ":u", mentioned);
				db_run(mention);
			}
			bench_batch_tick(b);
		}
		if (deleted) {
			sqlite3_stmt *fix = db_prepare(b->db, "UPDATE threads SET reply_count = :n "
							      "WHERE id = :id");
			db_bind_int(fix, ":n", replies - deleted);
			db_bind_int(fix, ":id", t);
			db_run(fix);
		}
		if (k && bench_chance(&b->rng, 2)) {
			int other = (int)bench_between(&b->rng, 0, b->n_communities - 1);
			db_bind_int(share, ":t", t);
			db_bind_int(share, ":c", b->communities[other].id);
			db_bind_int(share, ":by", author_of_first);
			db_bind_int(share, ":at", created + 3600);
			db_bind_int(share, ":last", times[replies]);
			db_run(share);
		}
		/* The bench member has read most of the threads of their communities. */
		bool bench_reads = false;
		for (int i = 0; k && i < k->n_roster && !bench_reads; i++)
			bench_reads = k->roster[i] == BENCH_MEMBER_ID;
		if ((bench_reads || !k) && bench_chance(&b->rng, 70)) {
			db_bind_int(read, ":u", BENCH_MEMBER_ID);
			db_bind_int(read, ":t", t);
			db_bind_int(read, ":p", first_post + (replies > 2 ? replies - 2 : replies));
			db_run(read);
		}
		bench_batch_tick(b);
	}
	db_commit(b->db);
	db_release(b->db);
	free(times);
	buf_free(&body);
	bench_progress(b, "threads", n_threads);
	bench_progress(b, "posts", post_id);
}

/* ---- the document library ---- */

static void gen_library(BenchGen *b)
{
	int n_docs = (int)(20000 * b->scale + 0.5);
	if (n_docs < 50)
		n_docs = 50;
	int n_links = n_docs / 10;
	sqlite3_stmt *item = db_prepare(
		b->db, "INSERT INTO library_items (id, kind, title, description, url, category_id, "
		       "community_id, created_by, created_at, updated_at) VALUES (:id, :kind, "
		       ":title, :description, :url, :category, :c, :by, :at, :updated)");
	sqlite3_stmt *version = db_prepare(
		b->db, "INSERT INTO library_versions (item_id, number, file_id, note, text, "
		       "uploaded_by, created_at) VALUES (:item, :number, :file, :note, :text, :by, "
		       ":at)");
	sqlite3_stmt *tag = db_prepare(b->db, "INSERT OR IGNORE INTO library_tags (item_id, tag) "
					     "VALUES (:item, :tag)");
	sqlite3_stmt *rating = db_prepare(
		b->db, "INSERT OR IGNORE INTO library_ratings (item_id, user_id, stars, review, "
		       "created_at, updated_at) VALUES (:item, :u, :stars, :review, :at, :at)");
	sqlite3_stmt *cats = db_prepare(b->db, "SELECT count(*) FROM library_categories");
	int64_t n_categories = db_step(cats) == SQLITE_ROW ? db_col_int(cats, 0) : 0;
	sqlite3_reset(cats);
	static const char *const tags[] = {
		"budget", "hiring", "onboarding", "board", "policy", "attendance", "iep",
		"ell", "template", "rubric", "audit", "schedule", "family engagement", "wellness",
		"coaching", "data", "equity", "college", "safety", "facilities",
	};
	Buf text = {0}, desc = {0};
	int64_t n_versions = 0, n_ratings = 0;
	int64_t span = (int64_t)BENCH_YEARS * 365 * 86400;
	db_begin(b->db);
	for (int id = 1; id <= n_docs + n_links; id++) {
		bool link = id > n_docs;
		/* a fifth are in a community's folder; the rest are for every member */
		int c = bench_chance(&b->rng, 20) ? (int)bench_between(&b->rng, 0, b->n_communities - 1)
						   : -1;
		int64_t by = c >= 0 && b->communities[c].n_roster
				     ? b->communities[c].roster[bench_next(&b->rng) %
							       (uint64_t)b->communities[c].n_roster]
				     : bench_between(&b->rng, BENCH_ADMINS + 2, b->n_members);
		int64_t at = b->now - span + span * id / (n_docs + n_links + 1);
		char title[200];
		snprintf(title, sizeof title, "%s: %s", PICK(&b->rng, doc_kinds),
			 PICK(&b->rng, subjects));
		desc.len = 0;
		if (desc.data)
			desc.data[0] = '\0';
		paragraph(b, &desc);
		int versions = link ? 0 : bench_chance(&b->rng, 30) ? (int)bench_between(&b->rng, 2, 4)
								     : 1;
		db_bind_int(item, ":id", id);
		db_bind_text(item, ":kind", link ? "resource" : "document");
		db_bind_text(item, ":title", title);
		db_bind_text(item, ":description", desc.data);
		db_bind_text(item, ":url", link ? "https://www.example.org/resources/guide" : NULL);
		if (n_categories)
			db_bind_int(item, ":category", bench_between(&b->rng, 1, n_categories));
		else
			db_bind_text(item, ":category", NULL);
		if (c >= 0)
			db_bind_int(item, ":c", b->communities[c].id);
		else
			db_bind_text(item, ":c", NULL);
		db_bind_int(item, ":by", by);
		db_bind_int(item, ":at", at);
		db_bind_int(item, ":updated", at + (versions - 1) * 30 * 86400);
		db_run(item);
		for (int v = 1; v <= versions; v++) {
			/* the document's text: 1 to 8 KB of plain-text paragraphs */
			text.len = 0;
			if (text.data)
				text.data[0] = '\0';
			buf_printf(&text, "%s\n\n", title);
			size_t size = (size_t)bench_between(&b->rng, 1000, 8000);
			while (text.len < size)
				paragraph(b, &text);
			if (bench_next(&b->rng) % 4000 == 0)
				buf_puts(&text, "Appendix: the " BENCH_RARE_PHRASE " we use each week.\n");
			int64_t when = at + (v - 1) * 30 * 86400;
			int64_t f = bench_store_file(b, "document.txt", "text/plain; charset=utf-8",
						     text.data, text.len, by, when);
			db_bind_int(version, ":item", id);
			db_bind_int(version, ":number", v);
			db_bind_int(version, ":file", f);
			db_bind_text(version, ":note", v == 1 ? "" : "Updated for this year");
			db_bind_text(version, ":text", text.data);
			db_bind_int(version, ":by", by);
			db_bind_int(version, ":at", when);
			db_run(version);
			n_versions++;
			bench_batch_tick(b);
		}
		int ntags = (int)bench_between(&b->rng, 0, 3);
		for (int t = 0; t < ntags; t++) {
			db_bind_int(tag, ":item", id);
			db_bind_text(tag, ":tag", PICK(&b->rng, tags));
			db_run(tag);
		}
		int nratings = bench_chance(&b->rng, 40) ? (int)bench_between(&b->rng, 1, 12) : 0;
		for (int k = 0; k < nratings; k++) {
			db_bind_int(rating, ":item", id);
			db_bind_int(rating, ":u", bench_between(&b->rng, BENCH_ADMINS + 2, b->n_members));
			db_bind_int(rating, ":stars", bench_between(&b->rng, 2, 5));
			db_bind_text(rating, ":review", bench_chance(&b->rng, 30)
							    ? "Clear and easy to adapt for our school." : "");
			db_bind_int(rating, ":at", at + 86400);
			db_run(rating);
			n_ratings++;
		}
		bench_batch_tick(b);
	}
	db_commit(b->db);
	db_release(b->db);
	buf_free(&text);
	buf_free(&desc);
	bench_progress(b, "library documents", n_docs);
	bench_progress(b, "library links", n_links);
	bench_progress(b, "document versions", n_versions);
	bench_progress(b, "ratings", n_ratings);
}

void bench_content(BenchGen *b)
{
	if (bench_table_exists(b->db, "posts")) {
		/* one community in ten keeps its space and board to its own members */
		sqlite3_stmt *st = db_prepare(b->db, "UPDATE communities SET visibility = 'private' "
						     "WHERE id % 10 = 7");
		db_run(st);
		gen_discussions(b);
	}
	else
		bench_progress(b, "no discussions in this version", 0);
	if (bench_table_exists(b->db, "library_items"))
		gen_library(b);
	else
		bench_progress(b, "no library in this version", 0);
}

void bench_reindex(BenchGen *b)
{
	int64_t n = search_reindex(b->db);
	bench_progress(b, n >= 0 ? "search index entries" : "search index FAILED", n);
}
