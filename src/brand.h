/* The association's look, set by an admin at /admin/branding: its name (in place of the
 * site-name config key), a logo image and an accent colour. They live in the settings table;
 * the logo and the colour are served as small files of their own under /brand/ with the
 * content in their address (cached a year), so pages need no inline style and the CSP stays
 * strict. An accent colour is refused unless text stays readable with it (WCAG AA, 4.5:1). */
#ifndef PRACTICA_BRAND_H
#define PRACTICA_BRAND_H
#include <stdbool.h>

#include "http.h"

#define BRAND_LOGO_MAX (200 * 1024)
#define BRAND_MIN_CONTRAST 4.5

/* The association's name: the admin's setting, else config.site_name. */
const char *brand_name(Req *r);
/* The <link> of the accent stylesheet, when an accent colour is set (for <head>). */
void brand_head_links(Req *r);
/* The header's home link: the logo (when set) and the name. */
void brand_header_link(Req *r);
/* A navigation item listing the signed-in member's own communities (participant or
 * facilitator) as a disclosure, "My communities"; nothing when they have none. */
void brand_my_communities(Req *r);

/* "#1f5fa8" or "1F5FA8" into 0xRRGGBB; false when it is not six hex digits. */
bool brand_parse_colour(const char *s, unsigned *rgb);
/* WCAG 2.1 contrast ratio of two sRGB colours, 1.0 to 21.0. */
double brand_contrast(unsigned a, unsigned b);
/* NULL when the accent keeps text readable (white on it, it on white and on the page wash);
 * else a human reason naming the ratio found. */
const char *brand_check_accent(Arena *a, unsigned rgb);

void handle_brand_asset(Req *r);
void handle_admin_branding(Req *r);
void handle_admin_branding_save(Req *r);

#endif
