#!/usr/bin/env bash
# Publishes `skein` as a native executable (native AOT: no .NET runtime to start, no JIT) and installs it
# as PREFIX/bin/skein: /usr/local when that is writable, else ~/.local. Prints where it went; with -o DIR it
# only publishes into DIR (CI and the tests use that). Needs the .NET 10 SDK and a C toolchain (gcc or
# clang: the AOT compiler links with it); the compiler package comes from the NuGet feed like any other.
#
#   scripts/install.sh [-o DIR]        then: skein serve
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

out=""
if [[ "${1:-}" == "-o" && -n "${2:-}" ]]; then
  out=$2
fi
publish=${out:-artifacts/native}
rid=linux-$(uname -m | sed 's/x86_64/x64/; s/aarch64/arm64/')

dotnet publish src/Skein.Cli -c Release -r "$rid" -p:PublishAot=true -o "$publish" --nologo -v quiet
[[ -x "$publish/skein" ]] || { echo "install.sh: no native skein in $publish" >&2; exit 1; }
if [[ -n "$out" ]]; then
  echo "$publish/skein"
  exit 0
fi

if [[ -z "${PREFIX:-}" ]]; then
  if [[ -w /usr/local/bin ]]; then PREFIX=/usr/local; else PREFIX=$HOME/.local; fi
fi
install -D -m 755 "$publish/skein" "$PREFIX/bin/skein"
echo "installed $PREFIX/bin/skein"
case ":$PATH:" in
  *":$PREFIX/bin:"*) ;;
  *) echo "note: $PREFIX/bin is not on your PATH; run $PREFIX/bin/skein, or add it: export PATH=\"$PREFIX/bin:\$PATH\"" ;;
esac
