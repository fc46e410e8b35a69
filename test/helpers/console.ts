// What the code under test told the developer console, for element and core tests alike (no Lit).

/** Captures `console.warn` and `console.debug` until `restore()` (nothing reaches the real console). */
export function captureConsole() {
  const real = { warn: console.warn, debug: console.debug };
  const warns: string[] = [];
  const debugs: string[] = [];
  console.warn = (...args: unknown[]) => void warns.push(args.map(String).join(' '));
  console.debug = (...args: unknown[]) => void debugs.push(args.map(String).join(' '));
  return {
    warns,
    debugs,
    restore() {
      console.warn = real.warn;
      console.debug = real.debug;
    },
  };
}
