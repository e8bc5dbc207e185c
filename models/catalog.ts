/**
 * The catalogue of benchmark networks: the networks built here (full size and `tiny` variants for CI
 * smoke runs on a software GPU, and 8-bit twins of a tiny one quantized by gpulite) and the real model
 * files, read in place from `shared/models/networks` and `shared/models/quantized` or from the npm
 * packages that ship them. A network is tagged `tiny` when one inference costs under 100 million
 * multiply-accumulates.
 *
 * @example
 * ```ts
 * import { CATALOG } from "./catalog.ts";
 * for (const entry of CATALOG.filter((e) => e.size === "tiny")) console.log(entry.name, entry.inputShapes);
 * ```
 *
 * @module
 */

import { UsageError } from "../core/errors.ts";
import type { Model } from "../core/ir.ts";
import { writeModel } from "../format/tflite/writer.ts";
import { quantizeGraphs, type QuantScheme } from "../engine/quantize/calibrate.ts";
import { randomInputSets } from "../engine/quantize/measure.ts";
import { deeplabV3 } from "./deeplab_v3.ts";
import { googlenet } from "./googlenet.ts";
import { mobilenetV1 } from "./mobilenet_v1.ts";
import { mobilenetV2 } from "./mobilenet_v2.ts";
import { locateNpmFile, npmFileHint } from "./npm_models.ts";
import { posenet } from "./posenet.ts";
import { ssdMobileNet } from "./ssd_mobilenet.ts";

export type { QuantScheme };

/** `tiny`: under 100M multiply-accumulates, fit for CI on a software GPU; `full`: the rest. */
export type SizeTag = "tiny" | "full";

/** What every catalogue entry has. */
export interface EntryBase {
  /** Unique name (a built network's file is `<name>.tflite`). */
  name: string;
  /** Size tag. */
  size: SizeTag;
  /** Shape of each input, in order. */
  inputShapes: number[][];
  /** One line on what the network is. */
  description: string;
}

/** A network built in code with seeded weights. */
export interface BuiltEntry extends EntryBase {
  /** Discriminant. */
  kind: "built";
  /** Builds the model; equal seeds give identical weights. */
  build(seed?: number): Model;
  /** For an 8-bit twin of a float network: the scheme gpulite quantized it with. */
  quantized?: QuantScheme;
}

/** A real `.tflite` file, read in place. */
export interface FileEntry extends EntryBase {
  /** Discriminant. */
  kind: "file";
  /** Where the file comes from. */
  source: string;
  /** The file's path on this machine, or `undefined` when it is not here. */
  locate(): string | undefined;
  /** What to do when {@linkcode FileEntry.locate} finds nothing. */
  hint: string;
}

/** One entry of the {@linkcode CATALOG}. */
export type CatalogEntry = BuiltEntry | FileEntry;

function built(
  name: string,
  size: SizeTag,
  inputShape: number[],
  description: string,
  build: (seed?: number) => Model,
): BuiltEntry {
  return { kind: "built", name, size, inputShapes: [inputShape], description, build };
}

