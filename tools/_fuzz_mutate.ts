/**
 * Mutations of a model file for `tools/fuzz.ts`: byte flips, truncation, and edits made through the
 * reader's own structures (tensor shapes, node operands, option fields, shape-carrying constants,
 * duplicated writers) written back with the writer. Pure apart from the seeded random source.
 *
 * @module
 */
import type { Model, Node, Tensor } from "../core/ir.ts";
import { readModel, writeModel } from "../format/tflite/mod.ts";

/** A mutated model and what was done to it. */
export interface Mutant {
  /** The mutation kind (a key of {@linkcode MUTATIONS}). */
  kind: string;
  /** What was changed, for the reproducer. */
  detail: string;
  /** The mutated file. */
  bytes: Uint8Array;
}

/** Random source in [0, 1). */
export type Rng = () => number;

function pick<T>(rng: Rng, list: readonly T[]): T {
  return list[Math.floor(rng() * list.length)];
}

function int(rng: Rng, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}

/** Values that tend to break shape arithmetic. */
const NASTY = [
  0,
  1,
  -1,
  -2,
  2,
  3,
  7,
  255,
  256,
  65535,
  65536,
  2 ** 20,
  2 ** 24,
  2 ** 30,
  2 ** 31 - 1,
];

function nasty(rng: Rng): number {
  return rng() < 0.7 ? pick(rng, NASTY) : int(rng, -4, 4096);
}

function cloneModel(model: Model): Model {
  return structuredClone(model);
}

type Edit = (model: Model, rng: Rng) => string | undefined;

function mainGraph(model: Model) {
  return model.subgraphs[0];
}

/** Structural edits over the IR; each returns a description, or `undefined` when not applicable. */
const EDITS: Record<string, Edit> = {
  shape(model, rng) {
    const g = mainGraph(model);
    const t = pick(rng, g.tensors);
    if (!t || t.shape.length === 0) return undefined;
    const d = int(rng, 0, t.shape.length - 1);
    const v = nasty(rng);
    t.shape[d] = v;
    return `tensor "${t.name}" dim ${d} = ${v}`;
  },
  rank(model, rng) {
    const g = mainGraph(model);
    const t = pick(rng, g.tensors);
    if (!t) return undefined;
    if (rng() < 0.5 && t.shape.length > 0) t.shape.pop();
    else t.shape.push(nasty(rng));
    return `tensor "${t.name}" shape [${t.shape}]`;
  },
  operand(model, rng) {
    const g = mainGraph(model);
    const n = pick(rng, g.nodes);
    if (!n) return undefined;
    const list = rng() < 0.7 ? n.inputs : n.outputs;
    if (list.length === 0) return undefined;
    const k = int(rng, 0, list.length - 1);
    const v = rng() < 0.8 ? int(rng, -1, g.tensors.length - 1) : nasty(rng);
    list[k] = v;
    return `node ${g.nodes.indexOf(n)} ${list === n.inputs ? "input" : "output"} ${k} = ${v}`;
  },
  option(model, rng) {
    const g = mainGraph(model);
    const n = pick(rng, g.nodes.filter((x) => Object.keys(x.options).length > 0));
    if (!n) return undefined;
    const key = pick(rng, Object.keys(n.options));
    const old = n.options[key];
    const v = typeof old === "number"
      ? nasty(rng)
      : typeof old === "boolean"
      ? !old
      : Array.isArray(old)
      ? old.map(() => nasty(rng))
      : old;
    n.options[key] = v as never;
    return `node ${g.nodes.indexOf(n)} (${n.op}) option ${key} = ${JSON.stringify(v)}`;
  },
  inflate(model, rng) {
    // Scale the values of a small int32 constant read by PAD, RESHAPE, TILE, RESIZE...: the
    // constants that carry shapes.
    const g = mainGraph(model);
    const shapeOps = new Set([
      "PAD",
      "PADV2",
      "MIRROR_PAD",
      "RESHAPE",
      "TILE",
      "RESIZE_BILINEAR",
      "RESIZE_NEAREST_NEIGHBOR",
      "BROADCAST_TO",
      "STRIDED_SLICE",
      "SLICE",
      "TRANSPOSE_CONV",
    ]);
    const candidates: Tensor[] = [];
    for (const n of g.nodes) {
      if (!shapeOps.has(n.op)) continue;
      for (const t of n.inputs) {
        const x = g.tensors[t];
        if (x?.dtype === "int32" && x.data && x.data.byteLength <= 64) candidates.push(x);
      }
    }
    const t = pick(rng, candidates);
    if (!t?.data) return undefined;
    const data = new Int32Array(t.data.slice().buffer);
    const k = int(rng, 0, data.length - 1);
    data[k] = rng() < 0.5 ? data[k] * int(rng, 2, 50000) : nasty(rng);
    t.data = new Uint8Array(data.buffer);
    return `constant "${t.name}" = [${[...data]}]`;
  },
  rewrite(model, rng) {
    // A node writes a tensor another node writes, a constant, or a graph input.
    const g = mainGraph(model);
    const n: Node | undefined = pick(rng, g.nodes);
    if (!n || n.outputs.length === 0) return undefined;
    const targets = [
      ...g.nodes.flatMap((x) => x.outputs),
      ...g.inputs,
      ...g.tensors.flatMap((t, i) => (t.data ? [i] : [])),
    ];
    const v = pick(rng, targets);
    if (v === undefined) return undefined;
    n.outputs[0] = v;
    return `node ${g.nodes.indexOf(n)} output 0 = ${v}`;
  },
  order(model, rng) {
    const g = mainGraph(model);
    if (g.nodes.length < 2) return undefined;
    const a = int(rng, 0, g.nodes.length - 1), b = int(rng, 0, g.nodes.length - 1);
    [g.nodes[a], g.nodes[b]] = [g.nodes[b], g.nodes[a]];
    return `nodes ${a} and ${b} swapped`;
  },
  dtype(model, rng) {
    const g = mainGraph(model);
    const t = pick(rng, g.tensors.filter((x) => !x.data));
    if (!t) return undefined;
    t.dtype = pick(rng, ["int32", "uint8", "int8", "float16", "int64", "bool"] as const);
    return `tensor "${t.name}" dtype ${t.dtype}`;
  },
};

