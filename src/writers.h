/* A few threads that run the handlers of state-changing requests (POSTs) away from
 * libmicrohttpd's workers, so that a commit waiting for the disk never holds up the page views
 * a worker serves on its other connections (http.c hands requests over; writers.c queues them). */
#ifndef PRACTICA_WRITERS_H
#define PRACTICA_WRITERS_H
#include <stdbool.h>

#include "http.h"

/* The writer threads serve starts (each has its own database connection), and their page
 * caches in KiB: small, since another connection's write empties a cache (WAL) and two
 * writers take turns, so a writer's cache seldom outlives one transaction. */
#define WRITER_THREADS 2
#define WRITER_CACHE_KIB 4096

/* Starts the threads; each request handed over is passed to run on one of them. */
bool writers_start(void (*run)(Req *r));
/* Queues r for a writer thread, in order of arrival. False when the writers are stopping
 * (or never started): the caller runs the request itself. */
bool writers_submit(Req *r);
/* Lets the threads finish the queue, then joins them; later requests are refused. */
void writers_stop(void);

#endif
