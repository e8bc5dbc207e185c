/**
 * Concatenation in place: when the inputs of a concatenation are laid end to end in its output's
 * memory (one contiguous block each), every input is given its home inside the output buffer, its
 * producer writes straight there, and the concatenation itself does nothing. The plan decides this
 * here, as data (which tensor sits at which byte offset of which), and the memory planners see each
 * group as one record spanning all its members' lifetimes. Pure.
 *
 * Where a block is contiguous depends on the backend's layout:
 * - PHWC4 (GPU, `((b * S + s) * H + h) * W + w`, `S = ceil(c / 4)`): along the batch always; along
 *   channels when the batch is 1 and every input but the last has a multiple of 4 channels (the
 *   last input's padding lanes are the output's); along height when batch and slices are 1; along
 *   width when batch, slices and height are 1.
 * - NHWC (CPU, row-major): when every dimension before the axis is 1. The CPU kernels write exactly
 *   their elements (SIMD loops end in a lane-masked tail), so blocks need no alignment beyond their
 *   element size.
 *
 * @module
 */
import type { ExecGraph } from "../../core/exec_graph.ts";
import { numElements } from "../../core/ir.ts";
import { producerIndex } from "../../core/topology.ts";
import type { UsageRecord } from "../memory/mod.ts";

/** One tensor placed inside a concatenation's output. */
export interface ConcatAlias {
  /** The placed tensor (an input of an elided concatenation). */
  tensor: number;
  /** The tensor whose memory holds it: the outermost concatenation output of its group. */
  root: number;
  /** Byte offset of the tensor inside the root. */
  offset: number;
  /** Bytes of the tensor. */
  bytes: number;
}

/** What {@linkcode planConcatInPlace} decides. */
export interface ConcatPlacement {
  /** Concatenation nodes that become no-ops, in node order. */
  nodes: number[];
  /** Every placed tensor, in the order they were placed. */
  aliases: ConcatAlias[];
}

/** Memory layout of the backend's tensors. */
export type ConcatLayout = "phwc4" | "nhwc";

/** Options of {@linkcode planConcatInPlace}. */
export interface ConcatInPlaceOptions {
  /** How tensors are laid out in memory. */
  layout: ConcatLayout;
  /** Bytes a tensor occupies in that layout. */
  bytes: (t: number) => number;
  /** Whether a tensor may be placed inside another: an intermediate of the plan's arena. */
  movable: (t: number) => boolean;
  /**
   * Whether a concatenation output may hold its inputs (default `movable`): the CPU arena also
   * holds graph outputs.
   */
  canHold?: (t: number) => boolean;
  /** Storage of a tensor: inputs and output must agree (default: the dtype). */
  storage?: (t: number) => string | undefined;
  /** Whether a node runs on the backend whose memory is planned (default: every node). */
  onBackend?: (node: number) => boolean;
  /** Concatenation nodes to leave as they are. */
  exclude?: ReadonlySet<number>;
}

/** Memory order of the dimensions along which PHWC4 stores `[b, h, w, c]` (slices after batch). */
const PHWC4_ORDER = [0, 3, 1, 2];

function sameQuantization(graph: ExecGraph, a: number, b: number): boolean {
  const qa = graph.tensors[a].quantization, qb = graph.tensors[b].quantization;
  if (!qa || !qb) return qa === qb;
  return qa.scale.join() === qb.scale.join() && qa.zeroPoint.join() === qb.zeroPoint.join();
}

/** Whether each input of a concatenation along `axis` is one contiguous block of the output. */
function contiguous(
  layout: ConcatLayout,
  shapes: readonly (readonly number[])[],
  axis: number,
): boolean {
  const out = shapes.at(-1)!;
  if (layout === "nhwc") return numElements(out.slice(0, axis)) === 1;
  if (out.length > 4) return false;
  const pad = (s: readonly number[]) => [1, 1, 1, 1, ...s].slice(-4);
  const a4 = axis + 4 - out.length;
  const o4 = pad(out);
  const dims = [o4[0], Math.ceil(o4[3] / 4), o4[1], o4[2]]; // b, S, H, W
  const position = PHWC4_ORDER.indexOf(a4);
  if (numElements(dims.slice(0, position)) !== 1) return false;
  if (a4 !== 3) return true;
  // Channel blocks start on a slice: every input but the last holds whole slices.
  return shapes.slice(0, -2).every((s) => pad(s)[3] % 4 === 0);
}

