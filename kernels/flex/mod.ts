/**
 * Flex ops: TensorFlow ops a converter left as custom `Flex<Op>` nodes (for the Flex delegate),
 * whose custom options hold the op name and its `NodeDef`. Each op of the Flex table
 * (`table.ts`) becomes a kernel named `Flex<Op>`: its parse reads the `NodeDef` (bounds-checked),
 * checks the type attribute against the inputs and hands the table's builtin options to the twin
 * kernel, whose inference, reference, GPU, CPU and traits run unchanged. Flex ops outside the table
 * have no kernel and are refused naming the TensorFlow op.
 *
 * @module
 */
import type { AnyKernelDef, OpCase, OpInput } from "../../core/kernel.ts";
import type { DType } from "../../core/ir.ts";
import { ModelFormatError, OpError, UnsupportedError } from "../../core/errors.ts";
import {
  decodeFlexOptions,
  decodeNodeDef,
  encodeFlexOptions,
  encodeNodeDef,
  TF_DTYPES,
} from "./node_def.ts";
import { FLEX_OPS, type FlexEntry } from "./table.ts";

/** Conformance cases a Flex op borrows from a builtin twin (ops of their own keep all theirs). */
const CASES_PER_TWIN = 3;

function checkTypes(
  name: string,
  entry: FlexEntry,
  args: { attrs: ReadonlyMap<string, { kind: string; type?: number }>; inputs: OpInput[] },
): void {
  if (!entry.dtypes) return;
  const attrName = entry.typeAttr ?? "T";
  const attr = args.attrs.get(attrName);
  if (!attr) return;
  if (attr.kind !== "type" || attr.type === undefined) {
    throw new OpError(`${name}: attribute ${attrName} is not a dtype`);
  }
  const tf = TF_DTYPES[attr.type];
  const dtype = tf?.dtype;
  if (!dtype || !entry.dtypes.includes(dtype)) {
    throw new OpError(
      `${name}: ${attrName} is ${tf?.name ?? `DataType ${attr.type}`}, gpulite runs it for ${
        entry.dtypes.join(", ")
      }`,
    );
  }
  args.inputs.forEach((t, k) => {
    if (t.dtype !== dtype) {
      throw new OpError(`${name}: input ${k} is ${t.dtype}, but ${attrName} is ${dtype}`);
    }
  });
}

/** The enum value of a dtype in TensorFlow's `DataType`. */
function tfDtype(dtype: string): number | undefined {
  const hit = Object.entries(TF_DTYPES).find(([, v]) => v.dtype === dtype);
  return hit ? Number(hit[0]) : undefined;
}

/**
 * The custom options a converter writes for a Flex op whose inputs have the given dtype.
 *
 * @example
 * ```ts
 * import { flexOptionsFor } from "./mod.ts";
 * if (flexOptionsFor("AddV2", "float32").at(-2) !== 0x28) throw new Error("wrong");
 * ```
 *
 * @param tfOp TensorFlow op name (`"AddV2"`).
 * @param dtype The dtype its type attribute names (absent: no type attribute).
 * @returns The flexbuffer of the op name and its `NodeDef`.
 */
export function flexOptionsFor(tfOp: string, dtype?: string): Uint8Array {
  const type = dtype === undefined ? undefined : tfDtype(dtype);
  const attrs = type === undefined ? {} : { [FLEX_OPS[tfOp]?.typeAttr ?? "T"]: { type } };
  return encodeFlexOptions(tfOp, encodeNodeDef({ op: tfOp, attrs }));
}

/**
 * The kernel's cases re-encoded as Flex nodes: those of dtypes the op takes, every input fed, those
 * whose options parse to the Flex op's first, and each dtype in turn (a twin's int32 cases run too).
 * Options a case gives beyond the Flex op's (a fused activation) are dropped, and its name says so.
 */
