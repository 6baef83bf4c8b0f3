/* The mixed-load test's verdict: every write the server acknowledged is looked up in the
 * database after the server stopped (posts and threads by their unique words, uploads byte for
 * byte, each connection's sign-ups and RSVPs as its last acknowledged answer left them), the
 * seat limits hold, the database passes its integrity check; then the summary. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load.h"

/* Marks in seen[] every token of this run found in text. */
static void scan_tokens(const Run *run, const char *text, unsigned char *seen, long max)
{
	char prefix[32];
	snprintf(prefix, sizeof prefix, "loadtok%06xn", run->run_tag);
	size_t plen = strlen(prefix);
	for (const char *p = text; p && (p = strstr(p, prefix)); p += plen) {
		long t = strtol(p + plen, NULL, 10);
		if (t > 0 && t <= max)
			seen[t] = 1;
	}
}

static sqlite3_stmt *prepare(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		say("sql failed: %s", sqlite3_errmsg(db));
		exit(2);
	}
	return st;
}

static int check_uploads(Run *run, sqlite3 *db, long max, const long *ack_of)
{
	int bad = 0;
	sqlite3_stmt *st = prepare(
		db, "SELECT i.title, f.size, b.id FROM library_items i JOIN library_versions v ON "
		    "v.item_id = i.id AND v.number = 1 JOIN files f ON f.id = v.file_id JOIN blobs b "
		    "ON b.sha256 = f.sha256 WHERE i.id > ?");
	sqlite3_stmt *chunks = prepare(db, "SELECT data FROM blob_chunks WHERE blob_id = ? ORDER BY "
					   "seq");
	sqlite3_bind_int64(st, 1, run->max_item_before);
	unsigned char *seen = calloc((size_t)max + 1, 1);
	while (sqlite3_step(st) == SQLITE_ROW) {
		memset(seen, 0, (size_t)max + 1);
		scan_tokens(run, (const char *)sqlite3_column_text(st, 0), seen, max);
		long token = 0;
		for (long t = 1; t <= max && !token; t++)
			if (seen[t])
				token = t;
		if (!token || ack_of[token] < 0)
			continue; /* not acknowledged (an answer lost to a timeout): nothing promised */
		Ack *a = &run->acks[ack_of[token]];
		long size = (long)sqlite3_column_int64(st, 1);
		char *want = upload_content(run, token, a->size);
		char *got = malloc((size_t)size + 1);
		long len = 0;
		sqlite3_bind_int64(chunks, 1, sqlite3_column_int64(st, 2));
		while (sqlite3_step(chunks) == SQLITE_ROW) {
			long n = sqlite3_column_bytes(chunks, 0);
			if (len + n <= size)
				memcpy(got + len, sqlite3_column_blob(chunks, 0), (size_t)n);
			len += n;
		}
		sqlite3_reset(chunks);
		if (size == a->size && len == size && !memcmp(want, got, (size_t)size)) {
			a->verified = true;
		} else if (bad++ < 5) {
			say("upload %ld: stored %ld bytes (%ld in pieces), sent %ld, or other bytes",
			    token, size, len, a->size);
		}
		free(want);
		free(got);
	}
	sqlite3_finalize(st);
	sqlite3_finalize(chunks);
	free(seen);
	return bad;
}

