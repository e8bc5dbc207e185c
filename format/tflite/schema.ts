/**
 * The parts of TensorFlow Lite's `schema.fbs` that gpulite reads and writes, as data: the builtin
 * operator names, the tensor types, the enums of option fields, and every builtin option table with its
 * fields in field-id order. The reader and the writer both walk these tables; nothing here knows about
 * bytes.
 *
 * Option tables are written in a small notation, one string per table, fields separated by spaces in
 * field-id order: `name:type` or `name:type=default`; `-` marks a deprecated slot. Types are `bool`,
 * `i8`, `u8`, `i16`, `i32`, `u32`, `i64`, `f32`, `str`, a vector `[i32]`/`[i64]`/`[f32]`/`[u8]`/`[bool]`,
 * an enum name from {@linkcode OPTION_ENUMS}, or `[Enum]`. Field names are the schema's snake_case;
 * decoded options use their camelCase form.
 *
 * @module
 */

import type { DType } from "../../core/ir.ts";

/**
 * Builtin operator names indexed by their `BuiltinOperator` code (schema as of TensorFlow 2.16 / LiteRT,
 * codes 0 to 206). Codes past the end of the table decode as `UNKNOWN_<code>`.
 *
 * @example
 * ```ts
 * import { BUILTIN_OPERATORS } from "./schema.ts";
 * if (BUILTIN_OPERATORS[3] !== "CONV_2D") throw new Error("wrong");
 * ```
 */
export const BUILTIN_OPERATORS: readonly string[] = (
  "ADD AVERAGE_POOL_2D CONCATENATION CONV_2D DEPTHWISE_CONV_2D DEPTH_TO_SPACE DEQUANTIZE EMBEDDING_LOOKUP " +
  "FLOOR FULLY_CONNECTED HASHTABLE_LOOKUP L2_NORMALIZATION L2_POOL_2D LOCAL_RESPONSE_NORMALIZATION " +
  "LOGISTIC LSH_PROJECTION LSTM MAX_POOL_2D MUL RELU RELU_N1_TO_1 RELU6 RESHAPE RESIZE_BILINEAR RNN " +
  "SOFTMAX SPACE_TO_DEPTH SVDF TANH CONCAT_EMBEDDINGS SKIP_GRAM CALL CUSTOM EMBEDDING_LOOKUP_SPARSE PAD " +
  "UNIDIRECTIONAL_SEQUENCE_RNN GATHER BATCH_TO_SPACE_ND SPACE_TO_BATCH_ND TRANSPOSE MEAN SUB DIV SQUEEZE " +
  "UNIDIRECTIONAL_SEQUENCE_LSTM STRIDED_SLICE BIDIRECTIONAL_SEQUENCE_RNN EXP TOPK_V2 SPLIT LOG_SOFTMAX " +
  "DELEGATE BIDIRECTIONAL_SEQUENCE_LSTM CAST PRELU MAXIMUM ARG_MAX MINIMUM LESS NEG PADV2 GREATER " +
  "GREATER_EQUAL LESS_EQUAL SELECT SLICE SIN TRANSPOSE_CONV SPARSE_TO_DENSE TILE EXPAND_DIMS EQUAL " +
  "NOT_EQUAL LOG SUM SQRT RSQRT SHAPE POW ARG_MIN FAKE_QUANT REDUCE_PROD REDUCE_MAX PACK LOGICAL_OR " +
  "ONE_HOT LOGICAL_AND LOGICAL_NOT UNPACK REDUCE_MIN FLOOR_DIV REDUCE_ANY SQUARE ZEROS_LIKE FILL " +
  "FLOOR_MOD RANGE RESIZE_NEAREST_NEIGHBOR LEAKY_RELU SQUARED_DIFFERENCE MIRROR_PAD ABS SPLIT_V UNIQUE " +
  "CEIL REVERSE_V2 ADD_N GATHER_ND COS WHERE RANK ELU REVERSE_SEQUENCE MATRIX_DIAG QUANTIZE " +
  "MATRIX_SET_DIAG ROUND HARD_SWISH IF WHILE NON_MAX_SUPPRESSION_V4 NON_MAX_SUPPRESSION_V5 SCATTER_ND " +
  "SELECT_V2 DENSIFY SEGMENT_SUM BATCH_MATMUL PLACEHOLDER_FOR_GREATER_OP_CODES CUMSUM CALL_ONCE " +
  "BROADCAST_TO RFFT2D CONV_3D IMAG REAL COMPLEX_ABS HASHTABLE HASHTABLE_FIND HASHTABLE_IMPORT " +
  "HASHTABLE_SIZE REDUCE_ALL CONV_3D_TRANSPOSE VAR_HANDLE READ_VARIABLE ASSIGN_VARIABLE BROADCAST_ARGS " +
  "RANDOM_STANDARD_NORMAL BUCKETIZE RANDOM_UNIFORM MULTINOMIAL GELU DYNAMIC_UPDATE_SLICE RELU_0_TO_1 " +
  "UNSORTED_SEGMENT_PROD UNSORTED_SEGMENT_MAX UNSORTED_SEGMENT_SUM ATAN2 UNSORTED_SEGMENT_MIN SIGN " +
  "BITCAST BITWISE_XOR RIGHT_SHIFT STABLEHLO_LOGISTIC STABLEHLO_ADD STABLEHLO_DIVIDE STABLEHLO_MULTIPLY " +
  "STABLEHLO_MAXIMUM STABLEHLO_RESHAPE STABLEHLO_CLAMP STABLEHLO_CONCATENATE STABLEHLO_BROADCAST_IN_DIM " +
  "STABLEHLO_CONVOLUTION STABLEHLO_SLICE STABLEHLO_CUSTOM_CALL STABLEHLO_REDUCE STABLEHLO_ABS " +
  "STABLEHLO_AND STABLEHLO_COSINE STABLEHLO_EXPONENTIAL STABLEHLO_FLOOR STABLEHLO_LOG STABLEHLO_MINIMUM " +
  "STABLEHLO_NEGATE STABLEHLO_OR STABLEHLO_POWER STABLEHLO_REMAINDER STABLEHLO_RSQRT STABLEHLO_SELECT " +
  "STABLEHLO_SUBTRACT STABLEHLO_TANH STABLEHLO_SCATTER STABLEHLO_COMPARE STABLEHLO_CONVERT " +
  "STABLEHLO_DYNAMIC_SLICE STABLEHLO_DYNAMIC_UPDATE_SLICE STABLEHLO_PAD STABLEHLO_IOTA " +
  "STABLEHLO_DOT_GENERAL STABLEHLO_REDUCE_WINDOW STABLEHLO_SORT STABLEHLO_WHILE STABLEHLO_GATHER " +
  "STABLEHLO_TRANSPOSE DILATE STABLEHLO_RNG_BIT_GENERATOR REDUCE_WINDOW STABLEHLO_COMPOSITE"
).split(" ");

