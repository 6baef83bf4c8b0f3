/* Text of uploaded files for the search index (search_extract_text in search.h): plain text
 * and Markdown as they are, HTML without its markup, PDF through poppler's pdftotext and
 * Word (.docx) through unzip, each run as a child process with an argument list (no shell),
 * a cap on the text read back and a time limit, so a hostile file cannot hang a request. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "search.h"
#include "search_internal.h"

enum {
	TEXT_CAP = 2 * 1024 * 1024,   /* text kept for the index, per file */
	SOURCE_CAP = 8 * 1024 * 1024, /* bytes of a text or HTML file read */
	TOOL_TIMEOUT_MS = 10000,      /* a converter gets this long, then it is killed */
};

/* ---- reading ---- */

static void read_capped(FILE *f, Buf *raw, size_t cap)
{
	char chunk[65536];
	size_t got;
	while (raw->len < cap &&
	       (got = fread(chunk, 1, cap - raw->len < sizeof chunk ? cap - raw->len : sizeof chunk,
			    f)) > 0)
		buf_append(raw, chunk, got);
}

/* Windows-1252's printable characters in 0x80-0x9f (0 where it has none). */
static const uint16_t cp1252[32] = {
	0x20ac, 0,      0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160,
	0x2039, 0x0152, 0,      0x017d, 0,      0,      0x2018, 0x2019, 0x201c, 0x201d, 0x2022,
	0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0,      0x017e, 0x0178,
};

static void put_utf8(Buf *out, uint32_t c)
{
	char b[4];
	if (c < 0x80) {
		buf_putc(out, (char)c);
	} else if (c < 0x800) {
		b[0] = (char)(0xc0 | c >> 6), b[1] = (char)(0x80 | (c & 0x3f));
		buf_append(out, b, 2);
	} else if (c < 0x10000) {
		b[0] = (char)(0xe0 | c >> 12), b[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		b[2] = (char)(0x80 | (c & 0x3f));
		buf_append(out, b, 3);
	} else {
		b[0] = (char)(0xf0 | c >> 18), b[1] = (char)(0x80 | ((c >> 12) & 0x3f));
		b[2] = (char)(0x80 | ((c >> 6) & 0x3f)), b[3] = (char)(0x80 | (c & 0x3f));
		buf_append(out, b, 4);
	}
}

/* Text files are UTF-8 or, when they are not, most likely Windows-1252 (Word's "Save as
 * text"): decoded as such rather than losing every accented letter. A sequence cut by the
 * read cap at the very end does not count against UTF-8. */
static void decode_text(Buf *out, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	bool utf8 = true;
	for (size_t i = 0; i < n && utf8;) {
		uint32_t c;
		size_t len = utf8_decode(u + i, n - i, &c);
		if (!len && n - i >= 4)
			utf8 = false;
		i += len ? len : n - i;
	}
	if (utf8) {
		search_clean_text(out, s, n);
		return;
	}
	Buf wide = {0};
	for (size_t i = 0; i < n; i++) {
		uint32_t c = u[i];
		if (c >= 0x80 && c < 0xa0)
			c = cp1252[c - 0x80] ? cp1252[c - 0x80] : ' ';
		put_utf8(&wide, c);
	}
	search_clean_text(out, wide.data ? wide.data : "", wide.len);
	buf_free(&wide);
}

/* ---- HTML and Word's XML ---- */

static const struct {
	const char *name;
	uint32_t c;
} entities[] = {
	{"amp", '&'},      {"lt", '<'},       {"gt", '>'},       {"quot", '"'},
	{"apos", '\''},    {"nbsp", ' '},     {"ndash", 0x2013}, {"mdash", 0x2014},
	{"lsquo", 0x2018}, {"rsquo", 0x2019}, {"ldquo", 0x201c}, {"rdquo", 0x201d},
	{"hellip", 0x2026}, {"bull", 0x2022}, {"copy", 0xa9},    {"reg", 0xae},
	{"eacute", 0xe9},  {"egrave", 0xe8},  {"aacute", 0xe1},  {"ntilde", 0xf1},
};

/* Decodes the entity at s (after '&'); returns its length up to and including ';', or 0. */
static size_t entity(const char *s, size_t n, Buf *out)
{
	size_t end = 0;
	while (end < n && end < 12 && s[end] != ';')
		end++;
	if (end >= n || s[end] != ';' || end == 0)
		return 0;
	if (s[0] == '#') {
		uint32_t c = 0;
		bool hex = end > 1 && (s[1] == 'x' || s[1] == 'X');
		size_t i = hex ? 2 : 1;
		if (i == end)
			return 0;
		for (; i < end; i++) {
			int d = s[i] >= '0' && s[i] <= '9'   ? s[i] - '0'
				: hex && s[i] >= 'a' && s[i] <= 'f' ? s[i] - 'a' + 10
				: hex && s[i] >= 'A' && s[i] <= 'F' ? s[i] - 'A' + 10
								     : -1;
			if (d < 0 || c > 0x10ffff)
				return 0;
			c = c * (hex ? 16 : 10) + (uint32_t)d;
		}
		if (c < 0x20 || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff) || (c >= 0x7f && c < 0xa0))
			c = ' ';
		put_utf8(out, c);
		return end + 1;
	}
	for (size_t i = 0; i < sizeof entities / sizeof *entities; i++)
		if (strlen(entities[i].name) == end && !memcmp(s, entities[i].name, end)) {
			put_utf8(out, entities[i].c);
			return end + 1;
		}
	return 0;
}

