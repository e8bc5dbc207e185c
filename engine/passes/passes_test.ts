import { deepStrictEqual, ok, strictEqual } from "node:assert";
import { foldConstants } from "./fold_constants.ts";
import { removeIdentity } from "./remove_identity.ts";
import { mergePad } from "./merge_pad.ts";
import { foldMulAdd } from "./fold_mul_add.ts";
import { fuseActivations } from "./fuse_activation.ts";
import { fuseEpilogues } from "./fuse_epilogue.ts";
import { applyPasses } from "./mod.ts";
import { graphOf, maxDiff, randomFloats, runReference } from "./_test_util.ts";
import { refinePartition } from "../plan/partition.ts";
import { numberToF16Bits } from "../../kernels/_shared/tensor.ts";

const f32 = "float32" as const;

function conv(pad: "SAME" | "VALID", act = "NONE") {
  return graphOf((b) => {
    const x = b.input("x", f32, [1, 8, 8, 3]);
    const w = b.constant("w", f32, [4, 3, 3, 3], randomFloats(108, 2));
    const bias = b.constant("b", f32, [4], randomFloats(4, 3));
    const [y] = b.op("CONV_2D", [x, w, bias], [{
      dtype: f32,
      shape: [1, pad === "SAME" ? 8 : 6, pad === "SAME" ? 8 : 6, 4],
    }], {
      options: { padding: pad, strideW: 1, strideH: 1, fusedActivationFunction: act },
    });
    b.output(y);
  });
}

Deno.test("foldConstants() evaluates DEQUANTIZE of float16 weights at load", () => {
  const g = graphOf((b) => {
    const x = b.input("x", f32, [1, 4, 4, 2]);
    const half = new Uint16Array(4 * 2).map((_, i) => numberToF16Bits(i / 4 - 1));
    const wq = b.constant("wq", "float16", [4, 1, 1, 2], half);
    const [w] = b.op("DEQUANTIZE", [wq], [{ dtype: f32, shape: [4, 1, 1, 2] }]);
    const [y] = b.op("CONV_2D", [x, w, -1], [{ dtype: f32, shape: [1, 4, 4, 4] }], {
      options: { padding: "SAME", strideW: 1, strideH: 1 },
    });
    b.output(y);
  });
  const r = foldConstants(g);
  strictEqual(r.report.applied, 1);
  deepStrictEqual(r.graph.nodes.map((n) => n.op), ["CONV_2D"]);
  ok(maxDiff(runReference(g), runReference(r.graph)) === 0);
  strictEqual(g.nodes.length, 2, "the input graph is left unchanged");
});

Deno.test("removeIdentity() drops a same-shape RESHAPE and rewires its reader", () => {
  const g = graphOf((b) => {
    const x = b.input("x", f32, [1, 2, 2, 3]);
    const shape = b.constant("s", "int32", [4], new Int32Array([1, 2, 2, 3]));
    const [r] = b.op("RESHAPE", [x, shape], [{ dtype: f32, shape: [1, 2, 2, 3] }]);
    const [y] = b.op("RELU", [r], [{ dtype: f32, shape: [1, 2, 2, 3] }]);
    b.output(y);
  });
  const r = removeIdentity(g);
  deepStrictEqual(r.graph.nodes.map((n) => n.op), ["RELU"]);
  strictEqual(maxDiff(runReference(g), runReference(r.graph)), 0);
});

/** x [1, 8, 8, 3] -> PAD (`pads`, giving `padded`) -> VALID stride-1 CONV_2D of `filter` -> [1, 8, 8, 4]. */
function padThenConv(pads: number[], padded: number[], filter: number[]) {
  return graphOf((b) => {
    const x = b.input("x", f32, [1, 8, 8, 3]);
    const p0 = b.constant("p", "int32", [4, 2], new Int32Array(pads));
    const [p] = b.op("PAD", [x, p0], [{ dtype: f32, shape: padded }]);
    const n = filter.reduce((a, d) => a * d, 1);
    const w = b.constant("w", f32, filter, randomFloats(n, 2));
    const [y] = b.op("CONV_2D", [p, w, -1], [{ dtype: f32, shape: [1, 8, 8, 4] }], {
      options: { padding: "VALID", strideW: 1, strideH: 1 },
    });
    b.output(y);
  });
}

Deno.test("mergePad() folds SAME-equivalent zero padding into a VALID convolution", () => {
  const g = padThenConv([0, 0, 1, 1, 1, 1, 0, 0], [1, 10, 10, 3], [4, 3, 3, 3]);
  const r = mergePad(g);
  strictEqual(r.report.applied, 1);
  deepStrictEqual(r.graph.nodes.map((n) => n.op), ["CONV_2D"]);
  ok(maxDiff(runReference(g), runReference(r.graph)) < 1e-6);
});

Deno.test("mergePad() folds padding SAME would not add as explicit padding, and declines channel padding", () => {
  const g = padThenConv([0, 0, 2, 0, 2, 0, 0, 0], [1, 10, 10, 3], [4, 3, 3, 3]);
  const r = mergePad(g);
  strictEqual(r.report.applied, 1);
  deepStrictEqual(r.graph.nodes[0].raw.options.explicitPadding, [2, 0, 2, 0]);
  ok(maxDiff(runReference(g), runReference(r.graph)) < 1e-6);
  strictEqual(mergePad(g, { explicit: false }).report.applied, 0);
  const channels = padThenConv([0, 0, 0, 0, 0, 0, 0, 1], [1, 8, 8, 4], [4, 1, 1, 4]);
  strictEqual(mergePad(channels).report.applied, 0, "channel padding stays a PAD");
});

