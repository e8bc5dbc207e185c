/**
 * LiteRT.js (`@litertjs/core` 2.5.3, Google's web runtime for `.tflite`, Apache-2.0) run inside
 * Deno as a peer for the benchmarks: WebGPU (through Deno's `navigator.gpu`) and Wasm (XNNPack, one
 * thread).
 *
 * LiteRT.js loads its Emscripten glue with `importScripts` (in workers) or a `<script>` tag: here
 * `globalThis.importScripts` is shimmed to evaluate the glue with `require`, `__filename` and
 * `__dirname` from `createRequire`, so it runs in its Node mode and reads its `.wasm` from the npm
 * package's folder. The JSPI build is used: without it, WebGPU models fail ("Asyncify is not
 * defined"); JSPI is also what lets LiteRT.js split a model between WebGPU and Wasm per op.
 *
 * @example
 * ```ts ignore
 * import { runLitert } from "./litert.ts";
 * const bytes = await Deno.readFile("mobilenet_v1_0.25_224.tflite");
 * const input = { data: new Float32Array(224 * 224 * 3).fill(0.5), shape: [1, 224, 224, 3] };
 * const r = await runLitert(bytes, [input], { accelerator: "wasm", runs: 10 });
 * console.log(r.latenciesMs, r.outputs[0].shape);
 * ```
 *
 * @module
 */
import * as litert from "@litertjs/core";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";

/** The package this peer runs. */
export const LITERT_PACKAGE = "@litertjs/core@2.5.3";

/** Where LiteRT.js runs the model: `webgpu` or `wasm` (XNNPack). */
export type LitertAccelerator = "webgpu" | "wasm";

/** One input tensor. */
export interface LitertInput {
  /** Values in row-major order. */
  data: Float32Array | Int32Array | Uint8Array | Int8Array;
  /** Shape. */
  shape: readonly number[];
}

/** One output tensor, read back to the host. */
export interface LitertOutput {
  /** Output name. */
  name: string;
  /** Shape. */
  shape: number[];
  /** Values. */
  data: Float32Array | Int32Array | Uint8Array | Int8Array;
}

/** Options of {@linkcode runLitert}. */
export interface LitertRunOptions {
  /** The accelerator. */
  accelerator: LitertAccelerator;
  /** Timed runs after warm-up (default 10). */
  runs?: number;
  /** Untimed runs after the first one (default 1). */
  warmup?: number;
  /** Stop timing once this many milliseconds were spent on timed runs (at least one run; default none). */
  budgetMs?: number;
}

/** What one model did on LiteRT.js. */
export interface LitertResult {
  /** The package. */
  runtime: string;
  /** The accelerator asked for. */
  accelerator: LitertAccelerator;
  /** WebGPU: whether every op ran on the GPU (`false`: LiteRT.js fell back to Wasm for some ops). */
  fullyAccelerated?: boolean;
  /** Milliseconds of `loadAndCompile` (for WebGPU: shader compilation). */
  compileMs: number;
  /** Milliseconds of the first run, readback included. */
  firstRunMs: number;
  /** Milliseconds of each timed run: input upload, run, output readback. */
  latenciesMs: number[];
  /** Outputs of the first run. */
  outputs: LitertOutput[];
  /** Warnings LiteRT.js printed while compiling (fallbacks). */
  warnings: string[];
}

let loading: Promise<void> | undefined;

/**
 * The folder of LiteRT.js's `.wasm` and glue files in the npm package (Deno's npm cache or
 * `node_modules`).
 *
 * @example
 * ```ts
 * import { litertWasmDir } from "./litert.ts";
 * if (!litertWasmDir().endsWith("wasm")) throw new Error("wrong");
 * ```
 *
 * @returns The folder's path.
 */
export function litertWasmDir(): string {
  const index = fileURLToPath(import.meta.resolve("@litertjs/core"));
  return join(dirname(index), "..", "wasm");
}

