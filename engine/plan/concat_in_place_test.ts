// Concatenation in place: which concatenations qualify (layout, activation, repeated inputs, graph
// inputs, nesting), how their records merge, and that real networks give bit-identical outputs on
// the GPU (lavapipe) and the CPU with the lever on.

import { deepStrictEqual, ok, strictEqual } from "node:assert";
import { buildExecGraph, type ExecGraph } from "../../core/exec_graph.ts";
import { GraphBuilder } from "../../format/tflite/mod.ts";
import { kernelFor } from "../../kernels/registry.ts";
import { buildNetwork } from "../../models/catalog.ts";
import { testDevice } from "../../conformance/testing.ts";
import { seededRandom } from "../../core/random.ts";
import { createSession, loadModel, sessionInternals } from "../session.ts";
import { CpuExecutor } from "../backends/cpu/executor.ts";
import type { Model } from "../../core/ir.ts";
import { buildPlan } from "./plan.ts";
import { planConcatInPlace } from "./concat_in_place.ts";

const f = (shape: number[]) => ({ dtype: "float32" as const, shape });

/** x -> ABS, NEG (two branches of `c1`, `c2` channels) -> CONCATENATION along `axis` -> ABS -> y. */
function branches(
  shapes: [number[], number[]],
  options: { axis?: number; activation?: string; repeat?: boolean } = {},
): ExecGraph {
  const g = new GraphBuilder();
  const x = g.input("x", "float32", shapes[0]);
  const [a] = g.op("ABS", [x], [f(shapes[0])]);
  const [b] = g.op("NEG", [x], [f(shapes[1])]);
  const axis = options.axis ?? 3;
  const out = [...shapes[0]];
  out[axis] = options.repeat ? 2 * shapes[0][axis] : shapes[0][axis] + shapes[1][axis];
  const [c] = g.op("CONCATENATION", options.repeat ? [a, a] : [a, b], [f(out)], {
    options: { axis, fusedActivationFunction: options.activation ?? "NONE" },
  });
  const [y] = g.op("ABS", [c], [f(out)]);
  g.output(y);
  return buildExecGraph(g.build().subgraphs[0], kernelFor);
}

Deno.test("planConcatInPlace() places whole-slice channel blocks on the GPU but not on the CPU", () => {
  const graph = branches([[1, 4, 4, 8], [1, 4, 4, 8]]);
  const gpu = buildPlan(graph, { strategy: "GPULITE_OFFSETS", concatInPlace: true });
  deepStrictEqual(gpu.memory!.concat!.nodes, [2]);
  deepStrictEqual(
    gpu.memory!.concat!.aliases.map((a) => [a.tensor, a.root, a.offset, a.bytes]),
    [[1, 3, 0, 512], [2, 3, 512, 512]],
  );
  strictEqual(gpu.programs[2]!.length, 0);
  // Each input's home is its block of the output's.
  const home = new Map(gpu.memory!.homes.map((h) => [h.tensor, h]));
  strictEqual(home.get(2)!.offset, home.get(3)!.offset + 512);
  // NHWC interleaves channels of every pixel: no block is contiguous.
  const cpu = buildPlan(graph, { backend: "cpu", concatInPlace: true });
  deepStrictEqual(cpu.memory!.concat!.nodes, []);
});

Deno.test("planConcatInPlace() declines channel blocks that do not start on a slice", () => {
  const odd = branches([[1, 4, 4, 6], [1, 4, 4, 8]]);
  deepStrictEqual(
    buildPlan(odd, { strategy: "GPULITE_OFFSETS", concatInPlace: true }).memory!
      .concat!.nodes,
    [],
  );
  // The last input may end in a partial slice: its padding lanes are the output's.
  const last = branches([[1, 4, 4, 8], [1, 4, 4, 6]]);
  deepStrictEqual(
    buildPlan(last, { strategy: "GPULITE_OFFSETS", concatInPlace: true }).memory!
      .concat!.nodes,
    [2],
  );
});

Deno.test("planConcatInPlace() declines fused activations, repeated inputs and objects plans", () => {
  const shapes: [number[], number[]] = [[1, 4, 4, 4], [1, 4, 4, 4]];
  const relu = branches(shapes, { activation: "RELU" });
  deepStrictEqual(
    buildPlan(relu, { strategy: "GPULITE_OFFSETS", concatInPlace: true }).memory!
      .concat!.nodes,
    [],
  );
  const twice = branches(shapes, { repeat: true });
  deepStrictEqual(
    buildPlan(twice, { strategy: "GPULITE_OFFSETS", concatInPlace: true }).memory!
      .concat!.nodes,
    [],
  );
  const plain = branches(shapes);
  strictEqual(
    buildPlan(plain, { strategy: "GREEDY_BY_SIZE", concatInPlace: true }).memory!.concat,
    undefined,
  );
});

