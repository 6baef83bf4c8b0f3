# Practica: one binary, a plain Makefile, pkg-config for every library.
#   make            release build: build/release/practica
#   make run        install deps, build, create the demo database, serve it on :8080
#   make check      install deps, build under ASan+UBSan, run every test
#   make install    PREFIX=/usr/local (binary + man page)

VERSION  := 0.1.0
# Parallel work trees build apart: make check BUILD=build-mine
BUILD    ?= build
PREFIX   ?= /usr/local
PKGS     := libmicrohttpd sqlite3 libsodium libcmark libical libqrencode zlib
TESTPKGS := libcurl

CC       ?= cc
WARN     := -Wall -Wextra -Werror -Wformat=2 -Wformat-nonliteral -Wshadow \
            -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter -Wno-missing-field-initializers -Wvla
BASEFLAGS = -std=c11 -D_GNU_SOURCE -DPRACTICA_VERSION='"$(VERSION)"' $(WARN) \
            -Isrc $(shell pkg-config --cflags $(PKGS))
LIBS      = $(shell pkg-config --libs $(PKGS)) -lpthread -lm
TESTLIBS  = $(shell pkg-config --libs $(TESTPKGS))

RELEASE_FLAGS := -O2 -g -fstack-protector-strong -D_FORTIFY_SOURCE=2
ASAN_FLAGS    := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
                 -fno-sanitize-recover=undefined

