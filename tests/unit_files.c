/* The file store's decisions that need no server: which kinds of file are accepted (by their
 * bytes, with the name only telling apart kinds that share a container, and containers
 * checked inside), the Content-Disposition of downloads, and how stored bytes are cut into
 * pieces (the same way whether they came from an upload or from memory). */
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "db.h"
#include "files.h"
#include "test.h"

/* ---- a minimal zip writer (stored entries), for office containers ---- */

typedef struct {
	unsigned char data[8192];
	size_t len;
	unsigned char cd[4096];
	size_t cd_len;
	int entries;
} Zip;

static void put16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)v, p[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *p, uint32_t v)
{
	put16(p, v & 0xffff), put16(p + 2, v >> 16);
}

static uint32_t crc32_of(const char *s, size_t n)
{
	uint32_t c = 0xffffffffu;
	for (size_t i = 0; i < n; i++) {
		c ^= (unsigned char)s[i];
		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0xedb88320u : c >> 1;
	}
	return ~c;
}

static void zip_add(Zip *z, const char *name, const char *content)
{
	size_t nl = strlen(name), cl = strlen(content);
	uint32_t crc = crc32_of(content, cl);
	unsigned char *h = z->data + z->len;
	memset(h, 0, 30);
	memcpy(h, "PK\x03\x04", 4);
	put16(h + 4, 10);
	put32(h + 14, crc);
	put32(h + 18, (uint32_t)cl);
	put32(h + 22, (uint32_t)cl);
	put16(h + 26, (unsigned)nl);
	memcpy(h + 30, name, nl);
	memcpy(h + 30 + nl, content, cl);
	unsigned char *c = z->cd + z->cd_len;
	memset(c, 0, 46);
	memcpy(c, "PK\x01\x02", 4);
	put16(c + 4, 20);
	put16(c + 6, 10);
	put32(c + 16, crc);
	put32(c + 20, (uint32_t)cl);
	put32(c + 24, (uint32_t)cl);
	put16(c + 28, (unsigned)nl);
	put32(c + 42, (uint32_t)z->len);
	memcpy(c + 46, name, nl);
	z->cd_len += 46 + nl;
	z->len += 30 + nl + cl;
	z->entries++;
}

static void zip_finish(Zip *z)
{
	size_t cd_at = z->len;
	memcpy(z->data + z->len, z->cd, z->cd_len);
	z->len += z->cd_len;
	unsigned char *e = z->data + z->len;
	memset(e, 0, 22);
	memcpy(e, "PK\x05\x06", 4);
	put16(e + 8, (unsigned)z->entries);
	put16(e + 10, (unsigned)z->entries);
	put32(e + 12, (uint32_t)z->cd_len);
	put32(e + 16, (uint32_t)cd_at);
	z->len += 22;
}

/* The type file_upload_type() decides for these bytes under this name (NULL: refused). */
static const char *upload_type(const void *bytes, size_t n, const char *name, const char **why)
{
	static Upload u;
	static FILE *f;
	if (f)
		fclose(f);
	f = tmpfile();
	fwrite(bytes, 1, n, f);
	u = (Upload){.field = "file", .filename = name, .content_type = "", .tmp = f,
		     .size = (int64_t)n};
	return file_upload_type(&u, why);
}

#define SNIFF(bytes, name) file_sniff_type((const unsigned char *)(bytes), sizeof(bytes) - 1, name)

