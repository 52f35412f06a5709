// Renderings of the syscall table for `ecall syscalls` and the README.
import type { SyscallDef } from './types.js';

/** Numbers from here on are ecall's extensions (ext/extensions.ts), shown in hex like their definition. */
const HEX_FROM = 0x10000;

/** Returns a syscall number as the tables show it. */
const nrText = (nr: number): string => (nr >= HEX_FROM ? `0x${nr.toString(16)}` : String(nr));

/** One line per syscall: number, name, status and note, then a summary line. */
export function coverageText(table: ReadonlyMap<number, SyscallDef>): string {
  const rows = [...table.values()];
  const lines = rows.map((d) => `${nrText(d.nr).padStart(4)}  ${d.name.padEnd(24)} ${d.status.padEnd(8)} ${d.note ?? ''}`.trimEnd());
  const count = (s: string): number => rows.filter((d) => d.status === s).length;
  lines.push('', `${count('full')} full, ${count('partial')} partial, ${count('stub')} stub, ${count('enosys')} ENOSYS`);
  return lines.join('\n');
}

/** A markdown table of the implemented syscalls (ENOSYS entries left out). */
export function coverageMarkdown(table: ReadonlyMap<number, SyscallDef>): string {
  const lines = ['| nr | name | status | note |', '|---:|---|---|---|'];
  for (const d of table.values()) {
    if (d.status !== 'enosys') lines.push(`| ${nrText(d.nr)} | ${d.name} | ${d.status} | ${(d.note ?? '').replace(/\|/g, '\\|')} |`);
  }
  return lines.join('\n');
}
