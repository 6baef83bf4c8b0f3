/* Authorization, driven by the route table: every route printed by `practica routes` is
 * called by each persona (anonymous, pending, member, admin, and for per-community rules a
 * participant of the community, its facilitator, and someone who facilitates and takes part
 * in another community) and the answer is compared with what the access gate promises for
 * the route's declared rule. A route added to routes.c is
 * covered here without anyone writing a test for it. */
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

#define HTTP_SUPPORT_EMBEDDED /* see http_support.c */
#include "http_support.c"
#include "test.h"

#define MAX_ROUTES 256
#define MEMBER_EMAIL "member@northfield.org"
#define PENDING_EMAIL "pending@northfield.org"
#define PASSWORD "persona-password-1"

typedef struct {
	char method[8];
	char pattern[128];
	char access[24];
	char path[160]; /* the pattern with its parameters filled in */
	bool bad_param; /* a parameter type this test does not know how to fill */
} RouteRow;

#define COMMUNITY "authz-c" /* every :slug names this community */
#define PARTICIPANT_EMAIL "participant@northfield.org"
#define FACILITATOR_EMAIL "facilitator@northfield.org"
#define OUTSIDER_EMAIL "outsider@northfield.org"

typedef enum {
	ANONYMOUS,
	PENDING,
	MEMBER,
	ADMIN,
	PARTICIPANT, /* participant of COMMUNITY */
	FACILITATOR, /* facilitator of COMMUNITY */
	OUTSIDER,    /* facilitator and participant of another community */
	NPERSONAS
} Persona;
static const char *const persona_names[NPERSONAS] = {
	"anonymous", "pending", "member", "admin", "participant", "facilitator",
	"facilitator-of-another-community"};

static Server srv;
static bool started;
static RouteRow table[MAX_ROUTES];
static int nroutes;
static int routes_exit = -1;
static Client *clients[NPERSONAS];

/* Fills :id and :asset with values that name nothing, :slug with the test community. */
static void fill_params(RouteRow *rt)
{
	char *out = rt->path;
	size_t room = sizeof rt->path;
	for (const char *p = rt->pattern; *p;) {
		size_t n;
		const char *value = NULL;
		if (*p == ':') {
			n = strcspn(p, "/");
			if (n == 3 && !strncmp(p, ":id", 3))
				value = "999999";
			else if (n == 6 && !strncmp(p, ":asset", 6))
				value = "nope.css";
			else if (n == 5 && !strncmp(p, ":slug", 5))
				value = COMMUNITY;
			else
				rt->bad_param = true, value = "x";
		} else {
			n = strcspn(p, ":");
		}
		int w = value ? snprintf(out, room, "%s", value) : snprintf(out, room, "%.*s", (int)n, p);
		if (w < 0 || (size_t)w >= room)
			return;
		out += w, room -= (size_t)w;
		p += n;
	}
}

