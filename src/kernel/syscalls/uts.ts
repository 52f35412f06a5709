// sethostname(2) and setdomainname(2): set the names uname(2) and /proc/sys/kernel report
// (kernel/uts.ts holds them, one set per kernel).
import { EINVAL, EPERM } from '../../abi/errno.js';
import { CAP_SYS_ADMIN, capable } from '../caps.js';
import type { Task } from '../task.js';
import { NEW_UTS_LEN, utsOf } from '../uts.js';
import { bytesToStr } from '../../util/bytestr.js';
import type { SysArgs, SyscallDef } from './types.js';

/**
 * sethostname/setdomainname(name, len): EPERM without CAP_SYS_ADMIN, then EINVAL for a length
 * outside [0, NEW_UTS_LEN], then EFAULT; the name is the len bytes as given (a NUL ends it early).
 */
function setName(field: 'host' | 'domain') {
  return (t: Task, a: SysArgs): number => {
    if (!capable(t.tg.cred, CAP_SYS_ADMIN)) return -EPERM;
    const len = a.int(1);
    if (len < 0 || len > NEW_UTS_LEN) return -EINVAL;
    const name = bytesToStr(t.mm.mem.read(a.addr(0), len));
    return utsOf(t.kernel).set(field, name);
  };
}

export const utsDefs: SyscallDef[] = [
  { nr: 161, name: 'sethostname', handler: setName('host'), status: 'full', note: 'one UTS namespace per kernel', args: ['bufin', 'size'] },
  { nr: 162, name: 'setdomainname', handler: setName('domain'), status: 'full', note: 'one UTS namespace per kernel', args: ['bufin', 'size'] },
];
