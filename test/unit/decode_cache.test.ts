// The decoded-instruction cache (src/cpu/code_cache.ts): decode arrays are cut from shared
// blocks, yet each frame's is its own, and a frame whose decode was dropped gets a clean one
// that no one has seen before.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CodeCache, NO_CODE, PAGE_ENTRIES } from '../../src/cpu/code_cache.js';
import { FRAME_WATCHED, MIN_MEMORY_BYTES, PhysMem } from '../../src/mem/phys.js';

test('each code frame gets a decode array of its own, even when they come from one block', () => {
  const cache = new CodeCache(new PhysMem(MIN_MEMORY_BYTES));
  const frames = Array.from({ length: 40 }, (_, i) => 100 + i);
  const arrays = frames.map((f) => cache.page(f));
  arrays.forEach((a, i) => { assert.equal(a.length, PAGE_ENTRIES); a.fill(i + 1); });
  arrays.forEach((a, i) => assert.ok(a.every((v) => v === i + 1), `frame ${frames[i]} was overwritten`));
  assert.equal(cache.page(frames[3]!), arrays[3]); // the same frame: the same array
});

test('a frame whose decode was dropped gets a new, zeroed array, and the dropped one is never handed out again', () => {
  const phys = new PhysMem(MIN_MEMORY_BYTES);
  const cache = new CodeCache(phys);
  const old = cache.page(7);
  old.fill(-5);
  assert.ok(phys.flags[7]! & FRAME_WATCHED);
  cache.drop(7);
  assert.equal(cache.pages[7], NO_CODE);
  assert.equal(phys.flags[7]! & FRAME_WATCHED, 0);
  const seen = new Set<Int32Array>();
  for (let f = 7; f < 7 + 50; f++) {
    const a = cache.page(f);
    assert.notEqual(a, old);
    assert.ok(a.every((v) => v === 0), `frame ${f}'s new decode is not clean`);
    seen.add(a);
  }
  assert.equal(seen.size, 50);
  assert.ok(old.every((v) => v === -5)); // nothing else writes into the dropped array
});
