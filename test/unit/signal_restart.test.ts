// Linux's syscall restart rules (abi-riscv64.md §3.7) at signal delivery, and the rt_sigframe
// that delivery builds (§3.1-3.5), checked on a real task of a spawned (not started) guest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Kernel } from '../../src/kernel/kernel.js';
import { NodeHost } from '../../src/host/node.js';
import { Task, type ThreadGroup } from '../../src/kernel/task.js';
import { returnToUser } from '../../src/kernel/entry.js';
import { forceSignal, sendSignal } from '../../src/kernel/signal_deliver.js';
import { FRAME_SIZE, restoreFrame, SA_RESTART, SA_NODEFER, SA_RESETHAND } from '../../src/kernel/signal_frame.js';
import { SIGUSR1, SIGUSR2, SI_TKILL } from '../../src/kernel/signal.js';

const ECALL_PC = 0x10100;
const HANDLER = 0x10200;
const ORIG_A0 = 7n;
const EINTR = -4;

/** A task of a spawned guest, stopped "just after an ecall at ECALL_PC that returned ret". */
function taskAfterSyscall(ret: number | null): { t: Task; tg: ThreadGroup } {
  const k = new Kernel({ host: new NodeHost() });
  const tg = k.createProcess('guest/bin/exit42', ['exit42'], []);
  if ('error' in tg) throw new Error(tg.error);
  const t = tg.tasks[0]!;
  t.hart.pc = ECALL_PC + 4;
  t.origA0Lo = Number(ORIG_A0);
  t.origA0Hi = 0;
  t.hart.setX(10, ret ?? 0);
  t.hart.setX(17, 63);
  t.restartRet = ret;
  return { t, tg };
}

function withHandler(tg: ThreadGroup, sig: number, flags: bigint, mask = 0n): void {
  tg.actions[sig] = { handler: BigInt(HANDLER), flags, mask };
}

const tkill = (t: Task, sig: number): void => sendSignal(t, { signo: sig, code: SI_TKILL, pid: 100, uid: 0 });

/** The saved pc and a0 in the frame the handler got (sp = frame). */
function frameRegs(t: Task): { pc: number; a0: bigint; a7: bigint } {
  const sp = t.hart.getX(2);
  const mem = t.mm.mem;
  return { pc: mem.readU64(sp + 304), a0: BigInt.asIntN(64, mem.readBig64(sp + 304 + 8 * 10)), a7: mem.readBig64(sp + 304 + 8 * 17) };
}

const cases: [string, number, string, string][] = [
  // name, return code, with SA_RESTART handler, with a plain handler
  ['ERESTARTSYS', -512, 'restart', 'eintr'],
  ['ERESTARTNOINTR', -513, 'restart', 'restart'],
  ['ERESTARTNOHAND', -514, 'eintr', 'eintr'],
  ['ERESTART_RESTARTBLOCK', -516, 'eintr', 'eintr'],
];

for (const [name, code, withRestart, without] of cases) {
  for (const [label, flags, want] of [['SA_RESTART', SA_RESTART, withRestart], ['no SA_RESTART', 0n, without]] as const) {
    test(`${name} with a ${label} handler: ${want === 'restart' ? 'the frame resumes at the ecall with the original a0' : 'the frame returns -EINTR after the ecall'}`, () => {
      const { t, tg } = taskAfterSyscall(code);
      withHandler(tg, SIGUSR1, flags);
      tkill(t, SIGUSR1);
      returnToUser(t);
      assert.equal(t.hart.pc, HANDLER);
      const f = frameRegs(t);
      if (want === 'restart') {
        assert.equal(f.pc, ECALL_PC);
        assert.equal(f.a0, ORIG_A0);
      } else {
        assert.equal(f.pc, ECALL_PC + 4);
        assert.equal(f.a0, BigInt(EINTR));
      }
    });
  }
  test(`${name} with no handler (an ignored signal): the call restarts${code === -516 ? ' through restart_syscall (a7 = 128)' : ''}`, () => {
    const { t } = taskAfterSyscall(code);
    returnToUser(t); // no signal at all: a stop/continue or an ignored signal leaves the same state
    assert.equal(t.hart.pc, ECALL_PC);
    assert.equal(t.hart.x64[10], ORIG_A0);
    assert.equal(t.hart.x64[17], code === -516 ? 128n : 63n);
  });
}

test('a completed call (a partial count) is not restarted: the frame resumes after the ecall with the count', () => {
  const { t, tg } = taskAfterSyscall(null);
  t.hart.setX(10, 10);
  withHandler(tg, SIGUSR1, SA_RESTART);
  tkill(t, SIGUSR1);
  returnToUser(t);
  const f = frameRegs(t);
  assert.equal(f.pc, ECALL_PC + 4);
  assert.equal(f.a0, 10n);
});

test('handler entry: a0 = signo, a1 = &siginfo (sp), a2 = &ucontext (sp+128), ra = the sigreturn trampoline; sp 16-aligned', () => {
  const { t, tg } = taskAfterSyscall(null);
  const userSp = t.hart.getX(2);
  withHandler(tg, SIGUSR1, 0n);
  tkill(t, SIGUSR1);
  returnToUser(t);
  const sp = t.hart.getX(2);
  assert.equal(sp % 16, 0);
  assert.ok(sp <= userSp - FRAME_SIZE && sp > userSp - FRAME_SIZE - 16, 'the frame sits right below the user sp (no red zone)');
  assert.equal(t.hart.getX(10), SIGUSR1);
  assert.equal(t.hart.getX(11), sp);
  assert.equal(t.hart.getX(12), sp + 128);
  assert.equal(t.hart.getX(1), tg.sigreturnAddr);
  const mem = t.mm.mem;
  assert.equal(mem.readI32(sp), SIGUSR1, 'si_signo');
  assert.equal(mem.readI32(sp + 8), SI_TKILL, 'si_code');
  assert.equal(mem.readI32(sp + 16), 100, 'si_pid');
  assert.equal(mem.readU32(tg.sigreturnAddr), 0x08b00893, 'li a7, 139');
  assert.equal(mem.readU32(tg.sigreturnAddr + 4), 0x00000073, 'ecall');
});

