// Fixture for the timer*.test.ts files: the sys_proc fixture plus a real TimerQueue, an fd
// table, and signal sending into the tasks' real pending queues (recorded for inspection).
import { fdFixture, type Fixture } from './sys_proc_fixture.js';
import type { SigInfo } from '../../src/kernel/signal.js';
import type { Task, ThreadGroup } from '../../src/kernel/task.js';
import { TimerQueue } from '../../src/kernel/time/timer_queue.js';

/** A signal the code under test sent: to a thread (tid) or to the process (tid null). */
export interface Sent {
  tid: number | null;
  info: SigInfo;
}

export interface TimerFixture extends Fixture {
  timers: TimerQueue;
  sent: Sent[];
  /** Moves both clocks forward by ns and fires the timers that are due. */
  advance(ns: bigint): void;
  /** Dequeues signal sig as delivery would (thread queue first, then the process's); null if none. */
  deliver(sig: number, t?: Task): SigInfo | null;
}

/** Returns a fresh timer fixture (uid 1000 unless given). */
export function timerFixture(opts: { uid?: number } = {}): TimerFixture {
  const f = fdFixture(opts) as TimerFixture;
  const timers = new TimerQueue();
  const sent: Sent[] = [];
  Object.assign(f.t.kernel, {
    timers,
    signalTask: (t: Task, info: SigInfo) => { sent.push({ tid: t.tid, info }); t.pending.add(info); },
    signalGroup: (tg: ThreadGroup, info: SigInfo) => { sent.push({ tid: null, info }); tg.shared.add(info); },
  });
  f.timers = timers;
  f.sent = sent;
  f.advance = (ns: bigint) => {
    f.clock.mono += ns;
    f.clock.real += ns;
    timers.fire(f.clock.mono);
  };
  f.deliver = (sig: number, t: Task = f.t) => t.pending.take(sig) ?? t.tg.shared.take(sig);
  return f;
}

/** Writes a struct itimerspec {interval, value} (ns) at addr. */
export function putItimerspec(f: Fixture, addr: number, intervalNs: bigint, valueNs: bigint): void {
  const S = 1_000_000_000n;
  f.mem.writeBig64(addr, intervalNs / S);
  f.mem.writeBig64(addr + 8, intervalNs % S);
  f.mem.writeBig64(addr + 16, valueNs / S);
  f.mem.writeBig64(addr + 24, valueNs % S);
}

/** Reads a struct itimerspec at addr as [interval, value] in ns. */
export function getItimerspec(f: Fixture, addr: number): [bigint, bigint] {
  const S = 1_000_000_000n;
  const r = (o: number): bigint => BigInt.asIntN(64, f.mem.readBig64(addr + o));
  return [r(0) * S + r(8), r(16) * S + r(24)];
}
