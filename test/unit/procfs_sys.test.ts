// /proc/sys parsing (proc_dointvec's rules), the gzip writer behind /proc/config.gz, and the
// configuration text's rule that a feature is set only when its syscall has a handler.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { parseSysctlInt } from '../../src/kernel/procfs/sys.js';
import { crc32, gzipStored } from '../../src/util/gzip.js';
import { kernelConfigText } from '../../src/kernel/procfs/config.js';
import { Sysctl, leaseBreakTime } from '../../src/kernel/sysctl.js';

test('sysctl integers accept spaces, a sign and a newline, and nothing else', () => {
  assert.equal(parseSysctlInt('65536\n'), 65536n);
  assert.equal(parseSysctlInt('  -5 '), -5n);
  assert.equal(parseSysctlInt('12abc'), null);
  assert.equal(parseSysctlInt(''), null);
});

test('gzipStored output is a gzip file gunzip reads back, across several stored blocks', () => {
  const data = new Uint8Array(200_000).map((_, i) => (i * 7) & 0xff);
  assert.deepEqual(new Uint8Array(gunzipSync(gzipStored(data))), data);
  assert.deepEqual(new Uint8Array(gunzipSync(gzipStored(new Uint8Array(0)))), new Uint8Array(0));
  assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
});

test('config.gz sets a feature only when the kernel handles its syscall', () => {
  const none = kernelConfigText(() => false);
  assert.match(none, /^# CONFIG_SYSVIPC is not set$/m);
  assert.match(none, /^# CONFIG_IO_URING is not set$/m);
  const withIpc = kernelConfigText((nr) => nr === 194);
  assert.match(withIpc, /^CONFIG_SYSVIPC=y$/m);
  assert.match(withIpc, /^# CONFIG_RSEQ is not set$/m);
});

test('the kernel tunables start at Linux defaults; boot_id stays, uuid changes', () => {
  let n = 0;
  const s = new Sysctl((b) => { for (let i = 0; i < b.length; i++) b[i] = n++ & 0xff; });
  assert.equal(s.pipeMaxSize, 1048576);
  assert.equal(leaseBreakTime(s), 45);
  assert.match(s.bootId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.notEqual(s.uuid(), s.uuid());
  assert.equal(s.bootId, s.bootId);
});
