/* The System status page (src/admin_system.c) and the memory it reports (DECISIONS 120):
 * `practica serve` reserves SQLite's page caches as one pool when it starts, so the pool is
 * part of the resident memory from the first request and pages are drawn from it; the restart
 * of SQLite that takes the pool keeps search's extension (a search still finds a new post);
 * only administrators see the page. */
#include <stdlib.h>
#include <string.h>

#define HTTP_SUPPORT_EMBEDDED /* see http_support.c */
#include "http_support.c"
#include "test.h"

#define SCHOOL "Lakeside Academy"

static Server srv;
static Person admin = {ADMIN_EMAIL, ADMIN_NAME};
static Person mo = {"mo@lakeside.org", "Mo Member"};
static Person *const people[] = {&admin, &mo};

/* The data-value of the element with this id on the page, or -1. */
static long long value_of(const char *body, const char *id)
{
	const char *pattern = pathf("id=\"%s\" data-value=\"", id);
	const char *at = body ? strstr(body, pattern) : NULL;
	return at ? atoll(at + strlen(pattern)) : -1;
}

static Reply system_page(void)
{
	Reply r = client_get(admin.c, "/admin/system");
	CHECK(r.status == 200, "GET /admin/system as the admin: %ld", r.status);
	return r;
}

TEST(shows_versions_database_and_workers)
{
	Reply r = system_page();
	CHECK(body_has(&r, "<h1>System status</h1>"), "no heading");
	CHECK(body_has(&r, "<dt>Practica</dt><dd>" PRACTICA_VERSION "</dd>"), "no Practica version");
	CHECK(body_has(&r, "<dt>SQLite</dt><dd>3."), "no SQLite version");
	CHECK(value_of(r.body, "workers") >= 1, "workers: %lld", value_of(r.body, "workers"));
	CHECK(value_of(r.body, "database-bytes") > 4096, "database size: %lld",
	      value_of(r.body, "database-bytes"));
	long long schema = sql_int(&srv, "PRAGMA user_version");
	CHECK(schema > 0 && value_of(r.body, "schema") == schema, "schema %lld, database says %lld",
	      value_of(r.body, "schema"), schema);
	reply_free(&r);
}

TEST(the_page_pool_is_reserved_resident_and_used)
{
	/* A few pages read, so the workers' connections hold pages. */
	for (int i = 0; i < 3; i++) {
		Reply h = client_get(mo.c, "/home");
		reply_free(&h);
	}
	Reply r = system_page();
	long long pool = value_of(r.body, "page-pool-bytes");
	long long resident = value_of(r.body, "resident-bytes");
	long long workers = value_of(r.body, "workers");
	/* 16 MiB of 4 KiB pages for each worker, and 1,024 more, each slot a page and a header. */
	CHECK(pool >= (workers * 4096 + 1024) * 4096LL, "pool %lld bytes for %lld workers", pool,
	      workers);
	CHECK(resident > pool, "resident %lld bytes, pool %lld: the pool is not resident", resident,
	      pool);
	CHECK(value_of(r.body, "page-pool-used") > 0, "no page held in the pool");
	CHECK(value_of(r.body, "page-pool-highest") >= value_of(r.body, "page-pool-used"),
	      "highest below now");
	CHECK(value_of(r.body, "page-overflow-bytes") == 0, "pages outside the pool: %lld",
	      value_of(r.body, "page-overflow-bytes"));
	reply_free(&r);
}

TEST(search_still_finds_new_posts_after_the_restart)
{
	int64_t t = start_thread(&mo, "/board", "Quarterly zumbrota schedule",
				 "Who has a zumbrota template to share?", false);
	CHECK(t > 0, "no thread");
	Reply r = client_get(mo.c, "/search?q=zumbrota");
	CHECK(r.status == 200 && body_has(&r, pathf("/threads/%lld", (long long)t)),
	      "search for the new thread's word: %ld, %s", r.status, r.body ? r.body : "");
	reply_free(&r);
}

TEST(members_are_refused_and_the_dashboard_links_it)
{
	Reply r = client_get(mo.c, "/admin/system");
	CHECK(r.status == 403, "a member got %ld", r.status);
	reply_free(&r);
	r = client_get(admin.c, "/admin");
	CHECK(r.status == 200 && body_has(&r, "href=\"/admin/system\""), "no link on /admin");
	reply_free(&r);
}

TEST(stops_cleanly)
{
	check_stops_cleanly(&srv, people, COUNT_OF(people), "database error", NULL);
}

static bool setup(void)
{
	return server_init(&srv) && add_school(&srv, SCHOOL, "active") &&
	       people_add(&srv, people, COUNT_OF(people), SCHOOL) && server_start(&srv) &&
	       people_sign_in(&srv, people, COUNT_OF(people), "/home");
}

SUITE_MAIN(setup, &srv, people, shows_versions_database_and_workers,
	   the_page_pool_is_reserved_resident_and_used,
	   search_still_finds_new_posts_after_the_restart,
	   members_are_refused_and_the_dashboard_links_it, stops_cleanly)
