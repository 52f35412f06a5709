// /proc/sys: the kernel's tunables as files (Linux's proc_sysctl). Each file shows a value kept
// by the kernel (sysctl.ts, the memory layer, the uts fields); the writable ones parse what root
// writes as Linux's proc_dointvec does and store it where the kernel reads it.
import { EACCES, EINVAL } from '../../abi/errno.js';
import type { Request } from '../request.js';
import type { Sysctl } from '../sysctl.js';
import { OVERCOMMIT_NEVER } from '../sysctl.js';
import type { Caller, Inode, Loc } from '../vfs/inode.js';
import { ContentFile } from '../vfs/open_files.js';
import { O_ACCMODE, O_RDONLY, S_IFREG } from '../vfs/constants.js';
import { SynthDir, SynthFile, type SynthSuper } from '../vfs/synthfs.js';
import { bytesToStr, strToBytes } from '../../util/bytestr.js';
import { MAX_MAP_COUNT } from '../../mem/layout.js';
import { DEFAULT_NPROC } from '../syscalls/rlimit.js';
import { NR_OPEN } from '../syscalls/fs_common.js';
import { UTS_DOMAIN, UTS_RELEASE } from '../syscalls/info.js';
import { NGROUPS_MAX } from '../syscalls/proc.js';
import { NEW_UTS_LEN, type UtsNames } from '../uts.js';

/** What /proc/sys reads besides the Sysctl: the host name and the machine's memory. */
export interface SysSources {
  readonly sysctl: Sysctl;
  hostname(): string;
  /** The kernel's settable UTS names, where it has them (hostname and domainname then read and store them). */
  readonly uts?: UtsNames;
  /** Bytes of guest memory (--memory): file-max is derived from it as Linux derives it. */
  memoryBytes(): number;
}

/** Largest pid Linux allows (PID_MAX_LIMIT on 64-bit); ecall's ids never wrap below it. */
const PID_MAX = 4194304;
/** Bits of entropy the pool reports: Linux 5.18 and later always say 256. */
const ENTROPY_AVAIL = 256;
/** Linux's file-max floor (NR_FILE) and its share of memory: a tenth of memory in kB. */
const NR_FILE = 8192;

/** Parses one sysctl integer as proc_dointvec does (spaces, optional sign, digits, newline), or null. */
export function parseSysctlInt(text: string): bigint | null {
  const m = /^\s*([-+]?\d+)\s*$/.exec(text);
  return m === null ? null : BigInt(m[1]!);
}

/** Parses whitespace-separated integers (kernel.sem), or null. */
function parseInts(text: string, count: number): number[] | null {
  const parts = text.trim().split(/\s+/);
  if (parts.length !== count) return null;
  const out = parts.map((p) => parseSysctlInt(p));
  if (out.some((v) => v === null || v < 0n || v > 0x7fffffffn)) return null;
  return out.map((v) => Number(v));
}

/** An open /proc/sys file: reads show the value at open, a write stores a new one (0 or -errno). */
class SysctlFile extends ContentFile {
  constructor(flags: number, loc: Loc, data: Uint8Array, private readonly store: ((text: string) => number) | null) {
    super(flags, loc, data);
  }

  write(_r: Request, data: Uint8Array): number {
    if (this.store === null) return -EACCES;
    const e = this.store(bytesToStr(data));
    return e < 0 ? e : data.length;
  }
}

/** A sysctl entry: its text, and a store function if root may write it. */
type Entry = { show: () => string; store?: (text: string) => number };

/** Returns a store that accepts one integer in [min, max] and hands it to set. */
function intStore(min: bigint, max: bigint, set: (v: bigint) => void): (text: string) => number {
  return (text) => {
    const v = parseSysctlInt(text);
    if (v === null || v < min || v > max) return -EINVAL;
    set(v);
    return 0;
  };
}

/** The entry for a UTS name: shows it, and stores what root writes up to a newline, cut to NEW_UTS_LEN (proc_dostring). */
function utsEntry(uts: UtsNames, field: 'host' | 'domain'): Entry {
  return {
    show: () => (field === 'host' ? uts.hostname : uts.domainname),
    store: (text) => uts.set(field, text.split('\n')[0]!.slice(0, NEW_UTS_LEN)),
  };
}

