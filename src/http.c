/* libmicrohttpd glue: the daemon and its thread pool, the two-call request protocol, body
 * limits and form decoding (libmicrohttpd's post processor), responses, security headers, the
 * access log and a graceful stop on SIGINT/SIGTERM. */
#include "http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "compress.h"
#include "config.h"
#include "html.h"
#include "page.h"
#include "router.h"
#include "validate.h"
#include "writers.h"

struct ReqState {
	struct MHD_PostProcessor *post;
	size_t received;
	size_t limit;     /* config.max_body, or config.max_upload on upload routes */
	const char *too_large; /* the 413 message for this route */
	Upload *last_upload;
	bool urlencoded;  /* the body is application/x-www-form-urlencoded */
	int escape_state; /* percent-escape check across chunks: 0, or hex digits still due */
	bool escape_zero; /* the escape's first hex digit was 0 (a second one makes a NUL) */
	int field_cap;
	size_t *value_len, *value_cap;
	int64_t start_us;
	size_t bytes_sent;
	bool answered; /* a response was queued */
	bool handled;  /* a writer thread ran the handler: the answer is ready to queue */
	bool run_here; /* a POST the writers refused (stopping): this worker runs it */
	struct Stream *stream; /* set by resp_stream() until handed to libmicrohttpd */
};

static const Route *route_table;
static FILE *access_log;
static atomic_int requests_in_flight;

/* Applied to every response, dynamic or prebuilt. */
static const char *const security_headers[][2] = {
	{"X-Content-Type-Options", "nosniff"},
	{"Referrer-Policy", "same-origin"},
	{"X-Frame-Options", "DENY"},
	{"Content-Security-Policy",
	 "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
	 "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"},
};

static int64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void http_add_security_headers(struct MHD_Response *resp)
{
	for (size_t i = 0; i < sizeof security_headers / sizeof *security_headers; i++)
		MHD_add_response_header(resp, security_headers[i][0], security_headers[i][1]);
}

static bool has_header(const Req *r, const char *name);

/* The same for a dynamic response, where a handler may set a stricter value of its own (a
 * page with a secret in its address sends Referrer-Policy: no-referrer): the handler's
 * replaces the default instead of joining it. Content-Security-Policy is the exception: a
 * handler's policy is added, and browsers enforce every policy sent, so it can only tighten. */
static void add_security_headers(const Req *r, struct MHD_Response *resp)
{
	for (size_t i = 0; i < sizeof security_headers / sizeof *security_headers; i++)
		if (!strcmp(security_headers[i][0], "Content-Security-Policy") ||
		    !has_header(r, security_headers[i][0]))
			MHD_add_response_header(resp, security_headers[i][0],
						security_headers[i][1]);
}

/* ---- request accessors ---- */

static struct MHD_Connection *mhd(Req *r)
{
	return r->conn;
}

const char *req_query(Req *r, const char *name)
{
	const char *v = MHD_lookup_connection_value(mhd(r), MHD_GET_ARGUMENT_KIND, name);
	return v && text_is_clean(v, strlen(v)) ? v : NULL;
}

const char *req_form(Req *r, const char *name)
{
	for (int i = 0; i < r->nform; i++)
		if (!strcmp(r->form[i].name, name))
			return r->form[i].value;
	return NULL;
}

const char *req_form_or(Req *r, const char *name, const char *fallback)
{
	const char *v = req_form(r, name);
	return v ? v : fallback;
}

const Upload *req_upload(Req *r, const char *name)
{
	for (Upload *u = r->uploads; u; u = u->next)
		if (!strcmp(u->field, name))
			return u;
	return NULL;
}

const char *req_header(Req *r, const char *name)
{
	return MHD_lookup_connection_value(mhd(r), MHD_HEADER_KIND, name);
}

const char *req_cookie(Req *r, const char *name)
{
	return MHD_lookup_connection_value(mhd(r), MHD_COOKIE_KIND, name);
}

const char *req_param(Req *r, int index)
{
	return index < r->nparams ? r->params[index] : NULL;
}

int64_t req_param_id(Req *r, int index)
{
	const char *p = req_param(r, index);
	return p ? strtoll(p, NULL, 10) : 0;
}

typedef struct {
	Req *r;
	Buf *b;
} QueryWriter;

static enum MHD_Result append_query_arg(void *cls, enum MHD_ValueKind kind, const char *key,
					const char *value)
{
	QueryWriter *w = cls;
	buf_putc(w->b, w->b->len ? '&' : '?');
	buf_puts(w->b, url_encode(w->r->arena, key));
	if (value) {
		buf_putc(w->b, '=');
		buf_puts(w->b, url_encode(w->r->arena, value));
	}
	return MHD_YES;
}

