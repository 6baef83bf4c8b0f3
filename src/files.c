/* The file store: uploads streamed into SQLite blobs, type checked by content, downloads. */
#include "files.h"

#include <ctype.h>
#include <sodium.h>
#include <string.h>
#include <time.h>

#include "html.h"

static bool ends_with(const char *name, const char *ext)
{
	size_t n = strlen(name), e = strlen(ext);
	return n >= e && !strcasecmp(name + n - e, ext);
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
	if (n >= 4 && !memcmp(head, "PK\x03\x04", 4)) { /* Office Open XML documents are zips */
		if (ends_with(filename, ".docx"))
			return "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
		if (ends_with(filename, ".xlsx"))
			return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
		if (ends_with(filename, ".pptx"))
			return "application/vnd.openxmlformats-officedocument.presentationml.presentation";
		if (ends_with(filename, ".odt"))
			return "application/vnd.oasis.opendocument.text";
		if (ends_with(filename, ".ods"))
			return "application/vnd.oasis.opendocument.spreadsheet";
		return "application/zip";
	}
	if (n >= sizeof ole && !memcmp(head, ole, sizeof ole)) { /* legacy Office */
		if (ends_with(filename, ".xls"))
			return "application/vnd.ms-excel";
		if (ends_with(filename, ".ppt"))
			return "application/vnd.ms-powerpoint";
		return "application/msword";
	}
	/* Text: UTF-8 without NUL or stray control bytes in what we looked at. A multibyte
	 * character cut at the end of the sample is forgiven. */
	size_t check = n;
	while (check > 0 && n - check < 3 && (head[check - 1] & 0xc0) == 0x80)
		check--;
	if (check > 0 && (head[check - 1] & 0xc0) == 0xc0)
		check--;
	if (n > 0 && text_is_clean((const char *)head, check)) {
		if (ends_with(filename, ".csv"))
			return "text/csv; charset=utf-8";
		if (ends_with(filename, ".md"))
			return "text/markdown; charset=utf-8";
		return "text/plain; charset=utf-8";
	}
	return NULL;
}

int64_t file_store(Db *db, const Upload *u, int64_t user_id, const char **why)
{
	unsigned char head[8192];
	*why = "The file could not be stored just now. Please try again.";
	if (!u || !u->tmp || u->size <= 0) {
		*why = "Choose a file to upload (the one sent was empty).";
		return 0;
	}
	if (fseek(u->tmp, 0, SEEK_SET) != 0)
		return 0;
	size_t n = fread(head, 1, sizeof head, u->tmp);
	const char *type = file_sniff_type(head, n, u->filename);
	if (!type) {
		*why = "This kind of file is not accepted. Upload a PDF, Word, Excel or PowerPoint "
		       "document, an image, or a text file.";
		return 0;
	}
	sqlite3_stmt *st = db_prepare(db, "INSERT INTO files (name, content_type, size, sha256, data, "
					  "uploaded_by, created_at) VALUES (:name, :type, :size, "
					  "zeroblob(32), zeroblob(:size), :by, :now)");
	db_bind_text(st, ":name", *u->filename ? u->filename : "file");
	db_bind_text(st, ":type", type);
	db_bind_int(st, ":size", u->size);
	if (user_id)
		db_bind_int(st, ":by", user_id);
	else
		db_bind_text(st, ":by", NULL);
	db_bind_int(st, ":now", time(NULL));
	if (!db_run(st))
		return 0;
	int64_t id = db_last_id(db);

	/* Copy the bytes in chunks: the file is never whole in memory. */
	sqlite3_blob *blob = NULL;
	if (sqlite3_blob_open(db_handle(db), "main", "files", "data", id, 1, &blob) != SQLITE_OK)
		return 0;
	crypto_hash_sha256_state sha;
	crypto_hash_sha256_init(&sha);
	bool ok = fseek(u->tmp, 0, SEEK_SET) == 0;
	int64_t offset = 0;
	unsigned char chunk[65536];
	while (ok && offset < u->size) {
		size_t got = fread(chunk, 1, sizeof chunk, u->tmp);
		if (got == 0)
			break;
		crypto_hash_sha256_update(&sha, chunk, got);
		ok = sqlite3_blob_write(blob, chunk, (int)got, (int)offset) == SQLITE_OK;
		offset += (int64_t)got;
	}
	sqlite3_blob_close(blob);
	if (!ok || offset != u->size)
		return 0;
	unsigned char digest[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_final(&sha, digest);
	st = db_prepare(db, "UPDATE files SET sha256 = :sha WHERE id = :id");
	db_bind_blob(st, ":sha", digest, sizeof digest);
	db_bind_int(st, ":id", id);
	return db_run(st) ? id : 0;
}

/* filename="..." with only safe ASCII, plus filename*= with the real name encoded. */
static const char *disposition(Req *r, const char *kind, const char *name)
{
	char *plain = arena_strdup(r->arena, name);
	for (char *p = plain; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f || *p == '"' || *p == '\\' ||
		    *p == ';')
			*p = '_';
	return arena_printf(r->arena, "%s; filename=\"%s\"; filename*=UTF-8''%s", kind, plain,
			    url_encode(r->arena, name));
}

void file_send(Req *r, int64_t id)
{
	sqlite3_stmt *st = db_prepare(r->db, "SELECT name, content_type, data FROM files "
					     "WHERE id = :id");
	db_bind_int(st, ":id", id);
	if (db_step(st) != SQLITE_ROW) {
		resp_error(r, 404, "There is no such file.");
		return;
	}
	const char *type = arena_strdup(r->arena, db_col_text(st, 1));
	const char *name = arena_strdup(r->arena, db_col_text(st, 0));
	buf_append(&r->out, sqlite3_column_blob(st, 2), (size_t)sqlite3_column_bytes(st, 2));
	sqlite3_reset(st);
	r->content_type = type;
	bool image = !strncmp(type, "image/", 6);
	resp_header(r, "Content-Disposition", disposition(r, image ? "inline" : "attachment", name));
	/* Whatever the file holds, it runs nothing if opened in the browser. */
	resp_header(r, "Content-Security-Policy", "sandbox; default-src 'none'");
}
