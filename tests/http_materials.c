/* Meeting materials and highlights against a real server: multipart uploads stored in the
 * one file store together with their meeting_materials row (size, type decided from the
 * bytes, SHA-256), downloads with the same bytes, attachment and the sandbox CSP, refusals
 * (unknown kind of file, empty file, HTML dressed as a PDF, over the upload limit), safe
 * Markdown highlights, deleting, who may change materials (the community's facilitators and
 * admins; admins alone for association-wide meetings under /admin/meetings) and /files/:id
 * serving only meeting materials.
 *
 * One server for the suite; meetings are inserted with SQL. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define HTTP_SUPPORT_EMBEDDED /* see http_support.c */
#include "http_support.c"
#include "test.h"

#define SCHOOL "Northfield Academy"
#define MIB (1024 * 1024)

static Server srv;
static Person admin = {ADMIN_EMAIL, ADMIN_NAME};
static Person fac = {"fay@northfield.org", "Fay Facilitator"};
static Person part = {"pia@northfield.org", "Pia Participant"};
static Person mem = {"mo@northfield.org", "Mo Member"};
static Person fac2 = {"otto@northfield.org", "Otto Other"};
static Person *const people[] = {&admin, &fac, &part, &mem, &fac2};
static int64_t community_a, community_b;

/* ---- helpers ---- */

/* Inserts a meeting (community 0: association-wide) starting in `days` days; returns its id. */
static int64_t add_meeting(int64_t community, const char *title, int days)
{
	static int serial;
	int64_t starts = (int64_t)time(NULL) + (int64_t)days * 86400;
	char community_sql[32];
	if (community)
		snprintf(community_sql, sizeof community_sql, "%lld", (long long)community);
	else
		snprintf(community_sql, sizeof community_sql, "NULL");
	CHECK(sql_exec(&srv, "INSERT INTO meetings (community_id, title, starts_at, ends_at, format, "
			     "venue, address, video_url, status, signin_code, uid, sequence, "
			     "created_at, updated_at) VALUES (%s, '%s', %lld, %lld, 'virtual', '', '', "
			     "'', 'scheduled', 'CODE%d', 'mat-%d@practica.test', 0, 0, 0)",
		       community_sql, title, (long long)starts, (long long)(starts + 5400), serial,
		       serial),
	      "could not insert meeting %s", title);
	serial++;
	int64_t id = sql_int(&srv, "SELECT id FROM meetings WHERE title = '%s'", title);
	return id == SQL_NO_ROW ? 0 : id;
}

/* Uploads file (name, bytes) with a title as p; no file part when name is NULL. */
static Reply upload(Person *p, const char *path, const char *title, const char *name,
		    const void *data, size_t n)
{
	return client_upload(p->c, p->csrf, path, name ? &(UploadFile){name, NULL, data, n} : NULL,
			     "title", title, NULL);
}

/* The meeting's materials path: under its community, or the admin's for an association-wide
 * one (slug NULL); a pathf() buffer. */
static const char *materials_path(const char *slug, int64_t meeting)
{
	if (slug)
		return pathf("/communities/%s/meetings/%lld/materials", slug, (long long)meeting);
	return pathf("/admin/meetings/%lld/materials", (long long)meeting);
}

static int64_t count_files(void)
{
	return sql_int(&srv, "SELECT count(*) FROM files");
}

static int64_t count_materials(void)
{
	return sql_int(&srv, "SELECT count(*) FROM meeting_materials");
}

static const unsigned char pdf[] = "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n"
				   "\x00\x01\x02 binary \xff\xfe\ntrailer\n%%EOF\n";
#define PDF_LEN (sizeof pdf - 1)

/* Uploads the PDF as fac to a meeting of community A and returns the new file id. */
static int64_t upload_pdf(int64_t meeting, const char *title)
{
	Reply r = upload(&fac, materials_path("mat-a", meeting), title, "slides.pdf", pdf, PDF_LEN);
	char want[96];
	snprintf(want, sizeof want, "/meetings/%lld?notice=material-added", (long long)meeting);
	CHECK(reply_is(&r, 303, want), "upload: %ld %s: %.300s", r.status, reply_location(&r), r.body);
	reply_free(&r);
	int64_t id = sql_int(&srv, "SELECT file_id FROM meeting_materials WHERE meeting_id = %lld "
				   "AND title = '%s'", (long long)meeting, title);
	return id == SQL_NO_ROW ? 0 : id;
}

