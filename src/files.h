/* The one file store of Practica: every uploaded file (meeting materials, library documents)
 * is a row in `files` holding its bytes, name, size, SHA-256 and a content type decided from
 * the bytes. Features keep their own rows pointing at files and decide who may see them. */
#ifndef PRACTICA_FILES_H
#define PRACTICA_FILES_H
#include <stdint.h>

#include "http.h"

/* Stores an upload. Call inside a write transaction together with the row that refers to the
 * file. Returns the new file's id, or 0 with a human reason in *why (a refused type, an
 * empty file, a storage failure). */
int64_t file_store(Db *db, const Upload *upload, int64_t user_id, const char **why);

/* Decides the content type from the first bytes and the file name's extension; NULL when the
 * kind of file is not accepted. Exposed for tests. */
const char *file_sniff_type(const unsigned char *head, size_t n, const char *filename);

/* Sends file id as the response: attachment (images inline), sandboxed, nosniff. Answers 404
 * when there is no such file. Callers check who may see it first. */
void file_send(Req *r, int64_t id);

#endif
