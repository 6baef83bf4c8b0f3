/* Shared by the fuzz harnesses (fuzz/fuzz_*.c). Each harness defines LLVMFuzzerTestOneInput
 * (and LLVMFuzzerInitialize when it needs set-up) and is built two ways:
 *   - with clang and libFuzzer (`make fuzz`), which generates inputs;
 *   - with the project's compiler and fuzz/replay.c as main (`make check`), which runs the
 *     kept inputs in fuzz/regressions/NAME/ and fuzz/corpus/NAME/ as regression tests.
 * A harness states the properties the code under test must keep; FUZZ_ASSERT aborts on a
 * broken one, which both drivers report as a failure with the message. */
#ifndef PRACTICA_FUZZ_H
#define PRACTICA_FUZZ_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define FUZZ_ASSERT(cond, ...)                                                              \
	do {                                                                                \
		if (!(cond)) {                                                              \
			fprintf(stderr, "%s:%d: property broken: %s: ", __FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__);                                       \
			fputc('\n', stderr);                                                \
			abort();                                                            \
		}                                                                           \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Reads an input as a sequence of fields: take_byte() and take_string() consume from the
 * front; a string ends at a NUL byte or the end of the input. Out of input gives 0 and "". */
typedef struct {
	const uint8_t *p;
	size_t left;
	char *strings; /* one heap block holding every string handed out, freed by fuzz_done */
	size_t used;
} FuzzInput;

void fuzz_begin(FuzzInput *in, const uint8_t *data, size_t size);
uint8_t fuzz_byte(FuzzInput *in);
const char *fuzz_string(FuzzInput *in);
void fuzz_done(FuzzInput *in);

/* True when s[0..n) is well-formed UTF-8 (any code point but surrogates, controls allowed).
 * Written independently of text_is_clean() so each can check the other. */
bool fuzz_utf8_valid(const char *s, size_t n);

#endif
