/**
 * Program building: one kernel program bound to where its tensors live. Generates the WGSL
 * preamble (precision alias, binding declarations, tensor accessors with the node's fused epilogue)
 * and the bind group entries; constants are uploaded through `createConst`, scratch buffers through
 * `createBuffer`.
 *
 * @module
 */
import type { ExecGraph, ExecNode } from "../../../core/exec_graph.ts";
import type { GpuBinding, GpuProgram, Precision } from "../../../core/kernel.ts";
import type { StorageKind } from "../../../kernels/_gpu/phwc4.ts";
import { numberToF16Bits } from "../../../kernels/_shared/tensor.ts";
import { gpuTensorInfo } from "../../plan/placement.ts";
import {
  accessorsFor,
  declareBinding,
  type EpilogueCode,
  precisionHeader,
  type TensorPlacement,
} from "./accessors.ts";

/** Where a tensor lives on the device. */
export interface GpuTensorHome {
  /** The buffer. */
  buffer: GPUBuffer;
  /** Byte offset in the buffer. */
  offset: number;
  /** Bytes of the tensor. */
  bytes: number;
  /** Storage kind. */
  kind: StorageKind;
  /** WGSL variable of the shared arena holding it, for offsets plans. */
  arena?: "arena_f" | "arena_i";
}

/** A constant binding of a program. */
export type ConstBinding = Extract<GpuBinding, { kind: "const" }>;

/**
 * Bytes of one element of a binding's element type at a precision.
 *
 * @example
 * ```ts
 * import { elemBytes } from "./program.ts";
 * if (elemBytes("vec4<T>", "f16") !== 8) throw new Error("wrong");
 * ```
 *
 * @param elem WGSL element type (`T` is the float storage type).
 * @param precision Storage precision.
 * @returns Bytes.
 */
export function elemBytes(elem: string, precision: Precision): number {
  const base = elem.includes("T") ? (precision === "f16" ? 2 : 4) : 4;
  return elem.startsWith("vec4") ? base * 4 : base;
}

/**
 * The bytes a constant binding uploads: floats as f16 when its element is `T` in f16 runs.
 *
 * @example
 * ```ts
 * import { constBytes } from "./program.ts";
 * const b = { kind: "const" as const, name: "w", elem: "T" as const, data: new Float32Array([1]) };
 * if (constBytes(b, "f16").byteLength !== 4) throw new Error("padded to 4 bytes");
 * ```
 *
 * @param b The binding.
 * @param precision Weight precision.
 * @returns Bytes to upload.
 */
export function constBytes(b: ConstBinding, precision: Precision): Uint8Array {
  if (b.elem.includes("T") && precision === "f16") {
    const out = new Uint16Array(b.data.length + (b.data.length & 1));
    for (let i = 0; i < b.data.length; i++) out[i] = numberToF16Bits(b.data[i]);
    return new Uint8Array(out.buffer);
  }
  return new Uint8Array(b.data.buffer, b.data.byteOffset, b.data.byteLength);
}

function align(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}

/** What {@linkcode buildProgram} needs. */
export interface BuildProgramArgs {
  /** The graph. */
  graph: ExecGraph;
  /** The node. */
  node: ExecNode;
  /** One of its programs. */
  prog: GpuProgram;
  /** Where every tensor lives. */
  homes: Map<number, GpuTensorHome>;
  /** Storage precision. */
  precision: Precision;
  /** Weight precision. */
  weightPrecision: Precision;
  /** Scratch buffers of the node, by id (shared by its programs). */
  scratch: Map<number, GPUBuffer>;
  /** Creates a scratch buffer. */
  createBuffer: (bytes: number, label: string) => GPUBuffer;
  /** Creates and fills a constant buffer. */
  createConst: (b: ConstBinding) => GPUBuffer;
}

/**
 * Assembles a program's full WGSL source and its bind group entries.
 *
 * @example
 * ```ts ignore
 * const { code, entries, readOnly } = buildProgram({ graph, node, prog, homes, ... });
 * ```
 *
 * @param args Graph, node, program, tensor homes, precisions and buffer factories.
 * @returns WGSL source, bind group entries and which bindings are read-only.
 */
