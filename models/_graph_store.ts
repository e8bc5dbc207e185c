/**
 * The bookkeeping under `NetBuilder`: a float32 graph's tensors and nodes, scoped unique
 * tensor names, graph inputs and outputs, and deterministic seeded weights (He scaling with the
 * gain the layer asks for) and biases. Layers live in `_builder.ts`.
 *
 * @module
 */

import { UsageError } from "../core/errors.ts";
import type { Graph, Model, Node, NodeOptions, Tensor } from "../core/ir.ts";
import { Random } from "./_random.ts";

/** Options of the {@linkcode GraphStore} constructor (and so of `NetBuilder`'s). */
export interface NetBuilderOptions {
  /** Seed of the weights (default 1). */
  seed?: number;
  /** Model description written into the file. */
  description?: string;
}

function float32Bytes(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  return out;
}

function int32Bytes(values: readonly number[]): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setInt32(i * 4, v, true));
  return out;
}

/**
 * A graph under construction: tensors, nodes, inputs and outputs by index. `NetBuilder` adds the
 * layers on top of it.
 *
 * @example
 * ```ts
 * import { GraphStore } from "./_graph_store.ts";
 * const g = new GraphStore({ description: "identity" });
 * g.output(g.input("x", [1, 2]));
 * if (g.model().subgraphs[0].outputs[0] !== 0) throw new Error("wrong");
 * ```
 */
export class GraphStore {
  #tensors: Tensor[] = [];
  #nodes: Node[] = [];
  #inputs: number[] = [];
  #outputs: number[] = [];
  #scopes: string[] = [];
  #names = new Map<string, number>();
  #random: Random;
  #description: string;

  /**
   * Starts an empty network.
   *
   * @param options Seed and description.
   */
  constructor(options: NetBuilderOptions = {}) {
    this.#random = new Random(options.seed ?? 1);
    this.#description = options.description ?? "";
  }

  /**
   * The shape of a tensor.
   *
   * @example
   * ```ts
   * import { NetBuilder } from "./_builder.ts";
   * const b = new NetBuilder();
   * if (b.shape(b.input("x", [1, 2, 2, 3])).join() !== "1,2,2,3") throw new Error("wrong");
   * ```
   *
   * @param x Tensor index.
   * @returns A copy of its shape.
   */
  shape(x: number): number[] {
    return [...this.#tensors[x].shape];
  }

  /**
   * Runs `body` with `name` appended to the scope that prefixes tensor names.
   *
   * @example
   * ```ts
   * import { NetBuilder } from "./_builder.ts";
   * const b = new NetBuilder();
   * const x = b.input("x", [1, 2, 2, 3]);
   * const y = b.scope("block", () => b.conv(x, { filters: 2 }));
   * if (!b.model().subgraphs[0].tensors[y].name.startsWith("block/")) throw new Error("wrong");
   * ```
   *
   * @param name Scope name.
   * @param body What to build inside the scope.
   * @returns What `body` returns.
   */
  scope<T>(name: string, body: () => T): T {
    this.#scopes.push(name);
    try {
      return body();
    } finally {
      this.#scopes.pop();
    }
  }

  /**
   * Adds a float32 graph input.
   *
   * @example
   * ```ts
   * import { NetBuilder } from "./_builder.ts";
   * const b = new NetBuilder();
   * if (b.input("x", [1, 4, 4, 3]) !== 0) throw new Error("wrong");
   * ```
   *
   * @param name Tensor name.
   * @param shape Static shape.
   * @returns The tensor index.
   */
  input(name: string, shape: number[]): number {
    const t = this.#tensor(name, shape, undefined, false);
    this.#inputs.push(t);
    return t;
  }

  /**
   * Marks a tensor as a graph output, optionally renaming it.
   *
   * @example
   * ```ts
   * import { NetBuilder } from "./_builder.ts";
   * const b = new NetBuilder();
   * const x = b.input("x", [1, 4]);
   * b.output(b.softmax(x), "probabilities");
   * if (b.model().subgraphs[0].outputs.length !== 1) throw new Error("wrong");
   * ```
   *
   * @param x Tensor index.
   * @param name New name of the tensor.
   */
  output(x: number, name?: string): void {
    if (name !== undefined) this.#tensors[x].name = name;
    this.#outputs.push(x);
  }

  /**
   * The finished model: one graph, schema version 3, no signatures or metadata.
   *
   * @example
   * ```ts
   * import { NetBuilder } from "./_builder.ts";
   * const b = new NetBuilder({ description: "empty" });
   * if (b.model().description !== "empty") throw new Error("wrong");
   * ```
   *
   * @returns The model (it shares arrays with the builder; build once).
   */
  model(): Model {
    const graph: Graph = {
      name: "main",
      tensors: this.#tensors,
      nodes: this.#nodes,
      inputs: this.#inputs,
      outputs: this.#outputs,
    };
    return {
      version: 3,
      description: this.#description,
      subgraphs: [graph],
      signatures: [],
      metadata: [],
    };
  }

  /**
   * The shape of a tensor that must be 4-D (NHWC), for a layer's input.
   *
   * @param x Tensor index.
   * @param what The layer, for the error.
   * @returns A copy of its shape.
   */
  protected nhwc(x: number, what: string): number[] {
    const shape = this.shape(x);
    if (shape.length !== 4) {
      throw new UsageError(`The input of a ${what} must be 4-D, got [${shape}]`);
    }
    return shape;
  }

  #name(base: string): string {
    const full = [...this.#scopes, base].join("/");
    const seen = this.#names.get(full) ?? 0;
    this.#names.set(full, seen + 1);
    return seen === 0 ? full : `${full}_${seen}`;
  }

  #tensor(name: string, shape: number[], data: Uint8Array | undefined, scoped = true): number {
    const t: Tensor = {
      name: scoped ? this.#name(name) : name,
      dtype: "float32",
      shape: [...shape],
    };
    if (data !== undefined) t.data = data;
    this.#tensors.push(t);
    return this.#tensors.length - 1;
  }

