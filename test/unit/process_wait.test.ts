// The wait/reap logic of process/: which child wait4 reports (exits, stops, continues; pid, group,
// __WCLONE classes), what reporting consumes (WNOWAIT), and what an exit does to the tree
// (zombies, reparenting to a subreaper, auto-reaping when SIGCHLD is ignored).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Cred } from '../../src/kernel/cred.js';
import { processExited } from '../../src/kernel/process/exit.js';
import { ExitState } from '../../src/kernel/process/node.js';
import { ProcessTable } from '../../src/kernel/process/table.js';
import { consumeWaitEvent, findWaitEvent, __WALL, __WCLONE, WCONTINUED, WEXITED, WNOWAIT, WUNTRACED } from '../../src/kernel/process/wait.js';
import { type KernelServices, ThreadGroup } from '../../src/kernel/task.js';
import type { Mm } from '../../src/mem/mm.js';

/** A fake kernel with just the process table, and processes without tasks. */
function world(): { k: KernelServices; mk: (pid: number, parent: ThreadGroup | null) => ThreadGroup } {
  const k = { procs: new ProcessTable() } as unknown as KernelServices;
  const mm = { mem: { rssPeak: 0 } } as unknown as Mm;
  const mk = (pid: number, parent: ThreadGroup | null): ThreadGroup => {
    const tg = new ThreadGroup(k, pid, parent?.pid ?? 0, mm, new Cred(1000, 1000));
    tg.node.parent = parent;
    if (parent) { parent.node.children.push(tg); tg.pgid = parent.pgid; tg.sid = parent.sid; } else tg.node.root = true;
    k.procs.add(tg);
    return tg;
  };
  return { k, mk };
}

/** Ends tg as exit(code) would once its last task is gone. */
function exit(tg: ThreadGroup, code: number): void {
  tg.exitCode = code;
  processExited(tg);
}

test('wait finds no child (ECHILD), a running child (wait), then its exit status, and reaps it once', () => {
  const { k, mk } = world();
  const top = mk(1, null);
  assert.equal(findWaitEvent(top, { kind: 'all' }, WEXITED), 'none');
  const c = mk(2, top);
  assert.equal(findWaitEvent(top, { kind: 'all' }, WEXITED), 'wait');
  exit(c, 42);
  assert.equal(c.node.exitState, ExitState.Zombie);
  const ev = findWaitEvent(top, { kind: 'pid', pid: 2 }, WEXITED);
  assert.ok(typeof ev === 'object');
  assert.equal(ev.status, 42 << 8);
  consumeWaitEvent(ev, WEXITED | WNOWAIT);
  assert.equal(c.node.exitState, ExitState.Zombie, 'WNOWAIT leaves the child waitable');
  consumeWaitEvent(ev, WEXITED);
  assert.equal(c.node.exitState, ExitState.Dead);
  assert.equal(k.procs.get(2), undefined);
  assert.equal(findWaitEvent(top, { kind: 'all' }, WEXITED), 'none');
});

test('a child killed by a signal reports the signal (with 0x80 for a core dump)', () => {
  const { mk } = world();
  const top = mk(1, null);
  const c = mk(2, top);
  c.exitSignal = 6;
  c.coreDumped = true;
  exit(c, 128 + 6);
  const ev = findWaitEvent(top, { kind: 'all' }, WEXITED);
  assert.ok(typeof ev === 'object');
  assert.equal(ev.status, 6 | 0x80);
});

test('children are matched by pid, by process group, and by exit-signal class (__WCLONE, __WALL)', () => {
  const { mk } = world();
  const top = mk(1, null);
  const a = mk(2, top);
  const b = mk(3, top);
  b.pgid = 3;
  b.node.exitSignal = 0; // a "clone" child
  exit(a, 1);
  exit(b, 2);
  assert.equal(findWaitEvent(top, { kind: 'pgid', pgid: 3 }, WEXITED), 'none', 'b is a clone child');
  const ev = findWaitEvent(top, { kind: 'pgid', pgid: 3 }, WEXITED | __WCLONE);
  assert.ok(typeof ev === 'object' && ev.child === b);
  const any = findWaitEvent(top, { kind: 'all' }, WEXITED | __WALL);
  assert.ok(typeof any === 'object' && any.child === a, 'the oldest child first');
  assert.equal(findWaitEvent(top, { kind: 'pid', pid: 9 }, WEXITED), 'none');
});

test('a stop is reported once with WUNTRACED, a continue once with WCONTINUED', () => {
  const { mk } = world();
  const top = mk(1, null);
  const c = mk(2, top);
  c.stopped = true;
  c.node.stopReport = 19;
  assert.equal(findWaitEvent(top, { kind: 'all' }, WEXITED), 'wait');
  const ev = findWaitEvent(top, { kind: 'all' }, WEXITED | WUNTRACED);
  assert.ok(typeof ev === 'object');
  assert.equal(ev.status, (19 << 8) | 0x7f);
  consumeWaitEvent(ev, WUNTRACED);
  assert.equal(findWaitEvent(top, { kind: 'all' }, WEXITED | WUNTRACED), 'wait');
  c.stopped = false;
  c.node.continueReport = true;
  const cont = findWaitEvent(top, { kind: 'all' }, WEXITED | WCONTINUED);
  assert.ok(typeof cont === 'object');
  assert.equal(cont.status, 0xffff);
  consumeWaitEvent(cont, WCONTINUED);
  assert.equal(findWaitEvent(top, { kind: 'all' }, WEXITED | WCONTINUED), 'wait');
});

test('orphans go to the nearest subreaper, zombies included, and getppid follows', () => {
  const { mk } = world();
  const top = mk(1, null);
  const reaper = mk(2, top);
  reaper.node.subreaper = true;
  const mid = mk(3, reaper);
  const live = mk(4, mid);
  const dead = mk(5, mid);
  exit(dead, 7); // a zombie of mid
  exit(mid, 0);
  assert.equal(live.node.parent, reaper);
  assert.equal(live.ppid, 2);
  assert.equal(dead.node.parent, reaper, 'the zombie is handed over too');
  const evs = [];
  for (;;) {
    const ev = findWaitEvent(reaper, { kind: 'all' }, WEXITED);
    if (typeof ev !== 'object') break;
    evs.push(ev.child.pid);
    consumeWaitEvent(ev, WEXITED);
  }
  assert.deepEqual(evs, [3, 5]);
  assert.equal(findWaitEvent(reaper, { kind: 'all' }, WEXITED), 'wait', 'pid 4 still runs');
});

test('with SIGCHLD ignored (or SA_NOCLDWAIT) an exiting child is reaped at once', () => {
  const { k, mk } = world();
  const top = mk(1, null);
  top.actions[17] = { handler: 1n, flags: 0n, mask: 0n };
  const c = mk(2, top);
  exit(c, 3);
  assert.equal(c.node.exitState, ExitState.Dead);
  assert.equal(k.procs.get(2), undefined);
  top.actions[17] = { handler: 0n, flags: 2n /* SA_NOCLDWAIT */, mask: 0n };
  const d = mk(3, top);
  exit(d, 3);
  assert.equal(d.node.exitState, ExitState.Dead);
  assert.equal(findWaitEvent(top, { kind: 'all' }, WEXITED), 'none');
});
