/* Helpers shared by the fuzz harnesses (see fuzz.h). */
#include "fuzz.h"

#include <string.h>

void fuzz_begin(FuzzInput *in, const uint8_t *data, size_t size)
{
	in->p = data;
	in->left = size;
	/* Every string is a slice of the input plus a NUL: size + one per string fits. */
	in->strings = malloc(2 * size + 2);
	in->used = 0;
}

uint8_t fuzz_byte(FuzzInput *in)
{
	if (!in->left)
		return 0;
	in->left--;
	return *in->p++;
}

const char *fuzz_string(FuzzInput *in)
{
	if (!in->left)
		return ""; /* each string taken before the end consumed a byte: the block suffices */
	const uint8_t *nul = memchr(in->p, 0, in->left);
	size_t n = nul ? (size_t)(nul - in->p) : in->left;
	char *s = in->strings + in->used;
	memcpy(s, in->p, n);
	s[n] = '\0';
	in->used += n + 1;
	in->p += n + (nul ? 1 : 0);
	in->left -= n + (nul ? 1 : 0);
	return s;
}

void fuzz_done(FuzzInput *in)
{
	free(in->strings);
	in->strings = NULL;
}

/* Well-formed UTF-8 after the Unicode standard's table 3-7, range by range. */
bool fuzz_utf8_valid(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		unsigned char b = u[i];
		unsigned char lo = 0x80, hi = 0xbf;
		size_t more;
		if (b <= 0x7f) {
			i++;
			continue;
		} else if (b >= 0xc2 && b <= 0xdf) {
			more = 1;
		} else if (b == 0xe0) {
			more = 2, lo = 0xa0;
		} else if ((b >= 0xe1 && b <= 0xec) || b == 0xee || b == 0xef) {
			more = 2;
		} else if (b == 0xed) {
			more = 2, hi = 0x9f;
		} else if (b == 0xf0) {
			more = 3, lo = 0x90;
		} else if (b >= 0xf1 && b <= 0xf3) {
			more = 3;
		} else if (b == 0xf4) {
			more = 3, hi = 0x8f;
		} else {
			return false;
		}
		if (n - i <= more)
			return false;
		if (u[i + 1] < lo || u[i + 1] > hi)
			return false;
		for (size_t k = 2; k <= more; k++)
			if (u[i + k] < 0x80 || u[i + k] > 0xbf)
				return false;
		i += more + 1;
	}
	return true;
}
