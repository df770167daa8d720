// Stage: drop-in tier, workload for @dimforge/rapier3d-simd-compat (the Rapier 3D physics
// engine, Rust through wasm-bindgen, built with wasm SIMD; the module is embedded in the JS
// as base64). Rapier publishes its SIMD build as separate packages: this one is chosen
// explicitly, not by feature detection, and has no scalar fallback. Simulates a generated
// scene — a heightfield terrain, a trimesh ramp, ~900 bodies of seven shapes (balls,
// boxes, round boxes, capsules, cylinders, cones, convex hulls) with random poses and
// velocities, chains of spherical joints, revolute and prismatic joints, collision events —
// for 180 steps, digesting every body's pose (f32 bits) every 45 steps; then casts rays and
// shapes, projects points, moves a kinematic character controller over the terrain, and
// takes a snapshot of the world (MBs), restores it and checks that the copy steps exactly
// like the original. Creating the bodies and the snapshot grow the module's memory inside
// the calls.

import { Digest, SeededRandom, inputScale, runWorkload, sha256 } from './support.js';
import RAPIER from '@dimforge/rapier3d-simd-compat';

type World = InstanceType<typeof RAPIER.World>;
type RigidBody = ReturnType<World['createRigidBody']>;

function poses(bodies: readonly RigidBody[]): Uint8Array {
  const out = new Float32Array(bodies.length * 7);
  bodies.forEach((body, i) => {
    const t = body.translation();
    const r = body.rotation();
    out.set([t.x, t.y, t.z, r.x, r.y, r.z, r.w], i * 7);
  });
  return new Uint8Array(out.buffer);
}

function terrainHeights(random: SeededRandom, rows: number): Float32Array {
  const heights = new Float32Array((rows + 1) * (rows + 1));
  const waves = Array.from({ length: 4 }, () => [random.unit() * 0.4, random.unit() * 0.4, random.unit() * 6.28, 0.5 + random.unit() * 2]);
  for (let i = 0; i < heights.length; i++) {
    const r = i % (rows + 1);
    const c = Math.floor(i / (rows + 1));
    heights[i] = waves.reduce((sum, [fr, fc, phase, amplitude]) => sum + amplitude * Math.sin(fr * r + fc * c + phase), 0) * 0.3;
  }
  return heights;
}

