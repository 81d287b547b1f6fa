#!/usr/bin/env bash
# The process-model benchmark in one command (docs/processes.md, "Benchmark"): publishes the native skein
# into artifacts/native (skipped with SKEIN=PROGRAM, e.g. SKEIN='dotnet src/Skein.Cli/bin/Release/net10.0/skein.dll'),
# then runs spawn.py, load.py process and load.py hybrid against it, from the repository root. Figures are
# only worth quoting from a quiet machine: check `uptime` first.
#
#   benchmarks/processes/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
here=benchmarks/processes
skein=${SKEIN:-}
if [[ -z "$skein" ]]; then
  skein=$(scripts/install.sh -o artifacts/native)
fi
echo "# $(date -u +%FT%TZ) $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); program: $skein"
python3 "$here/spawn.py" --skein "$skein" -f www
python3 "$here/load.py" process --skein "$skein" -f www
python3 "$here/load.py" hybrid --skein "$skein" -f www
