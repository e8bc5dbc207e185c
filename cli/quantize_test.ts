import { ok, strictEqual } from "node:assert";
import { quantizeCommand, type QuantizeSummary } from "./quantize.ts";
import { readModelFile } from "../format/tflite/reader.ts";

async function run(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [], err: string[] = [];
  const code = await quantizeCommand.run(args, {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
  });
  return { code, out, err };
}

Deno.test("quantize --help prints the usage", async () => {
  const r = await run(["--help"]);
  strictEqual(r.code, 0);
  ok(r.out[0].startsWith("Usage: gpulite quantize MODEL"));
});

Deno.test("quantize rejects bad arguments and files in one line", async () => {
  for (
    const [args, code, pattern] of [
      [[], 2, /quantize takes one MODEL/],
      [["m.tflite", "--scheme", "fp16"], 2, /--scheme must be int8 or uint8, got "fp16"/],
      [["m.tflite", "--calibration", "0"], 2, /--calibration must be a positive integer/],
      [["m.tflite", "--threads", "x"], 2, /--threads must be a positive integer/],
      [["m.tflite", "--seed", "1.5"], 2, /--seed must be an integer/],
      [["m.tflite", "--out", "q.bin"], 2, /--out must end in .tflite/],
      [["m.tflite", "--frobnicate"], 2, /unknown option --frobnicate/],
      [["/nonexistent/m.tflite"], 2, /^error: MODEL \/nonexistent\/m.tflite is neither a file/],
    ] as const
  ) {
    const r = await run([...args]);
    strictEqual(r.code, code, `${args.join(" ")}: ${r.err.join(" | ")}`);
    strictEqual(r.err.length, 1);
    ok(pattern.test(r.err[0]), r.err[0]);
    ok(!r.err[0].endsWith("."), r.err[0]);
  }
});

Deno.test("quantize reports errors and latency of a built network and writes the model", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const out = `${dir}/q.tflite`;
    const r = await run([
      "mobilenet_v1_tiny",
      "--scheme",
      "uint8",
      "--calibration",
      "2",
      "--evaluation",
      "1",
      "--iterations",
      "2",
      "--threads",
      "1",
      "--out",
      out,
      "--json",
    ]);
    strictEqual(r.code, 0, r.err.join("\n"));
    const s = JSON.parse(r.out[0]) as QuantizeSummary;
    strictEqual(s.report.scheme, "uint8");
    strictEqual(s.report.calibrationSets, 2);
    strictEqual(s.report.evaluationSets, 1);
    ok(s.report.outputs[0].relativeError < 0.1);
    ok(s.latency.floatMs > 0 && s.latency.quantizedMs > 0);
    const model = await readModelFile(out);
    ok(model.subgraphs[0].nodes.some((n) => n.op === "QUANTIZE"));
    strictEqual(model.subgraphs[0].tensors.filter((t) => t.dtype === "uint8").length > 0, true);
    const text = await run(["mobilenet_v1_tiny", "--calibration", "1", "--iterations", "1"]);
    strictEqual(text.code, 0, text.err.join("\n"));
    ok(text.out.some((l) => l.startsWith("latency ")));
    ok(text.out.some((l) => l.includes("float: node 30 SOFTMAX")));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
