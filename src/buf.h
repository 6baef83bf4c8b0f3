/* A growable byte buffer on the heap. A response body is a Buf whose memory is handed to
 * libmicrohttpd, which frees it; that is why Buf uses malloc and not the request arena. */
#ifndef PRACTICA_BUF_H
#define PRACTICA_BUF_H
#include <stdarg.h>
#include <stddef.h>

typedef struct {
	char *data; /* always NUL-terminated when non-NULL */
	size_t len, cap;
} Buf;

void buf_reserve(Buf *b, size_t extra);
void buf_append(Buf *b, const void *data, size_t n);
void buf_puts(Buf *b, const char *s);
void buf_putc(Buf *b, char c);
/* Plain printf, no escaping: for text/plain, CSV and logs. Never for HTML. */
void buf_printf(Buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hands the memory to the caller (who must free() it) and empties the Buf. */
char *buf_take(Buf *b, size_t *len);
void buf_free(Buf *b);

#endif
