/* The writer threads (writers.h): one queue in arrival order, under one lock. A request waits
 * here only while every writer is busy, and writers take turns at the database's write lock
 * anyway (db.c); two of them are enough for one's disk sync to overlap the next one's commit. */
#include "writers.h"

#include <pthread.h>
#include <stdio.h>

#include "arena.h"
#include "db.h"

typedef struct Job {
	Req *r;
	struct Job *next;
} Job;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ready = PTHREAD_COND_INITIALIZER;
static Job *head, *tail;
static bool stopping;
static pthread_t threads[WRITER_THREADS];
static int started;
static void (*run_request)(Req *r);

static void *writer_main(void *unused)
{
	(void)unused;
	Db *db = db_thread();
	if (db)
		db_set_cache_kib(db, WRITER_CACHE_KIB);
	for (;;) {
		pthread_mutex_lock(&lock);
		while (!head && !stopping)
			pthread_cond_wait(&ready, &lock);
		Job *job = head;
		if (job) {
			head = job->next;
			if (!head)
				tail = NULL;
		}
		pthread_mutex_unlock(&lock);
		if (!job)
			return NULL; /* stopping, and the queue is empty */
		run_request(job->r);
	}
}

bool writers_start(void (*run)(Req *r))
{
	run_request = run;
	for (started = 0; started < WRITER_THREADS; started++) {
		if (pthread_create(&threads[started], NULL, writer_main, NULL) != 0) {
			fprintf(stderr, "practica: cannot start a writer thread\n");
			writers_stop();
			return false;
		}
	}
	return true;
}

bool writers_submit(Req *r)
{
	Job *job = arena_alloc(r->arena, sizeof *job); /* lives as long as the request */
	job->r = r;
	job->next = NULL;
	pthread_mutex_lock(&lock);
	if (stopping || !started) {
		pthread_mutex_unlock(&lock);
		return false;
	}
	if (tail)
		tail->next = job;
	else
		head = job;
	tail = job;
	pthread_cond_signal(&ready);
	pthread_mutex_unlock(&lock);
	return true;
}

void writers_stop(void)
{
	pthread_mutex_lock(&lock);
	stopping = true;
	pthread_cond_broadcast(&ready);
	pthread_mutex_unlock(&lock);
	for (int i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	started = 0;
}
