/**
 * The networks the benchmarks run: the catalogue of `models/` (built networks with seeded weights
 * and real `.tflite` files), selected by size and name, with a models folder that can be moved (the
 * GPU machine has no `../shared`: `GPULITE_MODELS_DIR` points at a carried copy).
 *
 * @module
 */
import { CATALOG, type CatalogEntry, type SizeTag } from "../models/catalog.ts";
import type { Model } from "../core/ir.ts";
import { loadModel } from "../engine/session.ts";
import { writeModel } from "../format/tflite/writer.ts";

export type { Model, SizeTag };

/** Which sizes to run: `tiny` (CI, software GPU), `full`, or `all`. */
export type SizeSelection = SizeTag | "all";

/** A network ready to load. */
export interface BenchNetwork {
  /** Unique id: the catalogue name, with `.tflite` appended for real files. */
  id: string;
  /** The catalogue name. */
  name: string;
  /** `built` (seeded weights) or `file` (a real model). */
  kind: "built" | "file";
  /** Size tag. */
  size: SizeTag;
  /** One line on the network. */
  description: string;
  /** Where it comes from: the builder, or the file's source. */
  source: string;
  /** Input shapes, in order. */
  inputShapes: number[][];
  /** Loads (or builds) the model and its `.tflite` bytes. */
  load(): Promise<LoadedNetwork>;
}

/** A loaded network. */
export interface LoadedNetwork {
  /** The IR model. */
  model: Model;
  /** The `.tflite` bytes (the file, or the built model written out): what the peers load. */
  bytes: Uint8Array;
  /** The file's path, for real files. */
  path?: string;
}

/** Options of {@linkcode benchNetworks}. */
export interface SelectOptions {
  /** Sizes to keep (default `tiny`). */
  size?: SizeSelection;
  /** Ids or catalogue names to keep (default: all of the size); an unknown one is an error. */
  names?: string[];
  /** A folder holding real model files by file name, looked at before the catalogue's own places. */
  modelsDir?: string;
}

function idOf(entry: CatalogEntry): string {
  return entry.kind === "file" ? `${entry.name}.tflite` : entry.name;
}

function fileIn(dir: string | undefined, file: string): string | undefined {
  if (!dir) return undefined;
  const path = `${dir.replace(/\/+$/, "")}/${file}`;
  try {
    return Deno.statSync(path).isFile ? path : undefined;
  } catch {
    return undefined;
  }
}

function toBench(entry: CatalogEntry, modelsDir: string | undefined): BenchNetwork {
  const base = {
    id: idOf(entry),
    name: entry.name,
    kind: entry.kind,
    size: entry.size,
    description: entry.description,
    inputShapes: entry.inputShapes,
  };
  if (entry.kind === "built") {
    return {
      ...base,
      source: `models/catalog.ts (built, seed 1)`,
      load() {
        const model = entry.build(1);
        return Promise.resolve({ model, bytes: writeModel(model) });
      },
    };
  }
  return {
    ...base,
    source: entry.source,
    async load() {
      const path = fileIn(modelsDir, `${entry.name}.tflite`) ?? entry.locate();
      if (!path) {
        throw new Error(
          `${entry.name}.tflite is not on this machine: ${entry.hint}${
            modelsDir ? ` (nor in ${modelsDir})` : ""
          }`,
        );
      }
      const bytes = await Deno.readFile(path);
      return { model: await loadModel(bytes), bytes, path };
    },
  };
}

/**
 * The benchmark networks of a size, optionally only the named ones, in catalogue order.
 *
 * @example
 * ```ts
 * import { benchNetworks } from "./networks.ts";
 * const tiny = benchNetworks({ size: "tiny" });
 * if (!tiny.some((n) => n.id === "mobilenet_v2_tiny")) throw new Error("wrong");
 * ```
 *
 * @param options Size, names, models folder.
 * @returns The networks.
 * @throws {RangeError} When a name matches no network.
 */
export function benchNetworks(options: SelectOptions = {}): BenchNetwork[] {
  const size = options.size ?? "tiny";
  const modelsDir = options.modelsDir ?? envModelsDir();
  const all = CATALOG.map((e) => toBench(e, modelsDir));
  if (options.names?.length) {
    const picked: BenchNetwork[] = [];
    for (const name of options.names) {
      const found = all.filter((n) => n.id === name || n.name === name);
      if (!found.length) {
        throw new RangeError(
          `Unknown network "${name}"; known: ${all.map((n) => n.id).join(", ")}`,
        );
      }
      for (const n of found) if (!picked.includes(n)) picked.push(n);
    }
    return picked;
  }
  return all.filter((n) => size === "all" || n.size === size);
}

function envModelsDir(): string | undefined {
  try {
    return Deno.env.get("GPULITE_MODELS_DIR") || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Deterministic inputs for a model: smooth values in [-1, 1] for floats (never all zeros), small
 * non-negative integers otherwise. Equal shapes give equal data, so every backend and peer sees the
 * same input.
 *
 * @example
 * ```ts
 * import { makeInput } from "./networks.ts";
 * const x = makeInput("float32", [1, 4, 4, 3]);
 * if (x.length !== 48 || x.every((v) => v === 0)) throw new Error("wrong");
 * ```
 *
 * @param dtype Element type name (`float32`, `int32`, `uint8`, `int8`).
 * @param shape Tensor shape.
 * @returns The data.
 */
export function makeInput(
  dtype: string,
  shape: readonly number[],
): Float32Array | Int32Array | Uint8Array | Int8Array {
  const n = shape.reduce((a, b) => a * b, 1);
  if (dtype === "float32") {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = Math.sin(i * 0.731 + 0.25) * Math.cos(i * 0.0137);
    return out;
  }
  const mod = dtype === "int8" ? 64 : 100;
  const make = dtype === "uint8" ? Uint8Array : dtype === "int8" ? Int8Array : Int32Array;
  const out = new make(n);
  for (let i = 0; i < n; i++) out[i] = (i * 7919) % mod;
  return out;
}
