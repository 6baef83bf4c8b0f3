/* Discussion boards (see discussions.h): who may read a thread. Being written. */
#include "discussions.h"

#include "communities.h"

bool thread_readable_by(Db *db, int64_t user_id, bool is_admin, int64_t thread_id)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT coalesce(community_id, 0) FROM threads "
					  "WHERE id = :t");
	db_bind_int(st, ":t", thread_id);
	if (db_step(st) != SQLITE_ROW)
		return false;
	int64_t community = db_col_int(st, 0);
	sqlite3_reset(st);
	return !community || community_readable_by(db, user_id, is_admin, community);
}

bool thread_readable(Req *r, int64_t thread_id)
{
	return r->user && r->user->is_member &&
	       thread_readable_by(r->db, r->user->id, r->user->is_admin, thread_id);
}

void discussions_recent_section(Req *r, int64_t community_id, const char *board_url, int limit)
{
}
