/**
 * The validating `.tflite` reader: decodes a TensorFlow Lite FlatBuffer into the engine's
 * {@linkcode Model} IR. The file is treated as hostile input: every offset and length is checked before
 * it is read, every index is range-checked, constant sizes must match shapes, oversized tensors are
 * refused before anything is allocated, and nodes must be in an order where each input is available.
 * Every failure is a {@linkcode ModelFormatError} whose message names what and where.
 *
 * @module
 */

import { ModelFormatError } from "../../core/errors.ts";
import { readBytes } from "../../core/host.ts";
import type { Graph, Model, Node, NodeOptions, Signature, SignatureTensor } from "../../core/ir.ts";
import { topologyIssues } from "../../core/topology.ts";
import { FlatReader, type Table } from "./_flat.ts";
import { bufferRegion, formatBytes, type OpCode, readTensor, type State } from "./_read_tensor.ts";
import {
  BUILTIN_OPERATORS,
  BUILTIN_OPTIONS,
  BUILTIN_OPTIONS2,
  type OptionTableSpec,
} from "./schema.ts";

/** Limits applied while reading a model. */
export interface ReadOptions {
  /** Largest tensor (constant or activation, static shape) accepted, in bytes. Default 1 GiB. */
  maxTensorBytes?: number;
  /** Largest total of constant data accepted, in bytes. Default 4 GiB. */
  maxTotalBytes?: number;
  /**
   * Accept nodes that read a tensor no node produces and that is neither a graph input nor a constant
   * (some test models do this; the tensor then holds zeros). Default `false`: such models are refused.
   * Nodes reading a tensor produced later (cycles, wrong order) are refused either way.
   */
  allowDangling?: boolean;
  /** Receives a message for each problem accepted instead of refused (see `allowDangling`). */
  onWarning?: (message: string) => void;
  /**
   * Largest model file {@linkcode readModelFile} reads, in bytes. Default 2 GiB. A local file's size
   * and identifier are checked before its contents are read.
   */
  maxFileBytes?: number;
}

/** Default of {@linkcode ReadOptions.maxTensorBytes}: 1 GiB. */
export const DEFAULT_MAX_TENSOR_BYTES = 2 ** 30;
/** Default of {@linkcode ReadOptions.maxTotalBytes}: 4 GiB. */
export const DEFAULT_MAX_TOTAL_BYTES = 2 ** 32;
/** Default of {@linkcode ReadOptions.maxFileBytes}: 2 GiB. */
export const DEFAULT_MAX_FILE_BYTES = 2 ** 31;

function decodeOptions(
  s: State,
  spec: OptionTableSpec,
  t: Table | undefined,
  where: string,
): NodeOptions {
  const { r } = s;
  const out: NodeOptions = {};
  for (const f of spec.fields) {
    const fieldName = `option ${f.schemaName}`;
    switch (f.kind) {
      case "scalar":
        out[f.name] = t === undefined ? f.defaultValue as number | boolean : r.scalar(
          t,
          f.id,
          f.storage,
          f.defaultValue as number | boolean,
          fieldName,
        );
        break;
      case "enum": {
        const names = f.enumSpec!.names;
        const def = names.indexOf(f.defaultValue as string);
        const code = t === undefined ? def : r.scalar(t, f.id, f.storage, def, fieldName);
        const name = names[code as number];
        if (name === undefined) {
          r.fail(`${where}: option ${f.schemaName} has unknown value ${code}`);
        }
        out[f.name] = name;
        break;
      }
      case "string": {
        const v = t === undefined ? undefined : r.string(t, f.id, fieldName);
        if (v !== undefined) out[f.name] = v;
        break;
      }
      case "vector": {
        const v = t === undefined ? undefined : r.numbers(t, f.id, f.storage, fieldName);
        if (v !== undefined) out[f.name] = v;
        break;
      }
      case "enumVector": {
        const v = t === undefined ? undefined : r.numbers(t, f.id, f.storage, fieldName);
        if (v !== undefined) {
          out[f.name] = v.map((c) =>
            f.enumSpec!.names[c] ??
              r.fail(`${where}: option ${f.schemaName} has unknown value ${c}`)
          );
        }
        break;
      }
    }
  }
  return out;
}

