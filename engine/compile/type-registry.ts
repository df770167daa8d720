// Stage: compile. Function-type identity for call_indirect (Core spec §4.4.8: the callee's type
// must equal the expected type) and for funcrefs that cross modules. Types are interned in
// the native addon's process-wide registry (engine/native/src/type_registry.cc), which
// hands out ids: two types get the same id exactly when their keys below are equal, so
// the check in generated code — one 64-bit compare — is exact structural equality, never
// a hash comparison (docs/RATIONALE.md, "Why function-type ids from a registry, and not a hash of the signature?").

import { internSignatures } from '../native/addon.js';
import type { FuncType } from '../wasm/value-types.js';

/** A module's ids, one per type index, valid while `registration` is reachable. */
export interface TypeRegistration {
  readonly ids: readonly bigint[];
  /** Holds the registry references; keep it alive as long as code or funcrefs may use the ids. */
  readonly registration: object;
}

/** The registry key of a function type: its value-type codes, params then results (injective). */
export function signatureKey(type: FuncType): string {
  return `${type.params.join(',')}:${type.results.join(',')}`;
}

/** Interns every type of a module (type index order). */
export function registerTypes(types: readonly FuncType[]): TypeRegistration {
  const { ids, registration } = internSignatures(types.map(signatureKey));
  return { ids: Array.from(ids, (id) => BigInt.asUintN(64, id)), registration };
}
