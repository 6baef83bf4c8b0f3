/* The HTTP layer: the request every handler receives, the response it builds, and the route
 * table's types. libmicrohttpd details stay in http.c; handlers see only this. */
#ifndef PRACTICA_HTTP_H
#define PRACTICA_HTTP_H
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "arena.h"
#include "buf.h"
#include "db.h"

/* Who may call a route. Every route declares one; ACCESS_UNDECLARED is zero so that a route
 * added without a rule is refused at run time and fails the authorization test.
 * Per-community rules (ACCESS_FACILITATOR, ACCESS_PARTICIPANT) need the route to name the
 * community with :slug as its first parameter; routes_valid() checks that. */
typedef enum {
	ACCESS_UNDECLARED = 0,
	ACCESS_PUBLIC,    /* anyone, signed in or not */
	ACCESS_SIGNED_IN, /* any live session, even one awaiting approval */
	ACCESS_MEMBER,    /* an approved member of an active member school, or an admin */
	ACCESS_ADMIN,     /* association staff */
	ACCESS_FACILITATOR, /* a facilitator of the community named by :slug, or an admin */
	ACCESS_PARTICIPANT, /* a participant or facilitator of the :slug community, or an admin */
	ACCESS__COUNT
} Access;

extern const char *const access_names[ACCESS__COUNT];

typedef struct Req Req;
typedef void (*Handler)(Req *r);

typedef struct {
	const char *method;  /* "GET" (also answers HEAD) or "POST" */
	const char *pattern; /* "/admin/users/:id"; parameter types come from their names */
	Handler handler;
	Access access;
	const char *summary; /* one line for `practica routes` */
	bool upload;         /* takes multipart file uploads up to config.max_upload */
} Route;

typedef struct {
	int64_t id;
	const char *email, *name, *job_title;
	int64_t school_id; /* 0 when none */
	const char *school_name;
	bool is_admin;
	bool is_pending;
	bool school_lapsed;
	bool is_member; /* may use members-only pages: active and (admin or active school) */
} User;

/* Change counts read with the session (auth_load_user), in the same read snapshot as the rest
 * of a GET request: what per-member caches (membercache.h) are kept under. 0 when unknown. */
typedef struct {
	int64_t communities; /* change_counts 'communities' (migration 013) */
	int64_t people;      /* change_counts 'people' (migration 014): names, job titles, schools */
	int64_t newest_user; /* the highest users.id: an account added (even active at once) */
	int64_t boards;      /* change_counts 'boards' (migration 015): threads listed, shares */
} ChangeCounts;

typedef struct {
	const char *name, *value;
} Field;

/* A file sent in a multipart form: streamed to a temporary file while the request arrives,
 * never held whole in memory. The temporary file is closed when the request completes. */
typedef struct Upload {
	struct Upload *next;
	const char *field;        /* the form field's name */
	const char *filename;     /* as the browser sent it (may be empty) */
	const char *content_type; /* as the browser claimed it (not trusted) */
	FILE *tmp;                /* the bytes, from offset 0 */
	int64_t size;
} Upload;

typedef struct Header {
	struct Header *next;
	const char *name, *value;
} Header;

struct Req {
	Arena *arena;  /* everything below lives until the request completes */
	Db *db;        /* this thread's connection */
	const char *method;
	const char *path;
	const Route *route;
	const char *params[4]; /* path parameters, in pattern order, already validated */
	int nparams;
	Field *form;   /* decoded, UTF-8-checked form fields (POST) */
	int nform;
	Upload *uploads; /* file parts of a multipart body (upload routes only) */
	User *user;    /* NULL when nobody is signed in */
	const uint8_t *session_hash; /* 32 bytes when signed in */
	const char *client_address;
	const char *csrf; /* cached by csrf_token() */
	const void *brand; /* brand.c's settings, read once per request (issue 8) */
	ChangeCounts seen; /* read with the session; all 0 when nobody is signed in */
	bool https;    /* served over TLS (by us or a trusted proxy) */
	int body_status;        /* non-zero when the body was refused: 400, 413 or 415 */
	const char *body_error; /* the human message for body_status */

