/**
 * The WebAssembly SIMD kernels of the CPU backend, generated with {@linkcode FuncBuilder}. Every
 * kernel has the signature `(params, t0, t1)`: `params` is the byte address of an i32/f32 parameter
 * block in linear memory (written once when the backend is created), and `[t0, t1)` the range of
 * tasks this thread computes. The parameter blocks are defined once in `blocks.ts`, written by the
 * ops' CPU builders (`kernels/<op>/cpu.ts`) and read by the generators in `kernels_float.ts` and
 * `kernels_quant.ts`.
 *
 * @module
 */
import { emitModule, FuncBuilder } from "./emit.ts";
import { binary, convGemm, depthwise, unary } from "./kernels_float.ts";
import { resizeBilinear, unpool, windowMax } from "./kernels_gather.ts";
import { meanPixels } from "./kernels_reduce.ts";
import { convDot } from "./kernels_dot.ts";
import { addQ, convQ, quantizeF32, widen } from "./kernels_quant.ts";
import { depthwiseQ } from "./kernels_quant_depthwise.ts";

/**
 * Names of the exported kernels, in export order (the worker pool calls them by index); filled by
 * {@linkcode kernelModuleBytes}.
 *
 * @example
 * ```ts
 * import { KERNEL_NAMES, kernelModuleBytes } from "./kernels.ts";
 * kernelModuleBytes();
 * if (!KERNEL_NAMES.includes("depthwise")) throw new Error("wrong");
 * ```
 */
export const KERNEL_NAMES: readonly string[] = [];

/**
 * Maximum linear memory of a CPU executor, in 64 KiB pages (2 GiB).
 *
 * @example
 * ```ts
 * import { MAX_PAGES } from "./kernels.ts";
 * if (MAX_PAGES * 65536 !== 2 ** 31) throw new Error("wrong");
 * ```
 */
export const MAX_PAGES = 32768;

function allKernels(): FuncBuilder[] {
  const fs = [convGemm(false), convGemm(false, 4), depthwise(false), convDot(false)];
  if (hasRelaxedSimd()) fs.push(convGemm(true), convGemm(true, 4), depthwise(true), convDot(true));
  for (const op of ["add", "sub", "mul", "rsub", "prelu"]) {
    fs.push(binary(op, false), binary(op, true));
  }
  fs.push(
    unary("clamp"),
    unary("hard_swish"),
    unary("logistic"),
    resizeBilinear(),
    windowMax(false),
    windowMax(true),
    unpool(),
    meanPixels(),
  );
  fs.push(
    widen(false),
    widen(true),
    addQ(false),
    addQ(true),
    addQ(false, true),
    addQ(true, true),
    quantizeF32(false),
    quantizeF32(true),
  );
  for (const mode of ["v", "b", "pc"] as const) {
    fs.push(convQ("u", mode), convQ("s", mode), depthwiseQ(false, mode), depthwiseQ(true, mode));
  }
  return fs;
}

let cached: Uint8Array<ArrayBuffer> | undefined;

/**
 * The bytes of the kernel module (generated once per process; a few milliseconds).
 *
 * @example
 * ```ts
 * import { kernelModuleBytes } from "./kernels.ts";
 * if (!WebAssembly.validate(kernelModuleBytes())) throw new Error("invalid");
 * ```
 *
 * @returns The module's bytes; it imports a shared memory as `env.mem`.
 */
export function kernelModuleBytes(): Uint8Array<ArrayBuffer> {
  if (!cached) {
    const fs = allKernels();
    (KERNEL_NAMES as string[]).splice(0, KERNEL_NAMES.length, ...fs.map((f) => f.name));
    cached = emitModule(fs, { initial: 1, maximum: MAX_PAGES });
  }
  return cached;
}

/**
 * Index of a kernel in the module's exports (what the worker pool dispatches by).
 *
 * @example
 * ```ts
 * import { kernelIndex } from "./kernels.ts";
 * if (kernelIndex("conv_gemm") < 0) throw new Error("wrong");
 * ```
 *
 * @param name Kernel name.
 * @returns Its index, or -1 when the module lacks it (relaxed SIMD unavailable).
 */
export function kernelIndex(name: string): number {
  kernelModuleBytes();
  return KERNEL_NAMES.indexOf(name);
}

/**
 * Whether this runtime validates relaxed SIMD (`f32x4.relaxed_madd`, a fused multiply-add).
 *
 * @example
 * ```ts
 * import { hasRelaxedSimd } from "./kernels.ts";
 * console.log(hasRelaxedSimd());
 * ```
 *
 * @returns `true` when relaxed SIMD is available.
 */
export function hasRelaxedSimd(): boolean {
  const f = new FuncBuilder("t", [], ["f32"]);
  f.f32x4(1).f32x4(2).f32x4(3).op("f32x4.relaxed_madd").extractLane(0);
  return WebAssembly.validate(emitModule([f], { initial: 1, maximum: 1 }));
}
