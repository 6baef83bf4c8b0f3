/* Support for the HTTP test suites (tests/http_*.c): a real `practica serve` on a fresh
 * temporary directory and database, a libcurl client with its own cookie jar, helpers to read
 * and change the database directly, and a runner for the practica binary.
 *
 * Ownership rules, in one place:
 *   - Server: a caller-owned struct (usually a static). server_start() fills it;
 *     server_stop() stops the process; server_cleanup() removes the temporary directory.
 *   - Client: client_new() returns a heap object; client_free() releases it (NULL is fine).
 *   - Reply: returned by value; every pointer inside it is owned by the Reply and valid until
 *     reply_free(). reply_header() returns a pointer into the Reply (do not free it).
 *   - Every other function returning char * returns a heap string the caller must free()
 *     (client_csrf, client_cookie, form_encode, sql_text, page_link ...). They return NULL
 *     when there is nothing to return.
 *   - RunResult: filled by run_practica(); run_result_free() frees its out/err strings.
 *
 * The binary is $PRACTICA_BIN (default build/asan/practica). Set PRACTICA_KEEP_TMP=1 to keep
 * the temporary directories (database and server log) for inspection. */
#ifndef PRACTICA_HTTP_SUPPORT_H
#define PRACTICA_HTTP_SUPPORT_H
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define ADMIN_EMAIL "admin@practica.test"
#define ADMIN_NAME "Ada Admin"
#define ADMIN_PASSWORD "admin-password-1"
/* The server's time zone in every test; server_init() sets the test process's TZ to it, so
 * localtime_r() in a test gives the server's dates and clock times. */
#define SERVER_TZ "America/New_York"
#define SQL_NO_ROW INT64_MIN /* sql_int() when the query gave no row or failed */

/* ---- the server ---- */

typedef struct {
	char dir[256];       /* the temporary directory holding everything below */
	char db[320];        /* the database file */
	char port_file[320];
	char log[320];       /* the server's stdout and stderr */
	pid_t pid;           /* 0 when not running */
	int port;
	char base[64];       /* "http://127.0.0.1:PORT" */
	char config[320];    /* a config file server_start passes with --config, or "" */
} Server;

/* Creates a temporary directory and a database with the admin above (practica init). */
bool server_init(Server *s);
/* Starts `practica serve` on a free port and waits (up to 15 s) for the port file.
 * Prints why to stderr and returns false on failure. */
bool server_start(Server *s);
/* SIGTERM, then waits up to 15 s. Returns the exit status (0 is a clean stop), or -1 when it
 * was killed by a signal or did not stop (then it is SIGKILLed). On a non-zero result the
 * server log is printed to stderr (sanitizer reports end up there). */
int server_stop(Server *s);
/* Removes the temporary directory, unless PRACTICA_KEEP_TMP is set. */
void server_cleanup(Server *s);
/* The server log so far (heap string). */
char *server_log(const Server *s);
/* True when the server's log holds no sanitizer report and none of the NULL-terminated
 * phrases (e.g. "database error"); otherwise prints the log and returns false. */
bool server_log_clean(const Server *s, ...) __attribute__((sentinel));
/* SIGKILLs the server, as a crash would end it (no clean shutdown, nothing flushed), and
 * reaps it. The directory and database stay: server_start() starts it again on them, on a
 * new port (clients follow with client_rebase()). */
void server_kill(Server *s);

/* ---- the practica binary ---- */

typedef struct {
	int status; /* exit status, or -1 when killed by a signal or not run */
	char *out, *err;
} RunResult;

const char *practica_bin(void);
/* Runs practica with the NULL-terminated arguments (after argv[0]), giving it stdin_text
 * (may be NULL) on standard input. Returns res->status. */
int run_practica(RunResult *res, const char *stdin_text, ...) __attribute__((sentinel));
void run_result_free(RunResult *res);

/* Adds an active member of the named school (or an admin when school is NULL) with the
 * CLI, and returns its user id (0 on failure). */
int64_t add_user(const Server *s, const char *email, const char *name, const char *school,
		 const char *password);
/* Adds a school directly in the database; returns its id (0 on failure). */
int64_t add_school(const Server *s, const char *name, const char *status);
/* Adds a community directly in the database, with status ("open", "active" ...) and
 * visibility ("open" or "private"); returns its id (0 on failure). */
int64_t add_community(const Server *s, const char *slug, const char *name, const char *status,
		      const char *visibility);
/* Gives the user a membership of the community with status ("participant", "waitlisted").
 * False on failure. */
bool add_membership(const Server *s, int64_t community, int64_t user, const char *status);
/* Makes the user a facilitator of the community. False on failure. */
bool add_facilitator(const Server *s, int64_t community, int64_t user);

/* ---- the database, for setting up and asserting state ---- */

/* Runs SQL on s->db. The SQL is printf-formatted (checked by the compiler) and values are
 * interpolated as is: write text as '%s', and only with values the test controls. */
