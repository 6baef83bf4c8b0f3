/* Configuration: every key of config_set, good and bad values, and the config file reader
 * (comments, blank lines, errors reported as FILE:LINE). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "config.h"
#include "test.h"

static char tmpdir[64];

static void remove_tmpdir(void)
{
	static const char *const names[] = {"good.conf", "unknown.conf", "bad.conf", "noeq.conf",
					    "stderr.txt", NULL};
	char p[256];
	for (const char *const *n = names; *n; n++) {
		snprintf(p, sizeof p, "%s/%s", tmpdir, *n);
		unlink(p);
	}
	rmdir(tmpdir);
}

static void ensure_tmpdir(void)
{
	if (!tmpdir[0]) {
		strcpy(tmpdir, "/tmp/practica-unit-config-XXXXXX");
		if (!mkdtemp(tmpdir)) {
			perror("mkdtemp");
			exit(1);
		}
		atexit(remove_tmpdir);
	}
}

/* Writes text to a file in the test's temporary directory and returns its path. */
static const char *write_file(const char *name, const char *text)
{
	static char path[256];
	ensure_tmpdir();
	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(1);
	}
	fputs(text, f);
	fclose(f);
	return path;
}

/* config_set copies values to the heap for the life of the process and does not free the
 * value it replaces; keep every copy reachable here so LeakSanitizer does not fail the run. */
static void keep_config_strings(void)
{
	static const void *kept[256];
	static size_t nkept;
	const void *now[] = {config.db_path, config.listen_host, config.access_log,
			     config.port_file, config.site_name};
	for (size_t i = 0; i < sizeof now / sizeof *now; i++) {
		bool seen = false;
		for (size_t j = 0; j < nkept && !seen; j++)
			seen = kept[j] == now[i];
		if (!seen && nkept < sizeof kept / sizeof *kept)
			kept[nkept++] = now[i];
	}
}

/* Runs config_load_file with stderr captured into err (NUL-terminated). */
static bool load_capturing(const char *path, char *err, size_t errcap)
{
	char errpath[256];
	ensure_tmpdir();
	snprintf(errpath, sizeof errpath, "%s/stderr.txt", tmpdir);
	fflush(stderr);
	int saved = dup(2), fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(fd, 2);
	close(fd);
	bool ok = config_load_file(path);
	keep_config_strings();
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	err[0] = '\0';
	FILE *f = fopen(errpath, "r");
	if (f) {
		size_t n = fread(err, 1, errcap - 1, f);
		err[n] = '\0';
		fclose(f);
	}
	return ok;
}

static bool set(const char *key, const char *value, const char **why)
{
	const char *w = "not set";
	bool ok = config_set(key, value, &w);
	keep_config_strings();
	if (why)
		*why = w;
	return ok;
}

TEST(defaults)
{
	CHECK_STR(config.db_path, "practica.db");
	CHECK_STR(config.listen_host, "127.0.0.1");
	CHECK(config.port == 8080, "port %d", config.port);
	CHECK(config.threads == 0, "threads %d", config.threads);
	CHECK(!config.trust_proxy, "trust_proxy on by default");
	CHECK(!config.secure_cookies, "secure_cookies on by default");
	CHECK_STR(config.access_log, "-");
	CHECK(config.port_file == NULL, "port_file set");
	CHECK_STR(config.site_name, "Practica");
}

TEST(set_db_and_strings)
{
	const char *why;
	char value[] = "/var/lib/practica/site.db";
	CHECK(set("db", value, &why), "db: %s", why);
	CHECK(why == NULL, "why not NULL on success");
	value[0] = 'X'; /* config keeps its own copy */
	CHECK_STR(config.db_path, "/var/lib/practica/site.db");
	CHECK(set("access-log", "off", &why), "access-log: %s", why);
	CHECK_STR(config.access_log, "off");
	CHECK(set("access-log", "/var/log/practica.log", &why), "access-log: %s", why);
	CHECK_STR(config.access_log, "/var/log/practica.log");
	CHECK(set("port-file", "/run/practica.port", &why), "port-file: %s", why);
	CHECK_STR(config.port_file, "/run/practica.port");
	CHECK(set("site-name", "DC Charter Knowledge Center", &why), "site-name: %s", why);
	CHECK_STR(config.site_name, "DC Charter Knowledge Center");
}

TEST(set_listen_forms)
{
	const char *why;
	CHECK(set("listen", "0.0.0.0:9000", &why), "0.0.0.0:9000: %s", why);
	CHECK_STR(config.listen_host, "0.0.0.0");
	CHECK(config.port == 9000, "port %d", config.port);
	CHECK(set("listen", "[::1]:8080", &why), "[::1]:8080: %s", why);
	CHECK_STR(config.listen_host, "::1");
	CHECK(config.port == 8080, "port %d", config.port);
	CHECK(set("listen", "localhost:0", &why), "localhost:0: %s", why);
	CHECK_STR(config.listen_host, "localhost");
	CHECK(config.port == 0, "port 0 (any free port): %d", config.port);
	/* A bare port keeps the host. */
	CHECK(set("listen", "8081", &why), "8081: %s", why);
	CHECK_STR(config.listen_host, "localhost");
	CHECK(config.port == 8081, "port %d", config.port);
	CHECK(set("listen", "127.0.0.1:65535", &why), "65535: %s", why);
	CHECK(config.port == 65535, "port %d", config.port);
}

