// Scheduling events for observers (the playground's per-CPU timeline): which task ran on which
// virtual CPU and when, and the moments a picture of the run should mark. One hook,
// KernelOptions.events, receives all of them; time is counted in instructions retired by every
// task together, so a deterministic run gives the same events every time.

/** A task ran for a slice on a virtual CPU: instructions [start, end) of the whole machine. */
export interface SliceEvent {
  kind: 'slice';
  cpu: number;
  tid: number;
  pid: number;
  start: number;
  end: number;
}

/** Something that happened to a task at one moment (the machine's instruction count `at`). */
export interface MarkEvent {
  /** signal: a handler frame was built; restart: an interrupted call goes back to its ecall;
   *  rseq-abort: a critical section was aborted; cqe: an io_uring completion was posted. */
  kind: 'signal' | 'restart' | 'rseq-abort' | 'cqe';
  tid: number;
  cpu: number;
  at: number;
  /** The signal number, the restarted syscall number, or the CQE's result. */
  detail: number;
}

export type KernelEvent = SliceEvent | MarkEvent;

/** Receives kernel events; called synchronously from kernel code, so it must not call back in. */
export type KernelEventSink = (e: KernelEvent) => void;
