/**
 * MEAN: mean over constant axes (sum divided by the number of reduced elements).
 *
 * @module
 */
import type { KernelDef } from "../../core/kernel.ts";
import type { ReduceOptions } from "../_shared/pool_reduce.ts";
import { reduceKernel } from "../_shared/pool_reduce.ts";
import { meanCpuFloat } from "./cpu.ts";
import { meanInteger } from "./quant.ts";

const base = reduceKernel({ name: "MEAN", kind: "sum", mean: true });

/** Spatial means whose channels (multiples of 4) fill 16-channel blocks, then 12, 8 or 4 of one. */
const SPATIAL: [number[], boolean][] = [
  [[1, 24, 20, 16], true],
  [[2, 9, 7, 36], false],
  [[1, 5, 5, 24], true],
  [[3, 3, 3, 12], false],
];

/** The MEAN kernel. */
export const mean: KernelDef<ReduceOptions> = {
  ...base,
  cases: () => [
    ...base.cases(),
    ...SPATIAL.map(([shape, keepDims]) => ({
      name: `[${shape}] axes [1,2] keepDims ${keepDims}`,
      inputs: [
        { dtype: "float32" as const, shape, range: [-4, 6] as [number, number] },
        { dtype: "int32" as const, shape: [2], data: [1, 2], constant: true },
      ],
      options: { keepDims },
    })),
  ],
  cpu: { float: meanCpuFloat },
  quant: meanInteger,
};