TEST(set_listen_bad_refused)
{
	static const char *const bad[] = {"127.0.0.1", "127.0.0.1:", ":8080", "[]:8080",
					  "127.0.0.1:70000", "127.0.0.1:-1", "127.0.0.1:80x",
					  "127.0.0.1:http", "", "65536", NULL};
	CHECK(set("listen", "127.0.0.1:8080", NULL), "reset");
	for (const char *const *b = bad; *b; b++) {
		const char *why = NULL;
		CHECK(!set("listen", *b, &why), "listen \"%s\" accepted", *b);
		CHECK(why && strstr(why, "listen"), "no reason for \"%s\": %s", *b,
		      why ? why : "(null)");
	}
	CHECK_STR(config.listen_host, "127.0.0.1");
	CHECK(config.port == 8080, "a refused value changed the port to %d", config.port);
}

TEST(set_listen_bare_ipv6_refused)
{
	/* "::1" is ambiguous without brackets; it must not become host "::" (every interface)
	 * on port 1. */
	CHECK(set("listen", "127.0.0.1:8080", NULL), "reset");
	const char *why = NULL;
	bool ok = set("listen", "::1", &why);
	CHECK(!ok, "\"::1\" accepted as host \"%s\" port %d", config.listen_host, config.port);
	CHECK(set("listen", "127.0.0.1:8080", NULL), "reset");
}

TEST(set_threads)
{
	const char *why;
	CHECK(set("threads", "0", &why) && config.threads == 0, "0: %s", why);
	CHECK(set("threads", "8", &why) && config.threads == 8, "8: %s", why);
	CHECK(set("threads", "256", &why) && config.threads == 256, "256: %s", why);
}

TEST(set_threads_bad_refused)
{
	static const char *const bad[] = {"-1", "257", "four", "", "4 ", "1e3", NULL};
	CHECK(set("threads", "4", NULL), "reset");
	for (const char *const *b = bad; *b; b++) {
		const char *why = NULL;
		CHECK(!set("threads", *b, &why), "threads \"%s\" accepted", *b);
		CHECK(why && strstr(why, "threads"), "reason for \"%s\": %s", *b, why ? why : "(null)");
	}
	CHECK(config.threads == 4, "threads changed to %d", config.threads);
}

TEST(set_max_body)
{
	const char *why;
	CHECK(set("max-body", "1024", &why) && config.max_body == 1024, "1024: %s", why);
	CHECK(set("max-body", "1073741824", &why) && config.max_body == 1073741824u, "1 GiB: %s",
	      why);
	CHECK(set("max-body", "1048576", &why) && config.max_body == 1048576, "1 MiB: %s", why);
}

TEST(set_max_body_bad_refused)
{
	static const char *const bad[] = {"10", "1023", "1073741825", "-5", "1M", "", NULL};
	for (const char *const *b = bad; *b; b++) {
		const char *why = NULL;
		CHECK(!set("max-body", *b, &why), "max-body \"%s\" accepted", *b);
		CHECK(why && strstr(why, "max-body"), "reason for \"%s\"", *b);
	}
	CHECK(config.max_body == 1048576, "max_body changed to %zu", config.max_body);
}

TEST(set_max_fields_and_timeout)
{
	const char *why;
	CHECK(set("max-fields", "50", &why) && config.max_fields == 50, "max-fields: %s", why);
	CHECK(!set("max-fields", "0", &why), "max-fields 0 accepted");
	CHECK(!set("max-fields", "100001", &why), "max-fields 100001 accepted");
	CHECK(set("timeout", "1", &why) && config.timeout_seconds == 1, "timeout 1: %s", why);
	CHECK(set("timeout", "3600", &why) && config.timeout_seconds == 3600, "timeout 3600");
	CHECK(set("timeout", "30", &why) && config.timeout_seconds == 30, "timeout 30");
}

TEST(set_timeout_bad_refused)
{
	static const char *const bad[] = {"0", "-1", "3601", "30s", "", NULL};
	for (const char *const *b = bad; *b; b++) {
		const char *why = NULL;
		CHECK(!set("timeout", *b, &why), "timeout \"%s\" accepted", *b);
		CHECK(why && strstr(why, "timeout"), "reason for \"%s\"", *b);
	}
	CHECK(config.timeout_seconds == 30, "timeout changed to %d", config.timeout_seconds);
}

TEST(set_booleans)
{
	static const char *const yes[] = {"yes", "true", "on", "1", NULL};
	static const char *const no[] = {"no", "false", "off", "0", NULL};
	static const char *const keys[] = {"trust-proxy", "secure-cookies", NULL};
	for (const char *const *k = keys; *k; k++) {
		bool *field = !strcmp(*k, "trust-proxy") ? &config.trust_proxy : &config.secure_cookies;
		for (const char *const *y = yes; *y; y++) {
			*field = false;
			CHECK(set(*k, *y, NULL) && *field, "%s = %s", *k, *y);
		}
		for (const char *const *n = no; *n; n++) {
			*field = true;
			CHECK(set(*k, *n, NULL) && !*field, "%s = %s", *k, *n);
		}
		*field = false;
	}
}