/* ---- tests ---- */

TEST(upload_pdf_stores_file_and_material)
{
	int64_t meeting = add_meeting(community_a, "Upload meeting", 3);
	int64_t file = upload_pdf(meeting, "Slides");
	CHECK(file > 0, "no meeting_materials row");
	char *facts = sql_text(&srv, "SELECT name || '|' || size || '|' || content_type || '|' || "
				     "length(sha256) || '|' || uploaded_by FROM files WHERE id = %lld",
			       (long long)file);
	char want[160];
	snprintf(want, sizeof want, "slides.pdf|%zu|application/pdf|32|%lld", PDF_LEN,
		 (long long)fac.id);
	CHECK_STR(facts, want);
	free(facts);
	unsigned char digest[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(digest, pdf, PDF_LEN);
	char hex[2 * sizeof digest + 1];
	sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
	char *stored = sql_text(&srv, "SELECT lower(hex(sha256)) FROM files WHERE id = %lld",
				(long long)file);
	CHECK_STR(stored, hex);
	free(stored);
	CHECK(sql_int(&srv, "SELECT added_by FROM meeting_materials WHERE file_id = %lld",
		      (long long)file) == fac.id, "added_by is not the uploader");
}

TEST(download_returns_same_bytes_sandboxed)
{
	int64_t meeting = add_meeting(community_a, "Download meeting", 3);
	int64_t file = upload_pdf(meeting, "Agenda PDF");
	char path[64];
	snprintf(path, sizeof path, "/files/%lld", (long long)file);
	Reply r = client_get(mem.c, path);
	CHECK(r.status == 200, "GET %s: %ld", path, r.status);
	CHECK(r.body_len == PDF_LEN && !memcmp(r.body, pdf, PDF_LEN), "different bytes (%zu)",
	      r.body_len);
	const char *cd = reply_header(&r, "Content-Disposition");
	CHECK(cd && !strncmp(cd, "attachment;", 11) && strstr(cd, "slides.pdf"),
	      "Content-Disposition %s", cd ? cd : "missing");
	CHECK(reply_has_header_value(&r, "Content-Security-Policy", "sandbox; default-src 'none'"),
	      "no sandbox CSP");
	const char *ct = reply_header(&r, "Content-Type");
	CHECK(ct && !strcmp(ct, "application/pdf"), "Content-Type %s", ct ? ct : "missing");
	reply_free(&r);
	r = client_get(mem.c, "/files/99999999");
	CHECK(r.status == 404, "unknown file: %ld", r.status);
	reply_free(&r);
}

TEST(material_listed_on_meeting_page_and_community_home)
{
	int64_t meeting = add_meeting(community_a, "Listed meeting", -2);
	upload_pdf(meeting, "Listed <b>handout</b>");
	char path[64];
	snprintf(path, sizeof path, "/meetings/%lld", (long long)meeting);
	Reply r = client_get(part.c, path);
	CHECK(r.status == 200, "meeting page: %ld", r.status);
	CHECK(body_has(&r, "Listed &lt;b&gt;handout&lt;/b&gt;</a>"), "title not listed escaped");
	char facts[96];
	snprintf(facts, sizeof facts, "(slides.pdf, PDF, %zu bytes)", PDF_LEN);
	CHECK(body_has(&r, facts), "name, type and size not shown (%s)", facts);
	CHECK(!body_has(&r, "enctype=\"multipart/form-data\""), "a participant sees the upload form");
	reply_free(&r);
	r = client_get(fac.c, path);
	CHECK(body_has(&r, "enctype=\"multipart/form-data\""), "no upload form for the facilitator");
	CHECK(body_has(&r, "<label for=\"material-file\">"), "the file input has no label");
	CHECK(body_has(&r, "type=\"file\""), "no file input");
	reply_free(&r);
	r = client_get(mem.c, "/communities/mat-a");
	CHECK(r.status == 200, "community home: %ld", r.status);
	CHECK(body_has(&r, "Materials and highlights"), "no section on the community home");
	const char *a = strstr(r.body, "Listed &lt;b&gt;handout");
	CHECK(a && strstr(a, ">Listed meeting</a>"), "material without its meeting");
	reply_free(&r);
}

TEST(html_named_pdf_never_served_as_html)
{
	int64_t meeting = add_meeting(community_a, "Disguise meeting", 3);
	const char *evil = "<html><body><script>alert(document.cookie)</script></body></html>\n";
	int64_t before = count_files();
	Reply r = upload(&fac, materials_path("mat-a", meeting), "Evil", "report.pdf", evil,
			 strlen(evil));
	CHECK(r.status == 303 || r.status == 422, "status %ld", r.status);
	reply_free(&r);
	int64_t file = sql_int(&srv, "SELECT file_id FROM meeting_materials WHERE meeting_id = %lld",
			       (long long)meeting);
	if (file == SQL_NO_ROW) {
		CHECK(count_files() == before, "refused, yet a file row was left");
		return;
	}
	char *type = sql_text(&srv, "SELECT content_type FROM files WHERE id = %lld",
			      (long long)file);
	CHECK(type && !strncmp(type, "text/plain", 10), "stored as %s", type ? type : "?");
	free(type);
	char path[64];
	snprintf(path, sizeof path, "/files/%lld", (long long)file);
	r = client_get(mem.c, path);
	const char *ct = reply_header(&r, "Content-Type");
	CHECK(ct && !strstr(ct, "html"), "served as %s", ct ? ct : "?");
	const char *cd = reply_header(&r, "Content-Disposition");
	CHECK(cd && !strncmp(cd, "attachment", 10), "served %s", cd ? cd : "inline");
	CHECK(reply_has_header_value(&r, "Content-Security-Policy", "sandbox; default-src 'none'"),
	      "no sandbox CSP");
	reply_free(&r);
}

TEST(unknown_binary_refused_without_rows)
{
	int64_t meeting = add_meeting(community_a, "Binary meeting", 3);
	const unsigned char bin[] = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0xff, 0xfe, 0x00, 0x03};
	int64_t files = count_files(), materials = count_materials();
	Reply r = upload(&fac, materials_path("mat-a", meeting), "Program", "tool.bin", bin,
			 sizeof bin);
	CHECK(r.status == 422, "status %ld", r.status);
	CHECK(body_has(&r, "not accepted"), "no human reason: %.300s", r.body);
	CHECK(body_has(&r, "value=\"Program\""), "the title was not kept");
	reply_free(&r);
	CHECK(count_files() == files && count_materials() == materials, "rows were left");
}

