// Character devices under /dev: null, zero, random, urandom and tty (drivers/char/mem.c, random.c).
import type { MmapFile } from '../../mem/mm.js';
import { EBADF, EINVAL, ENODEV, ENOTTY, ENXIO } from '../../abi/errno.js';
import type { Host } from '../../host/host.js';
import type { Request } from '../request.js';
import { O_ACCMODE, O_RDONLY, O_WRONLY, S_IFCHR } from './constants.js';
import { type OpenFile, POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM, type StatInfo } from './file.js';
import { type HostStdio, TTY_GID, createTtyFile, makeDev } from './stdio.js';

export type DeviceName = 'null' | 'zero' | 'urandom' | 'random' | 'tty';

/** st_dev of /dev (devtmpfs, 0:5 on a typical system). */
export const DEVTMPFS_DEV = 5;
/** RNDGETENTCNT = _IOR('R', 0x00, int) (include/uapi/linux/random.h): the entropy estimate. */
const RNDGETENTCNT = 0x80045200;
/** Entropy count Linux ≥ 5.18 always reports once the pool is initialised (POOL_BITS). */
const RANDOM_ENTROPY_BITS = 256;
/** Largest chunk passed to host.randomFill at once (Node's randomFillSync rejects more than 2^31-1). */
const RANDOM_CHUNK = 1 << 20;

/** Device numbers and inode numbers (Documentation/admin-guide/devices.txt; inodes are arbitrary). */
const DEVICES: Record<Exclude<DeviceName, 'tty'>, { major: number; minor: number; ino: number }> = {
  null: { major: 1, minor: 3, ino: 4 },
  zero: { major: 1, minor: 5, ino: 8 },
  random: { major: 1, minor: 8, ino: 9 },
  urandom: { major: 1, minor: 9, ino: 10 },
};

/** /dev/zero as a mapping source: every byte is 0, so a mapping of it is anonymous memory. */
const ZERO_SOURCE: MmapFile & { anonymous: true } = {
  read(_offset: number, buf: Uint8Array): number {
    buf.fill(0);
    return buf.length;
  },
  path: '/dev/zero',
  dev: DEVTMPFS_DEV,
  ino: DEVICES.zero.ino,
  anonymous: true,
};

/** One of the memory devices; behaviour chosen by name. */
class MemDeviceFile implements OpenFile {
  flags: number;
  readonly path: string;

  private readonly openedNs: bigint;

  constructor(private readonly name: Exclude<DeviceName, 'tty'>, flags: number, private readonly host: Host) {
    this.flags = flags;
    this.openedNs = host.realtimeNs();
    this.path = `/dev/${name}`;
  }

  private fill(buf: Uint8Array): number {
    switch (this.name) {
      case 'null':
        return 0;
      case 'zero':
        buf.fill(0);
        return buf.length;
      default:
        for (let off = 0; off < buf.length; off += RANDOM_CHUNK) {
          this.host.randomFill(buf.subarray(off, Math.min(buf.length, off + RANDOM_CHUNK)));
        }
        return buf.length;
    }
  }

  read(r: Request, buf: Uint8Array): number {
    if ((this.flags & O_ACCMODE) === O_WRONLY) return -EBADF;
    return this.fill(buf);
  }

  write(_r: Request, data: Uint8Array): number {
    if ((this.flags & O_ACCMODE) === O_RDONLY) return -EBADF;
    return data.length; // discarded (random: Linux mixes it into the pool without crediting entropy)
  }

  pread(r: Request, buf: Uint8Array, _offset: number): number {
    return this.read(r, buf);
  }

  pwrite(r: Request, data: Uint8Array, _offset: number): number {
    return this.write(r, data);
  }

  /** null and zero reset the position to 0; random devices keep it at 0 (noop_llseek): both give 0. */
  lseek(_offset: number, _whence: number): number {
    return 0;
  }

  stat(): StatInfo {
    const d = DEVICES[this.name];
    const now = this.openedNs;
    return {
      dev: DEVTMPFS_DEV, ino: d.ino, mode: S_IFCHR | 0o666, nlink: 1, uid: 0, gid: 0,
      rdev: makeDev(d.major, d.minor), size: 0, blksize: 4096, blocks: 0,
      atimeNs: now, mtimeNs: now, ctimeNs: now,
    };
  }

  ioctl(r: Request, request: number, argAddr: number): number {
    if (this.name !== 'random' && this.name !== 'urandom') return -ENOTTY; // mem devices have no ioctls
    if (request === RNDGETENTCNT) {
      r.caller.mm.mem.writeI32(argAddr, RANDOM_ENTROPY_BITS);
      return 0;
    }
    return -EINVAL;
  }

  poll(): number {
    return POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM;
  }

  mmapSource(): MmapFile | number {
    if (this.name === 'zero') return ZERO_SOURCE;
    return -ENODEV; // null and the random devices cannot be mapped
  }
}

/** Returns an open file for /dev/<name>, or -ENXIO for /dev/tty when the host has no terminal or
 *  the caller has no controlling terminal (noCtty). */
export function openDevice(name: DeviceName, flags: number, stdio: HostStdio, noCtty = false): OpenFile | number {
  if (name === 'tty') {
    if (!stdio.host.isatty(0) || noCtty) return -ENXIO;
    return createTtyFile(stdio, flags);
  }
  return new MemDeviceFile(name, flags, stdio.host);
}

/** Returns the st_rdev of /dev/<name> (for directory listings and stat without opening). */
export function deviceRdev(name: DeviceName): number {
  return name === 'tty' ? makeDev(5, 0) : makeDev(DEVICES[name].major, DEVICES[name].minor);
}

/** Returns the group owning /dev/<name> (tty belongs to the tty group, the rest to root). */
export function deviceGid(name: DeviceName): number {
  return name === 'tty' ? TTY_GID : 0;
}