TEST(set_booleans_bad_refused)
{
	static const char *const bad[] = {"maybe", "", "Y", "2", "yes please", NULL};
	for (const char *const *b = bad; *b; b++) {
		const char *why = NULL;
		CHECK(!set("trust-proxy", *b, &why), "trust-proxy \"%s\" accepted", *b);
		CHECK(why && strstr(why, "trust-proxy"), "reason for \"%s\"", *b);
		CHECK(!set("secure-cookies", *b, &why), "secure-cookies \"%s\" accepted", *b);
		CHECK(why && strstr(why, "secure-cookies"), "reason for \"%s\"", *b);
	}
	CHECK(!config.trust_proxy && !config.secure_cookies, "a refused value switched it on");
}

TEST(set_unknown_key_refused)
{
	const char *why = NULL;
	CHECK(!set("colour", "blue", &why), "unknown key accepted");
	CHECK(why && strstr(why, "unknown"), "reason: %s", why ? why : "(null)");
	CHECK(!set("", "x", &why), "empty key accepted");
	CHECK(!set("DB", "x.db", &why), "keys are case-sensitive: DB accepted");
	CHECK(!set("config", "x.conf", &why), "config is a flag, not a key");
}

TEST(load_file_with_comments_and_blanks)
{
	const char *path = write_file("good.conf",
				      "# Practica configuration\n"
				      "\n"
				      "db = /srv/practica/site.db\n"
				      "   # an indented comment\n"
				      "listen=127.0.0.1:9090\n"
				      "\tthreads\t=\t3\t\n"
				      "site-name = Knowledge Center = DC\n"
				      "trust-proxy = yes\r\n"
				      "   \n"
				      "max-body = 2048");
	char err[512];
	CHECK(load_capturing(path, err, sizeof err), "refused: %s", err);
	CHECK(err[0] == '\0', "printed: %s", err);
	CHECK_STR(config.db_path, "/srv/practica/site.db");
	CHECK_STR(config.listen_host, "127.0.0.1");
	CHECK(config.port == 9090, "port %d", config.port);
	CHECK(config.threads == 3, "threads %d", config.threads);
	CHECK_STR(config.site_name, "Knowledge Center = DC");
	CHECK(config.trust_proxy, "trust-proxy with CRLF line end");
	CHECK(config.max_body == 2048, "last line without newline: %zu", config.max_body);
	config.trust_proxy = false;
}

TEST(load_file_unknown_key_refused)
{
	const char *path = write_file("unknown.conf", "# comment\n"
						      "threads = 2\n"
						      "\n"
						      "colour = blue\n"
						      "threads = 5\n");
	char err[512], want[300];
	CHECK(!load_capturing(path, err, sizeof err), "unknown key accepted");
	snprintf(want, sizeof want, "%s:4:", path);
	CHECK(strstr(err, want) != NULL, "want \"%s\" in: %s", want, err);
	CHECK(strstr(err, "unknown") != NULL, "no reason in: %s", err);
	CHECK(config.threads == 2, "reading went on after the error: threads %d", config.threads);
}

TEST(load_file_bad_value_refused)
{
	const char *path = write_file("bad.conf", "listen = 127.0.0.1:70000\n");
	char err[512], want[300];
	CHECK(!load_capturing(path, err, sizeof err), "port 70000 accepted");
	snprintf(want, sizeof want, "%s:1: listen", path);
	CHECK(strstr(err, want) != NULL, "want \"%s\" in: %s", want, err);
}

TEST(load_file_line_without_equals_refused)
{
	const char *path = write_file("noeq.conf", "db = x.db\nthreads 4\n");
	char err[512], want[300];
	CHECK(!load_capturing(path, err, sizeof err), "line without '=' accepted");
	snprintf(want, sizeof want, "%s:2:", path);
	CHECK(strstr(err, want) != NULL, "want \"%s\" in: %s", want, err);
}

TEST(load_missing_file_refused)
{
	char err[512];
	CHECK(!load_capturing("/nonexistent/practica.conf", err, sizeof err), "missing file");
	CHECK(strstr(err, "/nonexistent/practica.conf") != NULL, "path not named: %s", err);
}

int main(void)
{
	return RUN_TESTS(defaults, set_db_and_strings, set_listen_forms, set_listen_bad_refused,
			 set_listen_bare_ipv6_refused, set_threads, set_threads_bad_refused,
			 set_max_body, set_max_body_bad_refused, set_max_fields_and_timeout,
			 set_timeout_bad_refused, set_booleans, set_booleans_bad_refused,
			 set_unknown_key_refused, load_file_with_comments_and_blanks,
			 load_file_unknown_key_refused, load_file_bad_value_refused,
			 load_file_line_without_equals_refused, load_missing_file_refused);
}
