/* The search query cleaner (see search_clean_query in search.h): whatever a member types
 * becomes an FTS5 query made only of quoted strings, AND, OR, NOT and parentheses that we
 * write ourselves. A pure function of its input; the fuzz harness relies on that. */
#include <string.h>

#include "buf.h"
#include "search.h"
#include "search_internal.h"

enum {
	MAX_INPUT = 4096, /* bytes of input looked at: a query, not a document */
	MAX_TERMS = 16,   /* words and phrases kept */
	MAX_TERM = 256,   /* bytes of one word or phrase */
	MIN_PREFIX = 3,   /* letters before a * (shorter prefixes match most of the index) */
};

typedef struct {
	char text[MAX_TERM + 1]; /* UTF-8 without quotes or control characters */
	size_t len;
	int letters;             /* characters that the index's tokenizer keeps */
	int tail;                /* of which at the end, after the last other character */
	bool prefix, negative, or_before;
	bool star;               /* the last character was a '*' */
} Term;

/* True for characters FTS5's unicode61 tokenizer treats as part of a word: ASCII letters and
 * digits, and other letters and numbers. Without Unicode tables we list the common
 * punctuation and symbol blocks instead; a symbol this misses makes a term the index cannot
 * match (no results), never a syntax error. */
static bool word_char(uint32_t c)
{
	if (c < 0x80)
		return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
	if (c <= 0xbf)
		return c == 0xaa || c == 0xb2 || c == 0xb3 || c == 0xb5 || c == 0xb9 || c == 0xba ||
		       (c >= 0xbc && c <= 0xbe);
	if (c == 0xd7 || c == 0xf7)
		return false;
	static const struct {
		uint32_t from, to;
	} symbols[] = {
		{0x2000, 0x206f},   {0x20a0, 0x20cf},   {0x2190, 0x23ff},   {0x2500, 0x2775},
		{0x2794, 0x27bf},   {0x2e00, 0x2e7f},   {0x3000, 0x3004},   {0x3008, 0x3020},
		{0xfe00, 0xfe0f},   {0xfe10, 0xfe1f},   {0xfe30, 0xfe6f},   {0xfeff, 0xfeff},
		{0xff01, 0xff0f},   {0xff1a, 0xff20},   {0xff3b, 0xff40},   {0xff5b, 0xff65},
		{0xfff0, 0xffff},   {0x1f000, 0x1faff}, {0xe0000, 0xe007f},
	};
	for (size_t i = 0; i < sizeof symbols / sizeof *symbols; i++)
		if (c >= symbols[i].from && c <= symbols[i].to)
			return false;
	return true;
}

/* Spaces, controls, private-use characters and bytes that are not UTF-8 all separate
 * words. */
static bool space_char(uint32_t c)
{
	return c <= 0x20 || c == 0x7f || c == 0xa0 || c == 0x3000 || (c >= 0x2000 && c <= 0x200b) ||
	       c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f || c == 0xfeff ||
	       private_use_char(c); /* the index's filter tokens start with one */
}

/* Straight and typographic double quotes, and guillemets, open and close phrases. */
static bool quote_char(uint32_t c)
{
	return c == '"' || c == 0x201c || c == 0x201d || c == 0x201e || c == 0xab || c == 0xbb;
}

typedef struct {
	const unsigned char *s;
	size_t n, i;
} Cursor;

/* The next character; invalid bytes read as a space (code point 0x20) of length 1. */
static uint32_t peek(const Cursor *cur, size_t *len)
{
	uint32_t c;
	*len = utf8_decode(cur->s + cur->i, cur->n - cur->i, &c);
	if (!*len) {
		*len = 1;
		return ' ';
	}
	return c;
}

/* Appends one character to the term, if it fits; controls become spaces, runs of spaces
 * collapse. Returns false once the term is full. */
static bool term_add(Term *t, const Cursor *cur, size_t len, uint32_t c)
{
	if (space_char(c)) {
		t->tail = 0;
		if (t->len && t->text[t->len - 1] != ' ' && t->len < MAX_TERM)
			t->text[t->len++] = ' ';
		return t->len < MAX_TERM;
	}
	if (t->len + len > MAX_TERM)
		return false;
	memcpy(t->text + t->len, cur->s + cur->i, len);
	t->len += len;
	/* A '*' ends the letters counted in tail only when a letter follows it. */
	if (word_char(c)) {
		if (t->star)
			t->tail = 0;
		t->letters++, t->tail++;
	} else if (c != '*') {
		t->tail = 0;
	}
	t->star = c == '*';
	return true;
}

