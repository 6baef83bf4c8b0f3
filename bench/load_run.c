/* The mixed-load test's traffic: every connection loops over a weighted mix of reads and
 * writes on one libcurl multi handle (keep-alive, one easy handle per connection), and each
 * response is judged as it completes: an error, an expected refusal, or a success (writes
 * are then remembered for the database check). Samples the server's RSS and CPU as it goes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "load.h"

const char *const kind_names[K_COUNT] = {
	[K_HOME] = "home",
	[K_BOARD] = "board",
	[K_THREAD] = "thread",
	[K_SEARCH] = "search",
	[K_CALENDAR] = "calendar",
	[K_LIBRARY] = "library",
	[K_DOWNLOAD] = "document download",
	[K_NEW_THREAD] = "new thread",
	[K_REPLY] = "reply",
	[K_SIGNUP] = "offering sign-up",
	[K_WITHDRAW] = "offering withdrawal",
	[K_RSVP_GOING] = "RSVP going",
	[K_RSVP_NOT_GOING] = "RSVP not going",
	[K_UPLOAD] = "document upload",
	[K_SWEEP] = "warm-up pass",
};

/* The mix, in parts per thousand: mostly reading, as members do; sign-ups and RSVPs pick
 * their direction (in or out) from the connection's own state. */
static const struct {
	Kind kind;
	int weight;
} mix[] = {
	{K_HOME, 120},	   {K_BOARD, 110},  {K_THREAD, 150},	 {K_SEARCH, 60},
	{K_CALENDAR, 70},  {K_LIBRARY, 70}, {K_DOWNLOAD, 70},	 {K_NEW_THREAD, 30},
	{K_REPLY, 110},	   {K_SIGNUP, 90},  {K_RSVP_GOING, 80}, {K_UPLOAD, 40},
};

static const char *const searches[] = {"budget", "attendance", "teacher", "board+policy",
				       "%22cash+flow%22", "restorative+circle+protocol"};

typedef struct {
	char *data;
	size_t len;
} Bytes;

typedef struct {
	int index, member;
	CURL *easy;
	Kind kind;
	int target; /* offering or meeting index */
	double started;
	long token, size, bytes;
	char url[512];
	char *form;
	char *upload;
	curl_mime *mime;
	struct curl_slist *headers;
} Conn;

/* ---- shared with load_verify.c ---- */

static int slots_of(const Run *run, int member)
{
	return run->connections / run->nmembers + (member < run->connections % run->nmembers);
}

bool owns_pair(const Run *run, int connection, int k)
{
	int member = connection % run->nmembers, slot = connection / run->nmembers;
	return k % slots_of(run, member) == slot;
}

void token_text(const Run *run, long token, char *out, size_t n)
{
	snprintf(out, n, "loadtok%06xn%ld", run->run_tag, token);
}

char *upload_content(const Run *run, long token, long size)
{
	static const char *const words[] = {"budget", "cohort", "agenda",   "charter", "school",
					    "policy", "reading", "coaching", "nurse",   "teacher",
					    "board",  "finance", "survey",   "rubric",  "family"};
	char *out = malloc((size_t)size + 1);
	if (!out)
		return NULL;
	char head[64];
	token_text(run, token, head, sizeof head);
	int n = snprintf(out, (size_t)size + 1, "Load test document %s\n", head);
	long pos = n < size ? n : size;
	uint64_t x = (uint64_t)token * 0x9E3779B97F4A7C15ull ^ run->run_tag;
	while (pos < size) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		const char *w = words[x % (sizeof words / sizeof *words)];
		for (const char *p = w; *p && pos < size; p++)
			out[pos++] = *p;
		if (pos < size)
			out[pos++] = (x >> 20) % 12 == 0 ? '\n' : ' ';
	}
	out[size] = '\0';
	return out;
}

/* ---- one request ---- */

static size_t count_bytes(char *p, size_t size, size_t n, void *userdata)
{
	(void)p;
	((Conn *)userdata)->bytes += (long)(size * n);
	return size * n;
}

static long next_token = 1;
static int next_sweep;

