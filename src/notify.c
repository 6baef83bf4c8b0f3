/* Notifications and thread follows (see notify.h). PLACEHOLDER: being written. */
#include "notify.h"

void notify_user(Db *db, int64_t user_id, const char *kind, const char *text, const char *link) {}
void notify_community(Db *db, int64_t community_id, int64_t except_user_id, const char *kind,
		      const char *text, const char *link) {}
void thread_follow(Db *db, int64_t user_id, int64_t thread_id) {}
bool thread_is_followed(Db *db, int64_t user_id, int64_t thread_id) { return false; }
void notify_thread_followers(Db *db, int64_t thread_id, int64_t except_user_id, const char *text,
			     const char *link) {}
int64_t notifications_unread(Db *db, int64_t user_id) { return 0; }
