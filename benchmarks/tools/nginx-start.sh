#!/usr/bin/env bash
# Starts nginx on 127.0.0.1:PORT (default 18080) from nginx.conf.template in a fresh temp dir, in the
# background; prints "DIR PID". Stop it with: kill PID (its PID, never by name).
set -euo pipefail
PORT=${1:-18080}
HERE=$(cd "$(dirname "$0")" && pwd)
DIR=$(mktemp -d /tmp/skein-nginx.XXXXXX)
mkdir -p "$DIR/www"
# mktemp -d makes a 0700 directory; nginx workers run as an unprivileged user and must read the page.
chmod 755 "$DIR" "$DIR/www"
# A small page of the size of nginx's own index.html (615 bytes).
head -c 615 /dev/zero | tr "\0" "x" > "$DIR/www/index.html"
chmod 644 "$DIR/www/index.html"
sed -e "s|@DIR@|$DIR|g" -e "s|@PORT@|$PORT|g" "$HERE/nginx.conf.template" > "$DIR/nginx.conf"
nginx -c "$DIR/nginx.conf" -p "$DIR" > "$DIR/stdout.log" 2>&1 &
PID=$!
for _ in $(seq 1 50); do
  if (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null; then echo "$DIR $PID"; exit 0; fi
  sleep 0.1
done
echo "nginx did not start; see $DIR/error.log" >&2
kill "$PID" 2>/dev/null || true
exit 1
