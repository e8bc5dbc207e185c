/**
 * Calibration inputs from `.npy` files for `gpulite quantize --calibrate`: a comma-separated list of
 * files, or a folder whose `.npy` files are read in name order. Each file holds one input set of a
 * one-input model (its shape), or several stacked along the batch dimension when the model's batch
 * is 1 (`[N, 224, 224, 3]` for an input of `[1, 224, 224, 3]`). Values are read as float32.
 *
 * @module
 */
import { join } from "node:path";
import { UsageError } from "../core/errors.ts";
import type { HostTensor } from "../core/kernel.ts";
import type { TensorSpec } from "../core/kernel.ts";
import { readNpy } from "../format/npy.ts";

/**
 * The `.npy` paths a `--calibrate` argument names: the files of a list, or a folder's `.npy` files
 * in name order.
 *
 * @example
 * ```ts ignore
 * const paths = await calibrationPaths("calib/");
 * ```
 *
 * @param arg `a.npy,b.npy` or a folder.
 * @returns The paths.
 * @throws {UsageError} For a missing file, a folder without `.npy` files or a non-`.npy` name.
 */
export async function calibrationPaths(arg: string): Promise<string[]> {
  const stat = await Deno.stat(arg).catch(() => undefined);
  if (stat?.isDirectory) {
    const names: string[] = [];
    for await (const e of Deno.readDir(arg)) {
      if (e.isFile && e.name.endsWith(".npy")) names.push(e.name);
    }
    if (names.length === 0) {
      throw new UsageError(`--calibrate ${arg}: the folder has no .npy files`);
    }
    return names.sort().map((n) => join(arg, n));
  }
  const paths = arg.split(",").map((s) => s.trim()).filter(Boolean);
  if (paths.length === 0) throw new UsageError("--calibrate needs .npy files or a folder");
  for (const p of paths) {
    if (!p.endsWith(".npy")) throw new UsageError(`--calibrate ${p}: not a .npy file`);
    if (!(await Deno.stat(p).catch(() => undefined))?.isFile) {
      throw new UsageError(`--calibrate ${p}: no such file`);
    }
  }
  return paths;
}

/**
 * Splits one `.npy` array into input sets of a model input's shape (float32).
 *
 * @example
 * ```ts
 * import { inputSetsOf } from "./calibration_files.ts";
 * const t = { dtype: "float32" as const, shape: [3, 2], data: Float32Array.of(1, 2, 3, 4, 5, 6) };
 * const sets = inputSetsOf(t, { dtype: "float32", shape: [1, 2] }, "x.npy");
 * if (sets.length !== 3 || sets[2][0].data[1] !== 6) throw new Error("wrong");
 * ```
 *
 * @param t The array.
 * @param spec The model input.
 * @param where The file, for errors.
 * @returns One set per sample.
 * @throws {UsageError} When the shape fits neither one sample nor a stack of them.
 */
export function inputSetsOf(t: HostTensor, spec: TensorSpec, where: string): HostTensor[][] {
  const shape = spec.shape;
  const per = shape.reduce((a, b) => a * b, 1);
  const same = t.shape.length === shape.length &&
    t.shape.every((d, i) => d === shape[i] || (i > 0 && shape[i] < 0));
  const stacked = shape[0] === 1 && t.shape.length === shape.length &&
    t.shape.slice(1).every((d, i) => d === shape[i + 1]);
  if (!same && !stacked) {
    throw new UsageError(
      `--calibrate ${where}: shape [${t.shape}] fits neither the input [${shape}] nor a stack of it`,
    );
  }
  const n = same ? 1 : t.shape[0];
  const size = same ? t.data.length : per;
  return Array.from({ length: n }, (_, k) => [{
    dtype: "float32",
    shape: same ? [...t.shape] : [1, ...t.shape.slice(1)],
    data: Float32Array.from(
      { length: size },
      (_, i) => Number((t.data as ArrayLike<number | bigint>)[k * size + i]),
    ),
  }]);
}

/**
 * Reads the calibration input sets of a one-input model from `--calibrate`'s files.
 *
 * @example
 * ```ts ignore
 * const sets = await readCalibrationSets("a.npy,b.npy", [{ dtype: "float32", shape: [1, 8] }]);
 * ```
 *
 * @param arg `a.npy,b.npy` or a folder.
 * @param inputs The model's input specs.
 * @returns The input sets, in file order.
 * @throws {UsageError} For models of several inputs and files that do not fit.
 */
export async function readCalibrationSets(
  arg: string,
  inputs: readonly TensorSpec[],
): Promise<HostTensor[][]> {
  if (inputs.length !== 1) {
    throw new UsageError(
      `--calibrate reads models of one input; this one has ${inputs.length}`,
    );
  }
  const sets: HostTensor[][] = [];
  for (const p of await calibrationPaths(arg)) {
    sets.push(...inputSetsOf(readNpy(await Deno.readFile(p), p), inputs[0], p));
  }
  return sets;
}
