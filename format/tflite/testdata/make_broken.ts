/**
 * A deterministic corpus of broken `.tflite` files, each with the error message the reader must give.
 * Tests build it in process with {@linkcode brokenCorpus}; run this file to write it to a folder:
 *
 * ```sh
 * deno run -A engine/tflite/testdata/make_broken.ts [OUT_DIR]
 * ```
 *
 * @module
 */

import type { Model } from "../../../core/ir.ts";
import { seededRandom } from "../../../core/random.ts";
import { FlatReader, type Table } from "../_flat.ts";
import { GraphBuilder } from "../builder.ts";
import { writeModel } from "../writer.ts";

/** One broken file and the message its reading must fail with. */
export interface BrokenCase {
  /** File name stem. */
  name: string;
  /** File bytes. */
  bytes: Uint8Array;
  /** What the `ModelFormatError` message must match. */
  message: RegExp;
}

/** A seeded PRNG (mulberry32): same seed, same sequence. */
export const prng: (seed: number) => () => number = seededRandom;

/** A small valid model: input -> CONV_2D (int8 weights) -> ADD -> RELU -> output. */
function baseModel(): Model {
  const g = new GraphBuilder();
  const x = g.input("x", "float32", [1, 4, 4, 3]);
  const w = g.constant(
    "conv1/weights",
    "float32",
    [8, 3, 3, 3],
    new Float32Array(8 * 27).fill(0.5),
  );
  const q = g.constant("q", "int8", [8], new Int8Array(8), {
    quantization: { scale: [0.5], zeroPoint: [0], quantizedDimension: 0 },
  });
  const [c] = g.op(
    "CONV_2D",
    [x, w, -1],
    [{ dtype: "float32", shape: [1, 4, 4, 8], name: "conv" }],
    {
      options: { padding: "VALID", strideW: 1, strideH: 1 },
    },
  );
  const [d] = g.op("DEQUANTIZE", [q], [{ dtype: "float32", shape: [8], name: "deq" }]);
  const [a] = g.op("ADD", [c, d], [{ dtype: "float32", shape: [1, 4, 4, 8], name: "sum" }]);
  const [y] = g.op("RELU", [a], [{ dtype: "float32", shape: [1, 4, 4, 8], name: "y" }]);
  g.output(y);
  const model = g.build();
  model.metadata.push({ name: "min_runtime_version", data: new TextEncoder().encode("1.5.0") });
  return model;
}

function mutated(edit: (m: Model) => void): Uint8Array {
  const m = baseModel();
  edit(m);
  return writeModel(m);
}

/** Rewrites a scalar field found by `find` (a table and field id) in a copy of `bytes`. */
function patch(
  bytes: Uint8Array,
  find: (r: FlatReader, model: Table) => [Table, number],
  kind: "u8" | "u32",
  value: number,
): Uint8Array {
  const out = bytes.slice();
  const r = new FlatReader(out, 1e9);
  const [t, id] = find(r, r.root("TFL3"));
  const p = r.field(t, id, kind === "u8" ? 1 : 4, "patched");
  if (p === 0) throw new Error("make_broken: field to patch is absent");
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  if (kind === "u8") view.setUint8(p, value);
  else view.setUint32(p, value, true);
  return out;
}

/** Rewrites the length word of a vector field found by `find`. */
function patchVectorLength(
  bytes: Uint8Array,
  find: (r: FlatReader, model: Table) => [Table, number],
  length: number,
): Uint8Array {
  const out = bytes.slice();
  const r = new FlatReader(out, 1e9);
  const [t, id] = find(r, r.root("TFL3"));
  const p = r.ref(t, id, "patched");
  new DataView(out.buffer, out.byteOffset, out.byteLength).setUint32(p, length, true);
  return out;
}

const subgraph0 = (r: FlatReader, m: Table) => r.tables(m, 2, "subgraphs", (i) => `s${i}`)[0];
const tensor = (i: number) => (r: FlatReader, m: Table) =>
  r.tables(subgraph0(r, m), 0, "tensors", (k) => `t${k}`)[i];
const node = (i: number) => (r: FlatReader, m: Table) =>
  r.tables(subgraph0(r, m), 3, "operators", (k) => `n${k}`)[i];