TEST(empty_file_refused)
{
	int64_t meeting = add_meeting(community_a, "Empty meeting", 3);
	int64_t files = count_files(), materials = count_materials();
	Reply r = upload(&fac, materials_path("mat-a", meeting), "Nothing", "empty.pdf", "", 0);
	CHECK(r.status == 422, "empty file: %ld", r.status);
	reply_free(&r);
	r = upload(&fac, materials_path("mat-a", meeting), "No file", NULL, NULL, 0);
	CHECK(r.status == 422, "no file part: %ld", r.status);
	reply_free(&r);
	CHECK(count_files() == files && count_materials() == materials, "rows were left");
}

TEST(upload_over_limit_413)
{
	int64_t meeting = add_meeting(community_a, "Huge meeting", 3);
	/* Over the default max-upload (25 MiB): refused from Content-Length, before the body. */
	size_t n = 25 * MIB + 1;
	char *big = malloc(n);
	if (!big)
		abort();
	memset(big, 'x', n);
	Reply r = client_request(fac.c, &(Request){
		.method = "POST", .path = materials_path("mat-a", meeting), .body = big,
		.body_len = n, .content_type = "multipart/form-data; boundary=zzz",
		.headers = (const char *[]){"Expect: 100-continue", NULL}});
	CHECK(r.status == 413, "status %ld (%s)", r.status, r.error);
	reply_free(&r);
	free(big);
	CHECK(sql_int(&srv, "SELECT count(*) FROM meeting_materials WHERE meeting_id = %lld",
		      (long long)meeting) == 0, "a row was made");
}

