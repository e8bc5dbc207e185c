/**
 * The `.tflite` writer: encodes a {@linkcode Model} as a TensorFlow Lite FlatBuffer that
 * `readModel` (and TensorFlow Lite) read back. Option tables are encoded from the same
 * declarative schema tables the reader decodes with.
 *
 * @module
 */

import { Builder } from "flatbuffers";
import { UsageError } from "../../core/errors.ts";
import type {
  Graph,
  Model,
  Node,
  NodeOptions,
  Quantization,
  Sparsity,
  Tensor,
} from "../../core/ir.ts";
import {
  BUILTIN_OPERATORS,
  type FieldSpec,
  OPTION_TABLES,
  type ScalarKind,
  TENSOR_TYPES,
} from "./schema.ts";

const OP_CODES = new Map(BUILTIN_OPERATORS.map((name, code) => [name, code]));

function opCode(op: string, where: string): number {
  const code = OP_CODES.get(op) ??
    (/^UNKNOWN_\d+$/.test(op) ? Number(op.slice(8)) : undefined);
  if (code === undefined) {
    throw new UsageError(`${where}: unknown builtin op ${JSON.stringify(op)}`);
  }
  return code;
}

/** How each scalar kind is written: its byte size, as a vector element, and as a table field. */
interface ScalarWriter {
  size: number;
  add(b: Builder, v: number): void;
  field(b: Builder, id: number, v: number, def: number): void;
}

const BYTE: ScalarWriter = {
  size: 1,
  add: (b, v) => b.addInt8(v),
  field: (b, id, v, def) => b.addFieldInt8(id, v, def),
};
const SHORT: ScalarWriter = {
  size: 2,
  add: (b, v) => b.addInt16(v),
  field: (b, id, v, def) => b.addFieldInt16(id, v, def),
};
const INT: ScalarWriter = {
  size: 4,
  add: (b, v) => b.addInt32(v),
  field: (b, id, v, def) => b.addFieldInt32(id, v, def),
};
const WRITERS: Record<ScalarKind, ScalarWriter> = {
  bool: BYTE,
  i8: BYTE,
  u8: BYTE,
  i16: SHORT,
  u16: SHORT,
  i32: INT,
  u32: INT,
  i64: {
    size: 8,
    add: (b, v) => b.addInt64(BigInt(v)),
    field: (b, id, v, def) => b.addFieldInt64(id, BigInt(v), BigInt(def)),
  },
  f32: {
    size: 4,
    add: (b, v) => b.addFloat32(v),
    field: (b, id, v, def) => b.addFieldFloat32(id, v, def),
  },
};

function vector(
  b: Builder,
  kind: ScalarKind,
  values: readonly number[],
): number {
  const w = WRITERS[kind];
  b.startVector(w.size, values.length, w.size);
  for (let i = values.length - 1; i >= 0; i--) w.add(b, values[i]);
  return b.endVector();
}

function offsets(b: Builder, list: readonly number[]): number {
  b.startVector(4, list.length, 4);
  for (let i = list.length - 1; i >= 0; i--) b.addOffset(list[i]);
  return b.endVector();
}

/** Writes a table: `fields` run between `startObject` and `endObject`, after children are built. */
function table(b: Builder, slots: number, fields: () => void): number {
  b.startObject(slots);
  fields();
  return b.endObject();
}

function enumCode(f: FieldSpec, value: unknown, where: string): number {
  const code = f.enumSpec!.names.indexOf(value as string);
  if (code < 0) {
    throw new UsageError(
      `${where}: option ${f.name} has unknown value ${JSON.stringify(value)}`,
    );
  }
  return code;
}

