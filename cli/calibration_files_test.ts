import { deepStrictEqual, ok, rejects, strictEqual } from "node:assert";
import { join } from "node:path";
import { writeNpy } from "../format/npy.ts";
import { UsageError } from "../core/errors.ts";
import type { TensorSpec } from "../core/kernel.ts";
import { readCalibrationSets } from "./calibration_files.ts";
import { quantizeCommand, type QuantizeSummary } from "./quantize.ts";

const INPUT: TensorSpec = { dtype: "float32", shape: [1, 2, 2, 3] };

function npy(shape: number[], start: number): Uint8Array {
  const n = shape.reduce((a, b) => a * b, 1);
  return writeNpy({
    dtype: "float32",
    shape,
    data: Float32Array.from({ length: n }, (_, i) => start + i),
  });
}

/** Files in a fresh folder, then the body; the folder is removed after. */
async function withFiles(
  files: Record<string, Uint8Array>,
  body: (dir: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    for (const [name, bytes] of Object.entries(files)) await Deno.writeFile(join(dir, name), bytes);
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const GOOD: [string, Record<string, Uint8Array>, (dir: string) => string, number[]][] = [
  [
    "a list of files, one set each",
    { "a.npy": npy([1, 2, 2, 3], 0), "b.npy": npy([1, 2, 2, 3], 100) },
    (d) => `${d}/a.npy,${d}/b.npy`,
    [0, 100],
  ],
  [
    "a folder, files in name order",
    { "2.npy": npy([1, 2, 2, 3], 100), "1.npy": npy([1, 2, 2, 3], 0), "x.txt": new Uint8Array(3) },
    (d) => d,
    [0, 100],
  ],
  ["a stack along the batch dimension", { "s.npy": npy([3, 2, 2, 3], 0) }, (d) => `${d}/s.npy`, [
    0,
    12,
    24,
  ]],
];

for (const [what, files, arg, firsts] of GOOD) {
  Deno.test(`readCalibrationSets() reads ${what}`, async () => {
    await withFiles(files, async (dir) => {
      const sets = await readCalibrationSets(arg(dir), [INPUT]);
      deepStrictEqual(sets.map((s) => s[0].data[0]), firsts);
      ok(sets.every((s) => s[0].shape.join() === "1,2,2,3" && s[0].dtype === "float32"));
    });
  });
}

const BAD: [string, Record<string, Uint8Array>, (dir: string) => string, TensorSpec[], RegExp][] = [
  ["a missing file", {}, (d) => `${d}/nope.npy`, [INPUT], /no such file/],
  [
    "a file that is not .npy",
    { "a.bin": new Uint8Array(4) },
    (d) => `${d}/a.bin`,
    [INPUT],
    /not a \.npy file/,
  ],
  [
    "a folder without .npy files",
    { "a.txt": new Uint8Array(4) },
    (d) => d,
    [INPUT],
    /has no \.npy files/,
  ],
  [
    "a shape that fits neither one set nor a stack",
    { "a.npy": npy([1, 3, 2, 2], 0) },
    (d) => `${d}/a.npy`,
    [INPUT],
    /fits neither/,
  ],
  [
    "a model of two inputs",
    { "a.npy": npy([1, 2, 2, 3], 0) },
    (d) => `${d}/a.npy`,
    [INPUT, INPUT],
    /one input; this one has 2/,
  ],
];

for (const [what, files, arg, inputs, says] of BAD) {
  Deno.test(`readCalibrationSets() refuses ${what} with a usage error`, async () => {
    await withFiles(files, async (dir) => {
      await rejects(readCalibrationSets(arg(dir), inputs), (e: Error) => {
        ok(e instanceof UsageError, e.message);
        ok(says.test(e.message), e.message);
        return true;
      });
    });
  });
}

async function quantize(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [], err: string[] = [];
  const code = await quantizeCommand.run(args, {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
  });
  return { code, out, err };
}

/** `n` image-like input sets of `[1, 64, 64, 3]` stacked, values in [-1, 1]. */
function images(n: number): Uint8Array {
  const shape = [n, 64, 64, 3];
  const size = shape.reduce((a, b) => a * b, 1);
  const data = Float32Array.from({ length: size }, (_, i) => Math.sin(i * 0.01 + n));
  return writeNpy({ dtype: "float32", shape, data });
}

Deno.test("quantize --calibrate calibrates on the files, holds a quarter out and drops the random-input note", async () => {
  await withFiles({ "a.npy": images(6), "b.npy": images(2) }, async (dir) => {
    const args = ["mobilenet_v1_tiny", "--iterations", "1", "--threads", "1"];
    const json = await quantize([...args, "--calibrate", dir, "--json"]);
    strictEqual(json.code, 0, json.err.join("\n"));
    const s = JSON.parse(json.out[0]) as QuantizeSummary;
    strictEqual(s.calibrationSource, "files");
    strictEqual(s.report.calibrationSets, 6);
    strictEqual(s.report.evaluationSets, 2);
    const random = await quantize([...args, "--calibration", "1", "--evaluation", "1"]);
    strictEqual(random.code, 0, random.err.join("\n"));
    ok(random.out.some((l) => l.includes("only random inputs were available")));
    const files = await quantize([...args, "--calibrate", dir]);
    ok(files.out.some((l) => l.includes("input sets from --calibrate")), files.out.join("\n"));
    ok(!files.out.some((l) => l.includes("only random inputs")));
    const bad = await quantize([...args, "--calibrate", `${dir}/missing.npy`]);
    strictEqual(bad.code, 2);
    ok(/--calibrate .*missing\.npy: no such file/.test(bad.err[0]), bad.err[0]);
  });
});
