/**
 * A converter-style dynamic model for tests: `-1` batch, height and width; a dilated 3x3
 * convolution written as SPACE_TO_BATCH_ND -> CONV_2D -> BATCH_TO_SPACE_ND with paddings and crops
 * computed from the input's shape (SHAPE -> STRIDED_SLICE -> ADD/FLOOR_MOD -> PACK); and a RESHAPE
 * whose shape is packed from a sliced SHAPE (SHAPE -> STRIDED_SLICE -> PACK -> RESHAPE).
 *
 * @module
 */
import type { Model } from "../core/ir.ts";
import { GraphBuilder } from "../format/tflite/builder.ts";
import { seededRandom } from "../core/random.ts";

/** Channels of the model's input and output. */
export const DYNAMIC_IN_CHANNELS = 3;
/** Channels of the convolution's output. */
export const DYNAMIC_OUT_CHANNELS = 4;

/**
 * Builds the dynamic model: input `x` `[-1, -1, -1, 3]`, output `y` `[-1, -1, 4]` (batch, h*w, 4)
 * holding a SAME dilated (rate 2) 3x3 convolution with bias and RELU.
 *
 * @example
 * ```ts
 * import { buildDynamicDilatedModel } from "./dynamic_model_testing.ts";
 * const m = buildDynamicDilatedModel();
 * if (m.subgraphs[0].tensors[m.subgraphs[0].inputs[0]].shape.join() !== "-1,-1,-1,3") throw new Error("wrong");
 * ```
 *
 * @returns The model.
 */
export function buildDynamicDilatedModel(): Model {
  const rate = 2;
  const cin = DYNAMIC_IN_CHANNELS;
  const cout = DYNAMIC_OUT_CHANNELS;
  const g = new GraphBuilder();
  const rnd = seededRandom(7);
  const uniform = (lo: number, hi: number) => lo + (hi - lo) * rnd();
  const i32 = (name: string, values: number[], shape = [values.length]) =>
    g.constant(name, "int32", shape, new Int32Array(values));
  const x = g.input("x", "float32", [-1, -1, -1, cin]);
  const vec2 = { dtype: "int32" as const, shape: [2] };
  // Paddings and crops of the dilated convolution, from the input's height and width.
  const [shape] = g.op("SHAPE", [x], [{ dtype: "int32", shape: [4] }], {
    options: { outType: "int32" },
  });
  const [hw] = g.op("STRIDED_SLICE", [shape, i32("b1", [1]), i32("e3", [3]), i32("s1", [1])], [
    vec2,
  ]);
  const base = rate * (3 - 1) / 2;
  const [padded] = g.op("ADD", [hw, i32("two_base", [2 * base, 2 * base])], [vec2]);
  const [rem] = g.op("FLOOR_MOD", [padded, i32("rate", [rate, rate])], [vec2]);
  const [short] = g.op("SUB", [i32("rate2", [rate, rate]), rem], [vec2]);
  const [extra] = g.op("FLOOR_MOD", [short, i32("rate3", [rate, rate])], [vec2]);
  const [after] = g.op("ADD", [extra, i32("base", [base, base])], [vec2]);
  const [paddings] = g.op("PACK", [i32("before", [base, base]), after], [
    { dtype: "int32", shape: [2, 2] },
  ], { options: { valuesCount: 2, axis: 1 } });
  const [crops] = g.op("PACK", [i32("zero", [0, 0]), extra], [{ dtype: "int32", shape: [2, 2] }], {
    options: { valuesCount: 2, axis: 1 },
  });
  const dyn4 = (c: number) => ({ dtype: "float32" as const, shape: [-1, -1, -1, c] });
  const [s2b] = g.op("SPACE_TO_BATCH_ND", [x, i32("block", [rate, rate]), paddings], [dyn4(cin)]);
  const w = new Float32Array(cout * 3 * 3 * cin).map(() => uniform(-1, 1));
  const bias = new Float32Array(cout).map(() => uniform(-0.5, 0.5));
  const [conv] = g.op(
    "CONV_2D",
    [
      s2b,
      g.constant("w", "float32", [cout, 3, 3, cin], w),
      g.constant("bias", "float32", [cout], bias),
    ],
    [dyn4(cout)],
    {
      options: { padding: "VALID", strideW: 1, strideH: 1, fusedActivationFunction: "RELU" },
    },
  );
  const [b2s] = g.op("BATCH_TO_SPACE_ND", [conv, i32("block2", [rate, rate]), crops], [
    dyn4(cout),
  ]);
  // RESHAPE to [batch, h*w, cout] with the batch taken from the shape.
  const [shape2] = g.op("SHAPE", [b2s], [{ dtype: "int32", shape: [4] }], {
    options: { outType: "int32" },
  });
  const [batch] = g.op(
    "STRIDED_SLICE",
    [shape2, i32("b0", [0]), i32("e1", [1]), i32("s1b", [1])],
    [{ dtype: "int32", shape: [] }],
    { options: { shrinkAxisMask: 1 } },
  );
  const [target] = g.op("PACK", [batch, i32("minus1", [-1], []), i32("cout", [cout], [])], [
    { dtype: "int32", shape: [3] },
  ], { options: { valuesCount: 3, axis: 0 } });
  const [y] = g.op("RESHAPE", [b2s, target], [{
    dtype: "float32",
    shape: [-1, -1, cout],
    name: "y",
  }]);
  g.output(y);
  return g.build();
}
