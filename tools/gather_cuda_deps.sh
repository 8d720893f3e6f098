#!/usr/bin/env bash
# Gathers the dependencies a CUDA build of kernels + GPU tests + kernel benchmark needs into one folder (default
# deps/, git-ignored) that can be copied to a GPU machine that has only a compiler, CMake and nvcc.
#
# Taken from the installed Debian packages, or, where one is not installed, from its .deb (apt-get download +
# dpkg -x): Eigen 3 headers, nlohmann/json, CLI11, doctest (headers + CMake files), Google Benchmark (headers,
# shared library, CMake files) and Boost's CMake files with a minimal header subset (the top-level CMakeLists asks for
# Boost; kernels, tests and benchmark do not include it). --full-boost copies every Boost header (~160 MB) instead.
#
# Usage: tools/gather_cuda_deps.sh [--full-boost] [dest]   then see the printed configure commands.
set -euo pipefail

full_boost=0
if [ "${1:-}" = "--full-boost" ]; then
  full_boost=1
  shift
fi
dest=${1:-deps}
arch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)
packages="libeigen3-dev nlohmann-json3-dev libcli11-dev doctest-dev libbenchmark-dev libbenchmark1debian"
packages="$packages libboost1.74-dev"

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
# Boost: the CMake package files and the headers (a subset unless --full-boost).
copy "usr/lib/$arch/cmake/Boost-1.74.0" "lib/$arch/cmake"
copy "usr/lib/$arch/cmake/boost_headers-1.74.0" "lib/$arch/cmake"
if [ "$full_boost" -eq 1 ]; then
  copy usr/include/boost include
else
  mkdir -p "$dest/include/boost"
  boost_dir=$(find_src usr/include/boost)
  cp -a "$boost_dir/version.hpp" "$boost_dir/config.hpp" "$boost_dir/config" "$dest/include/boost/"
fi

dest=$(cd "$dest" && pwd)
echo "gathered into $dest ($(du -sh "$dest" | cut -f1)). Copy it to the GPU machine (same path, or adjust the
prefix below) and there (compiler, CMake >= 3.25, nvcc):"
cat <<USAGE
  cmake -S . -B build-gpu -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH=$dest \\
        -DSGDSIM_WITH_SIMGRID=OFF -DSGDSIM_WITH_MPI=OFF -DSGDSIM_WITH_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES=90
  cmake --build build-gpu --target test_kernels_cuda test_kernels_cpu bench_kernels -j
  ctest --test-dir build-gpu -R 'test_kernels_(cuda|cpu)' --output-on-failure
  build-gpu/bench/bench_kernels --benchmark_filter=cuda --benchmark_out=build-gpu/bench/bench_kernels.json \\
        --benchmark_out_format=json
(Non-Debian host without lib/$arch in its CMake search path: add -Dbenchmark_DIR=$dest/lib/$arch/cmake/benchmark
 -DBoost_DIR=$dest/lib/$arch/cmake/Boost-1.74.0.)
USAGE
