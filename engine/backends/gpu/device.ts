/**
 * WebGPU device acquisition from Deno's own WebGPU (`navigator.gpu`, wgpu) or from Dawn (the npm
 * package `webgpu`), with the adapter's limits and optional features requested.
 *
 * @module
 */
import { GpuError } from "../../../core/errors.ts";
import { type CompileMode, DEFAULT_COMPILE, PipelineCache } from "./pipelines.ts";

export type { CompileMode };

/** Which WebGPU implementation provides the device. */
export type GpuProvider = "deno" | "dawn";

/** Options of {@linkcode acquireDevice}. */
export interface AcquireOptions {
  /** `deno` (default): Deno's `navigator.gpu`; `dawn`: the npm package `webgpu`. */
  provider?: GpuProvider;
  /** Features the run cannot do without; a missing one is an error naming it. */
  requiredFeatures?: GPUFeatureName[];
  /** `"high-performance"` by default. */
  powerPreference?: GPUPowerPreference;
  /**
   * How pipelines compile: `"async"` (`createComputePipelineAsync`, all of a session's requested
   * at once), `"sync"` (`createComputePipeline`, one after another) or `"auto"` (per session, the
   * first two one after another, timed, then the rest at once when they came from the driver's
   * cache). Default: the faster on the provider, {@linkcode DEFAULT_COMPILE}.
   */
  compile?: CompileMode;
  /**
   * Extra Dawn toggles to enable (`provider: "dawn"`), e.g. `["disable_robustness"]`, for
   * experiments; they apply to the first Dawn device of the process (Dawn's instance is made once).
   */
  dawnToggles?: string[];
}

/** A ready device and what it is. */
export interface GpuContext {
  /** The device, with the adapter's limits and every optional feature gpulite can use. */
  device: GPUDevice;
  /** The provider that made it. */
  provider: GpuProvider;
  /** Adapter description, e.g. `"NVIDIA H100 80GB HBM3"` or `"llvmpipe (LLVM 15.0.6, 256 bits)"`. */
  adapterName: string;
  /** Whether the adapter is a software fallback (results are correct but slow). */
  isFallback: boolean;
  /** Optional features enabled on the device. */
  features: string[];
  /** Human-readable one-line summary, e.g. for report headers. */
  summary: string;
}

const OPTIONAL_FEATURES = [
  "shader-f16",
  "timestamp-query",
  "subgroups",
] as const;

// Dawn's instance must outlive every adapter and device made from it: it pumps their events.
let dawnInstance: GpuLike | undefined;

/**
 * Dawn toggles gpulite creates its Dawn instance with. Dawn's Vulkan backend withholds `shader-f16`
 * from NVIDIA adapters (`PhysicalDeviceVk.cpp`, `ValidateFeatureSupportedWithTogglesImpl`: "not yet
 * supported on Nvidia GPUs", pending f16 conformance-test failures, crbug.com/42251215) even when
 * the driver has `VK_KHR_shader_float16_int8` with `shaderFloat16` and the 16-bit storage features;
 * the adapter toggle `vulkan_enable_f16_on_nvidia` lifts that gate and changes nothing elsewhere.
 * gpulite's f16 runs are checked against the reference by conformance on each adapter.
 * Dawn also rounds timestamp queries to tens of microseconds by default (`timestamp_quantization`,
 * a guard against timing attacks in browsers), which makes per-node GPU times useless; gpulite
 * turns that rounding off.
 */
export const DAWN_TOGGLES: readonly string[] = [
  "enable-dawn-features=vulkan_enable_f16_on_nvidia",
  "disable-dawn-features=timestamp_quantization",
];

/** Dawn's npm package (~131 MB of binaries for five platforms), loaded only for `provider: "dawn"`. */
const DAWN_PACKAGE = "npm:webgpu@0.6.2";

