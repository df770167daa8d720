// Runtime: externref values (Core spec §2.3.3 reference types; JS API ToWebAssemblyValue /
// ToJSValue for externref). Generated code sees an externref as an opaque i64 handle, 0
// for null; this table maps handles to the JavaScript values they stand for. Each Store
// has one (see store.ts), so handles live exactly as long as the instances, tables and
// globals that may still hold them. Handle numbers are unique in the process, so merging
// two stores' tables never renumbers anything.

let nextHandle = 1;

export class ExternrefTable {
  private readonly values = new Map<number, unknown>();
  /** The handle already given to a value, so a value passed again reuses it. */
  private readonly handles = new Map<unknown, number>();

  /** The handle of `value` (JS API: ref.null for null, ref.extern otherwise). */
  toHandle(value: unknown): number {
    if (value === null) return 0;
    // Map keys treat -0 as +0; -0 gets a fresh handle each time so it comes back as -0.
    const reusable = !Object.is(value, -0);
    if (reusable) {
      const known = this.handles.get(value);
      if (known !== undefined) return known;
    }
    const handle = nextHandle++;
    this.values.set(handle, value);
    if (reusable) this.handles.set(value, handle);
    return handle;
  }

  /** The value of `handle` (0 → null). */
  toValue(handle: number): unknown {
    if (handle === 0) return null;
    if (!this.values.has(handle)) throw new Error(`internal error: unknown externref handle ${handle}`);
    return this.values.get(handle);
  }

  /** Moves every handle of `other` into this table (other is not used afterwards). */
  absorb(other: ExternrefTable): void {
    for (const [handle, value] of other.values) this.values.set(handle, value);
    for (const [value, handle] of other.handles) if (!this.handles.has(value)) this.handles.set(value, handle);
    other.values.clear();
    other.handles.clear();
  }

  get size(): number {
    return this.values.size;
  }
}