static int check_pairs(Run *run, sqlite3 *db, long *checked)
{
	int bad = 0;
	sqlite3_stmt *membership = prepare(db, "SELECT status FROM memberships WHERE community_id = ? "
					       "AND user_id = ?");
	sqlite3_stmt *rsvp = prepare(db, "SELECT answer FROM rsvps WHERE meeting_id = ? AND user_id = ?");
	for (int c = 0; c < run->connections; c++) {
		int64_t user = run->members[run->member_of[c]].id;
		for (int k = 0; k < OFFERINGS; k++) {
			OfferingState s = run->offering_state[c][k];
			if (!owns_pair(run, c, k) || s == PAIR_UNKNOWN)
				continue;
			sqlite3_bind_int64(membership, 1, run->offering_id[k]);
			sqlite3_bind_int64(membership, 2, user);
			const char *status = sqlite3_step(membership) == SQLITE_ROW
						     ? (const char *)sqlite3_column_text(membership, 0)
						     : "(none)";
			bool good = s == PAIR_NONE	     ? !strcmp(status, "(none)")
				    : s == PAIR_WITHDRAWN ? !strcmp(status, "withdrawn")
							  : !strcmp(status, "participant") ||
								    !strcmp(status, "waitlisted");
			if (!good && bad++ < 5)
				say("sign-up of user %lld to %s: the database says %s, the last answer "
				    "said %s",
				    (long long)user, run->offering_slug[k], status,
				    s == PAIR_NONE ? "nothing" : s == PAIR_WITHDRAWN ? "withdrawn"
										 : "signed up");
			sqlite3_reset(membership);
			(*checked)++;
		}
		for (int k = 0; k < MEETINGS; k++) {
			RsvpState s = run->rsvp_state[c][k];
			if (!owns_pair(run, c, k) || s == RSVP_UNKNOWN)
				continue;
			sqlite3_bind_int64(rsvp, 1, run->meeting_id[k]);
			sqlite3_bind_int64(rsvp, 2, user);
			const char *answer = sqlite3_step(rsvp) == SQLITE_ROW
						     ? (const char *)sqlite3_column_text(rsvp, 0)
						     : "(none)";
			const char *want = s == RSVP_NONE ? "(none)" : s == RSVP_GOING ? "going"
										: "not_going";
			if (strcmp(answer, want) != 0 && bad++ < 5)
				say("RSVP of user %lld to meeting %lld: the database says %s, the last "
				    "answer said %s",
				    (long long)user, (long long)run->meeting_id[k], answer, want);
			sqlite3_reset(rsvp);
			(*checked)++;
		}
	}
	sqlite3_finalize(membership);
	sqlite3_finalize(rsvp);

	/* The seat limits held, and nobody waits while a seat is free. */
	char sql[256];
	for (int k = 0; k < OFFERINGS; k++) {
		snprintf(sql, sizeof sql, "SELECT count(*) FROM memberships WHERE community_id = %lld "
					  "AND status = 'participant'", (long long)run->offering_id[k]);
		int64_t seated = sql_int(db, sql);
		snprintf(sql, sizeof sql, "SELECT count(*) FROM memberships WHERE community_id = %lld "
					  "AND status = 'waitlisted'", (long long)run->offering_id[k]);
		int64_t waiting = sql_int(db, sql);
		if (seated > OFFERING_SEATS || (waiting > 0 && seated < OFFERING_SEATS)) {
			bad++;
			say("%s: %lld seated and %lld waiting for %d seats", run->offering_slug[k],
			    (long long)seated, (long long)waiting, OFFERING_SEATS);
		}
	}
	for (int k = 0; k < MEETINGS; k++) {
		snprintf(sql, sizeof sql, "SELECT count(*) FROM rsvps WHERE meeting_id = %lld AND "
					  "answer = 'going'", (long long)run->meeting_id[k]);
		int64_t going = sql_int(db, sql);
		if (going > MEETING_SEATS) {
			bad++;
			say("meeting %lld: %lld going for %d seats", (long long)run->meeting_id[k],
			    (long long)going, MEETING_SEATS);
		}
	}
	return bad;
}