/**
 * `import()` out of sight of module-graph analysis: a static `import("npm:webgpu@…")` would make
 * `deno info`, `deno publish` and every user's first run download Dawn, and a computed specifier
 * makes `deno publish` warn that it cannot analyze it. The specifier is absolute, so it resolves
 * the same from JSR as from a checkout.
 */
const importAtRunTime = new Function("specifier", "return import(specifier)") as (
  specifier: string,
) => Promise<unknown>;

/** What gpulite uses of Dawn's npm package. */
export interface DawnModule {
  /** Makes a `navigator.gpu`-like instance from Dawn toggles, e.g. `["backend=null"]`. */
  create(args: string[]): GpuLike;
  /** WebGPU globals (`GPUBufferUsage`, ...) to install where the runtime lacks them. */
  globals: Record<string, unknown>;
}

/** A `navigator.gpu`-like object: what {@linkcode acquireDevice} asks for an adapter. */
export type GpuLike = {
  /** Requests an adapter, or `null` when there is none. */
  requestAdapter(o?: GPURequestAdapterOptions): Promise<GPUAdapter | null>;
};

/**
 * Loads Dawn (the npm package `webgpu`) on first use and installs its WebGPU globals where the
 * runtime lacks them. Nothing else in gpulite imports Dawn, so users who never ask for it never
 * download it.
 *
 * @example
 * ```ts ignore
 * import { importDawn } from "./device.ts";
 * const dawn = await importDawn();
 * const adapter = await dawn.create(["backend=null"]).requestAdapter();
 * ```
 *
 * @returns Dawn's module.
 */
export async function importDawn(): Promise<DawnModule> {
  const mod = (await importAtRunTime(DAWN_PACKAGE)) as DawnModule;
  for (const [k, v] of Object.entries(mod.globals)) {
    if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
  }
  return mod;
}

async function dawnGpu(extra: readonly string[] = []): Promise<GpuLike> {
  if (dawnInstance) return dawnInstance;
  let mod: DawnModule;
  try {
    mod = await importDawn();
  } catch (e) {
    throw new GpuError(
      `Provider "dawn" needs the npm package ${DAWN_PACKAGE} (Dawn's binding), which failed to load: ${
        (e as Error).message.split("\n")[0]
      }; use --provider deno instead`,
      { cause: e },
    );
  }
  dawnInstance = mod.create(withToggles(DAWN_TOGGLES, extra));
  return dawnInstance;
}

/**
 * Dawn's instance arguments with extra toggles merged into the `enable-dawn-features=` entry (Dawn
 * reads one entry per key).
 */
export function withToggles(base: readonly string[], extra: readonly string[]): string[] {
  if (extra.length === 0) return [...base];
  const key = "enable-dawn-features=";
  const at = base.findIndex((a) => a.startsWith(key));
  if (at < 0) return [...base, key + extra.join(",")];
  return base.map((a, i) => i === at ? `${a},${extra.join(",")}` : a);
}

function denoGpu(): GpuLike {
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) {
    throw new GpuError(
      "WebGPU is not available in this runtime (navigator.gpu is missing); run with Deno 2 or use --provider dawn",
    );
  }
  return gpu;
}

function adapterNameOf(info: GPUAdapterInfo | undefined): string {
  if (!info) return "unknown adapter";
  const desc = info.description ?? "";
  // Dawn puts the driver version in the description and a slug in `device`.
  if (/^[A-Za-z]+: [0-9.]+/.test(desc) && info.device) {
    const pretty = info.device.replace(/-/g, " ").replace(/\b(\w)/g, (m) => m.toUpperCase())
      .replace(/\bNvidia\b/, "NVIDIA").replace(/\bHbm(\d)\b/, "HBM$1").replace(/(\d+)gb/i, "$1GB");
    return `${pretty} (driver ${desc.split(": ")[1]})`;
  }
  return desc || info.device || info.vendor || "unknown adapter";
}

