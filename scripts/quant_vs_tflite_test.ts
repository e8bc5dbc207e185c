import { ok } from "node:assert";
import { writeModel } from "../format/tflite/mod.ts";
import { buildNetwork } from "../models/catalog.ts";
import { type Agreement, compareCase, compareGpu, nodeSweep } from "./_quant_agreement.ts";
import { quantOpModels } from "./_quant_models.ts";

const SEEDS = [1234, 1235];

/** TFLite's optimized int8 per-channel CONV_2D (ruy) requantizes with one rounding, not two. */
const SINGLE_ROUNDING = /^CONV_2D int8 per-channel/;

function failures(rows: Agreement[], limit: (r: Agreement) => number): string[] {
  return rows.filter((r) => r.error !== undefined || r.elements === 0 || !(r.maxDiff <= limit(r)))
    .map((r) =>
      `${r.model} ${r.output} ${r.side}: ${r.error ?? `${r.maxDiff} ${r.unit} of ${r.elements}`}`
    );
}

Deno.test("every one-op 8-bit model on the reference and the CPU backend is bit-exact with TFLite's builtin kernels", async () => {
  const rows: Agreement[] = [];
  for (const m of quantOpModels()) {
    rows.push(...await compareCase(m, SEEDS, { peers: ["tflite builtin"] }));
  }
  const bad = failures(rows, (r) => (SINGLE_ROUNDING.test(r.model) ? 1 : 0));
  ok(bad.length === 0, bad.join("\n"));
  ok(rows.some((r) => SINGLE_ROUNDING.test(r.model)), "no int8 per-channel CONV_2D case");
});

for (const scheme of ["uint8", "int8"] as const) {
  const name = `mobilenet_v2_tiny_${scheme}`;
  const c = { name, bytes: writeModel(buildNetwork(name)) };

  Deno.test(
    `${name} on the reference and the CPU backend agrees with TFLite's builtin kernels: ${
      scheme === "uint8"
        ? "bit-exact"
        : "same top-1, within 6 LSB; bit-exact with its int8 CONV_2D rounding"
    }`,
    async () => {
      const rows = await compareCase(c, SEEDS, { peers: ["tflite builtin"], ruyConv: true });
      // int8 per-channel convolutions: TFLite's optimized kernel rounds once where its reference
      // kernels (and gpulite) round twice; those one-step differences grow through the network.
      // With that rounding emulated on gpulite's reference, nothing else may differ.
      const bad = failures(
        rows,
        (r) => (scheme === "uint8" || r.side === "reference, ruy conv" ? 0 : 6),
      );
      ok(bad.length === 0, bad.join("\n"));
      ok(rows.some((r) => r.side === "reference, ruy conv"), "no emulated run");
      for (const r of rows) ok(r.rows > 0 && r.rowsAgree === r.rows, `${r.side}: top-1 differs`);
    },
  );

  Deno.test(`${name}: every node alone is within 1 LSB of TFLite's builtin kernels, only int8 CONV_2D differs`, async () => {
    const s = await nodeSweep(c, SEEDS[0]);
    ok(s.nodes > 50, `${s.nodes} nodes`);
    ok(s.maxLsb <= 1, `${s.maxLsb} LSB`);
    const differing = Object.entries(s.byOp).filter(([, v]) => v > 0).map(([op]) => op);
    ok(
      differing.every((op) => scheme === "int8" && op === "CONV_2D"),
      `differing ops: ${differing}`,
    );
  });

  Deno.test(`${name} on the GPU float path stays within 8 LSB (2 on average) of the integer reference in f32, same top-1`, async () => {
    const rows = await compareGpu(c, SEEDS, { precision: "f32" });
    const bad = failures(rows, () => 8);
    ok(bad.length === 0, bad.join("\n"));
    for (const r of rows) {
      ok(r.rowsAgree === r.rows, `top-1 differs`);
      ok(r.sumDiff / r.elements <= 2, `mean ${r.sumDiff / r.elements} LSB`);
    }
  });
}
