import { deepStrictEqual, ok, strictEqual, throws } from "node:assert";
import { ModelFormatError } from "../../core/errors.ts";
import { seededRandom } from "../../core/random.ts";
import { readModel } from "../../format/tflite/reader.ts";
import { decodeFlexOptions, decodeNodeDef, encodeFlexOptions, encodeNodeDef } from "./node_def.ts";

const OPS = new URL("../../../shared/models/ops/", import.meta.url);

/** The custom options of every Flex node of the shared single-op models, by file. */
function flexNodes(): { file: string; code: string; options: Uint8Array }[] {
  const out = [];
  for (const e of Deno.readDirSync(OPS)) {
    if (!e.name.endsWith(".tflite")) continue;
    const model = readModel(Deno.readFileSync(new URL(e.name, OPS)), { allowDangling: true });
    for (const n of model.subgraphs.flatMap((g) => g.nodes)) {
      if (n.customCode?.startsWith("Flex") && n.customOptions) {
        out.push({ file: e.name, code: n.customCode, options: n.customOptions });
      }
    }
  }
  return out;
}

Deno.test("decodeFlexOptions() and decodeNodeDef() read the converter's Flex options of the shared models", () => {
  const nodes = flexNodes();
  ok(nodes.length >= 5, `only ${nodes.length} Flex nodes`);
  const seen = new Map<string, string>();
  for (const { code, options } of nodes) {
    const flex = decodeFlexOptions(options, code);
    const def = decodeNodeDef(flex.nodeDef, code);
    strictEqual(`Flex${flex.op}`, code);
    strictEqual(def.op, flex.op);
    const t = def.attrs.get("T");
    seen.set(def.op, t?.kind === "type" ? `T=${t.type}` : [...def.attrs.keys()].join());
  }
  // TensorFlow's DataType: 1 is DT_FLOAT, 3 DT_INT32.
  strictEqual(seen.get("AddV2"), "T=1");
  strictEqual(seen.get("Softplus"), "T=1");
  strictEqual(seen.get("Double"), "T=3");
  strictEqual(seen.get("StringToHashBucketFast"), "num_buckets");
});

Deno.test("encodeFlexOptions() and encodeNodeDef() reproduce the converter's bytes exactly", () => {
  for (const { code, options } of flexNodes()) {
    const flex = decodeFlexOptions(options, code);
    deepStrictEqual([...encodeFlexOptions(flex.op, flex.nodeDef)], [...options], code);
  }
  // FlexAddV2 of multi_add_flex.tflite without its debug info: op, an empty input list aside.
  const def = decodeNodeDef(encodeNodeDef({ op: "AddV2", attrs: { T: { type: 1 } } }));
  deepStrictEqual([def.op, def.name, [...def.attrs]], ["AddV2", "", [["T", {
    kind: "type",
    type: 1,
  }]]]);
});

Deno.test("decodeNodeDef() reads int, float, bool and string attributes", () => {
  const def = decodeNodeDef(encodeNodeDef({
    op: "LeakyRelu",
    name: "leaky",
    attrs: { alpha: { f: 0.25 }, n: { i: -3 }, flag: { b: true }, data_format: { s: "NHWC" } },
  }));
  strictEqual(def.name, "leaky");
  deepStrictEqual(def.attrs.get("alpha"), { kind: "f", f: 0.25 });
  deepStrictEqual(def.attrs.get("n"), { kind: "i", i: -3 });
  deepStrictEqual(def.attrs.get("flag"), { kind: "b", b: true });
  const s = def.attrs.get("data_format");
  strictEqual(s?.kind === "s" && new TextDecoder().decode(s.s), "NHWC");
});

Deno.test("encodeFlexOptions() widens offsets past 255 bytes and still reads back", () => {
  const nodeDef = encodeNodeDef({ op: "Relu", name: "n".repeat(400) });
  const options = encodeFlexOptions("Relu", nodeDef);
  strictEqual(options.at(-1), 2);
  const flex = decodeFlexOptions(options);
  deepStrictEqual([flex.op, [...flex.nodeDef]], ["Relu", [...nodeDef]]);
  strictEqual(decodeNodeDef(flex.nodeDef).name.length, 400);
});

Deno.test("hostile Flex options give a one-line ModelFormatError, never another exception", () => {
  const good = encodeFlexOptions(
    "AddV2",
    encodeNodeDef({ op: "AddV2", attrs: { T: { type: 1 } } }),
  );
  const random = seededRandom(16);
  let refused = 0;
  const attempts: Uint8Array[] = [];
  for (let n = 0; n < good.length; n++) attempts.push(good.subarray(0, n));
  for (let k = 0; k < 2000; k++) {
    const bytes = good.slice();
    const flips = 1 + Math.floor(random() * 3);
    for (let f = 0; f < flips; f++) {
      bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
    }
    attempts.push(bytes);
  }
  for (const bytes of attempts) {
    try {
      const flex = decodeFlexOptions(bytes, "FlexAddV2");
      decodeNodeDef(flex.nodeDef, "FlexAddV2");
    } catch (e) {
      ok(e instanceof ModelFormatError, `${[...bytes]}: ${e}`);
      ok(!e.message.includes("\n") && !e.message.endsWith("."), e.message);
      refused++;
    }
  }
  ok(refused > attempts.length / 4, `only ${refused} of ${attempts.length} refused`);
});

Deno.test("decodeFlexOptions() names what is wrong with options that are not a Flex vector", () => {
  throws(() => decodeFlexOptions(undefined, "FlexRelu"), /FlexRelu custom options are missing/);
  throws(() => decodeFlexOptions(new Uint8Array([0, 4, 1]), "FlexRelu"), /not a vector/);
  throws(() => decodeFlexOptions(new Uint8Array([0, 0x28, 3]), "FlexRelu"), /byte width 3/);
  throws(() => decodeNodeDef(new Uint8Array([0x0a, 0x01, 0x61]), "FlexRelu"), /names no op/);
  throws(() => decodeNodeDef(new Uint8Array([0x12, 0x01, 0xff]), "FlexRelu"), /not valid UTF-8/);
});
