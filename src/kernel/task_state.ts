// A task's scheduling state, in a leaf of its own so that code task.ts imports (the process
// table) can read it without importing task.ts back.

/** Where a task is: runnable (or running), asleep in a blocked call, or exited. */
export const enum TaskState {
  Runnable = 0,
  Blocked = 1,
  Exited = 2,
}
