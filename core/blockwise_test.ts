import { ok, strictEqual, throws } from "node:assert";
import { readModelFile } from "../format/tflite/reader.ts";
import { dequantizeBlockwise } from "./blockwise.ts";
import { ModelFormatError } from "./errors.ts";
import type { Tensor } from "./ir.ts";

const FILE = new URL(
  "../../shared/models/ops/litert_test__qwen_fc_blockwise_quantized.tflite",
  import.meta.url,
);

/** float16 bits to a number, written out for the test. */
function half(h: number): number {
  const e = (h >> 10) & 31;
  const m = h & 1023;
  const v = e === 0 ? m * 2 ** -24 : (1 + m / 1024) * 2 ** (e - 15);
  return h & 0x8000 ? -v : v;
}

Deno.test("the qwen FC weights dequantize per block of 32 from int4 nibbles and f16 scales", async () => {
  const graph = (await readModelFile(FILE)).subgraphs[0];
  const w = graph.tensors[graph.nodes[0].inputs[1]];
  strictEqual(w.dtype, "int4");
  const bw = w.quantization!.blockwise!;
  strictEqual(bw.blockSize, 32);
  strictEqual(bw.zeroPoints, -1);
  const s = graph.tensors[bw.scales];
  const d = dequantizeBlockwise(w, graph.tensors).data as Float32Array;
  strictEqual(d.length, 1024 * 1024);
  const scaleBits = new Uint16Array(s.data!.slice().buffer);
  // Element (row 5, column 70): byte (5 * 1024 + 70) / 2, low nibble (even index); block 70 / 32.
  for (const [row, col] of [[0, 0], [0, 1], [5, 70], [1023, 1023]]) {
    const i = row * 1024 + col;
    const nibble = (w.data![i >> 1] >> (i % 2 ? 4 : 0)) & 15;
    const q = nibble >= 8 ? nibble - 16 : nibble;
    const scale = half(scaleBits[row * 32 + Math.floor(col / 32)]);
    ok(Math.abs(d[i] - scale * q) <= Math.abs(scale * q) * 1e-6, `(${row}, ${col})`);
  }
});

Deno.test("dequantizeBlockwise() refuses scales that do not give one value per block", () => {
  const w: Tensor = {
    name: "w",
    dtype: "int8",
    shape: [2, 4],
    data: new Uint8Array(8),
    quantization: {
      scale: [],
      zeroPoint: [],
      quantizedDimension: 0,
      blockwise: { scales: 1, zeroPoints: -1, blockSize: 2 },
    },
  };
  const s: Tensor = { name: "s", dtype: "float32", shape: [3], data: new Uint8Array(12) };
  throws(() => dequantizeBlockwise(w, [w, s]), ModelFormatError);
  const odd = {
    ...w,
    quantization: { ...w.quantization!, blockwise: { scales: 1, zeroPoints: -1, blockSize: 3 } },
  };
  throws(() => dequantizeBlockwise(odd, [odd, s]), /not a multiple of block size 3/);
});

Deno.test("dequantizeBlockwise() subtracts each block's zero point", () => {
  const w: Tensor = {
    name: "w",
    dtype: "int8",
    shape: [4],
    data: Uint8Array.of(3, 5, 10, 0),
    quantization: {
      scale: [],
      zeroPoint: [],
      quantizedDimension: 0,
      blockwise: { scales: 1, zeroPoints: 2, blockSize: 2 },
    },
  };
  const s: Tensor = {
    name: "s",
    dtype: "float32",
    shape: [2],
    data: new Uint8Array(new Float32Array([2, 0.5]).buffer),
  };
  const z: Tensor = {
    name: "z",
    dtype: "int32",
    shape: [2],
    data: new Uint8Array(new Int32Array([1, 4]).buffer),
  };
  const d = dequantizeBlockwise(w, [w, s, z]);
  strictEqual(Array.from(d.data as Float32Array).join(), "4,8,3,-2");
});
