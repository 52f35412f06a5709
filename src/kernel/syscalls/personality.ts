// personality(2): the execution domain of a task. ecall runs Linux binaries only, so the domain
// is always PER_LINUX; of the flag bits, UNAME26 changes what uname(2) reports, and the others
// are recorded and returned as Linux does.
import type { Task } from '../task.js';
import type { SyscallDef, SysArgs } from './types.js';

/** PER_LINUX, the default personality (include/uapi/linux/personality.h). */
export const PER_LINUX = 0;
/** Flag bit: uname reports a 2.6 release (for programs that parse the version badly). */
export const UNAME26 = 0x0020000;
/** The argument that asks for the current personality without changing it. */
const PERSONALITY_QUERY = 0xffffffff;

/** personality(persona): sets the task's personality and returns the previous one (the query leaves it). */
function sysPersonality(t: Task, a: SysArgs): number {
  const persona = a.u32(0);
  const old = t.personality;
  if (persona !== PERSONALITY_QUERY) t.personality = persona;
  return old;
}

/**
 * Returns the release uname reports for release under personality: with UNAME26, a 2.6 release
 * whose third number is 60 plus the real minor version, followed by the real release's suffix
 * (what follows its first three numbers), as Linux reports it.
 */
export function unameRelease(release: string, personality: number): string {
  if (!(personality & UNAME26)) return release;
  const m = /^(\d+)\.(\d+)((?:\.\d+)?)(.*)$/.exec(release);
  if (m === null) return release;
  return `2.6.${60 + Number(m[2])}${m[4]}`;
}

export const defs: SyscallDef[] = [
  {
    nr: 92, name: 'personality', handler: sysPersonality, status: 'full', args: ['hex'], ret: 'hex',
    note: 'the domain is PER_LINUX; UNAME26 changes uname\'s release, other flag bits are recorded only',
  },
];
