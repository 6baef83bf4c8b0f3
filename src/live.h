/* Live updates by Server-Sent Events: an open thread page learns of new replies without
 * reloading. Listeners are parked connections, not threads: an idle listener costs a socket
 * and a few hundred bytes, never a worker. */
#ifndef PRACTICA_LIVE_H
#define PRACTICA_LIVE_H
#include <stdint.h>

/* Call after the transaction that added or changed posts of thread_id has committed: every
 * listener on that thread is woken and told the newest post id. Cheap; safe from any thread. */
void live_thread_changed(int64_t thread_id);
/* Call after a new thread on a board (community_id 0: the all-communities board) committed:
 * the board's open pages are told the newest thread id and refresh their list. */
void live_board_changed(int64_t community_id);

#endif