Deno.test("planConcatInPlace() places outer-axis blocks in NHWC and PHWC4 only where they are contiguous", () => {
  // Height blocks: contiguous in NHWC (batch 1), and in PHWC4 only with one slice.
  const narrow = branches([[1, 2, 4, 4], [1, 3, 4, 4]], { axis: 1 });
  deepStrictEqual(
    buildPlan(narrow, { backend: "cpu", concatInPlace: true }).memory!.concat!
      .nodes,
    [2],
  );
  deepStrictEqual(
    buildPlan(narrow, { strategy: "GPULITE_OFFSETS", concatInPlace: true }).memory!
      .concat!.nodes,
    [2],
  );
  const wide = branches([[1, 2, 4, 8], [1, 3, 4, 8]], { axis: 1 });
  deepStrictEqual(
    buildPlan(wide, { strategy: "GPULITE_OFFSETS", concatInPlace: true }).memory!
      .concat!.nodes,
    [],
  );
  // Batch blocks are contiguous in both layouts; width blocks with a height above 1 in neither.
  const batch = branches([[1, 2, 2, 8], [2, 2, 2, 8]], { axis: 0 });
  deepStrictEqual(
    buildPlan(batch, { strategy: "GPULITE_OFFSETS", concatInPlace: true }).memory!
      .concat!.nodes,
    [2],
  );
  const width = branches([[1, 2, 2, 4], [1, 2, 3, 4]], { axis: 2 });
  deepStrictEqual(
    buildPlan(width, { backend: "cpu", concatInPlace: true }).memory!.concat!
      .nodes,
    [],
  );
});

Deno.test("planConcatInPlace() composes nested concatenations and never places a graph input", () => {
  const g = new GraphBuilder();
  const x = g.input("x", "float32", [1, 2, 2, 4]);
  const [a] = g.op("ABS", [x], [f([1, 2, 2, 4])]);
  const [b] = g.op("NEG", [x], [f([1, 2, 2, 4])]);
  const [ab] = g.op("CONCATENATION", [a, b], [f([1, 2, 2, 8])], { options: { axis: 3 } });
  const [c] = g.op("ABS", [x], [f([1, 2, 2, 4])]);
  const [abc] = g.op("CONCATENATION", [c, ab], [f([1, 2, 2, 12])], { options: { axis: 3 } });
  const [withX] = g.op("CONCATENATION", [x, abc], [f([1, 2, 2, 16])], { options: { axis: 3 } });
  g.output(withX);
  const graph = buildExecGraph(g.build().subgraphs[0], kernelFor);
  const p = planConcatInPlace(graph, {
    layout: "phwc4",
    bytes: (t) => graph.tensors[t].shape[3] / 4 * 64,
    movable: (t) => t !== x && t !== withX,
  });
  deepStrictEqual(p.nodes, [2, 4]);
  const at = new Map(p.aliases.map((a) => [a.tensor, [a.root, a.offset]]));
  deepStrictEqual(at.get(c), [abc, 0]);
  deepStrictEqual(at.get(ab), [abc, 64]);
  deepStrictEqual(at.get(a), [abc, 64]);
  deepStrictEqual(at.get(b), [abc, 128]);
  ok(!at.has(x));
});

Deno.test("in-place execution never writes over a tensor placed inside a concatenation", () => {
  // ABS(a) could overwrite `a` (it dies there) were `a` not a block of the concatenation's output.
  const g = new GraphBuilder();
  const x = g.input("x", "float32", [1, 2, 2, 4]);
  const [a] = g.op("NEG", [x], [f([1, 2, 2, 4])]);
  const [b] = g.op("NEG", [x], [f([1, 2, 2, 4])]);
  const [c] = g.op("CONCATENATION", [a, b], [f([1, 2, 2, 8])], { options: { axis: 3 } });
  const [d] = g.op("ABS", [a], [f([1, 2, 2, 4])]);
  const [e] = g.op("CONCATENATION", [c, d], [f([1, 2, 2, 12])], { options: { axis: 3 } });
  g.output(e);
  const graph = buildExecGraph(g.build().subgraphs[0], kernelFor);
  const options = { strategy: "GPULITE_OFFSETS", inPlace: true };
  ok(buildPlan(graph, options).memory!.inPlace.some(([, input]) => input === a));
  const plan = buildPlan(graph, { ...options, concatInPlace: true });
  deepStrictEqual(plan.memory!.concat!.nodes, [2]);
  ok(plan.memory!.inPlace.every(([, input]) => input !== a));
});

