// ecall as a library in Node.js (the package's "ecall/node" entry): everything in the
// host-neutral entry plus the Node host (real clocks, this process's stdio, host files).
export * from './index.js';
export { NodeHost, NodeStdin, createNodeHost, createSimHost, readStdinSync } from './host/node.js';
export { NodeHostFs } from './host/node_fs.js';
export { spawn, type EcallChildProcess, type NodeSpawnOptions } from './embed/node_spawn.js';
