/**
 * Lists exported names that no other file imports, and source files that nothing imports or runs:
 * candidates for deletion (or for dropping `export` when the file itself still uses the name).
 *
 * ```sh
 * deno run -A scripts/unused_exports.ts [--under bench/,models/] [--types] [--json]
 * ```
 *
 * Every `.ts` file of the repository is read (`node_modules`, `.device`, `out` and `scratch`
 * excepted). A name counts as used when another file imports it (`import { x }`, `import type`,
 * `export { x } from`, through any chain of `export *`), or imports the whole file (`import * as`,
 * `import("...")`); every export of an entry point (`deno.json` `exports`) is used. Imports in
 * `deno eval` snippets of shell scripts count too. A file counts as used when something imports it,
 * names it by URL (`new URL("./x.ts", import.meta.url)`: workers, file checks), a shell script,
 * `deno.json` or a Markdown page names its path, or it runs by itself (tests, benches, files that
 * read `Deno.args` or `import.meta.main`). A file's own uses of a name are counted outside comments.
 * Names used only by tests are listed apart, with the tests;
 * a name its own test alone imports is as good as dead. The scan is textual (regular expressions
 * over the source, doc examples included, a file's examples of itself excluded), so read each
 * finding before deleting.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { dirname, join, normalize, relative } from "node:path";

/** A named import or re-export: which file, which of its names. */
interface NameRef {
  /** The imported file, relative to the root. */
  file: string;
  /** The name in that file. */
  name: string;
}

/** What the scan learns of one `.ts` file. */
export interface FileFacts {
  /** Names declared with `export` in the file itself, with whether each is a type or a value. */
  declared: Map<string, "type" | "value">;
  /** Names the file re-exports from elsewhere: exported name -> source. */
  reexports: Map<string, NameRef>;
  /** Files whose every export the file re-exports (`export *`). */
  stars: string[];
  /** Named imports from other files. */
  imports: NameRef[];
  /** Files imported whole (namespace or dynamic import) or named by URL. */
  whole: string[];
}

/** The user recorded for names an entry point exports. */
const ENTRY = "(entry point)";
const SKIP = new Set(["node_modules", ".device", "out", "scratch", ".git"]);
const SPEC = String.raw`["']([^"'\n]+\.ts)["']`;

function namesOf(list: string): { local: string; exported: string }[] {
  return list.split(",").map((s) => s.replace(/\btype\s+/, "").trim()).filter(Boolean).map(
    (s) => {
      const [local, exported] = s.split(/\s+as\s+/);
      return { local: local.trim(), exported: (exported ?? local).trim() };
    },
  );
}

/**
 * The exports, re-exports and imports of one file's text, with specifiers resolved against the
 * file's own path (both relative to the repository root).
 *
 * @example
 * ```ts
 * import { scanSource } from "./unused_exports.ts";
 * const f = scanSource(
 *   'import { a, type B as C } from "./x.ts";\nexport function f() {}\nexport * from "../y.ts";',
 *   "lib/z.ts",
 * );
 * if (f.imports.map((i) => i.name).join() !== "a,B" || f.stars[0] !== "y.ts") throw new Error("wrong");
 * if (f.declared.get("f") !== "value") throw new Error("wrong");
 * ```
 *
 * @param text The file's source.
 * @param path Its path relative to the root.
 * @returns What it declares, re-exports and imports.
 */