function shimImportScripts(): void {
  const g = globalThis as unknown as Record<string, unknown>;
  if (typeof g.importScripts === "function") return;
  g.importScripts = (...urls: string[]) => {
    for (const url of urls) {
      const path = url.startsWith("file:") ? fileURLToPath(url) : url;
      const code = Deno.readTextFileSync(path);
      const factory = new Function(
        "require",
        "__filename",
        "__dirname",
        `${code}\n;return typeof ModuleFactory === "undefined" ? undefined : ModuleFactory;`,
      );
      g.ModuleFactory = factory(createRequire(path), path, dirname(path));
    }
  };
}

/**
 * Loads LiteRT.js's Wasm runtime once (JSPI build); later calls reuse it.
 *
 * @example
 * ```ts ignore
 * import { loadLitert } from "./litert.ts";
 * await loadLitert();
 * ```
 *
 * @returns When the runtime is ready.
 * @throws {Error} When the runtime cannot load here (the message says why).
 */
export function loadLitert(): Promise<void> {
  if (!loading) {
    shimImportScripts();
    const jspi = "Suspending" in WebAssembly;
    loading = litert.loadLiteRt(`${litertWasmDir()}/`, { jspi }).then(() => undefined);
    loading.catch(() => loading = undefined);
  }
  return loading;
}

