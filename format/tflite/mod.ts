/**
 * TensorFlow Lite model I/O: a validating reader of `.tflite` files into the engine's graph IR, a
 * writer back to `.tflite`, a {@linkcode GraphBuilder} for building models in code, and the schema
 * tables (op names, option tables) both directions share.
 *
 * @example
 * ```ts
 * import { GraphBuilder, readModel, writeModel } from "./mod.ts";
 * const g = new GraphBuilder();
 * const x = g.input("x", "float32", [1, 8]);
 * const [y] = g.op("SOFTMAX", [x], [{ dtype: "float32", shape: [1, 8] }], { options: { beta: 1 } });
 * g.output(y);
 * const model = readModel(writeModel(g.build()));
 * if (model.subgraphs[0].nodes[0].options.beta !== 1) throw new Error("wrong");
 * ```
 *
 * @module
 */

export {
  DEFAULT_MAX_TENSOR_BYTES,
  DEFAULT_MAX_TOTAL_BYTES,
  readModel,
  readModelFile,
  type ReadOptions,
} from "./reader.ts";
export { writeModel } from "./writer.ts";
export {
  GraphBuilder,
  type GraphBuilderOptions,
  type OpSettings,
  type TensorSettings,
  type TensorSpec,
} from "./builder.ts";
export {
  BUILTIN_OPERATORS,
  BUILTIN_OPTIONS,
  BUILTIN_OPTIONS2,
  camelCase,
  defaultOptions,
  type EnumSpec,
  type FieldSpec,
  OP_OPTION_TABLES,
  OPTION_ENUMS,
  OPTION_TABLES,
  type OptionTableSpec,
  type ScalarKind,
  TENSOR_TYPES,
} from "./schema.ts";
export type {
  DType,
  Graph,
  Model,
  Node,
  NodeOptions,
  OptionValue,
  Quantization,
  Signature,
  SignatureTensor,
  SparseDimension,
  Sparsity,
  Tensor,
} from "../../core/ir.ts";