const char *req_full_path(Req *r)
{
	Buf query = {0};
	QueryWriter w = {r, &query};
	MHD_get_connection_values(mhd(r), MHD_GET_ARGUMENT_KIND, append_query_arg, &w);
	const char *full = arena_printf(r->arena, "%s%s", r->path, query.data ? query.data : "");
	buf_free(&query);
	return full;
}

/* ---- responses ---- */

void resp_header(Req *r, const char *name, const char *value)
{
	Header *h = arena_alloc(r->arena, sizeof *h);
	h->name = name;
	h->value = value;
	/* In the order added: a later Set-Cookie for the same name must win in the browser. */
	Header **tail = &r->headers;
	while (*tail)
		tail = &(*tail)->next;
	*tail = h;
}

void resp_redirect(Req *r, const char *location)
{
	/* Only local paths: "//host" would leave the site. */
	if (!is_local_path(location))
		location = "/";
	/* A space or a byte beyond ASCII is not allowed in a URI: a "next" address arrives
	 * decoded ("/search?q=a b"), so it is encoded again here. */
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(location), extra = 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)location[i] <= 0x20 || (unsigned char)location[i] >= 0x7f)
			extra += 2;
	if (extra) {
		char *encoded = arena_alloc(r->arena, n + extra + 1), *o = encoded;
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)location[i];
			if (c <= 0x20 || c >= 0x7f) {
				*o++ = '%';
				*o++ = hex[c >> 4];
				*o++ = hex[c & 15];
			} else {
				*o++ = (char)c;
			}
		}
		*o = '\0';
		location = encoded;
	}
	r->status = 303;
	resp_header(r, "Location", location);
	r->out.len = 0;
	if (r->out.data)
		r->out.data[0] = '\0';
}

static void drop_body_reader(Req *r);

void resp_error(Req *r, int status, const char *message)
{
	drop_body_reader(r);
	r->status = status;
	r->out.len = 0;
	if (r->out.data)
		r->out.data[0] = '\0';
	page_error(r, status, message);
}

void resp_prebuilt(Req *r, const void *mhd_response)
{
	r->prebuilt = mhd_response;
	r->status = 200;
}

/* ---- bodies read in pieces (resp_body_reader) ---- */

struct BodyReader {
	uint64_t size;
	BodyRead read;
	void *cls;
	void (*done)(void *cls);
};

static void body_reader_free(void *p)
{
	struct BodyReader *br = p;
	if (br && br->done)
		br->done(br->cls);
	free(br);
}

/* A body reader set but never handed to libmicrohttpd (an error replaced the response). */
static void drop_body_reader(Req *r)
{
	body_reader_free(r->body_reader);
	r->body_reader = NULL;
}

static ssize_t body_reader_piece(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct BodyReader *br = cls;
	if (pos >= br->size)
		return MHD_CONTENT_READER_END_OF_STREAM;
	if (max > br->size - pos)
		max = (size_t)(br->size - pos);
	long n = br->read(br->cls, pos, buf, max);
	return n > 0 && (size_t)n <= max ? (ssize_t)n : MHD_CONTENT_READER_END_WITH_ERROR;
}

void resp_body_reader(Req *r, uint64_t size, BodyRead read, void *cls, void (*done)(void *cls))
{
	drop_body_reader(r);
	struct BodyReader *br = xmalloc(sizeof *br);
	*br = (struct BodyReader){size, read, cls, done};
	r->body_reader = br;
	r->out.len = 0;
	if (r->out.data)
		r->out.data[0] = '\0';
}

static bool has_header(const Req *r, const char *name)
{
	for (const Header *h = r->headers; h; h = h->next)
		if (!strcasecmp(h->name, name))
			return true;
	return false;
}

/* ---- streams (resp_stream): Server-Sent Events without a thread per listener ----
 *
 * libmicrohttpd calls stream_read() for more of the body. With nothing to send it suspends the
 * connection (MHD_suspend_connection, allowed from a content reader) and returns 0: the
 * connection leaves the worker's epoll set, so it neither holds the worker nor busy-loops
 * (returning 0 without suspending would spin). stream_wake() resumes it from any thread
 * (MHD_ALLOW_SUSPEND_RESUME: the daemon's inter-thread channel wakes the worker).
 * Rules this relies on (libmicrohttpd 0.9.75): resuming a connection that is not suspended is
 * undefined, so only the caller that moves the state from PARKED to RUNNING resumes it; a
 * suspended connection is never closed or timed out (so a PARKED stream's connection is
 * alive); the daemon must not be stopped with suspended connections, so streams_stop()
 * ends every stream first. A client that went away while parked is noticed at the next wake
 * (the owner wakes idle streams for heartbeats). The free callback runs without libmicrohttpd
 * locks held, so closed() may take the owner's lock. */

