// Host allocation failures: what a kmalloc failure is in Linux (ENOMEM for the guest), told apart
// from every other host exception. A leaf, so any kernel code may ask without importing the entry path.

/** V8's messages for an allocation the host could not make (memory, or a buffer or string size). */
const HOST_ALLOCATION_FAILURE = /allocation failed|Invalid (typed )?array (buffer )?length|Invalid string length/;

/** True if e is the host failing to allocate memory (what Linux's kmalloc failure is: ENOMEM). */
export function isHostAllocationFailure(e: unknown): boolean {
  return e instanceof RangeError && HOST_ALLOCATION_FAILURE.test(e.message);
}