static bool tag_is(const char *tag, size_t n, const char *name)
{
	size_t k = strlen(name);
	return n >= k && !strncasecmp(tag, name, k) &&
	       (n == k || tag[k] == ' ' || tag[k] == '>' || tag[k] == '/' || tag[k] == '\t' ||
		tag[k] == '\n' || tag[k] == '\r');
}

/* Tags inside a line of text: no space where they were ("<b>Bud</b>get"). */
static bool inline_tag(const char *name, size_t n)
{
	static const char *const inline_tags[] = {"a", "abbr", "b", "code", "em", "font", "i",
						  "mark", "small", "span", "strong", "sub", "sup",
						  "u", "w:t", "w:r", "w:rPr", NULL};
	for (int i = 0; inline_tags[i]; i++)
		if (tag_is(name, n, inline_tags[i]))
			return true;
	return false;
}

/* Markup to text: tags dropped (a line break for block tags), script, style and comments
 * dropped whole, entities decoded (the common named ones and numeric ones). For Word's XML
 * (docx) only paragraph ends, breaks and tabs leave a mark. */
static void strip_markup(Buf *out, const char *s, size_t n, bool word_xml)
{
	size_t i = 0;
	while (i < n && out->len < TEXT_CAP) {
		char c = s[i];
		if (c == '&') {
			size_t used = entity(s + i + 1, n - i - 1, out);
			if (used) {
				i += used + 1;
				continue;
			}
			buf_putc(out, '&');
			i++;
			continue;
		}
		if (c != '<') {
			size_t run = i;
			while (run < n && s[run] != '<' && s[run] != '&')
				run++;
			buf_append(out, s + i, run - i);
			i = run;
			continue;
		}
		const char *rest = s + i + 1;
		size_t left = n - i - 1;
		if (left >= 3 && !memcmp(rest, "!--", 3)) {
			const char *end = memmem(rest + 3, left - 3, "-->", 3);
			i = end ? (size_t)(end - s) + 3 : n;
			continue;
		}
		bool closing = left && rest[0] == '/';
		const char *name = rest + closing;
		size_t name_left = left - closing;
		if (!name_left || !(((name[0] | 0x20) >= 'a' && (name[0] | 0x20) <= 'z') ||
				    name[0] == '!' || name[0] == '?')) {
			buf_putc(out, '<'); /* a lone "<" in text */
			i++;
			continue;
		}
		const char *gt = memchr(rest, '>', left);
		size_t tag_end = gt ? (size_t)(gt - s) + 1 : n;
		if (!word_xml && !closing &&
		    (tag_is(name, name_left, "script") || tag_is(name, name_left, "style"))) {
			const char *close = tag_is(name, name_left, "script") ? "</script" : "</style";
			size_t k = tag_end;
			while (k < n && strncasecmp(s + k, close, strlen(close)) != 0)
				k++;
			const char *after = k < n ? memchr(s + k, '>', n - k) : NULL;
			i = after ? (size_t)(after - s) + 1 : n;
			continue;
		}
		if (word_xml) {
			if ((closing && tag_is(name, name_left, "w:p")) || tag_is(name, name_left, "w:br"))
				buf_putc(out, '\n');
			else if (!closing && tag_is(name, name_left, "w:tab"))
				buf_putc(out, '\t');
		} else if (!inline_tag(name, name_left)) {
			buf_putc(out, '\n');
		}
		i = tag_end;
	}
}

/* ---- converters ---- */

extern char **environ;

/* Runs argv with f as its standard input and appends at most cap bytes of its standard
 * output to out. The child is killed when it runs past the time limit or the cap. True when
 * it finished (or filled the cap) and exited 0 or was stopped by us at the cap. */