/**
 * Tensor element types indexed by their `TensorType` code, as {@linkcode DType} names (`undefined` for
 * codes gpulite does not represent).
 *
 * @example
 * ```ts
 * import { TENSOR_TYPES } from "./schema.ts";
 * if (TENSOR_TYPES[9] !== "int8") throw new Error("wrong");
 * ```
 */
export const TENSOR_TYPES: readonly DType[] = [
  "float32",
  "float16",
  "int32",
  "uint8",
  "int64",
  "string",
  "bool",
  "int16",
  "complex64",
  "int8",
  "float64",
  "complex128",
  "uint64",
  "resource",
  "variant",
  "uint32",
  "uint16",
  "int4",
  "bfloat16",
  "int2",
  "uint4",
];

/** Storage of an enum field: its scalar type and its value names by code. */
export interface EnumSpec {
  /** Scalar storage of the enum. */
  storage: "i8" | "i32" | "u32";
  /** Names by code. */
  names: readonly string[];
}

/**
 * Enums used by option fields. `TensorType` fields decode to {@linkcode DType} names.
 *
 * @example
 * ```ts
 * import { OPTION_ENUMS } from "./schema.ts";
 * if (OPTION_ENUMS.Padding.names[0] !== "SAME") throw new Error("wrong");
 * ```
 */
