#!/bin/sh
# Installs Practica's build and test dependencies from Debian's packages.
# As root it runs apt-get; otherwise it prints the exact command to run and fails,
# so `make run` and `make check` never half-build on a machine that lacks a library.
set -eu

PACKAGES="build-essential pkg-config libmicrohttpd-dev libsqlite3-dev sqlite3 libsodium-dev \
libcmark-dev libical-dev libqrencode-dev libcurl4-openssl-dev libpq-dev tzdata zlib1g-dev"
# Search reads the text of uploaded PDFs with poppler's pdftotext and of Word files with unzip
# (run as child processes, src/search_extract.c); without them those files have no text.
PACKAGES="$PACKAGES poppler-utils unzip"

# `deps.sh browser`: what the browser tests (make check-browser) need on top: Debian's
# Chromium and fonts, and Node.js with npm unless the machine already has them (a newer
# Node.js from elsewhere must not be replaced). `make check-browser` then runs `npm ci`.
if [ "${1:-}" = "browser" ]; then
	PACKAGES="$PACKAGES chromium fonts-dejavu-core"
	if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
		PACKAGES="$PACKAGES nodejs npm"
	fi
fi

# `deps.sh fuzz`: the fuzz harnesses (make fuzz) need clang with its libFuzzer and sanitizer
# runtimes; make check does not (it replays the kept inputs with the usual compiler).
if [ "${1:-}" = "fuzz" ]; then
	PACKAGES="$PACKAGES clang libclang-rt-dev"
fi

# `deps.sh bench`: make bench and make bench-quick need the load generator and the reference
# web server (bench/run.sh starts its own nginx on a spare port, never the system's).
if [ "${1:-}" = "bench" ]; then
	PACKAGES="$PACKAGES wrk nginx curl util-linux"
fi

# `deps.sh security`: make security runs Debian's sqlmap against every route that takes input.
if [ "${1:-}" = "security" ]; then
	PACKAGES="$PACKAGES sqlmap curl"
fi

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "practica: missing build dependencies:$missing" >&2
	echo "Run this as root, then try again:" >&2
	echo "  apt-get update && apt-get install -y$missing" >&2
	exit 1
fi

echo "practica: installing build dependencies:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
