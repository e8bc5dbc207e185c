import { strictEqual } from "node:assert";
import { FuncBuilder } from "./emit.ts";
import { emitModule } from "./emit_module.ts";
import {
  boundedPerChannelConstants,
  boundedRequantSetup,
  requantBounded,
  requantBoundedPerChannel,
} from "./_requant_simd.ts";
import { multiplyByQuantizedMultiplier } from "../_shared/quant_math.ts";
import { seededRandom } from "../../core/random.ts";

/**
 * A module whose `r(n)` requantizes `n` i32 values at byte 1024 in place, four at a time, with lane
 * multipliers (as `2M`) at byte 64 and the right shift, zero point and range at bytes 4-19.
 */
function requantModule(anyShift: boolean): { run: (n: number) => void; mem: Int32Array } {
  const f = new FuncBuilder("r", ["i32"]);
  const n = f.param(0), i = f.local("i32"), v = f.local("v128");
  const at = (o: number) => () => f.i32(0).mem("i32.load", o);
  const q = boundedRequantSetup(f, {
    right: at(4),
    zy: at(8),
    qmin: at(12),
    qmax: at(16),
  });
  f.open("block").open("loop");
  f.get(i).get(n).op("i32.ge_s").br(1, true);
  f.get(i).i32(4).op("i32.mul").mem("v128.load", 1024).set(v);
  requantBounded(f, v, () => f.i32(0).mem("v128.load", 64), q, anyShift);
  f.get(i).i32(4).op("i32.mul").get(v).mem("v128.store", 1024);
  f.get(i).i32(4).op("i32.add").set(i);
  f.br(0).end().end();
  const mem = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  const bytes = emitModule([f], { initial: 1, maximum: 1 });
  const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { mem } });
  return { run: inst.exports.r as (n: number) => void, mem: new Int32Array(mem.buffer) };
}

for (const anyShift of [false, true]) {
  Deno.test(
    `requantBounded() equals MultiplyByQuantizedMultiplier inside its bound${
      anyShift ? ", right shift 0 included" : ""
    }`,
    () => {
      const { run, mem } = requantModule(anyShift);
      const r = seededRandom(5);
      let checked = 0;
      for (let trial = 0; trial < 400; trial++) {
        const right = anyShift && trial % 4 === 0 ? 0 : 1 + Math.floor(r() * 31);
        const mults = Array.from(
          { length: 4 },
          (_, l) => trial % 7 === 0 && l === 0 ? 2 ** 30 : 2 ** 30 + Math.floor(r() * 2 ** 30),
        );
        const [zy, qmin, qmax] = trial % 3 === 0 ? [0, -(2 ** 31), 2 ** 31 - 1] : [-3, -128, 127];
        mem.set([0, right, zy, qmin, qmax], 0);
        mem.set(mults.map((m) => (2 * m) | 0), 16);
        const limit = 2 ** 30;
        const values = Int32Array.from({ length: 256 }, (_, k) => {
          if (k < 8) return [0, -1, 1, limit - 1, 1 - limit, -2, 2 ** right, -(2 ** right)][k];
          const span = k % 2 ? limit : 2 ** Math.floor(r() * 30);
          return Math.max(1 - limit, Math.min(limit - 1, Math.floor((r() * 2 - 1) * span)));
        });
        mem.set(values, 256);
        run(values.length);
        for (let k = 0; k < values.length; k++) {
          const scaled = multiplyByQuantizedMultiplier(values[k], {
            multiplier: mults[k & 3],
            shift: -right,
          });
          const want = Math.min(qmax, Math.max(qmin, scaled + zy));
          strictEqual(mem[256 + k], want, `a ${values[k]} M ${mults[k & 3]} right ${right}`);
          checked++;
        }
      }
      strictEqual(checked, 400 * 256);
    },
  );
}

Deno.test("requantBoundedPerChannel() equals MultiplyByQuantizedMultiplier with a shift per lane", () => {
  const f = new FuncBuilder("r", ["i32"]);
  const n = f.param(0), i = f.local("i32"), v = f.local("v128");
  const at = (o: number) => () => f.i32(0).mem("i32.load", o);
  const q = {
    ...boundedRequantSetup(f, { right: () => f.i32(1), zy: at(8), qmin: at(12), qmax: at(16) }),
    sign: f.local("v128"),
  };
  f.i32(2 ** 31 | 0).op("i32x4.splat").set(q.sign);
  const a = { mult: f.local("i32"), right: f.local("i32") };
  f.i32(64).set(a.mult);
  f.i32(256).set(a.right);
  f.open("block").open("loop");
  f.get(i).get(n).op("i32.ge_s").br(1, true);
  for (const off of [0, 16]) {
    f.get(i).i32(4).op("i32.mul").mem("v128.load", 1024 + off).set(v);
    requantBoundedPerChannel(f, v, a, off, q);
    f.get(i).i32(4).op("i32.mul").get(v).mem("v128.store", 1024 + off);
  }
  f.get(i).i32(8).op("i32.add").set(i);
  f.br(0).end().end();
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  const bytes = emitModule([f], { initial: 1, maximum: 1 });
  const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { mem: memory } });
  const run = inst.exports.r as (n: number) => void;
  const mem = new Int32Array(memory.buffer);
  const r = seededRandom(9);
  let checked = 0;
  for (let trial = 0; trial < 300; trial++) {
    const mults = Array.from(
      { length: 8 },
      (_, l) => trial % 5 === 0 && l === 3 ? 2 ** 30 : 2 ** 30 + Math.floor(r() * 2 ** 30),
    );
    const rights = Array.from(
      { length: 8 },
      (_, l) => l === 0 ? 1 : l === 1 ? 31 : 1 + Math.floor(r() * 31),
    );
    const [zy, qmin, qmax] = trial % 3 === 0 ? [0, -(2 ** 31), 2 ** 31 - 1] : [7, -128, 127];
    mem.set([0, 0, zy, qmin, qmax], 0);
    mem.set(mults.map((m) => (2 * m) | 0), 16);
    mem.set(boundedPerChannelConstants(rights, 8), 64);
    const limit = 2 ** 30;
    const values = Int32Array.from({ length: 256 }, (_, k) => {
      if (k < 16) return [0, -1, 1, limit - 1, 1 - limit, -2, 2, -3][k & 7];
      const span = k % 2 ? limit : 2 ** Math.floor(r() * 30);
      return Math.max(1 - limit, Math.min(limit - 1, Math.floor((r() * 2 - 1) * span)));
    });
    mem.set(values, 256);
    run(values.length);
    for (let k = 0; k < values.length; k++) {
      const l = k & 7;
      const scaled = multiplyByQuantizedMultiplier(values[k], {
        multiplier: mults[l],
        shift: -rights[l],
      });
      const want = Math.min(qmax, Math.max(qmin, scaled + zy));
      strictEqual(mem[256 + k], want, `a ${values[k]} M ${mults[l]} right ${rights[l]}`);
      checked++;
    }
  }
  strictEqual(checked, 300 * 256);
});
