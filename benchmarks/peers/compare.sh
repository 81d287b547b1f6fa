#!/usr/bin/env bash
# compare.sh: Skein against its peers (nginx, Kestrel), in one run, on loopback, serving the same folder with
# the same load command. The one benchmark harness of this repository (docs/performance.md says how to read
# its output). What it does, and refuses to do:
#   - starts every server itself (nginx from nginx.conf.template beside this file) and stops each by its PID;
#   - before measuring, checks that every server answers each measured path with the expected status and
#     length: a peer serving a 403 page is not measured;
#   - interleaves the servers round by round (the order rotates; each run starts once the server measured before
#     it has gone quiet) and reports medians;
#   - reads each server's CPU time (user + system, from /proc, its whole process tree) before and after every
#     run and reports CPU per request next to the reference peer's, with wrk's own CPU per request and the
#     ratio of the two together (on loopback the kernel charges part of one side's work to the other);
#   - refuses a run with any error (wrk's "Non-2xx or 3xx responses" or socket errors; failed comet waiters):
#     its row says "refused" and why, and the script exits 1.
#
#   benchmarks/peers/compare.sh [-d SECONDS] [-r ROUNDS] [-s SERVERS] [-n CLIENTS] [--no-build]
#                               [-t THREADS] [--skein PATH] [WORKLOAD...] [-- extra skein serve options]
#
# WORKLOAD (default: all but loadgen), each printed as one Markdown table:
#   small      1,735-byte page (www/index.html), keep-alive, 50 connections          reference: nginx
#   close      the same page with Connection: close, 50 connections                  reference: nginx
#   file100k   102,400-byte file (Skein's memory cache), keep-alive, 10 connections   reference: nginx
#   file2m     2 MiB file (beyond the cache: sendfile), keep-alive, 10 connections    reference: nginx
#   file64m    64 MiB file, keep-alive, 10 connections                                reference: nginx
#   range      Range: bytes=1048576-3145727 of the 64 MiB file (206, 2 MiB), 10 conns reference: nginx
#   io         /io (1 s wait, then the page) with CLIENTS connections, listen-queue overflows counted
#                                                                                     reference: Kestrel
#   comet      CLIENTS waiters parked on /wait (server memory per waiter, park.py), then `skein comet -n
#              CLIENTS` (notify -> last answer); every server fresh for every round   reference: Kestrel
#   accesslog  the small-page workload on each Skein server with --access-log FILE    reference: the same
#              Skein server without it
#   loadgen    wrk against `skein bench` on the nginx small page, both with -t THREADS (default 1) and
#              -c 50 (checks the load generator, not a server)
# SERVERS: comma-separated, default skein:hybrid:1,skein:async:1,nginx,kestrel. skein:MODEL:WORKERS is
#   `skein serve -m MODEL -w WORKERS`; nginx:deferred is nginx with `listen ... deferred` (TCP_DEFER_ACCEPT,
#   which Skein sets by default); the first nginx listed is the reference. nginx and kestrel are skipped for
#   workloads they cannot serve.
# -d SECONDS per run (default 10), -r ROUNDS (default 3), -n CLIENTS for io and comet (default 10000).
# -t THREADS: wrk's threads in every wrk workload, and both tools' in loadgen (default 1, issue 9's setting: the
#   client takes one core, the server has the other to itself, so a server that spends less CPU per request is
#   not faster for it once the client is the bottleneck). With -t 2 the client competes with the server for
#   both cores and the server's own CPU per request shows in requests/s.
#
# Needs: wrk and nginx (apt-get install -y --no-install-recommends wrk nginx), python3, curl, nstat
# (iproute2), the .NET SDK (it builds src/Skein.Cli and benchmarks/KestrelPeer in Release unless --no-build).
# Run it as root or raise `ulimit -Hn` above CLIENTS + 100 first: io and comet open CLIENTS sockets in the
# server and as many in the client. Figures are only meaningful on a quiet machine: it prints the load average before and after.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