function readNode(
  s: State,
  t: Table,
  label: string,
  tensorCount: number,
): Node {
  const { r } = s;
  const index = r.scalar(t, 0, "u32", 0, "opcode_index");
  if (index >= s.opcodes.length) {
    r.fail(
      `${label}: opcode index ${index} out of range (the model has ${s.opcodes.length} operator codes)`,
    );
  }
  const code = s.opcodes[index];
  const where = `${label} (${
    code.op === "CUSTOM" ? `CUSTOM ${code.customCode ?? ""}`.trim() : code.op
  })`;
  t.where = where;
  const inputs = r.numbers(t, 1, "i32", "inputs") ?? [];
  const outputs = r.numbers(t, 2, "i32", "outputs") ?? [];
  inputs.forEach((i, k) => {
    if (i < -1 || i >= tensorCount) {
      r.fail(
        `${where}: input ${k} is tensor ${i}, out of range (the subgraph has ${tensorCount} tensors)`,
      );
    }
  });
  outputs.forEach((o, k) => {
    if (o < 0 || o >= tensorCount) {
      r.fail(
        `${where}: output ${k} is tensor ${o}, out of range (the subgraph has ${tensorCount} tensors)`,
      );
    }
  });
  const node: Node = {
    op: code.op,
    version: code.version,
    inputs,
    outputs,
    options: {},
  };
  const intermediates = r.numbers(t, 8, "i32", "intermediates") ?? [];
  intermediates.forEach((m, k) => {
    if (m < 0 || m >= tensorCount) {
      r.fail(
        `${where}: intermediate ${k} is tensor ${m}, out of range (the subgraph has ${tensorCount} tensors)`,
      );
    }
  });
  if (intermediates.length) node.intermediates = intermediates;
  if (code.customCode !== undefined) node.customCode = code.customCode;
  const type1 = r.scalar(t, 3, "u8", 0, "builtin_options_type");
  const type2 = r.scalar(t, 11, "u8", 0, "builtin_options_2_type");
  const [union, type, slot] = type1 !== 0
    ? [BUILTIN_OPTIONS, type1, 4]
    : [BUILTIN_OPTIONS2, type2, 12];
  if (type !== 0) {
    const spec = union[type - 1];
    if (spec === undefined) {
      r.fail(`${where}: unknown builtin options type ${type}`);
    }
    const table = r.table(t, slot, "builtin_options", `${where} options`);
    node.options = decodeOptions(s, spec, table, where);
    node.optionsType = spec.name;
  }
  const largeOffset = r.scalar(t, 9, "i64", 0, "large_custom_options_offset");
  if (largeOffset > 1) {
    const size = r.scalar(t, 10, "i64", 0, "large_custom_options_size");
    node.customOptions = r.slice(largeOffset, size, `${where} custom options`);
  } else {
    const custom = r.byteVector(t, 5, "custom_options");
    if (custom !== undefined) node.customOptions = custom;
  }
  return node;
}

function graphLabel(sg: number, what: string): string {
  return sg === 0 ? what[0].toUpperCase() + what.slice(1) : `Subgraph ${sg} ${what}`;
}