static void add_ack(Run *run, Kind kind, long token, long size)
{
	if (run->nacks == run->cap_acks) {
		run->cap_acks = run->cap_acks ? run->cap_acks * 2 : 1024;
		run->acks = realloc(run->acks, (size_t)run->cap_acks * sizeof *run->acks);
		if (!run->acks) {
			say("out of memory");
			exit(2);
		}
	}
	run->acks[run->nacks++] = (Ack){.kind = kind, .token = token, .size = size};
}

static char *form_of(CURL *h, const char *csrf, const char *a, const char *av, const char *b,
		     const char *bv)
{
	char *e_csrf = curl_easy_escape(h, csrf, 0);
	char *e_av = av ? curl_easy_escape(h, av, 0) : NULL;
	char *e_bv = bv ? curl_easy_escape(h, bv, 0) : NULL;
	size_t len = strlen(e_csrf) + (e_av ? strlen(e_av) : 0) + (e_bv ? strlen(e_bv) : 0) + 64;
	char *out = malloc(len);
	if (!out)
		exit(2);
	int n = snprintf(out, len, "csrf=%s", e_csrf);
	if (a)
		n += snprintf(out + n, len - (size_t)n, "&%s=%s", a, e_av);
	if (b)
		snprintf(out + n, len - (size_t)n, "&%s=%s", b, e_bv);
	curl_free(e_csrf);
	curl_free(e_av);
	curl_free(e_bv);
	return out;
}

static Kind pick_kind(const Run *run, Conn *c, int *target)
{
	int total = 0;
	for (size_t i = 0; i < sizeof mix / sizeof *mix; i++)
		total += mix[i].weight;
	int r = rand() % total;
	Kind kind = K_HOME;
	for (size_t i = 0; i < sizeof mix / sizeof *mix; i++) {
		if (r < mix[i].weight) {
			kind = mix[i].kind;
			break;
		}
		r -= mix[i].weight;
	}
	if (kind == K_SIGNUP || kind == K_RSVP_GOING) {
		int n = kind == K_SIGNUP ? OFFERINGS : MEETINGS;
		int owned[OFFERINGS > MEETINGS ? OFFERINGS : MEETINGS], nowned = 0;
		for (int k = 0; k < n; k++)
			if (owns_pair(run, c->index, k))
				owned[nowned++] = k;
		if (!nowned)
			return K_HOME;
		*target = owned[rand() % nowned];
		if (kind == K_SIGNUP) {
			OfferingState s = run->offering_state[c->index][*target];
			if (s == PAIR_UNKNOWN)
				return K_HOME;
			return s == PAIR_SIGNED_UP ? K_WITHDRAW : K_SIGNUP;
		}
		RsvpState s = run->rsvp_state[c->index][*target];
		if (s == RSVP_UNKNOWN)
			return K_HOME;
		return s == RSVP_GOING ? K_RSVP_NOT_GOING : K_RSVP_GOING;
	}
	return kind;
}

