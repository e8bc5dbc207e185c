/**
 * The map shared by RESHAPE, SQUEEZE and EXPAND_DIMS: the row-major order of the elements is kept,
 * only the shape changes. On the GPU this is a real copy, because the PHWC4 layout depends on the
 * channel dimension.
 *
 * @module
 */
import type { MoveOptions, MoveSpec, MoveWgsl } from "./shape_kernel.ts";
import type { GpuPlanArgs } from "../../core/kernel.ts";
import { flatIndex, logicalCoords, readInput, unflatten } from "../_gpu/gather.ts";
import { ravel, unravel } from "./shape_util.ts";

/**
 * Reference source of a reshape: output coordinates to input coordinates through the flat index.
 *
 * @example
 * ```ts
 * import { reshapeSource } from "./shape_reshape.ts";
 * const x = { dtype: "float32" as const, shape: [2, 3], data: new Float32Array(6) };
 * if (reshapeSource([4], { shape: [6] }, [x])![1].join() !== "1,1") throw new Error("wrong");
 * ```
 *
 * @param o Output coordinates.
 * @param options Options with the output shape.
 * @param inputs Inputs (input 0 is the data).
 * @returns Input 0 and its coordinates.
 */
export function reshapeSource(
  o: number[],
  options: MoveOptions,
  inputs: readonly { shape: number[] }[],
): readonly [number, number[]] {
  return [0, unravel(ravel(o, options.shape), inputs[0].shape)];
}

/**
 * WGSL map of a reshape.
 *
 * @example
 * ```ts
 * import { reshapeWgsl } from "./shape_reshape.ts";
 * const t = (shape: number[]) => ({ dtype: "float32" as const, shape, shape4: [1, 1, 1, 1] as [number, number, number, number], slices: 1 });
 * const w = reshapeWgsl({ inputs: [t([2, 3])], outputs: [t([6])], options: { shape: [6] } } as never);
 * if (!w.body.includes("x0_at")) throw new Error("wrong");
 * ```
 *
 * @param args Plan arguments.
 * @returns The map.
 */
export function reshapeWgsl(args: GpuPlanArgs<MoveOptions>): MoveWgsl {
  const out = args.outputs[0].shape;
  const inShape = args.inputs[0]!.shape;
  const f = flatIndex(logicalCoords(out.length), out);
  return {
    body: `  let f = ${f};\n` +
      readInput({ name: "x0", shape: inShape, coords: unflatten("f", inShape) }),
  };
}

/**
 * The common parts of a reshape-like op's {@linkcode MoveSpec}.
 *
 * @example
 * ```ts
 * import { RESHAPE_LIKE } from "./shape_reshape.ts";
 * if (typeof RESHAPE_LIKE.wgsl !== "function") throw new Error("wrong");
 * ```
 */
export const RESHAPE_LIKE: Pick<MoveSpec<MoveOptions>, "source" | "wgsl"> = {
  source: reshapeSource,
  wgsl: reshapeWgsl,
};
