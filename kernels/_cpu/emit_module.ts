/**
 * Assembly of emitted functions into a WebAssembly module (type, import, function, export and code
 * sections).
 *
 * @module
 */
import type { FuncBuilder } from "./emit.ts";
import { name, uleb, VALTYPE, type ValType } from "./_wasm_encoding.ts";

/** Limits of the imported shared memory, in 64 KiB pages. */
export interface MemoryLimits {
  /** Initial pages. */
  initial: number;
  /** Maximum pages. */
  maximum: number;
}

/**
 * Assembles functions into a module that imports one shared memory as `env.mem` and exports every
 * function by name.
 *
 * @example
 * ```ts
 * import { emitModule } from "./emit_module.ts";
 * import { FuncBuilder } from "./emit.ts";
 * const f = new FuncBuilder("one", [], ["i32"]);
 * f.i32(1);
 * const bytes = emitModule([f], { initial: 1, maximum: 1 });
 * if (!WebAssembly.validate(bytes)) throw new Error("invalid");
 * ```
 *
 * @param funcs Functions, exported under their names.
 * @param memory Limits of the imported shared memory.
 * @returns The module's bytes.
 */
export function emitModule(funcs: FuncBuilder[], memory: MemoryLimits): Uint8Array<ArrayBuffer> {
  const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const section = (id: number, body: number[]) => {
    out.push(id);
    uleb(out, body.length);
    for (const b of body) out.push(b);
  };
  const typeKeys: string[] = [];
  const typeOf = funcs.map((f) => {
    const key = `${f.params.join(",")}>${f.results.join(",")}`;
    let i = typeKeys.indexOf(key);
    if (i < 0) i = typeKeys.push(key) - 1;
    return i;
  });
  const types: number[] = [];
  uleb(types, typeKeys.length);
  for (const key of typeKeys) {
    const [ps, rs] = key.split(">").map((s) => (s ? s.split(",") as ValType[] : []));
    types.push(0x60);
    uleb(types, ps.length);
    for (const p of ps) types.push(VALTYPE[p]);
    uleb(types, rs.length);
    for (const r of rs) types.push(VALTYPE[r]);
  }
  section(1, types);
  const imports: number[] = [1];
  name(imports, "env");
  name(imports, "mem");
  imports.push(0x02, 0x03);
  uleb(imports, memory.initial);
  uleb(imports, memory.maximum);
  section(2, imports);
  const fns: number[] = [];
  uleb(fns, funcs.length);
  for (const t of typeOf) uleb(fns, t);
  section(3, fns);
  const exps: number[] = [];
  uleb(exps, funcs.length);
  funcs.forEach((f, i) => {
    name(exps, f.name);
    exps.push(0x00);
    uleb(exps, i);
  });
  section(7, exps);
  const code: number[] = [];
  uleb(code, funcs.length);
  for (const f of funcs) for (const b of f.encode()) code.push(b);
  section(10, code);
  return new Uint8Array(out);
}
