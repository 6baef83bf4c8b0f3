/* The one file store of Practica: every uploaded file (meeting materials, library document
 * versions) is a row in `files` (its name, a content type decided from the bytes, size,
 * SHA-256, uploader, time) naming its bytes in `blobs`, which holds each distinct content once
 * (content-addressed by SHA-256; the bytes in 64 KiB rows of `blob_chunks`). Features keep
 * their own rows pointing at files and decide who may see them; deleting the last file that
 * names some bytes deletes the bytes (a trigger in migration 006). */
#ifndef PRACTICA_FILES_H
#define PRACTICA_FILES_H
#include <stdint.h>

#include "http.h"

/* Stores an upload. Call inside a write transaction together with the row that refers to the
 * file. Bytes already stored are not stored again. Returns the new file's id, or 0 with a
 * human reason in *why (a refused type, an empty file, a storage failure). */
int64_t file_store(Db *db, const Upload *upload, int64_t user_id, const char **why);

/* Stores bytes already in memory under a type the caller vouches for (generated data: the
 * demo, bench-data), deduplicated and chunked like an upload; the files row gets name, type,
 * uploader (0: none) and time at. Returns its id, 0 on failure. */
int64_t file_store_memory(Db *db, const char *name, const char *type, const void *data,
			  size_t n, int64_t user_id, int64_t at);

/* The content type of an upload decided from its bytes (the name only tells apart kinds that
 * share a container, e.g. .docx and .xlsx, and the container is then checked to hold that
 * kind), *why then NULL; NULL with a human reason in *why when the kind of file is not
 * accepted. */
const char *file_upload_type(const Upload *upload, const char **why);

/* The first step of file_upload_type(): a type from the first bytes and the name's extension,
 * NULL when not accepted. Zip-based office documents are only provisionally accepted here.
 * Exposed for tests. */
const char *file_sniff_type(const unsigned char *head, size_t n, const char *filename);

/* Sends file id as the response without reading it whole into memory: Content-Type (the
 * stored one), Content-Length, Content-Disposition (attachment, images inline; a safe ASCII
 * name plus the real one in filename*), ETag from the SHA-256 with If-None-Match (304), a
 * single Range (206, or 416 when unsatisfiable), a sandbox CSP and nosniff. Answers 404 when
 * there is no such file. Callers check who may see it first. */
void file_send(Req *r, int64_t id);

/* The Content-Disposition value for name (exposed for tests). */
const char *file_disposition(Arena *a, const char *kind, const char *name);

#endif
