/* Static assets served from memory, each response built once at start-up. */
#include "assets.h"

#include <microhttpd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compress.h"
#include "embedded.h"

#define MAX_ASSETS 16

typedef struct {
	const char *name;
	char url[128];
	char hashed_name[112];
	struct MHD_Response *response;
	struct MHD_Response *gzipped; /* NULL when gzip would not help (images) */
} Asset;

static Asset assets[MAX_ASSETS];
static int nassets;

static const char *mime_type(const char *name)
{
	const char *dot = strrchr(name, '.');
	if (!dot)
		return "application/octet-stream";
	if (!strcmp(dot, ".css"))
		return "text/css; charset=utf-8";
	if (!strcmp(dot, ".js"))
		return "text/javascript; charset=utf-8";
	if (!strcmp(dot, ".svg"))
		return "image/svg+xml";
	if (!strcmp(dot, ".png"))
		return "image/png";
	if (!strcmp(dot, ".ico"))
		return "image/x-icon";
	return "application/octet-stream";
}

bool assets_init(void)
{
	if (sodium_init() < 0)
		return false;
	for (const EmbeddedFile *f = static_assets; f->name && nassets < MAX_ASSETS; f++) {
		Asset *a = &assets[nassets++];
		unsigned char digest[8];
		char hex[17];
		crypto_generichash(digest, sizeof digest, f->data, f->size, NULL, 0);
		sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
		const char *dot = strrchr(f->name, '.');
		int stem = dot ? (int)(dot - f->name) : (int)strlen(f->name);
		snprintf(a->hashed_name, sizeof a->hashed_name, "%.*s.%s%s", stem, f->name, hex,
			 dot ? dot : "");
		memcpy(a->url, "/static/", 9);
		memcpy(a->url + 8, a->hashed_name, strlen(a->hashed_name) + 1);
		a->name = f->name;
		a->response = MHD_create_response_from_buffer(f->size, (void *)f->data,
							       MHD_RESPMEM_PERSISTENT);
		if (!a->response)
			return false;
		MHD_add_response_header(a->response, "Content-Type", mime_type(f->name));
		MHD_add_response_header(a->response, "Cache-Control",
					"public, max-age=31536000, immutable");
		http_add_security_headers(a->response);
		char *packed;
		size_t packed_len;
		if (compressible_type(mime_type(f->name)) &&
		    gzip_bytes(f->data, f->size, &packed, &packed_len)) {
			a->gzipped = MHD_create_response_from_buffer(packed_len, packed,
								     MHD_RESPMEM_MUST_FREE);
			if (!a->gzipped) {
				free(packed);
				return false;
			}
			MHD_add_response_header(a->gzipped, "Content-Type", mime_type(f->name));
			MHD_add_response_header(a->gzipped, "Content-Encoding", "gzip");
			MHD_add_response_header(a->gzipped, "Cache-Control",
						"public, max-age=31536000, immutable");
			http_add_security_headers(a->gzipped);
			MHD_add_response_header(a->gzipped, "Vary", "Accept-Encoding");
			MHD_add_response_header(a->response, "Vary", "Accept-Encoding");
		}
	}
	return true;
}

void assets_free(void)
{
	for (int i = 0; i < nassets; i++) {
		MHD_destroy_response(assets[i].response);
		if (assets[i].gzipped)
			MHD_destroy_response(assets[i].gzipped);
	}
	memset(assets, 0, sizeof assets);
	nassets = 0;
}

const char *asset_url(const char *name)
{
	for (int i = 0; i < nassets; i++)
		if (!strcmp(assets[i].name, name))
			return assets[i].url;
	return "/static/missing";
}

void handle_static(Req *r)
{
	const char *want = req_param(r, 0);
	for (int i = 0; i < nassets; i++)
		if (!strcmp(assets[i].hashed_name, want)) {
			bool gzip = assets[i].gzipped && accepts_gzip(req_header(r, "Accept-Encoding"));
			resp_prebuilt(r, gzip ? assets[i].gzipped : assets[i].response);
			return;
		}
	resp_error(r, 404, "There is no file at this address.");
}