export function scanSource(text: string, path: string): FileFacts {
  const here = dirname(path);
  const resolve = (spec: string) => normalize(join(here, spec));
  const facts: FileFacts = {
    declared: new Map(),
    reexports: new Map(),
    stars: [],
    imports: [],
    whole: [],
  };
  const local = new Map<string, NameRef>();
  const importRe = new RegExp(
    String.raw`import\s+(?:type\s+)?(?:(\w+)\s*,?\s*)?(?:\{([^}]*)\}|\*\s+as\s+\w+)?\s*from\s+` +
      SPEC,
    "g",
  );
  for (const m of text.matchAll(importRe)) {
    if (!m[3].startsWith(".")) continue;
    const file = resolve(m[3]);
    if (file === path) continue;
    if (m[2] !== undefined) {
      for (const n of namesOf(m[2])) {
        facts.imports.push({ file, name: n.local });
        local.set(n.exported, { file, name: n.local });
      }
    } else if (m[1] === undefined) facts.whole.push(file);
    if (m[1] !== undefined) facts.imports.push({ file, name: "default" });
  }
  const wholeRes = [
    new RegExp(String.raw`import\s*\(\s*` + SPEC, "g"),
    new RegExp(String.raw`new\s+URL\(\s*` + SPEC + String.raw`\s*,`, "g"),
    new RegExp(String.raw`import\s+` + SPEC, "g"),
  ];
  for (const re of wholeRes) {
    for (const m of text.matchAll(re)) {
      if (!m[1].includes(":") && resolve(m[1]) !== path) facts.whole.push(resolve(m[1]));
    }
  }
  const fromRe = new RegExp(String.raw`export\s+(?:type\s+)?\{([^}]*)\}\s*from\s+` + SPEC, "g");
  for (const m of text.matchAll(fromRe)) {
    const file = resolve(m[2]);
    for (const n of namesOf(m[1])) facts.reexports.set(n.exported, { file, name: n.local });
  }
  const starRe = new RegExp(
    String.raw`export\s+(?:type\s+)?\*\s+(?:as\s+(\w+)\s+)?from\s+` + SPEC,
    "g",
  );
  for (const m of text.matchAll(starRe)) {
    if (m[1] !== undefined) {
      facts.declared.set(m[1], "value");
      facts.whole.push(resolve(m[2]));
    } else facts.stars.push(resolve(m[2]));
  }
  for (const m of text.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}\s*;/g)) {
    for (const n of namesOf(m[1])) {
      const source = local.get(n.local);
      if (source) facts.reexports.set(n.exported, source);
      else facts.declared.set(n.exported, /\btype\s/.test(m[0]) ? "type" : "value");
    }
  }
  const declRe =
    /^export\s+(?:declare\s+)?(?:default\s+)?(?:async\s+)?(?:abstract\s+)?(function\*?|class|const|let|var|interface|type|enum)\s+(\w+)/gm;
  for (const m of text.matchAll(declRe)) {
    facts.declared.set(m[2], m[1] === "interface" || m[1] === "type" ? "type" : "value");
  }
  return facts;
}

/** The report: unused exports and files, and exports that only tests import. */
export interface UnusedReport {
  /** Exported names nothing imports and the file itself does not use: dead. */
  unused: { file: string; name: string }[];
  /**
   * Exported names only their own file uses: `export` may go (types among them usually document a
   * public signature and stay).
   */
  localOnly: { file: string; name: string; kind: "type" | "value" }[];
  /**
   * Exported names only tests import, with those tests; `local` when the file itself uses the name
   * (else it is dead outside the tests).
   */
  testsOnly: { file: string; name: string; tests: string[]; local: boolean }[];
  /** Files nothing imports, names or runs. */
  unusedFiles: string[];
}

/** The source without block and line comments (doc examples do not count as uses). */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
}

function isTest(path: string): boolean {
  return /(_test|_testing|_test_util)\.ts$/.test(path) || path.endsWith("/testing.ts");
}

/**
 * Finds unused exports and files among scanned files.
 *
 * @example
 * ```ts
 * import { findUnused, scanSource } from "./unused_exports.ts";
 * const files = new Map([
 *   ["a.ts", scanSource("export const used = 1;\nexport const dead = 2;", "a.ts")],
 *   ["b.ts", scanSource('import { used } from "./a.ts";\nconsole.log(used);', "b.ts")],
 * ]);
 * const r = findUnused(files, { entries: ["b.ts"], texts: new Map(), mentioned: new Set() });
 * if (r.unused.map((u) => u.name).join() !== "dead") throw new Error("wrong");
 * ```
 *
 * @param files Facts per file (root-relative paths).
 * @param options Entry points, file texts (for local uses and self-run checks), paths that
 * scripts or docs name.
 * @returns The report, sorted by file.
 */
