// Stage: drop-in tier, workload for meshoptimizer (mesh compression and simplification, C++
// built with clang/wasi-sdk, modules embedded in the JS in a packed text). Its decoder ships
// a scalar and a SIMD build and picks the SIMD one when `WebAssembly.validate` accepts a
// probe that uses v128; the digest names the build that was compiled (and fails the run on
// a scalar fallback). Generates a terrain mesh of ~176k vertices and ~350k triangles,
// optimises and simplifies it, encodes vertex and index buffers (several levels, both vertex
// codec versions, 16- and 32-bit indices) with the encoder module and decodes them with the
// decoder's SIMD build, with and without its octahedral, quaternion, exponential and colour
// filters. Every lossless stream must decode to its input; the filtered (lossy) results are
// digested. The encoder, decoder and simplifier grow their memories inside calls (sbrk).

import { Digest, SeededRandom, compiledModules, inputScale, runWorkload, sha256 } from './support.js';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MeshoptDecoder } from 'meshoptimizer/decoder';
import { MeshoptEncoder } from 'meshoptimizer/encoder';
import { MeshoptSimplifier } from 'meshoptimizer/simplifier';
import { packedModules, scanModule } from '../wasm-features.js';

interface Terrain {
  readonly side: number;
  readonly vertices: number;
  /** x, y, z per vertex. */
  readonly positions: Float32Array;
  /** x, y, z, 0 per vertex (unit length). */
  readonly normals: Float32Array;
  readonly indices: Uint32Array;
}

/** A height field of a few seeded waves plus noise, on a side × side grid, as triangles. */
function terrain(random: SeededRandom, side: number): Terrain {
  const waves = Array.from({ length: 6 }, () => ({ fx: random.unit() * 0.05, fz: random.unit() * 0.05, phase: random.unit() * 6.28, amplitude: 1 + random.unit() * 8 }));
  const height = (x: number, z: number): number => waves.reduce((sum, w) => sum + w.amplitude * Math.sin(w.fx * x + w.fz * z + w.phase), 0);
  const vertices = side * side;
  const positions = new Float32Array(vertices * 3);
  const normals = new Float32Array(vertices * 4);
  for (let z = 0; z < side; z++) {
    for (let x = 0; x < side; x++) {
      const v = z * side + x;
      positions[v * 3] = x;
      positions[v * 3 + 1] = height(x, z) + (random.unit() - 0.5) * 0.2;
      positions[v * 3 + 2] = z;
      const dx = height(x + 1, z) - height(x - 1, z);
      const dz = height(x, z + 1) - height(x, z - 1);
      const length = Math.hypot(dx, 2, dz);
      normals[v * 4] = -dx / length;
      normals[v * 4 + 1] = 2 / length;
      normals[v * 4 + 2] = -dz / length;
    }
  }
  const indices = new Uint32Array((side - 1) * (side - 1) * 6);
  let i = 0;
  for (let z = 0; z + 1 < side; z++) {
    for (let x = 0; x + 1 < side; x++) {
      const a = z * side + x;
      const flip = random.below(2) === 0;
      indices.set(flip ? [a, a + side, a + 1, a + 1, a + side, a + side + 1] : [a, a + side, a + side + 1, a, a + side + 1, a + 1], i);
      i += 6;
    }
  }
  return { side, vertices, positions, normals, indices };
}

/** 16 bytes a vertex: position as 3 × u16 (+ pad), normal as 4 × snorm8, uv as 2 × u16. */
function quantise(mesh: Terrain, order: Uint32Array | undefined): Uint8Array {
  const out = new Uint8Array(mesh.vertices * 16);
  const view = new DataView(out.buffer);
  let minY = Infinity;
  let maxY = -Infinity;
  for (let v = 0; v < mesh.vertices; v++) {
    minY = Math.min(minY, mesh.positions[v * 3 + 1]);
    maxY = Math.max(maxY, mesh.positions[v * 3 + 1]);
  }
  for (let v = 0; v < mesh.vertices; v++) {
    const at = (order === undefined ? v : order[v]) * 16;
    const scale = 65535 / (mesh.side - 1);
    view.setUint16(at, Math.round(mesh.positions[v * 3] * scale), true);
    view.setUint16(at + 2, Math.round(((mesh.positions[v * 3 + 1] - minY) / (maxY - minY)) * 65535), true);
    view.setUint16(at + 4, Math.round(mesh.positions[v * 3 + 2] * scale), true);
    for (let c = 0; c < 3; c++) view.setInt8(at + 8 + c, Math.round(mesh.normals[v * 4 + c] * 127));
    view.setUint16(at + 12, Math.round(mesh.positions[v * 3] * 97) & 0xffff, true);
    view.setUint16(at + 14, Math.round(mesh.positions[v * 3 + 2] * 97) & 0xffff, true);
  }
  return out;
}

function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

