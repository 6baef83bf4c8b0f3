/* A real Practica server inside a fuzz harness: http_serve() (src/http.c, the code that runs
 * in production) on its own thread, listening on loopback, with a fresh database in a
 * temporary directory. The harness sends raw bytes over TCP and reads what comes back, so
 * libmicrohttpd's request, query, cookie and body parsing, our body checks and dispatch all
 * see exactly what a hostile client could send.
 *
 * Handlers in the harness's route table run on the server's thread in this process: they may
 * check properties with FUZZ_ASSERT and read fuzz_http_sent (the request being answered). */
#ifndef PRACTICA_FUZZ_SUPPORT_HTTP_H
#define PRACTICA_FUZZ_SUPPORT_HTTP_H
#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "http.h"

/* Starts the server with table (once per process). With signed_in, also creates an admin
 * and a session for them (fuzz_http_session / fuzz_http_session_csrf). Limits are made small
 * so inputs reach them: max-body 16 KiB, max-upload 32 KiB, 20 form fields; X-Forwarded-For
 * and X-Forwarded-Proto are believed, as behind a proxy, so they are parsed. The database is
 * new, or a copy of the one named by the environment variable FUZZ_HTTP_DB. */
void fuzz_http_start(const Route *table, bool signed_in);

extern char fuzz_http_session[128];      /* the admin's session cookie value */
extern char fuzz_http_session_csrf[128]; /* the CSRF token for forms in that session */
extern char fuzz_http_visitor_csrf[128]; /* the CSRF token for the cookie VISITOR below */
#define FUZZ_VISITOR "fuzz-visitor"

/* The request being answered: set by fuzz_http_exchange() before sending. */
extern const char *fuzz_http_sent;
extern size_t fuzz_http_sent_len;

/* Sends request (n bytes), closes the sending side and reads until the server closes. The
 * answer (possibly several responses, for pipelined requests) is appended to reply. Breaks a
 * property when the server does not finish within 20 s. */
void fuzz_http_exchange(const char *request, size_t n, Buf *reply);

/* One response of a reply. */
typedef struct {
	int status;
	const char *head; /* status line and headers, up to the blank line */
	size_t head_len;
	const char *body;
	size_t body_len;
} FuzzResponse;

/* Reads the response at *pos of reply and moves *pos past it. False when there is none or it
 * cannot be delimited (HEAD answers, a connection cut). */
bool fuzz_http_next(const Buf *reply, size_t *pos, FuzzResponse *out);
/* The value of header name in a response (heap copy), or NULL. With several, the first. */
char *fuzz_http_header(const FuzzResponse *resp, const char *name);

/* Checks every response in reply for what must hold whatever was asked: a status line, no
 * server error (500/503), redirects only to local paths, cookies HttpOnly and SameSite, the
 * security headers on every response Practica wrote, and HTML bodies that are valid UTF-8
 * with no inline script. Returns the number of responses checked. */
int fuzz_http_check_reply(const Buf *reply);

#endif
