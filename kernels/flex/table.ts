/**
 * The Flex table: TensorFlow ops that converters leave as custom `Flex<Op>` nodes, each with the
 * gpulite kernel that computes it, the builtin options that kernel takes, and the dtypes its type
 * attribute may name. Semantics follow TensorFlow's op documentation (`tf.raw_ops`); where a builtin
 * twin exists (`AddV2` is TensorFlow Lite's ADD), its kernels run unchanged on every backend.
 *
 * @module
 */
import type { DType, NodeOptions } from "../../core/ir.ts";
import type { AnyKernelDef } from "../../core/kernel.ts";
import type { AttrValue } from "./node_def.ts";
import { abs } from "../abs/mod.ts";
import { add } from "../add/mod.ts";
import { atan2 } from "../atan2/mod.ts";
import { ceil } from "../ceil/mod.ts";
import { cos } from "../cos/mod.ts";
import { div } from "../div/mod.ts";
import { elu } from "../elu/mod.ts";
import { equal } from "../equal/mod.ts";
import { exp } from "../exp/mod.ts";
import { floor } from "../floor/mod.ts";
import { floorDiv } from "../floor_div/mod.ts";
import { floorMod } from "../floor_mod/mod.ts";
import { greater } from "../greater/mod.ts";
import { greaterEqual } from "../greater_equal/mod.ts";
import { leakyRelu } from "../leaky_relu/mod.ts";
import { less } from "../less/mod.ts";
import { lessEqual } from "../less_equal/mod.ts";
import { log } from "../log/mod.ts";
import { logSoftmax } from "../log_softmax/mod.ts";
import { logicalAnd } from "../logical_and/mod.ts";
import { logicalNot } from "../logical_not/mod.ts";
import { logicalOr } from "../logical_or/mod.ts";
import { logistic } from "../logistic/mod.ts";
import { maximum } from "../maximum/mod.ts";
import { minimum } from "../minimum/mod.ts";
import { mul } from "../mul/mod.ts";
import { neg } from "../neg/mod.ts";
import { notEqual } from "../not_equal/mod.ts";
import { pow } from "../pow/mod.ts";
import { relu } from "../relu/mod.ts";
import { relu6 } from "../relu6/mod.ts";
import { round } from "../round/mod.ts";
import { rsqrt } from "../rsqrt/mod.ts";
import { sign } from "../sign/mod.ts";
import { sin } from "../sin/mod.ts";
import { sinh } from "../sinh/mod.ts";
import { softmax } from "../softmax/mod.ts";
import { sqrt } from "../sqrt/mod.ts";
import { square } from "../square/mod.ts";
import { squaredDifference } from "../squared_difference/mod.ts";
import { sub } from "../sub/mod.ts";
import { tanh } from "../tanh/mod.ts";
import { double, identity, softplus } from "./unary_ops.ts";

/** One TensorFlow op gpulite runs. */
export interface FlexEntry {
  /** The kernel that computes it (a builtin's, or one of `unary_ops.ts`). */
  kernel: AnyKernelDef;
  /** The builtin options the kernel parses, from the node's attributes (default none). */
  options?: (attrs: ReadonlyMap<string, AttrValue>) => NodeOptions;
  /**
   * Dtypes the type attribute may name; every input has that dtype. `undefined`: the op has no
   * type attribute (the logical ops, bool only).
   */
  dtypes?: readonly DType[];
  /** The type attribute's name (default `T`). */
  typeAttr?: string;
  /** Why attributes the kernel does not follow are refused (`undefined`: accepted). */
  refuse?: (attrs: ReadonlyMap<string, AttrValue>) => string | undefined;
}

const FLOAT: readonly DType[] = ["float32"];
const NUMERIC: readonly DType[] = ["float32", "int32"];
const INT: readonly DType[] = ["int32"];
const NONE: NodeOptions = { fusedActivationFunction: "NONE" };

function floatAttr(attrs: ReadonlyMap<string, AttrValue>, name: string, fallback: number): number {
  const a = attrs.get(name);
  return a?.kind === "f" ? a.f : fallback;
}

function stringAttr(attrs: ReadonlyMap<string, AttrValue>, name: string): string | undefined {
  const a = attrs.get(name);
  return a?.kind === "s" ? new TextDecoder().decode(a.s) : undefined;
}