Deno.test("buildPlan() leaves out a concatenation whose group would raise the peak", () => {
  // a (256 bytes) is made first and joined last; a 1024-byte temporary dies before b is made, so
  // holding the joined 512 bytes from a's start would put 512 + 1024 + 64 above the 1344 peak.
  const pool = (k: number) => ({
    options: { padding: "VALID", strideW: k, strideH: k, filterWidth: k, filterHeight: k },
  });
  const g = new GraphBuilder();
  const x = g.input("x", "float32", [1, 8, 8, 4]);
  const [a] = g.op("MAX_POOL_2D", [x], [f([1, 4, 4, 4])], pool(2));
  const [t] = g.op("ABS", [x], [f([1, 8, 8, 4])]);
  const [u] = g.op("MAX_POOL_2D", [t], [f([1, 2, 2, 4])], pool(4));
  const size = g.constant("size", "int32", [2], new Int32Array([4, 4]));
  const [b] = g.op("RESIZE_NEAREST_NEIGHBOR", [u, size], [f([1, 4, 4, 4])]);
  const [c] = g.op("CONCATENATION", [a, b], [f([1, 4, 4, 8])], { options: { axis: 3 } });
  const [y] = g.op("ABS", [c], [f([1, 4, 4, 8])]);
  g.output(y);
  const graph = buildExecGraph(g.build().subgraphs[0], kernelFor);
  const options = { strategy: "GPULITE_OFFSETS" };
  const plain = buildPlan(graph, options);
  const lean = buildPlan(graph, { ...options, concatInPlace: true });
  strictEqual(plain.memory!.bytes, 1344);
  deepStrictEqual(lean.memory!.concat!.nodes, []);
  strictEqual(lean.memory!.bytes, 1344);
  // On its own the join qualifies: it is the peak check that leaves it out.
  const placement = planConcatInPlace(graph, {
    layout: "phwc4",
    bytes: (i) => lean.memory!.homes.find((h) => h.tensor === i)?.bytes ?? 0,
    movable: (i) => i !== x && i !== y && i !== size,
  });
  deepStrictEqual(placement.nodes, [4]);
});

function bytes(outs: { data: ArrayBufferView }[]): Uint8Array[] {
  return outs.map((o) => new Uint8Array(o.data.buffer, o.data.byteOffset, o.data.byteLength));
}

const DIR = new URL("../../../shared/models/networks/", import.meta.url);
const CASES: { name: string; model: () => Promise<Model>; backend: "gpu" | "cpu" }[] = [
  {
    name: "deeplabv3_257_mv_gpu",
    model: () => loadModel(new URL("deeplabv3_257_mv_gpu.tflite", DIR)),
    backend: "gpu",
  },
  {
    name: "facedetector_front",
    model: () => loadModel(new URL("facedetector_front.tflite", DIR)),
    backend: "cpu",
  },
  {
    name: "googlenet_tiny",
    model: () => Promise.resolve(buildNetwork("googlenet_tiny")),
    backend: "gpu",
  },
  {
    name: "ssd_mobilenet_v2_tiny",
    model: () => Promise.resolve(buildNetwork("ssd_mobilenet_v2_tiny")),
    backend: "cpu",
  },
  {
    name: "ssd_mobilenet_v2_tiny",
    model: () => Promise.resolve(buildNetwork("ssd_mobilenet_v2_tiny")),
    backend: "gpu",
  },
];

for (const c of CASES) {
  Deno.test({
    name: `${c.name} gives bit-identical outputs with concatenations in place on the ${c.backend}`,
    sanitizeResources: false,
    sanitizeOps: false,
    async fn() {
      const model = await c.model();
      const device = c.backend === "gpu" ? await testDevice() : undefined;
      const config = { backend: c.backend, strategy: "GPULITE_OFFSETS", device, threads: 2 };
      const plain = await createSession(model, config);
      const lean = await createSession(model, { ...config, concatInPlace: true, inPlace: true });
      try {
        const r = seededRandom(5);
        const inputs = plain.inputs.map((i) =>
          Float32Array.from({ length: i.shape.reduce((a, b) => a * b, 1) }, () => r() * 2 - 1)
        );
        const want = bytes(await plain.run(inputs));
        const got = bytes(await lean.run(inputs));
        const concat = sessionInternals(lean).plan!.memory!.concat!;
        ok(concat.nodes.length > 0, `${c.name} ${c.backend}: no concatenation ran in place`);
        ok(
          want.every((w, i) => w.length === got[i].length && w.every((b, j) => b === got[i][j])),
          `${c.name} ${c.backend}: outputs differ with ${concat.nodes.length} concatenations in place`,
        );
        if (c.backend !== "cpu") return;
        // The check has teeth: the first group's blocks swapped give other numbers.
        const plan = sessionInternals(lean).plan!;
        const [first, second] = concat.aliases.filter((a) => a.root === concat.aliases[0].root);
        const memory = {
          ...plan.memory!,
          homes: plan.memory!.homes.map((h) =>
            h.tensor === first.tensor
              ? { ...h, offset: h.offset - first.offset + second.offset }
              : h.tensor === second.tensor
              ? { ...h, offset: h.offset - second.offset + first.offset }
              : h
          ),
        };
        const swapped = await CpuExecutor.create(plan.graph, { threads: 1, memory });
        try {
          const bad = bytes(
            await swapped.run(inputs.map((data, i) => ({
              dtype: "float32" as const,
              shape: plain.inputs[i].shape,
              data,
            }))),
          );
          ok(bad.some((b, i) => b.some((x, j) => x !== want[i][j])), "swapped blocks went unseen");
        } finally {
          swapped.dispose();
        }
      } finally {
        plain.dispose();
        lean.dispose();
      }
    },
  });
}
