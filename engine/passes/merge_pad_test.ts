/**
 * PAD folded into the following convolution as explicit padding: every backend's kernels read the
 * padding through their indexing and give what the unfolded graph gives, float and 8-bit.
 */
import { deepStrictEqual, ok, strictEqual } from "node:assert";
import { GraphBuilder } from "../../format/tflite/mod.ts";
import type { Model, Quantization } from "../../core/ir.ts";
import type { HostTensor } from "../../core/kernel.ts";
import { createSession } from "../session.ts";
import { testDevice } from "../../conformance/testing.ts";
import { buildExecGraph } from "../../core/exec_graph.ts";
import { kernelFor } from "../../kernels/registry.ts";
import { mergePad } from "./merge_pad.ts";
import { seededRandom } from "../../core/random.ts";

interface PadCase {
  name: string;
  op: "CONV_2D" | "DEPTHWISE_CONV_2D";
  /** Input height, width, channels. */
  x: [number, number, number];
  /** [top, bottom, left, right]. */
  pads: [number, number, number, number];
  k: [number, number];
  stride: number;
  dilation?: number;
  /** Output channels (CONV_2D). */
  out?: number;
}

/** name, op, input [H, W, C], pads [top, bottom, left, right], kernel, stride, out channels (0:
 * depthwise), dilation. */
type Row = [
  string,
  PadCase["op"],
  PadCase["x"],
  PadCase["pads"],
  PadCase["k"],
  number,
  number?,
  number?,
];
const ROWS: Row[] = [
  // BlazePose's stride-2 depthwise layers: 1 or 2 on every side.
  ["dw 3x3 s2 pad 1", "DEPTHWISE_CONV_2D", [16, 16, 8], [1, 1, 1, 1], [3, 3], 2],
  ["dw 5x5 s2 pad 2", "DEPTHWISE_CONV_2D", [12, 12, 12], [2, 2, 2, 2], [5, 5], 2],
  ["dw 3x3 d2 pad 2,0,0,2", "DEPTHWISE_CONV_2D", [9, 7, 5], [2, 0, 0, 2], [3, 3], 1, 0, 2],
  // The RGB stem: 3 input channels, stride 2.
  ["conv 3x3 s2 pad 1 rgb", "CONV_2D", [16, 16, 3], [1, 1, 1, 1], [3, 3], 2, 8],
  ["conv 3x3 s1 pad 2,0,2,0", "CONV_2D", [8, 8, 6], [2, 0, 2, 0], [3, 3], 1, 4],
  ["conv 1x1 pad 1,0,0,1", "CONV_2D", [6, 6, 8], [1, 0, 0, 1], [1, 1], 1, 8],
];
const CASES: PadCase[] = ROWS.map(([name, op, x, pads, k, stride, out, dilation]) => ({
  name,
  op,
  x,
  pads,
  k,
  stride,
  out: out || undefined,
  dilation,
}));

const Q = (scale: number, zeroPoint: number): Quantization => ({
  scale: [scale],
  zeroPoint: [zeroPoint],
  quantizedDimension: 0,
});

/** `n` seeded values uniform in `[lo, hi)`. */
function seeded(n: number, seed: number, lo: number, hi: number): number[] {
  const r = seededRandom(seed);
  return Array.from({ length: n }, () => lo + r() * (hi - lo));
}

