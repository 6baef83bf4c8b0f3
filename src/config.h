/* Run-time configuration: defaults, an optional `key = value` file, then command-line flags.
 * Filled once at start-up and read-only afterwards, so every thread may read it freely. */
#ifndef PRACTICA_CONFIG_H
#define PRACTICA_CONFIG_H
#include <stdbool.h>
#include <stddef.h>

typedef struct {
	const char *db_path;
	const char *listen_host; /* e.g. "127.0.0.1" */
	int port;                /* 0 = any free port (see port_file) */
	int threads;             /* worker threads; 0 = one per core */
	size_t max_body;         /* bytes in a form body before 413 */
	int max_fields;          /* form fields before 400 */
	int timeout_seconds;     /* idle connection timeout */
	size_t max_header;       /* bytes of request line + headers before 431 */
	bool trust_proxy;        /* believe X-Forwarded-For / X-Forwarded-Proto */
	bool secure_cookies;     /* always mark cookies Secure (site served over TLS) */
	const char *access_log;  /* file, "-" for stderr, "off" for none */
	const char *port_file;   /* where serve writes the port it listens on */
	const char *site_name;   /* shown in the header and titles */
	const char *timezone;    /* the association's time zone, e.g. "America/New_York" */
	size_t max_upload;       /* bytes in an upload (multipart) body before 413 */
	int max_connections;     /* open connections in all; beyond it new ones wait or are refused */
	int max_per_address;     /* open connections from one client address (0: no limit; -1, the
				  * default: 1000, or no limit behind a trusted proxy) */
	const char *fault_file;  /* tests only: storage faults to inject (faults.h) */
} Config;

extern Config config;

/* Makes config.timezone the process's local time zone (TZ), before any thread starts, so
 * localtime_r() and mktime() work in it. False when the zone is unknown. */
bool config_apply_timezone(void);

/* Reads `key = value` lines (# comments) into config. Returns false and prints
 * "FILE:LINE: why" on an unknown key or bad value. */
bool config_load_file(const char *path);
/* Sets one key from a file or a --flag. Returns false with a message in *why. */
bool config_set(const char *key, const char *value, const char **why);

#endif