async function captureWarnings<T>(body: () => Promise<T>): Promise<[T, string[]]> {
  const warnings: string[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => {
    warnings.push(
      args.filter((a) => typeof a === "string" && !a.startsWith("background:") && a !== "")
        .map((a) => String(a).replaceAll("%c", "")).join(" ").trim(),
    );
  };
  try {
    return [await body(), warnings];
  } finally {
    console.warn = original;
  }
}

async function runOnce(
  model: litert.CompiledModel,
  inputs: readonly LitertInput[],
  keep: boolean,
): Promise<LitertOutput[]> {
  const tensors = inputs.map((x) => new litert.Tensor(x.data as litert.TypedArray, [...x.shape]));
  const details = model.getOutputDetails();
  try {
    const outs = await model.run(tensors);
    const result: LitertOutput[] = [];
    try {
      for (let i = 0; i < outs.length; i++) {
        const data = await outs[i].data() as LitertOutput["data"];
        if (keep) {
          result.push({
            name: details[i]?.name ?? `output ${i}`,
            shape: [...(details[i]?.shape ?? [data.length])],
            data: data.slice(),
          });
        }
      }
    } finally {
      for (const o of outs) o.delete();
    }
    return result;
  } finally {
    for (const t of tensors) t.delete();
  }
}

/** A model compiled on LiteRT.js, run one inference at a time by the caller. */
export interface LitertModel {
  /** Runs once with input upload and output readback; outputs are kept when `keep` is set. */
  run(inputs: readonly LitertInput[], keep?: boolean): Promise<LitertOutput[]>;
  /** Frees the compiled model. */
  close(): void;
}

/**
 * Compiles a `.tflite` model on LiteRT.js for the caller to run, e.g. interleaved with another
 * runtime's runs so that both see the same machine load.
 *
 * @example
 * ```ts ignore
 * import { openLitert } from "./litert.ts";
 * const m = await openLitert(bytes, "wasm");
 * const [y] = await m.run([{ data, shape: [1, 224, 224, 3] }], true);
 * m.close();
 * ```
 *
 * @param modelBytes The `.tflite` file.
 * @param accelerator Where LiteRT.js runs it.
 * @returns The compiled model.
 */
export async function openLitert(
  modelBytes: Uint8Array,
  accelerator: LitertAccelerator,
): Promise<LitertModel> {
  await loadLitert();
  const model = await litert.loadAndCompile(modelBytes, { accelerator });
  return {
    run: (inputs, keep = false) => runOnce(model, inputs, keep),
    close: () => model.delete(),
  };
}

/**
 * Compiles a `.tflite` model on LiteRT.js and times it: the first run, warm-up, then timed runs, each
 * with input upload and output readback, as a user of the library would run it.
 *
 * @example
 * ```ts ignore
 * import { runLitert } from "./litert.ts";
 * const r = await runLitert(bytes, [{ data, shape: [1, 224, 224, 3] }], { accelerator: "webgpu" });
 * console.log(r.fullyAccelerated, r.compileMs, r.latenciesMs);
 * ```
 *
 * @param modelBytes The `.tflite` file.
 * @param inputs One tensor per model input, in order.
 * @param options Accelerator, runs, warm-up, time budget.
 * @returns Timings, outputs and LiteRT.js's warnings.
 */
export async function runLitert(
  modelBytes: Uint8Array,
  inputs: readonly LitertInput[],
  options: LitertRunOptions,
): Promise<LitertResult> {
  await loadLitert();
  if (options.accelerator === "webgpu" && !litert.getWebGpuDevice()) {
    throw new Error("LiteRT.js found no WebGPU device (navigator.gpu gave no adapter)");
  }
  const t0 = performance.now();
  const [model, warnings] = await captureWarnings(() =>
    litert.loadAndCompile(modelBytes, { accelerator: options.accelerator })
  );
  const compileMs = performance.now() - t0;
  try {
    const t1 = performance.now();
    const outputs = await runOnce(model, inputs, true);
    const firstRunMs = performance.now() - t1;
    for (let i = 0; i < (options.warmup ?? 1); i++) await runOnce(model, inputs, false);
    const latenciesMs: number[] = [];
    let spent = 0;
    const runs = options.runs ?? 10;
    while (
      latenciesMs.length < runs &&
      (latenciesMs.length === 0 || spent < (options.budgetMs ?? Infinity))
    ) {
      const t = performance.now();
      await runOnce(model, inputs, false);
      const dt = performance.now() - t;
      latenciesMs.push(dt);
      spent += dt;
    }
    return {
      runtime: LITERT_PACKAGE,
      accelerator: options.accelerator,
      fullyAccelerated: options.accelerator === "wasm" ? undefined : model.isFullyAccelerated,
      compileMs,
      firstRunMs,
      latenciesMs,
      outputs,
      warnings: warnings.filter((w) => w),
    };
  } finally {
    model.delete();
  }
}

/** Options of {@linkcode runLitertIsolated}. */
export interface IsolatedOptions extends LitertRunOptions {
  /** Give up after this many milliseconds (default 300000). */
  timeoutMs?: number;
  /** Extra `deno run` flags for the child, e.g. `--cached-only` (default: `GPULITE_DENO_FLAGS`). */
  denoFlags?: string[];
}

interface Request {
  model: string;
  inputs: { dtype: string; shape: number[]; file: string }[];
  options: LitertRunOptions;
  out: string;
}

const ARRAYS = {
  float32: Float32Array,
  int32: Int32Array,
  uint8: Uint8Array,
  int8: Int8Array,
} as const;

function dtypeOf(data: LitertInput["data"]): keyof typeof ARRAYS {
  if (data instanceof Float32Array) return "float32";
  if (data instanceof Int32Array) return "int32";
  if (data instanceof Int8Array) return "int8";
  return "uint8";
}

function bytesOf(data: LitertInput["data"]): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function readArray(dtype: string, bytes: Uint8Array): LitertInput["data"] {
  const make = ARRAYS[dtype as keyof typeof ARRAYS] ?? Float32Array;
  const copy = bytes.slice();
  return new make(copy.buffer, 0, copy.byteLength / make.BYTES_PER_ELEMENT);
}

/**
 * Runs {@linkcode runLitert} in a child Deno process, so that a crash of the peer (a panic in the
 * WebGPU implementation, an abort in its Wasm) is an error here rather than the end of the caller,
 * and so that each model gets a fresh runtime and device, as a user's page would.
 *
 * @example
 * ```ts ignore
 * import { runLitertIsolated } from "./litert.ts";
 * const r = await runLitertIsolated(bytes, [{ data, shape: [1, 224, 224, 3] }], { accelerator: "wasm" });
 * console.log(r.latenciesMs);
 * ```
 *
 * @param modelBytes The `.tflite` file.
 * @param inputs One tensor per model input.
 * @param options Accelerator, runs, warm-up, budget, timeout, child flags.
 * @returns What the child measured.
 * @throws {Error} With the child's last error lines when it fails or times out.
 */
export async function runLitertIsolated(
  modelBytes: Uint8Array,
  inputs: readonly LitertInput[],
  options: IsolatedOptions,
): Promise<LitertResult> {
  const dir = await Deno.makeTempDir({ dir: tmpdir(), prefix: "gpulite_litert_" });
  try {
    const request: Request = {
      model: join(dir, "model.tflite"),
      inputs: [],
      options: {
        accelerator: options.accelerator,
        runs: options.runs,
        warmup: options.warmup,
        budgetMs: Number.isFinite(options.budgetMs) ? options.budgetMs : undefined,
      },
      out: join(dir, "result.json"),
    };
    await Deno.writeFile(request.model, modelBytes);
    for (const [i, x] of inputs.entries()) {
      const file = join(dir, `input${i}.bin`);
      await Deno.writeFile(file, bytesOf(x.data));
      request.inputs.push({ dtype: dtypeOf(x.data), shape: [...x.shape], file });
    }
    await Deno.writeTextFile(join(dir, "request.json"), JSON.stringify(request));
    const flags = options.denoFlags ??
      (Deno.env.get("GPULITE_DENO_FLAGS") ?? "").split(/\s+/).filter(Boolean);
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", ...flags, fileURLToPath(import.meta.url), join(dir, "request.json")],
      stdout: "piped",
      stderr: "piped",
      stdin: "null",
    }).spawn();
    const timeout = setTimeout(() => {
      try {
        child.kill("SIGKILL");
      } catch {
        // already gone
      }
    }, options.timeoutMs ?? 300_000);
    const { code, signal, stderr, stdout } = await child.output().finally(() =>
      clearTimeout(timeout)
    );
    let result: Omit<LitertResult, "outputs"> & {
      outputs: { name: string; shape: number[]; dtype: string; file: string }[];
    };
    try {
      result = JSON.parse(await Deno.readTextFile(request.out));
    } catch {
      const text = new TextDecoder().decode(stderr) + new TextDecoder().decode(stdout);
      const lines = text.split("\n").map((l) => l.trim()).filter((l) =>
        l && !/^(INFO|WARNING): /.test(l) && !l.startsWith("at ")
      );
      const why = lines.find((l) => /panicked|error|Error|abort/i.test(l)) ?? lines.at(-1) ?? "";
      throw new Error(
        `LiteRT.js child process ${signal ? `was killed (${signal})` : `exited with code ${code}`}${
          why ? `: ${why.slice(0, 400)}` : ""
        }`,
      );
    }
    return {
      ...result,
      outputs: await Promise.all(result.outputs.map(async (o) => ({
        name: o.name,
        shape: o.shape,
        data: readArray(o.dtype, await Deno.readFile(o.file)),
      }))),
    };
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

async function childMain(requestPath: string): Promise<void> {
  const request: Request = JSON.parse(await Deno.readTextFile(requestPath));
  const model = await Deno.readFile(request.model);
  const inputs: LitertInput[] = [];
  for (const x of request.inputs) {
    inputs.push({ data: readArray(x.dtype, await Deno.readFile(x.file)), shape: x.shape });
  }
  const r = await runLitert(model, inputs, request.options);
  const dir = dirname(request.out);
  const outputs = [];
  for (const [i, o] of r.outputs.entries()) {
    const file = join(dir, `output${i}.bin`);
    await Deno.writeFile(file, bytesOf(o.data));
    outputs.push({ name: o.name, shape: o.shape, dtype: dtypeOf(o.data), file });
  }
  await Deno.writeTextFile(request.out, JSON.stringify({ ...r, outputs }));
}

if (import.meta.main) {
  if (Deno.args.length !== 1) {
    console.error("usage: deno run -A peers/litert.ts REQUEST.json (written by runLitertIsolated)");
    Deno.exit(2);
  }
  await childMain(Deno.args[0]);
  // LiteRT.js's WebGPU device keeps the event loop alive.
  Deno.exit(0);
}
