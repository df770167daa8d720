// Stage: drop-in tier, workload for @tensorflow/tfjs-backend-wasm (TensorFlow.js's wasm
// backend: XNNPACK and its own kernels in C++, Emscripten). The package ships three builds
// and picks one by feature detection: `WebAssembly.validate` on a probe with a v128
// operator chooses tfjs-backend-wasm-simd.wasm over the scalar tfjs-backend-wasm.wasm (the
// threaded build is never chosen in Node). The digest names the build compiled (and a
// scalar fallback fails the run). Runs a small convolutional network on a generated batch
// of 4 × 128² RGB images (fused convolutions with bias and activation, depthwise and 1×1
// convolutions, batch norm, max and average pools, bilinear resize, a transposed
// convolution, global mean, dense layer, softmax), a 384×512×384 matrix product, and
// elementwise, reduction, top-k, cumulative-sum and gather kernels on 1M-element tensors;
// every output's bytes are digested. Tensors are allocated with the module's malloc, which
// grows its memory inside the call.

import { Digest, SeededRandom, compiledModules, inputScale, runWorkload, sha256 } from './support.js';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';

const require = createRequire(import.meta.url);

/** Which of the package's wasm files the process compiled. */
function compiledBuild(): string {
  const folder = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
  const files = new Map<string, string>();
  for (const name of readdirSync(folder).filter((file) => file.endsWith('.wasm'))) files.set(sha256(readFileSync(join(folder, name))), name);
  const used = compiledModules().flatMap((record) => files.get(record.sha256) ?? []);
  return used.length === 0 ? 'none' : used.join(',');
}

/** A float32 tensor of the given shape, values uniform in [low, high). */
function uniform(random: SeededRandom, shape: number[], low = -1, high = 1): tf.Tensor {
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; i++) values[i] = low + (high - low) * random.unit();
  return tf.tensor(values, shape, 'float32');
}

await runWorkload(async () => {
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not initialise');
  await tf.ready();
  const simdDetected = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const build = compiledBuild();
  if (build !== 'tfjs-backend-wasm-simd.wasm') throw new Error(`compiled ${build}, not tfjs-backend-wasm-simd.wasm`);
  const random = new SeededRandom(0x5eed_0011);
  const outputs = new Digest();
  const summary: Record<string, string> = {};
  const record = (name: string, tensor: tf.Tensor): void => {
    const data = tensor.dataSync();
    outputs.add(name).add(tensor.shape.join('x')).add(tensor.dtype).add(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    summary[name] = `${tensor.shape.join('x')} ${Number(tf.sum(tensor).dataSync()[0]).toPrecision(7)}`;
  };

  // A small convolutional network on a batch of images.
  const batch = 4 * inputScale();
  const images = uniform(random, [batch, 128, 128, 3], 0, 1);
  const network = tf.tidy(() => {
    const c1 = tf.fused.conv2d({ x: images as tf.Tensor4D, filter: uniform(random, [3, 3, 3, 32], -0.5, 0.5) as tf.Tensor4D, strides: 2, pad: 'same', bias: uniform(random, [32], -0.1, 0.1), activation: 'relu6' });
    record('conv1', c1);
    const d1 = tf.fused.depthwiseConv2d({ x: c1, filter: uniform(random, [3, 3, 32, 1], -0.5, 0.5) as tf.Tensor4D, strides: 1, pad: 'same', bias: uniform(random, [32], -0.1, 0.1), activation: 'relu' });
    record('depthwise1', d1);
    const p1 = tf.conv2d(d1, uniform(random, [1, 1, 32, 64], -0.3, 0.3) as tf.Tensor4D, 1, 'valid');
    const n1 = tf.batchNorm(p1, uniform(random, [64], -0.1, 0.1), uniform(random, [64], 0.5, 1.5), uniform(random, [64], -0.2, 0.2), uniform(random, [64], 0.8, 1.2), 1e-3);
    record('pointwise1', n1);
    const m1 = tf.maxPool(tf.relu(n1) as tf.Tensor4D, 2, 2, 'valid');
    record('maxpool', m1);
    const a1 = tf.avgPool(m1, 3, 1, 'same');
    record('avgpool', a1);
    const r1 = tf.image.resizeBilinear(a1, [48, 48]);
    record('resize', r1);
    const c2 = tf.fused.conv2d({ x: r1, filter: uniform(random, [3, 3, 64, 96], -0.1, 0.1) as tf.Tensor4D, strides: 2, pad: 'valid', bias: uniform(random, [96], -0.1, 0.1), activation: 'elu' });
    record('conv2', c2);
    const t1 = tf.conv2dTranspose(c2, uniform(random, [2, 2, 16, 96], -0.2, 0.2) as tf.Tensor4D, [batch, 46, 46, 16], 2, 'valid');
    record('transposed', t1);
    const pooled = tf.mean(c2, [1, 2]);
    const logits = tf.fused.matMul({ a: pooled as tf.Tensor2D, b: uniform(random, [96, 10], -0.5, 0.5) as tf.Tensor2D, bias: uniform(random, [10], -0.1, 0.1) });
    const probabilities = tf.softmax(logits);
    record('softmax', probabilities);
    return tf.argMax(probabilities, 1);
  });
  record('classes', network);

  // A matrix product, then elementwise, reductions, top-k, cumulative sums and gathers.
  const a = uniform(random, [384, 512]);
  const b = uniform(random, [512, 384]);
  record('matmul', tf.matMul(a, b));
  record('matmulTransposed', tf.matMul(a, a, false, true));
  const big = uniform(random, [1024 * inputScale(), 1024], -4, 4);
  const other = uniform(random, [1024 * inputScale(), 1024], 0.5, 2);
  record('elementwise', tf.tidy(() => tf.add(tf.mul(tf.sigmoid(big), other), tf.div(tf.tanh(big), other))));
  record('unary', tf.tidy(() => tf.sqrt(tf.abs(tf.add(tf.exp(tf.neg(tf.abs(big))), tf.log(other))))));
  record('clipLeaky', tf.tidy(() => tf.leakyRelu(tf.clipByValue(big, -2.5, 3), 0.1)));
  record('sumRows', tf.sum(big, 1));
  record('maxColumns', tf.max(big, 0));
  record('argMin', tf.argMin(big, 1));
  const { values, indices } = tf.topk(big, 8);
  record('topkValues', values);
  record('topkIndices', indices);
  record('cumsum', tf.cumsum(tf.slice(big, [0, 0], [64, 1024]), 1));
  record('gather', tf.gather(big, tf.tensor1d(Array.from({ length: 2000 }, () => random.below(1024 * inputScale())), 'int32')));
  record('transpose', tf.transpose(tf.reshape(tf.slice(big, [0, 0], [256, 1024]), [16, 16, 32, 32]), [2, 0, 3, 1]));
  record('pad', tf.mirrorPad(tf.slice(big, [0, 0], [128, 128]) as tf.Tensor2D, [[3, 3], [5, 5]], 'reflect'));

  return { build, simdDetected, batch, outputs: outputs.hex(), summary, tensorsAlive: tf.memory().numTensors };
});