Deno.test("foldMulAdd() folds per-channel MUL and ADD constants into conv weights and bias", () => {
  const g = graphOf((b) => {
    const x = b.input("x", f32, [1, 8, 8, 3]);
    const w = b.constant("w", f32, [4, 3, 3, 3], randomFloats(108, 2));
    const bias = b.constant("b", f32, [4], randomFloats(4, 3));
    const [c] = b.op("CONV_2D", [x, w, bias], [{ dtype: f32, shape: [1, 8, 8, 4] }], {
      options: { padding: "SAME", strideW: 1, strideH: 1 },
    });
    const s = b.constant("s", f32, [4], new Float32Array([0.5, 2, -1, 3]));
    const [m] = b.op("MUL", [c, s], [{ dtype: f32, shape: [1, 8, 8, 4] }]);
    const a = b.constant("a", f32, [4], new Float32Array([1, -2, 0.25, 0]));
    const [y] = b.op("ADD", [m, a], [{ dtype: f32, shape: [1, 8, 8, 4] }], {
      options: { fusedActivationFunction: "RELU" },
    });
    b.output(y);
  });
  const r = foldMulAdd(g);
  strictEqual(r.report.applied, 1, "the ADD carries an activation, so only the MUL folds");
  deepStrictEqual(r.graph.nodes.map((n) => n.op), ["CONV_2D", "ADD"]);
  ok(maxDiff(runReference(g), runReference(r.graph)) < 1e-5);
});

Deno.test("fuseActivations() moves a RELU6 node into the conv's fused activation", () => {
  const g0 = conv("SAME");
  const g = graphOf((b) => {
    const x = b.input("x", f32, [1, 8, 8, 3]);
    const w = b.constant("w", f32, [4, 3, 3, 3], randomFloats(108, 2));
    const [c] = b.op("CONV_2D", [x, w, -1], [{ dtype: f32, shape: [1, 8, 8, 4] }], {
      options: { padding: "SAME", strideW: 1, strideH: 1 },
    });
    const [y] = b.op("RELU6", [c], [{ dtype: f32, shape: [1, 8, 8, 4] }]);
    b.output(y);
  });
  const r = fuseActivations(g);
  deepStrictEqual(r.graph.nodes.map((n) => n.op), ["CONV_2D"]);
  strictEqual(r.graph.nodes[0].raw.options.fusedActivationFunction, "RELU6");
  strictEqual(maxDiff(runReference(g), runReference(r.graph)), 0);
  strictEqual(fuseActivations(g0).report.applied, 0);
});

Deno.test("fuseEpilogues() appends a residual ADD to the producing conv, and not when the operand comes later", () => {
  const g = graphOf((b) => {
    const x = b.input("x", f32, [1, 8, 8, 4]);
    const w = b.constant("w", f32, [4, 1, 1, 4], randomFloats(16, 2));
    const [c] = b.op("CONV_2D", [x, w, -1], [{ dtype: f32, shape: [1, 8, 8, 4] }], {
      options: { padding: "SAME", strideW: 1, strideH: 1 },
    });
    const [y] = b.op("ADD", [c, x], [{ dtype: f32, shape: [1, 8, 8, 4] }], {
      options: { fusedActivationFunction: "RELU" },
    });
    b.output(y);
  });
  const r = fuseEpilogues(g);
  deepStrictEqual(r.graph.nodes.map((n) => n.op), ["CONV_2D"]);
  deepStrictEqual(r.graph.nodes[0].epilogue.map((e) => e.op), ["ADD"]);
  ok(maxDiff(runReference(g), runReference(r.graph)) < 1e-6);
  const late = graphOf((b) => {
    const x = b.input("x", f32, [1, 4, 4, 4]);
    const [c] = b.op("RELU", [x], [{ dtype: f32, shape: [1, 4, 4, 4] }]);
    const [d] = b.op("LOGISTIC", [x], [{ dtype: f32, shape: [1, 4, 4, 4] }]);
    const [y] = b.op("SUB", [c, d], [{ dtype: f32, shape: [1, 4, 4, 4] }]);
    b.output(y);
  });
  const lr = fuseEpilogues(late);
  ok(
    lr.graph.nodes.some((n) => n.op === "RELU" && n.epilogue.length === 0),
    "RELU runs before its operand exists",
  );
  ok(maxDiff(runReference(late), runReference(lr.graph)) < 1e-6);
});

Deno.test("applyPasses() keeps every output of the graph", () => {
  const g = conv("VALID", "RELU");
  const r = applyPasses(g);
  strictEqual(r.reports.length, 7);
  ok(maxDiff(runReference(g), runReference(r.graph)) === 0);
});

Deno.test("refinePartition() moves stranded cheap GPU runs to the CPU and keeps expensive ones", () => {
  const cpu = { op: "CUSTOM_X", backend: "cpu" as const, elements: 10, cheap: false };
  const moved = refinePartition([
    cpu,
    { op: "RESHAPE", backend: "gpu", elements: 10, cheap: true },
    cpu,
    { op: "CONV_2D", backend: "gpu", elements: 10, cheap: false },
    cpu,
    { op: "ADD", backend: "gpu", elements: 1e7, cheap: true },
  ]);
  deepStrictEqual([...moved], [1]);
  deepStrictEqual(
    [...refinePartition([{ op: "ADD", backend: "gpu", elements: 4, cheap: true }])],
    [],
  );
});