function readGraph(s: State, t: Table, sg: number): Graph {
  const { r } = s;
  const tensorTables = r.tables(
    t,
    0,
    "tensors",
    (i) => graphLabel(sg, `tensor ${i}`),
  );
  const tensors = tensorTables.map((tt, i) => readTensor(s, tt, graphLabel(sg, `tensor ${i}`)));
  const n = tensors.length;
  tensors.forEach((t, i) => {
    const bw = t.quantization?.blockwise;
    if (bw && !(bw.scales >= 0 && bw.scales < n && bw.zeroPoints >= -1 && bw.zeroPoints < n)) {
      r.fail(
        `${
          graphLabel(sg, `tensor ${i}`)
        }: blockwise quantization names tensors ${bw.scales} and ${bw.zeroPoints}, out of range (the subgraph has ${n} tensors)`,
      );
    }
  });
  const checkList = (list: number[], what: string) =>
    list.forEach((i, k) => {
      if (i < 0 || i >= n) {
        r.fail(
          `${
            graphLabel(sg, `${what} ${k}`)
          } is tensor ${i}, out of range (the subgraph has ${n} tensors)`,
        );
      }
    });
  const inputs = r.numbers(t, 1, "i32", "inputs") ?? [];
  const outputs = r.numbers(t, 2, "i32", "outputs") ?? [];
  checkList(inputs, "input");
  checkList(outputs, "output");
  const nodeTables = r.tables(
    t,
    3,
    "operators",
    (i) => graphLabel(sg, `node ${i}`),
  );
  const nodes = nodeTables.map((nt, i) => readNode(s, nt, graphLabel(sg, `node ${i}`), n));
  const graph: Graph = {
    name: r.string(t, 4, "name") ?? "",
    tensors,
    nodes,
    inputs,
    outputs,
  };
  for (const issue of topologyIssues(graph)) {
    const node = nodes[issue.node];
    const tensor = tensors[issue.tensor];
    const dangling = issue.producer === -1;
    const why = dangling
      ? "no node produces it and it is neither a graph input nor a constant"
      : `node ${issue.producer} (${
        nodes[issue.producer].op
      }) produces it later: a cycle or nodes out of order`;
    const message = `${
      graphLabel(sg, `node ${issue.node}`)
    } (${node.op}) reads tensor ${issue.tensor} ${
      JSON.stringify(tensor.name)
    } before it is available: ${why}`;
    if (dangling && s.allowDangling) s.onWarning(message);
    else r.fail(message);
  }
  return graph;
}

const SUBGRAPH_FIELD = /(^subgraph|SubgraphIndex|^calledComputations)$/;

/** Checks that subgraph references in options are in range and that no subgraph calls itself. */
function checkSubgraphCalls(r: FlatReader, graphs: Graph[]): void {
  const calls: number[][] = graphs.map(() => []);
  graphs.forEach((g, sg) =>
    g.nodes.forEach((node, n) => {
      for (const [key, value] of Object.entries(node.options)) {
        if (!SUBGRAPH_FIELD.test(key)) continue;
        const list = Array.isArray(value) ? value as number[] : [value as number];
        for (const target of list) {
          if (target === -1 && key !== "subgraph") continue;
          if (!(target >= 0 && target < graphs.length)) {
            r.fail(
              `${
                graphLabel(sg, `node ${n}`)
              } (${node.op}): option ${key} names subgraph ${target} but the model has ${graphs.length}`,
            );
          }
          calls[sg].push(target);
        }
      }
    })
  );
  // Iterative depth-first search for a cycle in the call graph.
  const state = new Uint8Array(graphs.length); // 0 new, 1 on stack, 2 done
  for (let root = 0; root < graphs.length; root++) {
    if (state[root] !== 0) continue;
    const stack: [number, number][] = [[root, 0]];
    state[root] = 1;
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const [g, k] = top;
      if (k >= calls[g].length) {
        state[g] = 2;
        stack.pop();
        continue;
      }
      top[1]++;
      const next = calls[g][k];
      if (state[next] === 1) {
        const path = [
          ...stack.slice(stack.findIndex(([x]) => x === next)).map(([x]) => x),
          next,
        ];
        r.fail(
          `Subgraph ${next} calls itself through subgraphs ${path.join(" -> ")}`,
        );
      }
      if (state[next] === 0) {
        state[next] = 1;
        stack.push([next, 0]);
      }
    }
  }
}

function readSignature(
  s: State,
  t: Table,
  i: number,
  graphs: Graph[],
): Signature {
  const { r } = s;
  const key = r.string(t, 2, "signature_key") ?? "";
  const subgraph = r.scalar(t, 4, "u32", 0, "subgraph_index");
  const where = `Signature ${i} ${JSON.stringify(key)}`;
  if (subgraph >= graphs.length) {
    r.fail(
      `${where}: subgraph ${subgraph} out of range (the model has ${graphs.length} subgraphs)`,
    );
  }
  const count = graphs[subgraph].tensors.length;
  const maps = (id: number, what: string): SignatureTensor[] =>
    r.tables(t, id, what, (k) => `${where} ${what} ${k}`).map((m, k) => {
      const tensor = r.scalar(m, 1, "u32", 0, "tensor_index");
      const name = r.string(m, 0, "name") ?? "";
      if (tensor >= count) {
        r.fail(
          `${where} ${what} ${k} ${
            JSON.stringify(name)
          }: tensor ${tensor} out of range (subgraph ${subgraph} has ${count} tensors)`,
        );
      }
      return { name, tensor };
    });
  return {
    key,
    subgraph,
    inputs: maps(0, "inputs"),
    outputs: maps(1, "outputs"),
  };
}

