/* Input validation at the edge: each function checks one kind of value and, on failure,
 * returns a message fit to show beside the form field. NULL means the value is good. */
#ifndef PRACTICA_VALIDATE_H
#define PRACTICA_VALIDATE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

/* A copy of s without leading/trailing whitespace, inner runs of whitespace kept. */
char *trimmed(Arena *arena, const char *s);

const char *check_email(const char *email);
const char *check_person_name(const char *name);
const char *check_job_title(const char *title);
const char *check_password(const char *password);
const char *check_school_name(const char *name);
/* A real calendar date written YYYY-MM-DD. */
const char *check_date(const char *s);
/* Today's date in the association's time zone as YYYY-MM-DD into out[11]. */
void today_iso(char out[11]);
/* A clock time written HH:MM (24-hour). */
const char *check_clock(const char *s);
/* The Unix time of a YYYY-MM-DD date and HH:MM clock time in the association's time zone.
 * False when either is malformed. */
bool local_time(const char *date, const char *clock, int64_t *out);
/* A free-text field: required or not, at most max bytes. */
const char *check_text(Arena *arena, const char *s, bool required, size_t max);
/* True when s is one of the NULL-terminated choices. */
bool one_of(const char *s, const char *const *choices);
/* Parses a positive decimal id; 0 when s is not one. */
int64_t parse_id(const char *s);
/* A local path safe to redirect to after sign-in ("/x", not "//host" or "http:..."). */
bool is_local_path(const char *s);

#endif
