// The end of a process (Linux's exit_notify and release_task): its vfork parent goes on, its
// children get a new parent (the nearest PR_SET_CHILD_SUBREAPER ancestor, else the root of its
// tree, or they die with the root: a process the host started is the init of its tree), its
// parent is told, and it stays a zombie until wait reaps it (or is reaped at once).
import { SI_USER, SIGKILL } from '../signal.js';
import { sendGroupSignal } from '../signal_deliver.js';
import { TaskState, type ThreadGroup } from '../task.js';
import { addChildUsage } from '../time/cputime.js';
import { ExitState } from './node.js';
import { notifyParentOfExit } from './notify.js';
import { disassociateCtty, killOrphanedPgrp } from './jobctl.js';
import { setRunningExe } from './exe_deny.js';

/** Called once when every task of tg has exited (exit_group, the last exit, or a fatal signal). */
export function processExited(tg: ThreadGroup): void {
  const node = tg.node;
  if (node.exitState !== ExitState.Live) return;
  disassociateCtty(tg, true); // a session leader's exit hangs up its terminal's foreground group
  setRunningExe(tg, null); // its executable may be written again
  releaseVfork(tg);
  if (node.root) killDescendants(tg);
  else {
    for (const c of [...node.children]) {
      reparent(c, findReaper(tg));
      killOrphanedPgrp(c, tg); // c's group may have lost its last link outside
    }
    killOrphanedPgrp(tg, null); // so may tg's own group
  }
  const p = node.parent;
  if (p === null || p.node.exitState !== ExitState.Live) { reap(tg, false); return; }
  node.exitState = ExitState.Zombie;
  if (notifyParentOfExit(tg, p)) reap(tg, false);
}

/** Lets a vfork parent waiting on tg go on (tg exec'd or exited); exec calls this too. */
export function releaseVfork(tg: ThreadGroup): void {
  const q = tg.node.vforkDone;
  tg.node.vforkDone = null;
  q?.wake();
}

/**
 * Removes zombie (or dead) c from the process table and its parent's children; counted: its
 * CPU time and maxrss go to the parent's RUSAGE_CHILDREN (wait does this; auto-reaping does not).
 */
export function reap(c: ThreadGroup, counted: boolean): void {
  c.node.exitState = ExitState.Dead;
  const p = c.node.parent;
  if (p !== null) {
    const i = p.node.children.indexOf(c);
    if (i >= 0) p.node.children.splice(i, 1);
    if (counted) addChildUsage(p, c);
  }
  c.kernel.procs.remove(c);
}

/** Returns the live process that adopts the orphans of dying tg: the nearest subreaper ancestor, else the root. */
function findReaper(tg: ThreadGroup): ThreadGroup | null {
  for (let p = tg.node.parent; p !== null; p = p.node.parent) {
    if (p.node.exitState === ExitState.Live && p.exitCode === null && (p.node.subreaper || p.node.root)) return p;
  }
  return null;
}

/** Gives child c of a dying process the new parent r (null: nobody; a zombie is then reaped). */
function reparent(c: ThreadGroup, r: ThreadGroup | null): void {
  const old = c.node.parent!;
  const i = old.node.children.indexOf(c);
  if (i >= 0) old.node.children.splice(i, 1);
  c.node.parent = r;
  c.ppid = r?.pid ?? 0;
  // PR_SET_PDEATHSIG: the child hears of its parent's death (from the dying parent, SI_USER).
  if (c.exitCode === null) {
    for (const t of c.tasks) {
      if (t.state !== TaskState.Exited && t.pdeathsig !== 0) sendGroupSignal(c, { signo: t.pdeathsig, code: SI_USER, pid: old.pid, uid: old.cred.ruid });
    }
  }
  if (r === null) {
    if (c.node.exitState === ExitState.Zombie) reap(c, false);
    return;
  }
  r.node.children.push(c);
  // An adopted zombie is announced to its new parent, which may reap it at once.
  if (c.node.exitState === ExitState.Zombie && notifyParentOfExit(c, r)) reap(c, false);
}

/** The root of a tree exited: every descendant dies with SIGKILL and is reaped (pid namespace teardown). */
function killDescendants(root: ThreadGroup): void {
  const all: ThreadGroup[] = [];
  const walk = (g: ThreadGroup): void => { for (const c of g.node.children) { all.push(c); walk(c); } };
  walk(root);
  for (const g of all) {
    if (g.exitCode === null) g.kernel.exitGroup(g, 128 + SIGKILL, SIGKILL, false);
  }
  for (const g of all) if (g.node.exitState !== ExitState.Dead) reap(g, false);
  root.node.children.length = 0;
}