	/* The response. */
	int status;
	const char *content_type;
	Buf out;
	Header *headers;
	const void *prebuilt; /* a response built once at start-up (static assets) */
	struct BodyReader *body_reader; /* a body read in pieces after the handler (downloads) */

	void *conn; /* struct MHD_Connection *, for http.c and auth.c */
	struct ReqState *state; /* http.c's private parsing state */
};

/* Query-string value or NULL. */
const char *req_query(Req *r, const char *name);
/* Form value or NULL; req_form_or() gives fallback instead of NULL. */
const char *req_form(Req *r, const char *name);
const char *req_form_or(Req *r, const char *name, const char *fallback);
/* The file sent in form field name, or NULL. */
const Upload *req_upload(Req *r, const char *name);
/* Request header or cookie value, or NULL. */
const char *req_header(Req *r, const char *name);
const char *req_cookie(Req *r, const char *name);
/* Path with its query string re-encoded, for coming back after signing in. */
const char *req_full_path(Req *r);
/* Path parameter by position; :id parameters are positive integers by construction. */
const char *req_param(Req *r, int index);
int64_t req_param_id(Req *r, int index);

void resp_header(Req *r, const char *name, const char *value);
/* 303 See Other to a local path. */
void resp_redirect(Req *r, const char *location);
/* An error page with a human message; status is 4xx or 5xx. */
void resp_error(Req *r, int status, const char *message);

/* Sends a response prepared at start-up (a struct MHD_Response *) instead of r->out. */
void resp_prebuilt(Req *r, const void *mhd_response);

/* A body of known size produced in pieces after the handler returns, instead of r->out, so a
 * large file is never whole in memory (file downloads). read() copies up to max bytes from
 * offset pos of the body into buf and returns how many (at least 1), or -1 on failure (the
 * connection is then closed and the client sees a short body). It runs later, on the same
 * worker thread, outside the request: cls must be heap memory, not the request arena; done()
 * (may be NULL) releases it when the response is finished or not sent. Status, content type
 * and headers come from r as usual; a handler's own Cache-Control replaces the default. */
typedef long (*BodyRead)(void *cls, uint64_t pos, char *buf, size_t max);
void resp_body_reader(Req *r, uint64_t size, BodyRead read, void *cls, void (*done)(void *cls));

/* A long-lived streaming response (Server-Sent Events). While it has nothing to send the stream
 * is parked: libmicrohttpd suspends the connection, so an idle stream costs a socket and a few
 * kilobytes, never a worker thread. fill(ctx, buf, max) runs on a worker thread whenever the
 * stream may send: it copies at most max bytes into buf and returns how many, or 0 to park
 * until stream_wake(); it must be quick and never block or use the database. closed(ctx) runs
 * exactly once, on some server thread, when the stream ends (client gone, server stopping, or
 * the response replaced by an error); after it returns the Stream is freed and must not be
 * woken again. Status 200; Cache-Control: no-store; headers added to r are sent as usual. */
typedef struct Stream Stream;
typedef size_t (*StreamFill)(void *ctx, char *buf, size_t max);
Stream *resp_stream(Req *r, const char *content_type, StreamFill fill, void (*closed)(void *ctx),
		    void *ctx);
/* Makes the stream's fill() run again soon. Cheap; safe from any thread until closed(). */
void stream_wake(Stream *s);

/* Adds the headers every response carries (CSP, nosniff, ...); for prebuilt responses too. */
struct MHD_Response;
void http_add_security_headers(struct MHD_Response *resp);

/* Starts the server with config; blocks until SIGINT/SIGTERM, then drains and returns 0. */
/* The worker threads serve starts: --threads, or one per core this process may run on. */
unsigned http_worker_count(void);
/* When serving started (Unix time). */
int64_t http_started_at(void);
int http_serve(const Route *routes);

#endif
