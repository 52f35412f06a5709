// Renderings of the syscall table for `ecall syscalls` and the README.
import type { SyscallDef } from './types.js';

/** One line per syscall: number, name, status and note, then a summary line. */
export function coverageText(table: ReadonlyMap<number, SyscallDef>): string {
  const rows = [...table.values()];
  const lines = rows.map((d) => `${String(d.nr).padStart(4)}  ${d.name.padEnd(24)} ${d.status.padEnd(8)} ${d.note ?? ''}`.trimEnd());
  const count = (s: string): number => rows.filter((d) => d.status === s).length;
  lines.push('', `${count('full')} full, ${count('partial')} partial, ${count('stub')} stub, ${count('enosys')} ENOSYS`);
  return lines.join('\n');
}

/** A markdown table of the implemented syscalls (ENOSYS entries left out). */
export function coverageMarkdown(table: ReadonlyMap<number, SyscallDef>): string {
  const lines = ['| nr | name | status | note |', '|---:|---|---|---|'];
  for (const d of table.values()) {
    if (d.status !== 'enosys') lines.push(`| ${d.nr} | ${d.name} | ${d.status} | ${(d.note ?? '').replace(/\|/g, '\\|')} |`);
  }
  return lines.join('\n');
}