/** A file of `shared/models`: `file` in `networks/`, or a path below `shared/models` (`quantized/x`). */
function shared(
  file: string,
  size: SizeTag,
  inputShapes: number[][],
  description: string,
): FileEntry {
  const path = file.includes("/") ? file : `networks/${file}`;
  const url = new URL(`../../shared/models/${path}`, import.meta.url);
  return {
    kind: "file",
    name: path.replace(/^.*\//, "").replace(/\.tflite$/, ""),
    size,
    inputShapes,
    description,
    source: `shared/models/${path}`,
    locate() {
      try {
        return Deno.statSync(url).isFile ? decodeURIComponent(url.pathname) : undefined;
      } catch {
        return undefined;
      }
    },
    hint: `${path.replace(/^.*\//, "")} belongs in shared/models/${
      path.replace(/\/[^/]*$/, "")
    } beside the checkout`,
  };
}

function npm(
  pkg: string,
  file: string,
  size: SizeTag,
  inputShapes: number[][],
  description: string,
): FileEntry {
  return {
    kind: "file",
    name: file.replace(/\.tflite$/, ""),
    size,
    inputShapes,
    description,
    source: `npm:${pkg}/${file}`,
    locate: () => locateNpmFile(pkg, file),
    hint: npmFileHint(pkg, file),
  };
}

/**
 * The 8-bit twin of a built float network: the network quantized by gpulite (`quantizeGraphs`,
 * calibrated on two seeded random input sets; float32 in and out through QUANTIZE and DEQUANTIZE).
 * Calibration runs the reference, so each seed's model is made once and copied after.
 */
function quantizedTwin(float: BuiltEntry, scheme: QuantScheme, description: string): BuiltEntry {
  const made = new Map<number, Model>();
  const build = (seed = 1) => {
    let model = made.get(seed);
    if (!model) {
      const source = float.build(seed);
      const g = source.subgraphs[0];
      const calibration = randomInputSets(g.inputs.map((t) => g.tensors[t]), 2, seed);
      model = quantizeGraphs(source, { calibration, scheme }).model;
      made.set(seed, model);
    }
    return structuredClone(model);
  };
  return { ...float, name: `${float.name}_${scheme}`, description, build, quantized: scheme };
}

const TINY = { width: 0.25, resolution: 64 };
// At width 0.25 MobileNet v2 rounds its first block to as many channels as it reads, which adds a
// residual the full network lacks; 0.5 keeps the topology.
const TINY_V2 = { width: 0.5, resolution: 64 };
const TINY_257 = { width: 0.25, resolution: 65 };
const MOBILENET_V2_TINY = built(
  "mobilenet_v2_tiny",
  "tiny",
  [1, 64, 64, 3],
  "MobileNet v2 0.5 64",
  (seed) => mobilenetV2({ ...TINY_V2, seed }),
);

/** Every network of the catalogue: built ones first, then real files. */
export const CATALOG: readonly CatalogEntry[] = [
  built(
    "mobilenet_v1_1.0_224",
    "full",
    [1, 224, 224, 3],
    "MobileNet v1 1.0 224",
    (seed) => mobilenetV1({ seed }),
  ),
  ...[0.75, 0.5].map((width) =>
    built(
      `mobilenet_v1_${width}_224`,
      "full",
      [1, 224, 224, 3],
      `MobileNet v1 ${width} 224`,
      (seed) => mobilenetV1({ width, seed }),
    )
  ),
  built(
    "mobilenet_v1_0.25_224_seeded",
    "tiny",
    [1, 224, 224, 3],
    "MobileNet v1 0.25 224 (seeded twin of the real file)",
    (seed) => mobilenetV1({ width: 0.25, seed }),
  ),
  built(
    "mobilenet_v2_1.0_224",
    "full",
    [1, 224, 224, 3],
    "MobileNet v2 1.0 224",
    (seed) => mobilenetV2({ seed }),
  ),
  built(
    "ssd_mobilenet_v2_300",
    "full",
    [1, 300, 300, 3],
    "SSD MobileNet v2 300, raw boxes and scores",
    (seed) => ssdMobileNet({ seed }),
  ),
  built(
    "ssd_mobilenet_v1_0.75_300",
    "full",
    [1, 300, 300, 3],
    "SSD MobileNet v1 0.75 300 (detect.tflite without post-processing)",
    (seed) => ssdMobileNet({ backbone: "mobilenet_v1", width: 0.75, seed }),
  ),
  built(
    "posenet_mobilenet_v1_0.75_257",
    "full",
    [1, 257, 257, 3],
    "PoseNet MobileNet v1 0.75, output stride 16",
    (seed) => posenet({ seed }),
  ),
  built(
    "deeplabv3_mobilenet_v2_0.5_257",
    "full",
    [1, 257, 257, 3],
    "DeepLab v3 MobileNet v2 0.5, output stride 8 (deeplabv3_257_mv_gpu)",
    (seed) => deeplabV3({ seed }),
  ),
  built(
    "googlenet_224",
    "full",
    [1, 224, 224, 3],
    "GoogLeNet (Inception v1) 224",
    (seed) => googlenet({ seed }),
  ),
  built(
    "mobilenet_v1_tiny",
    "tiny",
    [1, 64, 64, 3],
    "MobileNet v1 0.25 64",
    (seed) => mobilenetV1({ ...TINY, seed }),
  ),
  MOBILENET_V2_TINY,
  quantizedTwin(
    MOBILENET_V2_TINY,
    "uint8",
    "MobileNet v2 0.5 64, uint8 per-tensor (quantized by gpulite)",
  ),
  quantizedTwin(
    MOBILENET_V2_TINY,
    "int8",
    "MobileNet v2 0.5 64, int8 per-channel (quantized by gpulite)",
  ),
  built(
    "ssd_mobilenet_v2_tiny",
    "tiny",
    [1, 64, 64, 3],
    "SSD MobileNet v2 0.5 64",
    (seed) => ssdMobileNet({ ...TINY_V2, seed }),
  ),
  built(
    "posenet_tiny",
    "tiny",
    [1, 65, 65, 3],
    "PoseNet MobileNet v1 0.25 65",
    (seed) => posenet({ ...TINY_257, seed }),
  ),
  built(
    "deeplabv3_tiny",
    "tiny",
    [1, 65, 65, 3],
    "DeepLab v3 MobileNet v2 0.25 65",
    (seed) => deeplabV3({ ...TINY_257, seed }),
  ),
  built(
    "googlenet_tiny",
    "tiny",
    [1, 64, 64, 3],
    "GoogLeNet 0.25 64",
    (seed) => googlenet({ ...TINY, seed }),
  ),
  shared(
    "deeplabv3_257_mv_gpu.tflite",
    "full",
    [[1, 257, 257, 3]],
    "DeepLab v3 MobileNet v2 0.5 (TFLite GPU demo)",
  ),
  shared(
    "face_landmark_2019.tflite",
    "tiny",
    [[1, 192, 192, 3]],
    "MediaPipe face mesh landmarks (2019, face contour)",
  ),
  shared(
    "facedetector_front.tflite",
    "tiny",
    [[1, 128, 128, 3]],
    "BlazeFace front camera detector",
  ),
  shared(
    "hair_segmentation.tflite",
    "full",
    [[1, 512, 512, 4]],
    "MediaPipe hair segmentation (custom ops)",
  ),
  shared("mobilenet_v1_0.25_224.tflite", "tiny", [[1, 224, 224, 3]], "MobileNet v1 0.25 224"),
  shared(
    "pose_landmark_lite.tflite",
    "full",
    [[1, 256, 256, 3]],
    "BlazePose landmarks lite (float16 weights)",
  ),
  shared(
    "selfie_segmentation.tflite",
    "tiny",
    [[1, 256, 256, 3]],
    "MediaPipe selfie segmentation (float16 weights)",
  ),
  shared(
    "quantized/mobilenet_v2_1.0_224_quant.tflite",
    "full",
    [[1, 224, 224, 3]],
    "MobileNet v2 1.0 224, uint8 per-tensor (quantization-aware training)",
  ),
  shared(
    "quantized/detect.tflite",
    "full",
    [[1, 300, 300, 3]],
    "SSD MobileNet v1 0.75 300, uint8 per-tensor, with TFLite_Detection_PostProcess",
  ),
  npm(
    "@mediapipe/pose",
    "pose_landmark_full.tflite",
    "full",
    [[1, 256, 256, 3]],
    "BlazePose landmarks full",
  ),
  npm(
    "@mediapipe/pose",
    "pose_landmark_heavy.tflite",
    "full",
    [[1, 256, 256, 3]],
    "BlazePose landmarks heavy",
  ),
];

/**
 * The catalogue entry of a name.
 *
 * @example
 * ```ts
 * import { catalogEntry } from "./catalog.ts";
 * if (catalogEntry("googlenet_tiny").kind !== "built") throw new Error("wrong");
 * ```
 *
 * @param name Entry name.
 * @returns The entry.
 * @throws {UsageError} When no entry has that name.
 */
export function catalogEntry(name: string): CatalogEntry {
  const entry = CATALOG.find((e) => e.name === name);
  if (entry === undefined) {
    throw new UsageError(
      `No network named ${JSON.stringify(name)} in the catalogue; known: ${
        CATALOG.map((e) => e.name).join(", ")
      }`,
    );
  }
  return entry;
}

/**
 * Builds a network of the catalogue as an IR model.
 *
 * @example
 * ```ts
 * import { buildNetwork } from "./catalog.ts";
 * if (buildNetwork("mobilenet_v1_tiny").subgraphs[0].nodes.length !== 31) throw new Error("wrong");
 * ```
 *
 * @param name Name of a built entry.
 * @param seed Seed of the weights (default 1).
 * @returns The model.
 * @throws {UsageError} When the name is unknown or names a real file.
 */
export function buildNetwork(name: string, seed?: number): Model {
  const entry = catalogEntry(name);
  if (entry.kind !== "built") throw new UsageError(`${name} is a model file, not a built network`);
  return entry.build(seed);
}

/**
 * Builds a network of the catalogue and writes it as `.tflite` bytes.
 *
 * @example
 * ```ts
 * import { buildTflite } from "./catalog.ts";
 * const bytes = buildTflite("posenet_tiny");
 * if (new TextDecoder().decode(bytes.subarray(4, 8)) !== "TFL3") throw new Error("wrong");
 * ```
 *
 * @param name Name of a built entry.
 * @param seed Seed of the weights (default 1).
 * @returns The file bytes.
 * @throws {UsageError} When the name is unknown or names a real file.
 */
export function buildTflite(name: string, seed?: number): Uint8Array {
  return writeModel(buildNetwork(name, seed));
}
