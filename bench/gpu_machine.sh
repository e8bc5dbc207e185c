#!/usr/bin/env bash
# gpu_machine.sh: the full benchmark report on the real GPU machine (the `device` tool), once.
#
# Step 1, here, from the repository root (after the bench/ and peers/ files are committed):
#     bench/gpu_machine.sh prep
#   copies the real models (../shared does not travel) into .device/models/ and runs
#   ../shared/tools/gpu-prep over every .ts file, so the npm packages (webgpu = Dawn,
#   @litertjs/core = LiteRT.js) are in .device/deno_dir for --cached-only.
#
# Step 2, on the GPU machine: device run with carry [".device"] and the command
#     source .device/env.sh && bench/gpu_machine.sh            (the report; `measure`: see below)
#   It runs `deno task report` over every network (real files first, then built full-size ones, then
#   tiny ones), both providers (Deno's wgpu and Dawn), the cpu backend at 1 and all threads when it
#   exists, the reference on tiny networks only, and LiteRT.js (WebGPU and Wasm) as the peer, and
#   writes into $OUT (flat, 6-7 files): report.md, report.json, report.html, report_log.txt,
#   nvidia_smi.txt, clocks.csv (the GPU's SM clock, power and utilization every 100 ms throughout),
#   and with RAMP=1 first ramp.md (scripts/clock_ramp.ts: back-to-back runs, a rest, and one run
#   every 33 ms, on MobileNet v1 and v2 1.0 and DeepLab v3, against the clock; ~45 s) and nodes.txt
#   (scripts/profile_nodes.ts on the same networks after 1 s back to back: per-node GFLOP/s; ~30 s;
#   then scripts/latency.ts per phase with outputs copied, reused and zero-copy on five networks;
#   RAMP=only stops there, without the report). The report
#   stops starting networks after DEADLINE_S (default 420 s) and is rewritten after every network,
#   so a kill still leaves what was done; total stays under ~8 min.
#   Override with RUNS, BUDGET_S, DEADLINE_S, SIZE, BACKENDS environment variables.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

