/**
 * An ergonomic builder of {@linkcode Model}s for tests, conformance cases and benchmark networks:
 * declare inputs and constants, add ops, mark outputs, build. Pair it with `writeModel` to get a
 * `.tflite` file.
 *
 * @module
 */

import { UsageError } from "../../core/errors.ts";
import {
  type DType,
  DTYPE_BYTES,
  type Graph,
  type Model,
  type Node,
  type NodeOptions,
  numElements,
  type Quantization,
  type Tensor,
} from "../../core/ir.ts";
import { defaultOptions, OP_OPTION_TABLES, OPTION_TABLES } from "./schema.ts";

/** A tensor to create: dtype and shape, optionally a name and quantization. */
export interface TensorSpec {
  /** Element type. */
  dtype: DType;
  /** Shape; `-1` marks a dynamic dimension. */
  shape: number[];
  /** Name; defaults to `t<index>`. */
  name?: string;
  /** Quantization parameters. */
  quantization?: Quantization;
}

/** Extra settings of {@linkcode GraphBuilder.op}. */
export interface OpSettings {
  /**
   * Builtin options, camelCase, enums by name. Merged over the schema defaults of the op's option
   * table, so only the fields that differ need to be given.
   */
  options?: NodeOptions;
  /** Option table name, when the op is not in `OP_OPTION_TABLES` (or to override it). */
  optionsType?: string;
  /** Custom op name; makes the node a `CUSTOM` op. */
  customCode?: string;
  /** Raw custom options of a custom op. */
  customOptions?: Uint8Array;
  /** Op version (default 1). */
  version?: number;
}

/** Extra settings of {@linkcode GraphBuilder.input} and {@linkcode GraphBuilder.constant}. */
export interface TensorSettings {
  /** Quantization parameters. */
  quantization?: Quantization;
}

/** Options of the {@linkcode GraphBuilder} constructor. */
export interface GraphBuilderOptions {
  /** Name of the (main) graph. */
  name?: string;
  /** Model description. */
  description?: string;
}

/**
 * Builds a one-graph {@linkcode Model} step by step. Tensor ids returned by each method are indices
 * into the graph's tensors.
 *
 * @example
 * ```ts
 * import { GraphBuilder, readModel, writeModel } from "./mod.ts";
 * const g = new GraphBuilder({ description: "tiny" });
 * const x = g.input("x", "float32", [1, 4]);
 * const b = g.constant("b", "float32", [4], new Float32Array([1, 2, 3, 4]));
 * const [y] = g.op("ADD", [x, b], [{ dtype: "float32", shape: [1, 4], name: "y" }], {
 *   options: { fusedActivationFunction: "RELU6" },
 * });
 * g.output(y);
 * const model = g.build();
 * const again = readModel(writeModel(model));
 * if (again.subgraphs[0].nodes[0].options.fusedActivationFunction !== "RELU6") throw new Error("wrong");
 * ```
 */
export class GraphBuilder {
  #tensors: Tensor[] = [];
  #nodes: Node[] = [];
  #inputs: number[] = [];
  #outputs: number[] = [];
  #name: string;
  #description: string;

  /**
   * Starts an empty graph.
   *
   * @param options Graph name and model description.
   */
  constructor(options: GraphBuilderOptions = {}) {
    this.#name = options.name ?? "";
    this.#description = options.description ?? "";
  }

  /**
   * Adds a tensor that is neither input nor constant (an activation).
   *
   * @example
   * ```ts
   * import { GraphBuilder } from "./mod.ts";
   * const g = new GraphBuilder();
   * if (g.tensor({ dtype: "int32", shape: [3] }) !== 0) throw new Error("wrong");
   * ```
   *
   * @param spec Dtype, shape, name, quantization.
   * @returns The tensor id.
   */
  tensor(spec: TensorSpec): number {
    const id = this.#tensors.length;
    const t: Tensor = {
      name: spec.name ?? `t${id}`,
      dtype: spec.dtype,
      shape: [...spec.shape],
    };
    if (spec.quantization !== undefined) t.quantization = spec.quantization;
    this.#tensors.push(t);
    return id;
  }

  /**
   * Adds a graph input.
   *
   * @example
   * ```ts
   * import { GraphBuilder } from "./mod.ts";
   * const g = new GraphBuilder();
   * const x = g.input("x", "uint8", [1, 8, 8, 3], { quantization: { scale: [0.5], zeroPoint: [128], quantizedDimension: 0 } });
   * if (g.build().subgraphs[0].inputs[0] !== x) throw new Error("wrong");
   * ```
   *
   * @param name Tensor name.
   * @param dtype Element type.
   * @param shape Shape (`-1` for dynamic dimensions).
   * @param settings Quantization.
   * @returns The tensor id.
   */
  input(
    name: string,
    dtype: DType,
    shape: number[],
    settings: TensorSettings = {},
  ): number {
    const id = this.tensor({
      name,
      dtype,
      shape,
      quantization: settings.quantization,
    });
    this.#inputs.push(id);
    return id;
  }

