/**
 * 8-bit networks on gpulite's integer reference and CPU backend against TensorFlow Lite's classic
 * interpreter running its builtin kernels (XNNPack kept off: `peers/tflite_interpreter.ts`,
 * `xnnpack: false`), the same interpreter with its default XNNPack delegate, and LiteRT.js Wasm,
 * from several seeded inputs. Reports per output the largest difference in quantized units
 * (LSB; absolute for float outputs that no DEQUANTIZE makes), the elements that differ and the
 * rows whose argmax agrees; where gpulite and the builtin kernels differ, the first node whose
 * output differs (every intermediate tensor made a graph output of both runs) and, for the
 * networks gpulite quantized, every node run alone. With `--gpu`, also the GPU backend's float
 * path (f32 and f16) against gpulite's integer reference.
 *
 * The models: every `.tflite` in `../shared/models/quantized/` (and the detector before its
 * post-processing), the catalogue's float networks quantized by gpulite (int8 per-channel and
 * uint8 per-tensor, float32 in and out), and the one-op models of `scripts/_quant_models.ts`.
 *
 * ```sh
 * deno run -A scripts/quant_vs_tflite.ts [--seeds 3] [--out docs/results/quant] [--quick]
 *   [--gpu] [--provider deno|dawn]
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import { readModel, writeModel } from "../format/tflite/mod.ts";
import { quantizeGraphs, type QuantScheme } from "../engine/quantize/calibrate.ts";
import { randomInputSets } from "../engine/quantize/measure.ts";
import { buildNetwork } from "../models/catalog.ts";
import { quantOpModels } from "./_quant_models.ts";
import { opName } from "../core/ir.ts";
import { beforePostprocess, lsbOf } from "./quant_vs_litert.ts";
import {
  type Agreement,
  type Case,
  compareCase,
  compareGpu,
  type FirstDifference,
  firstDifference,
  type NodeSweep,
  nodeSweep,
  type Peer,
  type Side,
} from "./_quant_agreement.ts";

/**
 * Float networks quantized by gpulite (two seeded random calibration sets, as `cli quantize`
 * without input files): built ones from the catalogue and real files from `shared/models/networks`.
 */
function gpuliteQuantized(quick: boolean): Case[] {
  const networks = new URL("../../shared/models/networks/", import.meta.url);
  const nets: [string, QuantScheme][] = [
    ["mobilenet_v2_tiny", "int8"],
    ["mobilenet_v2_tiny", "uint8"],
    ...(quick ? [] : [
      ["mobilenet_v1_0.25_224.tflite", "int8"],
      ["facedetector_front.tflite", "int8"],
      ["deeplabv3_257_mv_gpu.tflite", "int8"],
      ["mobilenet_v2_1.0_224", "int8"],
    ] as [string, QuantScheme][]),
  ];
  return nets.map(([name, scheme]) => {
    const source = name.endsWith(".tflite")
      ? readModel(Deno.readFileSync(new URL(name, networks)))
      : buildNetwork(name);
    const g = source.subgraphs[0];
    const calibration = randomInputSets(g.inputs.map((t) => g.tensors[t]), 2, 1);
    const q = quantizeGraphs(source, { calibration, scheme }).model;
    return { name: `${name} ${scheme} (gpulite quantize)`, bytes: writeModel(q), litert: true };
  });
}

/**
 * The model with the 8-bit tensors that its last DEQUANTIZE nodes read (those after which no
 * QUANTIZE follows) as its outputs, for networks whose outputs come from float ops after the 8-bit
 * part: differences then count in LSB.
 */
function at8BitEdges(c: Case): Case | undefined {
  const model = readModel(c.bytes);
  const g = model.subgraphs[0];
  if (g.outputs.every((t) => g.tensors[t].dtype !== "float32" || lsbOf(g, t))) return undefined;
  const requantized = new Set<number>();
  for (const n of [...g.nodes].reverse()) {
    const consumers = g.nodes.filter((m) => n.outputs.some((t) => m.inputs.includes(t)));
    if (consumers.some((m) => opName(m) === "QUANTIZE" || requantized.has(g.nodes.indexOf(m)))) {
      requantized.add(g.nodes.indexOf(n));
    }
  }
  const edges = g.nodes.filter((n, k) =>
    opName(n) === "DEQUANTIZE" && !g.tensors[n.inputs[0]].data && !requantized.has(k)
  ).map((n) => n.inputs[0]);
  if (edges.length === 0) return undefined;
  model.signatures = [];
  g.outputs = edges;
  // LiteRT.js exchanges no int8 tensors.
  return { name: `${c.name} at its 8-bit edges`, bytes: writeModel(model) };
}

