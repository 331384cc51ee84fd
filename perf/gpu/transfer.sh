#!/usr/bin/env bash
# Gets the GPU build (the native-AOT server with ONNX Runtime's CUDA provider, 289 MB of it the provider) to a GPU
# machine that takes at most 64 MiB per transfer and keeps what earlier commands wrote only while it stays up.
#
#   here:   perf/gpu/transfer.sh stage [DIR]   builds the bundle (perf/gpu/bundle.sh, GPU flavour), packs it with xz and
#                                              splits it into parts of PART_MIB (56) under DIR (.device/gpu, ignored by
#                                              git) with SHA256SUMS; prints the parts
#   there:  perf/gpu/transfer.sh receive DIR   after each transfer: moves the parts that came into STORE
#                                              (/var/tmp/inference-gpu, outside the work tree), checks each against
#                                              SHA256SUMS, says which are still missing
#   there:  perf/gpu/transfer.sh assemble      when all are there: checks every part, joins, unpacks and checks the
#                                              whole archive; prints the bundle folder (STORE/bundle)
#
# The procedure on a machine lent for a short time (each call carries the work tree, ~4 MB, plus what it names):
#   1. perf/gpu/transfer.sh stage                               (here, once; ~4 parts)
#   2. for each part k, one call right after the other, so the machine stays up between them:
#        carry [".device/gpu/SHA256SUMS", ".device/gpu/gpu.tar.xz.part-0k"]
#        command: bash perf/gpu/transfer.sh receive .device/gpu
#   3. the last part's call goes on with: && bash perf/gpu/transfer.sh assemble \
#        && bash perf/gpu/e2e.sh /var/tmp/inference-gpu/bundle "$OUT"
# A machine given back in between loses STORE: start again at the first part (receive says what is missing).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
store=${STORE:-/var/tmp/inference-gpu}
part_mib=${PART_MIB:-56}
archive=gpu.tar.xz

case "${1:-}" in
stage)
  out=${2:-$root/.device/gpu}
  work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
  rm -rf "$out"; mkdir -p "$out"
  if [ -z "${SERVER_DIR:-}" ]; then
    ONNXRUNTIME_FLAVOR=gpu "$root/.ci/publish.sh" "$work/server" >/dev/null
    export SERVER_DIR=$work/server
  fi
  [ -f "$SERVER_DIR/libonnxruntime_providers_cuda.so" ] || { echo "$SERVER_DIR has no CUDA provider: not a GPU publish" >&2; exit 1; }
  BUNDLE_FORMAT=tar "$root/perf/gpu/bundle.sh" "$work/bundle" >/dev/null
  xz -T0 -6 -c "$work/bundle/bundle.tar" >"$work/$archive"
  (cd "$work" && split -b "${part_mib}M" -d -a 2 "$archive" "$out/$archive.part-")
  (cd "$work" && sha256sum "$archive" >"$out/SHA256SUMS")
  (cd "$out" && sha256sum "$archive".part-* >>SHA256SUMS)
  ls -la "$out"
  ;;
receive)
  from=${2:?usage: transfer.sh receive DIR}
  mkdir -p "$store"
  cp "$from/SHA256SUMS" "$store/SHA256SUMS"
  for part in "$from/$archive".part-*; do
    [ -e "$part" ] || continue
    name=$(basename "$part")
    expected=$(grep " $name\$" "$store/SHA256SUMS" | cut -d' ' -f1)
    actual=$(sha256sum "$part" | cut -d' ' -f1)
    [ "$expected" = "$actual" ] || { echo "$name arrived damaged (sha256 $actual, expected $expected)" >&2; exit 1; }
    cp "$part" "$store/$name"
    echo "received $name"
  done
  missing=$(grep " $archive.part-" "$store/SHA256SUMS" | awk '{print $2}' | while read -r name; do [ -f "$store/$name" ] || echo "$name"; done)
  if [ -n "$missing" ]; then echo "still missing: $missing"; else echo "all parts here"; fi
  ;;
assemble)
  cd "$store"
  grep " $archive.part-" SHA256SUMS | sha256sum --check --quiet
  cat "$archive".part-* >"$archive"
  grep " $archive\$" SHA256SUMS | sha256sum --check --quiet
  rm -rf bundle; mkdir bundle
  xz -d -c "$archive" | tar -x -C bundle --strip-components=1
  rm -f "$archive" "$archive".part-*
  echo "$store/bundle"
  ;;
*)
  sed -n '2,22p' "$0"; exit 2
  ;;
esac
