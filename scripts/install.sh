#!/usr/bin/env bash
# Publishes `skein` as a native executable (native AOT: no .NET runtime to start, no JIT) and installs it:
# the program and the native libraries the lab's charts load beside it (libSkiaSharp, libHarfBuzzSharp) go to
# PREFIX/lib/skein, and PREFIX/bin/skein links to it (a native program finds its libraries next to its real
# path). PREFIX is /usr/local when writable, else ~/.local. With -o DIR it only publishes into DIR and prints
# the program's path (the benchmarks use that). Needs the .NET 10 SDK and a C toolchain (gcc or clang: the
# AOT compiler links with it); the compiler package comes from the NuGet feed like any other.
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

echo "publishing the native skein into $publish (a few minutes the first time)" >&2
dotnet publish src/Skein.Cli -c Release -r "$rid" -o "$publish" --nologo -v quiet
[[ -x "$publish/skein" ]] || { echo "install.sh: no native skein in $publish" >&2; exit 1; }
if [[ -n "$out" ]]; then
  echo "$publish/skein"
  exit 0
fi

if [[ -z "${PREFIX:-}" ]]; then
  if [[ -w /usr/local/bin ]]; then PREFIX=/usr/local; else PREFIX=$HOME/.local; fi
fi
install -d "$PREFIX/lib/skein" "$PREFIX/bin"
install -m 755 "$publish/skein" "$PREFIX/lib/skein/skein"
for lib in "$publish"/*.so; do
  [[ -e "$lib" ]] && install -m 755 "$lib" "$PREFIX/lib/skein/"
done
ln -sfn ../lib/skein/skein "$PREFIX/bin/skein"
echo "installed $PREFIX/bin/skein" >&2
case ":$PATH:" in
  *":$PREFIX/bin:"*) ;;
  *) echo "note: $PREFIX/bin is not on your PATH; run $PREFIX/bin/skein, or add it: export PATH=\"$PREFIX/bin:\$PATH\"" >&2 ;;
esac
