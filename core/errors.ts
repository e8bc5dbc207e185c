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
