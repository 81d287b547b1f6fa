#!/usr/bin/env bash
# Fuzzes Skein's protocol core with afl++ and SharpFuzz (see README.md beside this file). Not run by CI.
#
#   tests/Skein.Fuzz/fuzz.sh run <target> [seconds]   build, instrument, seed and fuzz (default 600 s)
#   tests/Skein.Fuzz/fuzz.sh minimize <target>        afl-cmin the queue into corpus/<target> (checked in)
#   tests/Skein.Fuzz/fuzz.sh triage <target> <file>.. run inputs once and print what each did
#
# Targets: request, chunked, path, proxy. Work goes to $FUZZ_WORK (default artifacts/fuzz, git-ignored; not /tmp,
# which afl-cmin refuses). afl-fuzz runs under `nice -n 19` and without CPU binding: the machine is shared.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=${FUZZ_WORK:-$(cd "$here/../.." && pwd)/artifacts/fuzz}
bin="$work/bin"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

usage() { sed -n '4,9p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

need_afl() {
    if ! command -v afl-fuzz >/dev/null; then
        if [ "$(id -u)" = 0 ]; then
            apt-get update -qq && apt-get install -y --no-install-recommends afl++
        else
            echo "fuzz.sh: afl++ is needed: sudo apt-get install afl++" >&2; exit 1
        fi
    fi
}

# Publish the driver and instrument the core only: coverage of Skein.Testing or the runtime would be noise.
build() {
    rm -rf "$bin"
    dotnet publish "$here/Skein.Fuzz.csproj" -c Release -o "$bin" --nologo -v quiet
    (cd "$here" && dotnet tool restore >/dev/null && dotnet tool run sharpfuzz "$bin/Skein.Http.dll")
}

# afl++ settings for a .NET target: the binary has no native instrumentation (SharpFuzz adds it to the IL),
# there is no tty, crashes are .NET exceptions rather than core dumps, and the CPUs belong to everyone.
afl_env() {
    export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1
    export AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_AUTORESUME=1 AFL_FORKSRV_INIT_TMOUT=60000
}

run() {
    local target=$1 seconds=${2:-600}
    need_afl
    build
    local dir="$work/$target"
    rm -rf "$dir/seeds"
    "$bin/Skein.Fuzz" seeds "$target" "$dir/seeds"
    # Start from the checked-in corpus too, so each run goes on where the last one stopped.
    cp "$here/corpus/$target/"* "$dir/seeds/" 2>/dev/null || true
    echo "fuzz.sh: $(afl-fuzz -h 2>&1 | head -1 | sed 's/\x1b\[[0-9;]*m//g')"
    afl_env
    set -x
    nice -n 19 afl-fuzz -i "$dir/seeds" -o "$dir/findings" -x "$here/http.dict" -t 2000 -m none -V "$seconds" \
        -- "$bin/Skein.Fuzz" "$target"
    { set +x; } 2>/dev/null
    summary "$target"
}

summary() {
    local stats="$work/$1/findings/default/fuzzer_stats"
    grep -E '^(start_time|last_update|run_time|execs_done|execs_per_sec|corpus_count|corpus_found|bitmap_cvg|saved_crashes|saved_hangs|afl_version|command_line)' "$stats"
    ls "$work/$1/findings/default/crashes" "$work/$1/findings/default/hangs" 2>/dev/null | grep -v README || true
}

# Keep the inputs that reach coverage nothing else reaches, small ones only (1 KiB), and at most 200 of them.
minimize() {
    local target=$1 dir="$work/$1"
    need_afl
    afl_env
    rm -rf "$dir/cmin"
    nice -n 19 afl-cmin -i "$dir/findings/default/queue" -o "$dir/cmin" -t 5000 -m none -- "$bin/Skein.Fuzz" "$target"
    local out="$here/corpus/$target"
    mkdir -p "$out"
    find "$out" -type f -name 'q-*' -delete
    find "$dir/cmin" -type f -size -1025c -printf '%s %p\n' | sort -n | head -200 | while read -r _ file; do
        cp "$file" "$out/q-$(sha1sum "$file" | cut -c1-12)"
    done
    echo "fuzz.sh: $(ls "$out" | wc -l) inputs in $out"
}

case "${1:-}" in
    run) [ $# -ge 2 ] || usage; run "$2" "${3:-600}" ;;
    minimize) [ $# -eq 2 ] || usage; minimize "$2" ;;
    # The instrumented build in $bin writes coverage to afl++'s shared memory and cannot run alone: triage
    # runs the ordinary build.
    triage) [ $# -ge 3 ] || usage; dotnet run --project "$here/Skein.Fuzz.csproj" -c Release -- "${@:2}" ;;
    *) usage ;;
esac
