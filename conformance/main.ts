/**
 * `deno task conform`: runs every registered op on the GPU against its CPU reference, through the
 * real loader (each case becomes a one-op `.tflite`), and prints a table. Exit code 1 on any failure,
 * 2 on a usage error.
 *
 * @module
 */
import { KERNELS } from "../kernels/registry.ts";
import type { AnyKernelDef, Precision } from "../core/kernel.ts";
import { acquireDevice, type GpuProvider } from "../engine/backends/gpu/device.ts";
import { type CaseResult, type ConformPrecision, runCase } from "./harness.ts";
import {
  isQuantPrecision,
  QUANT_PRECISIONS,
  quantCases,
  type QuantPrecision,
} from "./quant_cases.ts";
import { loaderGraph } from "./loader_graph.ts";
import {
  checkWritableFolder,
  EXIT_CODES_HELP,
  exitCodeOf,
  oneLine,
  parseCommandArgs,
} from "../cli/_args.ts";
import { UsageError } from "../core/errors.ts";

export type { CaseResult, ConformPrecision, Precision, QuantPrecision };

/** One row of the table (one op in one precision). */
export interface OpSummary {
  /** Op name. */
  op: string;
  /** Precision, or `"-"` when the op has no GPU kernel. */
  precision: ConformPrecision | "-";
  /** Status: `ran`, `unsupported` (no GPU kernel / no f16). */
  status: "ran" | "unsupported";
  /** Why it did not run. */
  reason?: string;
  /** Cases run. */
  cases: number;
  /** Cases passed. */
  passed: number;
  /** Cases failed. */
  failed: number;
  /** Worst max abs error. */
  maxAbsErr: number;
  /** Worst relative error. */
  maxRelErr: number;
  /** Name of the worst case (or the first failure). */
  worst: string;
  /** Failure messages. */
  failures: string[];
}

const HELP = `Usage: deno task conform [options]

Runs every op's conformance cases on the GPU against the CPU reference.

Options:
  --ops a,b            only these ops (registry names in any case, e.g. conv_2d,MaxUnpooling2D)
  --precision P        f32, f16, uint8, int8 or all (default all); uint8 and int8 run the 8-bit
                       cases (CPU: equal to the integer reference; GPU: dequantized, within 1 LSB)
  --seed N             input seed (default 1)
  --provider P         deno (default) or dawn
  --backend B          gpu (default): the WGSL kernels; cpu: the fast CPU backend's kernels
  --direct             build case graphs directly instead of through the .tflite writer/reader
  --json FILE          write one object per op and precision
  -h, --help           this help

${EXIT_CODES_HELP.replace("a check failed (e.g. outputs disagree)", "a conformance case failed")}`;

/**
 * Summarises case results of one op and precision.
 *
 * @example
 * ```ts
 * import { summarize } from "./main.ts";
 * const s = summarize("ADD", "f32", [{ op: "ADD", name: "a", precision: "f32", passed: true, rel: 0, maxAbs: 0, onGpu: true }]);
 * if (s.passed !== 1) throw new Error("wrong");
 * ```
 *
 * @param op Op name.
 * @param precision Precision.
 * @param results The results.
 * @returns The row.
 */
export function summarize(
  op: string,
  precision: ConformPrecision,
  results: CaseResult[],
): OpSummary {
  let worst = results[0];
  for (const r of results) {
    if (!r.passed && worst.passed) worst = r;
    else if (r.passed === worst.passed && r.rel > worst.rel) worst = r;
  }
  return {
    op,
    precision,
    status: "ran",
    cases: results.length,
    passed: results.filter((r) => r.passed).length,
    failed: results.filter((r) => !r.passed).length,
    maxAbsErr: Math.max(0, ...results.map((r) => r.maxAbs)),
    maxRelErr: Math.max(0, ...results.map((r) => r.rel)),
    worst: worst?.name ?? "",
    failures: results.filter((r) => !r.passed).map((r) => `${r.name}: ${r.error}`),
  };
}

/**
 * A failure message for the JSON report: without the shader source that compile errors append (it
 * starts at the program's precision header), whitespace collapsed, at most `max` characters.
 *
 * @example
 * ```ts
 * import { briefFailure } from "./main.ts";
 * const m = briefFailure("c: failed to compile: bad\nalias T = f32;\nfn main() {}");
 * if (m !== "c: failed to compile: bad") throw new Error("wrong");
 * ```
 *
 * @param message `case: error` as in {@linkcode OpSummary.failures}.
 * @param max Longest result.
 * @returns The short message.
 */