function flexCases(tfOp: string, entry: FlexEntry): OpCase[] {
  const k = entry.kernel;
  const parsed = (options: OpCase["options"], c: OpCase) => {
    try {
      return JSON.stringify(k.parse({ options: options ?? {}, inputs: c.inputs as OpInput[] }));
    } catch {
      return undefined;
    }
  };
  const flexOptions = entry.options?.(new Map()) ?? {};
  const limit = k.name === `Flex${tfOp}` ? Infinity : CASES_PER_TWIN;
  const byDtype = new Map<string, { same: OpCase[]; dropped: OpCase[] }>();
  for (const c of k.cases()) {
    const dtype = c.inputs[0]?.dtype ?? "";
    if (c.inputs.some((t) => !t || t.dtype !== dtype || t.constant)) continue;
    if (entry.dtypes && !entry.dtypes.includes(dtype as DType)) continue;
    const mine = parsed(flexOptions, c);
    if (mine === undefined) continue;
    const same = mine === parsed(c.options, c);
    const flexCase = {
      ...c,
      name: same ? c.name : `${c.name}, its options dropped`,
      options: undefined,
      customOptions: flexOptionsFor(tfOp, entry.dtypes ? dtype : undefined),
    };
    const lists = byDtype.get(dtype) ?? { same: [], dropped: [] };
    (same ? lists.same : lists.dropped).push(flexCase);
    byDtype.set(dtype, lists);
  }
  const out: OpCase[] = [];
  const lists = [...byDtype.values()].map((l) => [...l.same, ...l.dropped]);
  for (let i = 0; out.length < limit && lists.some((l) => i < l.length); i++) {
    for (const l of lists) if (i < l.length && out.length < limit) out.push(l[i]);
  }
  return out;
}

function flexKernel(tfOp: string, entry: FlexEntry): AnyKernelDef {
  const name = `Flex${tfOp}`;
  const twin = entry.kernel;
  return {
    ...twin,
    name,
    custom: true,
    optionsType: undefined,
    // The type attribute makes a Flex node float or int32: it has no 8-bit form, so calibration
    // leaves it in float rather than rewrite it into tensors its T would refuse.
    quant: undefined,
    cpu: twin.cpu?.float ? { float: twin.cpu.float } : undefined,
    traits: twin.traits ? { ...twin.traits, quantPassThrough: undefined } : undefined,
    parse(args) {
      const flex = decodeFlexOptions(args.customOptions, name);
      const def = decodeNodeDef(flex.nodeDef, name);
      if (flex.op !== tfOp || def.op !== tfOp) {
        throw new ModelFormatError(
          `${name}: the custom options name op ${flex.op} and the NodeDef op ${def.op}, not ${tfOp}`,
        );
      }
      if (args.inputs.some((t) => !t)) throw new OpError(`${name}: an input is omitted`);
      checkTypes(name, entry, { attrs: def.attrs, inputs: args.inputs as OpInput[] });
      const refusal = entry.refuse?.(def.attrs);
      if (refusal) throw new UnsupportedError(`${name}: ${refusal}`);
      return twin.parse({
        ...args,
        options: entry.options?.(def.attrs) ?? {},
        customOptions: undefined,
      });
    },
    cases: () => flexCases(tfOp, entry),
  };
}

/**
 * One kernel per op of the Flex table, named `Flex<Op>` (custom code), for the registry.
 *
 * @example
 * ```ts
 * import { FLEX_KERNELS } from "./mod.ts";
 * if (!FLEX_KERNELS.some((k) => k.name === "FlexAddV2" && k.custom)) throw new Error("wrong");
 * ```
 */
export const FLEX_KERNELS: readonly AnyKernelDef[] = Object.entries(FLEX_OPS).map(([op, entry]) =>
  flexKernel(op, entry)
);

/**
 * The kernel a Flex op runs as (its twin's name, `"ADD"` for `FlexAddV2`), or `undefined` for other
 * names: tolerances and reports follow the twin.
 *
 * @example
 * ```ts
 * import { flexTwin } from "./mod.ts";
 * if (flexTwin("FlexAddV2") !== "ADD" || flexTwin("ADD") !== undefined) throw new Error("wrong");
 * ```
 *
 * @param op Op name (custom code).
 * @returns The twin kernel's name.
 */
export function flexTwin(op: string): string | undefined {
  return op.startsWith("Flex") ? FLEX_OPS[op.slice(4)]?.kernel.name : undefined;
}

export { FLEX_OPS };
export type { FlexEntry };
