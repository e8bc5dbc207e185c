import { deepEqual, equal, ok, throws } from "node:assert/strict";
import { imageToTensor } from "./image.ts";
import { UsageError } from "../core/errors.ts";

function close(actual: ArrayLike<number>, expected: number[], eps = 1e-5): void {
  equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    ok(Math.abs(actual[i] - expected[i]) <= eps, `[${i}] ${actual[i]} != ${expected[i]}`);
  }
}

Deno.test("imageToTensor() drops the alpha of RGBA pixels and keeps raw values by default", () => {
  const t = imageToTensor({
    data: new Uint8ClampedArray([1, 2, 3, 4, 5, 6, 7, 8]),
    width: 2,
    height: 1,
  });
  equal(t.dtype, "float32");
  deepEqual(t.shape, [1, 1, 2, 3]);
  close(t.data as Float32Array, [1, 2, 3, 5, 6, 7]);
});

Deno.test("imageToTensor() maps 0-255 onto a range", () => {
  const t = imageToTensor({ data: [0, 255, 51], width: 3, height: 1, channels: 1 }, {
    range: [-1, 1],
  });
  close(t.data as Float32Array, [-1, 1, -0.6]);
});

Deno.test("imageToTensor() normalises each channel by its mean and std", () => {
  const t = imageToTensor({ data: [10, 20, 30], width: 1, height: 1, channels: 3 }, {
    mean: [10, 10, 10],
    std: [1, 2, 4],
  });
  close(t.data as Float32Array, [0, 5, 5]);
});

Deno.test("imageToTensor() upsamples bilinearly at pixel centres", () => {
  const t = imageToTensor({ data: [0, 100], width: 2, height: 1, channels: 1 }, {
    shape: [1, 1, 4, 1],
  });
  close(t.data as Float32Array, [0, 25, 75, 100]);
});

Deno.test("imageToTensor() downsamples by averaging the two nearest pixels", () => {
  const t = imageToTensor({ data: [0, 10, 20, 30], width: 4, height: 1, channels: 1 }, {
    shape: [1, 1, 2, 1],
  });
  close(t.data as Float32Array, [5, 25]);
});

Deno.test("imageToTensor() resizes both axes to the model's input and keeps -1 dimensions", () => {
  const data = new Uint8Array(6 * 4 * 4).fill(200);
  const t = imageToTensor({ data, width: 6, height: 4 }, { shape: [1, 3, -1, 3], range: [0, 1] });
  deepEqual(t.shape, [1, 3, 6, 3]);
  ok((t.data as Float32Array).every((v) => Math.abs(v - 200 / 255) < 1e-6));
});

Deno.test("imageToTensor() adds and removes channels", () => {
  const grey = { data: [50], width: 1, height: 1, channels: 1 };
  close(imageToTensor(grey, { channels: 3 }).data as Float32Array, [50, 50, 50]);
  close(imageToTensor(grey, { channels: 4 }).data as Float32Array, [50, 50, 50, 255]);
  const rgb = { data: [100, 200, 50], width: 1, height: 1, channels: 3 };
  close(imageToTensor(rgb, { shape: [1, 1, 1, 4] }).data as Float32Array, [100, 200, 50, 255]);
  close(
    imageToTensor(rgb, { channels: 1 }).data as Float32Array,
    [0.299 * 100 + 0.587 * 200 + 0.114 * 50],
    1e-3,
  );
});

Deno.test("imageToTensor() refuses pixels that do not match the size and contradictory options", () => {
  throws(() => imageToTensor({ data: new Uint8Array(7), width: 2, height: 1 }), UsageError);
  throws(() => imageToTensor({ data: [1], width: 0, height: 1 }), UsageError);
  const px = { data: [1, 2, 3], width: 1, height: 1 };
  throws(() => imageToTensor(px, { range: [0, 1], mean: 0 }), UsageError);
  throws(() => imageToTensor(px, { std: 0 }), UsageError);
  throws(() => imageToTensor(px, { mean: [1, 2] }), UsageError);
  throws(() => imageToTensor(px, { shape: [1, 1, 1] }), UsageError);
  throws(() => imageToTensor(px, { shape: [1, 1, 1, 2] }), UsageError);
  throws(() => imageToTensor(px, { shape: [1, 1, 1, 3], channels: 1 }), UsageError);
});
