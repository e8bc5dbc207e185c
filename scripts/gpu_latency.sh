#!/usr/bin/env bash
# Latency per phase of every real network on the GPU machine, on both providers (Deno's WebGPU and
# Dawn): scripts/latency.ts with the host-layout comparison, one deno process per provider.
#
# Here, once:   bench/gpu_machine.sh prep   (models into .device/models, the module cache)
# There, through the device tool with carry [".device"]:
#     source .device/env.sh && scripts/gpu_latency.sh
# Writes into $OUT (default docs/results/latency/): deno.md, deno.json, dawn.md, dawn.json,
# latency_log.txt, nvidia_smi.txt. Each provider gets at most PROVIDER_S seconds (default 130), so the
# whole run stays under 5 minutes. Override RUNS (default 30), WARMUP (3), MODELS (a list of files).
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
OUT=${OUT:-$root/docs/results/latency}
mkdir -p "$OUT"
models_dir=${GPULITE_MODELS_DIR:-$root/.device/models}
[ -d "$models_dir" ] || models_dir=$root/../shared/models/networks
if [ -n "${MODELS:-}" ]; then
  read -r -a models <<< "$MODELS"
else
  mapfile -t models < <(ls "$models_dir"/*.tflite)
fi
export DENO_NO_UPDATE_CHECK=1
{ nvidia-smi 2>&1 || echo "no nvidia-smi"; deno --version; } > "$OUT/nvidia_smi.txt"
status=0
: > "$OUT/latency_log.txt"
for p in deno dawn; do
  echo "== latency --provider $p (${#models[@]} models)" | tee -a "$OUT/latency_log.txt"
  timeout "${PROVIDER_S:-130}" deno run --cached-only -A scripts/latency.ts "${models[@]}" \
    --provider "$p" --runs "${RUNS:-30}" --warmup "${WARMUP:-3}" --host-layout \
    --json "$OUT/$p.json" --md "$OUT/$p.md" 2>&1 |
    grep -v '^INFO: \|^WARNING: ' | tee -a "$OUT/latency_log.txt"
  s=${PIPESTATUS[0]}
  [ "$s" -ne 0 ] && status=$s && echo "== $p exited with $s" | tee -a "$OUT/latency_log.txt"
done
ls -la "$OUT"
exit "$status"