TEST(real_documents_and_images_accepted)
{
	CHECK_STR(SNIFF("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "report.pdf"), "application/pdf");
	CHECK_STR(SNIFF("%PDF-1.4\n", "named-wrongly.txt"), "application/pdf");
	CHECK_STR(SNIFF("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "chart.png"), "image/png");
	CHECK_STR(SNIFF("\xff\xd8\xff\xe0\0\x10JFIF", "photo.jpg"), "image/jpeg");
	CHECK_STR(SNIFF("GIF89a\x01\0\x01\0", "a.gif"), "image/gif");
	CHECK_STR(SNIFF("RIFF\x24\0\0\0WEBPVP8 ", "a.webp"), "image/webp");
	CHECK_STR(SNIFF("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\0\0", "old.doc"), "application/msword");
	CHECK_STR(SNIFF("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\0\0", "old.xls"),
		  "application/vnd.ms-excel");
}

TEST(text_kinds_by_name_after_content)
{
	CHECK_STR(SNIFF("Item,Amount\nRent,1200\n", "budget.csv"), "text/csv; charset=utf-8");
	CHECK_STR(SNIFF("# Hiring checklist\n\n- [ ] Post\n", "hiring.md"),
		  "text/markdown; charset=utf-8");
	CHECK_STR(SNIFF("Plain notes, caf\xc3\xa9.\n", "notes.txt"), "text/plain; charset=utf-8");
	/* A multibyte character cut by the sample's end is forgiven. */
	CHECK_STR(file_sniff_type((const unsigned char *)"caf\xc3\xa9", 4, "cut.txt"),
		  "text/plain; charset=utf-8");
}

TEST(programs_and_markup_refused)
{
	CHECK(SNIFF("MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff", "invoice.pdf") == NULL,
	      "a Windows program named .pdf was accepted");
	CHECK(SNIFF("\x7f" "ELF\x02\x01\x01\0", "tool.txt") == NULL, "an ELF program accepted");
	CHECK(SNIFF("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\0\0", "setup.msi") == NULL,
	      "an installer (OLE container) accepted");
	CHECK(SNIFF("<!DOCTYPE html><script>alert(1)</script>", "page.txt") == NULL,
	      "HTML named .txt accepted");
	CHECK(SNIFF("  \n<html><body>x</body></html>", "report.pdf") == NULL,
	      "HTML named .pdf accepted");
	CHECK(SNIFF("<svg xmlns=\"http://www.w3.org/2000/svg\"/>", "logo.png") == NULL,
	      "SVG accepted");
	CHECK(SNIFF("just words", "page.html") == NULL, "a .html name accepted");
	CHECK(SNIFF("PK\x03\x04\x14\0\0\0", "archive.zip") == NULL, "a plain zip accepted");
	CHECK(SNIFF("\xef\xbb\xbf<?xml version=\"1.0\"?>", "data.txt") == NULL, "XML accepted");
	/* Text that merely mentions a tag is fine. */
	CHECK_STR(SNIFF("Use <b> for bold.\n", "tips.md"), "text/markdown; charset=utf-8");
}

TEST(office_containers_checked_inside)
{
	const char *why = NULL;
	Zip docx = {0};
	zip_add(&docx, "[Content_Types].xml", "<Types/>");
	zip_add(&docx, "_rels/.rels", "<Relationships/>");
	zip_add(&docx, "word/document.xml", "<w:document/>");
	zip_finish(&docx);
	CHECK_STR(upload_type(docx.data, docx.len, "policy.docx", &why),
		  "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
	/* The same zip named .xlsx is not a workbook. */
	CHECK(upload_type(docx.data, docx.len, "budget.xlsx", &why) == NULL, "docx as xlsx");
	CHECK(why && strstr(why, "not one"), "reason: %s", why ? why : "(none)");

	Zip macro = {0};
	zip_add(&macro, "[Content_Types].xml", "<Types/>");
	zip_add(&macro, "word/document.xml", "<w:document/>");
	zip_add(&macro, "word/vbaProject.bin", "macros");
	zip_finish(&macro);
	CHECK(upload_type(macro.data, macro.len, "policy.docx", &why) == NULL,
	      "a document with macros accepted");

	Zip plain = {0};
	zip_add(&plain, "evil.exe", "MZ");
	zip_finish(&plain);
	CHECK(upload_type(plain.data, plain.len, "renamed.docx", &why) == NULL,
	      "a zip of a program named .docx accepted");

	Zip odt = {0};
	zip_add(&odt, "mimetype", "application/vnd.oasis.opendocument.text");
	zip_add(&odt, "content.xml", "<office:document-content/>");
	zip_finish(&odt);
	CHECK_STR(upload_type(odt.data, odt.len, "minutes.odt", &why),
		  "application/vnd.oasis.opendocument.text");

	/* Cut short: the central directory is gone. */
	CHECK(upload_type(docx.data, docx.len - 30, "policy.docx", &why) == NULL,
	      "a truncated docx accepted");
}

TEST(upload_reasons_are_human)
{
	const char *why = NULL;
	CHECK(upload_type("MZ\x90\0\x03\0\0\0", 8, "a.pdf", &why) == NULL, "program accepted");
	CHECK(why && strstr(why, "not accepted"), "reason: %s", why ? why : "(none)");
	CHECK(upload_type("<html></html>", 13, "a.html", &why) == NULL, "page accepted");
	CHECK(why && strstr(why, "link"), "web page reason: %s", why ? why : "(none)");
	CHECK(upload_type("", 0, "a.txt", &why) == NULL, "empty accepted");
	CHECK(why && strstr(why, "empty"), "empty reason: %s", why ? why : "(none)");
	/* An image named as markup would open as markup: refused by its name. */
	CHECK(upload_type("\x89PNG\r\n\x1a\n", 8, "logo.svg", &why) == NULL, "png named .svg");
}

TEST(disposition_names_are_safe)
{
	Arena *a = arena_new();
	CHECK_STR(file_disposition(a, "attachment", "report.pdf"),
		  "attachment; filename=\"report.pdf\"; filename*=UTF-8''report.pdf");
	CHECK_STR(file_disposition(a, "attachment", "a\"b\\c;d%e.pdf"),
		  "attachment; filename=\"a_b_c_d_e.pdf\"; "
		  "filename*=UTF-8''a%22b%5Cc%3Bd%25e.pdf");
	CHECK_STR(file_disposition(a, "attachment", "line\r\nX-Evil: 1.pdf"),
		  "attachment; filename=\"line__X-Evil: 1.pdf\"; "
		  "filename*=UTF-8''line%0D%0AX-Evil%3A%201.pdf");
	CHECK_STR(file_disposition(a, "inline", "R\xc3\xa9sum\xc3\xa9 \xe2\x9c\x93.png"),
		  "inline; filename=\"R_sum_ _.png\"; "
		  "filename*=UTF-8''R%C3%A9sum%C3%A9%20%E2%9C%93.png");
	CHECK_STR(file_disposition(a, "attachment", "\xe5\xa0\xb1\xe5\x91\x8a"),
		  "attachment; filename=\"download\"; filename*=UTF-8''%E5%A0%B1%E5%91%8A");
	arena_free(a);
}

/* The pieces of the blob file id names, as (count, total length, whether they join up to
 * the expected bytes in order). */
static void check_pieces(Db *db, int64_t file, const unsigned char *want, size_t n,
			 const char *what)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT c.seq, c.data FROM files f JOIN blobs b ON "
					  "b.sha256 = f.sha256 JOIN blob_chunks c ON c.blob_id = "
					  "b.id WHERE f.id = :f ORDER BY c.seq");
	db_bind_int(st, ":f", file);
	size_t pieces = 0, at = 0;
	bool same = true;
	while (db_step(st) == SQLITE_ROW) {
		size_t len = (size_t)sqlite3_column_bytes(st, 1);
		const void *data = sqlite3_column_blob(st, 1);
		same = same && db_col_int(st, 0) == (int64_t)pieces && at + len <= n &&
		       (!len || !memcmp(data, want + at, len));
		at += len, pieces++;
	}
	sqlite3_reset(st);
	CHECK(pieces == (n + 65535) / 65536, "%s: %zu bytes stored as %zu pieces", what, n, pieces);
	CHECK(same && at == n, "%s: the pieces do not join up to the %zu bytes", what, n);
}

TEST(stored_bytes_cut_alike_from_uploads_and_memory)
{
	char dir[] = "/tmp/practica-unit-files-XXXXXX", path[64];
	CHECK(mkdtemp(dir) != NULL, "mkdtemp");
	snprintf(path, sizeof path, "%s/files.db", dir);
	Db *db = db_open(path, true);
	CHECK(db != NULL, "db_open");
	if (!db)
		return;
	static unsigned char bytes[65536 * 2 + 1];
	randombytes_buf(bytes, sizeof bytes);
	memcpy(bytes, "%PDF-1.4\n", 9); /* an accepted kind for the upload path */
	static const size_t sizes[] = {0, 1, 65536, 65537, sizeof bytes};
	for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
		size_t n = sizes[i];
		int64_t id = file_store_memory(db, "m.pdf", "application/pdf", bytes, n, 0, 1);
		CHECK(id > 0, "file_store_memory of %zu bytes", n);
		check_pieces(db, id, bytes, n, "from memory");
		if (n < 10)
			continue; /* too short to be an accepted upload */
		bytes[n - 1] ^= 0x80; /* other bytes than the blob just stored from memory */
		FILE *tmp = tmpfile();
		CHECK(tmp && fwrite(bytes, 1, n, tmp) == n, "tmpfile");
		Upload up = {.field = "file", .filename = "u.pdf", .content_type = "application/pdf",
			     .tmp = tmp, .size = (int64_t)n};
		const char *why = NULL;
		id = file_store(db, &up, 0, &why);
		CHECK(id > 0, "file_store of %zu bytes: %s", n, why ? why : "");
		check_pieces(db, id, bytes, n, "from an upload");
		fclose(tmp);
	}
	db_close(db);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	CHECK(system(cmd) == 0, "rm");
}

int main(void)
{
	return RUN_TESTS(real_documents_and_images_accepted, text_kinds_by_name_after_content,
			 programs_and_markup_refused, office_containers_checked_inside,
			 upload_reasons_are_human, disposition_names_are_safe,
			 stored_bytes_cut_alike_from_uploads_and_memory);
}
