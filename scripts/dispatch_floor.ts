// What one dispatch costs the GPU and the host, apart from its work: N dispatches of a tiny kernel
// in one compute pass (GPU time from timestamps at the pass's start and end, host time of encoding
// and submitting), as a dependent chain (each reads what the previous wrote: the driver must put a
// barrier between them), as independent dispatches (each writes its own buffer), with more
// workgroups, and as N passes. The floor per dispatch bounds what a network of N nodes can reach.
// Then what compiling costs: `--compile K` distinct convolution-like shaders, each awaited in turn
// and then all requested at once (createComputePipelineAsync), to see whether compiles overlap.
// deno run -A scripts/dispatch_floor.ts [--provider dawn|deno] [--n 64] [--runs 20] [--compile 16]
import { parseArgs } from "node:util";
import { acquireDevice } from "../engine/backends/gpu/device.ts";
import { median } from "../core/stats.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    provider: { type: "string", default: "deno" },
    n: { type: "string", default: "64" },
    runs: { type: "string", default: "20" },
    compile: { type: "string", default: "16" },
  },
});
const n = Number(values.n);
const runs = Number(values.runs);
const gpu = await acquireDevice({ provider: values.provider as "deno" | "dawn" });
const device = gpu.device;
if (!device.features.has("timestamp-query")) throw new Error(`${gpu.summary}: no timestamp-query`);
console.log(`device: ${gpu.summary}; ${n} dispatches per pass, median of ${runs} runs`);

const module = device.createShaderModule({
  code: `@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) g: vec3u) {
  let i = g.x % arrayLength(&src);
  dst[g.x % arrayLength(&dst)] = src[i] * 0.5 + 1.0;
}`,
});
const pipeline = device.createComputePipeline({
  layout: "auto",
  compute: { module, entryPoint: "main" },
});
const size = 1 << 22;
const storage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC;
const ping = [
  device.createBuffer({ size, usage: storage }),
  device.createBuffer({ size, usage: storage }),
];
const own = Array.from({ length: n }, () => device.createBuffer({ size: 4096, usage: storage }));
const group = (src: GPUBuffer, dst: GPUBuffer) =>
  device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [{ binding: 0, resource: { buffer: src } }, { binding: 1, resource: { buffer: dst } }],
  });
const chain = Array.from({ length: n }, (_, i) => group(ping[i % 2], ping[(i + 1) % 2]));
const independent = own.map((b) => group(ping[0], b));
const queries = device.createQuerySet({ type: "timestamp", count: 2 * n });
const resolve = device.createBuffer({
  size: 16 * n,
  usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC,
});
const read = device.createBuffer({
  size: 16 * n,
  usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
});

interface Case {
  name: string;
  groups: GPUBindGroup[];
  workgroups: number;
  passes: boolean;
}
const cases: Case[] = [
  { name: "chain, 1 workgroup", groups: chain, workgroups: 1, passes: false },
  { name: "chain, 64 workgroups", groups: chain, workgroups: 64, passes: false },
  { name: "chain, 1024 workgroups", groups: chain, workgroups: 1024, passes: false },
  { name: "independent, 1 workgroup", groups: independent, workgroups: 1, passes: false },
  { name: "independent, 64 workgroups", groups: independent, workgroups: 64, passes: false },
  { name: "chain, 1 workgroup, a pass each", groups: chain, workgroups: 1, passes: true },
];

