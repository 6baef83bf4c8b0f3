/* Fuzzes path routing (route_match in src/router.c) over the real route table. The input is
 * a method selector byte and a path. Properties:
 *   - the table passes routes_valid();
 *   - route_match() agrees with a plain reference matcher written here: the first route whose
 *     pattern matches and whose method fits is found; a path known only under other methods
 *     is MATCH_WRONG_METHOD; otherwise MATCH_NONE;
 *   - on a match, every parameter has its type (:id a positive integer without leading zero,
 *     :slug lowercase letters, digits and dashes, :asset a file name not starting with a dot)
 *     and putting the parameters back into the pattern gives exactly the path. */
#include <string.h>

#include "fuzz.h"
#include "router.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	FUZZ_ASSERT(routes_valid(routes), "the route table is not valid");
	return 0;
}

static bool in_set(const char *s, size_t n, const char *set)
{
	for (size_t i = 0; i < n; i++)
		if (!s[i] || !strchr(set, s[i]))
			return false;
	return true;
}

static bool param_ok(const char *type, size_t tn, const char *s, size_t n)
{
	if (tn == 3 && !strncmp(type, ":id", 3))
		return n >= 1 && n <= 18 && s[0] != '0' && in_set(s, n, "0123456789");
	if (tn == 5 && !strncmp(type, ":slug", 5))
		return n >= 1 && n <= 64 && in_set(s, n, "abcdefghijklmnopqrstuvwxyz0123456789-");
	if (tn == 6 && !strncmp(type, ":asset", 6))
		return n >= 1 && n <= 100 && s[0] != '.' &&
		       in_set(s, n, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.");
	return false;
}

/* Segment by segment, written differently from router.c: split both on '/'. */
static bool reference_matches(const char *pattern, const char *path)
{
	if (path[0] != '/')
		return false;
	const char *p = pattern + 1, *s = path + 1;
	for (;;) {
		size_t pn = strcspn(p, "/"), sn = strcspn(s, "/");
		if (p[0] == ':') {
			if (!param_ok(p, pn, s, sn))
				return false;
		} else if (pn != sn || strncmp(p, s, pn) != 0) {
			return false;
		}
		p += pn, s += sn;
		if (!*p || !*s)
			return !*p && !*s;
		p++, s++; /* both at '/' */
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const methods[] = {"GET", "POST", "HEAD", "PUT", "get", ""};
	if (size < 1)
		return 0;
	const char *method = methods[data[0] % (sizeof methods / sizeof *methods)];
	char *path = strndup((const char *)data + 1, size - 1);

	const Route *want = NULL;
	bool path_known = false;
	const char *as = !strcmp(method, "HEAD") ? "GET" : method;
	for (const Route *rt = routes; rt->pattern && !want; rt++) {
		if (!reference_matches(rt->pattern, path))
			continue;
		if (!strcmp(rt->method, as))
			want = rt;
		else
			path_known = true;
	}

	Arena *arena = arena_new();
	const Route *found = NULL;
	const char *params[4] = {0};
	int nparams = -1;
	MatchResult m = route_match(routes, method, path, arena, &found, params, &nparams);
	if (want) {
		FUZZ_ASSERT(m == MATCH_OK && found == want, "%s %s: want %s, got %d %s", method, path,
			    want->pattern, m, found ? found->pattern : "-");
		/* Put the parameters back into the pattern: it must give the path. */
		Buf rebuilt = {0};
		int used = 0;
		for (const char *p = found->pattern; *p;) {
			if (*p == ':') {
				FUZZ_ASSERT(used < nparams, "fewer parameters than the pattern has");
				buf_puts(&rebuilt, params[used++]);
				p += strcspn(p, "/");
			} else {
				buf_putc(&rebuilt, *p++);
			}
		}
		FUZZ_ASSERT(used == nparams, "%d parameters for %d in the pattern", nparams, used);
		FUZZ_ASSERT(rebuilt.data && !strcmp(rebuilt.data, path),
			    "parameters rebuild %s, not %s", rebuilt.data, path);
		buf_free(&rebuilt);
	} else {
		MatchResult expected = path_known ? MATCH_WRONG_METHOD : MATCH_NONE;
		FUZZ_ASSERT(m == expected, "%s %s: want %d, got %d (%s)", method, path, expected, m,
			    m == MATCH_OK ? found->pattern : "-");
	}
	arena_free(arena);
	free(path);
	return 0;
}
