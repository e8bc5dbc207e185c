/**
 * BATCH_TO_SPACE_ND: moves blocks of the batch into the `M` spatial dimensions that follow it
 * (constant `blockShape` `[M]` and `crops` `[M, 2]`): input `[B, s1..sM, rest]` becomes
 * `[B / prod(block), s_i * block_i - crops_i, rest]`.
 *
 * @module
 */
import { OpError } from "../../core/errors.ts";
import { dataCase, intCase, moveKernel } from "../_shared/shape_kernel.ts";
import { intOperand, pairsOperand } from "../_shared/shape_util.ts";
import { logicalCoords, readInput } from "../_gpu/gather.ts";

/** Parsed options of BATCH_TO_SPACE_ND and SPACE_TO_BATCH_ND. */
export interface BatchSpaceOptions {
  /** Output shape. */
  shape: number[];
  /** Block size per spatial dimension. */
  block: number[];
  /** Crops (BATCH_TO_SPACE_ND) or paddings (SPACE_TO_BATCH_ND) per spatial dimension. */
  edges: [number, number][];
}

/**
 * Reads the `blockShape` operand (input 1) of a batch/space op.
 *
 * @example
 * ```ts
 * import { blockOperand } from "./mod.ts";
 * const b = { dtype: "int32" as const, shape: [2], value: { dtype: "int32" as const, shape: [2], data: new Int32Array([2, 2]) } };
 * if (blockOperand("BATCH_TO_SPACE_ND", [{ dtype: "float32", shape: [4, 1, 1, 1] }, b]).join() !== "2,2") throw new Error("wrong");
 * ```
 *
 * @param op Op name, for errors.
 * @param inputs The node's inputs.
 * @returns The block sizes.
 */
export function blockOperand(op: string, inputs: Parameters<typeof intOperand>[1]): number[] {
  const x = inputs[0]!;
  const block = intOperand(op, inputs, 1, "blockShape");
  if (block.length < 1 || x.shape.length < block.length + 1) {
    throw new OpError(`${op}: blockShape [${block}] does not fit input [${x.shape}]`);
  }
  if (block.some((b) => b < 1)) {
    throw new OpError(`${op}: blockShape [${block}] must be positive`);
  }
  return block;
}

const CASES: [number[], number[], number[], "float32" | "int32"][] = [
  [[4, 3, 3, 3], [2, 2], [0, 0, 0, 0], "float32"],
  [[8, 2, 3, 5], [2, 2], [1, 0, 0, 2], "float32"],
  [[9, 2, 2, 7], [3, 3], [1, 1, 2, 0], "int32"],
  [[6, 3, 4, 2], [3, 1], [0, 2, 0, 0], "float32"],
  [[4, 5, 3], [2], [1, 2], "float32"],
];

/** The BATCH_TO_SPACE_ND kernel. */
export const batchToSpaceNd = moveKernel<BatchSpaceOptions>({
  name: "BATCH_TO_SPACE_ND",
  optionsType: "BatchToSpaceNDOptions",
  inputCount: [3, 3],
  parse({ inputs }) {
    const op = "BATCH_TO_SPACE_ND";
    const x = inputs[0]!;
    const block = blockOperand(op, inputs);
    const m = block.length;
    const edges = pairsOperand(op, inputs, { index: 2, what: "crops", rows: m });
    const prod = block.reduce((a, b) => a * b, 1);
    if (x.shape[0] % prod !== 0) {
      throw new OpError(`${op}: batch ${x.shape[0]} is not divisible by the block size ${prod}`);
    }
    const shape = x.shape.map((d, i) => {
      if (i === 0) return d / prod;
      if (i > m) return d;
      const s = d * block[i - 1] - edges[i - 1][0] - edges[i - 1][1];
      if (s < 0) throw new OpError(`${op}: crops [${edges[i - 1]}] exceed dimension ${i}`);
      return s;
    });
    return { shape, block, edges };
  },
  source(o, { block, edges, shape }) {
    const src = [...o];
    let k = 0;
    block.forEach((b, i) => {
      const p = o[i + 1] + edges[i][0];
      src[i + 1] = Math.floor(p / b);
      k = k * b + (p % b);
    });
    src[0] = k * shape[0] + o[0];
    return [0, src];
  },
  wgsl({ inputs, options: { block, edges, shape } }) {
    const o = logicalCoords(shape.length);
    const src = [...o];
    let body = "  var k = 0;\n";
    block.forEach((b, i) => {
      body += `  let p${i} = ${o[i + 1]} + ${edges[i][0]};\n  k = k * ${b} + p${i} % ${b};\n`;
      src[i + 1] = `p${i} / ${b}`;
    });
    src[0] = `k * ${shape[0]} + ${o[0]}`;
    return { body: body + readInput({ name: "x0", shape: inputs[0]!.shape, coords: src }) };
  },
  cases: () =>
    CASES.map(([shape, block, crops, dtype]) => ({
      name: `[${shape}] block [${block}] crops [${crops}] ${dtype}`,
      inputs: [dataCase(shape, dtype), intCase(block), intCase(crops, [block.length, 2])],
    })),
});
