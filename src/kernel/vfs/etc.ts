// A small synthetic /etc for the default view (no --root): passwd and group with root, nobody and
// the guest's own ids, hostname, hosts and nsswitch.conf, so that `ls -l` shows names, lookups of
// localhost work, and programs that read these files find what a minimal Linux system has. The
// files are ordinary root-owned tmpfs files in the in-memory root.
import type { TmpfsDir } from './tmpfs.js';
import { utf8ToBytes } from '../../util/bytestr.js';

/** uid and gid of "nobody" and "nogroup" (Linux's overflow ids, /proc/sys/kernel/overflowuid). */
const NOBODY_ID = 65534;
/** Mode of the files and of /etc itself. */
const FILE_MODE = 0o644, DIR_MODE = 0o755;

/** Who the guest runs as, for its passwd and group entries. */
export interface EtcIdentity {
  uid: number;
  gid: number;
  /** Login name and home directory of that uid (the host user's, when the host knows them). */
  name: string;
  home: string;
  hostname: string;
}

/** Returns the text of each synthetic /etc file for identity id. */
export function etcFiles(id: EtcIdentity): Map<string, string> {
  const own = id.uid !== 0 && id.uid !== NOBODY_ID;
  const ownGroup = id.gid !== 0 && id.gid !== NOBODY_ID;
  const passwd = 'root:x:0:0:root:/root:/bin/sh\n' +
    (own ? `${id.name}:x:${id.uid}:${id.gid}:${id.name}:${id.home}:/bin/sh\n` : '') +
    `nobody:x:${NOBODY_ID}:${NOBODY_ID}:nobody:/nonexistent:/usr/sbin/nologin\n`;
  const group = 'root:x:0:\n' + (ownGroup ? `${own ? id.name : 'users'}:x:${id.gid}:\n` : '') + `nogroup:x:${NOBODY_ID}:\n`;
  const hosts = `127.0.0.1\tlocalhost\n127.0.1.1\t${id.hostname}\n::1\tlocalhost ip6-localhost ip6-loopback\n`;
  const nsswitch = 'passwd:\tfiles\ngroup:\tfiles\nshadow:\tfiles\nhosts:\tfiles dns\nnetworks:\tfiles\n' +
    'protocols:\tfiles\nservices:\tfiles\nethers:\tfiles\nrpc:\tfiles\n';
  return new Map([
    ['passwd', passwd], ['group', group], ['hostname', `${id.hostname}\n`], ['hosts', hosts], ['nsswitch.conf', nsswitch],
  ]);
}

/** Creates /etc with the synthetic files in the tmpfs root dir (assumes it has no /etc yet). */
export function populateEtc(root: TmpfsDir, id: EtcIdentity): void {
  const etc = root.mkdir('etc', DIR_MODE, 0, 0);
  if (typeof etc === 'number') return;
  const enc = new TextEncoder();
  for (const [name, text] of etcFiles(id)) {
    const f = (etc as TmpfsDir).create(utf8ToBytes(name), FILE_MODE, 0, 0);
    const io = typeof f === 'number' ? f : f.openIo?.(0);
    if (typeof io === 'object') io.pwrite(enc.encode(text), 0);
  }
}
