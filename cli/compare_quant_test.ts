import { deepStrictEqual, ok, strictEqual } from "node:assert";
import { join } from "node:path";
import { GraphBuilder, writeModel } from "../format/tflite/mod.ts";
import type { Quantization } from "../core/ir.ts";
import { compareCommand, type CompareSummary } from "./compare.ts";
import { fullRangeInputs, quantDifference } from "./compare_quant.ts";

const q = (scale: number | number[], zeroPoint: number, dim = 0): Quantization => {
  const s = Array.isArray(scale) ? scale : [scale];
  return { scale: s, zeroPoint: s.map(() => zeroPoint), quantizedDimension: dim };
};

const DIFFS: [
  string,
  number[],
  number[],
  Quantization,
  { lsb: number; dequantized: number; top1: boolean },
][] = [
  ["equal outputs", [1, 9, 3], [1, 9, 3], q(0.5, 0), { lsb: 0, dequantized: 0, top1: true }],
  ["a one-step difference", [1, 9, 4], [1, 9, 3], q(0.25, 7), {
    lsb: 1,
    dequantized: 0.25,
    top1: true,
  }],
  ["a moved maximum", [9, 1, 3], [1, 9, 3], q(0.5, 0), { lsb: 8, dequantized: 4, top1: false }],
  ["per-channel scales along the last axis", [0, 0, 4], [0, 0, 0], q([1, 1, 0.5], 0, 1), {
    lsb: 4,
    dequantized: 2,
    top1: false,
  }],
];

for (const [what, got, ref, quant, want] of DIFFS) {
  Deno.test(`quantDifference() measures ${what} in steps and dequantized`, () => {
    const t = (v: number[]) => ({
      dtype: "uint8" as const,
      shape: [1, 3],
      data: Uint8Array.from(v),
    });
    deepStrictEqual(quantDifference(t(got), t(ref), quant), want);
  });
}

Deno.test("fullRangeInputs() spreads 8-bit inputs over their range and keeps float ones", () => {
  const f = { dtype: "float32" as const, shape: [4], data: Float32Array.of(1, 2, 3, 4) };
  const [u, s, x] = fullRangeInputs([
    { dtype: "uint8", shape: [4000], data: new Uint8Array(4000) },
    { dtype: "int8", shape: [4000], data: new Int8Array(4000) },
    f,
  ], 1);
  const span = (a: ArrayLike<number>) => [Math.min(...Array.from(a)), Math.max(...Array.from(a))];
  deepStrictEqual(span(u.data as Uint8Array), [0, 255]);
  deepStrictEqual(span(s.data as Int8Array), [-128, 127]);
  strictEqual(x, f);
});

/** A one-op uint8 convolution model file. */
function convFile(): Uint8Array {
  const g = new GraphBuilder();
  const x = g.input("x", "uint8", [1, 6, 6, 8], { quantization: q(0.02, 128) });
  const w = g.constant(
    "w",
    "uint8",
    [4, 3, 3, 8],
    Uint8Array.from({ length: 288 }, (_, i) => (i * 37) % 256),
    {
      quantization: q(0.01, 120),
    },
  );
  const b = g.constant("b", "int32", [4], Int32Array.of(100, -200, 300, 0), {
    quantization: q(0.0002, 0),
  });
  const [y] = g.op("CONV_2D", [x, w, b], [{
    dtype: "uint8",
    shape: [1, 6, 6, 4],
    quantization: q(0.05, 100),
  }], {
    options: { padding: "SAME", strideW: 1, strideH: 1, fusedActivationFunction: "RELU6" },
  });
  g.output(y);
  return writeModel(g.build());
}

async function compare(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [], err: string[] = [];
  let code: number;
  try {
    code = await compareCommand.run(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  } catch (e) {
    err.push((e as Error).message);
    code = 2;
  }
  return { code, out, err };
}

const BACKENDS: [string, string[], number][] = [
  ["the cpu backend equals the integer reference (0 LSB)", ["--backend", "cpu"], 0],
  ["the GPU's dequantized run stays within its 3-LSB default", ["--backend", "gpu"], 3],
];

for (const [what, flags, bound] of BACKENDS) {
  Deno.test(`compare on an 8-bit model: ${what}`, async () => {
    const dir = await Deno.makeTempDir();
    try {
      const path = join(dir, "conv.tflite");
      await Deno.writeFile(path, convFile());
      const r = await compare([path, ...flags, "--json"]);
      strictEqual(r.code, 0, r.err.join("\n") + r.out.join("\n"));
      const s = JSON.parse(r.out[0]) as CompareSummary;
      strictEqual(s.lsbTolerance, bound);
      const [o] = s.outputs;
      ok(o.lsb !== undefined && o.lsb <= bound, JSON.stringify(o));
      ok(Math.abs(o.dequantized! - o.lsb * 0.05) < 1e-9, JSON.stringify(o));
      const text = await compare([path, ...flags]);
      ok(
        text.out.some((l) => / LSB \(tolerance \d\), dequantized max abs /.test(l)),
        text.out.join("\n"),
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}

Deno.test("compare --lsb takes whole steps only", async () => {
  for (const v of ["-1", "0.5", "x"]) {
    const r = await compare(["m.tflite", `--lsb=${v}`]);
    ok(r.code !== 0 && r.err.some((l) => l.includes("--lsb must be a whole number")), r.err.join());
  }
});