for (const c of cases) {
  const gpuMs: number[] = [];
  const encodeMs: number[] = [];
  const totalMs: number[] = [];
  for (let r = 0; r < runs + 2; r++) {
    const t0 = performance.now();
    const enc = device.createCommandEncoder();
    const count = c.passes ? n : 1;
    let pass: GPUComputePassEncoder | undefined;
    for (let i = 0; i < n; i++) {
      if (!pass) {
        const k = c.passes ? i : 0;
        pass = enc.beginComputePass({
          timestampWrites: {
            querySet: queries,
            beginningOfPassWriteIndex: 2 * k,
            endOfPassWriteIndex: 2 * k + 1,
          },
        });
      }
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, c.groups[i]);
      pass.dispatchWorkgroups(c.workgroups);
      if (c.passes || i === n - 1) {
        pass.end();
        pass = undefined;
      }
    }
    enc.resolveQuerySet(queries, 0, 2 * count, resolve, 0);
    enc.copyBufferToBuffer(resolve, 0, read, 0, 16 * count);
    const cb = enc.finish();
    const t1 = performance.now();
    device.queue.submit([cb]);
    await read.mapAsync(GPUMapMode.READ);
    const t2 = performance.now();
    const ts = new BigUint64Array(read.getMappedRange().slice(0));
    read.unmap();
    let ns = 0;
    for (let k = 0; k < count; k++) ns += Number(ts[2 * k + 1] - ts[2 * k]);
    if (r < 2) continue;
    gpuMs.push(ns / 1e6);
    encodeMs.push(t1 - t0);
    totalMs.push(t2 - t0);
  }
  const g = median(gpuMs);
  console.log(
    `${c.name.padEnd(34)} GPU ${g.toFixed(3)} ms (${(g * 1000 / n).toFixed(2)} us/dispatch), ` +
      `encode ${median(encodeMs).toFixed(3)} ms (${(median(encodeMs) * 1000 / n).toFixed(2)} ` +
      `us/dispatch), encode to mapped ${median(totalMs).toFixed(3)} ms`,
  );
}

/** A shader with the loop nest of a direct convolution; `seed` makes each one distinct. */
function convLike(seed: number): string {
  return `@group(0) @binding(0) var<storage, read> src: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read_write> dst: array<vec4<f32>>;
@compute @workgroup_size(8, 8, 1) fn main(@builtin(global_invocation_id) g: vec3u) {
  var acc = vec4<f32>(${seed}.0);
  for (var ky = 0u; ky < 3u; ky++) {
    for (var kx = 0u; kx < 3u; kx++) {
      for (var s = 0u; s < ${8 + (seed % 8)}u; s++) {
        let i = ((g.y + ky) * ${64 + seed}u + g.x + kx) * ${8 + (seed % 8)}u + s;
        let v = src[i % arrayLength(&src)];
        acc += v.x * vec4<f32>(0.5, 0.25, 0.125, ${seed}.0) + v.y * vec4<f32>(1.5) + v.z * v.w;
      }
    }
  }
  dst[(g.y * ${64 + seed}u + g.x) % arrayLength(&dst)] = clamp(acc, vec4<f32>(0.0), vec4<f32>(6.0));
}`;
}
const k = Number(values.compile);
if (k > 0) {
  const compile = (seed: number) =>
    device.createComputePipelineAsync({
      layout: "auto",
      compute: { module: device.createShaderModule({ code: convLike(seed) }), entryPoint: "main" },
    });
  let t = performance.now();
  for (let i = 0; i < k; i++) await compile(1000 + i);
  const serial = performance.now() - t;
  t = performance.now();
  await Promise.all(Array.from({ length: k }, (_, i) => compile(2000 + i)));
  const together = performance.now() - t;
  t = performance.now();
  for (let i = 0; i < k; i++) {
    device.createComputePipeline({
      layout: "auto",
      compute: {
        module: device.createShaderModule({ code: convLike(3000 + i) }),
        entryPoint: "main",
      },
    });
  }
  const sync = performance.now() - t;
  console.log(
    `compile ${k} distinct shaders: one after another ${serial.toFixed(1)} ms ` +
      `(${(serial / k).toFixed(1)} ms each), all requested at once ${together.toFixed(1)} ms ` +
      `(${(serial / together).toFixed(2)}x), createComputePipeline ${sync.toFixed(1)} ms`,
  );
}
device.destroy();
