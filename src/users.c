/* Account operations shared by the web pages and the command line. */
#include "users.h"

#include <time.h>

#include "auth.h"

UserResult user_create(Db *db, const NewUser *nu, int64_t *id_out)
{
	if (!nu->admin || nu->school_id) {
		sqlite3_stmt *st = db_prepare(db, "SELECT 1 FROM schools WHERE id = :id AND "
						  "status = 'active'");
		db_bind_int(st, ":id", nu->school_id);
		bool found = db_step(st) == SQLITE_ROW;
		/* Reset at once: a statement left on its row keeps this connection's read
		 * snapshot open, and the INSERT below would then fail with SQLITE_BUSY_SNAPSHOT
		 * whenever another request wrote during the password hashing. */
		sqlite3_reset(st);
		if (!found)
			return USER_NO_SUCH_SCHOOL;
	}
	if (user_id_by_email(db, nu->email))
		return USER_DUPLICATE_EMAIL;
	char hash[PASSWORD_HASH_MAX];
	if (!password_hash(nu->password, hash))
		return USER_FAILED;
	int64_t now = time(NULL);
	sqlite3_stmt *st = db_prepare(
		db, "INSERT INTO users (email, name, job_title, school_id, role, status, "
		    "password_hash, created_at, approved_at) VALUES (:email, :name, :title, "
		    ":school, :role, :status, :hash, :now, :approved)");
	db_bind_text(st, ":email", nu->email);
	db_bind_text(st, ":name", nu->name);
	db_bind_text(st, ":title", nu->job_title ? nu->job_title : "");
	if (nu->school_id)
		db_bind_int(st, ":school", nu->school_id);
	else
		db_bind_text(st, ":school", NULL);
	db_bind_text(st, ":role", nu->admin ? "admin" : "member");
	db_bind_text(st, ":status", nu->approved ? "active" : "pending");
	db_bind_text(st, ":hash", hash);
	db_bind_int(st, ":now", now);
	if (nu->approved)
		db_bind_int(st, ":approved", now);
	else
		db_bind_text(st, ":approved", NULL);
	/* db_run: a write of its own goes through the writer lock like every other. */
	if (!db_run(st)) /* a concurrent registration may have won the race for this address */
		return user_id_by_email(db, nu->email) ? USER_DUPLICATE_EMAIL : USER_FAILED;
	if (id_out)
		*id_out = db_last_id(db);
	return USER_OK;
}

int64_t user_id_by_email(Db *db, const char *email)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT id FROM users WHERE email = :email");
	db_bind_text(st, ":email", email);
	int64_t id = db_step(st) == SQLITE_ROW ? db_col_int(st, 0) : 0;
	sqlite3_reset(st);
	return id;
}

bool user_approve(Db *db, int64_t id, int64_t approved_by)
{
	sqlite3_stmt *st = db_prepare(db, "UPDATE users SET status = 'active', approved_at = :now, "
					  "approved_by = :by WHERE id = :id AND status = 'pending'");
	db_bind_int(st, ":now", time(NULL));
	if (approved_by)
		db_bind_int(st, ":by", approved_by);
	else
		db_bind_text(st, ":by", NULL);
	db_bind_int(st, ":id", id);
	return db_run(st) && db_changes(db) == 1;
}

bool user_decline(Db *db, int64_t id)
{
	sqlite3_stmt *st = db_prepare(db, "DELETE FROM users WHERE id = :id AND status = 'pending'");
	db_bind_int(st, ":id", id);
	return db_run(st) && db_changes(db) == 1;
}

bool user_set_disabled(Db *db, int64_t id, bool disabled)
{
	if (!db_begin(db))
		return false;
	/* Enabling gives back what disabling took: an account never approved goes back to
	 * pending, so disable + enable cannot approve anyone. */
	sqlite3_stmt *st = db_prepare(
		db, disabled ? "UPDATE users SET status = 'disabled' WHERE id = :id AND "
			       "status != 'disabled'"
			     : "UPDATE users SET status = CASE WHEN approved_at IS NULL THEN 'pending' "
			       "ELSE 'active' END WHERE id = :id AND status = 'disabled' "
			       "AND deleted_at IS NULL");
	db_bind_int(st, ":id", id);
	bool ok = db_run(st) && db_changes(db) == 1;
	if (ok && disabled)
		auth_revoke_sessions(db, id, NULL);
	if (!ok) {
		db_rollback(db);
		return false;
	}
	return db_commit(db);
}

bool user_set_admin(Db *db, int64_t id, bool admin)
{
	/* A member must keep a school; an admin without one cannot become a member. */
	sqlite3_stmt *st = db_prepare(db, "UPDATE users SET role = :role WHERE id = :id AND "
					  "(:role = 'admin' OR school_id IS NOT NULL)");
	db_bind_text(st, ":role", admin ? "admin" : "member");
	db_bind_int(st, ":id", id);
	return db_run(st) && db_changes(db) == 1;
}

bool user_set_password(Db *db, int64_t id, const char *password)
{
	char hash[PASSWORD_HASH_MAX];
	if (!password_hash(password, hash))
		return false;
	sqlite3_stmt *st = db_prepare(db, "UPDATE users SET password_hash = :hash WHERE id = :id");
	db_bind_text(st, ":hash", hash);
	db_bind_int(st, ":id", id);
	return db_run(st) && db_changes(db) == 1;
}
