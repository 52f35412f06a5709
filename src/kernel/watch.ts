// A run's watch: a deterministic-mode observer that sees every system call's boundaries and every
// task's exit at exact instants (instructions retired by all tasks), and may act there (inject a
// signal). The explorer's signal injection and its probes are watches (inject.ts).

/** What the kernel tells a watch about its tasks (task.ts's Task), and asks it. */
export interface SyscallWatch<Task> {
  /** t is about to run a new call nr, its pc at the ecall; returns false to deliver t's pending
   *  signals first (the ecall runs again when a handler returns to it). */
  entry(t: Task, nr: number, at: number): boolean;
  /** t's call blocked (t sleeps in it). */
  blocked(t: Task, at: number): void;
  /** t's call completed: its result is in a0 and pc is past the ecall (not for a restart code). */
  completed(t: Task, at: number): void;
  /** t exited. */
  exited(t: Task, at: number): void;
  /** Instructions from `retired` to the watch's next instruction-count event (Infinity: none). */
  untilInstruction(retired: number): number;
  /** A slice of t ended with `retired` instructions retired in all. */
  sliceEnded(t: Task, retired: number): void;
}