enum { STREAM_RUNNING, STREAM_PARKED };

struct Stream {
	struct MHD_Connection *conn;
	StreamFill fill;
	void (*closed)(void *ctx);
	void *ctx;
	const char *content_type;
	atomic_int state;
	atomic_bool pending;  /* woken since fill() last ran */
	bool listed;          /* in open_streams */
	struct Stream *prev, *next;
};

static pthread_mutex_t streams_lock = PTHREAD_MUTEX_INITIALIZER;
static struct Stream *open_streams; /* every stream handed to libmicrohttpd, for the stop */
static atomic_bool streams_stopping;

Stream *resp_stream(Req *r, const char *content_type, StreamFill fill, void (*closed)(void *ctx),
		    void *ctx)
{
	Stream *s = xmalloc(sizeof *s);
	*s = (Stream){.conn = r->conn, .fill = fill, .closed = closed, .ctx = ctx,
		      .content_type = content_type};
	atomic_init(&s->state, STREAM_RUNNING);
	atomic_init(&s->pending, false);
	r->state->stream = s;
	r->status = 200;
	r->out.len = 0;
	if (r->out.data)
		r->out.data[0] = '\0';
	return s;
}

void stream_wake(Stream *s)
{
	atomic_store(&s->pending, true);
	int parked = STREAM_PARKED;
	if (atomic_compare_exchange_strong(&s->state, &parked, STREAM_RUNNING))
		MHD_resume_connection(s->conn);
}

static void stream_free(void *cls)
{
	Stream *s = cls;
	s->closed(s->ctx); /* first: the owner stops waking it */
	pthread_mutex_lock(&streams_lock);
	if (s->listed) {
		if (s->prev)
			s->prev->next = s->next;
		else
			open_streams = s->next;
		if (s->next)
			s->next->prev = s->prev;
	}
	pthread_mutex_unlock(&streams_lock);
	free(s);
}

/* A stream set up but not sent (an error page replaced it, or the request ended first). */
static void drop_stream(Req *r)
{
	if (r->state->stream)
		stream_free(r->state->stream);
	r->state->stream = NULL;
}

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	Stream *s = cls;
	if (atomic_load(&streams_stopping))
		return MHD_CONTENT_READER_END_OF_STREAM;
	atomic_store(&s->pending, false);
	size_t n = s->fill(s->ctx, buf, max);
	if (n > 0)
		return (ssize_t)(n <= max ? n : max);
	MHD_suspend_connection(s->conn);
	atomic_store(&s->state, STREAM_PARKED);
	/* A wake between fill() and the store above saw RUNNING and left it to us. */
	if (atomic_load(&s->pending) || atomic_load(&streams_stopping)) {
		int parked = STREAM_PARKED;
		if (atomic_compare_exchange_strong(&s->state, &parked, STREAM_RUNNING))
			MHD_resume_connection(s->conn);
	}
	return 0;
}

static void send_stream(Req *r)
{
	Stream *s = r->state->stream;
	r->state->stream = NULL;
	/* Small blocks: events are a few dozen bytes and must not wait for a full buffer. */
	struct MHD_Response *resp =
		MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 1024, stream_read, s, stream_free);
	if (!resp) {
		stream_free(s);
		return;
	}
	pthread_mutex_lock(&streams_lock);
	s->listed = true;
	s->next = open_streams;
	if (open_streams)
		open_streams->prev = s;
	open_streams = s;
	pthread_mutex_unlock(&streams_lock);
	MHD_add_response_header(resp, "Content-Type", s->content_type);
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "X-Accel-Buffering", "no"); /* proxies: pass events on */
	http_add_security_headers(resp);
	for (Header *h = r->headers; h; h = h->next)
		MHD_add_response_header(resp, h->name, h->value);
	MHD_queue_response(mhd(r), 200, resp);
	MHD_destroy_response(resp); /* the connection holds it; stream_free() runs at its end */
	buf_free(&r->out);
	r->state->answered = true;
}

