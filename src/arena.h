/* Per-request bump allocator: everything a request allocates comes from its arena and is freed
 * in one place when libmicrohttpd reports the request complete. Allocation failure aborts
 * (see xmalloc): on Linux it means the machine is out of memory, not bad input. */
#ifndef PRACTICA_ARENA_H
#define PRACTICA_ARENA_H
#include <stdarg.h>
#include <stddef.h>

typedef struct Arena Arena;

Arena *arena_new(void);
void arena_free(Arena *arena);
/* Zeroed memory aligned for any type, valid until arena_free(). */
void *arena_alloc(Arena *arena, size_t size);
char *arena_strdup(Arena *arena, const char *s);
char *arena_strndup(Arena *arena, const char *s, size_t n);
/* printf into the arena. For plain text and URLs only; HTML goes through html.h. */
char *arena_printf(Arena *arena, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* malloc/realloc that abort with a message on failure, the one place it is handled. */
void *xmalloc(size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);

#endif
