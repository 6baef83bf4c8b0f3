/* Route matching, the access gate and request dispatch. */
#include "router.h"

#include <string.h>

#include "auth.h"
#include "communities.h"
#include "html.h"

const char *const access_names[ACCESS__COUNT] = {
	[ACCESS_UNDECLARED] = "UNDECLARED", [ACCESS_PUBLIC] = "public",
	[ACCESS_SIGNED_IN] = "signed-in",   [ACCESS_MEMBER] = "member",
	[ACCESS_ADMIN] = "admin",           [ACCESS_FACILITATOR] = "facilitator",
	[ACCESS_PARTICIPANT] = "participant",
};

typedef bool (*ParamCheck)(const char *s, size_t n);

static bool is_id(const char *s, size_t n)
{
	if (n == 0 || n > 18 || s[0] == '0')
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static bool is_slug(const char *s, size_t n)
{
	if (n == 0 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

static bool is_asset(const char *s, size_t n)
{
	if (n == 0 || n > 100 || s[0] == '.')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '_' || s[i] == '.'))
			return false;
	return true;
}

static const struct {
	const char *name;
	ParamCheck check;
} param_types[] = {
	{":id", is_id},
	{":slug", is_slug},
	{":asset", is_asset},
};

static ParamCheck param_check(const char *seg, size_t n)
{
	for (size_t i = 0; i < sizeof param_types / sizeof *param_types; i++)
		if (strlen(param_types[i].name) == n && !memcmp(param_types[i].name, seg, n))
			return param_types[i].check;
	return NULL;
}

/* Compares pattern with path segment by segment, filling params on success. */
static bool pattern_matches(const char *pattern, const char *path, Arena *arena,
			    const char **params, int *nparams)
{
	int n = 0;
	const char *p = pattern, *s = path;
	while (*p && *s) {
		if (*p != '/' || *s != '/')
			return false;
		p++, s++;
		size_t plen = strcspn(p, "/"), slen = strcspn(s, "/");
		if (*p == ':') {
			ParamCheck check = param_check(p, plen);
			if (!check || !check(s, slen) || n == 4)
				return false;
			if (params)
				params[n] = arena_strndup(arena, s, slen);
			n++;
		} else if (plen != slen || memcmp(p, s, plen) != 0) {
			return false;
		}
		p += plen, s += slen;
	}
	if (*p || *s)
		return false;
	if (nparams)
		*nparams = n;
	return true;
}

MatchResult route_match(const Route *table, const char *method, const char *path, Arena *arena,
			const Route **found, const char **params, int *nparams)
{
	bool path_known = false;
	if (!strcmp(method, "HEAD"))
		method = "GET";
	for (const Route *rt = table; rt->pattern; rt++) {
		if (!pattern_matches(rt->pattern, path, NULL, NULL, NULL))
			continue;
		if (strcmp(rt->method, method) != 0) {
			path_known = true;
			continue;
		}
		pattern_matches(rt->pattern, path, arena, params, nparams);
		*found = rt;
		return MATCH_OK;
	}
	return path_known ? MATCH_WRONG_METHOD : MATCH_NONE;
}

bool routes_valid(const Route *table)
{
	bool ok = true;
	for (const Route *rt = table; rt->pattern; rt++) {
		if (rt->access <= ACCESS_UNDECLARED || rt->access >= ACCESS__COUNT) {
			fprintf(stderr, "practica: route %s %s declares no access rule\n", rt->method,
				rt->pattern);
			ok = false;
		}
		if (strcmp(rt->method, "GET") && strcmp(rt->method, "POST")) {
			fprintf(stderr, "practica: route %s %s: method must be GET or POST\n",
				rt->method, rt->pattern);
			ok = false;
		}
		if (!rt->handler || rt->pattern[0] != '/') {
			fprintf(stderr, "practica: route %s %s is malformed\n", rt->method, rt->pattern);
			ok = false;
		}
		int nparams = 0;
		for (const char *seg = strchr(rt->pattern, ':'); seg; seg = strchr(seg + 1, ':'))
			nparams++;
		if (nparams > 4) { /* Req.params holds four */
			fprintf(stderr, "practica: route %s has more than 4 parameters\n", rt->pattern);
			ok = false;
		}
		for (const char *seg = strchr(rt->pattern, ':'); seg; seg = strchr(seg + 1, ':')) {
			if (!param_check(seg, strcspn(seg, "/"))) {
				fprintf(stderr, "practica: route %s has an unknown parameter type\n",
					rt->pattern);
				ok = false;
			}
		}
		const char *first_param = strchr(rt->pattern, ':');
		if ((rt->access == ACCESS_FACILITATOR || rt->access == ACCESS_PARTICIPANT) &&
		    (!first_param || strncmp(first_param, ":slug", 5) != 0)) {
			fprintf(stderr, "practica: route %s %s: a community rule needs :slug first\n",
				rt->method, rt->pattern);
			ok = false;
		}
		for (const Route *other = table; other < rt; other++)
			if (!strcmp(other->method, rt->method) && !strcmp(other->pattern, rt->pattern)) {
				fprintf(stderr, "practica: route %s %s is declared twice\n", rt->method,
					rt->pattern);
				ok = false;
			}
	}
	return ok;
}

void routes_print(const Route *table, FILE *out)
{
	fprintf(out, "%-5s %-34s %-10s %s\n", "METHOD", "PATH", "ACCESS", "WHAT");
	for (const Route *rt = table; rt->pattern; rt++)
		fprintf(out, "%-5s %-34s %-10s %s%s\n", rt->method, rt->pattern,
			access_names[rt->access < ACCESS__COUNT ? rt->access : 0], rt->summary,
			rt->upload ? " (upload)" : "");
}

/* The Allow header for a path that exists under other methods. */
static const char *allowed_methods(const Route *table, const char *path, Arena *arena)
{
	bool get = false, post = false;
	for (const Route *rt = table; rt->pattern; rt++)
		if (pattern_matches(rt->pattern, path, NULL, NULL, NULL)) {
			get |= !strcmp(rt->method, "GET");
			post |= !strcmp(rt->method, "POST");
		}
	return arena_printf(arena, "%s%s%s", get ? "GET, HEAD" : "", get && post ? ", " : "",
			    post ? "POST" : "");
}

/* Sends a visitor who may not see a page where they can do something about it. */
static void refuse(Req *r, AccessDecision d)
{
	switch (d) {
	case ACCESS_NEED_LOGIN:
		/* After signing in, a GET comes back to where it was; a POST cannot be replayed. */
		if (strcmp(r->method, "POST") != 0)
			resp_redirect(r, arena_printf(r->arena, "/login?next=%s",
						      url_encode(r->arena, req_full_path(r))));
		else
			resp_redirect(r, "/login");
		break;
	case ACCESS_NEED_APPROVAL:
		resp_redirect(r, "/account/status");
		break;
	default:
		resp_error(r, 403, "You do not have permission to see this page.");
	}
}

/* A page reads with one snapshot: each statement run on its own begins and ends a read
 * transaction (a WAL read lock, with fcntl() calls on the shared-memory and database files),
 * and a page runs 10-20 statements (issue 8: ~20% of the member home's CPU was in those
 * system calls). A statement stepped to its first row and left there keeps the transaction
 * open for the statements after it; db_release() resets it at the end of the request, and
 * db_begin() and db_run() reset it before any write (db.h), so a GET that writes still starts
 * its write from a fresh snapshot. The session's sliding refresh in auth_load_user() runs
 * before this, with nothing held. A signed-in GET needs no statement for it: the session's
 * own statement is left on its row (auth_load_user()), so the change counts it read and the
 * page describe the same snapshot; a POST's is ended before its handler. */
static void hold_read_snapshot(Db *db)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT 1 FROM settings");
	db_step(st);
}

