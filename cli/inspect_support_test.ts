import assert from "node:assert/strict";
import type { DType, Quantization } from "../core/ir.ts";
import { GraphBuilder } from "../format/tflite/builder.ts";
import { formatSummary, inspectModel } from "./inspect.ts";
import type { DtypeSupport } from "./inspect_support.ts";

const q = (scale: number, zeroPoint: number): Quantization => ({
  scale: [scale],
  zeroPoint: [zeroPoint],
  quantizedDimension: 0,
});

/** One op over an activation of `dtype`, with the extra constant inputs it needs. */
interface Row {
  what: string;
  op: string;
  dtype: DType;
  consts?: [DType, number[], ArrayBufferView][];
  out: number[];
  outQ?: Quantization;
  expect: Omit<DtypeSupport, "reason" | "nodes">;
  text: string;
}

const ROWS: Row[] = [
  {
    what: "an 8-bit convolution runs everywhere, on the GPU dequantized",
    op: "CONV_2D",
    dtype: "uint8",
    consts: [
      ["uint8", [2, 1, 1, 4], new Uint8Array(8).fill(130)],
      ["int32", [2], new Int32Array(2)],
    ],
    out: [1, 3, 3, 2],
    outQ: q(0.05, 128),
    expect: { dtype: "uint8", reference: true, cpu: true, gpu: true },
    text: "uint8: gpu (dequantized), cpu, reference",
  },
  {
    what: "an 8-bit LOGISTIC has an integer reference and no fast cpu kernel",
    op: "LOGISTIC",
    dtype: "int8",
    out: [1, 3, 3, 4],
    outQ: q(1 / 256, -128),
    expect: { dtype: "int8", reference: true, cpu: false, gpu: true },
    text: "int8: gpu (dequantized), cpu (reference), reference",
  },
  {
    what: "an 8-bit op without an 8-bit kernel is unsupported with the reason",
    op: "EXP",
    dtype: "uint8",
    out: [1, 3, 3, 4],
    outQ: q(0.1, 0),
    expect: { dtype: "uint8", reference: false, cpu: false, gpu: false },
    text: "uint8: unsupported (",
  },
  {
    what: "a float op keeps its float kernels (the fast cpu one too)",
    op: "LOGISTIC",
    dtype: "float32",
    out: [1, 3, 3, 4],
    expect: { dtype: "float32", reference: true, cpu: true, gpu: true },
    text: "float32: gpu, cpu, reference",
  },
];

function oneOp(r: Row) {
  const g = new GraphBuilder();
  const eight = r.dtype !== "float32";
  const x = g.input("x", r.dtype, [1, 3, 3, 4], eight ? { quantization: q(0.1, 3) } : undefined);
  const consts = (r.consts ?? []).map(([dtype, shape, data], i) =>
    g.constant(`c${i}`, dtype, shape, data, {
      quantization: dtype === "int32" ? q(0.1 * 0.01, 0) : q(0.01, 128),
    })
  );
  const [y] = g.op(r.op, [x, ...consts], [{
    dtype: r.dtype,
    shape: r.out,
    ...(r.outQ ? { quantization: r.outQ } : {}),
  }], { options: r.op === "CONV_2D" ? { padding: "SAME", strideW: 1, strideH: 1 } : {} });
  g.output(y);
  return g.build();
}

for (const r of ROWS) {
  Deno.test(`inspect support: ${r.what}`, async () => {
    const s = await inspectModel(oneOp(r));
    const info = s.support[r.op];
    assert.ok(info !== "unknown" && info.dtypes, "support per dtype");
    const [d] = info.dtypes!;
    assert.deepEqual(
      { dtype: d.dtype, reference: d.reference, cpu: d.cpu, gpu: d.gpu },
      r.expect,
    );
    assert.equal(info.gpu, r.expect.gpu);
    assert.ok(formatSummary("m.tflite", s).includes(r.text), formatSummary("m.tflite", s));
  });
}

Deno.test("inspect support lists an op's float and 8-bit nodes apart", async () => {
  const g = new GraphBuilder();
  const x = g.input("x", "float32", [1, 8]);
  const a = g.op("LOGISTIC", [x], [{ dtype: "float32", shape: [1, 8] }])[0];
  const b = g.op("QUANTIZE", [a], [{ dtype: "uint8", shape: [1, 8], quantization: q(0.1, 0) }])[0];
  const c = g.op("LOGISTIC", [b], [{
    dtype: "uint8",
    shape: [1, 8],
    quantization: q(1 / 256, 0),
  }])[0];
  g.output(c);
  const s = await inspectModel(g.build());
  const info = s.support.LOGISTIC;
  assert.ok(info !== "unknown");
  assert.deepEqual(info.dtypes!.map((d) => [d.dtype, d.nodes]), [["float32", 1], ["uint8", 1]]);
});