/**
 * Decides which concatenations run in place. A concatenation qualifies when its kernel says it only
 * lays its inputs end to end (`traits.joinAxis`, no fused activation, no epilogue), it runs on the
 * backend, its output can hold its inputs, every input is a movable intermediate of the output's
 * storage and quantization,
 * no input is repeated or already placed by another concatenation, each input is produced by a node
 * on the backend, and the layout makes every input one contiguous block. Nested concatenations
 * compose: a placed concatenation output placed in turn carries its inputs along.
 *
 * @example Two 4-channel branches joined along channels on the GPU
 * ```ts
 * import { planConcatInPlace } from "./concat_in_place.ts";
 * import type { ExecGraph } from "../../core/exec_graph.ts";
 * import { deepStrictEqual } from "node:assert";
 *
 * const f = (c: number) => ({ dtype: "float32", shape: [1, 2, 2, c] });
 * const relu = { op: "RELU", kernel: {}, epilogue: [], options: {} };
 * const concat = {
 *   op: "CONCATENATION",
 *   kernel: { traits: { joinAxis: () => 3 } },
 *   epilogue: [],
 *   options: {},
 * };
 * const graph = {
 *   tensors: [f(4), f(4), f(4), f(8)],
 *   nodes: [
 *     { ...relu, inputs: [0], outputs: [1] },
 *     { ...relu, inputs: [0], outputs: [2] },
 *     { ...concat, inputs: [1, 2], outputs: [3] },
 *   ],
 *   inputs: [0],
 *   outputs: [],
 * } as unknown as ExecGraph;
 * const p = planConcatInPlace(graph, {
 *   layout: "phwc4",
 *   bytes: (t) => graph.tensors[t].shape[3] / 4 * 4 * 16,
 *   movable: (t) => t !== 0,
 * });
 * deepStrictEqual(p.nodes, [2]);
 * deepStrictEqual(p.aliases.map((a) => [a.tensor, a.root, a.offset]), [[1, 3, 0], [2, 3, 64]]);
 * ```
 *
 * @param graph The exec graph in execution order.
 * @param options Layout, tensor bytes, which tensors and nodes may take part.
 * @returns The elided nodes and the placed tensors.
 */
export function planConcatInPlace(
  graph: ExecGraph,
  options: ConcatInPlaceOptions,
): ConcatPlacement {
  const storage = options.storage ?? ((t: number) => graph.tensors[t].dtype);
  const onBackend = options.onBackend ?? (() => true);
  const producer = producerIndex(graph);
  const placed = new Map<number, ConcatAlias>();
  const nodes: number[] = [];
  graph.nodes.forEach((node, k) => {
    const axis = node.kernel.traits?.joinAxis?.(node.options);
    if (axis === undefined || node.epilogue.length > 0 || !onBackend(k)) return;
    if (options.exclude?.has(k)) return;
    if (node.outputs.length !== 1) return;
    const out = node.outputs[0];
    const ins = node.inputs;
    if (
      !(options.canHold ?? options.movable)(out) || ins.length === 0 ||
      new Set(ins).size !== ins.length
    ) return;
    const fits = ins.every((t) =>
      t >= 0 && options.movable(t) && !placed.has(t) && producer.has(t) &&
      onBackend(producer.get(t)!) && storage(t) === storage(out) &&
      sameQuantization(graph, t, out)
    );
    if (!fits) return;
    const shapes = [...ins, out].map((t) => graph.tensors[t].shape);
    const rank = shapes.at(-1)!.length;
    const a = axis < 0 ? axis + rank : axis;
    if (!contiguous(options.layout, shapes, a)) return;
    const sizes = ins.map((t) => options.bytes(t));
    if (sizes.reduce((x, y) => x + y, 0) !== options.bytes(out)) return;
    let offset = 0;
    ins.forEach((t, i) => {
      placed.set(t, { tensor: t, root: out, offset, bytes: sizes[i] });
      offset += sizes[i];
    });
    nodes.push(k);
  });
  // Nested groups: follow each root up to the outermost output, adding the offsets on the way.
  const resolve = (a: ConcatAlias): ConcatAlias => {
    const up = placed.get(a.root);
    if (!up) return a;
    const r = resolve(up);
    return { ...a, root: r.root, offset: r.offset + a.offset };
  };
  return { nodes, aliases: [...placed.values()].map(resolve) };
}