if [ "${1:-}" = "prep" ]; then
  mkdir -p .device/models
  cp -f ../shared/models/networks/*.tflite ../shared/models/quantized/*.tflite .device/models/
  # Dawn (npm webgpu) is imported only at run time, when provider dawn is asked for: an entry that
  # names it statically puts it in the module cache that travels.
  echo 'import "npm:webgpu@0.6.2";' > .device/dawn_entry.ts
  # TFLite's classic interpreter (the 8-bit oracle, ~5 MiB) stays here: no GPU measurement uses it,
  # and the working tree that travels is limited to 64 MiB.
  mapfile -t entries < <( (git ls-files '*.ts'; ls bench/*.ts peers/*.ts; echo .device/dawn_entry.ts) |
    sort -u | grep -v -x -F -f <(grep -l -r "tfjs-tflite\|tflite_interpreter" --include='*.ts' \
      bench cli conformance core engine format kernels models peers scripts tools web 2>/dev/null))
  ../shared/tools/gpu-prep "${entries[@]}"
  # The working tree that travels (tracked and untracked files, and .device) must stay under 64
  # MiB: past 63, the two largest optional models (the 8-bit SSD and MobileNet) stay here.
  tree_kib() {
    du -sk --exclude=.git --exclude=node_modules --exclude=out --exclude=scratch . | cut -f1
  }
  for f in detect.tflite mobilenet_v2_1.0_224_quant.tflite; do
    if [ "$(tree_kib)" -gt $((63 * 1024)) ] && [ -f ".device/models/$f" ]; then
      rm -f ".device/models/$f"
      echo "gpu_machine: $f left out (the working tree would pass 64 MiB)"
    fi
  done
  du -sh .device/models | sed 's/^/gpu_machine: models /'
  exit 0
fi

OUT=${OUT:-$root/out/gpu_machine}
mkdir -p "$OUT"

# The GPU's clocks, power and utilization every 100 ms into $OUT/clocks.csv until stop_clocks,
# where nvidia-smi exists: a GPU that idles lowers its clock, so every measurement needs its clock.
sampler=
sample_clocks() {
  command -v nvidia-smi > /dev/null || return 0
  nvidia-smi --query-gpu=timestamp,pstate,clocks.sm,clocks.mem,power.draw,utilization.gpu \
    --format=csv -lms 100 > "$OUT/clocks.csv" 2>&1 &
  sampler=$!
}
stop_clocks() {
  [ -n "$sampler" ] && kill "$sampler" 2>/dev/null
  sampler=
}

# `bench/gpu_machine.sh profile`: where an inference's time goes (~2.5 min), into $OUT: what a
# dispatch and a compile cost apart from their work (floor.txt), the per-phase latency on Dawn of
# the real networks and the catalogue's MobileNets (growing chunks against one submission, a pass
# per node, depthwise + pointwise fusion, and with outputs reused: latency_dawn.md/json), the same in f16 for
# three networks (latency_dawn_f16.md), and session creation by phase in a fresh process, twice
# for one network to show the driver's shader cache (creation.txt). Then `bench/gpu_machine.sh`
# (the report) fits in the same call with DEADLINE_S=300 TIMEOUT_S=360.
if [ "${1:-}" = "profile" ]; then
  models=${GPULITE_MODELS_DIR:-$root/.device/models}
  mapfile -t nets < <(ls "$models"/*.tflite | grep -v -e _quant -e /detect)
  timeout 45 deno run --cached-only -A scripts/dispatch_floor.ts --provider dawn --runs 20 \
    --compile 16 2>&1 | tee "$OUT/floor.txt"
  timeout 150 deno run --cached-only -A scripts/latency.ts "${nets[@]}" mobilenet_v1_1.0_224 \
    mobilenet_v2_1.0_224 --provider dawn --runs 30 --one-submission --pass-per-node \
    --variant DEPTHWISE_CONV_2D=fused --reuse-outputs --md "$OUT/latency_dawn.md" --json "$OUT/latency_dawn.json" 2>&1 |
    grep -E '^#|total'
  timeout 60 deno run --cached-only -A scripts/latency.ts "$models/deeplabv3_257_mv_gpu.tflite" \
    "$models/selfie_segmentation.tflite" mobilenet_v2_1.0_224 --provider dawn --runs 20 \
    --precision f16 --reuse-outputs --md "$OUT/latency_dawn_f16.md" 2>&1 | grep -E '^#|total'
  for f in hair_segmentation hair_segmentation deeplabv3_257_mv_gpu; do
    echo "== $f (a fresh process)"
    timeout 60 deno run --cached-only -A cli.ts run "$models/$f.tflite" --provider dawn --profile \
      --iterations 5 2>&1 | grep -E 'setup|create|latency|timeline'
  done | tee "$OUT/creation.txt"
  exit 0
fi

# `bench/gpu_machine.sh probe`: what the defaults rest on (~4 min), into $OUT: session creation
# with pipelines compiled one after another (createComputePipeline) against all at once
# (createComputePipelineAsync), each cold (an empty driver shader cache) and warm (compile.txt);
# per-node GPU time on Dawn and Deno's WebGPU, and on Dawn with toggles that drop bounds clamping
# and workgroup-memory zeroing (nodes.txt); the phases with outputs reused, against an autotuned
# session, by default and with those toggles (latency_tuned*.md); the GPU's clocks and power
# sampled every 100 ms throughout (clocks.csv).
if [ "${1:-}" = "probe" ]; then
  models=${GPULITE_MODELS_DIR:-$root/.device/models}
  sample_clocks
  deeplab=$models/deeplabv3_257_mv_gpu.tflite
  nets=("$deeplab" "$models/selfie_segmentation.tflite" mobilenet_v2_1.0_224)
  for mode in sync async; do
    cache=$(mktemp -d)
    for state in cold warm; do
      echo "== compile $mode, driver cache $state"
      __GL_SHADER_DISK_CACHE_PATH=$cache timeout 120 deno run --cached-only -A scripts/latency.ts \
        "${nets[@]}" --provider dawn --runs 3 --warmup 1 --compile "$mode" 2>&1 | grep -E '^[0-9]+ nodes|^`creation'
    done
  done | tee "$OUT/compile.txt"
  {
    for p in deno dawn; do
      timeout 40 deno run --cached-only -A scripts/profile_nodes.ts "$deeplab" mobilenet_v1_1.0_224 \
        --provider "$p" --top 4
    done
    for t in disable_robustness disable_workgroup_init "disable_robustness --dawn-toggle disable_workgroup_init"; do
      echo "== dawn with $t"
      # shellcheck disable=SC2086
      timeout 40 deno run --cached-only -A scripts/profile_nodes.ts "$deeplab" mobilenet_v1_1.0_224 \
        --provider dawn --top 4 --dawn-toggle $t
    done
  } 2>&1 | grep -v '^INFO: ' | tee "$OUT/nodes.txt"
  tuned=("$deeplab" mobilenet_v1_1.0_224 mobilenet_v2_1.0_224)
  timeout 150 deno run --cached-only -A scripts/latency.ts "${tuned[@]}" --provider dawn --runs 30 \
    --autotune --reuse-outputs --md "$OUT/latency_tuned.md" 2>&1 | grep -E '^#|total|^[0-9]+ nodes'
  timeout 150 deno run --cached-only -A scripts/latency.ts "${tuned[@]}" --provider dawn --runs 30 \
    --autotune --reuse-outputs --dawn-toggle disable_robustness --dawn-toggle disable_workgroup_init \
    --md "$OUT/latency_tuned_toggles.md" 2>&1 | grep -E '^#|total|^[0-9]+ nodes'
  stop_clocks
  exit 0
fi

# `bench/gpu_machine.sh measure`: the measurements beside the report, in one call (~6 min): the
# per-phase latency on Dawn with outputs reused and on Deno's WebGPU, PAD folding's effect, f16
# against the reference, and the cpu backend's thread curve, each under its own time limit, into
# $OUT (latency_*.md/json, pad_fold.md, f16.md, threads/). PROVIDER overrides dawn.
if [ "${1:-}" = "measure" ]; then
  models=${GPULITE_MODELS_DIR:-$root/.device/models}
  provider=${PROVIDER:-dawn}
  mapfile -t nets < <(ls "$models"/*.tflite | grep -v -e _quant -e /detect)
  step() {
    local name=$1 limit=$2
    shift 2
    echo "== $name (limit ${limit} s)"
    timeout "$limit" deno run --cached-only -A "$@" 2>&1 | grep -v '^INFO: ' | tail -n 60 |
      tee "$OUT/$name.log"
  }
  step latency_$provider 150 scripts/latency.ts "${nets[@]}" --provider "$provider" --runs 30 \
    --reuse-outputs --md "$OUT/latency_$provider.md" --json "$OUT/latency_$provider.json"
  step latency_deno 90 scripts/latency.ts "${nets[@]}" --provider deno --runs 10 \
    --md "$OUT/latency_deno.md" --json "$OUT/latency_deno.json"
  step pad_fold 60 scripts/pad_fold_speed.ts "$models/pose_landmark_lite.tflite" \
    --provider "$provider" --md "$OUT/pad_fold.md"
  step f16 90 scripts/f16_accuracy.ts "${nets[@]}" --provider "$provider" --md "$OUT/f16.md"
  step threads 120 scripts/cpu_threads.ts --models "$models" --out "$OUT/threads" --runs 10
  ls -la "$OUT"
  exit 0
fi
export GPULITE_MODELS_DIR=${GPULITE_MODELS_DIR:-$root/.device/models}
export GPULITE_DENO_FLAGS="--cached-only"   # LiteRT.js child processes: nothing can be fetched there
export DENO_NO_UPDATE_CHECK=1
nvidia-smi > "$OUT/nvidia_smi.txt" 2>&1 || echo "no nvidia-smi" > "$OUT/nvidia_smi.txt"
deno --version >> "$OUT/nvidia_smi.txt" 2>&1
sample_clocks
if [ "${RAMP:-0}" != 0 ]; then
  for net in mobilenet_v1_1.0_224 mobilenet_v2_1.0_224 "$GPULITE_MODELS_DIR/deeplabv3_257_mv_gpu.tflite"; do
    echo "== $(date +%T.%N) $net"
    timeout 60 deno run --cached-only -A scripts/clock_ramp.ts "$net" --provider dawn |
      grep -v '^INFO: '
  done 2>&1 | tee "$OUT/ramp.md"
  # Per-node GPU time at a raised clock (after 1 s back to back): the convolutions' GFLOP/s.
  timeout 60 deno run --cached-only -A scripts/profile_nodes.ts \
    "$GPULITE_MODELS_DIR/deeplabv3_257_mv_gpu.tflite" mobilenet_v1_1.0_224 mobilenet_v2_1.0_224 \
    --provider dawn --top 8 --runs 20 2>&1 | grep -v '^INFO: ' | tee "$OUT/nodes.txt"
  # Per phase on Dawn: outputs copied out, copied into kept arrays, and handed out as mapped views.
  timeout 120 deno run --cached-only -A scripts/latency.ts \
    "$GPULITE_MODELS_DIR/deeplabv3_257_mv_gpu.tflite" "$GPULITE_MODELS_DIR/hair_segmentation.tflite" \
    "$GPULITE_MODELS_DIR/selfie_segmentation.tflite" mobilenet_v1_1.0_224 mobilenet_v2_1.0_224 \
    --provider dawn --runs 30 --reuse-outputs --zero-copy 2>&1 | grep -v '^INFO: ' >> "$OUT/nodes.txt"
fi
# `RAMP=only`: those measurements without the report (~3 min, for a short device budget).
if [ "${RAMP:-0}" = only ]; then
  stop_clocks
  ls -la "$OUT"
  exit 0
fi

# 30 timed runs (2.5 s budget per configuration): each GPU configuration is ~1-2 s; the CPU, the
# reference and the peer stop at the budget.
timeout "${TIMEOUT_S:-470}" deno run --cached-only -A bench/report.ts \
  --size "${SIZE:-all}" --provider all --backends "${BACKENDS:-gpu,cpu,reference,cooperative}" --peers webgpu,wasm \
  --runs "${RUNS:-30}" --profile-runs 10 --budget-s "${BUDGET_S:-2.5}" \
  --deadline-s "${DEADLINE_S:-420}" --priority files --out "$OUT" 2>&1 |
  grep -v '^INFO: \|^WARNING: \[npu_registry' | tee "$OUT/report_log.txt"
status=${PIPESTATUS[0]}
stop_clocks
ls -la "$OUT"
[ -f "$OUT/report.md" ] && head -c 6000 "$OUT/report.md"
exit "$status"
