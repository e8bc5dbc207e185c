import { strictEqual } from "node:assert";
import { emitModule, FuncBuilder } from "./emit.ts";
import { hasRelaxedSimd, KERNEL_NAMES, kernelModuleBytes } from "./kernels.ts";

Deno.test("emitModule() builds a module that computes", () => {
  const f = new FuncBuilder("mad", ["i32", "i32"], ["i32"]);
  f.get(f.param(0)).get(f.param(1)).op("i32.mul").i32(-7).op("i32.add");
  const mem = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  const inst = new WebAssembly.Instance(
    new WebAssembly.Module(emitModule([f], { initial: 1, maximum: 1 })),
    { env: { mem } },
  );
  strictEqual((inst.exports.mad as (a: number, b: number) => number)(6, 7), 35);
});

Deno.test("the kernel module validates and exports every kernel", () => {
  const bytes = kernelModuleBytes();
  strictEqual(WebAssembly.validate(bytes), true);
  const mod = new WebAssembly.Module(bytes);
  strictEqual(WebAssembly.Module.exports(mod).map((e) => e.name).join(), KERNEL_NAMES.join());
  strictEqual(KERNEL_NAMES.includes("conv_gemm_relaxed"), hasRelaxedSimd());
});