function decode(bytes: Uint8Array, options: ReadOptions): Model {
  const r = new FlatReader(bytes, 4 * bytes.length + 2 ** 20);
  const m = r.root("TFL3");
  const opcodes = r.tables(m, 1, "operator_codes", (i) => `Operator code ${i}`)
    .map((t): OpCode => {
      const deprecated = r.scalar(t, 0, "i8", 0, "deprecated_builtin_code");
      const builtin = r.scalar(t, 3, "i32", 0, "builtin_code");
      const code = Math.max(deprecated, builtin);
      if (code < 0) r.fail(`${t.where}: negative builtin code ${code}`);
      const op = BUILTIN_OPERATORS[code] ?? `UNKNOWN_${code}`;
      const out: OpCode = { op, version: r.scalar(t, 2, "i32", 1, "version") };
      const custom = r.string(t, 1, "custom_code");
      if (custom !== undefined) out.customCode = custom;
      return out;
    });
  const s: State = {
    r,
    opcodes,
    buffers: r.tables(m, 4, "buffers", (i) => `Buffer ${i}`),
    maxTensorBytes: options.maxTensorBytes ?? DEFAULT_MAX_TENSOR_BYTES,
    maxTotalBytes: options.maxTotalBytes ?? DEFAULT_MAX_TOTAL_BYTES,
    totalBytes: 0,
    allowDangling: options.allowDangling ?? false,
    onWarning: options.onWarning ?? (() => {}),
  };
  const subgraphTables = r.tables(m, 2, "subgraphs", (i) => `Subgraph ${i}`);
  if (subgraphTables.length === 0) r.fail("Model has no subgraphs");
  const subgraphs = subgraphTables.map((t, i) => readGraph(s, t, i));
  checkSubgraphCalls(r, subgraphs);
  const metadata = r.tables(m, 6, "metadata", (i) => `Metadata ${i}`).map(
    (t) => {
      const name = r.string(t, 0, "name") ?? "";
      const b = r.scalar(t, 1, "u32", 0, "buffer");
      const where = `${t.where} ${JSON.stringify(name)}`;
      if (b >= s.buffers.length) {
        r.fail(
          `${where}: buffer ${b} out of range (the model has ${s.buffers.length} buffers)`,
        );
      }
      const region = bufferRegion(s, b, where);
      return {
        name,
        data: r.slice(region.start, region.length, `${where} buffer ${b}`),
      };
    },
  );
  const signatures = r.tables(m, 7, "signature_defs", (i) => `Signature ${i}`)
    .map((t, i) => readSignature(s, t, i, subgraphs));
  return {
    version: r.scalar(m, 0, "u32", 0, "version"),
    description: r.string(m, 3, "description") ?? "",
    subgraphs,
    signatures,
    metadata,
  };
}

/**
 * Decodes and validates a TensorFlow Lite model.
 *
 * Unknown builtin operator codes are not fatal: such nodes get the op name `UNKNOWN_<code>`, so tools
 * like `inspect` can still show the model; executors reject them as unsupported.
 *
 * @example
 * ```ts
 * import { GraphBuilder, readModel, writeModel } from "./mod.ts";
 * const g = new GraphBuilder();
 * const x = g.input("x", "float32", [1, 4]);
 * const [y] = g.op("RELU", [x], [{ dtype: "float32", shape: [1, 4] }]);
 * g.output(y);
 * const model = readModel(writeModel(g.build()));
 * if (model.subgraphs[0].nodes[0].op !== "RELU") throw new Error("wrong");
 * ```
 *
 * @param bytes The file contents.
 * @param options Size limits.
 * @returns The model.
 * @throws {ModelFormatError} When the file is malformed, truncated, inconsistent or too large.
 */
