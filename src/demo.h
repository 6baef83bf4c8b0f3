/* Parts of `practica demo` kept in their own files. */
#ifndef PRACTICA_DEMO_H
#define PRACTICA_DEMO_H
#include <stdbool.h>
#include <stdint.h>

#include "db.h"

/* Adds the demo's meetings for the program year starting in August of year first. */
bool demo_add_meetings(Db *db, int first, int64_t now);
/* Adds discussion threads with replies, answers, shares and mentions (demo_discussions.c). */
bool demo_add_discussions(Db *db, int64_t now);

/* Adds the document library's model documents, versions, ratings and links (demo_library.c). */
bool demo_add_library(Db *db, int64_t now);

#endif
