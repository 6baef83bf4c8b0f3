#!/bin/sh
# Runs every test program given, shows their output, and ends with the total
# "N passed, N failed" line. Exits non-zero when any test failed or a program crashed.
set -u
total_pass=0
total_fail=0
status=0
for t in "$@"; do
	echo "== $t"
	out=$("$t" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
	if [ -z "$line" ]; then
		echo "FAIL $t: crashed or ended without a summary (exit $rc)"
		total_fail=$((total_fail + 1))
		status=1
		continue
	fi
	p=${line%% passed*}
	f=${line#*passed, }
	f=${f%% failed*}
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	[ "$rc" -ne 0 ] && status=1
done
[ "$total_fail" -ne 0 ] && status=1
echo "$total_pass passed, $total_fail failed"
exit $status