/**
 * Builds the corpus. Deterministic: the same bytes on every call.
 *
 * @example
 * ```ts
 * import { brokenCorpus } from "./make_broken.ts";
 * if (brokenCorpus().length < 20) throw new Error("wrong");
 * ```
 *
 * @returns The broken files with their expected messages.
 */
export function brokenCorpus(): BrokenCase[] {
  const good = writeModel(baseModel());
  const random = prng(1234);
  const noise = Uint8Array.from({ length: 1000 }, () => Math.floor(random() * 256));
  const wrongId = good.slice();
  wrongId.set(new TextEncoder().encode("XXXX"), 4);
  const rootOutside = good.slice();
  new DataView(rootOutside.buffer).setUint32(0, 0xfffff000, true);
  const badVtable = good.slice();
  const rootPos = new DataView(good.buffer).getUint32(0, true);
  new DataView(badVtable.buffer).setInt32(rootPos, -0x7ffffff0, true);

  const cases: BrokenCase[] = [
    {
      name: "empty",
      bytes: new Uint8Array(0),
      message: /File too short to be a TensorFlow Lite model: 0 bytes/,
    },
    { name: "truncated_6", bytes: good.slice(0, 6), message: /File too short .*: 6 bytes/ },
    {
      name: "wrong_identifier",
      bytes: wrongId,
      message: /file identifier is "XXXX", expected "TFL3"/,
    },
    { name: "random_bytes", bytes: noise, message: /Not a TensorFlow Lite model: file identifier/ },
    {
      name: "root_outside_file",
      bytes: rootOutside,
      message: /Truncated or corrupt file: model table at offset/,
    },
    {
      name: "vtable_outside_file",
      bytes: badVtable,
      message: /Truncated or corrupt file: model vtable at offset/,
    },
    {
      name: "buffer_index_out_of_range",
      bytes: patch(good, (r, m) => [tensor(1)(r, m), 2], "u32", 99),
      message: /Tensor 1 "conv1\/weights": buffer 99 out of range \(the model has \d+ buffers\)/,
    },
    {
      name: "tensor_index_out_of_range",
      bytes: mutated((m) => (m.subgraphs[0].nodes[2].inputs = [3, 99])),
      message: /Node 2 \(ADD\): input 1 is tensor 99, out of range \(the subgraph has 7 tensors\)/,
    },
    {
      name: "negative_tensor_index",
      bytes: mutated((m) => (m.subgraphs[0].nodes[3].outputs = [-4])),
      message: /Node 3 \(RELU\): output 0 is tensor -4, out of range/,
    },
    {
      name: "opcode_index_out_of_range",
      bytes: patch(good, (r, m) => [node(1)(r, m), 0], "u32", 50),
      message: /Node 1: opcode index 50 out of range \(the model has 4 operator codes\)/,
    },
    {
      name: "negative_dimension",
      bytes: mutated((m) => (m.subgraphs[0].tensors[0].shape = [1, -5, 4, 3])),
      message: /Tensor 0 "x": negative dimension -5 in shape \[1,-5,4,3\]/,
    },
    {
      name: "shape_buffer_mismatch",
      bytes: mutated((m) => (m.subgraphs[0].tensors[1].data = new Uint8Array(100))),
      message:
        /Tensor 1 "conv1\/weights": buffer 1 holds 100 bytes, shape \[8,3,3,3\] float32 needs 864/,
    },
    {
      name: "dangling_tensor",
      bytes: mutated((m) => {
        m.subgraphs[0].tensors.push({ name: "ghost", dtype: "float32", shape: [8] });
        m.subgraphs[0].nodes[2].inputs = [3, 7];
      }),
      message: /Node 2 \(ADD\) reads tensor 7 "ghost" before it is available: no node produces it/,
    },
    {
      name: "cyclic_tensors",
      bytes: mutated((m) => (m.subgraphs[0].nodes[2].inputs = [3, 6])),
      message:
        /Node 2 \(ADD\) reads tensor 6 "y" before it is available: node 3 \(RELU\) produces it later/,
    },
    {
      name: "huge_declared_shape",
      bytes: mutated((m) => (m.subgraphs[0].tensors[6].shape = [65536, 65536, 1024])),
      message:
        /Tensor 6 "y": shape \[65536,65536,1024\] float32 needs \d+ bytes, over the limit of 1 GiB/,
    },
    {
      name: "huge_vector_length",
      bytes: patchVectorLength(good, (r, m) => [tensor(0)(r, m), 0], 0x7fffffff),
      message: /Truncated or corrupt file: Tensor 0 "x" shape \(2147483647 elements\)/,
    },
    {
      name: "graph_input_out_of_range",
      bytes: mutated((m) => (m.subgraphs[0].inputs = [42])),
      message: /Input 0 is tensor 42, out of range \(the subgraph has 7 tensors\)/,
    },
    {
      name: "graph_output_out_of_range",
      bytes: mutated((m) => (m.subgraphs[0].outputs = [-1])),
      message: /Output 0 is tensor -1, out of range/,
    },
    {
      name: "unknown_tensor_type",
      bytes: patch(good, (r, m) => [tensor(2)(r, m), 1], "u8", 77),
      message: /Tensor 2 "q": unknown tensor type 77/,
    },
    {
      name: "unknown_enum_value",
      bytes: patch(good, (r, m) => [r.table(node(0)(r, m), 4, "o", "o")!, 0], "u8", 9),
      message: /Node 0 \(CONV_2D\): option padding has unknown value 9/,
    },
    {
      name: "unknown_options_type",
      bytes: patch(good, (r, m) => [node(0)(r, m), 3], "u8", 250),
      message: /Node 0 \(CONV_2D\): unknown builtin options type 250/,
    },
    {
      name: "recursive_while",
      bytes: mutated((m) => {
        const g = m.subgraphs[0];
        g.nodes.push({
          op: "WHILE",
          version: 1,
          inputs: [6],
          outputs: [6],
          options: { condSubgraphIndex: 0, bodySubgraphIndex: 0 },
          optionsType: "WhileOptions",
        });
      }),
      message: /Subgraph 0 calls itself through subgraphs 0 -> 0/,
    },
    {
      name: "subgraph_reference_out_of_range",
      bytes: mutated((m) => {
        m.subgraphs[0].nodes.push({
          op: "WHILE",
          version: 1,
          inputs: [6],
          outputs: [6],
          options: { condSubgraphIndex: 0, bodySubgraphIndex: 7 },
          optionsType: "WhileOptions",
        });
      }),
      message: /Node 4 \(WHILE\): option bodySubgraphIndex names subgraph 7 but the model has 1/,
    },
    {
      name: "signature_subgraph_out_of_range",
      bytes: mutated((m) =>
        m.signatures.push({ key: "serve", subgraph: 5, inputs: [], outputs: [] })
      ),
      message: /Signature 0 "serve": subgraph 5 out of range/,
    },
    {
      name: "signature_tensor_out_of_range",
      bytes: mutated((m) =>
        m.signatures.push({
          key: "serve",
          subgraph: 0,
          inputs: [{ name: "x", tensor: 70 }],
          outputs: [],
        })
      ),
      message: /Signature 0 "serve" inputs 0 "x": tensor 70 out of range/,
    },
    {
      name: "per_channel_scale_mismatch",
      bytes: mutated((m) => {
        m.subgraphs[0].tensors[2].quantization = {
          scale: [1, 2, 3],
          zeroPoint: [0, 0, 0],
          quantizedDimension: 0,
        };
      }),
      message: /Tensor 2 "q": 3 quantization scales for 8 channels along dimension 0/,
    },
    {
      name: "metadata_buffer_out_of_range",
      bytes: patch(good, (r, m) => [r.tables(m, 6, "metadata", (i) => `m${i}`)[0], 1], "u32", 1000),
      message: /Metadata 0 "min_runtime_version": buffer 1000 out of range/,
    },
    {
      name: "no_subgraphs",
      bytes: mutated((m) => (m.subgraphs = [])),
      message: /Model has no subgraphs/,
    },
  ];
  for (const at of [12, 40, Math.floor(good.length / 2), good.length - 200]) {
    cases.push({
      name: `truncated_${at}`,
      bytes: good.slice(0, at),
      message: /Truncated or corrupt file: /,
    });
  }
  return cases;
}

if (import.meta.main) {
  const dir = Deno.args[0] ?? await Deno.makeTempDir({ prefix: "gpulite_broken_" });
  await Deno.mkdir(dir, { recursive: true });
  const cases = brokenCorpus();
  for (const c of cases) await Deno.writeFile(`${dir}/${c.name}.tflite`, c.bytes);
  console.log(`Wrote ${cases.length} broken files to ${dir}`);
}