/** PAD -> convolution (VALID), float32 or uint8. */
function padConv(c: PadCase, dtype: "float32" | "uint8"): Model {
  const [H, W, C] = c.x;
  const [t, b, l, r] = c.pads;
  const d = c.dilation ?? 1;
  const O = c.op === "CONV_2D" ? c.out! : C;
  const eff = (k: number) => (k - 1) * d + 1;
  const oh = Math.floor((H + t + b - eff(c.k[0])) / c.stride) + 1;
  const ow = Math.floor((W + l + r - eff(c.k[1])) / c.stride) + 1;
  const q8 = dtype === "uint8";
  const qx = q8 ? { quantization: Q(0.05, 120) } : {};
  const g = new GraphBuilder();
  const x = g.input("x", dtype, [1, H, W, C], qx);
  const pads = g.constant("pads", "int32", [4, 2], new Int32Array([0, 0, t, b, l, r, 0, 0]));
  const [p] = g.op("PAD", [x, pads], [{ dtype, shape: [1, H + t + b, W + l + r, C], ...qx }]);
  const wShape = c.op === "CONV_2D" ? [O, c.k[0], c.k[1], C] : [1, c.k[0], c.k[1], C];
  const n = wShape.reduce((a, v) => a * v, 1);
  const wq = Q(0.02, 130);
  const w = q8
    ? g.constant("w", "uint8", wShape, Uint8Array.from(seeded(n, 3, 0, 255), Math.floor), {
      quantization: wq,
    })
    : g.constant("w", "float32", wShape, Float32Array.from(seeded(n, 3, -1, 1)));
  const bias = q8
    ? g.constant("b", "int32", [O], Int32Array.from(seeded(O, 5, -500, 500), Math.floor), {
      quantization: Q(0.05 * 0.02, 0),
    })
    : g.constant("b", "float32", [O], Float32Array.from(seeded(O, 5, -0.5, 0.5)));
  const options = {
    padding: "VALID",
    strideW: c.stride,
    strideH: c.stride,
    dilationWFactor: d,
    dilationHFactor: d,
    ...(c.op === "DEPTHWISE_CONV_2D" ? { depthMultiplier: 1 } : {}),
  };
  const [y] = g.op(c.op, [p, w, bias], [{
    dtype,
    shape: [1, oh, ow, O],
    ...(q8 ? { quantization: Q(0.08, 110) } : {}),
  }], { options });
  g.output(y);
  return g.build();
}

function input(c: PadCase, dtype: "float32" | "uint8"): HostTensor {
  const n = c.x[0] * c.x[1] * c.x[2];
  const v = seeded(n, 7, dtype === "uint8" ? 0 : -2, dtype === "uint8" ? 255 : 2);
  return dtype === "uint8"
    ? { dtype, shape: [1, ...c.x], data: Uint8Array.from(v, Math.floor) }
    : { dtype, shape: [1, ...c.x], data: Float32Array.from(v) };
}

Deno.test("mergePad() folds every non-negative spatial PAD into a VALID convolution, and only SAME's with explicit: false", () => {
  for (const c of CASES) {
    const g = buildExecGraph(padConv(c, "float32").subgraphs[0], kernelFor);
    const r = mergePad(g);
    strictEqual(r.report.applied, 1, c.name);
    deepStrictEqual(r.graph.nodes.map((n) => n.op), [c.op], c.name);
    deepStrictEqual(r.graph.nodes[0].raw.options.explicitPadding, c.pads, c.name);
    strictEqual(mergePad(g, { explicit: false }).report.applied, 0, c.name);
  }
});

/** The GPU's newer convolution kernels, which read the padding through the same geometry. */
const NEWER = { CONV_2D: "tiled", DEPTHWISE_CONV_2D: "column" };
const RUNS: {
  backend: "gpu" | "cpu" | "reference";
  label: string;
  variants?: Record<string, string>;
}[] = [
  ...(["gpu", "cpu", "reference"] as const).map((backend) => ({ backend, label: backend })),
  { backend: "gpu", label: "gpu tiled/column", variants: NEWER },
];

for (const { backend, label, variants } of RUNS) {
  for (const dtype of ["float32", "uint8"] as const) {
    Deno.test(`${label} ${dtype}: convolutions with a folded PAD match the unfolded graph`, async () => {
      const device = await testDevice();
      for (const c of CASES) {
        const model = padConv(c, dtype);
        const x = input(c, dtype);
        const plain = await createSession(model, { backend: "reference", passes: false });
        const [want] = await plain.run([x]);
        plain.dispose();
        const s = await createSession(model, { backend, device, threads: 1, variants });
        try {
          const merged = s.passes.find((p) => p.pass === "merge-pad");
          strictEqual(merged?.applied, 1, `${c.name}: the PAD folds`);
          const [got] = await s.run([x]);
          deepStrictEqual(got.shape, want.shape, c.name);
          let worst = 0;
          for (let i = 0; i < want.data.length; i++) {
            worst = Math.max(worst, Math.abs(Number(got.data[i]) - Number(want.data[i])));
          }
          // float: f32 rounding; uint8: the CPU and reference are exact, the GPU (float) within 1.
          const bound = dtype === "float32" ? 1e-4 : backend === "gpu" ? 1 : 0;
          ok(worst <= bound, `${c.name}: max difference ${worst} > ${bound}`);
        } finally {
          s.dispose();
        }
      }
    });
  }
}
