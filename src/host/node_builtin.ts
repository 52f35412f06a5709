// Node built-in modules loaded when first used rather than at start-up: node:net (with node:stream,
// which node:tty also pulls in), node:dgram, node:child_process, node:crypto and node:worker_threads
// cost milliseconds each to load, and a plain `ecall run` needs none of them.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Returns a function that loads the built-in module `name` on its first call and returns it after. */
export function lazyBuiltin<T>(name: `node:${string}`): () => T {
  let mod: T | undefined;
  return () => (mod ??= require(name) as T);
}