function writeOptions(
  b: Builder,
  node: Node,
  where: string,
): { union: 1 | 2; code: number; offset: number } {
  const spec = OPTION_TABLES.get(node.optionsType!);
  if (spec === undefined) {
    throw new UsageError(
      `${where}: unknown options type ${JSON.stringify(node.optionsType)}`,
    );
  }
  const options: NodeOptions = node.options;
  const children = new Map<number, number>();
  for (const f of spec.fields) {
    const v = options[f.name];
    if (v === undefined) continue;
    if (f.kind === "string") children.set(f.id, b.createString(String(v)));
    else if (f.kind === "vector") {
      children.set(f.id, vector(b, f.storage, (v as number[]).map(Number)));
    } else if (f.kind === "enumVector") {
      children.set(
        f.id,
        vector(b, f.storage, (v as string[]).map((x) => enumCode(f, x, where))),
      );
    }
  }
  const offset = table(b, spec.slots, () => {
    for (const f of spec.fields) {
      const v = options[f.name];
      if (v === undefined) continue;
      const child = children.get(f.id);
      if (child !== undefined) b.addFieldOffset(f.id, child, 0);
      else if (f.kind === "enum") {
        WRITERS[f.storage].field(
          b,
          f.id,
          enumCode(f, v, where),
          enumCode(f, f.defaultValue, where),
        );
      } else if (f.kind === "scalar") {
        WRITERS[f.storage].field(b, f.id, Number(v), Number(f.defaultValue));
      }
    }
  });
  return { union: spec.union, code: spec.code, offset };
}

function writeQuantization(b: Builder, q: Quantization): number {
  const min = q.min === undefined ? 0 : vector(b, "f32", q.min);
  const max = q.max === undefined ? 0 : vector(b, "f32", q.max);
  const scale = vector(b, "f32", q.scale);
  const zeroPoint = vector(b, "i64", q.zeroPoint);
  const bw = q.blockwise;
  // BlockwiseQuantization, member 2 of the details union.
  const details = bw
    ? table(b, 3, () => {
      b.addFieldInt32(0, bw.scales, 0);
      b.addFieldInt32(1, bw.zeroPoints, 0);
      b.addFieldInt32(2, bw.blockSize, 0);
    })
    : 0;
  return table(b, 7, () => {
    if (min) b.addFieldOffset(0, min, 0);
    if (max) b.addFieldOffset(1, max, 0);
    b.addFieldOffset(2, scale, 0);
    b.addFieldOffset(3, zeroPoint, 0);
    if (details) {
      b.addFieldInt8(4, 2, 0);
      b.addFieldOffset(5, details, 0);
    }
    b.addFieldInt32(6, q.quantizedDimension, 0);
  });
}

function writeSparsity(b: Builder, s: Sparsity): number {
  const indexVector = (values: number[] | undefined) => {
    if (values === undefined) return 0;
    const v = vector(b, "i32", values);
    return table(b, 1, () => b.addFieldOffset(0, v, 0));
  };
  const dims = s.dimMetadata.map((d) => {
    const segments = indexVector(d.arraySegments);
    const indices = indexVector(d.arrayIndices);
    return table(b, 6, () => {
      b.addFieldInt8(0, d.format === "dense" ? 0 : 1, 0);
      b.addFieldInt32(1, d.denseSize, 0);
      if (segments) {
        b.addFieldInt8(2, 1, 0);
        b.addFieldOffset(3, segments, 0);
      }
      if (indices) {
        b.addFieldInt8(4, 1, 0);
        b.addFieldOffset(5, indices, 0);
      }
    });
  });
  const traversal = vector(b, "i32", s.traversalOrder);
  const blockMap = vector(b, "i32", s.blockMap);
  const dimMetadata = offsets(b, dims);
  return table(b, 3, () => {
    b.addFieldOffset(0, traversal, 0);
    b.addFieldOffset(1, blockMap, 0);
    b.addFieldOffset(2, dimMetadata, 0);
  });
}