static void start_request(Run *run, CURLM *multi, Conn *c)
{
	Member *m = &run->members[c->member];
	CURL *h = c->easy;
	curl_easy_reset(h);
	curl_easy_setopt(h, CURLOPT_SHARE, m->share);
	curl_easy_setopt(h, CURLOPT_COOKIEFILE, "");
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, count_bytes);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, c);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(h, CURLOPT_PRIVATE, c);
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	c->bytes = 0;
	c->token = 0;
	c->size = 0;
	c->target = 0;
	char token[64];
	const char *path = "/home";
	char pathbuf[256];
	if (next_sweep < run->nsweep) {
		c->kind = K_SWEEP;
		path = run->sweep[next_sweep++];
	} else {
		c->kind = pick_kind(run, c, &c->target);
	}
	switch (c->kind) {
	case K_HOME:
		path = "/home";
		break;
	case K_BOARD:
		path = "/board";
		break;
	case K_THREAD: /* the busiest threads most often */
		snprintf(pathbuf, sizeof pathbuf, "/threads/%lld",
			 (long long)run->threads[rand() % (rand() % 2 ? 8 : run->nthreads)]);
		path = pathbuf;
		break;
	case K_SEARCH:
		snprintf(pathbuf, sizeof pathbuf, "/search?q=%s",
			 searches[rand() % (sizeof searches / sizeof *searches)]);
		path = pathbuf;
		break;
	case K_CALENDAR:
		path = "/calendar";
		break;
	case K_LIBRARY:
		path = "/library";
		break;
	case K_DOWNLOAD:
		snprintf(pathbuf, sizeof pathbuf, "/library/%lld/file", (long long)run->document_id);
		path = pathbuf;
		/* the bytes themselves, to compare their count */
		curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, NULL);
		break;
	case K_NEW_THREAD: {
		c->token = next_token++;
		token_text(run, c->token, token, sizeof token);
		char title[128], body[512];
		snprintf(title, sizeof title, "Load question %s", token);
		snprintf(body, sizeof body,
			 "How do other schools plan the spring budget review? Asking for the load "
			 "test (%s). We meet with the board in March and want a calendar that "
			 "leaves time for the finance committee.",
			 token);
		c->form = form_of(h, m->csrf, "title", title, "body", body);
		path = "/board";
		break;
	}
	case K_REPLY: {
		c->token = next_token++;
		token_text(run, c->token, token, sizeof token);
		char body[512];
		snprintf(body, sizeof body,
			 "We did the same last year: **two sessions** with the committee, then the "
			 "board. Reply %s from the load test.",
			 token);
		c->form = form_of(h, m->csrf, "body", body, NULL, NULL);
		snprintf(pathbuf, sizeof pathbuf, "/threads/%lld/replies",
			 (long long)run->threads[rand() % run->nthreads]);
		path = pathbuf;
		break;
	}
	case K_SIGNUP:
	case K_WITHDRAW:
		c->form = form_of(h, m->csrf, NULL, NULL, NULL, NULL);
		snprintf(pathbuf, sizeof pathbuf, "/communities/%s/%s",
			 run->offering_slug[c->target], c->kind == K_SIGNUP ? "signup" : "withdraw");
		path = pathbuf;
		break;
	case K_RSVP_GOING:
	case K_RSVP_NOT_GOING:
		c->form = form_of(h, m->csrf, "answer",
				  c->kind == K_RSVP_GOING ? "going" : "not_going", NULL, NULL);
		snprintf(pathbuf, sizeof pathbuf, "/meetings/%lld/rsvp",
			 (long long)run->meeting_id[c->target]);
		path = pathbuf;
		break;
	case K_UPLOAD: {
		c->token = next_token++;
		c->size = 512 + (c->token * 7919) % 32768;
		token_text(run, c->token, token, sizeof token);
		c->upload = upload_content(run, c->token, c->size);
		c->mime = curl_mime_init(h);
		char title[128], filename[128], category[32];
		snprintf(title, sizeof title, "Load document %s", token);
		snprintf(filename, sizeof filename, "load-%s.txt", token);
		snprintf(category, sizeof category, "%lld", (long long)run->category_id);
		const char *fields[][2] = {{"csrf", m->csrf},
					   {"title", title},
					   {"description", "Uploaded by the load test."},
					   {"category", category},
					   {"community", "0"},
					   {"tags", "load, test"}};
		for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
			curl_mimepart *part = curl_mime_addpart(c->mime);
			curl_mime_name(part, fields[i][0]);
			curl_mime_data(part, fields[i][1], CURL_ZERO_TERMINATED);
		}
		curl_mimepart *part = curl_mime_addpart(c->mime);
		curl_mime_name(part, "file");
		curl_mime_data(part, c->upload, (size_t)c->size);
		curl_mime_filename(part, filename);
		curl_mime_type(part, "text/plain");
		curl_easy_setopt(h, CURLOPT_MIMEPOST, c->mime);
		/* no 100-continue round trip: browsers send the body at once */
		c->headers = curl_slist_append(NULL, "Expect:");
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, c->headers);
		path = "/library";
		break;
	}
	case K_SWEEP:
	case K_COUNT:
		break;
	}
	if (c->form)
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, c->form);
	snprintf(c->url, sizeof c->url, "%s%s", run->base, path);
	curl_easy_setopt(h, CURLOPT_URL, c->url);
	c->started = 0;
	curl_multi_add_handle(multi, h);
}

static void release_request(Conn *c)
{
	free(c->form);
	c->form = NULL;
	free(c->upload);
	c->upload = NULL;
	curl_mime_free(c->mime);
	c->mime = NULL;
	curl_slist_free_all(c->headers);
	c->headers = NULL;
}