/** A copy of a triangle list with each triangle rotated to start at its lowest index. */
function rotateLowestFirst<T extends Uint32Array | Uint16Array>(indices: T): T {
  const out = indices.slice() as T;
  for (let i = 0; i + 2 < out.length; i += 3) {
    const [a, b, c] = [out[i], out[i + 1], out[i + 2]];
    if (b < a && b < c) out.set([b, c, a], i);
    else if (c < a && c < b) out.set([c, a, b], i);
  }
  return out;
}

/** Which of the decoder's builds (scalar or SIMD) the process compiled. */
function decoderBuild(): string {
  const source = readFileSync(fileURLToPath(import.meta.resolve('meshoptimizer/decoder')), 'utf8');
  const builds = new Map<string, string>();
  for (const module of packedModules(source)) builds.set(sha256(module), scanModule(module).features.includes('simd') ? 'simd' : 'scalar');
  const used = compiledModules().flatMap((record) => builds.get(record.sha256) ?? []);
  return used.length === 0 ? 'none' : used.join(',');
}

await runWorkload(async () => {
  await Promise.all([MeshoptEncoder.ready, MeshoptDecoder.ready, MeshoptSimplifier.ready]);
  const build = decoderBuild();
  if (build !== 'simd') throw new Error(`the decoder compiled its ${build} build, not its SIMD one`);
  const random = new SeededRandom(0x5eed_0010);
  const side = Math.round(420 * Math.sqrt(inputScale()));
  const mesh = terrain(random, side);

  // Simplify (positions only, then with border locked), before any reordering.
  const simplified = new Digest();
  for (const [ratio, error, flags] of [[0.1, 0.01, []], [0.02, 0.05, ['LockBorder']], [0.25, 0.001, ['Prune']]] as const) {
    const target = Math.floor((mesh.indices.length * ratio) / 3) * 3;
    const [indices, resultError] = MeshoptSimplifier.simplify(mesh.indices, mesh.positions, 3, target, error, [...flags]);
    simplified.add(indices.length).add(sha256(bytesOf(indices))).add(resultError.toFixed(6));
  }
  const [sloppy] = MeshoptSimplifier.simplifySloppy(mesh.indices, mesh.positions, 3, null, Math.floor(mesh.indices.length / 60) * 3, 0.05);
  simplified.add(sloppy.length).add(sha256(bytesOf(sloppy)));

  // Vertex cache (strip) and fetch order: indices are rewritten in place, vertices follow the remap.
  const indices = mesh.indices.slice();
  const [remap, unique] = MeshoptEncoder.reorderMesh(indices, true, true);
  const vertices = quantise(mesh, remap);

  const lossless = new Digest();
  let roundTrips = 0;
  let streams = 0;
  const check = (decoded: Uint8Array, original: Uint8Array): void => {
    streams++;
    if (Buffer.compare(decoded, original) === 0) roundTrips++;
  };
  // The index codec keeps each triangle and its winding but may rotate its corners.
  const checkTriangles = (decoded: Uint32Array | Uint16Array, original: Uint32Array | Uint16Array): void => {
    check(bytesOf(rotateLowestFirst(decoded)), bytesOf(rotateLowestFirst(original)));
  };
  for (const [level, version] of [[0, 0], [2, 0], [1, 1], [3, 1]] as const) {
    const encoded = MeshoptEncoder.encodeVertexBufferLevel(vertices, unique, 16, level, version);
    lossless.add(encoded.byteLength).add(sha256(encoded));
    const decoded = new Uint8Array(unique * 16);
    MeshoptDecoder.decodeVertexBuffer(decoded, unique, 16, encoded);
    check(decoded, vertices);
  }
  const rawPositions = bytesOf(mesh.positions);
  const encodedPositions = MeshoptEncoder.encodeVertexBuffer(rawPositions, mesh.vertices, 12);
  const decodedPositions = new Uint8Array(rawPositions.byteLength);
  MeshoptDecoder.decodeVertexBuffer(decodedPositions, mesh.vertices, 12, encodedPositions);
  check(decodedPositions, rawPositions);
  lossless.add(encodedPositions.byteLength).add(sha256(encodedPositions));
  // Noise with some structure: 40k vertices of 24 bytes, half the bytes constant per column.
  const noise = random.bytes(40_000 * 24 * inputScale());
  for (let i = 0; i < noise.length; i += 2) noise[i] = (i % 24) * 9;
  const encodedNoise = MeshoptEncoder.encodeGltfBuffer(noise, noise.length / 24, 24, 'ATTRIBUTES', 1);
  const decodedNoise = new Uint8Array(noise.length);
  MeshoptDecoder.decodeGltfBuffer(decodedNoise, noise.length / 24, 24, encodedNoise, 'ATTRIBUTES');
  check(decodedNoise, noise);
  lossless.add(encodedNoise.byteLength).add(sha256(encodedNoise));

  const triangles = MeshoptEncoder.encodeIndexBuffer(bytesOf(indices), indices.length, 4);
  const decodedTriangles = new Uint8Array(indices.byteLength);
  MeshoptDecoder.decodeIndexBuffer(decodedTriangles, indices.length, 4, triangles);
  checkTriangles(new Uint32Array(decodedTriangles.buffer), indices);
  lossless.add(triangles.byteLength).add(sha256(triangles));
  // 16-bit indices: the first 60k vertices' triangles.
  const small = Uint16Array.from(indices.filter((_, i) => {
    const base = i - (i % 3);
    return indices[base] < 60_000 && indices[base + 1] < 60_000 && indices[base + 2] < 60_000;
  }));
  const triangles16 = MeshoptEncoder.encodeGltfBuffer(bytesOf(small), small.length, 2, 'TRIANGLES');
  const decoded16 = new Uint8Array(small.byteLength);
  MeshoptDecoder.decodeGltfBuffer(decoded16, small.length, 2, triangles16, 'TRIANGLES');
  checkTriangles(new Uint16Array(decoded16.buffer), small);
  lossless.add(triangles16.byteLength).add(sha256(triangles16));
  // An index sequence (a random walk over the vertices, as a point or line list would be).
  const sequence = new Uint32Array(300_000 * inputScale());
  for (let i = 0, at = 0; i < sequence.length; i++) {
    at = (at + random.below(64) - 24 + unique) % unique;
    sequence[i] = at;
  }
  const encodedSequence = MeshoptEncoder.encodeIndexSequence(bytesOf(sequence), sequence.length, 4);
  const decodedSequence = new Uint8Array(sequence.byteLength);
  MeshoptDecoder.decodeIndexSequence(decodedSequence, sequence.length, 4, encodedSequence);
  check(decodedSequence, bytesOf(sequence));
  lossless.add(encodedSequence.byteLength).add(sha256(encodedSequence));

  // Filters (lossy): encoded with the encoder's filter, then as glTF attributes; the decoder
  // undoes both in one call (the SIMD build's filter kernels).
  const filtered = new Digest();
  const count = mesh.vertices;
  const roundTrip = (data: Uint8Array, stride: number, filter: 'OCTAHEDRAL' | 'QUATERNION' | 'EXPONENTIAL' | 'COLOR'): Uint8Array => {
    const encoded = MeshoptEncoder.encodeGltfBuffer(data, count, stride, 'ATTRIBUTES');
    const decoded = new Uint8Array(count * stride);
    MeshoptDecoder.decodeGltfBuffer(decoded, count, stride, encoded, 'ATTRIBUTES', filter);
    filtered.add(filter).add(stride).add(sha256(data)).add(encoded.byteLength).add(sha256(decoded));
    return decoded;
  };
  roundTrip(MeshoptEncoder.encodeFilterOct(mesh.normals, count, 4, 8), 4, 'OCTAHEDRAL');
  const normals16 = new Int16Array(roundTrip(MeshoptEncoder.encodeFilterOct(mesh.normals, count, 8, 12), 8, 'OCTAHEDRAL').buffer);
  let normalError = 0;
  for (let v = 0; v < count; v += 97) {
    for (let c = 0; c < 3; c++) normalError = Math.max(normalError, Math.abs(normals16[v * 4 + c] / 32767 - mesh.normals[v * 4 + c]));
  }
  const rotations = new Float32Array(count * 4);
  for (let v = 0; v < count; v++) {
    const q = [random.unit() - 0.5, random.unit() - 0.5, random.unit() - 0.5, random.unit() - 0.5];
    const length = Math.hypot(...q);
    for (let c = 0; c < 4; c++) rotations[v * 4 + c] = q[c] / length;
  }
  roundTrip(MeshoptEncoder.encodeFilterQuat(rotations, count, 8, 12), 8, 'QUATERNION');
  for (const mode of ['Separate', 'SharedVector', 'SharedComponent', 'Clamped'] as const) {
    const decoded = new Float32Array(roundTrip(MeshoptEncoder.encodeFilterExp(mesh.positions, count, 12, 15, mode), 12, 'EXPONENTIAL').buffer);
    filtered.add(decoded[count * 3 - 2].toFixed(4));
  }
  const colours = new Float32Array(count * 4);
  for (let v = 0; v < count; v++) {
    colours.set([mesh.normals[v * 4] * 0.5 + 0.5, mesh.normals[v * 4 + 1], random.unit(), v % 7 === 0 ? 0.5 : 1], v * 4);
  }
  roundTrip(MeshoptEncoder.encodeFilterColor(colours, count, 4, 8), 4, 'COLOR');
  roundTrip(MeshoptEncoder.encodeFilterColor(colours, count, 8, 12), 8, 'COLOR');

  return {
    decoderBuild: build,
    vertices: mesh.vertices,
    triangles: mesh.indices.length / 3,
    inputBytes: vertices.byteLength + indices.byteLength + rawPositions.byteLength + mesh.normals.byteLength + noise.byteLength + sequence.byteLength,
    simplified: simplified.hex(),
    remap: sha256(bytesOf(remap)),
    unique,
    lossless: lossless.hex(),
    streams,
    roundTrips,
    filtered: filtered.hex(),
    octNormalError: normalError.toFixed(4),
  };
});
