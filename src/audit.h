/* The audit log: who among staff and facilitators did what, when and from where. Handlers call
 * audit() once an action has succeeded; admins read the log at /admin/audit. */
#ifndef PRACTICA_AUDIT_H
#define PRACTICA_AUDIT_H
#include <stdint.h>

#include "http.h"

/* Records an action by the signed-in user (r->user; "command line" when there is none) from
 * r->client_address. action is a short dotted name ("user.approve", "roster.export"); detail
 * is printf-formatted plain text naming what was acted on ("community principals"). Runs in the
 * caller's transaction when one is open. A failure is a database error like any other. */
void audit(Req *r, const char *action, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The same, for an action on a person: subject_id's name is kept beside it (and replaced by
 * "Former member" if that account is later deleted), so details never need to name people. */
void audit_user(Req *r, const char *action, int64_t subject_id, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
