/**
 * Error classes shared by every layer of gpulite. Each error names what failed and where, so a user can
 * act on the message alone.
 *
 * @module
 */

/** Base class of every error gpulite throws on purpose. */
export class GpuliteError extends Error {
  /**
   * Creates an error.
   *
   * @param message What went wrong, in sentence case without a final period.
   * @param options Standard error options (`cause`).
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A model file is malformed, truncated, hostile or too large; the message names the tensor, op or offset. */
export class ModelFormatError extends GpuliteError {}

/** A node's options, inputs or shapes do not satisfy its op's rules. */
export class OpError extends GpuliteError {}

/** An op (or an op/precision/dtype combination) the chosen backend does not implement. */
export class UnsupportedError extends GpuliteError {}

/** WebGPU is missing, the adapter lacks a feature, the device was lost or ran out of memory. */
export class GpuError extends GpuliteError {}

/** The caller passed wrong inputs (count, dtype, shape) or used a disposed session. */
export class UsageError extends GpuliteError {}

/**
 * An op reads one of its inputs as a constant (TOPK_V2's `k`, TILE's multiples, a STRIDED_SLICE's
 * bounds) because its value decides output shapes, and that input is only known at run time. Raised
 * by the op with `operand` (the node input's position); re-raised by graph binding with `inputs`,
 * the positions of the graph inputs the value derives from, which a session can take as
 * `inputValues`.
 *
 * @example
 * ```ts
 * import { OpError, ValueNeededError } from "./errors.ts";
 * const e = new ValueNeededError("TILE: input 1 must be a constant tensor", { operand: 1 });
 * if (!(e instanceof OpError) || e.operand !== 1 || e.inputs.length !== 0) throw new Error("wrong");
 * ```
 */
export class ValueNeededError extends OpError {
  /** Position of the node input whose value is needed (`undefined` once re-raised by binding). */
  readonly operand: number | undefined;
  /** Positions of the graph inputs the needed value derives from (empty when raised by an op). */
  readonly inputs: readonly number[];
  /**
   * Creates the error.
   *
   * @param message What value is needed, in sentence case without a final period.
   * @param options `cause`, and the node input (`operand`) or graph inputs (`inputs`) concerned.
   */
  constructor(
    message: string,
    options: ErrorOptions & { operand?: number; inputs?: readonly number[] } = {},
  ) {
    super(message, { cause: options.cause });
    this.operand = options.operand;
    this.inputs = [...(options.inputs ?? [])];
  }
}
