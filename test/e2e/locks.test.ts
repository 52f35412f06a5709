// File locks and leases beyond what the qemu-compared guest cases show: a lease whose holder
// never gives way is broken after lease-break-time (45 s), which deterministic mode's virtual
// clock makes instant. The expected lines are Linux's behaviour (the lease is gone after the
// forced break, so F_GETLEASE says F_UNLCK and unlocking it again is EAGAIN); qemu-riscv64 on a
// real kernel would take the full 45 s.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { guestCase } from '../helpers/guest_cases.js';
import { ecallUnavailable, GUEST_TIMEOUT_MS, runUnderEcallWith } from '../helpers/run_guest.js';

/** Hang guard: one short run (the 45 s are virtual). */
const TEST_TIMEOUT_MS = GUEST_TIMEOUT_MS + 10_000;

const unavailable = ecallUnavailable();

describe('leases under virtual time', { skip: unavailable ?? false }, () => {
  it('an open, then a truncate, blocked by a lease nobody releases gets in after lease-break-time, and the lease is gone',
    { timeout: TEST_TIMEOUT_MS }, async () => {
      const r = await runUnderEcallWith(guestCase('leases', ['/tmp', 'timeout']), ['--seed', '1']);
      assert.equal(r.status, 0, r.stderr.toString('utf8'));
      assert.equal(r.stdout.toString('utf8'), [
        'F_SETLEASE F_WRLCK: ok',
        'open O_RDWR: ok after 45 s, SIGIO 1',
        'F_GETLEASE after the break timed out: F_UNLCK',
        'F_SETLEASE F_UNLCK after it: Resource temporarily unavailable',
        'F_SETLEASE F_RDLCK: ok',
        'truncate: ok after 45 s, SIGIO 2, F_GETLEASE F_UNLCK',
        '',
      ].join('\n'));
    });
});
