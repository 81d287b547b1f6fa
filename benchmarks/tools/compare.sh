#!/usr/bin/env bash
# Compares `skein bench` with wrk against the same nginx on this machine, in one run: starts nginx
# (nginx-start.sh: worker_processes 1, 127.0.0.1:PORT, its own temp dir), runs wrk and skein bench in
# turn with the same -c/-t/-d, ROUNDS times each, prints requests/s for every run and the ratio of the
# medians, then stops nginx by its PID. Needs: apt-get install -y nginx wrk; a Release build of skein.
# Usage: benchmarks/tools/compare.sh [CONNECTIONS] [THREADS] [DURATION] [ROUNDS] [PORT]
set -euo pipefail
C=${1:-50}; T=${2:-2}; D=${3:-10s}; ROUNDS=${4:-3}; PORT=${5:-18080}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SKEIN="$ROOT/src/Skein.Cli/bin/Release/net10.0/skein"
[ -x "$SKEIN" ] || { echo "build first: dotnet build src/Skein.Cli -c Release" >&2; exit 1; }
command -v wrk >/dev/null && command -v nginx >/dev/null || { echo "apt-get install -y nginx wrk" >&2; exit 1; }

read -r DIR PID < <("$HERE/nginx-start.sh" "$PORT")
trap 'kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true' EXIT
URL="http://127.0.0.1:$PORT/"
echo "nginx pid $PID (worker_processes 1), $URL; -c $C -t $T -d $D, $ROUNDS rounds; $(nproc) cores"

# Warm up both (JIT of skein, nginx's page cache) so round 1 is not special.
wrk -c "$C" -t "$T" -d 2s "$URL" >/dev/null
"$SKEIN" bench "$URL" -c "$C" -t "$T" -d 2s --json >/dev/null

# Each tool's own CPU time (user+sys, from bash's `time`) per request is printed too: on a shared
# machine requests/s moves with whatever else runs, while the client's cost per request barely does.
TIMEFORMAT='%U %S'
OUT=$(mktemp -d /tmp/skein-compare.XXXXXX)
wrk_rps=(); skein_rps=(); wrk_us=(); skein_us=()
for i in $(seq 1 "$ROUNDS"); do
  { time wrk -c "$C" -t "$T" -d "$D" "$URL" > "$OUT/wrk.txt"; } 2> "$OUT/wrk.time"
  { time "$SKEIN" bench "$URL" -c "$C" -t "$T" -d "$D" --json > "$OUT/skein.json"; } 2> "$OUT/skein.time"
  w=$(awk '/^Requests\/sec:/ {print $2}' "$OUT/wrk.txt")
  wn=$(awk '/requests in/ {print $1}' "$OUT/wrk.txt")
  s=$(awk -F': ' '/"requests_per_second"/ {gsub(",", "", $2); print $2}' "$OUT/skein.json")
  sn=$(awk -F': ' '/"requests":/ {gsub(",", "", $2); print $2}' "$OUT/skein.json")
  wu=$(awk -v n="$wn" '{printf "%.2f", ($1+$2)*1e6/n}' "$OUT/wrk.time")
  su=$(awk -v n="$sn" '{printf "%.2f", ($1+$2)*1e6/n}' "$OUT/skein.time")
  echo "round $i: wrk $w req/s ($wu µs CPU/request), skein bench $s req/s ($su µs CPU/request)"
  wrk_rps+=("$w"); skein_rps+=("$s"); wrk_us+=("$wu"); skein_us+=("$su")
done
rm -rf "$OUT"
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
mw=$(median "${wrk_rps[@]}"); ms=$(median "${skein_rps[@]}")
awk -v w="$mw" -v s="$ms" 'BEGIN { printf "median: wrk %.0f req/s, skein bench %.0f req/s, skein/wrk = %.1f%%\n", w, s, 100*s/w }'
echo "median CPU per request: wrk $(median "${wrk_us[@]}") µs, skein bench $(median "${skein_us[@]}") µs (skein's includes its start-up and JIT)"
