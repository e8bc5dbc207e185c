/**
 * Compute pipelines, compiled once per distinct (bind group layout, WGSL source) and shared by every
 * node that uses them; compile errors name the node and program.
 *
 * @module
 */
import { GpuError } from "../../../core/errors.ts";
import type { GpuLimitsInfo } from "../../../core/kernel.ts";

/**
 * The limits kernels plan around, read from a device.
 *
 * @example
 * ```ts ignore
 * const limits = limitsOf(gpu.device);
 * ```
 *
 * @param device The device.
 * @returns Its limits.
 */
export function limitsOf(device: GPUDevice): GpuLimitsInfo {
  const l = device.limits;
  return {
    maxInvocations: l.maxComputeInvocationsPerWorkgroup,
    maxWorkgroupSize: [
      l.maxComputeWorkgroupSizeX,
      l.maxComputeWorkgroupSizeY,
      l.maxComputeWorkgroupSizeZ,
    ],
    maxWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
    maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
    maxWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
  };
}

/**
 * How a device's pipelines compile: `"async"` asks for all of a session's pipelines at once
 * (`createComputePipelineAsync`), `"sync"` makes them one after another (`createComputePipeline`),
 * `"auto"` makes the first {@linkcode AUTO_PROBES} one after another, timed, and then goes on at
 * once when they came fast (the driver's shader cache held them) or one after another when not.
 */
export type CompileMode = "async" | "sync" | "auto";

/**
 * The faster compile mode per provider, measured on the H100 through Dawn
 * (`docs/results/latency/h100_probe/compile.txt`, three networks in one process): with an empty
 * driver shader cache, sessions were created in 1.6-2.0 s compiling one after another against
 * 3.2-9.2 s with every pipeline requested at once; with the cache holding their shaders, in 384-641
 * ms one after another against 157-452 ms at once. `"auto"` takes the faster of the two. Deno's
 * WebGPU keeps the asynchronous calls.
 */
export const DEFAULT_COMPILE: Readonly<Record<"deno" | "dawn", CompileMode>> = {
  deno: "async",
  dawn: "auto",
};

/** Pipelines `"auto"` compiles one after another, timed, before it decides. */
export const AUTO_PROBES = 2;

/**
 * A compile below this many milliseconds came from the driver's cache: on the H100, cached
 * pipelines took 3-10 ms each and fresh ones 28-46 ms on average.
 */
export const CACHED_COMPILE_MS = 15;

/**
 * The mode `"auto"` settles on after its probes: asynchronous when the fastest probe compiled
 * below {@linkcode CACHED_COMPILE_MS}.
 *
 * @example
 * ```ts
 * import { autoMode } from "./pipelines.ts";
 * if (autoMode([40, 6]) !== "async" || autoMode([45, 38]) !== "sync") throw new Error("autoMode");
 * ```
 *
 * @param probeMs Milliseconds each probe took.
 * @returns The mode for the rest.
 */
export function autoMode(probeMs: readonly number[]): "async" | "sync" {
  return Math.min(...probeMs) < CACHED_COMPILE_MS ? "async" : "sync";
}

const CACHES = new WeakMap<GPUDevice, PipelineCache>();

/**
 * A cache of bind group layouts and pipelines on one device, shared by every session on that
 * device: a second session of the same model (or of a model with the same programs) compiles
 * nothing.
 */
export class PipelineCache {
  /**
   * The device's shared cache.
   *
   * @example
   * ```ts ignore
   * const cache = PipelineCache.for(gpu.device);
   * ```
   *
   * @param device The device.
   * @returns Its cache (made on first use, dropped with the device).
   */
  static for(device: GPUDevice): PipelineCache {
    let cache = CACHES.get(device);
    if (!cache) {
      cache = new PipelineCache(device);
      CACHES.set(device, cache);
    }
    return cache;
  }

  /** How pipelines compile on this device (set by `acquireDevice`; default `"async"`). */
  mode: CompileMode = "async";
  /** Probe times of `"auto"`, until it decides. */
  #probes: number[] = [];
  /** What `"auto"` decided. */
  #decided?: "async" | "sync";
  #device: GPUDevice;
  #layouts = new Map<string, GPUBindGroupLayout>();
  #pipelines = new Map<string, Promise<GPUComputePipeline>>();
  #compileMs = new Map<string, number>();

  /**
   * Creates an empty cache.
   *
   * @param device The device.
   */
  constructor(device: GPUDevice) {
    this.#device = device;
  }

  /** Number of distinct pipelines. */
  get size(): number {
    return this.#pipelines.size;
  }

