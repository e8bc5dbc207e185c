/**
 * What gpulite knows and refuses to run, each with the reason: ops outside the registry that real
 * files carry, and tensor types. The README's support table lists them (generated, like the rest of
 * the table); an op that gains a kernel drops out of the list by itself.
 *
 * @module
 */

/** Ops gpulite does not run, by builtin name or custom code, with the reason. */
export const REFUSED_OPS: Readonly<Record<string, string>> = {
  HASHTABLE_LOOKUP: "string tensors are not supported",
  "Flex*":
    "TensorFlow ops carried for the Flex delegate outside the Flex table above (FlexStringToHashBucketFast: strings); the session names the op",
  Normalize: "a string custom op",
  CustomTestOp: "a custom op of LiteRT's tests, without published semantics",
  testing_op: "a custom op of LiteRT's tests, without published semantics",
  the_custom_code: "a custom op of LiteRT's tests, without published semantics",
  FakeOp: "a custom op of LiteRT's tests, without published semantics",
  NPU_OP: "a vendor NPU's custom op, compiled for that NPU only",
};

/** Tensor types gpulite does not run, with the reason. */
export const REFUSED_DTYPES: Readonly<Record<string, string>> = {
  string: "read and described by `cli inspect`, refused when a session is created or run",
  int4: "only blockwise-quantized constants are read (dequantized to float32 at binding)",
  int16:
    "16x8 activations run on the integer reference for ADD, MUL, BATCH_MATMUL, RSQRT, QUANTIZE only",
};
