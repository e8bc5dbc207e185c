/**
 * Where the `read` phase of a large output goes: one mapped readback buffer of DeepLab's output size
 * (257x257x21 f32, 5.5 MB) read back `--runs` times, timing `mapAsync` (after a copy into it), then
 * three ways of taking the bytes out of the mapped range: `slice` (what the executor does), `set`
 * into an array made once, and `set` into an array made per run (allocation plus copy), and the
 * allocation alone. Tells whether slow reads come from the mapped memory or from fresh arrays.
 *
 * ```sh
 * deno run -A scripts/readback_probe.ts --provider dawn [--bytes 5548116] [--runs 30]
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import { acquireDevice } from "../engine/backends/gpu/device.ts";
import { median } from "../core/stats.ts";
import type { GpuProvider } from "../engine/backends/gpu/device.ts";

/** Median milliseconds of each way of reading a mapped range. */
export interface ReadbackTimes {
  /** Bytes read per run. */
  bytes: number;
  /** copyBufferToBuffer + submit + mapAsync resolved. */
  map: number;
  /** `mapped.slice(0, bytes)`. */
  slice: number;
  /** `kept.set(new Uint8Array(mapped))` into an array made once. */
  setKept: number;
  /** A new array per run, then `set`. */
  setFresh: number;
  /** `new Uint8Array(bytes)` alone. */
  alloc: number;
}

/**
 * Times the ways of reading one mapped buffer on a device.
 *
 * @example
 * ```ts ignore
 * const t = await probeReadback(await acquireDevice(), { bytes: 1 << 20, runs: 5 });
 * ```
 *
 * @param gpu The device.
 * @param options Bytes per readback and runs.
 * @returns Median milliseconds per way.
 */
export async function probeReadback(
  gpu: { device: GPUDevice },
  options: { bytes: number; runs: number },
): Promise<ReadbackTimes> {
  const { device } = gpu;
  const bytes = Math.ceil(options.bytes / 4) * 4;
  const src = device.createBuffer({
    size: bytes,
    usage: GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
  });
  device.queue.writeBuffer(src, 0, new Uint8Array(bytes).fill(7));
  const dst = device.createBuffer({
    size: bytes,
    usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ,
  });
  const kept = new Uint8Array(bytes);
  const t = { map: [] as number[], slice: [], setKept: [], setFresh: [], alloc: [] } as Record<
    keyof Omit<ReadbackTimes, "bytes">,
    number[]
  >;
  let check = 0;
  for (let i = 0; i < options.runs + 2; i++) {
    const t0 = performance.now();
    const enc = device.createCommandEncoder();
    enc.copyBufferToBuffer(src, 0, dst, 0, bytes);
    device.queue.submit([enc.finish()]);
    await dst.mapAsync(GPUMapMode.READ);
    const mapped = dst.getMappedRange();
    const t1 = performance.now();
    const sliced = mapped.slice(0, bytes);
    const t2 = performance.now();
    kept.set(new Uint8Array(mapped));
    const t3 = performance.now();
    const fresh = new Uint8Array(bytes);
    fresh.set(new Uint8Array(mapped));
    const t4 = performance.now();
    const alone = new Uint8Array(bytes);
    const t5 = performance.now();
    dst.unmap();
    check += new Uint8Array(sliced)[bytes - 1] + fresh[0] + kept[1] + alone.length;
    if (i < 2) continue;
    t.map.push(t1 - t0);
    t.slice.push(t2 - t1);
    t.setKept.push(t3 - t2);
    t.setFresh.push(t4 - t3);
    t.alloc.push(t5 - t4);
  }
  src.destroy();
  dst.destroy();
  if (check === 0) throw new Error("the readback read nothing");
  return {
    bytes,
    map: median(t.map),
    slice: median(t.slice),
    setKept: median(t.setKept),
    setFresh: median(t.setFresh),
    alloc: median(t.alloc),
  };
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      provider: { type: "string", default: "deno" },
      bytes: { type: "string", default: String(257 * 257 * 21 * 4) },
      runs: { type: "string", default: "30" },
    },
  });
  const gpu = await acquireDevice({ provider: values.provider as GpuProvider });
  const r = await probeReadback(gpu, { bytes: Number(values.bytes), runs: Number(values.runs) });
  console.log(
    `readback ${values.provider} (${gpu.adapterName}), ${r.bytes} bytes, median ms: ` +
      `map ${r.map.toFixed(3)}, slice ${r.slice.toFixed(3)}, set into a kept array ${
        r.setKept.toFixed(3)
      }, new array + set ${r.setFresh.toFixed(3)}, allocation alone ${r.alloc.toFixed(3)}`,
  );
  console.log(JSON.stringify({ provider: values.provider, adapter: gpu.adapterName, ...r }));
  gpu.device.destroy();
}