TEST(highlights_rendered_safely)
{
	int64_t meeting = add_meeting(community_a, "Highlights meeting", -1);
	char path[96];
	snprintf(path, sizeof path, "/communities/mat-a/meetings/%lld/highlights", (long long)meeting);
	Reply r = post_as(&fac, path, "highlights",
			  "We agreed on **three** next steps.\n\n<script>alert(1)</script>\n\n"
			  "[notes](javascript:alert(2)) <img src=x onerror=alert(3)>", NULL);
	char want[96];
	snprintf(want, sizeof want, "/meetings/%lld?notice=highlights-saved", (long long)meeting);
	CHECK(reply_is(&r, 303, want), "save: %ld %s", r.status, reply_location(&r));
	reply_free(&r);
	snprintf(path, sizeof path, "/meetings/%lld", (long long)meeting);
	Person *viewers[] = {&mem, &fac};
	for (int i = 0; i < 2; i++) {
		r = client_get(viewers[i]->c, path);
		CHECK(body_has(&r, "<strong>three</strong>"), "Markdown not rendered");
		CHECK(!body_has(&r, "<script>"), "a script element reached the page");
		CHECK(!body_has(&r, "<img src=x"), "raw HTML reached the page");
		CHECK(!body_has(&r, "href=\"javascript:"), "a javascript: link reached the page");
		reply_free(&r);
	}
	r = client_get(mem.c, "/communities/mat-a");
	CHECK(body_has(&r, "Highlights of Highlights meeting"), "community home lacks highlights");
	reply_free(&r);
	/* Too long: 422 with the text kept. */
	char *longtext = malloc(20050);
	memset(longtext, 'a', 20049);
	longtext[20049] = '\0';
	snprintf(path, sizeof path, "/communities/mat-a/meetings/%lld/highlights", (long long)meeting);
	r = post_as(&fac, path, "highlights", longtext, NULL);
	CHECK(r.status == 422, "too long: %ld", r.status);
	reply_free(&r);
	free(longtext);
}

TEST(who_may_change_materials)
{
	int64_t meeting = add_meeting(community_a, "Authz meeting", 3);
	int64_t file = upload_pdf(meeting, "Keep me");
	int64_t material = sql_int(&srv, "SELECT id FROM meeting_materials WHERE file_id = %lld",
				   (long long)file);
	char del[128], hl[128];
	snprintf(del, sizeof del, "/communities/mat-a/meetings/%lld/materials/%lld/delete",
		 (long long)meeting, (long long)material);
	snprintf(hl, sizeof hl, "/communities/mat-a/meetings/%lld/highlights", (long long)meeting);
	Person *refused[] = {&part, &mem, &fac2};
	int64_t files = count_files();
	for (int i = 0; i < 3; i++) {
		Reply r = upload(refused[i], materials_path("mat-a", meeting), "Sneaky", "s.pdf", pdf,
				 PDF_LEN);
		CHECK(r.status == 403, "%s uploading: %ld", refused[i]->name, r.status);
		reply_free(&r);
		r = post_as(refused[i], del, NULL);
		CHECK(r.status == 403, "%s deleting: %ld", refused[i]->name, r.status);
		reply_free(&r);
		r = post_as(refused[i], hl, "highlights", "Hacked", NULL);
		CHECK(r.status == 403, "%s writing highlights: %ld", refused[i]->name, r.status);
		reply_free(&r);
	}
	CHECK(count_files() == files, "a refused upload made a file");
	CHECK(sql_int(&srv, "SELECT count(*) FROM meeting_materials WHERE id = %lld",
		      (long long)material) == 1, "a refused delete deleted");
	char *h = sql_text(&srv, "SELECT highlights FROM meetings WHERE id = %lld", (long long)meeting);
	CHECK_STR(h, "");
	free(h);
	/* Another community's facilitator, under their own community's address: 404. */
	char other[128];
	snprintf(other, sizeof other, "/communities/mat-b/meetings/%lld/highlights",
		 (long long)meeting);
	Reply r = post_as(&fac2, other, "highlights", "Hacked", NULL);
	CHECK(r.status == 404, "meeting of another community under mat-b: %ld", r.status);
	reply_free(&r);
	/* The admin may; a community meeting under /admin/meetings is 404. */
	r = upload(&admin, materials_path("mat-a", meeting), "By admin", "a.pdf", pdf, PDF_LEN);
	CHECK(r.status == 303, "admin uploading: %ld %.200s", r.status, r.body);
	reply_free(&r);
	r = upload(&admin, materials_path(NULL, meeting), "Wrong place", "a.pdf", pdf, PDF_LEN);
	CHECK(r.status == 404, "community meeting under /admin/meetings: %ld", r.status);
	reply_free(&r);
	/* Delete: the facilitator, then again (404); both rows go. */
	r = post_as(&fac, del, NULL);
	char want[96];
	snprintf(want, sizeof want, "/meetings/%lld?notice=material-deleted", (long long)meeting);
	CHECK(reply_is(&r, 303, want), "delete: %ld %s", r.status, reply_location(&r));
	reply_free(&r);
	CHECK(sql_int(&srv, "SELECT count(*) FROM meeting_materials WHERE id = %lld",
		      (long long)material) == 0, "material row left");
	CHECK(sql_int(&srv, "SELECT count(*) FROM files WHERE id = %lld", (long long)file) == 0,
	      "file row left");
	r = post_as(&fac, del, NULL);
	CHECK(r.status == 404, "deleting twice: %ld", r.status);
	reply_free(&r);
}

