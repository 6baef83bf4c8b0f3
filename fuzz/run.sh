#!/bin/sh
# Runs each fuzz harness for a set time:  fuzz/run.sh SECONDS DIR NAME...
# DIR is the build's fuzz directory (DIR/bin/NAME are the harnesses). Seeds come from
# fuzz/corpus/NAME and fuzz/regressions/NAME; what libFuzzer adds goes to DIR/work/NAME, never
# into the source tree, and an input that breaks something to DIR/crashes/NAME/. Extra
# libFuzzer flags for one harness may sit in fuzz/options/NAME, a dictionary in
# fuzz/dict/NAME.dict. Prints a table (also DIR/summary.txt) and fails if any harness did.
set -u
seconds=$1
dir=$2
shift 2
mkdir -p "$dir/logs"
summary="$dir/summary.txt"
status=0
printf '%-10s %7s %12s %8s %7s  %s\n' harness seconds executions exec/s corpus result >"$summary"
for name in "$@"; do
	work="$dir/work/$name"
	crashes="$dir/crashes/$name"
	log="$dir/logs/$name.log"
	mkdir -p "$work" "$crashes"
	seeds="fuzz/corpus/$name"
	[ -d "fuzz/regressions/$name" ] && seeds="$seeds fuzz/regressions/$name"
	opts=""
	[ -f "fuzz/options/$name" ] && opts=$(cat "fuzz/options/$name")
	[ -f "fuzz/dict/$name.dict" ] && opts="$opts -dict=fuzz/dict/$name.dict"
	echo "== fuzz $name for ${seconds}s (log: $log)"
	start=$(date +%s)
	# The HTTP harnesses' temporary databases: libFuzzer ends without running atexit().
	tmp="$dir/tmp/$name"
	rm -rf "$tmp" && mkdir -p "$tmp"
	# shellcheck disable=SC2086
	TMPDIR="$tmp" "$dir/bin/$name" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2560 \
		-print_final_stats=1 -artifact_prefix="$crashes/" $opts "$work" $seeds >"$log" 2>&1
	rc=$?
	rm -rf "$tmp"
	took=$(($(date +%s) - start))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
	corpus=$(find "$work" -type f | wc -l)
	if [ "$rc" -eq 0 ]; then
		result=ok
	else
		result="FAILED (exit $rc): $(ls -t "$crashes" | head -n 1)"
		status=1
		grep -E 'ERROR|property broken|SUMMARY' "$log" | head -n 5
	fi
	printf '%-10s %7s %12s %8s %7s  %s\n' "$name" "$took" "${execs:-?}" "${rate:-?}" "$corpus" \
		"$result" >>"$summary"
done
cat "$summary"
total=$(awk 'NR > 1 && $3 ~ /^[0-9]+$/ {s += $3} END {print s + 0}' "$summary")
echo "fuzz: $# harnesses, $total executions in all"
exit $status