export const OPTION_ENUMS: Readonly<Record<string, EnumSpec>> = {
  Padding: { storage: "i8", names: ["SAME", "VALID"] },
  Act: {
    storage: "i8",
    names: ["NONE", "RELU", "RELU_N1_TO_1", "RELU6", "TANH", "SIGN_BIT"],
  },
  LSHProjectionType: { storage: "i8", names: ["UNKNOWN", "SPARSE", "DENSE"] },
  WeightsFormat: { storage: "i8", names: ["DEFAULT", "SHUFFLED4x16INT8"] },
  LSTMKernelType: { storage: "i8", names: ["FULL", "BASIC"] },
  CombinerType: { storage: "i8", names: ["SUM", "MEAN", "SQRTN"] },
  MirrorPadMode: { storage: "i8", names: ["REFLECT", "SYMMETRIC"] },
  TensorType: { storage: "i8", names: TENSOR_TYPES },
  RngAlgorithm: { storage: "i8", names: ["DEFAULT", "PHILOX", "THREEFRY"] },
  CustomOptionsFormat: { storage: "i8", names: ["FLEXBUFFERS"] },
  ReduceWindowFunction: {
    storage: "i32",
    names: ["UNSUPPORTED", "ADD", "MUL", "MINIMUM", "MAXIMUM", "ALL", "ANY"],
  },
  StablehloPrecisionConfig: {
    storage: "u32",
    names: ["DEFAULT", "HIGH", "HIGHEST"],
  },
  StablehloComparisonDirection: {
    storage: "u32",
    names: ["EQ", "NE", "GE", "GT", "LE", "LT"].map((d) => `STABLEHLO_COMPARISON_DIRECTION_${d}`),
  },
  StablehloComparisonType: {
    storage: "u32",
    names: ["NOTYPE", "FLOAT", "FLOAT_TOTAL_ORDER", "SIGNED", "UNSIGNED"].map((
      d,
    ) => `STABLEHLO_COMPARISON_TYPE_${d}`),
  },
};

const ACT = "fused_activation_function:Act";
const POOL = "padding:Padding stride_w:i32 stride_h:i32 filter_width:i32 filter_height:i32 " +
  ACT;
const LSTM_CLIPS = `${ACT} cell_clip:f32 proj_clip:f32`;