int verify_writes(Run *run)
{
	sqlite3 *db;
	if (sqlite3_open_v2(run->db_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		say("cannot open %s after the run", run->db_path);
		return 1;
	}
	long max = 0;
	for (long i = 0; i < run->nacks; i++)
		if (run->acks[i].token > max)
			max = run->acks[i].token;
	long *ack_of = malloc(((size_t)max + 1) * sizeof *ack_of);
	unsigned char *in_posts = calloc((size_t)max + 1, 1);
	unsigned char *in_titles = calloc((size_t)max + 1, 1);
	for (long t = 0; t <= max; t++)
		ack_of[t] = -1;
	for (long i = 0; i < run->nacks; i++)
		ack_of[run->acks[i].token] = i;

	sqlite3_stmt *st = prepare(db, "SELECT body FROM posts WHERE id > ?");
	sqlite3_bind_int64(st, 1, run->max_post_before);
	while (sqlite3_step(st) == SQLITE_ROW)
		scan_tokens(run, (const char *)sqlite3_column_text(st, 0), in_posts, max);
	sqlite3_finalize(st);
	st = prepare(db, "SELECT title FROM threads WHERE id > ?");
	sqlite3_bind_int64(st, 1, run->max_thread_before);
	while (sqlite3_step(st) == SQLITE_ROW)
		scan_tokens(run, (const char *)sqlite3_column_text(st, 0), in_titles, max);
	sqlite3_finalize(st);
	int bad = check_uploads(run, db, max, ack_of);

	long acked[K_COUNT] = {0}, verified[K_COUNT] = {0};
	for (long i = 0; i < run->nacks; i++) {
		Ack *a = &run->acks[i];
		if (a->kind == K_REPLY)
			a->verified = in_posts[a->token];
		else if (a->kind == K_NEW_THREAD)
			a->verified = in_posts[a->token] && in_titles[a->token];
		acked[a->kind]++;
		verified[a->kind] += a->verified;
		if (!a->verified && bad++ < 10)
			say("lost write: %s %ld was acknowledged but is not in the database",
			    kind_names[a->kind], a->token);
	}
	long pairs = 0;
	bad += check_pairs(run, db, &pairs);

	st = prepare(db, "PRAGMA integrity_check");
	const char *integrity = sqlite3_step(st) == SQLITE_ROW
					? (const char *)sqlite3_column_text(st, 0)
					: "no answer";
	bool intact = !strcmp(integrity, "ok");
	if (!intact) {
		bad++;
		say("integrity_check: %s", integrity);
	}
	sqlite3_finalize(st);
	sqlite3_close(db);

	printf("\nWrites acknowledged and found in the database after the server stopped:\n");
	printf("  new threads       %6ld of %6ld\n", verified[K_NEW_THREAD], acked[K_NEW_THREAD]);
	printf("  replies           %6ld of %6ld\n", verified[K_REPLY], acked[K_REPLY]);
	printf("  uploads (bytes)   %6ld of %6ld\n", verified[K_UPLOAD], acked[K_UPLOAD]);
	printf("  sign-ups: %ld seated, %ld waitlisted; RSVPs refused as full (409): %ld\n",
	       run->signups_seated, run->signups_waitlisted, run->rsvp_full);
	printf("  sign-up and RSVP states checked: %ld (member, offering or meeting) pairs\n", pairs);
	printf("  integrity_check: %s\n", integrity);
	free(ack_of);
	free(in_posts);
	free(in_titles);
	return bad;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double percentile(Latencies *l, double p)
{
	if (!l->n)
		return 0;
	size_t i = (size_t)(p * (double)(l->n - 1) + 0.5);
	return l->ms[i];
}

int report(Run *run)
{
	int bad = 0;
	long total = 0, measured = 0, errors = 0, refused = 0;
	Latencies all = {0};
	printf("\nMixed load: %d connections, %d members, %.0f s measured after a %.0f s warm-up\n",
	       run->connections, run->nmembers, run->measured_seconds, run->warmup);
	printf("%-20s %9s %8s %9s %9s %7s %9s\n", "kind", "requests", "req/s", "p50 ms", "p99 ms",
	       "errors", "full 409");
	for (int k = 0; k < K_COUNT; k++) {
		KindStats *s = &run->stats[k];
		qsort(s->lat.ms, (size_t)s->lat.n, sizeof *s->lat.ms, cmp_double);
		if (k == K_SWEEP) { /* warm-up only: counted, never measured */
			printf("%-20s %9ld %8s %9s %9s %7ld %9s\n", kind_names[k], s->requests, "-",
			       "-", "-", s->errors, "-");
			total += s->requests;
			errors += s->errors;
			continue;
		}
		printf("%-20s %9ld %8.1f %9.1f %9.1f %7ld %9ld\n", kind_names[k], s->requests,
		       run->measured_seconds > 0 ? (double)s->measured / run->measured_seconds : 0,
		       percentile(&s->lat, 0.5), percentile(&s->lat, 0.99), s->errors,
		       s->expected_4xx);
		total += s->requests;
		measured += s->measured;
		errors += s->errors;
		refused += s->expected_4xx;
		for (int i = 0; i < s->lat.n; i++) {
			if (all.n == all.cap) {
				all.cap = all.cap ? all.cap * 2 : 4096;
				all.ms = realloc(all.ms, (size_t)all.cap * sizeof *all.ms);
			}
			all.ms[all.n++] = s->lat.ms[i];
		}
	}
	qsort(all.ms, (size_t)all.n, sizeof *all.ms, cmp_double);
	printf("%-20s %9ld %8.1f %9.1f %9.1f %7ld %9ld\n", "all", total,
	       run->measured_seconds > 0 ? (double)measured / run->measured_seconds : 0,
	       percentile(&all, 0.5), percentile(&all, 0.99), errors, refused);
	printf("(requests: all, warm-up included; req/s and latencies: the measured %.0f s)\n",
	       run->measured_seconds);
	if (measured > 0)
		printf("Server CPU: %.1f s over %.0f s (%.0f%% of one core), %.0f us per request\n",
		       run->cpu_seconds, run->measured_seconds,
		       100 * run->cpu_seconds / run->measured_seconds,
		       run->cpu_seconds * 1e6 / (double)measured);
	double growth = run->rss_after_warmup_kb > 0
				? 100.0 * (double)(run->rss_end_kb - run->rss_after_warmup_kb) /
					  (double)run->rss_after_warmup_kb
				: 0;
	printf("Server RSS: %.1f MiB after warm-up, %.1f MiB at the end (%+.1f%%, allowed "
	       "+%.0f%%), highest sample %.1f MiB\n",
	       run->rss_after_warmup_kb / 1024.0, run->rss_end_kb / 1024.0, growth,
	       run->rss_growth_pct, run->rss_max_kb / 1024.0);
	printf("RSS every 5 s (MiB):");
	for (int i = 0; i < run->nrss; i++)
		printf(" %.1f", run->rss_samples[i] / 1024.0);
	printf("\nLargest WAL file at a sample: %.1f MiB (allowed %.0f MiB)\n",
	       run->wal_max_kb / 1024.0, run->wal_limit_kb / 1024.0);
	printf("Server still answering after the run: %s; clean stop: %s\n",
	       run->still_answers ? "yes" : "NO", run->exit_status == 0 ? "yes" : "NO");
	if (run->rss_after_warmup_kb <= 0 || run->rss_end_kb <= 0 || growth > run->rss_growth_pct) {
		say("memory grew by %.1f%% (allowed %.0f%%)", growth, run->rss_growth_pct);
		bad++;
	}
	if (run->wal_max_kb > run->wal_limit_kb) {
		say("the WAL grew to %.1f MiB (allowed %.0f MiB): checkpoints do not keep up",
		    run->wal_max_kb / 1024.0, run->wal_limit_kb / 1024.0);
		bad++;
	}
	if (errors)
		say("%ld request%s failed", errors, errors == 1 ? "" : "s");
	free(all.ms);
	return bad;
}
