/* The document library, shared by its files: library.c (the list, categories, community
 * folders, what the feature files share), documents.c (uploads, versions, downloads),
 * resources.c (shared links) and library_item.c (an item's page, editing, deleting,
 * ratings). Documents and resources are both "library items": listed, tagged, rated,
 * searched and guarded the same way.
 *
 * Who sees an item: every member, or for an item shared with one community only its
 * participants, its facilitators and admins (anyone else gets 404, as if it did not exist).
 * Who may change or delete it: whoever shared it, admins, and for a community's item that
 * community's facilitators. */
#ifndef PRACTICA_LIBRARY_H
#define PRACTICA_LIBRARY_H
#include <stdbool.h>
#include <stdint.h>

#include "http.h"

#define LIB_TITLE_MAX 200
#define LIB_DESCRIPTION_MAX 5000
#define LIB_NOTE_MAX 300
#define LIB_REVIEW_MAX 1000
#define LIB_URL_MAX 2000
#define LIB_TAGS_MAX 10
#define LIB_TAG_MAX 40
#define LIB_TEXT_MAX (200 * 1024) /* of a file's text kept for the search index */

/* SQL condition: may the member bound as :me (:admin 0 or 1) see library item `i`? */
#define LIBRARY_VISIBLE                                                                      \
	"(i.community_id IS NULL OR :admin OR EXISTS (SELECT 1 FROM memberships m WHERE "    \
	"m.community_id = i.community_id AND m.user_id = :me AND m.status = 'participant') " \
	"OR EXISTS (SELECT 1 FROM facilitators f WHERE f.community_id = i.community_id AND " \
	"f.user_id = :me))"

typedef struct {
	int64_t id;
	bool is_document; /* else a resource (a shared link) */
	const char *title, *description, *url; /* url "" for documents */
	int64_t category_id;                   /* 0: none */
	const char *category;                  /* "" when none */
	int64_t community_id;                  /* 0: every member sees it */
	const char *community_slug, *community_name;
	int64_t created_by; /* 0 when the account is gone */
	const char *creator;
	int64_t created_at, updated_at;
	/* Documents: the current (highest-numbered) version and its file. */
	int64_t version, version_id, file_id, file_size;
	const char *file_name, *file_type;
	double rating; /* average stars, 0 when unrated */
	int64_t ratings;
} LibraryItem;

/* Item id as r->user may see it, or NULL (no such item, or not visible to them). */
LibraryItem *library_item_load(Req *r, int64_t id);
/* The item named by the route's first :id; NULL after answering 404. */
LibraryItem *library_item_from_path(Req *r);
/* May r->user change or delete it (who shared it, admins, its community's facilitators)? */
bool library_may_edit(Req *r, const LibraryItem *it);
/* May r->user share items with this community (participants, facilitators, admins)? */
bool library_may_share_in(Req *r, int64_t community_id);
/* An http or https address fit to link to; NULL when good, else a message (resources.c). */
const char *library_check_url(Arena *a, const char *url);
/* "/library/ID". */
const char *library_item_url(Req *r, int64_t id);

/* Puts item id into the search index from its rows (inside the caller's transaction). */
void library_index(Db *db, int64_t id);

/* The fields documents and links share, read from the form and checked. */
typedef struct {
	const char *title, *description, *tags_text;
	int64_t category_id, community_id;
	const char **tags;
	int ntags;
	const char *e_title, *e_description, *e_category, *e_community, *e_tags;
	int errors;
} LibraryFields;
void library_read_fields(Req *r, LibraryFields *f, bool category_required);
/* Writes the fields (title, description, category, tags, visibility) into a form. */
void library_fields_form(Req *r, const LibraryFields *f, bool category_required);
/* Replaces item id's tags. */
bool library_save_tags(Db *db, int64_t id, const char *const *tags, int ntags);
/* The item's tags as "budget, template" ("" when none). */
const char *library_tags_text(Req *r, int64_t id);

/* "PDF", "Word document", ... and "820 bytes", "14 KB", "2.4 MB". */
const char *library_type_label(const char *content_type);
const char *library_size_label(Req *r, int64_t bytes);
/* "4.5 out of 5 (3 ratings)" as markup with stars for the eye and words for screen readers;
 * "Not rated yet" when unrated. */
void library_rating_html(Req *r, double average, int64_t count);

/* What a refused form on the item page sent back, to show again with its errors. */
typedef struct {
	const char *note, *e_note, *e_file; /* the new-version form */
	int64_t stars;                      /* the rating form */
	const char *review, *e_rating;
} ItemForms;

/* documents.c: the item page's "Versions" section, with the new-version form when the user
 * may edit. */
void document_versions_section(Req *r, const LibraryItem *it, const ItemForms *forms);
/* library_item.c: the whole item page (r->status is left as the caller set it). */
void library_item_page(Req *r, const LibraryItem *it, const ItemForms *forms);

#endif