/* At shutdown, after the daemon stopped accepting: every stream ends its body now. */
static void streams_stop(void)
{
	atomic_store(&streams_stopping, true);
	pthread_mutex_lock(&streams_lock);
	for (Stream *s = open_streams; s; s = s->next)
		stream_wake(s);
	pthread_mutex_unlock(&streams_lock);
}

static void send_response(Req *r)
{
	if (r->state->stream) {
		if (r->status == 200 && !r->prebuilt) {
			send_stream(r);
			return;
		}
		drop_stream(r);
	}
	struct MHD_Connection *conn = mhd(r);
	struct MHD_Response *resp;
	if (r->prebuilt) {
		resp = (struct MHD_Response *)r->prebuilt;
		r->state->bytes_sent = 0;
		MHD_queue_response(conn, (unsigned)r->status, resp);
		r->state->answered = true;
		return;
	}
	size_t len;
	if (r->body_reader) {
		/* 64 KiB pieces: few reads per megabyte, little memory per download. */
		struct BodyReader *br = r->body_reader;
		r->body_reader = NULL;
		resp = MHD_create_response_from_callback(br->size, 64 * 1024, body_reader_piece, br,
							 body_reader_free);
		if (!resp) {
			body_reader_free(br);
			return;
		}
		r->state->bytes_sent = (size_t)br->size;
	} else {
		char *body = compress_response(r, buf_take(&r->out, &len), &len);
		resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
		if (!resp) {
			free(body);
			return;
		}
		r->state->bytes_sent = len;
	}
	MHD_add_response_header(resp, "Content-Type",
				r->content_type ? r->content_type : "text/html; charset=utf-8");
	/* Members-only pages must not linger in shared or back-button caches. */
	if (!has_header(r, "Cache-Control"))
		MHD_add_response_header(resp, "Cache-Control", "no-store");
	add_security_headers(r, resp);
	for (Header *h = r->headers; h; h = h->next)
		MHD_add_response_header(resp, h->name, h->value);
	MHD_queue_response(conn, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	r->state->answered = true;
}

/* Answers at once, before the body is read (libmicrohttpd then closes the connection,
 * which is right for a body we refuse to read). */
static enum MHD_Result answer_now(Req *r, int status, const char *message)
{
	resp_error(r, status, message);
	send_response(r);
	return MHD_YES;
}

/* ---- form bodies ---- */

/* The handler met an unexpected database error: whatever it built must not be shown as a
 * success. Busy, full or read-only storage is temporary (503); anything else is a 500. */
static void answer_database_error(Req *r, int rc)
{
	r->headers = NULL;
	r->prebuilt = NULL;
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
	case SQLITE_FULL:
	case SQLITE_READONLY:
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
		resp_header(r, "Retry-After", "30");
		resp_error(r, 503, "The site cannot save changes just now. Please try again in a "
				   "minute; if you were saving something, check whether it was saved.");
		break;
	default:
		resp_error(r, 500, "Something went wrong on our side and has been logged. If you "
				   "were saving something, check whether it was saved before trying "
				   "again.");
	}
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* libmicrohttpd decodes "%zz" as the literal text; we refuse it instead of guessing. A NUL,
 * raw or as %00, is refused too: it would silently cut a field's name short (found by
 * fuzz/fuzz_form.c). */
static bool escapes_valid(struct ReqState *st, const char *data, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (data[i] == '\0')
			return false;
		if (st->escape_state > 0) {
			if (!is_hex(data[i]))
				return false;
			if (st->escape_state == 1 && st->escape_zero && data[i] == '0')
				return false;
			st->escape_zero = st->escape_state == 2 && data[i] == '0';
			st->escape_state--;
		} else if (data[i] == '%') {
			st->escape_state = 2;
		}
	}
	return true;
}

static void refuse_body(Req *r, int status, const char *message)
{
	if (!r->body_status) {
		r->body_status = status;
		r->body_error = message;
	}
}

/* A chunk of a file part: appended to its temporary file. */
static enum MHD_Result on_file_part(Req *r, const char *key, const char *filename,
				    const char *content_type, const char *data, uint64_t off,
				    size_t size)
{
	struct ReqState *st = r->state;
	if (st->limit != config.max_upload) {
		refuse_body(r, 400, "This form does not take files.");
		return MHD_NO;
	}
	Upload *u = st->last_upload;
	if (off == 0 || !u || strcmp(u->field, key) != 0) {
		u = arena_alloc(r->arena, sizeof *u);
		u->field = arena_strdup(r->arena, key);
		u->filename = arena_strdup(r->arena, filename);
		u->content_type = arena_strdup(r->arena, content_type ? content_type : "");
		u->tmp = tmpfile();
		if (!u->tmp) {
			refuse_body(r, 503, "The upload could not be stored just now. Please try again.");
			return MHD_NO;
		}
		/* Appended at the tail, so the list keeps the form's order. */
		Upload **tail = &r->uploads;
		while (*tail)
			tail = &(*tail)->next;
		*tail = u;
		st->last_upload = u;
	}
	if (size && fwrite(data, 1, size, u->tmp) != size) {
		refuse_body(r, 503, "The upload could not be stored just now. Please try again.");
		return MHD_NO;
	}
	u->size += (int64_t)size;
	return MHD_YES;
}