function table(rows: Agreement[]): string {
  const lines = [
    "| model | output | gpulite | peer | elements | max diff | mean diff | unit | differing | argmax agrees |",
    "|---|---|---|---|---|---|---|---|---|---|",
  ];
  for (const r of rows) {
    const fmt = (v: number) => r.unit === "abs" ? v.toExponential(2) : `${+v.toFixed(4)}`;
    const max = r.error !== undefined ? `failed: ${r.error}` : fmt(r.maxDiff);
    lines.push(
      `| ${r.model} | ${r.output} | ${r.side} | ${r.peer} | ${r.elements} | ${max} | ${
        fmt(r.elements ? r.sumDiff / r.elements : 0)
      } | ${r.unit} | ${r.differing} | ${r.rows ? `${r.rowsAgree}/${r.rows}` : ""} |`,
    );
  }
  return lines.join("\n");
}

/** One summary line: the largest LSB difference of a side against a peer over some models. */
function summaryRow(
  rows: Agreement[],
  o: { side: Side; peer: Peer; models: Set<string>; label: string },
): string {
  const rs = rows.filter((r) => r.side === o.side && r.peer === o.peer && o.models.has(r.model));
  const lsb = rs.filter((r) => r.unit === "LSB" && r.error === undefined);
  const sum = (f: (r: Agreement) => number) => lsb.reduce((a, r) => a + f(r), 0);
  return `| ${o.side} | ${o.peer} | ${o.label} | ${Math.max(0, ...lsb.map((r) => r.maxDiff))} | ${
    sum((r) => r.differing)
  } / ${sum((r) => r.elements)} | ${sum((r) => r.rowsAgree)}/${sum((r) => r.rows)} | ${
    rs.filter((r) => r.error !== undefined).length
  } |`;
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      out: { type: "string", default: "docs/results/quant" },
      seeds: { type: "string", default: "3" },
      quick: { type: "boolean", default: false },
      gpu: { type: "boolean", default: false },
      provider: { type: "string", default: "deno" },
    },
  });
  const seeds = Array.from({ length: Number(values.seeds) }, (_, i) => 1234 + i);
  const dir = new URL("../../shared/models/quantized/", import.meta.url);
  const real: Case[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.name.endsWith(".tflite")) {
      real.push({ name: e.name, bytes: await Deno.readFile(new URL(e.name, dir)), litert: true });
    }
  }
  real.sort((a, b) => a.name.localeCompare(b.name));
  for (const c of [...real]) {
    const cut = beforePostprocess(c.bytes);
    if (cut) {
      real.push({
        name: `${c.name} before TFLite_Detection_PostProcess`,
        bytes: cut,
        litert: true,
      });
    }
  }
  const quantized = gpuliteQuantized(values.quick!);
  const ours = [
    ...quantized,
    ...quantized.map(at8BitEdges).filter((c): c is Case => c !== undefined),
  ];
  const ops = quantOpModels();
  const rows: Agreement[] = [];
  const firsts: FirstDifference[] = [];
  for (const c of [...real, ...ours, ...ops]) {
    const t0 = performance.now();
    const r = await compareCase(c, seeds, { ruyConv: !ops.includes(c) });
    rows.push(...r);
    const builtin = r.filter((a) => a.peer === "tflite builtin" && a.side === "reference");
    if (builtin.some((a) => a.maxDiff > 0)) {
      for (const seed of seeds) {
        const f = await firstDifference(c, seed);
        if (f.node || seed === seeds.at(-1)) {
          firsts.push(f);
          break;
        }
      }
    }
    console.log(`${c.name}: ${(performance.now() - t0).toFixed(0)} ms`);
  }
  const sweeps: NodeSweep[] = [];
  for (const c of ours) sweeps.push(await nodeSweep(c, seeds[0]));
  const gpuRows: Agreement[] = [];
  if (values.gpu) {
    for (const c of [...real, ...quantized]) {
      for (const precision of ["f32", "f16"] as const) {
        const t0 = performance.now();
        gpuRows.push(
          ...await compareGpu(c, seeds, {
            precision,
            provider: values.provider as "deno" | "dawn",
          }),
        );
        console.log(`${c.name} gpu ${precision}: ${(performance.now() - t0).toFixed(0)} ms`);
      }
    }
  }
  const names = (cs: Case[]) => new Set(cs.map((c) => c.name));
  const sums = [
    "| gpulite | peer | models | max diff (LSB) | differing elements | argmax agrees | peer failed |",
    "|---|---|---|---|---|---|---|",
  ];
  const groups: [string, Case[]][] = [
    ["real 8-bit files", real],
    ["gpulite-quantized networks", ours],
    ["one-op models", ops],
  ];
  for (const [label, cs] of groups) {
    for (const side of ["reference", "cpu", "reference, ruy conv"] as const) {
      for (const peer of ["tflite builtin", "tflite xnnpack", "litert.js"] as const) {
        if (peer === "litert.js" && cs === ops) continue;
        if (side === "reference, ruy conv" && (cs === ops || peer !== "tflite builtin")) continue;
        sums.push(summaryRow(rows, { side, peer, models: names(cs), label }));
      }
    }
  }
  if (values.gpu) {
    for (const [label, cs] of groups.slice(0, 2)) {
      for (const side of ["gpu f32", "gpu f16"] as const) {
        sums.push(
          summaryRow(gpuRows, { side, peer: "gpulite reference", models: names(cs), label }),
        );
      }
    }
  }
  const md = `# 8-bit models: gpulite vs TFLite's builtin kernels, XNNPack and LiteRT.js\n\n` +
    `Seeds ${seeds.join(", ")}; command: \`deno run -A scripts/quant_vs_tflite.ts${
      values.gpu ? " --gpu" : ""
    }\`. ` +
    `\`tflite builtin\`: TFLite's classic interpreter (@tensorflow/tfjs-tflite 0.0.1-alpha.10 Wasm) ` +
    `with its default XNNPack delegate kept off, so that every node runs TFLite's own kernels ` +
    `(fixed-point requantization); \`tflite xnnpack\`: the same interpreter as it comes, XNNPack ` +
    `taking the 8-bit CONV_2D, DEPTHWISE_CONV_2D, ADD and others (fp32 requantization); ` +
    `\`litert.js\`: @litertjs/core 2.5.3 Wasm (XNNPack). LSB: steps of the output's quantization ` +
    `(a float output made by a DEQUANTIZE: steps of the 8-bit tensor it reads); the detector's ` +
    `boxes, classes, scores and count and float outputs made by float ops after the 8-bit part are ` +
    `absolute differences and stay out of the summary (\`at its 8-bit edges\`: the same network ` +
    `with the 8-bit tensors its DEQUANTIZE nodes read as outputs).` +
    `\n\n## Summary\n\n${sums.join("\n")}\n\n` +
    `## Where gpulite's reference and TFLite's builtin kernels first differ\n\n` +
    (firsts.length
      ? "| model | seed | node | max diff |\n|---|---|---|---|\n" +
        firsts.map((f) => `| ${f.model} | ${f.seed} | ${f.node || "none"} | ${f.maxDiff} |`)
          .join("\n")
      : "Nowhere: every intermediate tensor agrees.") +
    `\n\n## Every node alone on TFLite's builtin kernels (gpulite-quantized networks)\n\n` +
    "| model | nodes | max diff (LSB) | differing elements | elements | ops that differ |\n" +
    "|---|---|---|---|---|---|\n" +
    sweeps.map((s) =>
      `| ${s.model} | ${s.nodes} | ${s.maxLsb} | ${s.differing} | ${s.elements} | ${
        Object.entries(s.byOp).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`).join(", ")
      } |`
    ).join("\n") +
    `\n\n## Every output\n\n${table(rows)}\n` +
    (values.gpu ? `\n## GPU float path against the integer reference\n\n${table(gpuRows)}\n` : "");
  console.log(md);
  await Deno.mkdir(values.out!, { recursive: true });
  await Deno.writeTextFile(
    `${values.out}/quant_vs_tflite.json`,
    JSON.stringify(
      { seeds, outputs: rows, gpu: gpuRows, firstDifferences: firsts, sweeps },
      null,
      1,
    ),
  );
  await Deno.writeTextFile(`${values.out}/quant_vs_tflite.md`, md);
}