test('the handler runs with sa_mask and the signal itself blocked; sigreturn restores the old mask and every register', () => {
  const { t, tg } = taskAfterSyscall(null);
  t.sigmask = 1n << 20n;
  t.hart.setX(9, 0x1234);
  t.hart.f[2 * 5] = 0x3ff00000; // some FP state
  t.hart.fcsr = 0x61;
  withHandler(tg, SIGUSR1, 0n, 1n << BigInt(SIGUSR2 - 1));
  tkill(t, SIGUSR1);
  returnToUser(t);
  assert.equal(t.sigmask, (1n << 20n) | (1n << BigInt(SIGUSR1 - 1)) | (1n << BigInt(SIGUSR2 - 1)));
  // The handler clobbers registers, then returns through rt_sigreturn.
  t.hart.setX(9, 0); t.hart.f[10] = 0; t.hart.fcsr = 0;
  assert.ok(restoreFrame(t, () => 0));
  assert.equal(t.sigmask, 1n << 20n);
  assert.equal(t.hart.getX(9), 0x1234);
  assert.equal(t.hart.f[10], 0x3ff00000);
  assert.equal(t.hart.fcsr, 0x61);
  assert.equal(t.hart.pc, ECALL_PC + 4);
});

test('sigreturn honours a pc the handler rewrote in the frame', () => {
  const { t, tg } = taskAfterSyscall(null);
  withHandler(tg, SIGUSR1, 0n);
  tkill(t, SIGUSR1);
  returnToUser(t);
  t.mm.mem.writeU64(t.hart.getX(2) + 304, 0x10abc);
  assert.ok(restoreFrame(t, () => 0));
  assert.equal(t.hart.pc, 0x10abc);
});

test('sigreturn rejects a frame whose reserved words are not zero (a corrupted frame is SIGSEGV)', () => {
  const { t, tg } = taskAfterSyscall(null);
  withHandler(tg, SIGUSR1, 0n);
  tkill(t, SIGUSR1);
  returnToUser(t);
  t.mm.mem.writeU32(t.hart.getX(2) + 1080, 0xdead);
  assert.equal(restoreFrame(t, () => 0), false);
});

test('SA_NODEFER leaves the signal unblocked in its handler; SA_RESETHAND resets the action to SIG_DFL', () => {
  const { t, tg } = taskAfterSyscall(null);
  withHandler(tg, SIGUSR1, SA_NODEFER | SA_RESETHAND);
  tkill(t, SIGUSR1);
  returnToUser(t);
  assert.equal(t.sigmask & (1n << BigInt(SIGUSR1 - 1)), 0n);
  assert.equal(tg.actions[SIGUSR1]!.handler, 0n);
});

test('several pending signals nest: the second frame saves the first handler entry as its pc', () => {
  const { t, tg } = taskAfterSyscall(null);
  withHandler(tg, SIGUSR1, 0n);
  tg.actions[SIGUSR2] = { handler: BigInt(HANDLER + 0x40), flags: 0n, mask: 0n };
  tkill(t, SIGUSR2);
  tkill(t, SIGUSR1);
  returnToUser(t);
  // SIGUSR1 (10) is dequeued first (lowest number), then SIGUSR2 is delivered on top of it.
  assert.equal(t.hart.pc, HANDLER + 0x40);
  assert.equal(frameRegs(t).pc, HANDLER);
});

test('a blocked signal stays pending and is delivered when unblocked', () => {
  const { t, tg } = taskAfterSyscall(null);
  withHandler(tg, SIGUSR1, 0n);
  t.sigmask = 1n << BigInt(SIGUSR1 - 1);
  tkill(t, SIGUSR1);
  returnToUser(t);
  assert.equal(t.hart.pc, ECALL_PC + 4, 'not delivered while blocked');
  t.sigmask = 0n;
  returnToUser(t);
  assert.equal(t.hart.pc, HANDLER);
});

test('SIGSTOP stops the whole group at its next return to user space; SIGCONT resumes it and cancels a pending stop', () => {
  const { t, tg } = taskAfterSyscall(-512);
  sendSignal(t, { signo: 19, code: SI_TKILL, pid: 100, uid: 0 });
  returnToUser(t);
  assert.equal(tg.stopped, true);
  assert.equal(t.hart.pc, ECALL_PC, 'the interrupted call will restart after the continue (no handler ran)');
  sendSignal(t, { signo: 18, code: SI_TKILL, pid: 100, uid: 0 });
  assert.equal(tg.stopped, false);
  sendSignal(t, { signo: 19, code: SI_TKILL, pid: 100, uid: 0 });
  sendSignal(t, { signo: 18, code: SI_TKILL, pid: 100, uid: 0 });
  returnToUser(t);
  assert.equal(tg.stopped, false, 'SIGCONT discarded the pending SIGSTOP');
});

test('a fault signal that is blocked or ignored is forced: the default action kills with 128+N', () => {
  const { t, tg } = taskAfterSyscall(null);
  t.sigmask = 1n << 10n; // SIGSEGV blocked
  forceSignal(t, { signo: 11, code: 1, addr: 0x10 });
  returnToUser(t);
  assert.equal(tg.exitCode, 128 + 11);
  assert.equal(tg.exitSignal, 11);
  assert.equal(tg.coreDumped, true);
});
