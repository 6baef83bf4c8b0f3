/* gzip for responses (see compress.h): the Accept-Encoding check and zlib's deflate. */
#include "compress.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "http.h"

bool accepts_gzip(const char *header)
{
	if (!header)
		return false;
	const char *p = header;
	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		const char *token = p;
		while (*p && *p != ',' && *p != ';' && *p != ' ' && *p != '\t')
			p++;
		size_t n = (size_t)(p - token);
		bool match = (n == 4 && !strncasecmp(token, "gzip", 4)) || (n == 1 && *token == '*');
		/* Parameters: only q matters, and q=0 (0, 0.0, 0.000) refuses. */
		bool refused = false;
		while (*p && *p != ',') {
			if (*p == ';') {
				p++;
				while (*p == ' ' || *p == '\t')
					p++;
				if ((p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
					const char *q = p + 2;
					refused = *q == '0';
					for (q++; refused && *q && *q != ',' && *q != ';' && *q != ' '; q++)
						refused = *q == '.' || *q == '0';
				}
				continue;
			}
			p++;
		}
		if (match && !refused)
			return true;
	}
	return false;
}

bool compressible_type(const char *type)
{
	return type && (!strncasecmp(type, "text/", 5) || !strncasecmp(type, "image/svg+xml", 13));
}

bool gzip_bytes(const void *in, size_t n, char **out, size_t *out_len)
{
	*out = NULL;
	*out_len = 0;
	if (n > (1u << 30))
		return false;
	z_stream z;
	memset(&z, 0, sizeof z);
	/* windowBits 15 + 16: a gzip wrapper, which every browser takes as Content-Encoding. */
	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return false;
	uLong bound = deflateBound(&z, (uLong)n);
	char *buf = malloc(bound);
	if (!buf) {
		deflateEnd(&z);
		return false;
	}
	z.next_in = (Bytef *)in;
	z.avail_in = (uInt)n;
	z.next_out = (Bytef *)buf;
	z.avail_out = (uInt)bound;
	int rc = deflate(&z, Z_FINISH);
	size_t produced = z.total_out;
	deflateEnd(&z);
	if (rc != Z_STREAM_END || produced >= n) {
		free(buf);
		return false;
	}
	*out = buf;
	*out_len = produced;
	return true;
}

char *compress_response(Req *r, char *body, size_t *len)
{
	const char *type = r->content_type ? r->content_type : "text/html";
	if (!compressible_type(type))
		return body;
	/* Caches must keep the plain and the gzip answer apart. */
	resp_header(r, "Vary", "Accept-Encoding");
	char *packed;
	size_t packed_len;
	if (*len < COMPRESS_MIN_BYTES || !accepts_gzip(req_header(r, "Accept-Encoding")) ||
	    !gzip_bytes(body, *len, &packed, &packed_len))
		return body;
	free(body);
	*len = packed_len;
	resp_header(r, "Content-Encoding", "gzip");
	return packed;
}