static enum MHD_Result on_form_field(void *cls, enum MHD_ValueKind kind, const char *key,
				     const char *filename, const char *content_type,
				     const char *transfer_encoding, const char *data, uint64_t off,
				     size_t size)
{
	Req *r = cls;
	struct ReqState *st = r->state;
	if (!key) {
		/* A multipart part without a name: every field must have one (a NULL name would
		 * crash whatever compares names later; found by fuzz/fuzz_multipart.c). */
		refuse_body(r, 400, "The form data is malformed.");
		return MHD_NO;
	}
	if (!data)
		size = 0;
	if (filename)
		return on_file_part(r, key, filename, content_type, data, off, size);
	if (off == 0 || r->nform == 0 || strcmp(r->form[r->nform - 1].name, key) != 0) {
		if (r->nform >= config.max_fields) {
			refuse_body(r, 400, "The form has too many fields.");
			return MHD_NO;
		}
		if (r->nform == st->field_cap) {
			int cap = st->field_cap ? st->field_cap * 2 : 16;
			Field *f = arena_alloc(r->arena, (size_t)cap * sizeof *f);
			size_t *len = arena_alloc(r->arena, (size_t)cap * sizeof *len);
			size_t *vcap = arena_alloc(r->arena, (size_t)cap * sizeof *vcap);
			if (r->nform) {
				memcpy(f, r->form, (size_t)r->nform * sizeof *f);
				memcpy(len, st->value_len, (size_t)r->nform * sizeof *len);
				memcpy(vcap, st->value_cap, (size_t)r->nform * sizeof *vcap);
			}
			r->form = f, st->value_len = len, st->value_cap = vcap;
			st->field_cap = cap;
		}
		int i = r->nform++;
		r->form[i].name = arena_strdup(r->arena, key);
		r->form[i].value = arena_strndup(r->arena, size ? data : "", size);
		st->value_len[i] = st->value_cap[i] = size;
		return MHD_YES;
	}
	/* A later chunk of the same value: grow it in the arena. */
	int i = r->nform - 1;
	size_t len = st->value_len[i];
	if (len + size > st->value_cap[i]) {
		size_t cap = (len + size) * 2;
		char *grown = arena_alloc(r->arena, cap + 1);
		memcpy(grown, r->form[i].value, len);
		r->form[i].value = grown;
		st->value_cap[i] = cap;
	}
	char *v = (char *)r->form[i].value;
	memcpy(v + len, data, size);
	v[len + size] = '\0';
	st->value_len[i] = len + size;
	return MHD_YES;
}

static void finish_form(Req *r)
{
	struct ReqState *st = r->state;
	if (st->post) {
		if (MHD_destroy_post_processor(st->post) != MHD_YES)
			refuse_body(r, 400, "The form data was cut short or malformed.");
		st->post = NULL;
	}
	if (st->escape_state)
		refuse_body(r, 400, "The form data is not correctly encoded.");
	for (int i = 0; i < r->nform && !r->body_status; i++)
		if (!text_is_clean(r->form[i].name, strlen(r->form[i].name)) ||
		    !text_is_clean(r->form[i].value, st->value_len[i]))
			refuse_body(r, 400,
				    "The form contains characters that are not valid text (UTF-8).");
	/* File names are stored and shown like any text (found by fuzz/fuzz_multipart.c). */
	for (const Upload *u = r->uploads; u && !r->body_status; u = u->next)
		if (!text_is_clean(u->field, strlen(u->field)) ||
		    !text_is_clean(u->filename, strlen(u->filename)))
			refuse_body(r, 400, "The file's name contains characters that are not valid "
					    "text (UTF-8). Rename the file and upload it again.");
}