duration=10 rounds=3 clients=10000 build=1 threads=1
servers_spec=skein:hybrid:1,skein:async:1,nginx,kestrel
skein="$repo/src/Skein.Cli/bin/Release/net10.0/skein"
kestrel="$repo/benchmarks/KestrelPeer/bin/Release/net10.0/KestrelPeer"
workloads=() extra=()
all_workloads=(small close file100k file2m file64m range io comet accesslog)
while [ $# -gt 0 ]; do
  case "$1" in
    -d) duration=$2; shift 2 ;;
    -r) rounds=$2; shift 2 ;;
    -s) servers_spec=$2; shift 2 ;;
    -n) clients=$2; shift 2 ;;
    -t) threads=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    --skein) skein=$2; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    small|close|file100k|file2m|file64m|range|io|comet|accesslog|loadgen) workloads+=("$1"); shift ;;
    *) echo "compare.sh: unknown option or workload '$1' (see the comment at the top of this script)" >&2; exit 2 ;;
  esac
done
[ ${#workloads[@]} -gt 0 ] || workloads=("${all_workloads[@]}")
for n in "$duration" "$rounds" "$clients" "$threads"; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || { echo "compare.sh: '$n' is not a positive whole number (-d, -r, -n and -t take one)" >&2; exit 2; }
done
for tool in wrk curl python3 nstat; do
  command -v "$tool" >/dev/null || { echo "compare.sh: $tool is not installed (see the comment at the top)" >&2; exit 1; }
done
IFS=, read -r -a servers <<< "$servers_spec"
if [[ ",$servers_spec," == *,nginx[,:]* ]] && ! command -v nginx >/dev/null; then
  echo "compare.sh: nginx is not installed (apt-get install -y --no-install-recommends nginx)" >&2; exit 1
fi
ulimit -n "$(ulimit -Hn)"
if [[ " ${workloads[*]} " =~ \ (io|comet)\  ]] && [ "$(ulimit -n)" -lt $((clients + 100)) ]; then
  echo "compare.sh: the open-file limit is $(ulimit -n); io and comet need $((clients + 100)) per process (use -n or raise ulimit -Hn)" >&2
  exit 1
fi

# ---- The site: www/ plus the measured files, in a folder nginx's unprivileged worker can read.
work=$(mktemp -d /tmp/skein-peers.XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
site="$work/site"
cp -r "$repo/www" "$site"
head -c 102400 /dev/urandom > "$site/file-100k.bin"
head -c $((2 << 20)) /dev/urandom > "$site/file-2m.bin"
head -c $((64 << 20)) /dev/urandom > "$site/file-64m.bin"
chmod -R a+rX "$site"
small_length=$(stat -c %s "$site/index.html")

if [ "$build" = 1 ]; then
  dotnet build "$repo/src/Skein.Cli" -c Release -v q -nologo >/dev/null
  dotnet build "$repo/benchmarks/KestrelPeer" -c Release -v q -nologo >/dev/null
fi

# ---- Servers. Each started server is a line "name kind pid port" in $work/running.
next_port=18100
: > "$work/running"
wait_ready() { # port pid: until it answers (30 s at most), or fail if it died
  for _ in $(seq 300); do
    curl -s -o /dev/null "http://127.0.0.1:$1/" && return 0
    kill -0 "$2" 2>/dev/null || { echo "compare.sh: the server on port $1 exited" >&2; return 1; }
    sleep 0.1
  done
  echo "compare.sh: nothing answered on port $1" >&2; return 1
}
start_server() { # spec [extra skein options...] -> sets started="name|kind|pid|port" (no subshell: PIDs are kept)
  local spec=$1; shift
  local port=$next_port pid name kind
  next_port=$((next_port + 1))
  case "$spec" in
    skein:*)
      local model workers
      IFS=: read -r _ model workers <<< "$spec"
      kind=skein name="skein $model -w$workers${1:+ +log}"
      "$skein" serve -m "$model" -w "$workers" -p "$port" -f "$site" "${extra[@]}" "$@" > "$work/server-$port.log" 2>&1 &
      pid=$! ;;
    nginx|nginx:deferred)
      # nginx:deferred adds `deferred` to the listen line (TCP_DEFER_ACCEPT, as Skein's --defer-accept 1s).
      kind=nginx name="nginx (1 worker)" listen="listen 127.0.0.1:$port"
      [ "$spec" = nginx:deferred ] && name="nginx (1 worker, deferred)" listen="$listen deferred"
      mkdir -p "$work/nginx-$port"
      sed -e "s|listen 127.0.0.1:@PORT@;|$listen;|" -e "s|@PORT@|$port|g" -e "s|@ROOT@|$site|g" \
        -e "s|@DIR@|$work/nginx-$port|g" "$here/nginx.conf.template" > "$work/nginx-$port/nginx.conf"
      nginx -p "$work/nginx-$port" -c "$work/nginx-$port/nginx.conf" -e "$work/nginx-$port/error.log" \
        > "$work/server-$port.log" 2>&1 &
      pid=$! ;;
    kestrel)
      kind=kestrel name=kestrel
      "$kestrel" --root "$site" --port "$port" > "$work/server-$port.log" 2>&1 &
      pid=$! ;;
    *) echo "compare.sh: unknown server '$spec'" >&2; exit 2 ;;
  esac
  pids+=("$pid")
  wait_ready "$port" "$pid" || { cat "$work/server-$port.log" >&2; exit 1; }
  started="$name|$kind|$pid|$port"
  echo "$started" >> "$work/running"
}
stop_server() { # pid
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
  sed -i "/|$1|[0-9]*\$/d" "$work/running"
}

