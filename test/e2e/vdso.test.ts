// The vDSO as programs see it: an ELF shared object at AT_SYSINFO_EHDR whose symbols are found
// by name and version, shown as [vdso] over a [vvar] page in /proc/self/maps; glibc's clocks that
// make no system call; unwinding through its signal trampoline; and riscv_hwprobe. What each
// program must print is stated here, from Linux's riscv64 ABI (qemu-riscv64 7.2 maps no vDSO and
// has no riscv_hwprobe, so it cannot be the reference).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TASK_SIZE } from '../../src/mem/guest_memory.js';
import { harnessedCase } from '../helpers/guest_cases.js';
import { ecallUnavailable, GUEST_TIMEOUT_MS, runUnderEcallWith } from '../helpers/run_guest.js';

const unavailable = ecallUnavailable();
/** Hang guard of a test that makes a few runs one after another. */
const FEW_RUNS_TIMEOUT_MS = 4 * GUEST_TIMEOUT_MS;
const LINUX_SYMBOLS = ['__vdso_rt_sigreturn', '__vdso_gettimeofday', '__vdso_clock_gettime', '__vdso_clock_getres',
  '__vdso_getcpu', '__vdso_flush_icache', '__vdso_riscv_hwprobe'];

/** Runs a harnessed program under ecall with options; returns stdout, stderr and status. */
async function run(program: string, options: string[], args: string[] = []): Promise<{ out: string; err: string; status: number }> {
  const r = await runUnderEcallWith(harnessedCase(program, args), options);
  return { out: r.stdout.toString('utf8'), err: r.stderr.toString('utf8'), status: r.status };
}

/** vdso_lookup's output for the symbol lines, given which extension symbols the image has. */
function symbolLines(cancel: boolean, percpu: boolean): string {
  const found = (b: boolean): string => (b ? 'found' : 'absent');
  return [
    ...LINUX_SYMBOLS.map((s) => `${s}@LINUX_4.15: found`),
    `__vdso_cancellable_syscall@ECALL_1: ${found(cancel)}`,
    `__vdso_cancel_pending_syscall@ECALL_1: ${found(cancel)}`,
    `__vdso_percpu_cpu@ECALL_1: ${found(percpu)}`,
    `__vdso_percpu_cmpxchg@ECALL_1: ${found(percpu)}`,
    '__vdso_clock_gettime@LINUX_2.6: absent',
    '__vdso_time@LINUX_4.15: absent',
    '__vdso_getcpu in any version: found',
  ].join('\n');
}

