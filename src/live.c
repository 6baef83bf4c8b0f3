/* Live updates by Server-Sent Events (see live.h). PLACEHOLDER: being written. */
#include "live.h"

void live_thread_changed(int64_t thread_id) {}
