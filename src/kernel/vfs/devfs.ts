// The synthetic /dev: character devices from devices.ts and the stdio symlinks.
import type { HostStdio } from './stdio.js';
import type { Caller, Inode } from './inode.js';
import { deviceGid, deviceRdev, openDevice } from './devices.js';
import { S_IFCHR } from './constants.js';
import { SynthDir, SynthFile, SynthLink, SynthSuper } from './synthfs.js';

/** The devices /dev offers (numbers and owners come from devices.ts). */
const DEVICES = ['null', 'zero', 'random', 'urandom', 'tty'] as const;

/** True if the caller is a process without a controlling terminal (its /dev/tty is ENXIO). */
function withoutCtty(caller: Caller): boolean {
  const node = (caller as { tg?: { node?: { ctty: unknown } } } | null)?.tg?.node;
  return node !== undefined && node.ctty === null;
}

/** Returns the root directory of a new /dev instance. */
export function createDevfs(now: () => bigint, stdio: HostStdio): Inode {
  const sb = new SynthSuper('devtmpfs', 0x01021994, now);
  const entries = new Map<string, Inode>();
  for (const name of DEVICES) {
    entries.set(name, new SynthFile(sb, name, S_IFCHR | 0o666, deviceRdev(name),
      (caller, flags) => openDevice(name, flags, stdio, withoutCtty(caller)), { uid: 0, gid: deviceGid(name) }));
  }
  ['stdin', 'stdout', 'stderr'].forEach((name, fd) => {
    entries.set(name, new SynthLink(sb, name, () => `/proc/self/fd/${fd}`));
  });
  entries.set('fd', new SynthLink(sb, 'fd', () => '/proc/self/fd'));
  return new SynthDir(sb, '/', 0o755, () => entries);
}
