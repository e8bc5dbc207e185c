// The floors of the codebase (drawn in CONTRIBUTING.md): a file may import files of its own folder
// group or of a lower floor, never upward. Tests and test helpers may import anything.

import { ok } from "node:assert";

/** Folder groups, lowest floor first; the longest matching prefix decides. */
export const FLOORS: readonly [prefix: string, floor: number][] = [
  ["core/", 0],
  ["format/", 1],
  ["engine/memory/", 1],
  ["kernels/", 2],
  ["engine/passes/", 3],
  ["engine/plan/", 4],
  ["engine/backends/", 5],
  ["engine/quantize/", 6],
  ["engine/options.ts", 6],
  ["engine/image.ts", 6],
  ["engine/session_types.ts", 6],
  ["engine/run_inputs.ts", 6],
  ["engine/run_outputs.ts", 6.5],
  ["engine/variant.ts", 6.5],
  ["engine/session.ts", 7],
  ["mod.ts", 8],
  ["models/", 9],
  ["peers/", 9],
  ["cli/_args.ts", 10],
  ["cli/version.ts", 10],
  ["conformance/", 11],
  ["bench/", 12],
  ["cli/", 13],
  ["web/", 13],
  ["cli.ts", 14],
  ["scripts/", 15],
  ["tools/", 15],
];

function groupOf(path: string): [string, number] | undefined {
  let best: [string, number] | undefined;
  for (const [prefix, floor] of FLOORS) {
    if (path.startsWith(prefix) && (!best || prefix.length > best[0].length)) {
      best = [prefix, floor];
    }
  }
  return best;
}

function isTestSupport(path: string): boolean {
  return /(_test|_testing|_test_util|_bench)\.ts$/.test(path) || path.includes("/testdata/") ||
    path === "conformance/testing.ts";
}

function walk(dir: URL, base: string, out: string[]): void {
  for (const e of Deno.readDirSync(dir)) {
    if (e.name.startsWith(".") || ["node_modules", "out", "scratch", "docs"].includes(e.name)) {
      continue;
    }
    if (e.isDirectory) walk(new URL(`${e.name}/`, dir), `${base}${e.name}/`, out);
    else if (e.name.endsWith(".ts")) out.push(`${base}${e.name}`);
  }
}

/** Relative specifiers a source imports or exports from (JSDoc examples excluded). */
function importsOf(source: string): string[] {
  const code = source.replace(/\/\*\*[\s\S]*?\*\//g, "");
  const specs: string[] = [];
  for (const m of code.matchAll(/(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)) {
    specs.push(m[1]);
  }
  return specs;
}

function resolve(from: string, spec: string): string {
  const parts = from.split("/").slice(0, -1);
  for (const p of spec.split("/")) {
    if (p === "..") parts.pop();
    else if (p !== ".") parts.push(p);
  }
  return parts.join("/");
}

Deno.test("every import goes to the same folder group or a lower floor", () => {
  const root = new URL("./", import.meta.url);
  const files: string[] = [];
  walk(root, "", files);
  const upward: string[] = [];
  const unplaced: string[] = [];
  for (const file of files) {
    const from = groupOf(file);
    if (!from) {
      if (!isTestSupport(file)) unplaced.push(file);
      continue;
    }
    if (isTestSupport(file)) continue;
    for (const spec of importsOf(Deno.readTextFileSync(new URL(file, root)))) {
      const target = resolve(file, spec);
      const to = groupOf(target);
      if (!to) continue;
      if (to[0] !== from[0] && to[1] >= from[1]) {
        upward.push(`${file} (${from[0]}, floor ${from[1]}) imports ${target} (floor ${to[1]})`);
      }
    }
  }
  ok(files.length > 100, `found only ${files.length} files`);
  ok(unplaced.length === 0, `files outside every floor:\n${unplaced.join("\n")}`);
  ok(upward.length === 0, `imports that go upward or sideways:\n${upward.join("\n")}`);
});

Deno.test("the floor check catches an upward import", () => {
  const specs = importsOf(
    `import { x } from "../engine/session.ts";\n/** import { y } from "./z.ts"; */`,
  );
  ok(specs.length === 1 && specs[0] === "../engine/session.ts");
  const [, from] = groupOf("kernels/add/mod.ts")!;
  const [, to] = groupOf(resolve("kernels/add/mod.ts", "../../engine/session.ts"))!;
  ok(to >= from);
});