TEST(association_wide_meeting_under_admin)
{
	int64_t meeting = add_meeting(0, "Kick-off for everyone", 10);
	Reply r = upload(&admin, materials_path(NULL, meeting), "Welcome pack", "w.pdf", pdf,
			 PDF_LEN);
	CHECK(r.status == 303, "admin upload: %ld %.200s", r.status, r.body);
	reply_free(&r);
	r = upload(&fac, materials_path(NULL, meeting), "Nope", "w.pdf", pdf, PDF_LEN);
	CHECK(r.status == 403, "facilitator under /admin: %ld", r.status);
	reply_free(&r);
	char path[96];
	snprintf(path, sizeof path, "/admin/meetings/%lld/highlights", (long long)meeting);
	r = post_as(&admin, path, "highlights", "A *good* start.", NULL);
	CHECK(r.status == 303, "admin highlights: %ld", r.status);
	reply_free(&r);
	int64_t file = sql_int(&srv, "SELECT file_id FROM meeting_materials WHERE meeting_id = %lld",
			       (long long)meeting);
	snprintf(path, sizeof path, "/files/%lld", (long long)file);
	r = client_get(mem.c, path);
	CHECK(r.status == 200, "member download: %ld", r.status);
	reply_free(&r);
}

TEST(file_that_is_not_a_material_404)
{
	CHECK(sql_exec(&srv, "INSERT INTO blobs (sha256, size) VALUES (zeroblob(32), 5); "
			     "INSERT INTO blob_chunks (blob_id, seq, data) VALUES (last_insert_rowid(), "
			     "0, CAST('%%PDF-' AS BLOB)); INSERT INTO files (name, content_type, size, "
			     "sha256, created_at) VALUES ('private.pdf', 'application/pdf', 5, "
			     "zeroblob(32), 0)"),
	      "could not insert a file");
	int64_t id = sql_int(&srv, "SELECT id FROM files WHERE name = 'private.pdf'");
	char path[64];
	snprintf(path, sizeof path, "/files/%lld", (long long)id);
	Reply r = client_get(admin.c, path);
	CHECK(r.status == 404, "a file that is not a material: %ld", r.status);
	CHECK(!body_has(&r, "%PDF-"), "its bytes were sent");
	reply_free(&r);
	Client *anon = client_new(&srv);
	r = client_get(anon, "/files/1");
	CHECK(r.status == 303, "anonymous: %ld", r.status);
	reply_free(&r);
	client_free(anon);
}

/* Search finds a material by a word inside its file, leads to its meeting, and keeps a
 * private community's materials to its own people; deleting the material removes it. */