/**
 * The mutation kinds: `flip` and `truncate` work on bytes; the others edit the model read back
 * with the reader and rewrite it.
 */
export const MUTATIONS: readonly string[] = ["flip", "truncate", ...Object.keys(EDITS)];

/**
 * Makes one mutant of a model file.
 *
 * @example
 * ```ts ignore
 * import { mutate } from "./_fuzz_mutate.ts";
 * import { seededRandom } from "../core/random.ts";
 * const m = mutate(bytes, model, seededRandom(1));
 * ```
 *
 * @param bytes The original file.
 * @param model The original file, read.
 * @param rng Random source.
 * @returns The mutant.
 */
export function mutate(bytes: Uint8Array, model: Model, rng: Rng): Mutant {
  for (let attempt = 0; attempt < 20; attempt++) {
    const kind = pick(rng, MUTATIONS);
    if (kind === "flip") {
      const out = bytes.slice();
      const flips = int(rng, 1, 8);
      const at: number[] = [];
      for (let i = 0; i < flips; i++) {
        // Most of a file is weights; aim half of the flips at the first 4 KiB (tables, vtables).
        const p = rng() < 0.5
          ? int(rng, 0, Math.min(4095, out.length - 1))
          : int(rng, 0, out.length - 1);
        out[p] ^= 1 << int(rng, 0, 7);
        at.push(p);
      }
      return { kind, detail: `bits flipped at ${at.join(",")}`, bytes: out };
    }
    if (kind === "truncate") {
      const len = int(rng, 0, bytes.length - 1);
      return { kind, detail: `truncated to ${len} bytes`, bytes: bytes.slice(0, len) };
    }
    const m = cloneModel(model);
    const edits: string[] = [];
    const rounds = int(rng, 1, 3);
    for (let i = 0; i < rounds; i++) {
      const d = EDITS[kind](m, rng);
      if (d) edits.push(d);
    }
    if (edits.length === 0) continue;
    try {
      return { kind, detail: edits.join("; "), bytes: writeModel(m) };
    } catch {
      continue; // the writer refuses some edits (unknown enum values...); try another mutation
    }
  }
  return { kind: "flip", detail: "no edit applied; original", bytes: bytes.slice() };
}

/**
 * Reads a model file for mutation.
 *
 * @example
 * ```ts ignore
 * const model = parseForMutation(bytes);
 * ```
 *
 * @param bytes The file.
 * @returns The model.
 */
export function parseForMutation(bytes: Uint8Array): Model {
  return readModel(bytes);
}
