#!/usr/bin/env bash
# Gathers the dependencies a CUDA build needs into one folder (default deps/, git-ignored) that can be copied to a GPU
# machine that has only a compiler, CMake and nvcc (and, for the MPI backend, its own MPI): tools/gpu_check.sh builds
# and tests there against it.
#
# Taken from the installed Debian packages, or, where one is not installed, from its .deb (apt-get download +
# dpkg -x): Eigen 3 headers, nlohmann/json, CLI11, doctest (headers + CMake files), Google Benchmark (headers,
# shared library, CMake files), zlib (headers and the static library, in include/zlib and lib/<arch>/zlib: used only
# where the GPU machine has no zlib of its own), Boost's CMake files and exactly the Boost headers our sources include, directly or
# through other headers (listed by the preprocessor: ~4 MB instead of all 160 MB). With --simgrid also SimGrid: its
# headers, libsimgrid and the libraries it loads (ns-3, GSL, Boost.Context, …) in lib/<arch>/simgrid-runtime, so that
# the simulator and its tests build and run there too (~40 MB more).
#
# Usage: tools/gather_cuda_deps.sh [--simgrid] [dest]   then, on the GPU machine: tools/gpu_check.sh dest
set -euo pipefail

with_simgrid=0
if [ "${1:-}" = "--simgrid" ]; then
  with_simgrid=1
  shift
fi
dest=${1:-deps}
source_root=$(cd "$(dirname "$0")/.." && pwd)
arch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)
packages="libeigen3-dev nlohmann-json3-dev libcli11-dev doctest-dev libbenchmark-dev libbenchmark1debian"
packages="$packages zlib1g-dev libboost1.74-dev"
[ "$with_simgrid" -eq 1 ] && packages="$packages libsimgrid-dev libsimgrid3.32"

# Files come from / for installed packages, else from the missing packages' .deb files extracted into a temp folder.
extracted=""
missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  echo "not installed:$missing -> apt-get download + dpkg -x"
  (cd "$tmp" && apt-get download $missing)
  mkdir -p "$tmp/root"
  for deb in "$tmp"/*.deb; do dpkg -x "$deb" "$tmp/root"; done
  extracted="$tmp/root"
fi

# find <path relative to />: where that file is, the extracted packages first.
find_src() {
  if [ -n "$extracted" ] && [ -e "$extracted/$1" ]; then echo "$extracted/$1"; else echo "/$1"; fi
}
copy() {  # copy <path relative to /> <dest subfolder>
  local src
  src=$(find_src "$1")
  if [ ! -e "$src" ]; then
    echo "error: $1 not found" >&2
    exit 1
  fi
  mkdir -p "$dest/$2"
  cp -a "$src" "$dest/$2/"
}

rm -rf "$dest"
mkdir -p "$dest"
# Header-only libraries with their CMake package files (relative prefixes, so the folder can move).
copy usr/include/eigen3 include
copy usr/share/eigen3 share
copy usr/include/nlohmann include
copy usr/share/cmake/nlohmann_json share/cmake
copy usr/include/CLI include
copy usr/share/cmake/CLI11 share/cmake
copy usr/include/doctest include
copy usr/lib/cmake/doctest lib/cmake
# doctestTargets.cmake hard-codes /usr as its prefix: make it relative to the file (lib/cmake/doctest -> ../../..).
relative_prefix='get_filename_component(_IMPORT_PREFIX "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)'
sed -i "s|^set(_IMPORT_PREFIX \"/usr\")|$relative_prefix|" "$dest/lib/cmake/doctest/doctestTargets.cmake"
# Google Benchmark: a compiled library (the shared one; it needs only libstdc++ and libc).
copy usr/include/benchmark include
copy "usr/lib/$arch/cmake/benchmark" "lib/$arch/cmake"
lib_dir=$(dirname "$(find_src "usr/lib/$arch/libbenchmark.so.1.7.1")")
for f in "$lib_dir"/libbenchmark.so* "$lib_dir"/libbenchmark_main.a; do
  cp -a "$f" "$dest/lib/$arch/"
done
# zlib: headers and the static library (position-independent in Debian) in folders of their own, so that they shadow
# nothing of the machine's; gpu_check.sh points CMake at them only when the machine has no zlib.h.
copy usr/include/zlib.h include/zlib
copy usr/include/zconf.h include/zlib
copy "usr/lib/$arch/libz.a" "lib/$arch/zlib"
# Boost: the CMake package files, and the headers our sources include, directly or through other headers; with
# --simgrid, SimGrid's headers the same way (with the Boost headers they include).
copy "usr/lib/$arch/cmake/Boost-1.74.0" "lib/$arch/cmake"
copy "usr/lib/$arch/cmake/boost_headers-1.74.0" "lib/$arch/cmake"
include_root=$(dirname "$(find_src usr/include/boost)")
scan=$(mktemp -d)
pattern='#include <boost/'
[ "$with_simgrid" -eq 1 ] && pattern='#include <(boost|simgrid|xbt)[/.]'
(cd "$source_root" && grep -rhoE "$pattern[^>]*>" base kernels core analysis sim exec apps tests bench) | sort -u \
  >"$scan/all.cpp"
g++ -std=c++20 -M -MT x -I"$include_root" "$scan/all.cpp" | tr ' \\' '\n\n' |
  grep -E "^$include_root/(boost/|simgrid/|xbt/|xbt\.h|smpi/)" | sort -u |
  while read -r header; do
    relative=${header#"$include_root"/}
    mkdir -p "$dest/include/$(dirname "$relative")"
    cp "$header" "$dest/include/$relative"
  done
rm -rf "$scan"
echo "boost: $(find "$dest/include/boost" -type f | wc -l) headers"

if [ "$with_simgrid" -eq 1 ]; then
  # (SimGrid's headers came with the scan above: those our sources include, and what they include in turn.)
  library=$(find_src "usr/lib/$arch/libsimgrid.so.3.32")
  runtime="$dest/lib/$arch/simgrid-runtime"
  mkdir -p "$runtime"
  cp -L "$library" "$runtime/"
  ln -sf libsimgrid.so.3.32 "$runtime/libsimgrid.so"
  # Every library libsimgrid loads, except the C and C++ runtimes (the GPU machine has its own).
  LD_LIBRARY_PATH="$(dirname "$library")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" ldd "$library" |
    awk '/=>/ { print $3 }' | grep -vE '/(libc|libm|libdl|libpthread|librt|libstdc\+\+|libgcc_s|ld-linux[^/]*)\.so' |
    while read -r lib; do cp -L "$lib" "$runtime/"; done
  echo "simgrid: $(ls "$runtime" | wc -l) libraries in lib/$arch/simgrid-runtime"
fi

dest=$(cd "$dest" && pwd)
echo "gathered into $dest ($(du -sh "$dest" | cut -f1)). Copy the source tree with this folder to the GPU machine
(compiler, CMake >= 3.25, nvcc; MPI optional) and run there: tools/gpu_check.sh $(basename "$dest")"