function build(random: SeededRandom): { world: World; bodies: RigidBody[]; events: number } {
  const world = new RAPIER.World({ x: 0, y: -9.81, z: 0 });
  const rows = 96;
  world.createCollider(RAPIER.ColliderDesc.heightfield(rows, rows, terrainHeights(random, rows), { x: 120, y: 1, z: 120 }).setFriction(0.8));
  // A ramp as a trimesh: a strip of quads rising along z.
  const rampVertices: number[] = [];
  const rampIndices: number[] = [];
  for (let i = 0; i <= 20; i++) rampVertices.push(-8, 2 + i * 0.4, -30 + i * 2, 8, 2 + i * 0.4 + (i % 3) * 0.05, -30 + i * 2);
  for (let i = 0; i < 20; i++) rampIndices.push(2 * i, 2 * i + 2, 2 * i + 1, 2 * i + 1, 2 * i + 2, 2 * i + 3);
  world.createCollider(RAPIER.ColliderDesc.trimesh(new Float32Array(rampVertices), new Uint32Array(rampIndices)));

  const hulls = Array.from({ length: 6 }, () => {
    const points = new Float32Array(3 * 16);
    for (let i = 0; i < points.length; i++) points[i] = (random.unit() - 0.5) * 1.2;
    return points;
  });
  const bodies: RigidBody[] = [];
  const count = 900 * inputScale();
  for (let i = 0; i < count; i++) {
    const column = i % 150;
    const layer = Math.floor(i / 150);
    const desc = RAPIER.RigidBodyDesc.dynamic()
      .setTranslation(-30 + (column % 15) * 4 + random.unit(), 6 + layer * 2.2, -30 + Math.floor(column / 15) * 6 + random.unit())
      .setRotation({ x: random.unit() - 0.5, y: random.unit() - 0.5, z: random.unit() - 0.5, w: 1 })
      .setLinvel(random.unit() * 4 - 2, -random.unit() * 2, random.unit() * 4 - 2)
      .setAngvel({ x: random.unit() - 0.5, y: random.unit() - 0.5, z: random.unit() - 0.5 });
    const body = world.createRigidBody(desc);
    const size = 0.3 + random.unit() * 0.5;
    let collider: ReturnType<typeof RAPIER.ColliderDesc.ball> | null;
    switch (i % 7) {
      case 0: collider = RAPIER.ColliderDesc.ball(size); break;
      case 1: collider = RAPIER.ColliderDesc.cuboid(size, size * 0.6, size * 1.3); break;
      case 2: collider = RAPIER.ColliderDesc.roundCuboid(size * 0.8, size * 0.5, size * 0.8, 0.08); break;
      case 3: collider = RAPIER.ColliderDesc.capsule(size, size * 0.5); break;
      case 4: collider = RAPIER.ColliderDesc.cylinder(size * 0.7, size); break;
      case 5: collider = RAPIER.ColliderDesc.cone(size, size * 0.8); break;
      default: collider = RAPIER.ColliderDesc.convexHull(hulls[i % hulls.length]);
    }
    if (collider === null) throw new Error('convex hull failed');
    collider.setDensity(0.5 + random.unit() * 2).setRestitution(random.unit() * 0.4).setFriction(0.3 + random.unit() * 0.7);
    if (i % 5 === 0) collider.setActiveEvents(RAPIER.ActiveEvents.COLLISION_EVENTS);
    world.createCollider(collider, body);
    bodies.push(body);
  }

  // Chains of spherical joints hanging from fixed anchors, a revolute wheel and a prismatic slider each.
  for (let chain = 0; chain < 12; chain++) {
    const x = -40 + chain * 7;
    let parent = world.createRigidBody(RAPIER.RigidBodyDesc.fixed().setTranslation(x, 25, 40));
    for (let link = 0; link < 12; link++) {
      const child = world.createRigidBody(RAPIER.RigidBodyDesc.dynamic().setTranslation(x + (link + 1) * 0.8, 25, 40));
      world.createCollider(RAPIER.ColliderDesc.capsule(0.3, 0.15), child);
      world.createImpulseJoint(RAPIER.JointData.spherical({ x: link === 0 ? 0 : 0.4, y: 0, z: 0 }, { x: -0.4, y: 0, z: 0 }), parent, child, true);
      bodies.push(child);
      parent = child;
    }
    const axle = world.createRigidBody(RAPIER.RigidBodyDesc.fixed().setTranslation(x, 8, 50));
    const wheel = world.createRigidBody(RAPIER.RigidBodyDesc.dynamic().setTranslation(x, 8, 51).setAngvel({ x: 0, y: 0, z: 5 }));
    world.createCollider(RAPIER.ColliderDesc.cylinder(0.2, 1.5).setRotation({ x: 0.7071068, y: 0, z: 0, w: 0.7071068 }), wheel);
    world.createImpulseJoint(RAPIER.JointData.revolute({ x: 0, y: 0, z: 1 }, { x: 0, y: 0, z: 0 }, { x: 0, y: 0, z: 1 }), axle, wheel, true);
    const slider = world.createRigidBody(RAPIER.RigidBodyDesc.dynamic().setTranslation(x, 12, 55).setLinvel(0, 0, 3));
    world.createCollider(RAPIER.ColliderDesc.cuboid(0.5, 0.5, 0.5), slider);
    const rail = RAPIER.JointData.prismatic({ x: 0, y: 0, z: 0 }, { x: 0, y: 0, z: 0 }, { x: 0, y: 0, z: 1 });
    rail.limitsEnabled = true;
    rail.limits = [-3, 3];
    world.createImpulseJoint(rail, axle, slider, true);
    bodies.push(wheel, slider);
  }
  return { world, bodies, events: 0 };
}

