/**
 * TensorFlow Lite's classic interpreter as a peer: the Emscripten build of the TFLite runtime that
 * ships inside `@tensorflow/tfjs-tflite` 0.0.1-alpha.10 (Apache-2.0), driven directly through its
 * `TFLiteWebModelRunner` binding, without TensorFlow.js. Unlike LiteRT.js it loads models with
 * variable tensors (LSTM and SVDF state, which it resets to zero, int8 ones to their zero point)
 * and takes int8 and int16 tensors as they are, so it is the oracle for those integer kernels.
 *
 * The build predates some of LiteRT's current kernels: its integer LSTM without projection adds
 * the hidden zero point negated (as the projection path does), where LiteRT now adds it as is.
 *
 * The build applies the XNNPack delegate by default, to 8-bit CONV_2D, DEPTHWISE_CONV_2D, ADD and
 * others too (XNNPack requantizes in fp32, not with TFLite's fixed-point rounding), and its runner
 * has no option to turn it off. `xnnpack: false` runs TFLite's builtin kernels instead: the
 * default delegate accepts only graphs without dynamic-sized tensors, so the model's first input
 * is fed through a RESHAPE whose shape is an extra input (a dynamic-sized tensor, values
 * unchanged), and the run fails if any node was still delegated.
 *
 * @example
 * ```ts ignore
 * import { runTfliteInterpreter } from "./tflite_interpreter.ts";
 * const bytes = await Deno.readFile("model.tflite");
 * const [y] = await runTfliteInterpreter(bytes, [new Float32Array([0.1, 0.2])]);
 * console.log(y.dtype, y.data);
 * ```
 *
 * @module
 */
import factory from "@tensorflow/tfjs-tflite/wasm/tflite_web_api_cc.js";
import { fileURLToPath } from "node:url";
import { readModel, writeModel } from "../format/tflite/mod.ts";

/** The package this peer runs. */
export const TFLITE_INTERPRETER_PACKAGE = "@tensorflow/tfjs-tflite@0.0.1-alpha.10";

/** Typed arrays the interpreter's tensors accept. */
export type InterpreterData =
  | Float32Array
  | Int32Array
  | Int16Array
  | Int8Array
  | Uint8Array;

/** One output tensor, copied out of the interpreter. */
export interface InterpreterOutput {
  /** Tensor name. */
  name: string;
  /** TFLite's type name (`float32`, `int8`, ...). */
  dtype: string;
  /** Values. */
  data: number[];
}

interface EmVector<T> {
  size(): number;
  get(i: number): T;
}
interface EmTensor {
  name: string;
  dataType: string;
  data(): InterpreterData;
}
interface EmRunner {
  GetInputs(): EmVector<EmTensor>;
  GetOutputs(): EmVector<EmTensor>;
  GetProfilingResults(): EmVector<{ nodeType: string }>;
  Infer(): boolean;
  delete(): void;
}

/** Options of {@linkcode runTfliteInterpreter}. */
export interface InterpreterOptions {
  /**
   * `false` keeps the default XNNPack delegate off the model, so that every node runs on TFLite's
   * builtin kernels (fixed-point integer arithmetic for 8-bit ops). Default: the build's default
   * (XNNPack takes the nodes it supports).
   */
  xnnpack?: boolean;
}

/** The delegate node's type in the interpreter's profile. */
const XNNPACK_NODE = "TfLiteXNNPackDelegate";

/**
 * The model with its first input fed through a RESHAPE whose target shape is a new last input:
 * that RESHAPE's output is a dynamic-sized tensor, which keeps the default delegate off the graph.
 *
 * @param bytes The model.
 * @returns The model and the target shape to feed as its last input.
 */