/** Records after merging each concatenation group into one. */
export interface ConcatRecords {
  /** One record per group or other tensor. */
  records: UsageRecord[];
  /** The tensor of each record (a group's root). */
  tensors: number[];
  /** The placed tensors that had records of their own, now inside their root's. */
  aliases: ConcatAlias[];
}

/**
 * Merges the records of each concatenation group into its root's: the root's size, from the first
 * member's first use to the last member's last use. Placed tensors lose their own records.
 *
 * @example
 * ```ts
 * import { mergeConcatRecords } from "./concat_in_place.ts";
 * import { deepStrictEqual } from "node:assert";
 *
 * const r = mergeConcatRecords({
 *   records: [
 *     { size: 64, firstOp: 0, lastOp: 2 },
 *     { size: 64, firstOp: 1, lastOp: 3 },
 *     { size: 128, firstOp: 2, lastOp: 4 },
 *   ],
 *   tensors: [1, 2, 3],
 *   placement: {
 *     nodes: [2],
 *     aliases: [
 *       { tensor: 1, root: 3, offset: 0, bytes: 64 },
 *       { tensor: 2, root: 3, offset: 64, bytes: 64 },
 *     ],
 *   },
 * });
 * deepStrictEqual(r.records, [{ size: 128, firstOp: 0, lastOp: 4 }]);
 * deepStrictEqual(r.tensors, [3]);
 * ```
 *
 * @param args Records, their tensors and the placement.
 * @returns Merged records.
 */
export function mergeConcatRecords(
  args: {
    records: readonly UsageRecord[];
    tensors: readonly number[];
    placement: ConcatPlacement;
  },
): ConcatRecords {
  const alias = new Map(args.placement.aliases.map((a) => [a.tensor, a]));
  const index = new Map(args.tensors.map((t, i) => [t, i]));
  const records: UsageRecord[] = [];
  const tensors: number[] = [];
  const at = new Map<number, number>();
  args.tensors.forEach((t, i) => {
    if (alias.has(t)) return;
    at.set(t, records.length);
    records.push({ ...args.records[i] });
    tensors.push(t);
  });
  const aliases: ConcatAlias[] = [];
  for (const a of args.placement.aliases) {
    const i = index.get(a.tensor), r = at.get(a.root);
    if (i === undefined || r === undefined) continue;
    records[r].firstOp = Math.min(records[r].firstOp, args.records[i].firstOp);
    records[r].lastOp = Math.max(records[r].lastOp, args.records[i].lastOp);
    aliases.push(a);
  }
  return { records, tensors, aliases };
}

