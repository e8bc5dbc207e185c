/**
 * Building blocks of the WebAssembly kernel generators: the kernel signature, parameter-block
 * loads, loops, clamps and partial stores.
 *
 * @module
 */
import type { FuncBuilder, Local } from "./emit.ts";
import { FuncBuilder as Builder } from "./emit.ts";
import { type BlockFields, blockOffset, type ParamBlock } from "./blocks.ts";

/** A kernel `(params, t0, t1)`: parameter block address, then the task range. */
export function kernel(name: string): FuncBuilder {
  return new Builder(name, ["i32", "i32", "i32"]);
}

/** Loads field `name` of the kernel's parameter block into a new local. */
export function field<F extends BlockFields>(
  f: FuncBuilder,
  block: ParamBlock<F>,
  name: keyof F & string,
): Local {
  const type = block.fields[name] === "f32" ? "f32" : "i32";
  const l = f.local(type);
  f.get(f.param(0)).mem(type === "i32" ? "i32.load" : "f32.load", blockOffset(block, name)).set(l);
  return l;
}

/** Pushes the address of the kernel's parameter block; a load at {@linkcode blockOffset} follows. */
export function blockBase(f: FuncBuilder): FuncBuilder {
  return f.get(f.param(0));
}

/** `dst = src + c` on i32 locals. */
export function addTo(f: FuncBuilder, dst: Local, src: Local, c: number | Local): void {
  f.get(src);
  if (typeof c === "number") f.i32(c);
  else f.get(c);
  f.op("i32.add").set(dst);
}

/** `acc = acc + a * b` on v128 values pushed by the callbacks. */
export function fma(
  f: FuncBuilder,
  acc: Local,
  a: () => void,
  b: () => void,
  relaxed: boolean,
): void {
  if (relaxed) {
    a();
    b();
    f.get(acc).op("f32x4.relaxed_madd").set(acc);
  } else {
    f.get(acc);
    a();
    b();
    f.op("f32x4.mul", "f32x4.add").set(acc);
  }
}

/**
 * Sets one v128 local per f32x4 constant, where it is called (before a kernel's loops), and
 * returns a function that pushes a constant's local: V8 rebuilds a `v128.const` inside a loop at
 * every use, a local stays in a register.
 */
export function constants(f: FuncBuilder, values: readonly number[]): (c: number) => FuncBuilder {
  const locals = new Map<number, Local>();
  for (const c of values) {
    if (locals.has(c)) continue;
    const l = f.local("v128");
    f.f32x4(c).set(l);
    locals.set(c, l);
  }
  return (c) => {
    const l = locals.get(c);
    if (!l) throw new Error(`Constant ${c} was not set up front`);
    return f.get(l);
  };
}

/** HARD_SWISH of a v128 local in place, `v · min(max(v + 3, 0), 6) / 6`, constants from `k`. */
export function hardSwish(f: FuncBuilder, v: Local, k: (c: number) => FuncBuilder): void {
  f.get(v).get(v);
  k(3).op("f32x4.add");
  k(0).op("f32x4.pmax");
  k(6).op("f32x4.pmin", "f32x4.mul");
  k(1 / 6).op("f32x4.mul").set(v);
}

/** The constants {@linkcode hardSwish} reads. */
export const HARD_SWISH_CONSTS: readonly number[] = [3, 0, 6, 1 / 6];

/**
 * Clamps a v128 local to `[lo, hi]` with `f32x4.pmax` / `f32x4.pmin`, the value first: `v < lo ? lo
 * : v`, then `hi < v ? hi : v`, so a NaN stays NaN. V8 compiles each to one `maxps`/`minps`, where
 * `f32x4.max`/`min` (NaN and signed-zero rules) take about eight instructions; the only difference
 * is that `-0` stays `-0`. Float kernels use the pseudo-min/max the same way, value first.
 */
export function clamp(f: FuncBuilder, v: Local, lo: Local, hi: Local): void {
  f.get(v).get(lo).op("f32x4.pmax").get(hi).op("f32x4.pmin").set(v);
}

/** Stores lanes `0..n-1` of `vs` (lanes counted across the vectors) at `addr`, `n` a local. */
export function storeLanes(f: FuncBuilder, addr: Local, vs: Local[], n: Local): void {
  for (let l = 0; l < vs.length * 4; l++) {
    f.get(n).i32(l).op("i32.gt_s").open("if");
    f.get(addr).get(vs[l >> 2]).storeLane(l & 3, 4 * l).end();
  }
}

/** `while (a < b) { body }` with `break` at depth 1 and `continue` at depth 0 inside `body`. */
export function whileLt(f: FuncBuilder, a: Local, b: Local, body: () => void): void {
  f.open("block").open("loop");
  f.get(a).get(b).op("i32.ge_s").br(1, true);
  body();
  f.br(0).end().end();
}

/** Narrows two i32x4 (already clamped) to 8 bytes in the low half of a v128 on the stack. */
export function narrow8(f: FuncBuilder, a: Local, b: Local, signed: boolean): void {
  f.get(a).get(b).op("i16x8.narrow_i32x4_s").tee(a).get(a);
  f.op(signed ? "i8x16.narrow_i16x8_s" : "i8x16.narrow_i16x8_u");
}

/** Stores the low `n` (a local, 1..8) bytes of the v128 in `v` at `addr`. */
export function storeBytes(f: FuncBuilder, addr: () => void, v: Local, n: Local): void {
  f.get(n).i32(8).op("i32.eq").open("if");
  addr();
  f.get(v).store64Lane(0);
  f.op("else");
  for (let l = 0; l < 8; l++) {
    f.get(n).i32(l).op("i32.gt_s").open("if");
    addr();
    f.get(v).extractU8(l).mem("i32.store8", l).end();
  }
  f.end();
}