void dispatch(Req *r, const Route *table)
{
	switch (route_match(table, r->method, r->path, r->arena, &r->route, r->params,
			    &r->nparams)) {
	case MATCH_NONE:
		resp_error(r, 404, "There is no page at this address.");
		return;
	case MATCH_WRONG_METHOD:
		resp_header(r, "Allow", allowed_methods(table, r->path, r->arena));
		resp_error(r, 405, "This page does not accept that kind of request.");
		return;
	case MATCH_OK:
		break;
	}
	bool snapshot_held = auth_load_user(r);
	AccessDecision d = access_decide(r->route->access, r->user);
	if (d == ACCESS_ALLOW && r->user && !r->user->is_admin) {
		if (r->route->access == ACCESS_FACILITATOR &&
		    community_role(r->db, r->params[0], r->user->id) < COMMUNITY_FACILITATOR)
			d = ACCESS_FORBIDDEN;
		if (r->route->access == ACCESS_PARTICIPANT &&
		    community_role(r->db, r->params[0], r->user->id) < COMMUNITY_PARTICIPANT)
			d = ACCESS_FORBIDDEN;
	}
	if (d != ACCESS_ALLOW) {
		refuse(r, d);
		return;
	}
	if (strcmp(r->route->method, "GET") != 0) {
		if (snapshot_held)
			auth_end_read(r);
	} else if (!snapshot_held) {
		hold_read_snapshot(r->db);
	}
	if (!strcmp(r->route->method, "POST")) {
		if (r->body_status) {
			resp_error(r, r->body_status, r->body_error);
			return;
		}
		if (!csrf_valid(r)) {
			resp_error(r, 403,
				   "This form has expired or did not come from this site. "
				   "Go back, reload the page and try again.");
			return;
		}
	}
	r->route->handler(r);
}
