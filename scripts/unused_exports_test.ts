import { deepStrictEqual, strictEqual } from "node:assert";
import { findUnused, scanSource } from "./unused_exports.ts";

function scan(sources: Record<string, string>) {
  const texts = new Map(Object.entries(sources));
  const files = new Map([...texts].map(([p, t]) => [p, scanSource(t, p)]));
  return { files, texts };
}

Deno.test("scanSource() reads multi-line imports, aliases, re-exports and URL references", () => {
  const f = scanSource(
    [
      'import {\n  a,\n  type B as C,\n} from "../lib/x.ts";',
      'import * as ns from "./ns.ts";',
      "export { a as d };",
      'export type { Local } from "./local.ts";',
      "export interface E {}",
      'const w = new Worker(new URL("./worker.ts", import.meta.url));',
    ].join("\n"),
    "app/main.ts",
  );
  deepStrictEqual(f.imports.map((i) => `${i.file}:${i.name}`), ["lib/x.ts:a", "lib/x.ts:B"]);
  deepStrictEqual(f.reexports.get("d"), { file: "lib/x.ts", name: "a" });
  deepStrictEqual(f.reexports.get("Local"), { file: "app/local.ts", name: "Local" });
  strictEqual(f.declared.get("E"), "type");
  deepStrictEqual(f.whole.sort(), ["app/ns.ts", "app/worker.ts"]);
});

Deno.test("findUnused() follows export * chains from entry points and importers", () => {
  const { files, texts } = scan({
    "mod.ts": 'export * from "./mid.ts";',
    "mid.ts": 'export * from "./leaf.ts";\nexport { hidden } from "./other.ts";',
    "leaf.ts": "export function pub() {}\nexport function deadLeaf() {}",
    "other.ts": "export const hidden = 1;\nexport const orphan = 2;",
  });
  const r = findUnused(files, { entries: ["mod.ts"], texts, mentioned: new Set() });
  deepStrictEqual(r.unused.map((u) => `${u.file}:${u.name}`), ["other.ts:orphan"]);
});

Deno.test("findUnused() tells names used only by tests and whether their file uses them", () => {
  const { files, texts } = scan({
    "lib.ts": "export function helper() {}\nexport function api() { helper(); }",
    "lib_test.ts": 'import { api, helper } from "./lib.ts";\napi(); helper();',
    "orphan.ts": "export const x = 1;",
  });
  const r = findUnused(files, { entries: [], texts, mentioned: new Set() });
  deepStrictEqual(
    r.testsOnly.map((u) => `${u.name}:${u.local}`).sort(),
    ["api:false", "helper:true"],
  );
  deepStrictEqual(r.unusedFiles, ["orphan.ts"]);
});
