/**
 * SPACE_TO_BATCH_ND: pads the `M` spatial dimensions after the batch (constant `paddings` `[M, 2]`)
 * and moves `blockShape` blocks of them into the batch: input `[B, s1..sM, rest]` becomes
 * `[B * prod(block), (s_i + pads_i) / block_i, rest]`. Padding is zero (the zero point when
 * quantized).
 *
 * @module
 */
import { OpError } from "../../core/errors.ts";
import { dataCase, intCase, moveKernel } from "../_shared/shape_kernel.ts";
import { pairsOperand } from "../_shared/shape_util.ts";
import { logicalCoords, readInput, scalarOf } from "../_gpu/gather.ts";
import { type BatchSpaceOptions, blockOperand } from "../batch_to_space_nd/mod.ts";

const CASES: [number[], number[], number[], "float32" | "int32"][] = [
  [[1, 4, 4, 3], [2, 2], [0, 0, 0, 0], "float32"],
  [[2, 3, 5, 5], [2, 2], [1, 0, 0, 1], "float32"],
  [[1, 4, 5, 7], [3, 3], [1, 1, 2, 2], "int32"],
  [[1, 6, 2, 2], [3, 1], [0, 3, 0, 0], "float32"],
  [[2, 5, 3], [2], [1, 0], "float32"],
];

/** The SPACE_TO_BATCH_ND kernel. */
export const spaceToBatchNd = moveKernel<BatchSpaceOptions>({
  name: "SPACE_TO_BATCH_ND",
  optionsType: "SpaceToBatchNDOptions",
  inputCount: [3, 3],
  parse({ inputs }) {
    const op = "SPACE_TO_BATCH_ND";
    const x = inputs[0]!;
    const block = blockOperand(op, inputs);
    const m = block.length;
    const edges = pairsOperand(op, inputs, { index: 2, what: "paddings", rows: m });
    const prod = block.reduce((a, b) => a * b, 1);
    const shape = x.shape.map((d, i) => {
      if (i === 0) return d * prod;
      if (i > m) return d;
      const padded = d + edges[i - 1][0] + edges[i - 1][1];
      if (padded % block[i - 1] !== 0) {
        throw new OpError(
          `${op}: padded dimension ${i} (${padded}) is not divisible by block ${block[i - 1]}`,
        );
      }
      return padded / block[i - 1];
    });
    return { shape, block, edges };
  },
  source(o, { block, edges }, [x]) {
    const batch = x.shape[0];
    let k = Math.floor(o[0] / batch);
    const src = [...o];
    src[0] = o[0] % batch;
    for (let i = block.length - 1; i >= 0; i--) {
      const v = o[i + 1] * block[i] + (k % block[i]) - edges[i][0];
      if (v < 0 || v >= x.shape[i + 1]) return null;
      src[i + 1] = v;
      k = Math.floor(k / block[i]);
    }
    return [0, src];
  },
  pad: (_, __, out) => out.quantization?.zeroPoint[0] ?? 0,
  wgsl({ inputs, options: { block, edges, shape } }) {
    const x = inputs[0]!;
    const batch = x.shape[0];
    const o = logicalCoords(shape.length);
    const src = [...o];
    let body = `  var k = ${o[0]} / ${batch};\n`;
    for (let i = block.length - 1; i >= 0; i--) {
      body += `  let p${i} = ${o[i + 1]} * ${block[i]} + k % ${block[i]} - ${edges[i][0]};\n` +
        `  k = k / ${block[i]};\n`;
      src[i + 1] = `p${i}`;
    }
    src[0] = `${o[0]} % ${batch}`;
    const pad = `${scalarOf(x.dtype)}(0)`;
    return { body: body + readInput({ name: "x0", shape: x.shape, coords: src, pad }) };
  },
  cases: () =>
    CASES.map(([shape, block, pads, dtype]) => ({
      name: `[${shape}] block [${block}] paddings [${pads}] ${dtype}`,
      inputs: [dataCase(shape, dtype), intCase(block), intCase(pads, [block.length, 2])],
    })),
});