await runWorkload(async () => {
  await RAPIER.init();
  const random = new SeededRandom(0x5eed_0012);
  const { world, bodies } = build(random);
  const queue = new RAPIER.EventQueue(true);
  const trajectory = new Digest();
  let collisionsStarted = 0;
  let collisionsStopped = 0;
  for (let step = 1; step <= 180; step++) {
    world.step(queue);
    queue.drainCollisionEvents((_a, _b, started) => {
      if (started) collisionsStarted++;
      else collisionsStopped++;
    });
    if (step % 45 === 0) trajectory.add(step).add(sha256(poses(bodies)));
  }
  const sleeping = bodies.filter((body) => body.isSleeping()).length;

  // Queries against the settled scene.
  const queries = new Digest();
  let rayHits = 0;
  for (let i = 0; i < 2000; i++) {
    const origin = { x: random.unit() * 100 - 50, y: 30, z: random.unit() * 100 - 50 };
    const ray = new RAPIER.Ray(origin, { x: random.unit() - 0.5, y: -1, z: random.unit() - 0.5 });
    const hit = world.castRayAndGetNormal(ray, 100, true);
    if (hit !== null) {
      rayHits++;
      queries.add(hit.timeOfImpact.toFixed(5)).add(hit.normal.y.toFixed(5)).add(hit.collider.handle);
    }
  }
  const probe = new RAPIER.Ball(0.5);
  for (let i = 0; i < 300; i++) {
    const hit = world.castShape({ x: random.unit() * 80 - 40, y: 20, z: random.unit() * 80 - 40 }, { x: 0, y: 0, z: 0, w: 1 }, { x: 0, y: -1, z: 0 }, probe, 0, 50, true);
    queries.add(hit === null ? -1 : hit.time_of_impact.toFixed(5));
    const projected = world.projectPoint({ x: random.unit() * 100 - 50, y: random.unit() * 10, z: random.unit() * 100 - 50 }, true);
    queries.add(projected === null ? 'none' : `${projected.point.x.toFixed(4)},${projected.point.y.toFixed(4)},${projected.isInside}`);
  }

  // A kinematic character walking a square over the terrain.
  const character = world.createRigidBody(RAPIER.RigidBodyDesc.kinematicPositionBased().setTranslation(50, 10, -50));
  const characterCollider = world.createCollider(RAPIER.ColliderDesc.capsule(0.5, 0.3), character);
  const controller = world.createCharacterController(0.02);
  controller.enableSnapToGround(0.5);
  controller.setMaxSlopeClimbAngle(1.3);
  controller.enableAutostep(0.5, 0.2, true);
  for (let step = 0; step < 60; step++) {
    const side = Math.floor(step / 15);
    const move = [{ x: 0.4, y: -0.3, z: 0 }, { x: 0, y: -0.3, z: 0.4 }, { x: -0.4, y: -0.3, z: 0 }, { x: 0, y: -0.3, z: -0.4 }][side];
    controller.computeColliderMovement(characterCollider, move);
    const moved = controller.computedMovement();
    const at = character.translation();
    character.setNextKinematicTranslation({ x: at.x + moved.x, y: at.y + moved.y, z: at.z + moved.z });
    world.step();
  }
  const end = character.translation();

  // Snapshot, restore, and step both worlds the same way.
  const snapshot = world.takeSnapshot();
  const copy = RAPIER.World.restoreSnapshot(snapshot);
  const copyBodies = bodies.map((body) => copy.getRigidBody(body.handle));
  for (let step = 0; step < 20; step++) {
    world.step();
    copy.step();
  }
  const original = sha256(poses(bodies));
  const restoredAgrees = original === sha256(poses(copyBodies));

  return {
    version: RAPIER.version(),
    bodies: bodies.length,
    colliders: world.colliders.len(),
    joints: world.impulseJoints.len(),
    trajectory: trajectory.hex(),
    collisionsStarted,
    collisionsStopped,
    sleeping,
    rayHits,
    queries: queries.hex(),
    character: [end.x, end.y, end.z].map((v) => v.toFixed(4)),
    characterGrounded: controller.computedGrounded(),
    snapshotBytes: snapshot.byteLength,
    snapshot: sha256(snapshot),
    final: original,
    restoredAgrees,
  };
});