export function readModel(bytes: Uint8Array, options: ReadOptions = {}): Model {
  try {
    return decode(bytes, options);
  } catch (e) {
    if (e instanceof ModelFormatError) throw e;
    throw new ModelFormatError(
      `Malformed model: ${e instanceof Error ? e.message : String(e)}`,
      { cause: e },
    );
  }
}

/**
 * Reads a `.tflite` file and decodes it with {@linkcode readModel}.
 *
 * @example
 * ```ts
 * import { GraphBuilder, readModelFile, writeModel } from "./mod.ts";
 * const g = new GraphBuilder();
 * const x = g.input("x", "float32", [2]);
 * g.output(g.op("NEG", [x], [{ dtype: "float32", shape: [2] }])[0]);
 * const path = await Deno.makeTempFile({ suffix: ".tflite" });
 * await Deno.writeFile(path, writeModel(g.build()));
 * const model = await readModelFile(path);
 * await Deno.remove(path);
 * if (model.subgraphs[0].nodes.length !== 1) throw new Error("wrong");
 * ```
 *
 * @param path Path of the file.
 * @param options Size limits.
 * @returns The model.
 * @throws {ModelFormatError} When the file cannot be read or is not a valid model.
 */
export async function readModelFile(
  path: string | URL,
  options: ReadOptions = {},
): Promise<Model> {
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  await checkFileHead(path, maxFileBytes);
  let bytes: Uint8Array;
  try {
    bytes = await readBytes(path);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new ModelFormatError(
      `Cannot read model file ${String(path)}: ${why}`,
      { cause: e },
    );
  }
  if (bytes.byteLength > maxFileBytes) throw tooLarge(path, bytes.byteLength, maxFileBytes);
  return readModel(bytes, options);
}

/** The part of Deno's file API the header check uses (absent in a browser). */
interface DenoFileHost {
  stat(path: string | URL): Promise<{ size: number; isFile: boolean }>;
  open(path: string | URL): Promise<{ read(p: Uint8Array): Promise<number | null>; close(): void }>;
}

function tooLarge(path: string | URL, size: number, limit: number): ModelFormatError {
  return new ModelFormatError(
    `Model file ${String(path)} holds ${formatBytes(size)}, more than the ${
      formatBytes(limit)
    } limit (maxFileBytes)`,
  );
}

/**
 * Under Deno, for a local file: refuses a file over the size limit, or whose first 8 bytes are not
 * a TensorFlow Lite header, before its contents are read. Elsewhere (URLs, browsers) it does nothing.
 */
async function checkFileHead(path: string | URL, maxFileBytes: number): Promise<void> {
  const deno = (globalThis as { Deno?: DenoFileHost }).Deno;
  if (!deno || /^(https?|blob|data):/i.test(String(path))) return;
  let head: Uint8Array;
  try {
    const info = await deno.stat(path);
    if (!info.isFile) {
      throw new ModelFormatError(`Cannot read model file ${String(path)}: not a file`);
    }
    if (info.size > maxFileBytes) throw tooLarge(path, info.size, maxFileBytes);
    head = new Uint8Array(Math.min(8, info.size));
    const file = await deno.open(path);
    try {
      let got = 0;
      while (got < head.length) {
        const n = await file.read(head.subarray(got));
        if (n === null) break;
        got += n;
      }
      head = head.subarray(0, got);
    } finally {
      file.close();
    }
  } catch (e) {
    if (e instanceof ModelFormatError) throw e;
    const why = e instanceof Error && e.name === "NotFound"
      ? "no such file"
      : e instanceof Error
      ? e.message
      : String(e);
    throw new ModelFormatError(`Cannot read model file ${String(path)}: ${why}`, { cause: e });
  }
  if (head.length < 8) {
    throw new ModelFormatError(
      `File too short to be a TensorFlow Lite model: ${head.length} bytes (${String(path)})`,
    );
  }
  const id = String.fromCharCode(...head.subarray(4, 8));
  if (id !== "TFL3") {
    throw new ModelFormatError(
      `Not a TensorFlow Lite model: file identifier is ${JSON.stringify(id)}, expected "TFL3" (${
        String(path)
      })`,
    );
  }
}