export function findUnused(
  files: ReadonlyMap<string, FileFacts>,
  options: {
    entries: readonly string[];
    texts: ReadonlyMap<string, string>;
    mentioned: ReadonlySet<string>;
  },
): UnusedReport {
  const users = new Map<string, Set<string>>(); // "file\tname" -> importing files
  const provides = (file: string, name: string, seen = new Set<string>()): boolean => {
    const f = files.get(file);
    if (!f || seen.has(file)) return false;
    seen.add(file);
    return f.declared.has(name) || f.reexports.has(name) ||
      f.stars.some((s) => provides(s, name, seen));
  };
  const mark = (file: string, name: string, by: string) => {
    const key = `${file}\t${name}`;
    const set = users.get(key) ?? new Set<string>();
    const fresh = !set.has(by);
    set.add(by);
    users.set(key, set);
    if (!fresh) return;
    const f = files.get(file);
    if (!f) return;
    const re = f.reexports.get(name);
    if (re) mark(re.file, re.name, by);
    for (const s of f.stars) if (provides(s, name)) mark(s, name, by);
  };
  const allNames = (file: string, seen = new Set<string>()): string[] => {
    const f = files.get(file);
    if (!f || seen.has(file)) return [];
    seen.add(file);
    return [
      ...f.declared.keys(),
      ...f.reexports.keys(),
      ...f.stars.flatMap((s) => allNames(s, seen)),
    ];
  };
  for (const entry of options.entries) {
    for (const n of allNames(entry)) mark(entry, n, ENTRY);
  }
  const imported = new Set<string>();
  for (const [path, f] of files) {
    for (const ref of f.imports) {
      mark(ref.file, ref.name, path);
      imported.add(ref.file);
    }
    for (const w of f.whole) {
      imported.add(w);
      for (const n of allNames(w)) mark(w, n, path);
    }
    for (const s of f.stars) imported.add(s);
    for (const r of f.reexports.values()) imported.add(r.file);
  }
  const report: UnusedReport = { unused: [], localOnly: [], testsOnly: [], unusedFiles: [] };
  for (const [path, f] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    if (isTest(path) || !path.endsWith(".ts")) continue;
    const text = options.texts.get(path) ?? "";
    const code = withoutComments(text);
    for (const [name, kind] of f.declared) {
      const by = [...(users.get(`${path}\t${name}`) ?? [])].filter((u) => u !== path);
      const uses = code.match(new RegExp(String.raw`\b${name}\b`, "g"))?.length ?? 0;
      if (by.length === 0) {
        if (uses > 1) report.localOnly.push({ file: path, name, kind });
        else report.unused.push({ file: path, name });
      } else if (by.includes(ENTRY)) continue;
      else if (by.every(isTest)) {
        report.testsOnly.push({ file: path, name, tests: by.sort(), local: uses > 1 });
      }
    }
    const runs = /\bimport\.meta\.main\b|\bDeno\.args\b/.test(text) || /_bench\.ts$/.test(path);
    if (
      !imported.has(path) && !options.entries.includes(path) && !options.mentioned.has(path) &&
      !runs
    ) report.unusedFiles.push(path);
  }
  return report;
}

async function walk(root: string, dir = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(join(root, dir))) {
    if (SKIP.has(e.name)) continue;
    const path = dir ? `${dir}/${e.name}` : e.name;
    if (e.isDirectory) out.push(...await walk(root, path));
    else if (/\.(ts|sh|md|json)$/.test(e.name)) out.push(path);
  }
  return out;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: { under: { type: "string" }, json: { type: "boolean" }, types: { type: "boolean" } },
  });
  const root = relative(Deno.cwd(), new URL("..", import.meta.url).pathname) || ".";
  const paths = await walk(root);
  const texts = new Map<string, string>();
  for (const p of paths) texts.set(p, await Deno.readTextFile(join(root, p)));
  const files = new Map<string, FileFacts>();
  const mentioned = new Set<string>();
  const pathRe = /(?:\.\/)?\b((?:[\w.-]+\/)*[\w.-]+\.ts)\b/g;
  for (const [p, text] of texts) {
    if (p.endsWith(".ts")) files.set(p, scanSource(text, p));
    else {
      for (const m of text.matchAll(pathRe)) {
        mentioned.add(normalize(m[1]));
        mentioned.add(normalize(join(dirname(p), m[1])));
      }
      // `deno eval` snippets import from the root: read them as a file at the root.
      if (p.endsWith(".sh")) {
        files.set(p, scanSource(text, `${p.replaceAll("/", "_")}.ts`));
      }
    }
  }
  const config = JSON.parse(texts.get("deno.json") ?? "{}");
  const entries = Object.values(config.exports ?? {}).map((e) => normalize(String(e)));
  const report = findUnused(files, { entries, texts, mentioned });
  const under = values.under?.split(",").filter(Boolean);
  const keep = (file: string) => !under || under.some((u) => file.startsWith(u));
  const shown: UnusedReport = {
    unused: report.unused.filter((u) => keep(u.file)),
    localOnly: report.localOnly.filter((u) => keep(u.file) && (values.types || u.kind === "value")),
    testsOnly: report.testsOnly.filter((u) => keep(u.file)),
    unusedFiles: report.unusedFiles.filter(keep),
  };
  if (values.json) {
    console.log(JSON.stringify(shown, null, 2));
    return;
  }
  console.log(`# Exported names nothing uses (${shown.unused.length})`);
  for (const u of shown.unused) console.log(`${u.file}: ${u.name}`);
  const which = values.types ? "names" : "values (--types: types too)";
  console.log(`\n# Exported ${which} only their own file uses (${shown.localOnly.length})`);
  for (const u of shown.localOnly) console.log(`${u.file}: ${u.name}`);
  console.log(`\n# Exported names only tests import (${shown.testsOnly.length})`);
  for (const u of shown.testsOnly) {
    const note = u.local ? "" : " (dead outside the tests)";
    console.log(`${u.file}: ${u.name}${note} <- ${u.tests.join(", ")}`);
  }
  console.log(`\n# Files nothing imports, names or runs (${shown.unusedFiles.length})`);
  for (const f of shown.unusedFiles) console.log(f);
}

if (import.meta.main) await main();
