// ecall as a library, host-neutral (the package's "ecall" entry): a kernel you construct with a
// Host, spawn programs in and wait for. Nothing reachable from here imports Node, so it runs in a
// browser too; the Node host is in the "ecall/node" entry (src/node.ts).
export { Kernel, FORWARDED_SIGNALS, type HostTaskOptions, type KernelOptions } from './kernel/kernel.js';
export {
  HostTask, type CallOptions, type HostTaskStat, AT_FDCWD, AT_REMOVEDIR, AT_SYMLINK_NOFOLLOW, MAP_ANONYMOUS, MAP_PRIVATE,
  MAP_SHARED, O_APPEND, O_CLOEXEC, O_CREAT, O_DIRECTORY, O_EXCL, O_NONBLOCK, O_RDONLY, O_RDWR, O_TRUNC, O_WRONLY, PROT_READ,
  PROT_WRITE,
} from './kernel/host_task_api.js';
export { ErrnoError, type HostSignalHandler, type HostValue } from './kernel/host_task.js';
export { KernelStateError } from './kernel/host_events.js';
export type { SigInfo } from './kernel/signal.js';
export {
  GuestProcess, SpawnError, signalNumber, type ExitStatus, type SpawnOptions, type StdioChoice,
} from './kernel/guest_process.js';
export { BrokenPipeError } from './kernel/host_pipe.js';
export { SimHost, SimStdin, SIM_CPU_COUNT, SIM_EPOCH_NS, type SimHostOptions, type SimOuterHost } from './host/sim.js';
export type { Host, HostStdin, HostStdioInfo, HostTimer } from './host/host.js';
export {
  HOST_O_CREAT, HOST_O_EXCL, HOST_O_RDONLY, HOST_O_RDWR, HOST_O_TRUNC, HOST_O_WRONLY, type HostFs, type HostStat,
} from './host/fs.js';
export { syscallTable } from './kernel/syscalls/table.js';
export type { SyscallDef } from './kernel/syscalls/types.js';
export { Hart, Stop } from './cpu/hart.js';
export { run } from './cpu/run.js';
export { GuestMemory } from './mem/guest_memory.js';
export { PhysMem } from './mem/phys.js';