/** Option tables of the `BuiltinOptions` union, in union order (type code = index + 1). */
const BUILTIN_OPTIONS_SOURCE: readonly [string, string][] = [
  [
    "Conv2DOptions",
    `padding:Padding stride_w:i32 stride_h:i32 ${ACT} dilation_w_factor:i32=1 dilation_h_factor:i32=1 quantized_bias_type:TensorType`,
  ],
  [
    "DepthwiseConv2DOptions",
    `padding:Padding stride_w:i32 stride_h:i32 depth_multiplier:i32 ${ACT} dilation_w_factor:i32=1 dilation_h_factor:i32=1`,
  ],
  [
    "ConcatEmbeddingsOptions",
    "num_channels:i32 num_columns_per_channel:[i32] embedding_dim_per_channel:[i32]",
  ],
  ["LSHProjectionOptions", "type:LSHProjectionType"],
  ["Pool2DOptions", POOL],
  ["SVDFOptions", `rank:i32 ${ACT} asymmetric_quantize_inputs:bool`],
  ["RNNOptions", `${ACT} asymmetric_quantize_inputs:bool`],
  [
    "FullyConnectedOptions",
    `${ACT} weights_format:WeightsFormat keep_num_dims:bool asymmetric_quantize_inputs:bool quantized_bias_type:TensorType`,
  ],
  ["SoftmaxOptions", "beta:f32"],
  ["ConcatenationOptions", `axis:i32 ${ACT}`],
  ["AddOptions", `${ACT} pot_scale_int16:bool=true`],
  ["L2NormOptions", ACT],
  [
    "LocalResponseNormalizationOptions",
    "radius:i32 bias:f32 alpha:f32 beta:f32",
  ],
  [
    "LSTMOptions",
    `${LSTM_CLIPS} kernel_type:LSTMKernelType asymmetric_quantize_inputs:bool`,
  ],
  ["ResizeBilinearOptions", "- - align_corners:bool half_pixel_centers:bool"],
  ["CallOptions", "subgraph:u32"],
  ["ReshapeOptions", "new_shape:[i32]"],
  [
    "SkipGramOptions",
    "ngram_size:i32 max_skip_size:i32 include_all_ngrams:bool",
  ],
  ["SpaceToDepthOptions", "block_size:i32"],
  ["EmbeddingLookupSparseOptions", "combiner:CombinerType"],
  ["MulOptions", ACT],
  ["PadOptions", ""],
  ["GatherOptions", "axis:i32 batch_dims:i32"],
  ["BatchToSpaceNDOptions", ""],
  ["SpaceToBatchNDOptions", ""],
  ["TransposeOptions", ""],
  ["ReducerOptions", "keep_dims:bool"],
  ["SubOptions", `${ACT} pot_scale_int16:bool=true`],
  ["DivOptions", ACT],
  ["SqueezeOptions", "squeeze_dims:[i32]"],
  [
    "SequenceRNNOptions",
    `time_major:bool ${ACT} asymmetric_quantize_inputs:bool`,
  ],
  [
    "StridedSliceOptions",
    "begin_mask:i32 end_mask:i32 ellipsis_mask:i32 new_axis_mask:i32 shrink_axis_mask:i32 offset:bool",
  ],
  ["ExpOptions", ""],
  ["TopKV2Options", ""],
  ["SplitOptions", "num_splits:i32"],
  ["LogSoftmaxOptions", ""],
  ["CastOptions", "in_data_type:TensorType out_data_type:TensorType"],
  ["DequantizeOptions", ""],
  ["MaximumMinimumOptions", ""],
  ["ArgMaxOptions", "output_type:TensorType"],
  ["LessOptions", ""],
  ["NegOptions", ""],
  ["PadV2Options", ""],
  ["GreaterOptions", ""],
  ["GreaterEqualOptions", ""],
  ["LessEqualOptions", ""],
  ["SelectOptions", ""],
  ["SliceOptions", ""],
  [
    "TransposeConvOptions",
    `padding:Padding stride_w:i32 stride_h:i32 ${ACT} quantized_bias_type:TensorType`,
  ],
  ["SparseToDenseOptions", "validate_indices:bool"],
  ["TileOptions", ""],
  ["ExpandDimsOptions", ""],
  ["EqualOptions", ""],
  ["NotEqualOptions", ""],
  ["ShapeOptions", "out_type:TensorType"],
  ["PowOptions", ""],
  ["ArgMinOptions", "output_type:TensorType"],
  ["FakeQuantOptions", "min:f32 max:f32 num_bits:i32 narrow_range:bool"],
  ["PackOptions", "values_count:i32 axis:i32"],
  ["LogicalOrOptions", ""],
  ["OneHotOptions", "axis:i32"],
  ["LogicalAndOptions", ""],
  ["LogicalNotOptions", ""],
  ["UnpackOptions", "num:i32 axis:i32"],
  ["FloorDivOptions", ""],
  ["SquareOptions", ""],
  ["ZerosLikeOptions", ""],
  ["FillOptions", ""],
  [
    "BidirectionalSequenceLSTMOptions",
    `${LSTM_CLIPS} merge_outputs:bool time_major:bool=true asymmetric_quantize_inputs:bool`,
  ],
  [
    "BidirectionalSequenceRNNOptions",
    `time_major:bool ${ACT} merge_outputs:bool asymmetric_quantize_inputs:bool`,
  ],
  [
    "UnidirectionalSequenceLSTMOptions",
    `${LSTM_CLIPS} time_major:bool asymmetric_quantize_inputs:bool diagonal_recurrent_tensors:bool`,
  ],
  ["FloorModOptions", ""],
  ["RangeOptions", ""],
  [
    "ResizeNearestNeighborOptions",
    "align_corners:bool half_pixel_centers:bool",
  ],
  ["LeakyReluOptions", "alpha:f32"],
  ["SquaredDifferenceOptions", ""],
  ["MirrorPadOptions", "mode:MirrorPadMode"],
  ["AbsOptions", ""],
  ["SplitVOptions", "num_splits:i32"],
  ["UniqueOptions", "idx_out_type:TensorType=int32"],
  ["ReverseV2Options", ""],
  ["AddNOptions", ""],
  ["GatherNdOptions", ""],
  ["CosOptions", ""],
  ["WhereOptions", ""],
  ["RankOptions", ""],
  ["ReverseSequenceOptions", "seq_dim:i32 batch_dim:i32"],
  ["MatrixDiagOptions", ""],
  ["QuantizeOptions", ""],
  ["MatrixSetDiagOptions", ""],
  ["HardSwishOptions", ""],
  ["IfOptions", "then_subgraph_index:i32 else_subgraph_index:i32"],
  ["WhileOptions", "cond_subgraph_index:i32 body_subgraph_index:i32"],
  ["DepthToSpaceOptions", "block_size:i32"],
  ["NonMaxSuppressionV4Options", ""],
  ["NonMaxSuppressionV5Options", ""],
  ["ScatterNdOptions", ""],
  ["SelectV2Options", ""],
  ["DensifyOptions", ""],
  ["SegmentSumOptions", ""],
  [
    "BatchMatMulOptions",
    "adj_x:bool adj_y:bool asymmetric_quantize_inputs:bool",
  ],
  ["CumsumOptions", "exclusive:bool reverse:bool"],
  ["CallOnceOptions", "init_subgraph_index:i32"],
  ["BroadcastToOptions", ""],
  ["Rfft2dOptions", ""],
  [
    "Conv3DOptions",
    `padding:Padding stride_d:i32 stride_w:i32 stride_h:i32 ${ACT} dilation_d_factor:i32=1 dilation_w_factor:i32=1 dilation_h_factor:i32=1`,
  ],
  [
    "HashtableOptions",
    "table_id:i32 key_dtype:TensorType value_dtype:TensorType",
  ],
  ["HashtableFindOptions", ""],
  ["HashtableImportOptions", ""],
  ["HashtableSizeOptions", ""],
  ["VarHandleOptions", "container:str shared_name:str"],
  ["ReadVariableOptions", ""],
  ["AssignVariableOptions", ""],
  ["RandomOptions", "seed:i64 seed2:i64"],
  ["BucketizeOptions", "boundaries:[f32]"],
  ["GeluOptions", "approximate:bool"],
  ["DynamicUpdateSliceOptions", ""],
  ["UnsortedSegmentProdOptions", ""],
  ["UnsortedSegmentMaxOptions", ""],
  ["UnsortedSegmentMinOptions", ""],
  ["UnsortedSegmentSumOptions", ""],
  ["ATan2Options", ""],
  ["SignOptions", ""],
  ["BitcastOptions", ""],
  ["BitwiseXorOptions", ""],
  ["RightShiftOptions", ""],
];

