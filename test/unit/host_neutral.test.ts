// The package's host-neutral entry ("ecall", src/index.ts) reaches no Node API: its compiled module
// graph imports only its own modules and names none of Node's globals, so it can run in a browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const distSrc = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

/** Globals that exist in Node but not in a browser (TextEncoder, performance, WebAssembly are in both). */
const NODE_GLOBALS = new Set([
  'process', 'Buffer', 'setImmediate', 'clearImmediate', 'setTimeout', 'clearTimeout', 'setInterval',
  'clearInterval', 'require', 'global', '__dirname', '__filename', 'module',
]);

/** Modules still allowed a Node global, with why: remove each entry when its work lands. */
const PENDING: ReadonlyMap<string, string> = new Map<string, string>([]);

/** Returns the module graph reachable from entry: each compiled file with the specifiers it imports. */
function moduleGraph(entry: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const todo = [entry];
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (graph.has(file)) continue;
    const specs = ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.map((f) => f.fileName);
    graph.set(file, specs);
    for (const s of specs) if (s.startsWith('.')) todo.push(resolve(dirname(file), s));
  }
  return graph;
}

/** Returns the Node globals that a compiled module uses as values (property names such as x.process do not count). */
function nodeGlobalsUsed(file: string): string[] {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  const found: string[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isIdentifier(n) && NODE_GLOBALS.has(n.text)) {
      const p = n.parent;
      const isPropertyName = (ts.isPropertyAccessExpression(p) && p.name === n)
        || ((ts.isPropertyAssignment(p) || ts.isMethodDeclaration(p) || ts.isPropertyDeclaration(p)) && p.name === n);
      if (!isPropertyName) found.push(`${n.text} (line ${sf.getLineAndCharacterOfPosition(n.getStart()).line + 1})`);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return found;
}

test('the host-neutral entry imports only its own modules (no node:* or package import)', () => {
  const graph = moduleGraph(resolve(distSrc, 'index.js'));
  assert.ok(graph.size > 50, `walked ${graph.size} modules: the walk follows the kernel's imports`);
  const outside = [...graph].flatMap(([file, specs]) =>
    specs.filter((s) => !s.startsWith('.')).map((s) => `${relative(distSrc, file)} imports ${s}`));
  assert.deepEqual(outside, []);
});

test('no module of the host-neutral entry uses a Node global (process, Buffer, timers)', () => {
  const files = [...moduleGraph(resolve(distSrc, 'index.js')).keys()].filter((f) => !PENDING.has(relative(distSrc, f)));
  const used = files.flatMap((file) =>
    nodeGlobalsUsed(file).map((g) => `${relative(distSrc, file)}: ${g}`));
  assert.deepEqual(used, []);
});

test('the Node entry adds the Node host, whose graph does reach node:* modules', () => {
  const specs = [...moduleGraph(resolve(distSrc, 'node.js')).values()].flat();
  assert.ok(specs.includes('node:fs'), 'the walk sees the Node host import node:fs');
  assert.ok(nodeGlobalsUsed(resolve(distSrc, 'host/node.js')).some((g) => g.startsWith('process')), 'the globals scan sees process in the Node host');
});