  /**
   * A 1-D int32 constant (a shape or a size operand).
   *
   * @param name Tensor name inside the current scope.
   * @param values The integers.
   * @returns The tensor index.
   */
  protected int32Constant(name: string, values: readonly number[]): number {
    return this.#constant(name, "int32", [values.length], int32Bytes(values));
  }

  /**
   * Seeded float32 weights drawn from `N(0, std²)`.
   *
   * @param name Tensor name inside the current scope.
   * @param shape Weight shape.
   * @param std Standard deviation (He scaling: gain / sqrt(fan in)).
   * @returns The tensor index.
   */
  protected weights(name: string, shape: number[], std: number): number {
    const values = new Float32Array(shape.reduce((a, d) => a * d, 1));
    for (let i = 0; i < values.length; i++) values[i] = this.#random.normal() * std;
    return this.#constant(name, "float32", shape, float32Bytes(values));
  }

  /**
   * A seeded float32 bias, uniform in [-0.05, 0.05).
   *
   * @param name Tensor name inside the current scope.
   * @param size Number of channels.
   * @returns The tensor index.
   */
  protected bias(name: string, size: number): number {
    const values = new Float32Array(size);
    for (let i = 0; i < size; i++) values[i] = (this.#random.next() - 0.5) * 0.1;
    return this.#constant(name, "float32", [size], float32Bytes(values));
  }

  /**
   * Adds a node with one float32 output of the given shape, named in the current scope.
   *
   * @param op Op name.
   * @param inputs Input tensor indices.
   * @param shape Output shape (every dimension positive).
   * @param settings Output name, options type and options, op version (default 1).
   * @returns The output tensor.
   */
  protected node(
    op: string,
    inputs: number[],
    shape: number[],
    settings: { name: string; optionsType?: string; options?: NodeOptions; version?: number },
  ): number {
    if (shape.some((d) => !Number.isInteger(d) || d <= 0)) {
      throw new UsageError(`${op} would output the empty shape [${shape}]`);
    }
    const out = this.#tensor(settings.name, shape, undefined);
    const node: Node = {
      op,
      version: settings.version ?? 1,
      inputs,
      outputs: [out],
      options: settings.options ?? {},
    };
    if (settings.optionsType !== undefined) node.optionsType = settings.optionsType;
    this.#nodes.push(node);
    return out;
  }

  #constant(name: string, dtype: "int32" | "float32", shape: number[], data: Uint8Array): number {
    const t = this.#tensor(name, shape, data);
    this.#tensors[t].dtype = dtype;
    return t;
  }
}