/** Option tables of the `BuiltinOptions2` union, in union order (type code = index + 1). */
const BUILTIN_OPTIONS2_SOURCE: readonly [string, string][] = [
  ["StablehloConcatenateOptions", "dimension:i64"],
  ["StablehloBroadcastInDimOptions", "broadcast_dimensions:[i64]"],
  [
    "StablehloSliceOptions",
    "start_indices:[i64] limit_indices:[i64] strides:[i64]",
  ],
  [
    "StablehloConvolutionOptions",
    "window_strides:[i64] padding:[i64] lhs_dilation:[i64] rhs_dilation:[i64] window_reversal:[bool] " +
    "input_batch_dimension:i64 input_feature_dimension:i64 input_spatial_dimensions:[i64] " +
    "kernel_input_feature_dimension:i64 kernel_output_feature_dimension:i64 kernel_spatial_dimensions:[i64] " +
    "output_batch_dimension:i64 output_feature_dimension:i64 output_spatial_dimensions:[i64] " +
    "feature_group_count:i64 batch_group_count:i64 precision_config:[StablehloPrecisionConfig]",
  ],
  [
    "StablehloCustomCallOptions",
    "call_target_name:str has_side_effect:bool backend_config:str api_version:i32 called_computations:[i32] custom_attributes:[u8]",
  ],
  ["StablehloReduceOptions", "dimensions:[i64] body_subgraph_index:i32"],
  [
    "StablehloScatterOptions",
    "indices_are_sorted:bool update_window_dims:[i64] inserted_window_dims:[i64] scatter_dims_to_operand_dims:[i64] index_vector_dim:i64 unique_indices:bool update_computation_subgraph_index:i32",
  ],
  [
    "StablehloCompareOptions",
    "comparison_direction:StablehloComparisonDirection compare_type:StablehloComparisonType",
  ],
  ["StablehloDynamicSliceOptions", "slice_sizes:[i64]"],
  [
    "StablehloPadOptions",
    "edge_padding_low:[i64] edge_padding_high:[i64] interior_padding:[i64]",
  ],
  ["StablehloIotaOptions", "iota_dimension:i64"],
  [
    "StablehloDotGeneralOptions",
    "lhs_batching_dimensions:[i64] rhs_batching_dimensions:[i64] lhs_contracting_dimensions:[i64] rhs_contracting_dimensions:[i64] precision_config:[StablehloPrecisionConfig]",
  ],
  [
    "StablehloReduceWindowOptions",
    "window_dimensions:[i64] window_strides:[i64] base_dilations:[i64] window_dilations:[i64] padding:[i64] body_subgraph_index:i32",
  ],
  [
    "StablehloSortOptions",
    "dimension:i64 is_stable:bool comparator_subgraph_index:i32",
  ],
  ["StablehloWhileOptions", "cond_subgraph_index:i32 body_subgraph_index:i32"],
  [
    "StablehloGatherOptions",
    "offset_dims:[i64] collapsed_slice_dims:[i64] start_index_map:[i64] index_vector_dim:i64 slice_sizes:[i64] indices_are_sorted:bool",
  ],
  ["StablehloTransposeOptions", "permutation:[i64]"],
  ["DilateOptions", ""],
  ["StablehloRngBitGeneratorOptions", "algorithm:RngAlgorithm"],
  ["ReduceWindowOptions", "reduce_function:ReduceWindowFunction"],
  [
    "StableHLOCompositeOptions",
    "name:str decomposition_subgraph_index:i32 composite_attributes:[u8] composite_attributes_format:CustomOptionsFormat version:i32",
  ],
];

