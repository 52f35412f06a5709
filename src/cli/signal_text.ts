// Signal names and strsignal(3) texts, for the CLI's notice when a guest dies by a signal.
import { signalName } from '../kernel/strace.js';

const TEXT: Record<number, string> = {
  1: 'Hangup', 2: 'Interrupt', 3: 'Quit', 4: 'Illegal instruction', 5: 'Trace/breakpoint trap', 6: 'Aborted',
  7: 'Bus error', 8: 'Floating point exception', 9: 'Killed', 10: 'User defined signal 1',
  11: 'Segmentation fault', 12: 'User defined signal 2', 13: 'Broken pipe', 14: 'Alarm clock', 15: 'Terminated',
  16: 'Stack fault', 24: 'CPU time limit exceeded', 25: 'File size limit exceeded', 26: 'Virtual timer expired',
  27: 'Profiling timer expired', 29: 'I/O possible', 30: 'Power failure', 31: 'Bad system call',
};

/** Returns the signal's name (SIGSEGV) and its strsignal text (Segmentation fault). */
export function signalDescription(sig: number): { name: string; text: string } {
  const text = TEXT[sig] ?? (sig >= 32 ? `Real-time signal ${sig - 32}` : `Unknown signal ${sig}`);
  return { name: signalName(sig), text };
}