static bool run_tool(char *const argv[], FILE *f, Buf *out, size_t cap)
{
	int fd = fileno(f);
	if (fd < 0 || fflush(f) != 0 || lseek(fd, 0, SEEK_SET) < 0)
		return false;
	int pipefd[2];
	if (pipe2(pipefd, O_CLOEXEC) != 0)
		return false;
	posix_spawn_file_actions_t actions;
	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_adddup2(&actions, fd, 0);
	posix_spawn_file_actions_adddup2(&actions, pipefd[1], 1);
	posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
	posix_spawnattr_t attr;
	posix_spawnattr_init(&attr);
	sigset_t none, defaults;
	sigemptyset(&none);
	sigemptyset(&defaults);
	sigaddset(&defaults, SIGPIPE);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &defaults);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	static char *const env[] = {"PATH=/usr/local/bin:/usr/bin:/bin", "LC_ALL=C.UTF-8", NULL};
	pid_t pid;
	int rc = posix_spawnp(&pid, argv[0], &actions, &attr, argv, env);
	posix_spawn_file_actions_destroy(&actions);
	posix_spawnattr_destroy(&attr);
	close(pipefd[1]);
	if (rc != 0) {
		close(pipefd[0]);
		fprintf(stderr, "practica: search: cannot run %s: %s\n", argv[0], strerror(rc));
		return false;
	}
	struct timespec start, now;
	clock_gettime(CLOCK_MONOTONIC, &start);
	bool killed = false, full = false;
	char chunk[65536];
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		long elapsed = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
		if (elapsed >= TOOL_TIMEOUT_MS) {
			fprintf(stderr, "practica: search: %s took too long; stopped\n", argv[0]);
			kill(pid, SIGKILL);
			killed = true;
			break;
		}
		struct pollfd p = {pipefd[0], POLLIN, 0};
		int ready = poll(&p, 1, (int)(TOOL_TIMEOUT_MS - elapsed));
		if (ready < 0 && errno == EINTR)
			continue;
		if (ready <= 0)
			continue; /* the time check above ends it */
		ssize_t got = read(pipefd[0], chunk, sizeof chunk);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		size_t keep = (size_t)got < cap - out->len ? (size_t)got : cap - out->len;
		buf_append(out, chunk, keep);
		if (out->len >= cap) {
			kill(pid, SIGKILL); /* enough text for the index */
			killed = full = true;
			break;
		}
	}
	close(pipefd[0]);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
	}
	if (full)
		return true;
	return !killed && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* The type without parameters, lower case: "text/html; charset=utf-8" is "text/html". */
static bool type_is(const char *type, const char *want)
{
	size_t n = strlen(want);
	return !strncasecmp(type, want, n) && (type[n] == '\0' || type[n] == ';' || type[n] == ' ');
}

const char *search_extract_text(Arena *a, FILE *f, const char *content_type)
{
	if (!f || !content_type)
		return "";
	long saved = ftell(f);
	Buf raw = {0}, text = {0};
	if (type_is(content_type, "text/plain") || type_is(content_type, "text/markdown") ||
	    type_is(content_type, "text/x-markdown") || type_is(content_type, "text/csv")) {
		rewind(f);
		read_capped(f, &raw, TEXT_CAP);
		decode_text(&text, raw.data ? raw.data : "", raw.len);
	} else if (type_is(content_type, "text/html") ||
		   type_is(content_type, "application/xhtml+xml")) {
		rewind(f);
		read_capped(f, &raw, SOURCE_CAP);
		Buf decoded = {0};
		decode_text(&decoded, raw.data ? raw.data : "", raw.len);
		strip_markup(&text, decoded.data ? decoded.data : "", decoded.len, false);
		buf_free(&decoded);
	} else if (type_is(content_type, "application/pdf")) {
		static char *const pdftotext[] = {"pdftotext", "-q", "-enc", "UTF-8", "-eol", "unix",
						  "-nopgbrk", "-", "-", NULL};
		if (run_tool(pdftotext, f, &raw, TEXT_CAP))
			search_clean_text(&text, raw.data ? raw.data : "", raw.len);
	} else if (type_is(content_type, "application/vnd.openxmlformats-officedocument."
					 "wordprocessingml.document")) {
		/* unzip needs a file it can seek: /dev/stdin is the upload's own file. */
		static char *const unzip[] = {"unzip", "-p", "/dev/stdin", "word/document.xml", NULL};
		if (run_tool(unzip, f, &raw, SOURCE_CAP)) {
			Buf xml = {0};
			search_clean_text(&xml, raw.data ? raw.data : "", raw.len);
			strip_markup(&text, xml.data ? xml.data : "", xml.len, true);
			buf_free(&xml);
		}
	}
	if (saved >= 0)
		fseek(f, saved, SEEK_SET);
	/* Whatever produced it, what goes to the index is clean UTF-8 of bounded size. */
	Buf clean = {0};
	search_clean_text(&clean, text.data ? text.data : "", text.len < TEXT_CAP ? text.len : TEXT_CAP);
	const char *result = arena_strdup(a, clean.data ? clean.data : "");
	buf_free(&raw);
	buf_free(&text);
	buf_free(&clean);
	return result;
}