/** Scalar storage kinds of option fields. */
export type ScalarKind =
  | "bool"
  | "i8"
  | "u8"
  | "i16"
  | "u16"
  | "i32"
  | "u32"
  | "i64"
  | "f32";

/** One field of an option table. */
export interface FieldSpec {
  /** Field id (slot) in the table. */
  id: number;
  /** Schema name, snake_case. */
  schemaName: string;
  /** Decoded name, camelCase. */
  name: string;
  /** What the field holds. */
  kind: "scalar" | "enum" | "string" | "vector" | "enumVector";
  /** Scalar storage (of the value, of the enum, or of a vector's elements); `u8` for strings. */
  storage: ScalarKind;
  /** The enum, for enum fields and enum vectors. */
  enumSpec?: EnumSpec;
  /** Default value of a scalar or enum field (an enum's default is its name). */
  defaultValue?: number | boolean | string;
}

/** An option table: its name, the union it belongs to and its fields. */
export interface OptionTableSpec {
  /** Table name, e.g. `"Conv2DOptions"`. */
  name: string;
  /** Which union of `Operator` carries it: 1 for `builtin_options`, 2 for `builtin_options_2`. */
  union: 1 | 2;
  /** Type code within its union. */
  code: number;
  /** Fields in id order (deprecated slots left out but counted). */
  fields: FieldSpec[];
  /** Number of slots, deprecated ones included. */
  slots: number;
}

/**
 * Converts a snake_case schema name to camelCase.
 *
 * @example
 * ```ts
 * import { camelCase } from "./schema.ts";
 * if (camelCase("dilation_w_factor") !== "dilationWFactor") throw new Error("wrong");
 * ```
 *
 * @param name A snake_case name.
 * @returns The camelCase name.
 */