function writeTensor(
  b: Builder,
  t: Tensor,
  buffer: number,
  where: string,
): number {
  const type = TENSOR_TYPES.indexOf(t.dtype);
  if (type < 0) {
    throw new UsageError(`${where}: unknown dtype ${JSON.stringify(t.dtype)}`);
  }
  const dynamic = t.shape.includes(-1);
  const name = b.createString(t.name);
  const shape = vector(b, "i32", t.shape.map((d) => (d === -1 ? 1 : d)));
  const signature = dynamic ? vector(b, "i32", t.shape) : 0;
  const quantization = t.quantization === undefined ? 0 : writeQuantization(b, t.quantization);
  const sparsity = t.sparsity === undefined ? 0 : writeSparsity(b, t.sparsity);
  return table(b, 9, () => {
    b.addFieldOffset(0, shape, 0);
    b.addFieldInt8(1, type, 0);
    b.addFieldInt32(2, buffer, 0);
    b.addFieldOffset(3, name, 0);
    if (quantization) b.addFieldOffset(4, quantization, 0);
    if (t.isVariable) b.addFieldInt8(5, 1, 0);
    if (sparsity) b.addFieldOffset(6, sparsity, 0);
    if (signature) b.addFieldOffset(7, signature, 0);
    // has_rank, as TensorFlow's MLIR converter writes it: an empty shape is a scalar.
    if (!t.unranked) b.addFieldInt8(8, 1, 0);
  });
}

interface Codes {
  index: Map<string, number>;
  list: { op: string; customCode?: string; version: number }[];
}

function opcodeIndex(codes: Codes, node: Node): number {
  const key = JSON.stringify([node.op, node.customCode ?? null, node.version]);
  let i = codes.index.get(key);
  if (i === undefined) {
    i = codes.list.length;
    codes.index.set(key, i);
    codes.list.push({
      op: node.op,
      customCode: node.customCode,
      version: node.version,
    });
  }
  return i;
}

function writeNode(
  b: Builder,
  node: Node,
  codes: Codes,
  where: string,
): number {
  const opcode = opcodeIndex(codes, node);
  const inputs = vector(b, "i32", node.inputs);
  const outputs = vector(b, "i32", node.outputs);
  const options = node.optionsType === undefined ? undefined : writeOptions(b, node, where);
  const custom = node.customOptions === undefined ? 0 : b.createByteVector(node.customOptions);
  const intermediates = node.intermediates?.length ? vector(b, "i32", node.intermediates) : 0;
  return table(b, 13, () => {
    b.addFieldInt32(0, opcode, 0);
    b.addFieldOffset(1, inputs, 0);
    b.addFieldOffset(2, outputs, 0);
    if (options !== undefined) {
      b.addFieldInt8(options.union === 1 ? 3 : 11, options.code, 0);
      b.addFieldOffset(options.union === 1 ? 4 : 12, options.offset, 0);
    }
    if (custom) b.addFieldOffset(5, custom, 0);
    if (intermediates) b.addFieldOffset(8, intermediates, 0);
  });
}

function writeGraph(
  b: Builder,
  g: Graph,
  sg: number,
  codes: Codes,
  buffers: Uint8Array[],
): number {
  const label = (what: string) => (sg === 0 ? what : `Subgraph ${sg} ${what}`);
  const tensors = g.tensors.map((t, i) => {
    let buffer = 0;
    if (t.data !== undefined) {
      buffer = buffers.length;
      buffers.push(t.data);
    }
    return writeTensor(b, t, buffer, label(`tensor ${i}`));
  });
  const tensorVec = offsets(b, tensors);
  const nodes = offsets(
    b,
    g.nodes.map((n, i) => writeNode(b, n, codes, label(`node ${i} (${n.op})`))),
  );
  const inputs = vector(b, "i32", g.inputs);
  const outputs = vector(b, "i32", g.outputs);
  const name = g.name === "" ? 0 : b.createString(g.name);
  return table(b, 5, () => {
    b.addFieldOffset(0, tensorVec, 0);
    b.addFieldOffset(1, inputs, 0);
    b.addFieldOffset(2, outputs, 0);
    b.addFieldOffset(3, nodes, 0);
    if (name) b.addFieldOffset(4, name, 0);
  });
}