/**
 * Returns a ready `GPUDevice` from the chosen provider, with the adapter's limits and the optional
 * features it offers (`shader-f16`, `timestamp-query`, `subgroups`).
 *
 * Throws {@linkcode GpuError} with what to install when no adapter exists (on a machine without a GPU,
 * install Debian's `mesa-vulkan-drivers` for the lavapipe Vulkan driver), or when a required feature is
 * missing.
 *
 * @example
 * ```ts ignore
 * import { acquireDevice } from "./device.ts";
 * const gpu = await acquireDevice({ provider: "deno" });
 * console.log(gpu.summary);
 * gpu.device.destroy();
 * ```
 *
 * @param options Provider and requirements.
 * @returns The device and its description.
 */
export async function acquireDevice(
  options: AcquireOptions = {},
): Promise<GpuContext> {
  const provider = options.provider ?? "deno";
  if (provider !== "deno" && provider !== "dawn") {
    throw new GpuError(`Unknown GPU provider "${provider}"; use deno or dawn`);
  }
  const gpu = provider === "dawn" ? await dawnGpu(options.dawnToggles) : denoGpu();
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter({
      powerPreference: options.powerPreference ?? "high-performance",
    });
  } catch (e) {
    throw new GpuError(
      `Requesting a WebGPU adapter from ${provider} failed: ${(e as Error).message}`,
      {
        cause: e,
      },
    );
  }
  if (!adapter) {
    throw new GpuError(
      provider === "deno"
        ? "No WebGPU adapter found; on a machine without a GPU install Debian's mesa-vulkan-drivers (lavapipe) and set DENO_WEBGPU_BACKEND=vulkan"
        : "Dawn found no WebGPU adapter (it needs a Vulkan driver with features lavapipe may lack); try --provider deno",
    );
  }
  const available = new Set<string>(
    adapter.features as unknown as Iterable<string>,
  );
  for (const f of options.requiredFeatures ?? []) {
    if (!available.has(f)) {
      throw new GpuError(
        `The adapter lacks the required feature ${f}; choose --precision f32 or another provider`,
      );
    }
  }
  const features = OPTIONAL_FEATURES.filter((f) => available.has(f)) as GPUFeatureName[];
  const requiredLimits: Record<string, number> = {};
  const lim = adapter.limits as unknown as Record<string, number>;
  for (
    const k of [
      "maxStorageBufferBindingSize",
      "maxBufferSize",
      "maxStorageBuffersPerShaderStage",
      "maxComputeWorkgroupStorageSize",
      "maxComputeInvocationsPerWorkgroup",
      "maxComputeWorkgroupSizeX",
      "maxComputeWorkgroupSizeY",
      "maxComputeWorkgroupSizeZ",
      "maxComputeWorkgroupsPerDimension",
      "maxBindGroups",
    ]
  ) {
    if (typeof lim[k] === "number") requiredLimits[k] = lim[k];
  }
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({
      requiredFeatures: features,
      requiredLimits,
    });
  } catch (e) {
    throw new GpuError(
      `Creating a WebGPU device on ${provider} failed: ${(e as Error).message}`,
      {
        cause: e,
      },
    );
  }
  const info = (adapter as GPUAdapter & { info?: GPUAdapterInfo }).info;
  const adapterName = adapterNameOf(info);
  const isFallback = Boolean(
    (info as unknown as { isFallbackAdapter?: boolean } | undefined)
      ?.isFallbackAdapter ??
      (adapter as unknown as { isFallbackAdapter?: boolean })
        .isFallbackAdapter ??
      /llvmpipe|lavapipe|swiftshader/i.test(adapterName),
  );
  PipelineCache.for(device).mode = options.compile ?? DEFAULT_COMPILE[provider];
  const summary = `${adapterName} via ${provider}${
    isFallback ? " (software fallback adapter)" : ""
  }`;
  return {
    device,
    provider,
    adapterName,
    isFallback,
    features: [...features],
    summary,
  };
}