  /**
   * Adds a constant tensor. The data's bytes are copied; their length must match the shape.
   *
   * @example
   * ```ts
   * import { GraphBuilder } from "./mod.ts";
   * const g = new GraphBuilder();
   * const w = g.constant("w", "int32", [2], new Int32Array([4, 5]));
   * if (g.build().subgraphs[0].tensors[w].data?.byteLength !== 8) throw new Error("wrong");
   * ```
   *
   * @param name Tensor name.
   * @param dtype Element type.
   * @param shape Static shape.
   * @param data Values, in any typed array whose bytes are the little-endian encoding of `dtype`.
   * @param settings Quantization.
   * @returns The tensor id.
   */
  constant(
    name: string,
    dtype: DType,
    shape: number[],
    data: ArrayBufferView,
    settings: TensorSettings = {},
  ): number {
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      .slice();
    const size = DTYPE_BYTES[dtype];
    if (shape.some((d) => d < 0)) {
      throw new UsageError(
        `Constant ${JSON.stringify(name)} needs a static shape`,
      );
    }
    if (size !== undefined && bytes.length !== numElements(shape) * size) {
      throw new UsageError(
        `Constant ${
          JSON.stringify(name)
        }: ${bytes.length} bytes given, shape [${shape}] ${dtype} needs ${
          numElements(shape) * size
        }`,
      );
    }
    const id = this.tensor({
      name,
      dtype,
      shape,
      quantization: settings.quantization,
    });
    this.#tensors[id].data = bytes;
    return id;
  }

  /**
   * Adds a node. Outputs are given as specs (new tensors are created) or as existing tensor ids. The
   * op's options table comes from `OP_OPTION_TABLES` (or `settings.optionsType`) and its schema
   * defaults are filled in, so the node equals what `readModel` gives for the written file.
   *
   * @example
   * ```ts
   * import { GraphBuilder } from "./mod.ts";
   * const g = new GraphBuilder();
   * const x = g.input("x", "float32", [1, 4, 4, 1]);
   * const [y] = g.op("MAX_POOL_2D", [x], [{ dtype: "float32", shape: [1, 2, 2, 1] }], {
   *   options: { padding: "VALID", strideW: 2, strideH: 2, filterWidth: 2, filterHeight: 2 },
   * });
   * const node = g.build().subgraphs[0].nodes[0];
   * if (node.options.fusedActivationFunction !== "NONE" || node.outputs[0] !== y) throw new Error("wrong");
   * ```
   *
   * @param op Builtin op name (e.g. `"CONV_2D"`); ignored in favour of `"CUSTOM"` when `customCode` is set.
   * @param inputs Input tensor ids (`-1` for an omitted optional input).
   * @param outputs Output specs or existing tensor ids.
   * @param settings Options, custom code and options, version.
   * @returns The output tensor ids.
   */
  op(
    op: string,
    inputs: number[],
    outputs: (TensorSpec | number)[],
    settings: OpSettings = {},
  ): number[] {
    for (const i of inputs) {
      if (i < -1 || i >= this.#tensors.length) {
        throw new UsageError(`Op ${op}: input tensor ${i} does not exist`);
      }
    }
    const ids = outputs.map((
      o,
    ) => (typeof o === "number" ? o : this.tensor(o)));
    const custom = settings.customCode !== undefined;
    const node: Node = {
      op: custom ? "CUSTOM" : op,
      version: settings.version ?? 1,
      inputs: [...inputs],
      outputs: ids,
      options: {},
    };
    if (custom) node.customCode = settings.customCode;
    if (settings.customOptions !== undefined) {
      node.customOptions = settings.customOptions;
    }
    const table = settings.optionsType ??
      (custom ? undefined : OP_OPTION_TABLES[op]);
    if (table !== undefined) {
      const spec = OPTION_TABLES.get(table);
      if (spec === undefined) {
        throw new UsageError(
          `Op ${op}: unknown options type ${JSON.stringify(table)}`,
        );
      }
      if (spec.fields.length > 0 || settings.optionsType !== undefined) {
        node.optionsType = table;
        node.options = { ...defaultOptions(table), ...settings.options };
      }
    } else if (
      settings.options !== undefined && Object.keys(settings.options).length > 0
    ) {
      throw new UsageError(
        `Op ${op} has no options table: give settings.optionsType`,
      );
    }
    this.#nodes.push(node);
    return ids;
  }

  /**
   * Marks tensors as graph outputs, in order.
   *
   * @example
   * ```ts
   * import { GraphBuilder } from "./mod.ts";
   * const g = new GraphBuilder();
   * const x = g.input("x", "float32", [1]);
   * g.output(x);
   * if (g.build().subgraphs[0].outputs[0] !== x) throw new Error("wrong");
   * ```
   *
   * @param ids Tensor ids.
   */
  output(...ids: number[]): void {
    this.#outputs.push(...ids);
  }

  /**
   * Returns the model (one graph, no signatures, no metadata, schema version 3).
   *
   * @example
   * ```ts
   * import { GraphBuilder } from "./mod.ts";
   * const model = new GraphBuilder({ name: "main" }).build();
   * if (model.subgraphs[0].name !== "main" || model.version !== 3) throw new Error("wrong");
   * ```
   *
   * @returns A model holding a snapshot of the graph built so far.
   */
  build(): Model {
    const graph: Graph = {
      name: this.#name,
      tensors: structuredClone(this.#tensors),
      nodes: structuredClone(this.#nodes),
      inputs: [...this.#inputs],
      outputs: [...this.#outputs],
    };
    return {
      version: 3,
      description: this.#description,
      subgraphs: [graph],
      signatures: [],
      metadata: [],
    };
  }
}