export function buildProgram(
  args: BuildProgramArgs,
): { code: string; entries: GPUBindGroupEntry[]; readOnly: boolean[] } {
  const { graph, node, prog, homes, precision } = args;
  let decl = precisionHeader(precision);
  let access = "";
  const entries: GPUBindGroupEntry[] = [];
  const readOnly: boolean[] = [];
  const arenaSlots = new Map<string, number>();
  const ownSlots = new Map<string, TensorPlacement>();
  // In-place execution in a shared-objects plan: an input and an output in the same buffer are
  // one read-write binding (WebGPU refuses a buffer bound both read-only and writable).
  type TensorBinding = Extract<GpuBinding, { kind: "input" | "output" }>;
  const bufferOf = (b: TensorBinding) =>
    homes.get(b.kind === "input" ? node.inputs[b.index] : node.outputs[b.index])!;
  const tensorBindings = prog.bindings.filter((b): b is TensorBinding =>
    b.kind === "input" || b.kind === "output"
  );
  const written = new Set(
    tensorBindings.filter((b) => b.kind === "output").map((b) => bufferOf(b).buffer),
  );
  const shared = new Set(
    tensorBindings.filter((b) => b.kind === "input" && !bufferOf(b).arena)
      .map((b) => bufferOf(b).buffer).filter((buf) => written.has(buf)),
  );
  const sharedKey = new Map([...shared].map((buf, i) => [buf, `shared ${i}`]));
  const variableFor = (
    t: number,
    write: boolean,
    name: string,
  ): TensorPlacement => {
    const h = homes.get(t)!;
    const unit = h.kind === "f16" ? 8 : 16;
    if (h.arena) {
      if (!arenaSlots.has(h.arena)) {
        const slot = entries.length;
        arenaSlots.set(h.arena, slot);
        entries.push({ binding: slot, resource: { buffer: h.buffer } });
        readOnly.push(false);
        decl += declareBinding(
          slot,
          h.arena,
          h.arena === "arena_i" ? "vec4<i32>" : "vec4<T>",
          false,
        );
      }
      return {
        variable: h.arena,
        offset: h.offset / unit,
        elem: h.arena === "arena_i" ? "vec4<i32>" : "vec4<T>",
      };
    }
    const inPlace = sharedKey.get(h.buffer);
    const key = inPlace ?? `${t}`;
    const existing = ownSlots.get(key);
    if (existing && (!write || inPlace)) {
      return { variable: existing.variable, offset: 0, elem: existing.elem };
    }
    if (inPlace) write = true;
    const slot = entries.length;
    const variable = `buf_${name}`;
    const elem = h.kind === "i32" ? "vec4<i32>" : h.kind === "f32" ? "vec4<f32>" : "vec4<T>";
    ownSlots.set(key, { variable, offset: 0, elem });
    entries.push({
      binding: slot,
      resource: {
        buffer: h.buffer,
        offset: h.offset,
        size: align(h.bytes, 16),
      },
    });
    readOnly.push(!write);
    decl += declareBinding(slot, variable, elem, !write);
    return { variable, offset: 0, elem };
  };
  for (const b of prog.bindings) {
    if (b.kind === "input" || b.kind === "output") {
      const t = b.kind === "input" ? node.inputs[b.index] : node.outputs[b.index];
      const info = gpuTensorInfo(graph.tensors[t]);
      const placement = variableFor(t, b.kind === "output", b.name);
      let epilogue: EpilogueCode | undefined;
      if (b.kind === "output" && b.index === 0 && node.epilogue.length > 0) {
        const operands: EpilogueCode["operands"] = [];
        const steps: EpilogueCode["steps"] = [];
        for (const st of node.epilogue) {
          let wgsl = st.wgsl;
          const idx: number[] = [];
          st.extra.forEach((e, j) => {
            const k = operands.length;
            operands.push({
              placement: variableFor(e.tensor, false, `e${k}_${b.name}`),
              mode: e.mode,
            });
            wgsl = wgsl.replaceAll(new RegExp(`\\be${j}\\b`, "g"), `E${k}`);
            idx.push(k);
          });
          steps.push({
            wgsl: wgsl.replaceAll(/\bE(\d+)\b/g, "e$1"),
            operands: idx,
          });
        }
        epilogue = { steps, operands };
      }
      access += accessorsFor({
        name: b.name,
        tensor: info,
        placement,
        output: b.kind === "output",
        epilogue,
      });
    } else if (b.kind === "const") {
      const slot = entries.length;
      const buf = args.createConst(b);
      entries.push({ binding: slot, resource: { buffer: buf } });
      readOnly.push(true);
      const elem = args.weightPrecision === "f32" ? b.elem.replace("T", "f32") : b.elem;
      decl += declareBinding(slot, b.name, elem, true);
    } else {
      let buf = args.scratch.get(b.id);
      if (!buf) {
        buf = args.createBuffer(
          b.length * elemBytes(b.elem, precision),
          `node ${node.index} scratch ${b.id}`,
        );
        args.scratch.set(b.id, buf);
      }
      const slot = entries.length;
      entries.push({ binding: slot, resource: { buffer: buf } });
      readOnly.push(false);
      decl += declareBinding(slot, b.name, b.elem, false);
    }
  }
  return { code: `${decl}${access}${prog.code}`, entries, readOnly };
}
