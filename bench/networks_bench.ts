// Whole networks, GPU vs CPU: `deno bench -A bench/networks_bench.ts`.
//
// One `Deno.bench` group per network; the CPU backend on one thread is the group's baseline, so
// `deno bench` prints each GPU provider's speedup over it. Each timed iteration is one `session.run`: input upload, the
// inference and output readback; sessions are created (and shaders compiled) outside the timing, and
// Deno's warm-up iterations are not counted. `GPULITE_BENCH=full` (or `all`) selects the full-size
// networks; the default `tiny` is what CI's software GPU (lavapipe) can afford. The reference runs on
// tiny networks only. `GPULITE_BENCH_N` sets the timed iterations (default 10).
// `GPULITE_BENCH_MODELS=a.tflite,dir` benchmarks those model files (a folder: its .tflite files)
// instead of the catalogue.

import { createSession, type Session, type SessionOptions } from "../engine/session.ts";
import { acquireDevice, type GpuContext } from "../engine/backends/gpu/device.ts";
import { supportOf } from "../kernels/registry.ts";
import { opName } from "../core/ir.ts";
import type { HostTensor } from "../core/kernel.ts";
import type { Model } from "../core/ir.ts";
import { benchNetworks, makeInput, type SizeSelection } from "./networks.ts";
import { envModelFiles, fileNetworks } from "./model_files.ts";

const SIZE = (Deno.env.get("GPULITE_BENCH") ?? "tiny") as SizeSelection;
const N = Number(Deno.env.get("GPULITE_BENCH_N") ?? 10);

async function device(provider: "deno" | "dawn"): Promise<GpuContext | undefined> {
  try {
    return await acquireDevice({ provider });
  } catch (e) {
    console.error(`networks_bench: no ${provider} GPU: ${(e as Error).message}`);
    return undefined;
  }
}

const gpus = [
  ["deno", await device("deno")],
  ["dawn", await device("dawn")],
] as const;

function inputsOf(model: Model): HostTensor[] {
  const g = model.subgraphs[0];
  return g.inputs.map((t) => ({
    dtype: g.tensors[t].dtype as HostTensor["dtype"],
    shape: [...g.tensors[t].shape],
    data: makeInput(g.tensors[t].dtype, g.tensors[t].shape),
  }));
}

function benchSession(
  id: string,
  group: string,
  model: Model,
  options: SessionOptions & { baseline?: boolean; ignore?: boolean },
): void {
  let session: Session | undefined;
  const feed = inputsOf(model);
  Deno.bench({
    name: `${group} ${id}`,
    group,
    baseline: options.baseline,
    ignore: options.ignore,
    n: N,
    warmup: 2,
    async fn(b) {
      session ??= await createSession(model, options);
      b.start();
      await session.run(feed);
      b.end();
    },
  });
}

const FILES = envModelFiles();
for (const net of FILES.length ? fileNetworks(FILES) : benchNetworks({ size: SIZE })) {
  let model: Model;
  try {
    model = (await net.load()).model;
  } catch (e) {
    console.error(`networks_bench: skipping ${net.id}: ${(e as Error).message}`);
    continue;
  }
  const missing = [...new Set(model.subgraphs[0].nodes.map(opName))].filter((op) =>
    !supportOf(op).reference
  );
  const ignore = missing.length > 0;
  if (ignore) {
    console.error(`networks_bench: ignoring ${net.id}: no kernel for ${missing.join(", ")}`);
  }
  const threads = navigator.hardwareConcurrency || 1;
  benchSession("cpu/1t", net.id, model, { backend: "cpu", threads: 1, baseline: true, ignore });
  if (threads > 1) {
    benchSession(`cpu/${threads}t`, net.id, model, { backend: "cpu", threads, ignore });
  }
  if (net.size === "tiny") {
    benchSession("reference", net.id, model, { backend: "reference", ignore });
  }
  for (const [provider, ctx] of gpus) {
    if (ctx) {
      benchSession(`gpu/${provider}`, net.id, model, { backend: "gpu", device: ctx, ignore });
    }
  }
}