static bool content_type_is(const char *ct, const char *want)
{
	size_t n = strlen(want);
	return ct && !strncasecmp(ct, want, n) && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/* First call for a request: set up its state, check declared body size and type. */
static enum MHD_Result begin_request(struct MHD_Connection *conn, const char *url,
				     const char *method, void **con_cls)
{
	Req *r = xmalloc(sizeof *r);
	memset(r, 0, sizeof *r);
	r->arena = arena_new();
	r->state = arena_alloc(r->arena, sizeof *r->state);
	r->state->start_us = now_us();
	r->conn = conn;
	r->method = arena_strdup(r->arena, method);
	r->path = arena_strdup(r->arena, url);
	r->status = 200;
	*con_cls = r;
	atomic_fetch_add(&requests_in_flight, 1);

	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	char addr[INET6_ADDRSTRLEN] = "unknown";
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, addr, sizeof addr);
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, addr,
				  sizeof addr);
	}
	r->client_address = arena_strdup(r->arena, addr);
	if (config.trust_proxy) {
		const char *fwd = req_header(r, "X-Forwarded-For");
		if (fwd && *fwd) {
			/* The proxy appends the address it saw: trust only the last entry. */
			const char *last = strrchr(fwd, ',');
			last = last ? last + 1 : fwd;
			while (*last == ' ')
				last++;
			if (*last && strlen(last) < 64)
				r->client_address = arena_strdup(r->arena, last);
		}
		const char *proto = req_header(r, "X-Forwarded-Proto");
		r->https = proto && !strcasecmp(proto, "https");
	}

	r->state->limit = config.max_body;
	r->state->too_large = "What you sent is too large. Shorten it and try again.";
	if (strcmp(method, "GET") && strcmp(method, "HEAD") && strcmp(method, "POST"))
		return MHD_YES; /* answered with 405 by dispatch() on the next call */
	if (!strcmp(method, "POST")) {
		const Route *rt = NULL;
		if (route_match(route_table, method, url, r->arena, &rt, NULL, NULL) == MATCH_OK &&
		    rt->upload) {
			r->state->limit = config.max_upload;
			r->state->too_large = arena_printf(
				r->arena, "The file is too large: files can be at most %zu MB. Make it "
					  "smaller (for example, save a PDF at a lower image quality) "
					  "and upload it again.",
				(config.max_upload + 512 * 1024) / (1024 * 1024));
		}
		const char *length = req_header(r, "Content-Length");
		if (length && strtoull(length, NULL, 10) > r->state->limit)
			return answer_now(r, 413, r->state->too_large);
		const char *ct = req_header(r, "Content-Type");
		r->state->urlencoded = content_type_is(ct, MHD_HTTP_POST_ENCODING_FORM_URLENCODED);
		if (r->state->urlencoded ||
		    content_type_is(ct, MHD_HTTP_POST_ENCODING_MULTIPART_FORMDATA)) {
			r->state->post = MHD_create_post_processor(conn, 8192, on_form_field, r);
			if (!r->state->post)
				refuse_body(r, 400, "The form data is malformed.");
		} else if (ct && *ct) {
			refuse_body(r, 415, "This kind of content is not accepted here.");
		}
	}
	return MHD_YES;
}

/* Runs the route's handler for a complete request; the answer is left in r for
 * send_response(). */
static void run_handler(Req *r)
{
	finish_form(r);
	r->db = db_thread();
	if (!r->db) {
		resp_error(r, 503, "The site is having trouble reaching its database. "
				   "Please try again in a minute.");
		return;
	}
	db_take_error();
	dispatch(r, route_table);
	int rc = db_take_error();
	db_release(r->db);
	if (rc)
		answer_database_error(r, rc);
}

/* On a writer thread (writers.c): a POST's handler, whose commit may wait for the disk while
 * the worker that took the request goes on serving its other connections. */