static void latency_add(Latencies *l, double ms)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 1024;
		l->ms = realloc(l->ms, (size_t)l->cap * sizeof *l->ms);
		if (!l->ms)
			exit(2);
	}
	l->ms[l->n++] = ms;
}

static void problem(Run *run, const Conn *c, long status, const char *why)
{
	if (run->error_lines++ < 25)
		say("error: %s %s: %s (status %ld)", kind_names[c->kind], c->url, why, status);
}

/* Judges one finished request. Returns true when it counts as an error. */
static bool finish_request(Run *run, Conn *c, CURLcode result, bool measured, double ms)
{
	KindStats *ks = &run->stats[c->kind];
	ks->requests++;
	ks->bytes += c->bytes;
	long status = 0;
	char *location = NULL;
	curl_easy_getinfo(c->easy, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(c->easy, CURLINFO_REDIRECT_URL, &location);
	const char *where = location ? location : "";
	bool is_write = c->kind >= K_NEW_THREAD && c->kind != K_SWEEP;
	bool ok = false, expected_refusal = false;
	const char *why = "unexpected answer";
	if (result != CURLE_OK) {
		why = curl_easy_strerror(result);
	} else if (status >= 500) {
		why = "server error";
	} else if (!is_write) {
		ok = status == 200 && c->bytes > 0;
		if (ok && c->kind == K_DOWNLOAD && c->bytes != run->document_size) {
			ok = false;
			why = "download of the wrong length";
		}
	} else if (c->kind == K_RSVP_GOING && status == 409) {
		/* The documented refusal: the meeting's seats are all taken. */
		expected_refusal = true;
	} else if (status == 303) {
		switch (c->kind) {
		case K_NEW_THREAD:
		case K_REPLY:
			ok = strstr(where, "/threads/") != NULL;
			if (ok)
				add_ack(run, c->kind, c->token, 0);
			break;
		case K_UPLOAD:
			ok = strstr(where, "notice=document-added") != NULL;
			if (ok)
				add_ack(run, c->kind, c->token, c->size);
			break;
		case K_SIGNUP:
			ok = strstr(where, "notice=signed-up") || strstr(where, "notice=waitlisted");
			if (ok) {
				run->offering_state[c->index][c->target] = PAIR_SIGNED_UP;
				if (strstr(where, "notice=signed-up"))
					run->signups_seated++;
				else
					run->signups_waitlisted++;
			}
			break;
		case K_WITHDRAW:
			ok = strstr(where, "notice=withdrawn") != NULL;
			if (ok)
				run->offering_state[c->index][c->target] = PAIR_WITHDRAWN;
			break;
		case K_RSVP_GOING:
		case K_RSVP_NOT_GOING:
			ok = strstr(where, "notice=rsvp-") != NULL;
			if (ok)
				run->rsvp_state[c->index][c->target] =
					c->kind == K_RSVP_GOING ? RSVP_GOING : RSVP_NOT_GOING;
			break;
		default:
			break;
		}
	}
	if (expected_refusal) {
		ks->expected_4xx++;
		run->rsvp_full++;
	} else if (!ok) {
		ks->errors++;
		problem(run, c, status, why);
		/* A write whose outcome we do not know: its pair is no longer checked. */
		if (c->kind == K_SIGNUP || c->kind == K_WITHDRAW)
			run->offering_state[c->index][c->target] = PAIR_UNKNOWN;
		if (c->kind == K_RSVP_GOING || c->kind == K_RSVP_NOT_GOING)
			run->rsvp_state[c->index][c->target] = RSVP_UNKNOWN;
	}
	if (measured) {
		ks->measured++;
		latency_add(&ks->lat, ms);
	}
	return !ok && !expected_refusal;
}

/* The WAL file's size in KiB (0 when there is none). */
static long wal_kb(const Run *run)
{
	char path[160];
	snprintf(path, sizeof path, "%s-wal", run->db_path);
	struct stat st;
	return stat(path, &st) == 0 ? (long)(st.st_size / 1024) : 0;
}

static void sample_rss(Run *run, long kb)
{
	long wal = wal_kb(run);
	if (wal > run->wal_max_kb)
		run->wal_max_kb = wal;
	if (kb > run->rss_max_kb)
		run->rss_max_kb = kb;
	if (run->nrss < (int)(sizeof run->rss_samples / sizeof *run->rss_samples))
		run->rss_samples[run->nrss++] = kb;
}

int load_run(Run *run, CURLM *multi)
{
	int n = run->connections;
	Conn *conns = calloc((size_t)n, sizeof *conns);
	run->offering_state = calloc((size_t)n, sizeof *run->offering_state);
	run->rsvp_state = calloc((size_t)n, sizeof *run->rsvp_state);
	run->member_of = calloc((size_t)n, sizeof *run->member_of);
	if (!conns || !run->offering_state || !run->rsvp_state || !run->member_of)
		exit(2);
	double start = 0, measure_from, until, next_sample;
	{
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		start = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	}
	/* The warm-up lasts its seconds, and at least until 2 s after its first pass was handed
	 * out (on a slow machine the pass alone may take longer). */
	measure_from = start + run->warmup;
	until = measure_from + run->seconds;
	bool pass_done = false;
	next_sample = start + 5;
	double cpu_from = -1;
	bool measuring = false, stopping = false;
	for (int i = 0; i < n; i++) {
		conns[i].index = i;
		conns[i].member = i % run->nmembers;
		run->member_of[i] = conns[i].member;
		conns[i].easy = curl_easy_init();
	}
	say("%d connections over %d members: %.0f s warm-up (a pass over %d pages, then the mix), "
	    "then %.0f s measured", n, run->nmembers, run->warmup, run->nsweep, run->seconds);
	for (int i = 0; i < n; i++)
		start_request(run, multi, &conns[i]);
	int running = n, failures = 0;
	while (running > 0) {
		int still;
		curl_multi_perform(multi, &still);
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		double now = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
		if (!pass_done && next_sweep >= run->nsweep) {
			pass_done = true;
			if (now + 2 > measure_from) {
				measure_from = now + 2;
				until = measure_from + run->seconds;
			}
			say("warm-up pass over %d pages handed out after %.1f s", run->nsweep,
			    now - start);
		}
		if (!measuring && pass_done && now >= measure_from) {
			measuring = true;
			cpu_from = proc_cpu_s(run->server);
			run->rss_after_warmup_kb = proc_rss_kb(run->server);
			say("warm-up done: server RSS %ld KiB", run->rss_after_warmup_kb);
		}
		if (!stopping && now >= until) {
			stopping = true;
			run->cpu_seconds = proc_cpu_s(run->server) - cpu_from;
			run->rss_end_kb = proc_rss_kb(run->server);
			run->measured_seconds = now - measure_from;
			say("measured run done: server RSS %ld KiB; letting requests in flight finish",
			    run->rss_end_kb);
		}
		if (now >= next_sample) {
			next_sample += 5;
			long kb = proc_rss_kb(run->server);
			if (kb < 0 || waitpid(run->server, NULL, WNOHANG) == run->server) {
				say("the server is gone");
				failures++;
				stopping = true;
				if (!run->measured_seconds)
					run->measured_seconds = now - measure_from;
			} else {
				sample_rss(run, kb);
			}
		}
		CURLMsg *msg;
		int left;
		while ((msg = curl_multi_info_read(multi, &left))) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			Conn *c;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&c);
			curl_off_t total_us = 0;
			curl_easy_getinfo(c->easy, CURLINFO_TOTAL_TIME_T, &total_us);
			double ms = (double)total_us / 1000.0;
			double began = now - (double)total_us / 1e6;
			bool measured = began >= measure_from && now <= until;
			CURLcode result = msg->data.result;
			curl_multi_remove_handle(multi, c->easy);
			finish_request(run, c, result, measured, ms);
			release_request(c);
			if (stopping) {
				running--;
			} else {
				start_request(run, multi, c);
			}
		}
		if (running > 0)
			curl_multi_poll(multi, NULL, 0, 100, NULL);
	}
	for (int i = 0; i < n; i++)
		curl_easy_cleanup(conns[i].easy);
	free(conns);
	for (int k = 0; k < K_COUNT; k++)
		failures += run->stats[k].errors > 0;
	return failures;
}