SRCS       := $(sort $(wildcard src/*.c))
LIB_SRCS   := $(filter-out src/main.c,$(SRCS))
MIGRATIONS := $(sort $(wildcard migrations/*.sql))
ASSETS     := $(sort $(wildcard static/*))
UNIT_TESTS := $(sort $(wildcard tests/unit_*.c))
HTTP_TESTS := $(sort $(wildcard tests/http_*.c))
TEST_SUPPORT := $(filter-out $(UNIT_TESTS) $(HTTP_TESTS),$(sort $(wildcard tests/*.c)))
HEADERS    := $(wildcard src/*.h tests/*.h)

.PHONY: all deps run check install clean demo-db
.SECONDARY:
all: $(BUILD)/release/practica

deps:
	@sh scripts/deps.sh

# --- generated: migrations and static assets compiled into the binary ---
$(BUILD)/tools/embed: tools/embed.c
	@mkdir -p $(@D)
	@$(CC) -O1 -Wall -Wextra -Werror -o $@ $<

$(BUILD)/gen/embedded.c: $(BUILD)/tools/embed $(MIGRATIONS) $(ASSETS)
	@mkdir -p $(@D)
	@$(BUILD)/tools/embed migrations $(MIGRATIONS) -- static_assets $(ASSETS) > $@.tmp && mv $@.tmp $@

# --- one object tree per flavour ---
define flavour
$(BUILD)/$(1)/%.o: src/%.c $(HEADERS)
	@mkdir -p $$(@D)
	@echo "  CC $(1) $$<"
	@$$(CC) $$(BASEFLAGS) $(2) -c -o $$@ $$<

$(BUILD)/$(1)/embedded.o: $(BUILD)/gen/embedded.c src/embedded.h
	@mkdir -p $$(@D)
	@echo "  CC $(1) $$<"
	@$$(CC) $$(BASEFLAGS) $(2) -c -o $$@ $$<

$(BUILD)/$(1)/libpractica.a: $(patsubst src/%.c,$(BUILD)/$(1)/%.o,$(LIB_SRCS)) $(BUILD)/$(1)/embedded.o
	@rm -f $$@
	@ar rcs $$@ $$^

$(BUILD)/$(1)/practica: $(BUILD)/$(1)/main.o $(BUILD)/$(1)/libpractica.a
	@echo "  LD $$@"
	@$$(CC) $(2) -o $$@ $$^ $$(LIBS)
endef
$(eval $(call flavour,release,$(RELEASE_FLAGS)))
$(eval $(call flavour,asan,$(ASAN_FLAGS)))

# --- tests (always the sanitizer build) ---
$(BUILD)/asan/tests/support/%.o: tests/%.c $(HEADERS)
	@mkdir -p $(@D)
	@echo "  CC test $<"
	@$(CC) $(BASEFLAGS) $(ASAN_FLAGS) -Itests -c -o $@ $<

$(BUILD)/asan/tests/%: tests/%.c $(patsubst tests/%.c,$(BUILD)/asan/tests/support/%.o,$(TEST_SUPPORT)) $(BUILD)/asan/libpractica.a $(HEADERS)
	@mkdir -p $(@D)
	@echo "  CC test $<"
	@$(CC) $(BASEFLAGS) $(ASAN_FLAGS) -Itests -o $@ $< \
		$(patsubst tests/%.c,$(BUILD)/asan/tests/support/%.o,$(TEST_SUPPORT)) \
		$(BUILD)/asan/libpractica.a $(LIBS) $(TESTLIBS)

TEST_BINS := $(patsubst tests/%.c,$(BUILD)/asan/tests/%,$(UNIT_TESTS) $(HTTP_TESTS))

check: deps
	@$(MAKE) --no-print-directory $(BUILD)/asan/practica $(TEST_BINS)
	@PRACTICA_BIN=$(BUILD)/asan/practica sh tests/run.sh $(TEST_BINS)

# --- the browser suite (tests/browser): journeys in Debian's Chromium, axe-core, phones, page
# weight. Runs the release build unless BROWSER_BIN names another (e.g. the asan build).
.PHONY: check-browser
BROWSER_BIN ?= $(BUILD)/release/practica
check-browser:
	@sh scripts/deps.sh browser
	@$(MAKE) --no-print-directory $(BROWSER_BIN)
	@cd tests/browser && { [ node_modules/.package-lock.json -nt package-lock.json ] || \
		npm ci --no-audit --no-fund --loglevel=error; }
	@PRACTICA_BIN=$(abspath $(BROWSER_BIN)) node tests/browser/run.js

# --- fuzzing (issue 7; fuzz/, docs/RELIABILITY.md) ---
# `make fuzz` builds every harness fuzz/fuzz_NAME.c with clang and libFuzzer and runs each
# for FUZZ_SECONDS; `make fuzz-quick` runs each for 30 s (CI). `make check` needs no clang: it
# builds each harness with $(CC) and fuzz/replay.c as its main and replays the kept inputs
# (fuzz/regressions/NAME, fuzz/corpus/NAME) as regression tests.
.PHONY: fuzz fuzz-quick deps-fuzz
FUZZ_CC        ?= clang
FUZZ_SECONDS   ?= 120
FUZZ_HARNESSES := $(patsubst fuzz/fuzz_%.c,%,$(sort $(wildcard fuzz/fuzz_*.c)))
FUZZ_SUPPORT   := fuzz/support.c $(sort $(wildcard fuzz/support_*.c))
FUZZ_DEPS      := $(FUZZ_SUPPORT) $(wildcard fuzz/*.h) $(HEADERS)
FUZZ_SANITIZE  := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
                  -fno-sanitize-recover=undefined
# clang warns about other things than gcc: warnings stay warnings in this build.
FUZZ_CFLAGS     = $(filter-out -Werror,$(BASEFLAGS)) -Wno-format-nonliteral $(FUZZ_SANITIZE)

$(BUILD)/fuzz/%.o: src/%.c $(HEADERS)
	@mkdir -p $(@D)
	@echo "  CC fuzz $<"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(BUILD)/fuzz/embedded.o: $(BUILD)/gen/embedded.c src/embedded.h
	@mkdir -p $(@D)
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(BUILD)/fuzz/libpractica.a: $(patsubst src/%.c,$(BUILD)/fuzz/%.o,$(LIB_SRCS)) $(BUILD)/fuzz/embedded.o
	@rm -f $@
	@ar rcs $@ $^

$(BUILD)/fuzz/bin/%: fuzz/fuzz_%.c $(FUZZ_DEPS) $(BUILD)/fuzz/libpractica.a
	@mkdir -p $(@D)
	@echo "  LD fuzz $@"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -Ifuzz -o $@ $< $(FUZZ_SUPPORT) \
		$(BUILD)/fuzz/libpractica.a $(LIBS)

$(BUILD)/asan/fuzz/replay_%: fuzz/fuzz_%.c fuzz/replay.c $(FUZZ_DEPS) $(BUILD)/asan/libpractica.a
	@mkdir -p $(@D)
	@echo "  CC fuzz replay $<"
	@$(CC) $(BASEFLAGS) $(ASAN_FLAGS) -Ifuzz -DFUZZ_NAME='"$*"' -o $@ $< fuzz/replay.c \
		$(FUZZ_SUPPORT) $(BUILD)/asan/libpractica.a $(LIBS)

TEST_BINS += $(patsubst %,$(BUILD)/asan/fuzz/replay_%,$(FUZZ_HARNESSES))

deps-fuzz:
	@sh scripts/deps.sh fuzz

# The request harness starts from a copy of the demo database, so pages have content.
$(BUILD)/fuzz/demo.db: $(BUILD)/release/practica
	@mkdir -p $(@D)
	@rm -f $@ $@-wal $@-shm
	@$(BUILD)/release/practica demo --db $@ >/dev/null

fuzz: deps-fuzz
	@$(MAKE) --no-print-directory $(patsubst %,$(BUILD)/fuzz/bin/%,$(FUZZ_HARNESSES)) \
		$(BUILD)/fuzz/demo.db
	@FUZZ_HTTP_DB=$(BUILD)/fuzz/demo.db sh fuzz/run.sh $(FUZZ_SECONDS) $(BUILD)/fuzz \
		$(FUZZ_HARNESSES)

fuzz-quick:
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=30

# --- running it ---
DEMO_DB ?= var/demo.db
demo-db: $(BUILD)/release/practica
	@mkdir -p $(dir $(DEMO_DB))
	@if [ ! -f $(DEMO_DB) ]; then $(BUILD)/release/practica demo --db $(DEMO_DB); \
	 else echo "practica: using the existing demo database $(DEMO_DB) (delete it for a fresh one)"; fi

run: deps
	@$(MAKE) --no-print-directory $(BUILD)/release/practica
	@$(MAKE) --no-print-directory demo-db
	@echo "practica: open http://127.0.0.1:8080/ and sign in as admin@example.org / practica-demo"
	$(BUILD)/release/practica serve --db $(DEMO_DB) --listen 127.0.0.1:8080

install: $(BUILD)/release/practica
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BUILD)/release/practica $(DESTDIR)$(PREFIX)/bin/practica
	install -m 644 docs/practica.1 $(DESTDIR)$(PREFIX)/share/man/man1/practica.1

clean:
	rm -rf build

# --- benchmarks (issue 8; bench/run.sh, docs/PERFORMANCE.md) ---
# `make bench`: the large database (var/bench-large.db, generated once, then reused), every hot
# page measured against nginx serving the same bytes; BENCH_LONG=1 adds the million-request
# memory check. `make bench-quick`: a small database and a few seconds per page, so the
# benchmark never rots (CI); it checks nothing about speed. Results: bench/results/.
.PHONY: bench bench-quick
bench:
	@sh scripts/deps.sh bench
	@$(MAKE) --no-print-directory $(BUILD)/release/practica
	@BENCH_BIN=$(BUILD)/release/practica bash bench/run.sh

bench-quick:
	@sh scripts/deps.sh bench
	@$(MAKE) --no-print-directory $(BUILD)/release/practica
	@BENCH_QUICK=1 BENCH_BIN=$(BUILD)/release/practica bash bench/run.sh

# `make security`: Debian's sqlmap against every route a signed-in member can reach that takes
# input (tests/security/sqlmap_routes.py); the summary with command lines lands in
# docs/SECURITY-SQLMAP.md. About 15 minutes: run by hand before a release, not in CI.
.PHONY: security
security:
	@sh scripts/deps.sh security
	@$(MAKE) --no-print-directory $(BUILD)/release/practica
	@python3 tests/security/sqlmap_routes.py --bin $(BUILD)/release/practica --out docs/SECURITY-SQLMAP.md

# `make bench-search`: search timings on the large database (bench/search_bench.c); override
# the queries with SEARCH_QUERIES='...' (each quoted for the shell).
SEARCH_QUERIES ?= budget school '"cash flow"' 'board policy' 'teach*' petrova 'budget -template'
SEARCH_DB ?= var/bench-large.db
.PHONY: bench-search
$(BUILD)/release/search_bench: bench/search_bench.c $(BUILD)/release/libpractica.a
	@$(CC) $(BASEFLAGS) $(RELEASE_FLAGS) -o $@ $< $(BUILD)/release/libpractica.a $(LIBS)
bench-search: $(BUILD)/release/practica $(BUILD)/release/search_bench
	@if [ ! -f $(SEARCH_DB) ]; then mkdir -p $(dir $(SEARCH_DB)) && \
	 $(BUILD)/release/practica bench-data --db $(SEARCH_DB); fi
	@$(BUILD)/release/search_bench $(SEARCH_DB) $(SEARCH_QUERIES)

# --- mixed load (issue 7; bench/load*.c, docs/RELIABILITY.md) ---
# `make load`: a fresh bench-data database, the release server, 200 keep-alive connections of
# signed-in members for a 10 s warm-up and 60 s of reads, posts, sign-ups, RSVPs and uploads
# (libcurl's multi interface); then every acknowledged write is looked up in the database.
# Fails on any error, lost write, crash or RSS growth over 10 %. Settings: LOAD_* (bench/load.c).
.PHONY: load
LOAD_SRCS := bench/load.c bench/load_run.c bench/load_verify.c
$(BUILD)/release/load: $(LOAD_SRCS) bench/load.h
	@mkdir -p $(@D)
	@echo "  CC $@"
	@$(CC) $(BASEFLAGS) $(shell pkg-config --cflags libcurl) $(RELEASE_FLAGS) -Ibench -o $@ \
		$(LOAD_SRCS) $(shell pkg-config --libs libcurl sqlite3)
load: deps
	@$(MAKE) --no-print-directory $(BUILD)/release/practica $(BUILD)/release/load
	@LOAD_BIN=$(BUILD)/release/practica $(BUILD)/release/load
