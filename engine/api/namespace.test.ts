// Unit tests: the shape of the `WebAssembly` namespace (api/namespace.ts) and of its
// interfaces and error classes, by one script run on Node's namespace and on ours with the
// results compared: property descriptors, function names and lengths, @@toStringTag,
// receiver checks, the order in which descriptor members are read, and the NativeError
// shape of CompileError/LinkError/RuntimeError. The only differences allowed are the ones
// listed, each for a reason (this engine's documented extensions and limits).
import { describe, expect, test } from 'vitest';
import * as ours from '../index.js';

type Namespace = Record<string, unknown>;
const engines: Array<[string, Namespace]> = [
  ['node', globalThis.WebAssembly as unknown as Namespace],
  ['ours', ours.WebAssembly as unknown as Namespace],
];

const OPERATIONS = ['validate', 'compile', 'instantiate', 'compileStreaming', 'instantiateStreaming'];
const INTERFACES = ['Module', 'Instance', 'Memory', 'Table', 'Global'];
const ERRORS = ['CompileError', 'LinkError', 'RuntimeError'];

/** Our extensions, left out of the comparison: Module.timings, CompileError's offset and problem accessors. */
const EXTENSIONS: Record<string, string[]> = {
  'Module static': ['timings', 'waitForTiering'],
  'CompileError.prototype': ['offset', 'problem'],
};

function keyName(key: string | symbol): string {
  return typeof key === 'symbol' ? key.toString() : key;
}

function describeFunction(fn: unknown): unknown {
  if (typeof fn !== 'function') return typeof fn;
  const name = Object.getOwnPropertyDescriptor(fn, 'name');
  const length = Object.getOwnPropertyDescriptor(fn, 'length');
  return { name: name && { ...name }, length: length && { ...length } };
}

function describeProperty(target: object, key: string | symbol): unknown {
  const descriptor = Object.getOwnPropertyDescriptor(target, key);
  if (descriptor === undefined) return undefined;
  if ('value' in descriptor) {
    const { value, writable, enumerable, configurable } = descriptor;
    return { writable, enumerable, configurable, value: typeof value === 'function' ? describeFunction(value) : typeof value === 'object' ? typeof value : value };
  }
  const { get, set, enumerable, configurable } = descriptor;
  return { enumerable, configurable, get: describeFunction(get), set: describeFunction(set) };
}

/**
 * V8 makes its interface objects from API function templates, which carry the legacy own
 * `arguments` and `caller` properties (null) of sloppy functions; neither WebIDL nor
 * ECMAScript has them on built-in functions, so they are left out of the comparison.
 */
const V8_FUNCTION_TEMPLATE_LEGACY = ['arguments', 'caller'];

/** Every own property of `target`, sorted by name, but the extensions listed under `label`. */
function describeOwn(target: object, label: string): Record<string, unknown> {
  const skip = [...(EXTENSIONS[label] ?? []), ...(label.endsWith(' static') ? V8_FUNCTION_TEMPLATE_LEGACY : [])];
  const keys = Reflect.ownKeys(target).filter((key) => !skip.includes(keyName(key)));
  return Object.fromEntries(keys.map(keyName).sort().map((name, i, names) => {
    const key = keys.find((k) => keyName(k) === names[i])!;
    return [name, describeProperty(target, key)];
  }));
}

function outcome(run: () => unknown): string {
  try {
    const value = run();
    return `returned ${typeof value}`;
  } catch (error) {
    return `threw ${(error as Error).name}`;
  }
}