TEST(material_found_by_words_inside)
{
	CHECK(sql_exec(&srv, "INSERT INTO communities (slug, name, status, visibility, created_at) "
			     "VALUES ('mat-p', 'Materials Private', 'open', 'private', 0)"),
	      "private community");
	int64_t private_c = sql_int(&srv, "SELECT id FROM communities WHERE slug = 'mat-p'");
	CHECK(sql_exec(&srv, "INSERT INTO facilitators (community_id, user_id) VALUES (%lld, %lld)",
		       (long long)private_c, (long long)fac.id),
	      "facilitator");
	int64_t open_m = add_meeting(community_a, "Search open", 4);
	int64_t private_m = add_meeting(private_c, "Search private", 5);
	static const char open_text[] = "Notes on the zebrafinch protocol for IEP meetings.\n";
	static const char private_text[] = "Budget notes: the quokkaroo line item stays.\n";
	Reply r = upload(&fac, materials_path("mat-a", open_m), "Protocol notes", "notes.txt",
			 open_text, sizeof open_text - 1);
	CHECK(r.status == 303, "upload open: %ld %.300s", r.status, r.body);
	reply_free(&r);
	r = upload(&fac, materials_path("mat-p", private_m), "Budget notes", "budget.txt",
		   private_text, sizeof private_text - 1);
	CHECK(r.status == 303, "upload private: %ld %.300s", r.status, r.body);
	reply_free(&r);

	char href[64];
	snprintf(href, sizeof href, "/meetings/%lld", (long long)open_m);
	r = client_get(mem.c, "/search?q=zebrafinch");
	CHECK(r.status == 200 && body_has(&r, "Protocol notes") && body_has(&r, href),
	      "a member finds the open material by a word inside: %ld %.600s", r.status, r.body);
	reply_free(&r);
	r = client_get(mem.c, "/search?q=zebrafinch&kind=document");
	CHECK(r.status == 200 && body_has(&r, "Protocol notes"),
	      "the Documents filter includes meeting materials: %ld", r.status);
	reply_free(&r);
	r = client_get(part.c, "/search?q=quokkaroo");
	CHECK(r.status == 200 && !body_has(&r, "Budget notes"),
	      "an outsider must not find a private community's material: %.600s", r.body);
	reply_free(&r);
	r = client_get(fac.c, "/search?q=quokkaroo");
	CHECK(r.status == 200 && body_has(&r, "Budget notes"),
	      "its facilitator finds it: %ld %.600s", r.status, r.body);
	reply_free(&r);

	int64_t id = sql_int(&srv, "SELECT id FROM meeting_materials WHERE title = 'Protocol notes'");
	char del[160];
	snprintf(del, sizeof del, "/communities/mat-a/meetings/%lld/materials/%lld/delete",
		 (long long)open_m, (long long)id);
	r = post_as(&fac, del, NULL);
	CHECK(r.status == 303, "delete: %ld", r.status);
	reply_free(&r);
	CHECK(sql_int(&srv, "SELECT count(*) FROM search_entries WHERE kind = 'material' AND "
			    "ref_id = %lld", (long long)id) == 0,
	      "the deleted material is still in the search index");
	r = client_get(mem.c, "/search?q=zebrafinch");
	CHECK(r.status == 200 && !body_has(&r, "Protocol notes"), "deleted material still found");
	reply_free(&r);
}

TEST(stops_cleanly)
{
	check_stops_cleanly(&srv, people, COUNT_OF(people), NULL);
}

/* ---- setup ---- */

static bool setup(void)
{
	if (!server_init(&srv) || !add_school(&srv, SCHOOL, "active") ||
	    !people_add(&srv, people, COUNT_OF(people), SCHOOL))
		return false;
	community_a = add_community(&srv, "mat-a", "Materials A", "open", "open");
	community_b = add_community(&srv, "mat-b", "Materials B", "open", "open");
	return community_a && community_b && add_facilitator(&srv, community_a, fac.id) &&
	       add_facilitator(&srv, community_b, fac2.id) &&
	       add_membership(&srv, community_a, part.id, "participant") && server_start(&srv) &&
	       people_sign_in(&srv, people, COUNT_OF(people), "/home");
}

SUITE_MAIN(setup, &srv, people, upload_pdf_stores_file_and_material,
	download_returns_same_bytes_sandboxed, material_listed_on_meeting_page_and_community_home,
	html_named_pdf_never_served_as_html, unknown_binary_refused_without_rows,
	empty_file_refused, upload_over_limit_413, highlights_rendered_safely,
	who_may_change_materials, association_wide_meeting_under_admin,
	file_that_is_not_a_material_404, material_found_by_words_inside, stops_cleanly)