function withDynamicInput(bytes: Uint8Array): { bytes: Uint8Array; shape: Int32Array } {
  const model = readModel(bytes);
  model.signatures = [];
  const g = model.subgraphs[0];
  const x = g.inputs[0];
  const s = g.tensors[x];
  const raw = g.tensors.push({ ...s, name: `${s.name}_undelegated`, shape: [...s.shape] }) - 1;
  const shape = g.tensors.push({
    name: `${s.name}_undelegated_shape`,
    dtype: "int32",
    shape: [s.shape.length],
  }) - 1;
  g.nodes.unshift({ op: "RESHAPE", version: 1, options: {}, inputs: [raw, shape], outputs: [x] });
  g.inputs = [raw, ...g.inputs.slice(1), shape];
  return { bytes: writeModel(model), shape: Int32Array.from(s.shape) };
}
interface EmModule {
  _malloc(n: number): number;
  _free(p: number): void;
  HEAPU8: Uint8Array;
  TFLiteWebModelRunner: {
    CreateFromBufferAndOptions(
      ptr: number,
      length: number,
      options: { numThreads: number; enableProfiling: boolean; maxProfilingBufferEntries: number },
    ): { ok(): boolean; errorMessage(): string; value(): EmRunner };
  };
}

let module: Promise<EmModule> | undefined;

function load(): Promise<EmModule> {
  const wasm = fileURLToPath(
    import.meta.resolve("@tensorflow/tfjs-tflite/wasm/tflite_web_api_cc.wasm"),
  );
  // The glue takes itself for a worker when `importScripts` exists (peers/litert.ts shims it) and
  // then reads `self.location`: hide it while the glue looks at its environment.
  const g = globalThis as { importScripts?: unknown };
  const shim = g.importScripts;
  delete g.importScripts;
  try {
    return (factory as (o: object) => Promise<EmModule>)({
      wasmBinary: Deno.readFileSync(wasm),
      print: () => {},
      printErr: () => {},
    });
  } finally {
    if (shim !== undefined) g.importScripts = shim;
  }
}

/**
 * Runs a `.tflite` file once through TFLite's interpreter (one thread, no delegate beyond the
 * build's default XNNPack unless `options.xnnpack` is `false`), every run from a fresh interpreter
 * (fresh state).
 *
 * @param bytes The model.
 * @param inputs Input values in the model's input order and dtypes.
 * @param options `xnnpack: false` runs every node on TFLite's builtin kernels.
 * @returns The outputs.
 * @throws {Error} When the interpreter refuses the model or the run (its message), or a node was
 * delegated to XNNPack although `xnnpack` is `false`.
 */
export async function runTfliteInterpreter(
  bytes: Uint8Array,
  inputs: readonly InterpreterData[],
  options: InterpreterOptions = {},
): Promise<InterpreterOutput[]> {
  const builtin = options.xnnpack === false;
  if (builtin) {
    const dynamic = withDynamicInput(bytes);
    bytes = dynamic.bytes;
    inputs = [...inputs, dynamic.shape];
  }
  const m = await (module ??= load());
  const ptr = m._malloc(bytes.length);
  m.HEAPU8.set(bytes, ptr);
  const created = m.TFLiteWebModelRunner.CreateFromBufferAndOptions(ptr, bytes.length, {
    numThreads: 1,
    enableProfiling: builtin,
    maxProfilingBufferEntries: 4096,
  });
  if (!created.ok()) {
    m._free(ptr);
    throw new Error(`TFLite's interpreter refused the model: ${created.errorMessage()}`);
  }
  const runner = created.value();
  try {
    const ins = runner.GetInputs();
    if (ins.size() !== inputs.length) {
      throw new Error(`the model has ${ins.size()} inputs, got ${inputs.length}`);
    }
    for (let i = 0; i < inputs.length; i++) ins.get(i).data().set(inputs[i] as never);
    if (!runner.Infer()) throw new Error("TFLite's interpreter failed to run the model");
    if (builtin) {
      const profile = runner.GetProfilingResults();
      for (let i = 0; i < profile.size(); i++) {
        if (profile.get(i).nodeType === XNNPACK_NODE) {
          throw new Error("TFLite's interpreter delegated nodes to XNNPack although it was off");
        }
      }
    }
    const outs = runner.GetOutputs();
    return Array.from({ length: outs.size() }, (_, i) => {
      const o = outs.get(i);
      return { name: o.name, dtype: o.dataType, data: Array.from(o.data()) };
    });
  } finally {
    runner.delete();
    m._free(ptr);
  }
}