# ---- Measuring.
tree_pids() { # pid and its descendants
  echo "$1"
  local child
  for child in $(cat /proc/"$1"/task/*/children 2>/dev/null); do tree_pids "$child"; done
}
cpu_ticks() { # user + system (+ reaped children's) clock ticks of a whole process tree
  local total=0 p
  for p in $(tree_pids "$1"); do
    total=$((total + $(sed 's/^.*) //' /proc/"$p"/stat 2>/dev/null | awk '{print $12 + $13 + $14 + $15}' || echo 0)))
  done
  echo "$total"
}
hz=$(getconf CLK_TCK)
overflows() { nstat -saz TcpExtListenOverflows 2>/dev/null | awk '/TcpExtListenOverflows/ {print $2}'; }
to_ms() { # wrk duration (12.3us, 4.5ms, 1.2s, 1.00m) -> ms
  awk -v v="$1" 'BEGIN { n = v + 0; u = v; sub(/^[0-9.]+/, "", u);
    printf "%.1f", (u == "us") ? n / 1000 : (u == "ms") ? n : (u == "s") ? n * 1000 : (u == "m") ? n * 60000 : n }'
}

check() { # port path status length [header]: the peer must answer as expected before it is measured
  local got
  got=$(curl -s -o /dev/null -w '%{http_code} %{size_download}' ${5:+-H "$5"} "http://127.0.0.1:$1$2")
  if [ "$got" != "$3 $4" ]; then
    echo "compare.sh: port $1 answered $2 with '$got', not '$3 $4'; refusing to measure it" >&2
    return 1
  fi
}

# One wrk run; appends "workload|server|rps|cpu_us_per_request|p50_ms|p99_ms|overflows|refusal|client_cpu_us_per_request"
# to results. The client's CPU (wrk's user + system time, from bash's `time`) is there because on loopback the kernel
# charges part of one side's network work to whichever side runs it: on the file rows how one transfer's work is
# split between server and client moves from run to run, and their sum is the work the transfer cost.
wrk_run() { # workload name pid port path connections header
  local workload=$1 name=$2 pid=$3 port=$4 path=$5 conns=$6 header=$7
  local before after of_before of_after out="$work/wrk.out" client TIMEFORMAT="%3U %3S"
  of_before=$(overflows); before=$(cpu_ticks "$pid")
  { time wrk -t"$threads" -c"$conns" -d"${duration}s" --timeout 10s --latency ${header:+-H "$header"} "http://127.0.0.1:$port$path" > "$out" 2>&1 || true; } 2> "$work/wrk.time"
  after=$(cpu_ticks "$pid"); of_after=$(overflows)
  client=$(awk '{print $1 + $2}' "$work/wrk.time")
  awk -v w="$workload" -v n="$name" -v ticks=$((after - before)) -v hz="$hz" -v of=$((of_after - of_before)) -v client="$client" '
    function ms(v,  x, u) { x = v + 0; u = v; sub(/^[0-9.]+/, "", u)
      return (u == "us") ? x / 1000 : (u == "ms") ? x : (u == "s") ? x * 1000 : (u == "m") ? x * 60000 : x }
    /requests in/ { requests = $1 }
    /^Requests\/sec:/ { rps = $2 }
    /^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) }
    /Non-2xx or 3xx responses:/ { bad = bad " " $NF " non-2xx/3xx;" }
    /Socket errors:/ { gsub(",", ""); if ($4 + $6 + $8 + $10 > 0) bad = bad " socket errors: connect " $4 " read " $6 " write " $8 " timeout " $10 ";" }
    END {
      if (requests == 0) bad = bad " no requests;"
      printf "%s|%s|%s|%.2f|%.2f|%.2f|%d|%s|%.2f\n", w, n, rps, requests ? ticks * 1e6 / hz / requests : 0, p50, p99, of, bad,
        requests ? client * 1e6 / requests : 0
    }' "$out" >> "$work/results"
}

# Waits (3 s at most) until the server just measured has used no CPU for 0.3 s. What a server still does after
# its run (a runtime's background compilation and GC, thread-pool threads spinning down) would otherwise run
# during the next server's run: in the rotation below nginx always ran just before Kestrel, the Skein servers
# often just after it.
settle() { # pid
  local before after
  for _ in $(seq 10); do
    before=$(cpu_ticks "$1"); sleep 0.3; after=$(cpu_ticks "$1")
    [ "$after" = "$before" ] && return 0
  done
}

median() { sort -g | awk '{a[NR] = $1} END {if (NR) print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2)}'; }

# Prints one workload's table from the results: medians per server, ratios to the reference server.
table() { # workload reference-name title
  local workload=$1 reference=$2 title=$3
  echo
  echo "### $title"
  echo
  echo "| server | req/s | vs $reference | server CPU per request | CPU vs $reference | wrk's CPU per request | server + wrk vs $reference | p50 | p99 | listen overflows | req/s per round |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
  local name ref_rps ref_cpu ref_both
  while IFS= read -r name; do
    local refused rps cpu client both p50 p99 of each ref=$reference
    [ "$reference" = "without log" ] && ref=${name% +log}
    ref_rps=$(awk -F'|' -v w="$workload" -v s="$ref" '$1 == w && $2 == s && $8 == "" {print $3}' "$work/results" | median)
    ref_cpu=$(awk -F'|' -v w="$workload" -v s="$ref" '$1 == w && $2 == s && $8 == "" {print $4}' "$work/results" | median)
    ref_both=$(awk -F'|' -v w="$workload" -v s="$ref" '$1 == w && $2 == s && $8 == "" {print $4 + $9}' "$work/results" | median)
    refused=$(awk -F'|' -v w="$workload" -v s="$name" '$1 == w && $2 == s && $8 != "" {print $8}' "$work/results" | head -1)
    if [ -n "$refused" ]; then
      echo "| $name | refused:$refused | | | | | | | | | |"
      failed=1
      continue
    fi
    rps=$(awk -F'|' -v w="$workload" -v s="$name" '$1 == w && $2 == s {print $3}' "$work/results" | median)
    cpu=$(awk -F'|' -v w="$workload" -v s="$name" '$1 == w && $2 == s {print $4}' "$work/results" | median)
    client=$(awk -F'|' -v w="$workload" -v s="$name" '$1 == w && $2 == s {print $9}' "$work/results" | median)
    both=$(awk -F'|' -v w="$workload" -v s="$name" '$1 == w && $2 == s {print $4 + $9}' "$work/results" | median)
    p50=$(awk -F'|' -v w="$workload" -v s="$name" '$1 == w && $2 == s {print $5}' "$work/results" | median)
    p99=$(awk -F'|' -v w="$workload" -v s="$name" '$1 == w && $2 == s {print $6}' "$work/results" | median)
    of=$(awk -F'|' -v w="$workload" -v s="$name" '$1 == w && $2 == s {t += $7} END {print t + 0}' "$work/results")
    each=$(awk -F'|' -v w="$workload" -v s="$name" '$1 == w && $2 == s {printf "%s%.0f", sep, $3; sep = ", "}' "$work/results")
    awk -v n="$name" -v rps="$rps" -v cpu="$cpu" -v client="$client" -v both="$both" -v rr="${ref_rps:-0}" -v rc="${ref_cpu:-0}" \
        -v rb="${ref_both:-0}" -v p50="$p50" -v p99="$p99" -v of="$of" -v each="$each" 'BEGIN {
      printf "| %s | %.0f | %s | %.1f µs | %s | %.1f µs | %s | %.2f ms | %.2f ms | %d | %s |\n", n, rps,
        (rr > 0) ? sprintf("%.2f×", rps / rr) : "–", cpu, (rc > 0) ? sprintf("%.2f×", cpu / rc) : "–",
        client, (rb > 0) ? sprintf("%.2f×", both / rb) : "–", p50, p99, of, each }'
  done < <(awk -F'|' -v w="$workload" '$1 == w && !seen[$2]++ {print $2}' "$work/results")
}

# ---- Workloads.
: > "$work/results"
failed=0
static_paths() { # workload -> "path connections header status length"
  case "$1" in
    small) echo "/index.html|50||200|$small_length" ;;
    close) echo "/index.html|50|Connection: close|200|$small_length" ;;
    file100k) echo "/file-100k.bin|10||200|102400" ;;
    file2m) echo "/file-2m.bin|10||200|$((2 << 20))" ;;
    file64m) echo "/file-64m.bin|10||200|$((64 << 20))" ;;
    range) echo "/file-64m.bin|10|Range: bytes=1048576-3145727|206|$((2 << 20))" ;;
  esac
}

# Interleaved rounds of one wrk workload over a set of running servers ("name|kind|pid|port" lines).
measure_rounds() { # workload path conns header status length servers-file
  local workload=$1 path=$2 conns=$3 header=$4 status=$5 length=$6 list=$7
  local -a lines
  mapfile -t lines < "$list"
  local line name kind pid port
  for line in "${lines[@]}"; do
    IFS='|' read -r name kind pid port <<< "$line"
    check "$port" "$path" "$status" "$length" "$header" || { echo "$workload|$name|0|0|0|0|0| wrong answer before measuring;" >> "$work/results"; continue; }
    # Warm-up: JIT, caches, the page cache.
    wrk -t"$threads" -c"$conns" -d2s ${header:+-H "$header"} "http://127.0.0.1:$port$path" > /dev/null 2>&1 || true
  done
  local r i
  for r in $(seq "$rounds"); do
    for i in "${!lines[@]}"; do
      line=${lines[$(((i + r - 1) % ${#lines[@]}))]}
      IFS='|' read -r name kind pid port <<< "$line"
      grep -q "^$workload|$name|.*wrong answer" "$work/results" && continue
      wrk_run "$workload" "$name" "$pid" "$port" "$path" "$conns" "$header"
      settle "$pid"
    done
  done
}

servers_for() { # kinds... -> the running main servers of those kinds, as a file
  local f="$work/list-$RANDOM" kinds=" $* "
  awk -F'|' -v k="$kinds" 'index(k, " " $2 " ") && $1 !~ /\+log$/' "$work/running" > "$f"
  echo "$f"
}

main_started=0
start_main_servers() {
  [ "$main_started" = 1 ] && return 0
  main_started=1
  local spec
  for spec in "${servers[@]}"; do start_server "$spec"; done
}

reference_name() { awk -F'|' -v k="$1" '$2 == k {print $1; exit}' "$work/running"; }

echo "compare.sh: $(nproc) cores; $(date -u '+%F %H:%M UTC'); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "wrk $(wrk -v 2>&1 | awk 'NR == 1 {print $2}'), $(nginx -v 2>&1 | sed 's/^nginx version: //'), wrk -t$threads, -d ${duration}s, $rounds rounds"

for workload in "${workloads[@]}"; do
  case "$workload" in
    small|close|file100k|file2m|file64m|range)
      start_main_servers
      IFS='|' read -r path conns header status length <<< "$(static_paths "$workload")"
      list=$(servers_for skein nginx kestrel)
      measure_rounds "$workload" "$path" "$conns" "$header" "$status" "$length" "$list"
      ref=$(reference_name nginx); ref=${ref:-$(head -1 "$list" | cut -d'|' -f1)}
      table "$workload" "$ref" "$workload: $path${header:+ ($header)}, $conns connections, keep-alive unless closed" ;;
    accesslog)
      start_main_servers
      for spec in "${servers[@]}"; do
        if [[ $spec == skein:* ]]; then start_server "$spec" --access-log "$work/access-$next_port.log"; fi
      done
      list="$work/list-accesslog"
      awk -F'|' '$2 == "skein"' "$work/running" > "$list"
      measure_rounds accesslog /index.html 50 "" 200 "$small_length" "$list"
      table accesslog "without log" "accesslog: the small page, 50 connections, with and without --access-log FILE (Combined Log Format)"
      ls -l "$work"/access-*.log | awk '{print "access log written: " $5 " bytes"}' | head -2 ;;
    io)
      start_main_servers
      list=$(servers_for skein kestrel)
      while IFS='|' read -r name kind pid port; do
        check "$port" /io 200 "$small_length" || { echo "io|$name|0|0|0|0|0| wrong answer before measuring;" >> "$work/results"; }
        wrk -t1 -c100 -d3s "http://127.0.0.1:$port/io" > /dev/null 2>&1 || true
      done < "$list"
      mapfile -t lines < "$list"
      for r in $(seq "$rounds"); do
        for i in "${!lines[@]}"; do
          IFS='|' read -r name kind pid port <<< "${lines[$(((i + r - 1) % ${#lines[@]}))]}"
          grep -q "^io|$name|.*wrong answer" "$work/results" && continue
          wrk_run io "$name" "$pid" "$port" /io "$clients" ""
          sleep 2 # let the closed connections' sockets go before the next server's burst
        done
      done
      table io "$(reference_name kestrel)" "io: /io (1 s wait, then the page), $clients connections; ideal $clients req/s" ;;
    comet)
      # Fresh servers each round: memory per waiter is measured from a process that has not parked any yet.
      : > "$work/comet"
      for r in $(seq "$rounds"); do
        for spec in "${servers[@]}"; do
          [[ $spec == nginx* ]] && continue
          start_server "$spec"
          IFS='|' read -r name kind pid port <<< "$started"
          memory=$(python3 "$here/park.py" "$port" "$clients" "$pid" 2>&1) || memory="refused: $memory"
          json=$("$skein" comet "http://127.0.0.1:$port" -n "$clients" --json 2>&1) || json="refused"
          stop_server "$pid"
          notify=$(echo "$json" | awk -F': ' '/"notify_to_last_answer_ms"/ {gsub(",", "", $2); print $2}')
          connect=$(echo "$json" | awk -F': ' '/"connect_all_ms"/ {gsub(",", "", $2); print $2}')
          per_waiter=$(echo "$memory" | sed -n 's/.*per_waiter_bytes=\([-0-9]*\).*/\1/p')
          refusal=""
          [[ $memory == refused* || -z $per_waiter ]] && refusal+=" parking: $(echo "$memory" | tail -1);"
          [[ $json == refused* || -z $notify ]] && refusal+=" skein comet failed;"
          echo "$name|${per_waiter:-0}|${notify:-0}|${connect:-0}|$refusal" >> "$work/comet"
        done
      done
      echo
      echo "### comet: $clients waiters on /wait, then one /notify"
      echo
      echo "| server | memory per parked waiter | notify → last answer | vs kestrel | connect all | per round (ms) |"
      echo "|---|---:|---:|---:|---:|---|"
      ref_ms=$(awk -F'|' '$1 == "kestrel" && $5 == "" {print $3}' "$work/comet" | median)
      while IFS= read -r name; do
        refused=$(awk -F'|' -v s="$name" '$1 == s && $5 != "" {print $5}' "$work/comet" | head -1)
        if [ -n "$refused" ]; then echo "| $name | refused:$refused | | | | |"; failed=1; continue; fi
        bytes=$(awk -F'|' -v s="$name" '$1 == s {print $2}' "$work/comet" | median)
        ms=$(awk -F'|' -v s="$name" '$1 == s {print $3}' "$work/comet" | median)
        connect=$(awk -F'|' -v s="$name" '$1 == s {print $4}' "$work/comet" | median)
        each=$(awk -F'|' -v s="$name" '$1 == s {printf "%s%.0f", sep, $3; sep = ", "}' "$work/comet")
        awk -v n="$name" -v b="$bytes" -v ms="$ms" -v ref="${ref_ms:-0}" -v c="$connect" -v each="$each" 'BEGIN {
          printf "| %s | %.1f KiB | %.0f ms | %s | %.0f ms | %s |\n", n, b / 1024, ms, (ref > 0) ? sprintf("%.2f×", ms / ref) : "–", c, each }'
      done < <(awk -F'|' '!seen[$1]++ {print $1}' "$work/comet") ;;
    loadgen)
      # The load generator checked against wrk on the same nginx (docs/tools.md): client CPU per request too.
      start_server nginx
      IFS='|' read -r name kind pid port <<< "$started"
      url="http://127.0.0.1:$port/index.html"
      check "$port" /index.html 200 "$small_length"
      wrk -t"$threads" -c50 -d2s "$url" > /dev/null; "$skein" bench "$url" -c 50 -t "$threads" -d 2s --json > /dev/null
      TIMEFORMAT='%U %S'
      : > "$work/loadgen"
      for r in $(seq "$rounds"); do
        { time wrk -t"$threads" -c50 -d"${duration}s" "$url" > "$work/wrk.out"; } 2> "$work/wrk.time"
        { time "$skein" bench "$url" -c 50 -t "$threads" -d "${duration}s" --json > "$work/bench.json"; } 2> "$work/bench.time"
        w=$(awk '/^Requests\/sec:/ {print $2}' "$work/wrk.out"); wn=$(awk '/requests in/ {print $1}' "$work/wrk.out")
        s=$(awk -F': ' '/"requests_per_second"/ {gsub(",", "", $2); print $2}' "$work/bench.json")
        sn=$(awk -F': ' '/"requests":/ {gsub(",", "", $2); print $2}' "$work/bench.json")
        echo "$w $(awk -v n="$wn" '{print ($1 + $2) * 1e6 / n}' "$work/wrk.time") $s $(awk -v n="$sn" '{print ($1 + $2) * 1e6 / n}' "$work/bench.time")" >> "$work/loadgen"
      done
      stop_server "$pid"
      echo
      echo "### loadgen: wrk and skein bench, -t$threads -c50, on nginx's small page"
      echo
      echo "| tool | req/s | client CPU per request (incl. start-up) | req/s per round |"
      echo "|---|---:|---:|---|"
      awk '{print $1}' "$work/loadgen" | median | xargs printf "| wrk | %.0f | "
      awk '{print $2}' "$work/loadgen" | median | xargs printf "%.2f µs | "
      awk '{printf "%s%.0f", sep, $1; sep = ", "} END {print " |"}' "$work/loadgen"
      awk '{print $3}' "$work/loadgen" | median | xargs printf "| skein bench | %.0f | "
      awk '{print $4}' "$work/loadgen" | median | xargs printf "%.2f µs | "
      awk '{printf "%s%.0f", sep, $3; sep = ", "} END {print " |"}' "$work/loadgen" ;;
  esac
done
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
exit "$failed"
