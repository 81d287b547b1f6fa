#!/usr/bin/env bash
# compare.sh: the same wrk command against Skein, Kestrel (benchmarks/KestrelPeer) and nginx, in one run,
# on loopback, serving the same folder: the bundled www/ plus a 100 KB file. Prints a Markdown table of
# requests/s and the ratio of each server to Kestrel. Each server is started here, measured alone, and
# stopped by its PID.
#
#   benchmarks/peers/compare.sh [-c MODEL] [-w WORKERS] [-d SECONDS] [-- extra skein serve options]
#
# Needs: wrk (apt-get install wrk); nginx optional (apt-get install nginx).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
model=async workers=""; duration=10; extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    -c) model=$2; shift 2 ;;
    -w) workers=$2; shift 2 ;;
    -d) duration=$2; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    *) echo "compare.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { echo "compare.sh: wrk is not installed (apt-get install wrk)" >&2; exit 1; }

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

cp -r "$repo/www" "$work/site"
head -c 102400 /dev/urandom > "$work/site/file-100k.bin"

dotnet build "$repo/src/Skein.Cli" -c Release -v q -nologo >/dev/null
dotnet build "$repo/benchmarks/KestrelPeer" -c Release -v q -nologo >/dev/null
skein="$repo/src/Skein.Cli/bin/Release/net10.0/skein"
kestrel="$repo/benchmarks/KestrelPeer/bin/Release/net10.0/KestrelPeer"

wait_port() { # port: poll until the server answers, 20 s at most
  for _ in $(seq 200); do curl -s -o /dev/null "http://127.0.0.1:$1/" && return 0; sleep 0.1; done
  echo "compare.sh: nothing answered on port $1" >&2; return 1
}
rps() { # url -> requests/s from wrk
  wrk -t1 -c50 -d"${duration}s" "$1" | awk '/Requests\/sec/ {print $2}'
}
measure() { # name port
  wait_port "$2"
  wrk -t1 -c50 -d2s "http://127.0.0.1:$2/index.html" >/dev/null   # warm-up (JIT, caches)
  local small big
  small=$(rps "http://127.0.0.1:$2/index.html")
  big=$(rps "http://127.0.0.1:$2/file-100k.bin")
  echo "$1 $small $big" >> "$work/results"
}
stop_last() { local p=${pids[-1]}; kill "$p"; wait "$p" 2>/dev/null || true; unset 'pids[-1]'; }

"$skein" serve -c "$model" ${workers:+-w "$workers"} -p 18085 -f "$work/site" "${extra[@]}" >/dev/null 2>&1 & pids+=($!)
measure "skein($model${workers:+,w=$workers})" 18085; stop_last

"$kestrel" --root "$work/site" --port 18086 >/dev/null 2>&1 & pids+=($!)
measure kestrel 18086; stop_last

if command -v nginx >/dev/null; then
  mkdir -p "$work/nginx"
  cat > "$work/nginx/nginx.conf" <<CONF
worker_processes auto;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
daemon off;
events { worker_connections 1024; }
http {
  include /etc/nginx/mime.types;
  access_log off;
  sendfile on; tcp_nopush on;
  keepalive_requests 1000000;
  server { listen 127.0.0.1:18087; root $work/site; }
}
CONF
  nginx -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" & pids+=($!)
  measure nginx 18087; stop_last
fi

echo "wrk -t1 -c50 -d${duration}s, keep-alive; $(nproc) cores; $(date -u +%F)"
echo
echo "| server | small page req/s | vs Kestrel | 100 KB file req/s | vs Kestrel |"
echo "|---|---:|---:|---:|---:|"
awk 'NR==FNR && $1=="kestrel" {ks=$2; kb=$3} NR==FNR {next}
     {printf "| %s | %.0f | %.2fx | %.0f | %.2fx |\n", $1, $2, $2/ks, $3, $3/kb}' "$work/results" "$work/results"