/* Reads a phrase after its opening quote, up to the closing quote or the end. */
static void read_phrase(Cursor *cur, Term *t)
{
	bool full = false;
	while (cur->i < cur->n) {
		size_t len;
		uint32_t c = peek(cur, &len);
		if (quote_char(c)) {
			cur->i += len;
			break;
		}
		if (!full)
			full = !term_add(t, cur, len, c);
		cur->i += len;
	}
	while (t->len && t->text[t->len - 1] == ' ')
		t->len--;
}

/* Reads a word: everything up to a space or a quote. */
static void read_word(Cursor *cur, Term *t)
{
	bool full = false;
	while (cur->i < cur->n) {
		size_t len;
		uint32_t c = peek(cur, &len);
		if (space_char(c) || quote_char(c))
			break;
		if (!full)
			full = !term_add(t, cur, len, c);
		cur->i += len;
	}
}

static bool is_operator(const Term *t, const char *op)
{
	return t->len == strlen(op) && !memcmp(t->text, op, t->len);
}

/* Parses the input into terms; returns how many. */
static int parse(const char *input, Term *terms)
{
	size_t n = strlen(input);
	Cursor cur = {(const unsigned char *)input, n > MAX_INPUT ? MAX_INPUT : n, 0};
	int count = 0;
	bool negate_next = false, or_next = false;
	while (cur.i < cur.n && count < MAX_TERMS) {
		size_t len;
		uint32_t c = peek(&cur, &len);
		if (space_char(c)) {
			cur.i += len;
			continue;
		}
		Term *t = &terms[count];
		memset(t, 0, sizeof *t);
		/* Leading - (exclude) and + (require: the default) belong to the next word. */
		bool negative = false;
		while (c == '-' || c == '+') {
			negative |= c == '-';
			cur.i += len;
			if (cur.i >= cur.n)
				break;
			c = peek(&cur, &len);
		}
		if (cur.i >= cur.n)
			break;
		if (quote_char(c)) {
			cur.i += len;
			read_phrase(&cur, t);
			if (cur.i < cur.n && cur.s[cur.i] == '*')
				cur.i++; /* a prefix on a phrase: ignored, the phrase is kept */
		} else {
			read_word(&cur, t);
			if (is_operator(t, "OR")) {
				or_next = count > 0;
				continue;
			}
			if (is_operator(t, "AND"))
				continue;
			if (is_operator(t, "NOT")) {
				negate_next = true;
				continue;
			}
			/* word*: a prefix search, when enough of the word is given */
			size_t stars = 0;
			while (stars < t->len && t->text[t->len - 1 - stars] == '*')
				stars++;
			if (stars) {
				t->len -= stars;
				t->prefix = t->tail >= MIN_PREFIX;
			}
		}
		if (!t->letters) { /* only punctuation: nothing the index could match */
			negate_next = or_next = false;
			continue;
		}
		t->negative = negative || negate_next;
		t->or_before = or_next && !t->negative && count > 0 && !terms[count - 1].negative;
		negate_next = or_next = false;
		count++;
	}
	return count;
}

static void put_term(Buf *out, const Term *t)
{
	buf_putc(out, '"');
	buf_append(out, t->text, t->len);
	buf_putc(out, '"');
	if (t->prefix)
		buf_putc(out, '*');
}

const char *search_clean_query(Arena *a, const char *input)
{
	if (!input)
		return NULL;
	Term terms[MAX_TERMS];
	int n = parse(input, terms);
	/* The member's words: groups joined by OR, groups ANDed; then the excluded words. */
	Buf out = {0};
	int groups = 0, negatives = 0;
	for (int i = 0; i < n; i++)
		if (!terms[i].negative && !terms[i].or_before)
			groups++;
		else if (terms[i].negative)
			negatives++;
	if (!groups)
		return NULL;
	if (negatives)
		buf_putc(&out, '(');
	for (int i = 0; i < n; i++) {
		if (terms[i].negative)
			continue;
		bool starts_group = !terms[i].or_before;
		int j = i + 1; /* does an OR continue this group? */
		while (j < n && terms[j].negative)
			j++;
		bool group_continues = j < n && terms[j].or_before;
		if (starts_group) {
			if (out.len > (negatives ? 1u : 0u))
				buf_puts(&out, " AND ");
			if (group_continues)
				buf_putc(&out, '(');
		} else {
			buf_puts(&out, " OR ");
		}
		put_term(&out, &terms[i]);
		if (!starts_group && !group_continues)
			buf_putc(&out, ')');
	}
	if (negatives) {
		buf_puts(&out, ") NOT (");
		int k = 0;
		for (int i = 0; i < n; i++)
			if (terms[i].negative) {
				if (k++)
					buf_puts(&out, " OR ");
				put_term(&out, &terms[i]);
			}
		buf_putc(&out, ')');
	}
	const char *q = arena_strdup(a, out.data);
	buf_free(&out);
	return q;
}