describe('the vDSO', { skip: unavailable ?? false }, () => {
  it('is an ELF shared object at AT_SYSINFO_EHDR, over a read-only [vvar] page, whose LINUX_4.15 symbols are found by name and version and behave like the syscalls',
    { timeout: FEW_RUNS_TIMEOUT_MS }, async () => {
      for (const options of [[], ['--seed', '3', '--cpus', '2']]) {
        const r = await run('vdso_lookup', options);
        assert.equal(r.status, 0, r.err);
        assert.equal(r.out, [
          'AT_SYSINFO_EHDR: ELF ET_DYN for machine 243, page-aligned: yes, soname linux-vdso.so.1',
          'hash tables: DT_HASH yes, DT_GNU_HASH yes',
          '/proc/self/maps: [vdso] r-xp at AT_SYSINFO_EHDR: yes; [vvar] r--p right below it: yes',
          symbolLines(false, false),
          'monotonic clocks: vDSO, then the syscall, then the vDSO again, never go backwards: yes',
          'CLOCK_REALTIME from the syscall lies between two vDSO readings (within 1 ms): yes',
          'clock_getres: CLOCK_MONOTONIC 1 ns, CLOCK_REALTIME_COARSE 4000000 ns, invalid clock 99: -22',
          'clock_gettime(CLOCK_PROCESS_CPUTIME_ID) through the vDSO: 0, non-zero: yes',
          'clock_gettime(99) through the vDSO: -22',
          'getcpu: same as the syscall: yes',
          'flush_icache: 0',
          'riscv_hwprobe: vDSO 0, syscall 0, same pairs: yes',
          '',
        ].join('\n'), options.join(' '));
      }
    });

  it('has the ECALL_1 symbols of exactly the extensions enabled', { timeout: FEW_RUNS_TIMEOUT_MS }, async () => {
    for (const [ext, cancel, percpu] of [['cancel', true, false], ['percpu', false, true], ['all', true, true]] as const) {
      const r = await run('vdso_lookup', ['--ext', ext]);
      assert.equal(r.status, 0, r.err);
      assert.ok(r.out.includes(symbolLines(cancel, percpu)), `--ext ${ext}:\n${r.out}`);
    }
  });

  it('serves glibc\'s clock_gettime, clock_getres, gettimeofday and time without a system call: --strace shows only the raw ones',
    { timeout: FEW_RUNS_TIMEOUT_MS }, async () => {
      for (const options of [['--strace'], ['--strace', '--seed', '5']]) {
        const r = await run('vdso_clock', options);
        assert.equal(r.status, 0, r.err);
        const clockCalls = r.err.split('\n').filter((l) => /^(clock_gettime|clock_getres|gettimeofday|time)\(/.test(l));
        assert.deepEqual(clockCalls.map((l) => l.replace(/0x[0-9a-f]+/g, 'PTR')), [
          'clock_gettime(CLOCK_MONOTONIC, PTR) = 0', // the raw syscall
          'gettimeofday(PTR, NULL) = 0', // the raw syscall
          'clock_gettime(CLOCK_PROCESS_CPUTIME_ID, PTR) = 0', // the vDSO hands CPU clocks to the kernel
        ], options.join(' '));
        const fine = ['REALTIME', 'MONOTONIC', 'MONOTONIC_RAW', 'BOOTTIME'].map((c) => `CLOCK_${c}: clock_gettime 0, clock_getres 0 (1 ns)`);
        assert.equal(r.out, [
          ...fine,
          'CLOCK_REALTIME_COARSE: clock_gettime 0, clock_getres 0 (4000000 ns)',
          'CLOCK_MONOTONIC_COARSE: clock_gettime 0, clock_getres 0 (4000000 ns)',
          'CLOCK_TAI: clock_gettime 0, clock_getres 0 (1 ns)',
          'glibc\'s CLOCK_MONOTONIC brackets the syscall\'s: yes',
          'the syscall\'s gettimeofday lies between glibc\'s two (within 1 ms): yes',
          'time() agrees with gettimeofday within a second: yes',
          'CLOCK_PROCESS_CPUTIME_ID: 0',
          '',
        ].join('\n'));
      }
    });

  it('lets libgcc\'s _Unwind_Backtrace cross the signal trampoline from a handler into the interrupted code and on to main',
    { timeout: FEW_RUNS_TIMEOUT_MS }, async () => {
      const r = await run('vdso_unwind', []);
      assert.equal(r.status, 0, r.err);
      const lines = (what: string): string[] => [
        `${what}: the handler returns to the vDSO's signal trampoline: yes`,
        `${what}: unwinding crosses the signal frame into the interrupted code: yes`,
        `${what}: and goes on to main: yes`,
        `${what}: the frame after the trampoline has an exact pc (not a return address): yes`,
      ];
      assert.equal(r.out, [...lines('raise'), ...lines('fault'), ''].join('\n'));
    });
});

describe('riscv_hwprobe', { skip: unavailable ?? false }, () => {
  it('answers every key for rv64gc, unknown keys with -1, CPU sets, WHICH_CPUS and Linux\'s errors', { timeout: GUEST_TIMEOUT_MS }, async () => {
    const r = await run('hwprobe', ['--cpus', '4']);
    assert.equal(r.status, 0, r.err);
    const ext0 = '0x304280000000003'; // FD, C, Zca, Zcd, Zicntr, Zaamo, Zalrsc
    assert.equal(r.out, [
      'all CPUs: 0',
      '  key 0: 0', '  key 1: 0', '  key 2: 0', // no vendor, architecture or implementation id
      '  key 3: 0x1', // BASE_BEHAVIOR_IMA
      `  key 4: ${ext0}`,
      '  key 5: 0x3', // misaligned accesses: fast
      '  key 6: 0', // no Zicboz
      `  key 7: 0x${(TASK_SIZE - 1).toString(16)}`, // the highest user address
      '  key 8: 0x3b9aca00', // the time CSR runs at 1 GHz
      '  key 9: 0x3', '  key 10: 0x4', // scalar misaligned fast; no vector unit
      '  key 11: 0', '  key 12: 0', '  key 13: 0',
      '  key -1: 0', '  key -1: 0', // key 14 and key -5 are unknown
      `the caller's CPUs: 0, IMA_EXT_0 ${ext0}`,
      'an empty CPU set: -22',
      'unknown flags: -22',
      'pairs at an unmapped address: -14',
      'cpus at an unmapped address: -14',
      'no pairs: 0',
      'WHICH_CPUS with FD|C and IMA: 0, CPUs kept: all',
      'WHICH_CPUS with FD|V: 0, CPUs kept: 0',
      'WHICH_CPUS with an unknown key: 0, key now -1, CPUs kept: 0',
      'WHICH_CPUS without a CPU set: -22',
      'WHICH_CPUS with an empty set means every CPU: 0, CPUs kept: all',
      '',
    ].join('\n'));
  });
});
