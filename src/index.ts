// ecall as a library: a kernel you construct, spawn programs in and wait for.
export { Kernel, type KernelOptions, type ExitStatus, type SpawnError } from './kernel/kernel.js';
export { NodeHost } from './host/node.js';
export { SimHost } from './host/sim.js';
export type { Host, HostStdin } from './host/host.js';
export { syscallTable } from './kernel/syscalls/table.js';
export type { SyscallDef } from './kernel/syscalls/types.js';
export { Hart, Stop } from './cpu/hart.js';
export { run } from './cpu/run.js';
export { GuestMemory } from './mem/guest_memory.js';
export { PhysMem } from './mem/phys.js';