/**
 * Encodes a model as a `.tflite` FlatBuffer. Each constant gets its own buffer; operator codes are
 * shared by op, custom code and version. Reading the result with `readModel` gives back a
 * model deep-equal to `model`.
 *
 * @example
 * ```ts
 * import { GraphBuilder, readModel, writeModel } from "./mod.ts";
 * const g = new GraphBuilder();
 * const x = g.input("x", "float32", [1, 2, 2, 1]);
 * const w = g.constant("w", "float32", [1, 1, 1, 1], new Float32Array([2]));
 * const [y] = g.op("CONV_2D", [x, w, -1], [{ dtype: "float32", shape: [1, 2, 2, 1] }], {
 *   options: { padding: "VALID", strideW: 1, strideH: 1 },
 * });
 * g.output(y);
 * const bytes = writeModel(g.build());
 * const node = readModel(bytes).subgraphs[0].nodes[0];
 * if (node.options.padding !== "VALID" || node.optionsType !== "Conv2DOptions") throw new Error("wrong");
 * ```
 *
 * @param model The model.
 * @returns The file bytes.
 * @throws {UsageError} When the model names an unknown op, dtype, option table or enum value.
 */
export function writeModel(model: Model): Uint8Array {
  const b = new Builder(1024);
  const codes: Codes = { index: new Map(), list: [] };
  const buffers: Uint8Array[] = [new Uint8Array(0)];
  const subgraphs = offsets(
    b,
    model.subgraphs.map((g, i) => writeGraph(b, g, i, codes, buffers)),
  );
  const metadataBuffers = model.metadata.map((m) => {
    buffers.push(m.data);
    return buffers.length - 1;
  });
  const metadata = offsets(
    b,
    model.metadata.map((m, i) => {
      const name = b.createString(m.name);
      return table(b, 2, () => {
        b.addFieldOffset(0, name, 0);
        b.addFieldInt32(1, metadataBuffers[i], 0);
      });
    }),
  );
  const signatures = offsets(
    b,
    model.signatures.map((s) => {
      const maps = (list: { name: string; tensor: number }[]) =>
        offsets(
          b,
          list.map((m) => {
            const name = b.createString(m.name);
            return table(b, 2, () => {
              b.addFieldOffset(0, name, 0);
              b.addFieldInt32(1, m.tensor, 0);
            });
          }),
        );
      const inputs = maps(s.inputs);
      const outputs = maps(s.outputs);
      const key = b.createString(s.key);
      return table(b, 5, () => {
        b.addFieldOffset(0, inputs, 0);
        b.addFieldOffset(1, outputs, 0);
        b.addFieldOffset(2, key, 0);
        b.addFieldInt32(4, s.subgraph, 0);
      });
    }),
  );
  const operatorCodes = offsets(
    b,
    codes.list.map((c) => {
      const code = opCode(c.op, `Operator ${c.op}`);
      const custom = c.customCode === undefined ? 0 : b.createString(c.customCode);
      return table(b, 4, () => {
        b.addFieldInt8(0, Math.min(code, 127), 0);
        if (custom) b.addFieldOffset(1, custom, 0);
        b.addFieldInt32(2, c.version, 1);
        b.addFieldInt32(3, code, 0);
      });
    }),
  );
  const bufferVec = offsets(
    b,
    buffers.map((data) => {
      let vec = 0;
      if (data.length > 0) {
        b.prep(16, data.length);
        vec = b.createByteVector(data);
      }
      return table(b, 3, () => {
        if (vec) b.addFieldOffset(0, vec, 0);
      });
    }),
  );
  const description = model.description === "" ? 0 : b.createString(model.description);
  const root = table(b, 8, () => {
    b.addFieldInt32(0, model.version, 0);
    b.addFieldOffset(1, operatorCodes, 0);
    b.addFieldOffset(2, subgraphs, 0);
    if (description) b.addFieldOffset(3, description, 0);
    b.addFieldOffset(4, bufferVec, 0);
    if (model.metadata.length > 0) b.addFieldOffset(6, metadata, 0);
    if (model.signatures.length > 0) b.addFieldOffset(7, signatures, 0);
  });
  b.finish(root, "TFL3");
  return b.asUint8Array().slice();
}