/** TensorFlow op name (without `Flex`) to the kernel that computes it. */
export const FLEX_OPS: Readonly<Record<string, FlexEntry>> = {
  // Arithmetic with broadcasting: the builtins without a fused activation.
  AddV2: { kernel: add, options: () => NONE, dtypes: NUMERIC },
  Add: { kernel: add, options: () => NONE, dtypes: NUMERIC },
  Sub: { kernel: sub, options: () => NONE, dtypes: NUMERIC },
  Mul: { kernel: mul, options: () => NONE, dtypes: NUMERIC },
  RealDiv: { kernel: div, options: () => NONE, dtypes: FLOAT },
  // Integer Div truncates toward zero in TensorFlow (TruncateDiv's kernel), as DIV does.
  Div: { kernel: div, options: () => NONE, dtypes: NUMERIC },
  TruncateDiv: { kernel: div, options: () => NONE, dtypes: INT },
  // BiasAdd adds a 1-D bias along the channels, the last axis in NHWC: ADD's broadcasting.
  BiasAdd: {
    kernel: add,
    options: () => NONE,
    dtypes: NUMERIC,
    refuse: (attrs) => {
      const format = stringAttr(attrs, "data_format") ?? "NHWC";
      return format === "NHWC" ? undefined : `data_format ${format} (only NHWC runs)`;
    },
  },
  FloorDiv: { kernel: floorDiv, dtypes: NUMERIC },
  FloorMod: { kernel: floorMod, dtypes: NUMERIC },
  Maximum: { kernel: maximum, dtypes: NUMERIC },
  Minimum: { kernel: minimum, dtypes: NUMERIC },
  Pow: { kernel: pow, dtypes: NUMERIC },
  SquaredDifference: { kernel: squaredDifference, dtypes: NUMERIC },
  Atan2: { kernel: atan2, dtypes: FLOAT },
  // Activations.
  Relu: { kernel: relu, dtypes: FLOAT },
  Relu6: { kernel: relu6, dtypes: FLOAT },
  Elu: { kernel: elu, dtypes: FLOAT },
  LeakyRelu: {
    kernel: leakyRelu,
    options: (attrs) => ({ alpha: floatAttr(attrs, "alpha", 0.2) }),
    dtypes: FLOAT,
  },
  Sigmoid: { kernel: logistic, dtypes: FLOAT },
  Tanh: { kernel: tanh, dtypes: FLOAT },
  Softplus: { kernel: softplus, dtypes: FLOAT },
  // Softmax and LogSoftmax: along the last axis, no temperature.
  Softmax: { kernel: softmax, options: () => ({ beta: 1 }), dtypes: FLOAT },
  LogSoftmax: { kernel: logSoftmax, dtypes: FLOAT },
  // Math.
  Exp: { kernel: exp, dtypes: FLOAT },
  Log: { kernel: log, dtypes: FLOAT },
  Sqrt: { kernel: sqrt, dtypes: FLOAT },
  Rsqrt: { kernel: rsqrt, dtypes: FLOAT },
  Square: { kernel: square, dtypes: FLOAT },
  Neg: { kernel: neg, dtypes: NUMERIC },
  Abs: { kernel: abs, dtypes: NUMERIC },
  Sign: { kernel: sign, dtypes: NUMERIC },
  Sin: { kernel: sin, dtypes: FLOAT },
  Cos: { kernel: cos, dtypes: FLOAT },
  Sinh: { kernel: sinh, dtypes: FLOAT },
  Floor: { kernel: floor, dtypes: FLOAT },
  Ceil: { kernel: ceil, dtypes: FLOAT },
  // Round halves to even in TensorFlow, as ROUND does.
  Round: { kernel: round, dtypes: FLOAT },
  Identity: { kernel: identity, dtypes: NUMERIC },
  // The user-defined test op of TensorFlow Lite's converter tests: 2 * x.
  Double: { kernel: double, dtypes: NUMERIC },
  // Comparisons (bool results) and logic.
  Equal: { kernel: equal, dtypes: NUMERIC },
  NotEqual: { kernel: notEqual, dtypes: NUMERIC },
  Less: { kernel: less, dtypes: NUMERIC },
  LessEqual: { kernel: lessEqual, dtypes: NUMERIC },
  Greater: { kernel: greater, dtypes: NUMERIC },
  GreaterEqual: { kernel: greaterEqual, dtypes: NUMERIC },
  LogicalAnd: { kernel: logicalAnd },
  LogicalOr: { kernel: logicalOr },
  LogicalNot: { kernel: logicalNot },
};
