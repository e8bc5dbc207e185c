/**
 * The op-support table of the README, generated from the kernel registry (never edited by hand):
 * `deno run -A conformance/support_table.ts --write` rewrites the README section between the markers.
 *
 * @module
 */
import { KERNELS } from "../kernels/registry.ts";
import { REFUSED_DTYPES, REFUSED_OPS } from "../kernels/refused.ts";
import { FLEX_KERNELS, FLEX_OPS } from "../kernels/flex/mod.ts";

/** Marker lines around the generated section of the README. */
export const MARKERS = ["<!-- support-table:start -->", "<!-- support-table:end -->"] as const;

/**
 * The markdown table: every registered op, whether it runs on the GPU, in f16, on the fast CPU
 * backend, and how many conformance cases it has.
 *
 * @example
 * ```ts
 * import { supportTable } from "./support_table.ts";
 * if (!supportTable().includes("| CONV_2D |")) throw new Error("wrong");
 * ```
 *
 * @returns Markdown.
 */
export function supportTable(): string {
  const flex = new Set(FLEX_KERNELS);
  const builtin = KERNELS.filter((k) => !flex.has(k));
  const rows = [...builtin].sort((a, b) => a.name.localeCompare(b.name)).map((k) => {
    const gpu = k.gpu ? "yes" : "CPU fallback";
    const f16 = k.gpu && (k.f16 ?? true) ? "yes" : "-";
    const cpu = k.cpu?.float ? "SIMD" : "reference";
    return `| ${k.name}${
      k.custom ? " (custom)" : ""
    } | ${gpu} | ${f16} | ${cpu} | ${k.cases().length} |`;
  });
  const gpuCount = builtin.filter((k) => k.gpu).length;
  const names = new Set(KERNELS.map((k) => k.name));
  const refused = Object.entries(REFUSED_OPS).filter(([op]) => !names.has(op))
    .sort(([a], [b]) => a.localeCompare(b));
  return [
    `${builtin.length} ops, ${gpuCount} with a WGSL kernel; every op has a float64 CPU reference.`,
    "",
    "| op | GPU (WGSL) | f16 | fast CPU backend | conformance cases |",
    "| --- | --- | --- | --- | --- |",
    ...rows,
    "",
    // One line: deno fmt rewraps longer paragraphs of the README.
    `${FLEX_KERNELS.length} TensorFlow ops (\`Flex<Op>\` custom nodes) run as the kernel named; T: inputs' dtype:`,
    "",
    "| TensorFlow op | runs as | T | conformance cases |",
    "| --- | --- | --- | --- |",
    ...FLEX_KERNELS.map((k) => {
      const entry = FLEX_OPS[k.name.slice("Flex".length)];
      const twin = entry.kernel.name === k.name ? "its own kernel" : entry.kernel.name;
      return `| ${k.name.slice(4)} | ${twin} | ${
        entry.dtypes?.join(", ") ?? "bool"
      } | ${k.cases().length} |`;
    }),
    "",
    "Refused, with the reason (the session names the node and the op):",
    "",
    "| op or type | why |",
    "| --- | --- |",
    ...refused.map(([op, why]) => `| ${op} | ${why} |`),
    ...Object.entries(REFUSED_DTYPES).map(([t, why]) => `| ${t} tensors | ${why} |`),
  ].join("\n");
}

/**
 * Replaces the generated section of a README text.
 *
 * @example
 * ```ts
 * import { MARKERS, withSupportTable } from "./support_table.ts";
 * const out = withSupportTable(`a\n${MARKERS[0]}\nold\n${MARKERS[1]}\nb`);
 * if (out.includes("old")) throw new Error("wrong");
 * ```
 *
 * @param readme README text containing both markers.
 * @returns The text with a fresh table.
 */
export function withSupportTable(readme: string): string {
  const a = readme.indexOf(MARKERS[0]);
  const b = readme.indexOf(MARKERS[1]);
  if (a < 0 || b < a) throw new Error("README lacks the support-table markers");
  return `${readme.slice(0, a + MARKERS[0].length)}\n\n${supportTable()}\n\n${readme.slice(b)}`;
}

if (import.meta.main) {
  const path = new URL("../README.md", import.meta.url);
  const text = await Deno.readTextFile(path);
  if (Deno.args.includes("--write")) await Deno.writeTextFile(path, withSupportTable(text));
  else console.log(supportTable());
}
