// exit and exit_group.
import type { Task } from '../task.js';
import type { SyscallDef, SysArgs } from './types.js';

/** exit(status): ends the calling thread; the process ends with it when it was the last one. */
function sysExit(t: Task, a: SysArgs): number {
  const live = t.tg.tasks.filter((x) => x !== t && x.state !== 2 /* Exited */);
  if (live.length === 0) t.kernel.exitGroup(t.tg, a.int(0) & 0xff);
  else t.kernel.exitTask(t);
  return 0;
}

/** exit_group(status): ends every thread of the process. */
function sysExitGroup(t: Task, a: SysArgs): number {
  t.kernel.exitGroup(t.tg, a.int(0) & 0xff);
  return 0;
}

export const defs: SyscallDef[] = [
  { nr: 93, name: 'exit', handler: sysExit, status: 'full', args: ['int'] },
  { nr: 94, name: 'exit_group', handler: sysExitGroup, status: 'full', args: ['int'] },
];
