#!/usr/bin/env bash
# `compare` of every real network (GPU vs the float64 reference) on the GPU machine: f32 and f16 on
# Deno's WebGPU and on Dawn (whose instance asks for vulkan_enable_f16_on_nvidia, so NVIDIA adapters
# offer shader-f16; an adapter without it prints the error for f16). Writes $OUT/compare.txt.
# Run there with carry [".device"]:  source .device/env.sh && scripts/gpu_compare.sh
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-out/gpu_compare}
mkdir -p "$OUT"
models=${GPULITE_MODELS_DIR:-.device/models}
for m in "$models"/*.tflite; do
  for prec in f32 f16; do
    echo "== compare $(basename "$m") $prec (deno)"
    deno run --cached-only -A cli.ts compare "$m" --precision "$prec" 2>&1 | grep -v "^model\|^adapter"
  done
  for prec in f32 f16; do
    echo "== compare $(basename "$m") $prec (dawn)"
    deno run --cached-only -A cli.ts compare "$m" --provider dawn --precision "$prec" 2>&1 |
      grep -v "^model\|^adapter"
  done
done 2>&1 | tee "$OUT/compare.txt"
