/* Configuration defaults, the config file and the shared key setter used by flags. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"

Config config = {
	.db_path = "practica.db",
	.listen_host = "127.0.0.1",
	.port = 8080,
	.threads = 0,
	.max_body = 1024 * 1024,
	.max_fields = 200,
	.timeout_seconds = 30,
	.max_header = 16 * 1024,
	.trust_proxy = false,
	.secure_cookies = false,
	.access_log = "-",
	.port_file = NULL,
	.site_name = "Practica",
	.timezone = "America/New_York",
	.max_upload = 25 * 1024 * 1024,
	.max_connections = 10000,
	.max_per_address = -1,
	.fault_file = NULL,
};

/* Strings set from files and flags live as long as the process: one arena holds them all, so
 * a value replaced by a later flag is not a leak. */
static Arena *config_arena(void)
{
	static Arena *arena;
	if (!arena)
		arena = arena_new();
	return arena;
}

static const char *keep(const char *value)
{
	return arena_strdup(config_arena(), value);
}

static bool parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

static bool parse_bool(const char *s, bool *out)
{
	if (!strcmp(s, "yes") || !strcmp(s, "true") || !strcmp(s, "on") || !strcmp(s, "1"))
		return *out = true, true;
	if (!strcmp(s, "no") || !strcmp(s, "false") || !strcmp(s, "off") || !strcmp(s, "0"))
		return *out = false, true;
	return false;
}

/* "HOST:PORT", "PORT" or "[::1]:PORT". */
static bool parse_listen(const char *s)
{
	const char *colon = strrchr(s, ':');
	const char *port = colon ? colon + 1 : s;
	long p;
	if (!parse_long(port, 0, 65535, &p))
		return false;
	if (colon) {
		const char *host = s;
		size_t n = (size_t)(colon - s);
		bool bracketed = n >= 2 && host[0] == '[' && host[n - 1] == ']';
		if (bracketed)
			host++, n -= 2;
		/* "::1" without brackets would read as host ":" and port 1. */
		if (n == 0 || (!bracketed && memchr(host, ':', n)))
			return false;
		char *h = arena_strndup(config_arena(), host, n);
		config.listen_host = h;
	}
	config.port = (int)p;
	return true;
}

bool config_set(const char *key, const char *value, const char **why)
{
	long n;
	*why = NULL;
	if (!strcmp(key, "db")) {
		config.db_path = keep(value);
	} else if (!strcmp(key, "listen")) {
		if (!parse_listen(value))
			*why = "listen must be ADDRESS:PORT, e.g. 127.0.0.1:8080";
	} else if (!strcmp(key, "threads")) {
		if (parse_long(value, 0, 256, &n))
			config.threads = (int)n;
		else
			*why = "threads must be a number from 0 (one per core) to 256";
	} else if (!strcmp(key, "max-body")) {
		if (parse_long(value, 1024, 1L << 30, &n))
			config.max_body = (size_t)n;
		else
			*why = "max-body must be a byte count from 1024 to 1073741824";
	} else if (!strcmp(key, "max-fields")) {
		if (parse_long(value, 1, 100000, &n))
			config.max_fields = (int)n;
		else
			*why = "max-fields must be a number from 1 to 100000";
	} else if (!strcmp(key, "timeout")) {
		if (parse_long(value, 1, 3600, &n))
			config.timeout_seconds = (int)n;
		else
			*why = "timeout must be seconds from 1 to 3600";
	} else if (!strcmp(key, "trust-proxy")) {
		if (!parse_bool(value, &config.trust_proxy))
			*why = "trust-proxy must be yes or no";
	} else if (!strcmp(key, "secure-cookies")) {
		if (!parse_bool(value, &config.secure_cookies))
			*why = "secure-cookies must be yes or no";
	} else if (!strcmp(key, "access-log")) {
		config.access_log = keep(value);
	} else if (!strcmp(key, "port-file")) {
		config.port_file = keep(value);
	} else if (!strcmp(key, "timezone")) {
		bool ok = *value && strlen(value) < 64 && value[0] != '/' && !strstr(value, "..");
		for (const char *p = value; ok && *p; p++)
			ok = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
			     (*p >= '0' && *p <= '9') || strchr("/_+-", *p);
		if (ok)
			config.timezone = keep(value);
		else
			*why = "timezone must be a zone name like America/New_York";
	} else if (!strcmp(key, "max-upload")) {
		if (parse_long(value, 1024, 1L << 31, &n))
			config.max_upload = (size_t)n;
		else
			*why = "max-upload must be a byte count from 1024 to 2147483648";
	} else if (!strcmp(key, "max-connections")) {
		if (parse_long(value, 16, 1000000, &n))
			config.max_connections = (int)n;
		else
			*why = "max-connections must be a number from 16 to 1000000";
	} else if (!strcmp(key, "max-connections-per-address")) {
		if (parse_long(value, 0, 1000000, &n))
			config.max_per_address = (int)n;
		else
			*why = "max-connections-per-address must be a number (0 for no limit)";
	} else if (!strcmp(key, "fault-injection-file")) {
		/* For the storage fault tests only (faults.c); not in the README. */
		config.fault_file = keep(value);
	} else if (!strcmp(key, "site-name")) {
		config.site_name = keep(value);
	} else {
		*why = "unknown setting";
	}
	return *why == NULL;
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	char *e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

bool config_load_file(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "practica: cannot read config file %s: %s\n", path, strerror(errno));
		return false;
	}
	char line[1024];
	int lineno = 0;
	bool ok = true;
	while (ok && fgets(line, sizeof line, f)) {
		lineno++;
		char *s = trim(line);
		if (*s == '#' || *s == '\0')
			continue;
		char *eq = strchr(s, '=');
		const char *why = "expected key = value";
		if (eq) {
			*eq = '\0';
			ok = config_set(trim(s), trim(eq + 1), &why);
		} else {
			ok = false;
		}
		if (!ok)
			fprintf(stderr, "practica: %s:%d: %s\n", path, lineno, why);
	}
	fclose(f);
	return ok;
}

bool config_apply_timezone(void)
{
	char path[128];
	snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", config.timezone);
	if (strcmp(config.timezone, "UTC") != 0 && access(path, R_OK) != 0) {
		fprintf(stderr, "practica: unknown time zone %s (no %s; install tzdata?)\n",
			config.timezone, path);
		return false;
	}
	setenv("TZ", config.timezone, 1);
	tzset();
	return true;
}
