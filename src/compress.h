/* gzip for responses: pages, stylesheets and scripts are sent compressed to browsers that say
 * they accept it (school networks are slow; markup compresses about five to one). */
#ifndef PRACTICA_COMPRESS_H
#define PRACTICA_COMPRESS_H
#include <stdbool.h>
#include <stddef.h>

/* Bodies smaller than this are sent as they are: gzip's header would eat the gain. */
#define COMPRESS_MIN_BYTES 512

/* True when an Accept-Encoding header value (may be NULL) accepts gzip: the token "gzip" or
 * "*", without q=0. */
bool accepts_gzip(const char *accept_encoding);
/* True for content types worth compressing: text/... and SVG. */
bool compressible_type(const char *content_type);
/* gzip of in[0..n) into a new malloc'd buffer (*out, *out_len); false when it fails or would
 * not be smaller, leaving *out NULL. */
bool gzip_bytes(const void *in, size_t n, char **out, size_t *out_len);

struct Req;
/* For http.c, just before a buffered body is sent: returns the body to send (body itself, or
 * its gzip with body freed) and updates *len; adds Content-Encoding and Vary headers to r. */
char *compress_response(struct Req *r, char *body, size_t *len);

#endif