export function briefFailure(message: string, max = 300): string {
  const cut = [message.indexOf("\nenable f16;"), message.indexOf("\nalias T = ")]
    .filter((i) => i >= 0);
  const head = cut.length ? message.slice(0, Math.min(...cut)) : message;
  const flat = head.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 3)}...` : flat;
}

function fmt(x: number): string {
  return Number.isFinite(x) ? x.toExponential(1) : String(x);
}

/**
 * Formats the summary table.
 *
 * @example
 * ```ts
 * import { formatTable } from "./main.ts";
 * if (!formatTable([]).includes("op")) throw new Error("wrong");
 * ```
 *
 * @param rows Rows.
 * @returns Text.
 */
export function formatTable(rows: OpSummary[]): string {
  const head = ["op", "prec", "cases", "passed", "failed", "max abs", "max rel", "worst case"];
  const body = rows.map((r) =>
    r.status === "unsupported"
      ? [r.op, r.precision, "-", "-", "-", "-", "-", `unsupported: ${r.reason}`]
      : [
        r.op,
        r.precision,
        String(r.cases),
        String(r.passed),
        String(r.failed),
        fmt(r.maxAbsErr),
        fmt(r.maxRelErr),
        r.worst.slice(0, 60),
      ]
  );
  const all = [head, ...body];
  const widths = head.map((_, i) => Math.max(...all.map((row) => row[i].length)));
  return all.map((row) => row.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd()).join("\n");
}

/**
 * Runs the conformance harness from command-line arguments. Every error becomes one line on stderr;
 * the exit code is 0 when every case passed, 1 when one failed, 2 for a usage error (including a GPU
 * provider with no adapter).
 *
 * @example
 * ```ts ignore
 * const code = await conform(["--ops", "ADD", "--precision", "f32"]);
 * ```
 *
 * @param args Arguments.
 * @returns Exit code.
 */
export async function conform(args: string[]): Promise<number> {
  try {
    return await conformMain(args);
  } catch (e) {
    console.error(`conform: ${oneLine(e)}`);
    return exitCodeOf(e);
  }
}

/**
 * The registry's op names that `--ops` asks for, matched without regard to case.
 *
 * @example
 * ```ts
 * import { resolveOps } from "./main.ts";
 * if (resolveOps("conv_2d,add").join() !== "CONV_2D,ADD") throw new Error("wrong");
 * ```
 *
 * @param list Comma-separated names.
 * @returns Registry names.
 * @throws {UsageError} Naming the unknown ones and listing the valid ones.
 */
export function resolveOps(list: string): string[] {
  const byKey = new Map(KERNELS.map((k) => [k.name.toUpperCase(), k.name]));
  const wanted = list.split(",").map((s) => s.trim()).filter(Boolean);
  const unknown = wanted.filter((w) => !byKey.has(w.toUpperCase()));
  if (unknown.length) {
    throw new UsageError(
      `unknown op ${unknown.join(", ")}; valid ops: ${KERNELS.map((k) => k.name).join(", ")}`,
    );
  }
  return wanted.map((w) => byKey.get(w.toUpperCase())!);
}

async function conformMain(args: string[]): Promise<number> {
  const { values } = parseCommandArgs("deno task conform", {
    args,
    options: {
      ops: { type: "string" },
      precision: { type: "string", default: "all" },
      seed: { type: "string", default: "1" },
      provider: { type: "string", default: "deno" },
      backend: { type: "string", default: "gpu" },
      direct: { type: "boolean", default: false },
      json: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const wanted = values.ops === undefined ? undefined : resolveOps(values.ops);
  if (!["f32", "f16", "all", ...QUANT_PRECISIONS].includes(values.precision)) {
    throw new UsageError(
      `--precision must be f32, f16, uint8, int8 or all, got ${values.precision}`,
    );
  }
  const seed = Number(values.seed);
  if (!Number.isInteger(seed)) {
    throw new UsageError(`--seed must be an integer, got ${values.seed}`);
  }
  if (values.backend !== "gpu" && values.backend !== "cpu") {
    throw new UsageError(`--backend must be gpu or cpu, got ${values.backend}`);
  }
  if (values.provider !== "deno" && values.provider !== "dawn") {
    throw new UsageError(`--provider must be deno or dawn, got ${values.provider}`);
  }
  if (values.backend === "cpu" && args.some((a) => a.startsWith("--provider"))) {
    throw new UsageError("--provider applies only to --backend gpu");
  }
  if (values.json !== undefined) await checkWritableFolder("--json", values.json);
  const onCpu = values.backend === "cpu";
  const ctx = onCpu ? undefined : await acquireDevice({ provider: values.provider as GpuProvider });
  const where = ctx
    ? ctx.summary
    : `the fast CPU backend (WebAssembly SIMD, 2 threads) on ${navigator.hardwareConcurrency} cores`;
  console.log(`Backend: ${where}`);
  const hasF16 = ctx?.device.features.has("shader-f16") ?? false;
  const precisions: ConformPrecision[] = values.precision === "all"
    ? [...(onCpu ? ["f32" as const] : ["f32" as const, "f16" as const]), ...QUANT_PRECISIONS]
    : [values.precision as ConformPrecision];
  const kernels: AnyKernelDef[] = KERNELS.filter((k) => !wanted || wanted.includes(k.name));
  const rows: OpSummary[] = [];
  const terminal = Deno.stderr.isTerminal();
  const t0 = performance.now();
  // 8-bit precisions run only the ops that have 8-bit cases.
  const pairs = kernels.flatMap((k) =>
    precisions.filter((p) => !isQuantPrecision(p) || quantCases(k.name, p).length > 0)
      .map((p) => [k, p] as const)
  );
  const total = pairs.length;
  let done = 0;
  for (const k of kernels) {
    for (const [, p] of pairs.filter(([pk]) => pk === k)) {
      done++;
      const quant = isQuantPrecision(p);
      const unsupported = onCpu
        ? (quant
          ? undefined
          : p === "f16"
          ? "f16 does not apply to the CPU backend"
          : !k.cpu?.float
          ? "no fast CPU kernel (the cpu backend runs the reference)"
          : undefined)
        : !k.gpu
        ? "no GPU kernel (runs on the CPU reference)"
        : p === "f16" && k.f16 === false
        ? "f16 does not apply to this op"
        : p === "f16" && !hasF16
        ? "adapter lacks shader-f16"
        : undefined;
      if (unsupported) {
        rows.push({
          op: k.name,
          precision: p,
          status: "unsupported",
          reason: unsupported,
          cases: 0,
          passed: 0,
          failed: 0,
          maxAbsErr: 0,
          maxRelErr: 0,
          worst: "",
          failures: [],
        });
        continue;
      }
      const results: CaseResult[] = [];
      for (const c of isQuantPrecision(p) ? quantCases(k.name, p) : k.cases()) {
        if (p === "f16" && c.f16 === false) continue;
        results.push(
          await runCase(ctx, k, c, {
            precision: p,
            seed,
            backend: onCpu ? "cpu" : "gpu",
            buildGraph: values.direct ? undefined : loaderGraph,
          }),
        );
      }
      const row = summarize(k.name, p, results);
      rows.push(row);
      const el = ((performance.now() - t0) / 1000).toFixed(1);
      const mark = row.failed ? `FAIL ${row.failed}` : "ok";
      const line = `[${done}/${total}] ${k.name} ${p}: ${row.passed}/${row.cases} ${mark} (${el}s)`;
      // On a terminal one line redrawn in place (failures stay on screen); in logs one line per op.
      const keep = !terminal || row.failed > 0;
      await Deno.stderr.write(
        new TextEncoder().encode(terminal ? `\r${line}\x1b[K${keep ? "\n" : ""}` : `${line}\n`),
      );
    }
  }
  if (terminal) await Deno.stderr.write(new TextEncoder().encode("\r\x1b[K"));
  console.log(formatTable(rows));
  const failures = rows.filter((r) => r.failed > 0);
  for (const r of failures) {
    console.log(`\n${r.op} ${r.precision} failures:`);
    for (const f of r.failures.slice(0, 5)) console.log(`  ${f.slice(0, 400)}`);
  }
  const ran = rows.filter((r) => r.status === "ran");
  const cases = ran.reduce((a, r) => a + r.cases, 0);
  const passed = ran.reduce((a, r) => a + r.passed, 0);
  console.log(
    `\n${kernels.length} ops, ${cases} cases, ${passed} passed, ${cases - passed} failed, ` +
      `${rows.filter((r) => r.status === "unsupported").length} op/precision pairs unsupported ` +
      `(${((performance.now() - t0) / 1000).toFixed(1)} s on ${where})`,
  );
  if (values.json) {
    await Deno.writeTextFile(
      values.json,
      JSON.stringify(
        {
          backend: values.backend,
          adapter: ctx?.adapterName,
          provider: ctx?.provider,
          fallbackAdapter: ctx?.isFallback,
          seed,
          results: rows.map((r) => ({
            ...r,
            failures: r.failures.slice(0, 5).map((f) => briefFailure(f)),
          })),
        },
        null,
        2,
      ),
    );
  }
  ctx?.device.destroy();
  return failures.length > 0 ? 1 : 0;
}

if (import.meta.main) Deno.exit(await conform(Deno.args));