bool sql_exec(const Server *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The first column of the first row as an integer, or SQL_NO_ROW. */
int64_t sql_int(const Server *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The first column of the first row as text (heap), or NULL. */
char *sql_text(const Server *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- the client ---- */

typedef struct Client Client;

typedef struct {
	long status;     /* HTTP status, 0 when the request failed (see error) */
	char *body;      /* NUL-terminated (also when empty) */
	size_t body_len;
	char *headers;   /* the raw header block of the final response */
	int nheaders;
	char *hname[64], *hvalue[64]; /* parsed headers, pointing into an owned copy */
	char *hstore;
	long num_connects; /* CURLINFO_NUM_CONNECTS: 0 when a connection was reused */
	long local_port;
	char error[256];  /* curl's message when status is 0 */
} Reply;

typedef struct {
	const char *method;       /* "GET", "POST", "HEAD" or any custom method */
	const char *path;         /* starting with '/', sent as is (no normalization) */
	const char *body;         /* NULL for none */
	size_t body_len;          /* bytes of body; 0 with body != NULL means strlen(body) */
	const char *content_type; /* NULL: urlencoded when there is a body; "" sends none */
	const char *const *headers; /* extra request headers, NULL-terminated, or NULL */
	bool chunked;             /* send the body with Transfer-Encoding: chunked */
	size_t repeat_body;       /* with chunked: send body this many times (0 = once) */
} Request;

/* A client with an empty in-memory cookie jar and one reusable connection. */
Client *client_new(const Server *s);
void client_free(Client *c);
/* Points the client at the server's current address (after a restart, which picks a new
 * port), keeping its cookie jar. */
void client_rebase(Client *c, const Server *s);
Reply client_request(Client *c, const Request *rq);
Reply client_get(Client *c, const char *path);
/* POSTs an application/x-www-form-urlencoded body (already encoded). */
Reply client_post(Client *c, const char *path, const char *body);
/* GETs form_page, takes its csrf token and POSTs the NULL-terminated name/value pairs plus
 * csrf to action. */
Reply client_submit(Client *c, const char *form_page, const char *action, ...)
	__attribute__((sentinel));
/* POSTs the NULL-terminated name/value pairs plus "csrf" = csrf (NULL sends it empty) to path:
 * a signed-in person's form, their token already known. The _v form takes the pairs from a
 * caller's own variadic helper. */
Reply client_post_fields(Client *c, const char *csrf, const char *path, ...)
	__attribute__((sentinel));
Reply client_post_fields_v(Client *c, const char *csrf, const char *path, va_list pairs);
/* A file in a multipart form: its name as the browser sends it, the Content-Type it claims
 * (NULL: application/octet-stream) and its bytes. */
typedef struct {
	const char *name, *type;
	const void *data;
	size_t len;
} UploadFile;
/* POSTs a multipart/form-data body as a browser does: "csrf" = csrf (NULL sends it empty),
 * the NULL-terminated name/value pairs, then file (when not NULL) as the field "file". The
 * _pairs form takes the pairs as a NULL-terminated array. */
Reply client_upload(Client *c, const char *csrf, const char *path, const UploadFile *file, ...)
	__attribute__((sentinel));
Reply client_upload_v(Client *c, const char *csrf, const char *path, const UploadFile *file,
		      va_list pairs);
Reply client_upload_pairs(Client *c, const char *csrf, const char *path,
			  const UploadFile *file, const char *const *pairs);
void reply_free(Reply *r);
/* The value of the first header with this name (case-insensitive), or NULL. */
const char *reply_header(const Reply *r, const char *name);
/* The reply's Location, or "-" when it has none (for comparisons and messages). */
const char *reply_location(const Reply *r);
/* True when any header with this name has exactly the value (case-insensitive name). */
bool reply_has_header_value(const Reply *r, const char *name, const char *value);
/* The Set-Cookie header that sets cookie name, or NULL. */
const char *reply_set_cookie(const Reply *r, const char *name);
/* True when status is want and, for a redirect, Location equals location (NULL: any). */
bool reply_is(const Reply *r, long want, const char *location);
bool body_has(const Reply *r, const char *text);

/* The value of cookie name in the client's jar (heap), or NULL. */
char *client_cookie(Client *c, const char *name);
/* Puts a cookie into the jar, as if the server had set it. */
void client_set_cookie(Client *c, const char *name, const char *value);
/* GETs path and returns the csrf token of its first form (heap), or NULL. */
char *client_csrf(Client *c, const char *path);
/* Signs in through the login form; true when the server answered 303. */
bool client_login(Client *c, const char *email, const char *password);
/* A new client signed in as email, for a test that goes on whatever happens: a failed
 * sign-in fails the running test (CHECK), and the client is returned all the same. */
Client *client_login_checked(const Server *s, const char *email, const char *password);
/* A new client signed in as email, with its CSRF token (read from form_page) in *csrf: one
 * person of a suite, ready to post. NULL, with nothing to free, when either step fails. */
Client *client_signed_in(const Server *s, const char *email, const char *password,
			 const char *form_page, char **csrf);

/* The value="..." of the first name="csrf" field in html (heap), or NULL. */
char *extract_csrf(const char *html);
/* The href of the first <link rel="stylesheet"> in html (heap), or NULL. */
char *extract_stylesheet(const char *html);
/* Encodes the NULL-terminated name/value pairs as a urlencoded form body (heap). */
char *form_encode(const char *name, ...) __attribute__((sentinel));
char *form_encode_v(const char *const *pairs, int npairs);

/* Seconds since an arbitrary point, for timing. */
double now_seconds(void);

/* ---- a suite's people and skeleton ----
 * Most suites run one server for all their tests, with a cast of people each signed in with
 * a client of their own. They share this skeleton:
 *
 *     static Server srv;
 *     static Person admin = {ADMIN_EMAIL, ADMIN_NAME};
 *     static Person mo = {"mo@northfield.org", "Mo Member"};
 *     static Person *const people[] = {&admin, &mo};
 *     ...tests...
 *     TEST(stops_cleanly) { check_stops_cleanly(&srv, people, COUNT_OF(people), NULL); }
 *     static bool setup(void)
 *     {
 *             return server_init(&srv) && add_school(&srv, SCHOOL, "active") &&
 *                    people_add(&srv, people, COUNT_OF(people), SCHOOL) &&
 *                    server_start(&srv) &&
 *                    people_sign_in(&srv, people, COUNT_OF(people), "/home");
 *     }
 *     SUITE_MAIN(setup, &srv, people, test_a, test_b, stops_cleanly)
 *
 * A Person owns its client and token; people_free() releases them. */

#define COUNT_OF(array) (sizeof(array) / sizeof *(array))
/* The password of every member people_add() adds (the admin keeps ADMIN_PASSWORD). */
#define MEMBER_PASSWORD "member-password-1"

typedef struct {
	const char *email, *name;
	const char *school; /* NULL: the school given to people_add() */
	int64_t id;         /* set by people_add() */
	Client *c;          /* set by people_sign_in(): this person's own cookie jar */
	char *csrf;         /* the CSRF token of c's session, for posting forms */
} Person;

/* Fills in every person's id, before server_start(): the admin (email ADMIN_EMAIL, made by
 * server_init) is looked up; everyone else is added with MEMBER_PASSWORD as an active member
 * of their own school, or of school. False (with the reason on stderr) when one fails. */
bool people_add(const Server *s, Person *const *people, size_t n, const char *school);
/* Signs every person in through the login form, each with a new client, and reads their
 * CSRF token from form_page. False when one of them could not sign in. */
bool people_sign_in(const Server *s, Person *const *people, size_t n, const char *form_page);
/* Frees every person's client and token; calling it again is harmless. */
void people_free(Person *const *people, size_t n);
/* POSTs the NULL-terminated name/value pairs plus p's CSRF token to path as p. */
Reply post_as(Person *p, const char *path, ...) __attribute__((sentinel));
/* Starts a discussion as p on board ("/board" or "/communities/SLUG/board"), a question or
 * not; returns the thread's id, or 0 after failing the running test (CHECK). */
int64_t start_thread(Person *p, const char *board, const char *title, const char *body,
		     bool question);
/* Replies as p to the thread; returns the new post's id (the redirect's #post-ID), or 0 after
 * failing the running test. The _located form also gives the redirect's Location (heap) in
 * *location. */
int64_t reply_to(Person *p, int64_t thread, const char *body);
int64_t reply_to_located(Person *p, int64_t thread, const char *body, char **location);
/* A path (or any short text) built with printf, in one of eight rotating static buffers:
 * valid until eight more calls, so a test can pass a few at once without freeing them. */
const char *pathf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* How many times needle occurs in haystack, not overlapping (0 when haystack is NULL). */
int count_of(const char *haystack, const char *needle);

/* The body of a suite's last test: frees the people's clients (so no connection keeps the
 * server waiting), then checks that the server stops with status 0 and that its log holds
 * no sanitizer report and none of the NULL-terminated phrases (e.g. "database error").
 * A suite without Person passes NULL, 0. */
void check_stops_cleanly(Server *s, Person *const *people, size_t n, ...)
	__attribute__((sentinel));
/* What SUITE_MAIN does after the tests: frees the people, removes the server's directory and
 * prints the suite's time (named after argv0) to stderr. Returns rc. */
int suite_end(const char *argv0, double t0, int rc, Server *s, Person *const *people, size_t n);

/* A suite's main(): runs setup() once, then the tests in order after one more,
 * server_started, which fails when setup() returned false (every later test would fail for
 * that one reason, given above it on stderr). Use it once, after the tests; it needs test.h. */
#define SUITE_MAIN(setup, server, people, ...)                                               \
	static bool suite_setup_done_;                                                        \
	static void server_started(void)                                                      \
	{                                                                                     \
		CHECK(suite_setup_done_, "the server did not start (or a setup step failed)"); \
	}                                                                                     \
	int main(int argc, char **argv)                                                       \
	{                                                                                     \
		double t0 = now_seconds();                                                    \
		suite_setup_done_ = (setup)();                                                \
		int rc = RUN_TESTS(server_started, __VA_ARGS__);                              \
		return suite_end(argv[0], t0, rc, (server), (people), COUNT_OF(people));      \
	}

#endif