describe('the WebAssembly namespace, described by the same script on Node and on ours', () => {
  test('namespace properties: operations enumerable, interfaces not, @@toStringTag a data property', () => {
    const shapes = engines.map(([, namespace]) => {
      const standard = [...OPERATIONS, ...INTERFACES, ...ERRORS];
      return {
        members: Object.fromEntries(standard.map((name) => [name, describeProperty(namespace, name)])),
        toStringTag: describeProperty(namespace, Symbol.toStringTag),
        toString: Object.prototype.toString.call(namespace),
        prototype: Object.getPrototypeOf(namespace) === Object.prototype,
        callable: typeof namespace,
      };
    });
    expect(shapes[1]).toEqual(shapes[0]);
    expect(shapes[1].members.compile).toMatchObject({ enumerable: true, value: { length: { value: 1 } } });
  });

  test.each(INTERFACES)('interface %s: constructor, statics, prototype members, toStringTag', (name) => {
    const shapes = engines.map(([, namespace]) => {
      const constructor = namespace[name] as { prototype: object } & ((...args: unknown[]) => unknown);
      return {
        constructor: describeFunction(constructor),
        statics: describeOwn(constructor, `${name} static`),
        prototype: describeOwn(constructor.prototype, `${name}.prototype`),
        callWithoutNew: outcome(() => constructor({ initial: 0, element: 'anyfunc', value: 'i32' })),
      };
    });
    expect(shapes[1]).toEqual(shapes[0]);
  });

  test.each(INTERFACES)('interface %s: every operation and accessor checks its receiver', (name) => {
    const receivers: unknown[] = [undefined, null, 1, 'x', {}, Object.create(null)];
    const shapes = engines.map(([, namespace]) => {
      const constructor = namespace[name] as { prototype: object };
      receivers.push(constructor.prototype);
      const report: Record<string, string[]> = {};
      for (const key of Reflect.ownKeys(constructor.prototype)) {
        if (key === 'constructor' || key === Symbol.toStringTag) continue;
        const descriptor = Object.getOwnPropertyDescriptor(constructor.prototype, key)!;
        const calls = [descriptor.value, descriptor.get, descriptor.set].filter((fn): fn is (...args: unknown[]) => unknown => typeof fn === 'function');
        report[keyName(key)] = calls.flatMap((fn) => receivers.map((receiver) => outcome(() => fn.call(receiver, 0))));
      }
      receivers.pop();
      return report;
    });
    expect(shapes[1]).toEqual(shapes[0]);
    for (const results of Object.values(shapes[1])) expect(new Set(results)).toEqual(new Set(['threw TypeError']));
  });

  test.each(ERRORS)('%s has the NativeError shape', (name) => {
    const shapes = engines.map(([, namespace]) => {
      const E = namespace[name] as ErrorConstructor;
      const withMessage = new E('m');
      const without = new E();
      const withCause = new (E as new (message: string, options: object) => Error)('m', { cause: 'c' });
      class Sub extends E {}
      const sub = new Sub('s');
      return {
        constructor: describeFunction(E),
        own: describeOwn(E, `${name} static`),
        prototype: describeOwn(E.prototype, `${name}.prototype`),
        protoChain: [Object.getPrototypeOf(E) === Error, Object.getPrototypeOf(E.prototype) === Error.prototype],
        ownKeys: Reflect.ownKeys(withMessage).map(keyName).sort(),
        ownKeysWithout: Reflect.ownKeys(without).map(keyName).sort(),
        message: describeProperty(withMessage, 'message'),
        text: [String(withMessage), String(without), withMessage.name, without.message],
        cause: describeProperty(withCause, 'cause'),
        called: (() => {
          try {
            const called = (E as unknown as (message: string) => Error)('c');
            return [called instanceof E, called.message, Object.getPrototypeOf(called) === E.prototype];
          } catch (error) {
            return `threw ${(error as Error).name}`;
          }
        })(),
        subclass: [sub instanceof Sub, sub instanceof E, sub.name, sub.message, Object.prototype.toString.call(sub)],
        stackHeader: withMessage.stack?.split('\n')[0],
        toStringTag: Object.prototype.toString.call(withMessage),
      };
    });
    expect(shapes[1]).toEqual(shapes[0]);
  });

  test('CompileError keeps the engine form: a byte offset as second argument, offset and problem accessors', () => {
    const error = new ours.CompileError('bad thing', 0x1f);
    expect(error.message).toBe('bad thing (at offset 0x1f)');
    expect(error.offset).toBe(0x1f);
    expect(error.problem).toBe('bad thing');
    expect(Object.keys(error)).toEqual([]);
    const plain = new ours.CompileError('m', { cause: 1 });
    expect([plain.message, plain.offset, plain.problem, plain.cause]).toEqual(['m', -1, 'm', 1]);
    expect(ours.CompileError.prototype.offset).toBe(-1);
  });

  test('descriptor members are read once each, in the same order on both (ours also reads `address`)', () => {
    const logs = engines.map(([, namespace]) => {
      const log: string[] = [];
      const logged = (values: Record<string, unknown>): object =>
        new Proxy(values, {
          get(target, key) {
            log.push(`get ${keyName(key)}`);
            const value = target[key as string];
            if (typeof value === 'number') return { valueOf: () => (log.push(`${keyName(key)} valueOf`), value) };
            if (typeof value === 'string') return { toString: () => (log.push(`${keyName(key)} toString`), value) };
            return value;
          },
          has(_target, key) {
            log.push(`has ${keyName(key)}`);
            return false;
          },
        });
      const { Memory, Table, Global } = namespace as unknown as typeof ours.WebAssembly;
      new Memory(logged({ initial: 1, maximum: 2, shared: false }) as ours.MemoryDescriptor);
      new Table(logged({ element: 'anyfunc', initial: 1, maximum: 20_000_000 }) as ours.TableDescriptor);
      new Global(logged({ value: 'i32', mutable: true }) as ours.GlobalDescriptor, 1);
      // Ours reads memory64's `address` member (the JS API tests fix its place); Node 20 does not know it.
      return log.filter((entry) => entry !== 'get address');
    });
    expect(logs[1]).toEqual(logs[0]);
  });

  test('Object.prototype.toString of each kind of object', () => {
    const shapes = engines.map(([, namespace]) => {
      const api = namespace as unknown as typeof ours.WebAssembly;
      const module = new api.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
      return [
        module,
        new api.Instance(module),
        new api.Memory({ initial: 0 }),
        new api.Table({ element: 'anyfunc', initial: 0 }),
        new api.Global({ value: 'i32' }),
      ].map((object) => Object.prototype.toString.call(object));
    });
    expect(shapes[1]).toEqual(shapes[0]);
  });
});