/** Returns the /proc/sys directory over src. */
export function createSysDir(sb: SynthSuper, src: SysSources): Inode {
  const s = src.sysctl;
  const file = (key: string, e: Entry): Inode =>
    new SynthFile(sb, key, S_IFREG | (e.store ? 0o644 : 0o444), 0, (_caller: Caller, flags: number, loc: Loc) => {
      const writing = (flags & O_ACCMODE) !== O_RDONLY;
      if (writing && !e.store) return -EACCES;
      return new SysctlFile(flags, loc, strToBytes(e.show() + '\n'), writing ? e.store! : null);
    });
  const dir = (key: string, entries: Record<string, Entry | Inode>): Inode => {
    const m = new Map<string, Inode>();
    for (const [name, e] of Object.entries(entries)) {
      m.set(name, 'show' in e ? file(`${key}/${name}`, e as Entry) : e as Inode);
    }
    return new SynthDir(sb, key, 0o555, () => m);
  };
  const INT_MAX = 0x7fffffffn, ULONG_MAX = 0xffffffffffffffffn;
  const constant = (v: string | number): Entry => ({ show: () => String(v) });

  const random = dir('sys/kernel/random', {
    boot_id: { show: () => s.bootId },
    uuid: { show: () => s.uuid() },
    entropy_avail: constant(ENTROPY_AVAIL),
    poolsize: constant(ENTROPY_AVAIL),
  });
  const kernel = dir('sys/kernel', {
    ostype: constant('Linux'),
    osrelease: constant(UTS_RELEASE),
    hostname: src.uts ? utsEntry(src.uts, 'host') : { show: () => src.hostname() },
    domainname: src.uts ? utsEntry(src.uts, 'domain') : constant(UTS_DOMAIN),
    pid_max: constant(PID_MAX),
    'threads-max': constant(String(DEFAULT_NPROC * 2n)),
    ngroups_max: constant(NGROUPS_MAX),
    tainted: constant(0),
    core_pattern: {
      show: () => s.corePattern,
      store: (text) => { s.corePattern = text.replace(/\n$/, '').slice(0, 127); return 0; },
    },
    shmmax: { show: () => String(s.shmmax), store: intStore(0n, ULONG_MAX, (v) => { s.shmmax = v; }) },
    shmall: { show: () => String(s.shmall), store: intStore(0n, ULONG_MAX, (v) => { s.shmall = v; }) },
    shmmni: { show: () => String(s.shmmni), store: intStore(0n, 1n << 15n, (v) => { s.shmmni = Number(v); }) },
    msgmax: { show: () => String(s.msgmax), store: intStore(0n, INT_MAX, (v) => { s.msgmax = Number(v); }) },
    msgmnb: { show: () => String(s.msgmnb), store: intStore(0n, INT_MAX, (v) => { s.msgmnb = Number(v); }) },
    msgmni: { show: () => String(s.msgmni), store: intStore(0n, 1n << 15n, (v) => { s.msgmni = Number(v); }) },
    sem: {
      show: () => s.sem.join('\t'),
      store: (text) => {
        const v = parseInts(text, 4);
        if (v === null) return -EINVAL;
        s.sem = [v[0]!, v[1]!, v[2]!, v[3]!];
        return 0;
      },
    },
    random,
  });
  const fs = dir('sys/fs', {
    'pipe-max-size': {
      show: () => String(s.pipeMaxSize),
      // Linux rounds to a power-of-two number of pages and refuses 0.
      store: intStore(1n, 0x80000000n, (v) => {
        let cap = 4096;
        while (cap < Number(v)) cap *= 2;
        s.pipeMaxSize = cap;
      }),
    },
    'pipe-user-pages-soft': { show: () => String(s.pipeUserPagesSoft), store: intStore(0n, ULONG_MAX, (v) => { s.pipeUserPagesSoft = Number(v); }) },
    'lease-break-time': { show: () => String(s.leaseBreakTime), store: intStore(-INT_MAX - 1n, INT_MAX, (v) => { s.leaseBreakTime = Number(v); }) },
    'file-max': constant(Math.max(NR_FILE, Math.floor(src.memoryBytes() / 1024 / 10))),
    nr_open: constant(NR_OPEN),
  });
  const vm = dir('sys/vm', {
    overcommit_memory: {
      show: () => String(s.overcommitMemory),
      store: intStore(0n, BigInt(OVERCOMMIT_NEVER), (v) => { s.overcommitMemory = Number(v); }),
    },
    max_map_count: constant(MAX_MAP_COUNT),
  });
  return dir('sys', { kernel, fs, vm });
}