static void run_handler_off_worker(Req *r)
{
	run_handler(r);
	r->state->handled = true;
	MHD_resume_connection(r->conn);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload_data,
				  size_t *upload_data_size, void **con_cls)
{
	Req *r = *con_cls;
	/* First call: only set up. A response queued now would go out with
	 * "Connection: close" (libmicrohttpd 0.9.75), costing every keep-alive client. */
	if (!r)
		return begin_request(conn, url, method, con_cls);
	if (*upload_data_size) {
		size_t n = *upload_data_size;
		*upload_data_size = 0;
		r->state->received += n;
		if (r->state->received > r->state->limit) {
			/* libmicrohttpd sends nothing queued mid-upload until the body ends, so
			 * read and drop the rest and answer 413 then; a client that streams on
			 * far past the limit is cut off without an answer. */
			r->body_status = 413; /* outranks a parse error seen on the way */
			r->body_error = r->state->too_large;
			return r->state->received > 4 * r->state->limit ? MHD_NO : MHD_YES;
		}
		if (r->state->post && !r->body_status) {
			if (r->state->urlencoded && !escapes_valid(r->state, upload_data, n))
				refuse_body(r, 400, "The form data is not correctly encoded.");
			else if (MHD_post_process(r->state->post, upload_data, n) != MHD_YES)
				refuse_body(r, 400, "The form data is malformed.");
		}
		return MHD_YES;
	}
	if (r->state->answered)
		return MHD_YES;
	if (!r->state->handled && !r->state->run_here && !strcmp(r->method, "POST")) {
		/* The next call, after a writer thread resumes the connection, sends the answer.
		 * Suspended first: a writer may resume it as soon as it is handed over. */
		MHD_suspend_connection(conn);
		if (!writers_submit(r)) {
			r->state->run_here = true; /* the writers are stopping: the next call runs it */
			MHD_resume_connection(conn);
		}
		return MHD_YES;
	}
	if (!r->state->handled)
		run_handler(r);
	send_response(r);
	return MHD_YES;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	Req *r = *con_cls;
	if (!r)
		return;
	if (access_log) {
		char when[32];
		time_t t = time(NULL);
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
		/* A calendar feed's path is its key: never written to the log. */
		bool secret = r->route && !strcmp(r->route->pattern, "/feed/:asset");
		fprintf(access_log, "%s %s %s %s %d %zu %lldus%s\n", when, r->client_address,
			r->method, secret ? "/feed/(token hidden)" : r->path, r->status,
			r->state->bytes_sent,
			(long long)(now_us() - r->state->start_us),
			toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted");
	}
	if (r->state->post)
		MHD_destroy_post_processor(r->state->post);
	drop_body_reader(r);
	drop_stream(r);
	for (Upload *u = r->uploads; u; u = u->next)
		if (u->tmp)
			fclose(u->tmp);
	buf_free(&r->out);
	arena_free(r->arena);
	free(r);
	*con_cls = NULL;
	atomic_fetch_sub(&requests_in_flight, 1);
}

static void log_mhd_error(void *cls, const char *fmt, va_list ap)
{
	fputs("practica: http: ", stderr);
	vfprintf(stderr, fmt, ap);
}

/* ---- the daemon ---- */

/* Connection limits (config max-connections, max-connections-per-address). Idle and trickling
 * connections cost a socket and a little memory, never a worker, so the total can be high; it
 * is kept within the open-file limit, which is raised to its hard maximum first. The
 * per-address limit stops one client from taking them all, but behind a trusted proxy every
 * connection comes from the proxy, so there it is off unless set. */
static void connection_limits(unsigned *total, unsigned *per_address)
{
	struct rlimit rl;
	rlim_t files = 1024;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		if (rl.rlim_cur < rl.rlim_max) {
			rl.rlim_cur = rl.rlim_max;
			setrlimit(RLIMIT_NOFILE, &rl);
			getrlimit(RLIMIT_NOFILE, &rl);
		}
		files = rl.rlim_cur;
	}
	/* Room for the database, its WAL, logs, uploads in flight and the listening socket. */
	rlim_t room = files > 256 ? files - 128 : files / 2;
	*total = (unsigned)config.max_connections;
	if ((rlim_t)*total > room) {
		fprintf(stderr, "practica: max-connections %u lowered to %u to fit the open-file limit "
				"(%llu); raise it with ulimit -n or LimitNOFILE\n",
			*total, (unsigned)room, (unsigned long long)files);
		*total = (unsigned)room;
	}
	if (config.max_per_address >= 0)
		*per_address = (unsigned)config.max_per_address;
	else
		*per_address = config.trust_proxy ? 0 : 1000;
}


