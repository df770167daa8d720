// Report page: one colour per engine, the same in every chart and from one report to the
// next, so a reader learns them once. Engines not listed get a colour from their name.

const KNOWN_ENGINE_COLOURS: Record<string, string> = {
  native: '#4d4d4d',
  'v8-turbofan': '#1f77b4',
  'v8-liftoff': '#6baed6',
  'v8-default': '#9467bd',
  'wasmtime-cranelift': '#d62728',
  'wasmtime-winch': '#ff9896',
  llvm: '#2ca02c',
};

export function engineColour(engine: string): string {
  const known = KNOWN_ENGINE_COLOURS[engine];
  if (known) return known;
  let hash = 0;
  for (const character of engine) hash = (hash * 31 + character.charCodeAt(0)) >>> 0;
  return `hsl(${hash % 360}, 55%, 45%)`;
}
