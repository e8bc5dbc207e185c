/**
 * GPU latency of every memory choice: for each network (the real files of the catalogue and the
 * full-size built networks unless named), the best plan in the model's order, in-place execution,
 * reordering + in-place, concatenation in place and every lever together, each run as its own
 * session: peak intermediate bytes, median latency, latency against the best plan in the model's
 * order, and whether the outputs are bit-identical to the default plan's. The lower bounds come with
 * each network.
 *
 * ```sh
 * deno run -A scripts/memory_levers_gpu.ts [NETWORK...] [--provider deno|dawn] [--runs N] [--json FILE]
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import { createSession, sessionInternals } from "../engine/session.ts";
import { acquireDevice, type GpuProvider } from "../engine/backends/gpu/device.ts";
import type { HostTensor } from "../core/kernel.ts";
import { benchNetworks, makeInput } from "../bench/networks.ts";
import { type LeversResult, measureLevers } from "../bench/memory_levers.ts";

const { values, positionals } = parseArgs({
  args: Deno.args,
  allowPositionals: true,
  options: {
    provider: { type: "string", default: "deno" },
    runs: { type: "string", default: "30" },
    json: { type: "string" },
  },
});
const provider = values.provider as GpuProvider;
const runs = Number(values.runs);
const nets = positionals.length
  ? benchNetworks({ names: positionals })
  : benchNetworks({ size: "full" });
const gpu = await acquireDevice({ provider });
const mib = (b: number) => (b / 2 ** 20).toFixed(3);
const results: { id: string; levers?: LeversResult; error?: string }[] = [];
console.log(`# Memory levers on the GPU (${provider}, ${gpu.summary})\n`);
console.log(
  "| network | choice | MiB | vs model-order bound | strategy | in-place / concat nodes | ms median | vs best | outputs |",
);
console.log("| --- | --- | ---: | ---: | --- | ---: | ---: | ---: | --- |");
for (const net of nets) {
  let session;
  try {
    const { model } = await net.load();
    session = await createSession(model, { backend: "gpu", device: gpu });
    const feed: HostTensor[] = session.inputs.map((i) => ({
      dtype: i.dtype as HostTensor["dtype"],
      shape: [...i.shape],
      data: makeInput(i.dtype, i.shape),
    }));
    const want = await session.run(feed);
    const l = await measureLevers({
      model,
      graph: sessionInternals(session).graph,
      gpu,
      feed,
      want,
      timing: { runs },
      log: (m) => console.error(`${net.id}: ${m}`),
    });
    results.push({ id: net.id, levers: l });
    const base = l.rows[0].latency?.median;
    console.log(
      `| ${net.id} | bounds: model order ${mib(l.fixedOrderBound)}, with concat in place ${
        mib(l.concatBound)
      }, any order ${mib(l.anyOrderBound)}, any order with concat in place ${
        mib(l.anyOrderConcatBound)
      } | | | | | | | |`,
    );
    for (const r of l.rows) {
      const ms = r.latency?.median;
      console.log(
        `| ${net.id} | ${r.label}${r.reordered ? " (reordered)" : ""} | ${mib(r.bytes)} | ${
          (100 * (r.bytes - l.fixedOrderBound) / (l.fixedOrderBound || 1)).toFixed(1)
        }% | ${r.strategy} | ${r.inPlacePairs} / ${r.concatNodes} | ${
          r.error ? `failed: ${r.error}` : ms?.toFixed(3) ?? "—"
        } | ${ms && base ? (ms / base).toFixed(3) : "—"} | ${
          r.identical === undefined ? "—" : r.identical ? "identical" : "DIFFER"
        } |`,
      );
    }
  } catch (e) {
    results.push({ id: net.id, error: (e as Error).message.split("\n")[0] });
    console.log(`| ${net.id} | failed: ${(e as Error).message.split("\n")[0]} | | | | | | | |`);
  } finally {
    session?.dispose();
  }
}
const below = results.flatMap((r) => {
  const l = r.levers;
  if (!l) return [];
  const least = Math.min(...l.rows.map((x) => x.bytes));
  return least < l.fixedOrderBound
    ? [`${r.id} ${mib(least)} MiB (-${(100 * (1 - least / l.fixedOrderBound)).toFixed(1)}%)`]
    : [];
});
console.log(`\nStrictly below the model-order bound: ${below.join(", ") || "none"}.`);
if (values.json) {
  await Deno.writeTextFile(values.json, JSON.stringify({ provider, results }, null, 2));
}
gpu.device.destroy();