static bool resolve_listen(struct sockaddr_storage *ss, socklen_t *len)
{
	struct addrinfo hints = {.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE,
				 .ai_socktype = SOCK_STREAM};
	struct addrinfo *res = NULL;
	char port[16];
	snprintf(port, sizeof port, "%d", config.port);
	int rc = getaddrinfo(config.listen_host, port, &hints, &res);
	if (rc != 0 || !res) {
		fprintf(stderr, "practica: cannot listen on %s: %s\n", config.listen_host,
			gai_strerror(rc));
		return false;
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return true;
}

/* The cores this process may run on: a container's CPU set or `taskset` is often far
 * smaller than the machine, and more workers than cores only take turns on them. */
static unsigned usable_cores(void)
{
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
		return (unsigned)CPU_COUNT(&set);
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	return online > 0 ? (unsigned)online : 1;
}

static int64_t started_at;

int64_t http_started_at(void)
{
	return started_at;
}

/* Set when the server is asked to stop: connections still open finish their requests, new
 * ones are closed at once. (MHD_quiesce_daemon() would stop accepting instead, but with epoll
 * and a thread pool it races the workers removing the listening socket themselves, and
 * libmicrohttpd 0.9.75 aborts the process when it loses: seen once in make check.) */
static atomic_bool stopping;

static enum MHD_Result accept_unless_stopping(void *cls, const struct sockaddr *addr,
					      socklen_t addrlen)
{
	(void)cls;
	(void)addr;
	(void)addrlen;
	return atomic_load(&stopping) ? MHD_NO : MHD_YES;
}

unsigned http_worker_count(void)
{
	return config.threads > 0 ? (unsigned)config.threads : usable_cores();
}

int http_serve(const Route *table)
{
	route_table = table;
	started_at = (int64_t)time(NULL);
	if (!routes_valid(table))
		return 1;
	if (!strcmp(config.access_log, "-")) {
		access_log = stderr;
	} else if (strcmp(config.access_log, "off") != 0) {
		access_log = fopen(config.access_log, "a");
		if (!access_log) {
			fprintf(stderr, "practica: cannot open access log %s: %s\n", config.access_log,
				strerror(errno));
			return 1;
		}
		setvbuf(access_log, NULL, _IOLBF, 0);
	}
	struct sockaddr_storage ss;
	socklen_t sslen;
	if (!resolve_listen(&ss, &sslen))
		return 1;
	unsigned threads = http_worker_count();

	/* Signals are taken by this thread with sigwait(); the workers inherit the mask. */
	sigset_t stop_signals;
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGINT);
	sigaddset(&stop_signals, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
	signal(SIGPIPE, SIG_IGN);

	/* ALLOW_SUSPEND_RESUME: idle event streams are suspended connections (resp_stream). */
	unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG |
			 MHD_ALLOW_SUSPEND_RESUME;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	size_t pool = config.max_header * 2 > 32768 ? config.max_header * 2 : 32768;
	unsigned max_connections, max_per_address;
	connection_limits(&max_connections, &max_per_address);
	/* A pool of one is no pool: libmicrohttpd then warns that the size is ignored. */
	struct MHD_OptionItem pool_size[] = {
		{threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END, (intptr_t)threads, NULL},
		{MHD_OPTION_END, 0, NULL},
	};
	if (!writers_start(run_handler_off_worker))
		return 1;
	struct MHD_Daemon *d = MHD_start_daemon(
		flags, (uint16_t)config.port, accept_unless_stopping, NULL, on_request, NULL,
		MHD_OPTION_EXTERNAL_LOGGER, log_mhd_error, NULL, MHD_OPTION_SOCK_ADDR,
		(struct sockaddr *)&ss, MHD_OPTION_ARRAY, pool_size,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)config.timeout_seconds,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, pool, MHD_OPTION_NOTIFY_COMPLETED, on_completed,
		NULL, MHD_OPTION_CONNECTION_LIMIT, max_connections,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, max_per_address, MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "practica: cannot listen on %s:%d (is it in use?)\n",
			config.listen_host, config.port);
		writers_stop();
		return 1;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	int port = info ? info->port : config.port;
	if (config.port_file) {
		FILE *f = fopen(config.port_file, "w");
		if (f) {
			fprintf(f, "%d\n", port);
			fclose(f);
		}
	}
	fprintf(stderr, "practica: serving http://%s%s%s:%d/ with %u worker thread%s (Ctrl-C "
			"stops)\n",
		ss.ss_family == AF_INET6 ? "[" : "", config.listen_host,
		ss.ss_family == AF_INET6 ? "]" : "", port, threads, threads == 1 ? "" : "s");

	int sig = 0;
	while (sigwait(&stop_signals, &sig) != 0)
		;
	fprintf(stderr, "practica: signal %d: finishing requests in flight\n", sig);
	atomic_store(&stopping, true); /* new connections are closed from now on */
	streams_stop(); /* open event streams end now instead of holding up the stop */
	for (int waited = 0; atomic_load(&requests_in_flight) > 0 && waited < 100; waited++)
		usleep(100 * 1000);
	/* The writers finish what they were handed (resuming those connections) before the
	 * daemon stops: libmicrohttpd must not stop with a connection suspended. */
	writers_stop();
	MHD_stop_daemon(d);
	if (access_log && access_log != stderr)
		fclose(access_log);
	fputs("practica: stopped\n", stderr);
	return 0;
}