  /**
   * The layout of storage bindings, read-only or read-write in order.
   *
   * @example
   * ```ts ignore
   * const layout = cache.layout([true, false]);
   * ```
   *
   * @param readOnly One flag per binding.
   * @returns The layout.
   */
  layout(readOnly: boolean[]): GPUBindGroupLayout {
    const key = readOnly.map((r) => (r ? "r" : "w")).join("");
    let layout = this.#layouts.get(key);
    if (!layout) {
      layout = this.#device.createBindGroupLayout({
        entries: readOnly.map((r, i) => ({
          binding: i,
          visibility: GPUShaderStage.COMPUTE,
          buffer: { type: r ? "read-only-storage" : "storage" },
        })),
      });
      this.#layouts.set(key, layout);
    }
    return layout;
  }

  /**
   * The pipeline of a WGSL source under a layout, compiled on first request.
   *
   * @example
   * ```ts ignore
   * const pipeline = await cache.pipeline({ code, readOnly, label: "node 3 (CONV_2D) gemm" });
   * ```
   *
   * @param args WGSL source, binding flags and a label naming node and program.
   * @returns The pipeline.
   * @throws {GpuError} When the source does not compile.
   */
  pipeline(
    args: { code: string; readOnly: boolean[]; label: string },
  ): Promise<GPUComputePipeline> {
    const key = keyOf(args);
    let pipe = this.#pipelines.get(key);
    if (!pipe) {
      pipe = this.#compile(key, args, this.layout(args.readOnly));
      this.#pipelines.set(key, pipe);
    }
    return pipe;
  }

  /**
   * Whether a pipeline of this source and layout was already requested.
   *
   * @example
   * ```ts ignore
   * const fresh = !cache.has({ code, readOnly });
   * ```
   *
   * @param args WGSL source and binding flags.
   * @returns `true` when {@linkcode PipelineCache.pipeline} would not compile again.
   */
  has(args: { code: string; readOnly: boolean[] }): boolean {
    return this.#pipelines.has(keyOf(args));
  }

  /**
   * How long a pipeline took to compile, from the request until it was ready.
   *
   * @example
   * ```ts ignore
   * const ms = cache.compileMs({ code, readOnly });
   * ```
   *
   * @param args WGSL source and binding flags.
   * @returns Milliseconds, or `undefined` while compiling or never requested.
   */
  compileMs(args: { code: string; readOnly: boolean[] }): number | undefined {
    return this.#compileMs.get(keyOf(args));
  }

  /**
   * Makes `"auto"` probe again with the next pipelines: called as each session starts compiling,
   * since one network's shaders may sit in the driver's cache and the next one's not.
   *
   * @example
   * ```ts ignore
   * PipelineCache.for(device).reprobe();
   * ```
   */
  reprobe(): void {
    this.#probes = [];
    this.#decided = undefined;
  }

  /** What `"auto"` settled on: `undefined` while it probes, or in another mode. */
  get decided(): "async" | "sync" | undefined {
    return this.#decided;
  }

  /** Whether the next pipeline compiles synchronously. */
  #syncNow(): boolean {
    if (this.mode !== "auto") return this.mode === "sync";
    return this.#decided === undefined || this.#decided === "sync";
  }

  /** A synchronous compile, timed as one of `"auto"`'s probes while it has not decided. */
  #timed(make: () => GPUComputePipeline): GPUComputePipeline {
    const t = performance.now();
    const p = make();
    if (this.mode === "auto" && this.#decided === undefined) {
      this.#probes.push(performance.now() - t);
      if (this.#probes.length >= AUTO_PROBES) this.#decided = autoMode(this.#probes);
    }
    return p;
  }

  async #compile(
    key: string,
    args: { code: string; label: string },
    layout: GPUBindGroupLayout,
  ): Promise<GPUComputePipeline> {
    const t0 = performance.now();
    const device = this.#device;
    device.pushErrorScope("validation");
    const module = device.createShaderModule({ code: args.code, label: args.label });
    const pipelineLayout = device.createPipelineLayout({ bindGroupLayouts: [layout] });
    const descriptor = {
      layout: pipelineLayout,
      compute: { module, entryPoint: "main" },
      label: args.label,
    };
    let p: GPUComputePipeline;
    try {
      p = this.#syncNow()
        ? this.#timed(() => device.createComputePipeline(descriptor))
        : await device.createComputePipelineAsync(descriptor);
    } catch (e) {
      await device.popErrorScope();
      throw new GpuError(
        `${args.label} failed to compile: ${(e as Error).message}\n${args.code}`,
      );
    }
    const err = await device.popErrorScope();
    if (err) throw new GpuError(`${args.label} failed to compile: ${err.message}\n${args.code}`);
    this.#compileMs.set(key, performance.now() - t0);
    return p;
  }
}

function keyOf(args: { code: string; readOnly: boolean[] }): string {
  return `${args.readOnly.map((r) => (r ? "r" : "w")).join("")}\n${args.code}`;
}