/**
 * The concatenations whose group would raise the largest live total of the records: a group holds
 * its root's bytes from its first member's first use, which exceeds the members alive before the
 * last of them is produced. Every concatenation of such a group (nested ones included) is returned,
 * to be planned again without them; the rest never raise the model-order lower bound.
 *
 * @example A branch made early, held at full width while a large temporary lives
 * ```ts
 * import { raisingConcats } from "./concat_in_place.ts";
 * import type { ExecGraph } from "../../core/exec_graph.ts";
 * import { deepStrictEqual } from "node:assert";
 *
 * // Branch 1 (64 bytes) from node 0 and branch 3 (64 bytes) from node 2 join at node 3 into
 * // tensor 4 (128 bytes); temporary 2 (256 bytes) lives at node 1 or at node 2.
 * const graph = { nodes: [{}, {}, {}, { outputs: [4] }] } as unknown as ExecGraph;
 * const placement = {
 *   nodes: [3],
 *   aliases: [
 *     { tensor: 1, root: 4, offset: 0, bytes: 64 },
 *     { tensor: 3, root: 4, offset: 64, bytes: 64 },
 *   ],
 * };
 * const records = (temporaryAt: number) => [
 *   { size: 64, firstOp: 0, lastOp: 3 },
 *   { size: 256, firstOp: temporaryAt, lastOp: temporaryAt },
 *   { size: 64, firstOp: 2, lastOp: 3 },
 *   { size: 128, firstOp: 3, lastOp: 4 },
 * ];
 * const tensors = [1, 2, 3, 4];
 * // At node 2 both branches are alive anyway: 64 + 256 + 64 either way.
 * deepStrictEqual([...raisingConcats(graph, { records: records(2), tensors, placement })], []);
 * // At node 1 the group's 128 bytes beside the temporary beat the 320 of the peak without it.
 * deepStrictEqual([...raisingConcats(graph, { records: records(1), tensors, placement })], [3]);
 * ```
 *
 * @param graph The exec graph (for each concatenation's output).
 * @param args Records (without the groups), their tensors and the placement.
 * @returns Concatenation nodes to leave out.
 */
export function raisingConcats(
  graph: ExecGraph,
  args: {
    records: readonly UsageRecord[];
    tensors: readonly number[];
    placement: ConcatPlacement;
  },
): Set<number> {
  const { records } = args;
  const steps = records.reduce((a, r) => Math.max(a, r.lastOp + 1), 0);
  const live = new Float64Array(steps + 1);
  for (const r of records) {
    live[r.firstOp] += r.size;
    live[r.lastOp + 1] -= r.size;
  }
  for (let j = 1; j <= steps; j++) live[j] += live[j - 1];
  let peak = 0;
  for (let j = 0; j < steps; j++) peak = Math.max(peak, live[j]);
  const index = new Map(args.tensors.map((t, i) => [t, i]));
  const rootOf = new Map(args.placement.aliases.map((a) => [a.tensor, a.root]));
  const groups = new Map<number, { members: number[]; nodes: number[] }>();
  for (const k of args.placement.nodes) {
    const out = graph.nodes[k].outputs[0];
    const root = rootOf.get(out) ?? out;
    if (!groups.has(root)) groups.set(root, { members: [root], nodes: [] });
    groups.get(root)!.nodes.push(k);
  }
  for (const a of args.placement.aliases) groups.get(a.root)?.members.push(a.tensor);
  const out = new Set<number>();
  for (const [root, g] of groups) {
    const own = g.members.flatMap((t) => index.has(t) ? [records[index.get(t)!]] : []);
    const rootRecord = index.has(root) ? records[index.get(root)!] : undefined;
    if (!rootRecord || own.length === 0) continue;
    const first = Math.min(...own.map((r) => r.firstOp));
    const last = Math.max(...own.map((r) => r.lastOp));
    for (let j = first; j <= last; j++) {
      const apart = own.reduce((a, r) => a + (r.firstOp <= j && j <= r.lastOp ? r.size : 0), 0);
      if (live[j] - apart + rootRecord.size > peak) {
        for (const k of g.nodes) out.add(k);
        break;
      }
    }
  }
  return out;
}

/**
 * A placement that never raises the largest live total of the records: concatenations whose group
 * would ({@linkcode raisingConcats}) are excluded and the rest placed again, until none does.
 *
 * @example
 * ```ts ignore
 * const placement = settleConcats(graph, {
 *   records, tensors,
 *   place: (exclude) => planConcatInPlace(graph, { ...options, exclude }),
 * });
 * ```
 *
 * @param graph The exec graph.
 * @param args Records without groups, their tensors, and how to place with some nodes excluded.
 * @returns The placement.
 */
export function settleConcats(
  graph: ExecGraph,
  args: {
    records: readonly UsageRecord[];
    tensors: readonly number[];
    place: (exclude: ReadonlySet<number>) => ConcatPlacement;
  },
): ConcatPlacement {
  const exclude = new Set<number>();
  for (;;) {
    const placement = args.place(exclude);
    const raising = raisingConcats(graph, { ...args, placement });
    if (raising.size === 0) return placement;
    for (const k of raising) exclude.add(k);
  }
}