export function camelCase(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

const SCALARS = new Set([
  "bool",
  "i8",
  "u8",
  "i16",
  "i32",
  "u32",
  "i64",
  "f32",
]);

function parseField(spec: string, id: number, table: string): FieldSpec {
  const [schemaName, typeAndDefault] = spec.split(":");
  const [type, def] = typeAndDefault.split("=");
  const name = camelCase(schemaName);
  const vector = type.startsWith("[");
  const inner = vector ? type.slice(1, -1) : type;
  if (type === "str") {
    return { id, schemaName, name, kind: "string", storage: "u8" };
  }
  if (SCALARS.has(inner)) {
    const storage = inner as ScalarKind;
    if (vector) return { id, schemaName, name, kind: "vector", storage };
    const defaultValue = storage === "bool" ? def === "true" : Number(def ?? 0);
    return { id, schemaName, name, kind: "scalar", storage, defaultValue };
  }
  const enumSpec = OPTION_ENUMS[inner];
  if (enumSpec === undefined) {
    throw new Error(`Option table ${table} names unknown type ${inner}`);
  }
  if (vector) {
    return {
      id,
      schemaName,
      name,
      kind: "enumVector",
      storage: enumSpec.storage,
      enumSpec,
    };
  }
  return {
    id,
    schemaName,
    name,
    kind: "enum",
    storage: enumSpec.storage,
    enumSpec,
    defaultValue: def ?? enumSpec.names[0],
  };
}

function buildTables(
  source: readonly [string, string][],
  union: 1 | 2,
): OptionTableSpec[] {
  return source.map(([name, fields], i) => {
    const specs = fields === "" ? [] : fields.split(" ");
    return {
      name,
      union,
      code: i + 1,
      slots: specs.length,
      fields: specs.flatMap((s, id) => s === "-" ? [] : [parseField(s, id, name)]),
    };
  });
}

/**
 * Option tables of `Operator.builtin_options`, indexed by union type code minus one.
 *
 * @example
 * ```ts
 * import { BUILTIN_OPTIONS } from "./schema.ts";
 * if (BUILTIN_OPTIONS[0].name !== "Conv2DOptions") throw new Error("wrong");
 * ```
 */
export const BUILTIN_OPTIONS: readonly OptionTableSpec[] = buildTables(
  BUILTIN_OPTIONS_SOURCE,
  1,
);

/**
 * Option tables of `Operator.builtin_options_2` (StableHLO ops), indexed by union type code minus one.
 *
 * @example
 * ```ts
 * import { BUILTIN_OPTIONS2 } from "./schema.ts";
 * if (BUILTIN_OPTIONS2[20].name !== "StableHLOCompositeOptions") throw new Error("wrong");
 * ```
 */
export const BUILTIN_OPTIONS2: readonly OptionTableSpec[] = buildTables(
  BUILTIN_OPTIONS2_SOURCE,
  2,
);

/**
 * Every option table by name.
 *
 * @example
 * ```ts
 * import { OPTION_TABLES } from "./schema.ts";
 * const conv = OPTION_TABLES.get("Conv2DOptions");
 * if (conv?.fields[4].name !== "dilationWFactor" || conv.fields[4].defaultValue !== 1) {
 *   throw new Error("wrong");
 * }
 * ```
 */
export const OPTION_TABLES: ReadonlyMap<string, OptionTableSpec> = new Map(
  [...BUILTIN_OPTIONS, ...BUILTIN_OPTIONS2].map((t) => [t.name, t]),
);

/**
 * The default options of an option table: every scalar and enum field at its schema default (vectors
 * and strings, which have no default, are left out).
 *
 * @example
 * ```ts
 * import { defaultOptions } from "./schema.ts";
 * const o = defaultOptions("Conv2DOptions");
 * if (o.padding !== "SAME" || o.dilationHFactor !== 1) throw new Error("wrong");
 * ```
 *
 * @param table The option table name.
 * @returns The defaults, camelCase keys.
 */
export function defaultOptions(
  table: string,
): Record<string, number | boolean | string> {
  const spec = OPTION_TABLES.get(table);
  if (spec === undefined) throw new Error(`Unknown option table ${table}`);
  const out: Record<string, number | boolean | string> = {};
  for (const f of spec.fields) {
    if (f.defaultValue !== undefined) out[f.name] = f.defaultValue;
  }
  return out;
}

/**
 * The option table each builtin op carries, for ops that have one (ops without an entry, such as
 * `RELU`, `LOGISTIC` or `PRELU`, carry no options).
 *
 * @example
 * ```ts
 * import { OP_OPTION_TABLES } from "./schema.ts";
 * if (OP_OPTION_TABLES.MAX_POOL_2D !== "Pool2DOptions") throw new Error("wrong");
 * ```
 */
export const OP_OPTION_TABLES: Readonly<Record<string, string>> = Object
  .fromEntries(
    (
      "ADD:Add SUB:Sub MUL:Mul DIV:Div MAXIMUM:MaximumMinimum MINIMUM:MaximumMinimum POW:Pow " +
      "SQUARED_DIFFERENCE:SquaredDifference CONV_2D:Conv2D DEPTHWISE_CONV_2D:DepthwiseConv2D " +
      "TRANSPOSE_CONV:TransposeConv CONV_3D:Conv3D CONV_3D_TRANSPOSE:Conv3D FULLY_CONNECTED:FullyConnected " +
      "AVERAGE_POOL_2D:Pool2D MAX_POOL_2D:Pool2D L2_POOL_2D:Pool2D MEAN:Reducer SUM:Reducer " +
      "REDUCE_MAX:Reducer REDUCE_MIN:Reducer REDUCE_PROD:Reducer REDUCE_ANY:Reducer REDUCE_ALL:Reducer " +
      "SOFTMAX:Softmax LOG_SOFTMAX:LogSoftmax CONCATENATION:Concatenation PAD:Pad PADV2:PadV2 " +
      "MIRROR_PAD:MirrorPad RESHAPE:Reshape SQUEEZE:Squeeze EXPAND_DIMS:ExpandDims TRANSPOSE:Transpose " +
      "SLICE:Slice STRIDED_SLICE:StridedSlice SPLIT:Split SPLIT_V:SplitV PACK:Pack UNPACK:Unpack TILE:Tile " +
      "GATHER:Gather GATHER_ND:GatherNd DEPTH_TO_SPACE:DepthToSpace SPACE_TO_DEPTH:SpaceToDepth " +
      "BATCH_TO_SPACE_ND:BatchToSpaceND SPACE_TO_BATCH_ND:SpaceToBatchND RESIZE_BILINEAR:ResizeBilinear " +
      "RESIZE_NEAREST_NEIGHBOR:ResizeNearestNeighbor LEAKY_RELU:LeakyRelu HARD_SWISH:HardSwish " +
      "L2_NORMALIZATION:L2Norm ARG_MAX:ArgMax ARG_MIN:ArgMin DEQUANTIZE:Dequantize QUANTIZE:Quantize " +
      "CAST:Cast BATCH_MATMUL:BatchMatMul EXP:Exp COS:Cos ABS:Abs NEG:Neg SQUARE:Square SELECT:Select " +
      "SELECT_V2:SelectV2 LESS:Less LESS_EQUAL:LessEqual GREATER:Greater GREATER_EQUAL:GreaterEqual " +
      "EQUAL:Equal NOT_EQUAL:NotEqual LOGICAL_OR:LogicalOr LOGICAL_AND:LogicalAnd LOGICAL_NOT:LogicalNot " +
      "SHAPE:Shape RANK:Rank FILL:Fill ZEROS_LIKE:ZerosLike FLOOR_DIV:FloorDiv FLOOR_MOD:FloorMod " +
      "RANGE:Range WHILE:While IF:If CALL:Call CALL_ONCE:CallOnce BROADCAST_TO:BroadcastTo GELU:Gelu " +
      "CUMSUM:Cumsum ONE_HOT:OneHot TOPK_V2:TopKV2 LOCAL_RESPONSE_NORMALIZATION:LocalResponseNormalization " +
      "LSTM:LSTM UNIDIRECTIONAL_SEQUENCE_LSTM:UnidirectionalSequenceLSTM " +
      "BIDIRECTIONAL_SEQUENCE_LSTM:BidirectionalSequenceLSTM UNIDIRECTIONAL_SEQUENCE_RNN:SequenceRNN " +
      "BIDIRECTIONAL_SEQUENCE_RNN:BidirectionalSequenceRNN RNN:RNN SVDF:SVDF DENSIFY:Densify " +
      "SCATTER_ND:ScatterNd WHERE:Where REVERSE_V2:ReverseV2 REVERSE_SEQUENCE:ReverseSequence ADD_N:AddN " +
      "UNIQUE:Unique SIGN:Sign ATAN2:ATan2 FAKE_QUANT:FakeQuant SPARSE_TO_DENSE:SparseToDense " +
      "MATRIX_DIAG:MatrixDiag MATRIX_SET_DIAG:MatrixSetDiag NON_MAX_SUPPRESSION_V4:NonMaxSuppressionV4 " +
      "NON_MAX_SUPPRESSION_V5:NonMaxSuppressionV5 SEGMENT_SUM:SegmentSum RFFT2D:Rfft2d " +
      "VAR_HANDLE:VarHandle READ_VARIABLE:ReadVariable ASSIGN_VARIABLE:AssignVariable " +
      "RANDOM_STANDARD_NORMAL:Random RANDOM_UNIFORM:Random MULTINOMIAL:Random BUCKETIZE:Bucketize " +
      "DYNAMIC_UPDATE_SLICE:DynamicUpdateSlice UNSORTED_SEGMENT_PROD:UnsortedSegmentProd " +
      "UNSORTED_SEGMENT_MAX:UnsortedSegmentMax UNSORTED_SEGMENT_MIN:UnsortedSegmentMin " +
      "UNSORTED_SEGMENT_SUM:UnsortedSegmentSum BITCAST:Bitcast BITWISE_XOR:BitwiseXor " +
      "RIGHT_SHIFT:RightShift HASHTABLE:Hashtable HASHTABLE_FIND:HashtableFind " +
      "HASHTABLE_IMPORT:HashtableImport HASHTABLE_SIZE:HashtableSize EMBEDDING_LOOKUP_SPARSE:EmbeddingLookupSparse " +
      "LSH_PROJECTION:LSHProjection SKIP_GRAM:SkipGram CONCAT_EMBEDDINGS:ConcatEmbeddings " +
      "STABLEHLO_COMPOSITE:StableHLOComposite STABLEHLO_CONCATENATE:StablehloConcatenate " +
      "STABLEHLO_BROADCAST_IN_DIM:StablehloBroadcastInDim STABLEHLO_SLICE:StablehloSlice " +
      "STABLEHLO_CONVOLUTION:StablehloConvolution STABLEHLO_CUSTOM_CALL:StablehloCustomCall " +
      "STABLEHLO_REDUCE:StablehloReduce STABLEHLO_SCATTER:StablehloScatter STABLEHLO_COMPARE:StablehloCompare " +
      "STABLEHLO_DYNAMIC_SLICE:StablehloDynamicSlice STABLEHLO_PAD:StablehloPad STABLEHLO_IOTA:StablehloIota " +
      "STABLEHLO_DOT_GENERAL:StablehloDotGeneral STABLEHLO_REDUCE_WINDOW:StablehloReduceWindow " +
      "STABLEHLO_SORT:StablehloSort STABLEHLO_WHILE:StablehloWhile STABLEHLO_GATHER:StablehloGather " +
      "STABLEHLO_TRANSPOSE:StablehloTranspose DILATE:Dilate STABLEHLO_RNG_BIT_GENERATOR:StablehloRngBitGenerator " +
      "REDUCE_WINDOW:ReduceWindow"
    ).split(" ").map((pair) => {
      const [op, table] = pair.split(":");
      return [op, `${table}Options`];
    }),
  );
