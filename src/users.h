/* Accounts as data: creating, approving, declining, disabling and changing roles and
 * passwords. Shared by the web pages (accounts.c, admin.c) and the `practica user` command,
 * so both follow the same rules. */
#ifndef PRACTICA_USERS_H
#define PRACTICA_USERS_H
#include <stdbool.h>
#include <stdint.h>

#include "db.h"

typedef enum {
	USER_OK,
	USER_DUPLICATE_EMAIL,
	USER_NO_SUCH_SCHOOL, /* missing, or not an active member school */
	USER_FAILED,         /* database or hashing failure (logged) */
} UserResult;

typedef struct {
	const char *email, *name, *job_title, *password;
	int64_t school_id; /* 0 only for admins */
	bool admin;
	bool approved; /* created active (by an admin or the CLI) rather than pending */
} NewUser;

UserResult user_create(Db *db, const NewUser *nu, int64_t *id_out);
/* 0 when no account has this email (case-insensitive). */
int64_t user_id_by_email(Db *db, const char *email);
/* pending -> active. False if the account is not pending. */
bool user_approve(Db *db, int64_t id, int64_t approved_by);
/* Removes a pending registration. False if the account is not pending. */
bool user_decline(Db *db, int64_t id);
/* Disabling also ends every session of the account. */
bool user_set_disabled(Db *db, int64_t id, bool disabled);
bool user_set_admin(Db *db, int64_t id, bool admin);
bool user_set_password(Db *db, int64_t id, const char *password);

#endif
