// A task's ids as the socket layer sees them (SO_PEERCRED, SCM_CREDENTIALS, socket owners).
import type { Task } from '../task.js';
import type { SockCred } from './socket.js';

/** Returns t's process id and its real and effective uid and gid. */
export function taskSockCred(t: Task): SockCred {
  const c = t.tg.cred;
  return { pid: t.tgid, uid: c.ruid, gid: c.rgid, euid: c.euid, egid: c.egid };
}
