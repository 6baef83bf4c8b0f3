/* Static assets (the stylesheet, scripts) compiled into the binary and served from memory with
 * a content hash in their URL, so browsers may cache them for a year. */
#ifndef PRACTICA_ASSETS_H
#define PRACTICA_ASSETS_H
#include "http.h"

/* Builds the responses and hashed names once; call before serving. False on failure. */
bool assets_init(void);
void assets_free(void);
/* The hashed URL of an asset by its file name, e.g. "/static/practica.1a2b3c4d.css". */
const char *asset_url(const char *name);
void handle_static(Req *r);

#endif
