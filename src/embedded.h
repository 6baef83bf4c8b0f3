/* Files compiled into the binary at build time by tools/embed.c: the schema migrations and
 * the static assets. Both arrays are sorted by file name and end with a zeroed entry. */
#ifndef PRACTICA_EMBEDDED_H
#define PRACTICA_EMBEDDED_H
#include <stddef.h>

typedef struct {
	const char *name;          /* base name, e.g. "001_foundation.sql" */
	const unsigned char *data; /* NUL-terminated for convenience; size excludes the NUL */
	size_t size;
} EmbeddedFile;

extern const EmbeddedFile migrations[];
extern const EmbeddedFile static_assets[];

#endif