static void load_routes(void)
{
	RunResult res;
	routes_exit = run_practica(&res, NULL, "routes", NULL);
	char *save = NULL;
	bool header = true;
	for (char *line = strtok_r(res.out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (header) { /* METHOD PATH ACCESS WHAT */
			header = false;
			continue;
		}
		if (nroutes == MAX_ROUTES)
			break;
		RouteRow *rt = &table[nroutes];
		memset(rt, 0, sizeof *rt);
		if (sscanf(line, "%7s %127s %23s", rt->method, rt->pattern, rt->access) != 3) {
			fprintf(stderr, "    unparsed route line: %s\n", line);
			snprintf(rt->access, sizeof rt->access, "UNPARSED");
		}
		fill_params(rt);
		nroutes++;
	}
	if (routes_exit != 0)
		fprintf(stderr, "    practica routes exited %d: %s\n", routes_exit, res.err);
	run_result_free(&res);
}

static bool access_known(const char *a)
{
	return !strcmp(a, "public") || !strcmp(a, "signed-in") || !strcmp(a, "member") ||
	       !strcmp(a, "admin") || !strcmp(a, "facilitator") || !strcmp(a, "participant");
}

/* What the gate answers persona p for a route with access a: NULL when it lets them through,
 * else "303 LOCATION" or "403". */
static const char *gate_answer(const RouteRow *rt, Persona p, char *buf, size_t size)
{
	const char *a = rt->access;
	if (!strcmp(a, "public"))
		return NULL;
	if (p == ANONYMOUS) {
		if (!strcmp(rt->method, "POST"))
			return "303 /login";
		char *enc = curl_easy_escape(NULL, rt->path, 0);
		snprintf(buf, size, "303 /login?next=%s", enc);
		curl_free(enc);
		return buf;
	}
	if (!strcmp(a, "signed-in"))
		return NULL;
	if (p == PENDING)
		return "303 /account/status";
	if (!strcmp(a, "member"))
		return NULL;
	if (!strcmp(a, "facilitator"))
		return p == ADMIN || p == FACILITATOR ? NULL : "403";
	if (!strcmp(a, "participant"))
		return p == ADMIN || p == FACILITATOR || p == PARTICIPANT ? NULL : "403";
	return p == ADMIN ? NULL : "403";
}

static void check_route(const RouteRow *rt, Persona p)
{
	Client *c = clients[p];
	if (!c) {
		CHECK(false, "%s %s: no %s client", rt->method, rt->pattern, persona_names[p]);
		return;
	}
	Reply r;
	if (!strcmp(rt->method, "POST")) {
		/* The persona's own valid token: the gate, not CSRF, must be what refuses. */
		const char *page = p == ANONYMOUS ? "/login" : p == PENDING ? "/account/status" : "/home";
		char *csrf = client_csrf(c, page);
		char *body = form_encode("csrf", csrf ? csrf : "", NULL);
		r = client_post(c, rt->path, body);
		free(body);
		free(csrf);
	} else {
		r = client_get(c, rt->path);
	}
	char buf[256];
	const char *want = gate_answer(rt, p, buf, sizeof buf);
	const char *loc = reply_header(&r, "Location");
	char got[300];
	snprintf(got, sizeof got, "%ld%s%s", r.status, loc ? " " : "", loc ? loc : "");
	if (want) {
		CHECK(!strcmp(got, want), "%s %s (%s) as %s: got \"%s\", want \"%s\"", rt->method,
		      rt->path, rt->access, persona_names[p], got, want);
	} else {
		bool to_gate = r.status == 303 && loc &&
			       (!strncmp(loc, "/login", 6) || !strcmp(loc, "/account/status"));
		CHECK(r.status != 0 && r.status != 401 && r.status != 403 && r.status < 500 &&
			      r.status != 405 && !to_gate,
		      "%s %s (%s) as %s: got \"%s\", want it allowed", rt->method, rt->path,
		      rt->access, persona_names[p], got);
	}
	reply_free(&r);
}

/* The per-community personas' standing, as setup() made it. A POST in the walk may change it
 * (POST /communities/:slug/withdraw withdraws the participant): restored after every POST so
 * that later routes see the persona they expect. */
static void restore_roles(void)
{
	sql_exec(&srv, "INSERT INTO memberships (community_id, user_id, status, signed_up_at) "
		       "SELECT c.id, u.id, 'participant', 0 FROM communities c, users u WHERE "
		       "(c.slug = '%s' AND u.email = '%s') OR (c.slug = 'authz-other' AND "
		       "u.email = '%s') ON CONFLICT (community_id, user_id) DO UPDATE SET "
		       "status = 'participant'",
		 COMMUNITY, PARTICIPANT_EMAIL, OUTSIDER_EMAIL);
}

static bool is_logout(const RouteRow *rt)
{
	return !strcmp(rt->method, "POST") && !strcmp(rt->pattern, "/logout");
}

static void check_persona(Persona p)
{
	CHECK(nroutes >= 20, "only %d routes", nroutes);
	for (int i = 0; i < nroutes; i++)
		if (!is_logout(&table[i]) && access_known(table[i].access) && !table[i].bad_param) {
			check_route(&table[i], p);
			if (!strcmp(table[i].method, "POST"))
				restore_roles();
		}
	/* Still who they were: no request above changed the persona's session. */
	if (p != ANONYMOUS) {
		Reply r = client_get(clients[p], "/account/status");
		CHECK(r.status == (p == PENDING ? 200 : 303), "%s lost their session: %ld",
		      persona_names[p], r.status);
		reply_free(&r);
	}
}

TEST(server_started)
{
	CHECK(started, "the server did not start");
	for (int p = 0; p < NPERSONAS; p++)
		CHECK(clients[p] != NULL, "no %s persona", persona_names[p]);
}

TEST(route_table_parses)
{
	CHECK(routes_exit == 0, "practica routes exited %d", routes_exit);
	CHECK(nroutes >= 20, "only %d routes parsed: the table or its parsing is broken", nroutes);
	for (int i = 0; i < nroutes; i++) {
		CHECK(!strcmp(table[i].method, "GET") || !strcmp(table[i].method, "POST"),
		      "route %d: method \"%s\"", i, table[i].method);
		CHECK(table[i].pattern[0] == '/', "route %d: path \"%s\"", i, table[i].pattern);
		CHECK(!table[i].bad_param, "%s %s: a parameter type this test cannot fill",
		      table[i].method, table[i].pattern);
	}
}

TEST(every_route_declares_known_access)
{
	for (int i = 0; i < nroutes; i++)
		CHECK(access_known(table[i].access), "%s %s declares access \"%s\"", table[i].method,
		      table[i].pattern, table[i].access);
}

TEST(anonymous_gate)
{
	check_persona(ANONYMOUS);
}

TEST(pending_gate)
{
	check_persona(PENDING);
}

TEST(member_gate)
{
	check_persona(MEMBER);
}

TEST(admin_gate)
{
	check_persona(ADMIN);
}

TEST(participant_gate)
{
	check_persona(PARTICIPANT);
}

TEST(facilitator_gate)
{
	check_persona(FACILITATOR);
}

TEST(other_community_facilitator_gate)
{
	check_persona(OUTSIDER);
}

TEST(logout_gate_last)
{
	bool found = false;
	for (int i = 0; i < nroutes; i++) {
		if (!is_logout(&table[i]))
			continue;
		found = true;
		for (int p = 0; p < NPERSONAS; p++)
			if (clients[p])
				check_route(&table[i], (Persona)p);
	}
	CHECK(found, "no POST /logout in the table");
	/* Signed out now: every persona is anonymous to the gate. */
	for (int p = 1; p < NPERSONAS; p++) {
		if (!clients[p])
			continue;
		Reply r = client_get(clients[p], "/account/status");
		CHECK(reply_is(&r, 303, "/login?next=%2Faccount%2Fstatus"),
		      "%s after logout: %ld %s", persona_names[p], r.status,
		      reply_header(&r, "Location"));
		reply_free(&r);
	}
}

TEST(stops_cleanly_on_sigterm)
{
	check_stops_cleanly(&srv, NULL, 0, NULL);
}

static bool setup(void)
{
	load_routes();
	if (!server_init(&srv))
		return false;
	int64_t school = add_school(&srv, "Northfield Academy", "active");
	if (!school || !add_user(&srv, MEMBER_EMAIL, "Mo Member", "Northfield Academy", PASSWORD) ||
	    !server_start(&srv))
		return false;
	clients[ANONYMOUS] = client_new(&srv);
	clients[ADMIN] = client_new(&srv);
	if (!client_login(clients[ADMIN], ADMIN_EMAIL, ADMIN_PASSWORD)) {
		client_free(clients[ADMIN]);
		clients[ADMIN] = NULL;
	}
	clients[MEMBER] = client_new(&srv);
	if (!client_login(clients[MEMBER], MEMBER_EMAIL, PASSWORD)) {
		client_free(clients[MEMBER]);
		clients[MEMBER] = NULL;
	}
	static const struct {
		Persona p;
		const char *email, *name;
	} community_personas[] = {
		{PARTICIPANT, PARTICIPANT_EMAIL, "Pia Participant"},
		{FACILITATOR, FACILITATOR_EMAIL, "Fay Facilitator"},
		{OUTSIDER, OUTSIDER_EMAIL, "Otto Outsider"},
	};
	for (size_t i = 0; i < sizeof community_personas / sizeof *community_personas; i++) {
		Persona p = community_personas[i].p;
		if (!add_user(&srv, community_personas[i].email, community_personas[i].name,
			      "Northfield Academy", PASSWORD))
			continue;
		clients[p] = client_new(&srv);
		if (!client_login(clients[p], community_personas[i].email, PASSWORD)) {
			client_free(clients[p]);
			clients[p] = NULL;
		}
	}
	sql_exec(&srv, "INSERT INTO communities (slug, name, status, created_at) VALUES "
		       "('%s', 'Authz Community', 'open', 0), ('authz-other', 'Other', 'open', 0)",
		 COMMUNITY);
	sql_exec(&srv, "INSERT INTO facilitators (community_id, user_id) SELECT c.id, u.id FROM "
		       "communities c, users u WHERE (c.slug = '%s' AND u.email = '%s') OR "
		       "(c.slug = 'authz-other' AND u.email = '%s')",
		 COMMUNITY, FACILITATOR_EMAIL, OUTSIDER_EMAIL);
	sql_exec(&srv, "INSERT INTO memberships (community_id, user_id, status, signed_up_at) "
		       "SELECT c.id, u.id, 'participant', 0 FROM communities c, users u WHERE "
		       "(c.slug = '%s' AND u.email = '%s') OR (c.slug = 'authz-other' AND "
		       "u.email = '%s')",
		 COMMUNITY, PARTICIPANT_EMAIL, OUTSIDER_EMAIL);
	clients[PENDING] = client_new(&srv);
	char sid[32];
	snprintf(sid, sizeof sid, "%lld", (long long)school);
	Reply r = client_submit(clients[PENDING], "/register", "/register", "name", "Pat Pending",
				"email", PENDING_EMAIL, "job_title", "Teacher", "school", sid,
				"password", PASSWORD, NULL);
	if (!reply_is(&r, 303, "/account/status")) {
		fprintf(stderr, "    registering the pending persona: %ld\n", r.status);
		client_free(clients[PENDING]);
		clients[PENDING] = NULL;
	}
	reply_free(&r);
	return true;
}

int main(void)
{
	started = setup();
	int rc = RUN_TESTS(server_started, route_table_parses, every_route_declares_known_access,
			   anonymous_gate, pending_gate, member_gate, admin_gate, participant_gate,
			   facilitator_gate, other_community_facilitator_gate, logout_gate_last,
			   stops_cleanly_on_sigterm);
	for (int p = 0; p < NPERSONAS; p++)
		client_free(clients[p]);
	server_cleanup(&srv);
	return rc;
}
