/* The file store: which kinds of file are accepted (decided from the bytes), uploads hashed
 * and stored once per distinct content in `blobs`, and downloads read from SQLite in pieces
 * with ETag, Range and safe Content-Disposition. */
#include "files.h"

#include <ctype.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "html.h"

#define NAME_MAX_BYTES 200
#define CENTRAL_DIRECTORY_MAX (8 * 1024 * 1024)
#define CHUNK_BYTES (64 * 1024) /* the rows of blob_chunks (migration 006) */

static const char refused_kind[] =
	"This kind of file is not accepted. Upload a PDF, a Word, Excel or PowerPoint document "
	"(or its OpenDocument equivalent), an image (PNG, JPEG, GIF, WebP), or a text, Markdown "
	"or CSV file.";

static bool ends_with(const char *name, const char *ext)
{
	size_t n = strlen(name), e = strlen(ext);
	return n >= e && !strcasecmp(name + n - e, ext);
}

static uint32_t le16(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t le32(const unsigned char *p)
{
	return le16(p) | le16(p + 2) << 16;
}

/* ---- kinds of file ---- */

/* Web pages and other markup a browser would run or render: not accepted as files (share a
 * page as a link instead), whatever the name claims. Browsers do not sniff our downloads
 * (nosniff, sandbox, attachment), so this is about never storing such files at all. */
static bool looks_like_markup(const unsigned char *h, size_t n, const char *filename)
{
	static const char *const exts[] = {".html", ".htm", ".xhtml", ".shtml", ".svg", ".svgz",
					   ".xml", ".xsl", ".hta", ".mht", ".mhtml"};
	for (size_t i = 0; i < sizeof exts / sizeof *exts; i++)
		if (ends_with(filename, exts[i]))
			return true;
	size_t i = 0;
	if (n >= 3 && !memcmp(h, "\xef\xbb\xbf", 3))
		i = 3;
	while (i < n && isspace(h[i]))
		i++;
	if (i >= n || h[i] != '<')
		return false;
	static const char *const tags[] = {"!doctype", "html", "head", "body", "script", "svg",
					   "?xml", "iframe", "object", "meta", "style"};
	for (size_t t = 0; t < sizeof tags / sizeof *tags; t++) {
		size_t len = strlen(tags[t]);
		if (i + 1 + len <= n && !strncasecmp((const char *)h + i + 1, tags[t], len) &&
		    (i + 1 + len == n || strchr(" \t\r\n>/", h[i + 1 + len])))
			return true;
	}
	return false;
}

/* An OpenDocument file starts with an uncompressed "mimetype" entry naming its kind. */
static const char *opendocument_type(const unsigned char *h, size_t n)
{
	static const char *const kinds[] = {"application/vnd.oasis.opendocument.text",
					    "application/vnd.oasis.opendocument.spreadsheet",
					    "application/vnd.oasis.opendocument.presentation"};
	if (n < 38 || le16(h + 8) != 0 || le16(h + 26) != 8 || memcmp(h + 30, "mimetype", 8))
		return NULL;
	size_t data = 38 + le16(h + 28), len = le32(h + 18);
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
		if (strlen(kinds[i]) == len && data + len <= n && !memcmp(h + data, kinds[i], len))
			return kinds[i];
	return NULL;
}

/* Office Open XML (a zip): the kind comes from the extension here, and is checked against the
 * zip's contents by file_upload_type(). */
static const struct {
	const char *ext, *type, *main_part;
} office_open_xml[] = {
	{".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	 "word/document.xml"},
	{".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	 "xl/workbook.xml"},
	{".pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation",
	 "ppt/presentation.xml"},
};

/* How many bytes at the end of h[0..n) begin a UTF-8 character that the sample cut short: a
 * lead byte followed by fewer continuation bytes than it announces, each in a range a whole
 * character could have. 0 when the sample ends on a whole character, or on bytes that are
 * not UTF-8 at all, which the text check then refuses. (Forgiving any lead byte and up to three
 * bytes after it let binary endings such as FE 80 80 80 or an overlong C0 80 pass as text:
 * found by fuzz/fuzz_sniff.c.) */
static size_t cut_character(const unsigned char *h, size_t n)
{
	size_t back = 0; /* continuation bytes at the end */
	while (back < 3 && back < n && (h[n - 1 - back] & 0xc0) == 0x80)
		back++;
	if (back == n)
		return 0;
	unsigned char lead = h[n - 1 - back];
	size_t need = lead >= 0xc2 && lead <= 0xdf   ? 1
		      : lead >= 0xe0 && lead <= 0xef ? 2
		      : lead >= 0xf0 && lead <= 0xf4 ? 3
						     : 0;
	if (back >= need)
		return 0; /* whole, or no lead byte: check every byte */
	if (back >= 1) { /* the second byte's range depends on the lead */
		unsigned char second = h[n - back];
		if ((lead == 0xe0 && second < 0xa0) || (lead == 0xed && second > 0x9f) ||
		    (lead == 0xf0 && second < 0x90) || (lead == 0xf4 && second > 0x8f))
			return 0;
	}
	return back + 1;
}

const char *file_sniff_type(const unsigned char *head, size_t n, const char *filename)
{
	static const unsigned char ole[] = {0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1};
	if (n >= 5 && !memcmp(head, "%PDF-", 5))
		return "application/pdf";
	if (n >= 8 && !memcmp(head, "\x89PNG\r\n\x1a\n", 8))
		return "image/png";
	if (n >= 3 && head[0] == 0xff && head[1] == 0xd8 && head[2] == 0xff)
		return "image/jpeg";
	if (n >= 6 && (!memcmp(head, "GIF87a", 6) || !memcmp(head, "GIF89a", 6)))
		return "image/gif";
	if (n >= 12 && !memcmp(head, "RIFF", 4) && !memcmp(head + 8, "WEBP", 4))
		return "image/webp";
	if (n >= 4 && !memcmp(head, "PK\x03\x04", 4)) {
		const char *odf = opendocument_type(head, n);
		if (odf)
			return odf;
		for (size_t i = 0; i < sizeof office_open_xml / sizeof *office_open_xml; i++)
			if (ends_with(filename, office_open_xml[i].ext))
				return office_open_xml[i].type;
		return NULL; /* any other zip: it could hold anything, programs included */
	}
	if (n >= sizeof ole && !memcmp(head, ole, sizeof ole)) {
		/* Legacy Office. Installers (.msi) share the container, so the name must agree. */
		if (ends_with(filename, ".doc"))
			return "application/msword";
		if (ends_with(filename, ".xls"))
			return "application/vnd.ms-excel";
		if (ends_with(filename, ".ppt"))
			return "application/vnd.ms-powerpoint";
		return NULL;
	}
	/* Text: UTF-8 without NUL or stray control bytes in what we looked at. A multibyte
	 * character cut at the end of the sample is forgiven. */
	size_t check = n - cut_character(head, n);
	if (n == 0 || !text_is_clean((const char *)head, check) ||
	    looks_like_markup(head, n, filename))
		return NULL;
	if (ends_with(filename, ".csv"))
		return "text/csv; charset=utf-8";
	if (ends_with(filename, ".md") || ends_with(filename, ".markdown"))
		return "text/markdown; charset=utf-8";
	return "text/plain; charset=utf-8";
}

/* Reads the zip's central directory: true when it is well formed, lists both required entry
 * names, and holds no macros (vbaProject.bin). */
static bool zip_holds(FILE *f, int64_t size, const char *need1, const char *need2)
{
	size_t tail = size < 22 + 65535 ? (size_t)size : 22 + 65535;
	unsigned char *t = malloc(tail);
	unsigned char *cd = NULL;
	bool ok = false, found1 = false, found2 = false, macros = false;
	if (!t || fseeko(f, (off_t)(size - (int64_t)tail), SEEK_SET) != 0 ||
	    fread(t, 1, tail, f) != tail)
		goto done;
	size_t e = tail >= 22 ? tail - 22 + 1 : 0;
	while (e-- > 0)
		if (!memcmp(t + e, "PK\x05\x06", 4))
			break;
	if (e == (size_t)-1)
		goto done;
	uint32_t entries = le16(t + e + 10), cd_size = le32(t + e + 12), cd_off = le32(t + e + 16);
	int64_t eocd_at = size - (int64_t)tail + (int64_t)e;
	if (cd_size > CENTRAL_DIRECTORY_MAX || (int64_t)cd_off + cd_size > eocd_at)
		goto done;
	cd = malloc(cd_size ? cd_size : 1);
	if (!cd || fseeko(f, (off_t)cd_off, SEEK_SET) != 0 || fread(cd, 1, cd_size, f) != cd_size)
		goto done;
	size_t p = 0;
	for (uint32_t i = 0; i < entries; i++) {
		if (p + 46 > cd_size || memcmp(cd + p, "PK\x01\x02", 4))
			goto done;
		size_t name_len = le16(cd + p + 28);
		size_t skip = 46 + name_len + le16(cd + p + 30) + le16(cd + p + 32);
		if (p + 46 + name_len > cd_size)
			goto done;
		const char *name = (const char *)cd + p + 46;
		if (name_len == strlen(need1) && !memcmp(name, need1, name_len))
			found1 = true;
		if (name_len == strlen(need2) && !memcmp(name, need2, name_len))
			found2 = true;
		if (name_len >= 14 && !strncasecmp(name + name_len - 14, "vbaProject.bin", 14))
			macros = true;
		p += skip;
	}
	ok = found1 && found2 && !macros;
done:
	free(t);
	free(cd);
	return ok;
}

const char *file_upload_type(const Upload *u, const char **why)
{
	unsigned char head[8192];
	*why = "Choose a file to upload (the one sent was empty).";
	if (!u || !u->tmp || u->size <= 0)
		return NULL;
	*why = "The file could not be read just now. Please try again.";
	if (fseek(u->tmp, 0, SEEK_SET) != 0)
		return NULL;
	size_t n = fread(head, 1, sizeof head, u->tmp);
	const char *type = file_sniff_type(head, n, u->filename ? u->filename : "");
	*why = refused_kind;
	if (type && looks_like_markup(head, 0, u->filename ? u->filename : ""))
		type = NULL; /* an image or PDF named .svg or .html: the name is what opens it */
	if (!type) {
		if (looks_like_markup(head, n, u->filename ? u->filename : ""))
			*why = "Web pages are not accepted as files. Share the page's address as a "
			       "link instead.";
		return NULL;
	}
	bool ok = true;
	if (!strncmp(type, "application/vnd.oasis.opendocument.", 35)) {
		ok = zip_holds(u->tmp, u->size, "mimetype", "content.xml");
	} else {
		for (size_t i = 0; i < sizeof office_open_xml / sizeof *office_open_xml; i++)
			if (!strcmp(type, office_open_xml[i].type))
				ok = zip_holds(u->tmp, u->size, "[Content_Types].xml",
					       office_open_xml[i].main_part);
	}
	if (!ok) {
		*why = "This file's name says it is an office document, but its content is not one "
		       "(or it contains macros, which are not accepted). Save it again from the "
		       "office program and upload that.";
		return NULL;
	}
	*why = NULL;
	return type;
}

/* ---- storing ---- */

/* The uploader's file name made safe to keep: no directories (some browsers send a path),
 * valid UTF-8 without control characters, at most NAME_MAX_BYTES; "file" when nothing is
 * left. */
static void clean_name(const char *given, char out[NAME_MAX_BYTES + 1])
{
	const char *base = given ? given : "";
	for (const char *p = base; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	size_t o = 0;
	for (const unsigned char *s = (const unsigned char *)base; *s;) {
		size_t len = *s < 0x80 ? 1 : (*s & 0xe0) == 0xc0 ? 2 : (*s & 0xf0) == 0xe0 ? 3
			   : (*s & 0xf8) == 0xf0 ? 4 : 0;
		size_t have = 0;
		while (have < len && s[have])
			have++;
		bool good = len && have == len && text_is_clean((const char *)s, len) &&
			    !(len == 1 && (*s < 0x20 || *s == 0x7f));
		size_t put = good ? len : 1;
		if (o + put > NAME_MAX_BYTES)
			break;
		if (good)
			memcpy(out + o, s, len);
		else
			out[o] = '_';
		o += put;
		s += good ? len : 1;
	}
	out[o] = '\0';
	if (!o || !strcmp(out, ".") || !strcmp(out, ".."))
		strcpy(out, "file");
}

/* SHA-256 of the first size bytes of f, streamed. */
static bool hash_file(FILE *f, int64_t size, unsigned char digest[crypto_hash_sha256_BYTES])
{
	crypto_hash_sha256_state sha;
	crypto_hash_sha256_init(&sha);
	unsigned char chunk[65536];
	int64_t done = 0;
	if (fseek(f, 0, SEEK_SET) != 0)
		return false;
	while (done < size) {
		size_t got = fread(chunk, 1, sizeof chunk, f);
		if (got == 0)
			break;
		crypto_hash_sha256_update(&sha, chunk, got);
		done += (int64_t)got;
	}
	crypto_hash_sha256_final(&sha, digest);
	return done == size;
}

/* Where a new blob's bytes come from, a piece at a time: the next `want` bytes, or NULL when
 * they cannot be read. An upload is read from its temporary file, so it is never whole in
 * memory; generated files are already in memory. */
typedef const unsigned char *(*NextPiece)(void *from, size_t want);

typedef struct {
	FILE *f;
	unsigned char *buf;
} FilePieces;

static const unsigned char *next_file_piece(void *from, size_t want)
{
	FilePieces *p = from;
	return fread(p->buf, 1, want, p->f) == want ? p->buf : NULL;
}

static const unsigned char *next_memory_piece(void *from, size_t want)
{
	const unsigned char **at = from;
	const unsigned char *piece = *at;
	*at += want;
	return piece;
}

/* The blob holding the bytes with this digest, stored now if they are new: one blobs row
 * and size / CHUNK_BYTES rows of blob_chunks, rounded up (none for an empty file). 0 on
 * failure. */
static int64_t blob_for(Db *db, const unsigned char digest[crypto_hash_sha256_BYTES],
			int64_t size, NextPiece next, void *from)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT id FROM blobs WHERE sha256 = :sha");
	db_bind_blob(st, ":sha", digest, crypto_hash_sha256_BYTES);
	int64_t blob = db_step(st) == SQLITE_ROW ? db_col_int(st, 0) : 0;
	sqlite3_reset(st);
	if (blob)
		return blob;
	st = db_prepare(db, "INSERT INTO blobs (sha256, size) VALUES (:sha, :size)");
	db_bind_blob(st, ":sha", digest, crypto_hash_sha256_BYTES);
	db_bind_int(st, ":size", size);
	if (!db_run(st))
		return 0;
	blob = db_last_id(db);
	int64_t done = 0;
	for (int64_t seq = 0; done < size; seq++) {
		size_t want = size - done < CHUNK_BYTES ? (size_t)(size - done) : CHUNK_BYTES;
		const unsigned char *piece = next(from, want);
		if (!piece)
			return 0;
		st = db_prepare(db, "INSERT INTO blob_chunks (blob_id, seq, data) VALUES (:b, :s, :d)");
		db_bind_int(st, ":b", blob);
		db_bind_int(st, ":s", seq);
		db_bind_blob(st, ":d", piece, (int)want);
		if (!db_run(st))
			return 0;
		done += (int64_t)want;
	}
	return blob;
}

int64_t file_store(Db *db, const Upload *u, int64_t user_id, const char **why)
{
	const char *type = file_upload_type(u, why);
	if (!type)
		return 0;
	*why = "The file could not be stored just now. Please try again.";
	unsigned char digest[crypto_hash_sha256_BYTES];
	if (!hash_file(u->tmp, u->size, digest))
		return 0;

	FilePieces pieces = {u->tmp, malloc(CHUNK_BYTES)};
	bool stored = pieces.buf && fseek(u->tmp, 0, SEEK_SET) == 0 &&
		      blob_for(db, digest, u->size, next_file_piece, &pieces);
	free(pieces.buf);
	if (!stored)
		return 0;

	char name[NAME_MAX_BYTES + 1];
	clean_name(u->filename, name);
	sqlite3_stmt *st = db_prepare(db, "INSERT INTO files (name, content_type, size, sha256, "
					  "uploaded_by, created_at) VALUES (:name, :type, :size, "
					  ":sha, :by, :now)");
	db_bind_text(st, ":name", name);
	db_bind_text(st, ":type", type);
	db_bind_int(st, ":size", u->size);
	db_bind_blob(st, ":sha", digest, sizeof digest);
	if (user_id)
		db_bind_int(st, ":by", user_id);
	else
		db_bind_text(st, ":by", NULL);
	db_bind_int(st, ":now", time(NULL));
	return db_run(st) ? db_last_id(db) : 0;
}

int64_t file_store_memory(Db *db, const char *name, const char *type, const void *data,
			  size_t n, int64_t user_id, int64_t at)
{
	unsigned char digest[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(digest, data, n);
	const unsigned char *unread = data;
	if (!blob_for(db, digest, (int64_t)n, next_memory_piece, &unread))
		return 0;
	sqlite3_stmt *st = db_prepare(db, "INSERT INTO files (name, content_type, size, sha256, "
					  "uploaded_by, created_at) VALUES (:name, :type, :size, "
					  ":sha, nullif(:by, 0), :at)");
	db_bind_text(st, ":name", name);
	db_bind_text(st, ":type", type);
	db_bind_int(st, ":size", (int64_t)n);
	db_bind_blob(st, ":sha", digest, sizeof digest);
	db_bind_int(st, ":by", user_id);
	db_bind_int(st, ":at", at);
	return db_run(st) ? db_last_id(db) : 0;
}

/* ---- downloads ---- */

const char *file_disposition(Arena *a, const char *kind, const char *name)
{
	/* filename="..." for old clients: printable ASCII without quotes, backslashes or '%'
	 * (some browsers decode %XX there), one '_' per other character; filename*= carries
	 * the real name, percent-encoded UTF-8 (RFC 6266, RFC 8187). */
	size_t n = strlen(name);
	char *plain = arena_alloc(a, n + 9), *o = plain;
	for (const unsigned char *s = (const unsigned char *)name; *s; s++) {
		if ((*s & 0xc0) == 0x80)
			continue; /* the rest of a character already replaced */
		bool keep = *s >= 0x20 && *s < 0x7f && *s != '"' && *s != '\\' && *s != '%' &&
			    *s != ';';
		*o++ = keep ? (char)*s : '_';
	}
	*o = '\0';
	if (!*plain || strspn(plain, "._ ") == strlen(plain))
		strcpy(plain, "download");
	return arena_printf(a, "%s; filename=\"%s\"; filename*=UTF-8''%s", kind, plain,
			    url_encode(a, name));
}

/* Does an If-None-Match list name etag (weak comparison, as RFC 9110 asks)? */
static bool etag_listed(const char *list, const char *etag)
{
	size_t want = strlen(etag);
	for (const char *p = list; *p;) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (!*p)
			break;
		if (*p == '*')
			return true;
		if (!strncmp(p, "W/", 2))
			p += 2;
		const char *end = p;
		if (*end == '"') {
			end = strchr(end + 1, '"');
			end = end ? end + 1 : p + strlen(p);
		} else {
			end += strcspn(end, ",");
		}
		if ((size_t)(end - p) == want && !memcmp(p, etag, want))
			return true;
		p = end;
	}
	return false;
}

typedef enum { RANGE_NONE, RANGE_ONE, RANGE_UNSATISFIABLE } RangeKind;

static const char *skip_spaces(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* Digits to a number; false when there are none. Huge values saturate (never overflow). */
static bool read_number(const char **p, uint64_t *out)
{
	const char *s = *p;
	uint64_t v = 0;
	while (*s >= '0' && *s <= '9') {
		v = v > UINT64_MAX / 20 ? UINT64_MAX / 2 : v * 10 + (uint64_t)(*s - '0');
		s++;
	}
	if (s == *p)
		return false;
	*p = s;
	*out = v;
	return true;
}

/* One byte range of a file of size bytes (RFC 9110 section 14). Several ranges, another unit
 * or a malformed header are ignored (the whole file is sent), as the RFC allows. */
static RangeKind parse_range(const char *h, uint64_t size, uint64_t *first, uint64_t *last)
{
	const char *p = skip_spaces(h);
	if (strncasecmp(p, "bytes", 5))
		return RANGE_NONE;
	p = skip_spaces(p + 5);
	if (*p++ != '=' || strchr(p, ','))
		return RANGE_NONE;
	p = skip_spaces(p);
	uint64_t a = 0, b = 0;
	if (*p == '-') { /* the last b bytes */
		p++;
		if (!read_number(&p, &b) || *skip_spaces(p))
			return RANGE_NONE;
		if (b == 0 || size == 0)
			return RANGE_UNSATISFIABLE;
		*first = b >= size ? 0 : size - b;
		*last = size - 1;
		return RANGE_ONE;
	}
	if (!read_number(&p, &a) || *p++ != '-')
		return RANGE_NONE;
	bool open = !read_number(&p, &b);
	if (*skip_spaces(p) || (!open && b < a))
		return RANGE_NONE;
	if (a >= size)
		return RANGE_UNSATISFIABLE;
	*first = a;
	*last = open || b >= size ? size - 1 : b;
	return RANGE_ONE;
}

/* A download reads its blob piece by piece after the handler has returned, each piece one
 * indexed row in its own short read of this worker thread's connection: no read transaction
 * (and so no stale snapshot for the thread's later requests, no WAL kept from checkpointing)
 * lasts longer than a piece, however slow the client. */
typedef struct {
	int64_t blob_id;
	uint64_t start;
} BlobPiece;

static long read_blob_piece(void *cls, uint64_t pos, char *buf, size_t max)
{
	const BlobPiece *p = cls;
	Db *db = db_thread();
	if (!db)
		return -1;
	uint64_t at = p->start + pos, offset = at % CHUNK_BYTES;
	sqlite3_stmt *st = db_prepare(db, "SELECT data FROM blob_chunks "
					  "WHERE blob_id = :b AND seq = :s");
	db_bind_int(st, ":b", p->blob_id);
	db_bind_int(st, ":s", (int64_t)(at / CHUNK_BYTES));
	long n = -1;
	if (db_step(st) == SQLITE_ROW) {
		const unsigned char *data = sqlite3_column_blob(st, 0);
		uint64_t len = (uint64_t)sqlite3_column_bytes(st, 0);
		if (data && offset < len) {
			size_t want = max < len - offset ? max : (size_t)(len - offset);
			memcpy(buf, data + offset, want);
			n = (long)want;
		}
	}
	sqlite3_reset(st);
	return n;
}

void file_send(Req *r, int64_t id)
{
	sqlite3_stmt *st = db_prepare(r->db, "SELECT f.name, f.content_type, b.size, "
					     "lower(hex(f.sha256)), b.id FROM files f "
					     "JOIN blobs b ON b.sha256 = f.sha256 WHERE f.id = :id");
	db_bind_int(st, ":id", id);
	if (db_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		resp_error(r, 404, "There is no such file.");
		return;
	}
	const char *name = arena_strdup(r->arena, db_col_text(st, 0));
	const char *type = arena_strdup(r->arena, db_col_text(st, 1));
	uint64_t size = (uint64_t)db_col_int(st, 2);
	const char *etag = arena_printf(r->arena, "\"%s\"", db_col_text(st, 3));
	int64_t blob = db_col_int(st, 4);
	sqlite3_reset(st);

	bool image = !strcmp(type, "image/png") || !strcmp(type, "image/jpeg") ||
		     !strcmp(type, "image/gif") || !strcmp(type, "image/webp");
	resp_header(r, "Content-Disposition",
		    file_disposition(r->arena, image ? "inline" : "attachment", name));
	/* Whatever the file holds, it runs nothing if opened in the browser. */
	resp_header(r, "Content-Security-Policy", "sandbox; default-src 'none'");
	resp_header(r, "ETag", etag);
	/* The browser may keep a copy, never a shared cache, and asks each time (so access is
	 * checked each time; an unchanged file costs a 304). */
	resp_header(r, "Cache-Control", "private, no-cache");
	resp_header(r, "Accept-Ranges", "bytes");
	r->content_type = type;

	const char *inm = req_header(r, "If-None-Match");
	if (inm && etag_listed(inm, etag)) {
		r->status = 304;
		return;
	}
	uint64_t first = 0, last = size ? size - 1 : 0;
	RangeKind range = RANGE_NONE;
	const char *rh = req_header(r, "Range");
	const char *if_range = req_header(r, "If-Range");
	if (rh && (!if_range || !strcmp(if_range, etag)))
		range = parse_range(rh, size, &first, &last);
	if (range == RANGE_UNSATISFIABLE) {
		r->status = 416;
		r->content_type = "text/plain; charset=utf-8";
		resp_header(r, "Content-Range",
			    arena_printf(r->arena, "bytes */%llu", (unsigned long long)size));
		buf_puts(&r->out, "The requested range is not within the file.\n");
		return;
	}
	if (range == RANGE_ONE) {
		r->status = 206;
		resp_header(r, "Content-Range",
			    arena_printf(r->arena, "bytes %llu-%llu/%llu", (unsigned long long)first,
					 (unsigned long long)last, (unsigned long long)size));
	}
	BlobPiece *piece = xmalloc(sizeof *piece);
	*piece = (BlobPiece){blob, first};
	resp_body_reader(r, size ? last - first + 1 : 0, read_blob_piece, piece, free);
}
