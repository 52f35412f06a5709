// FIFOs (named pipes). A FIFO inode, on tmpfs or on a host mount, opens onto a kernel Pipe that
// lives while any end is open (the inode's own on tmpfs; on a host mount one per host inode, kept
// in a FifoRegistry, so every guest open of the same host FIFO meets in the same pipe). Opening
// follows Linux's fifo_open: a reader waits until a writer has opened and a writer until a reader
// has (each counts the other side's opens, so a partner that came and went still ends the wait);
// O_RDONLY|O_NONBLOCK opens at once, O_WRONLY|O_NONBLOCK with no reader is ENXIO, O_RDWR never
// waits. The wait is the request's: its state (which end was opened, and the partner count it
// waits to change) is r.state, and a signal or the task's death drops the half-opened end.
import { EINVAL, ENXIO, ERESTARTSYS } from '../../abi/errno.js';
import type { Blocked, Request } from '../request.js';
import type { WaitQueue } from '../wait.js';
import { O_ACCMODE, O_NONBLOCK, O_RDONLY, O_RDWR, O_WRONLY } from './constants.js';
import type { OpenFile } from './file.js';
import type { Loc } from './inode.js';
import { VfsFile } from './open_files.js';
import { Pipe } from './pipe.js';

/** An open end of a FIFO: the pipe's I/O, with the FIFO's place in the namespace (fstat, /proc). */
export class FifoFile extends VfsFile {
  private released = false;

  /** writersSeen: the pipe's writer-open count when POLLHUP is to stay hidden (see poll). */
  constructor(flags: number, loc: Loc, readonly pipe: Pipe, private readonly writersSeen: number) {
    super(flags, loc);
  }

  read(r: Request, buf: Uint8Array): number | Blocked {
    return this.pipe.read(r, buf, this.flags);
  }

  write(r: Request, data: Uint8Array): number | Blocked {
    return this.pipe.write(r, data, this.flags);
  }

  ioctl(r: Request, request: number, argAddr: number): number {
    return this.pipe.ioctl(r, request, argAddr);
  }

  /** A reader that opened with O_NONBLOCK before any writer sees no POLLHUP until a writer has come (as Linux). */
  poll(): number {
    return this.pipe.pollMask(this.flags, this.pipe.writersOpened !== this.writersSeen);
  }

  pollQueues(): WaitQueue[] {
    return [this.pipe.readWait, this.pipe.writeWait];
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.pipe.dropEnd(this.flags);
  }
}

/** What an open waiting for its partner keeps across sleeps (in r.state). */
export class FifoOpenWait {
  constructor(
    readonly pipe: Pipe,
    readonly flags: number,
    readonly loc: Loc,
    /** The partner's open count when the wait began; the open completes once it changes. */
    readonly partnerOpens: number,
  ) {}

  /** The partner's open count now (writers for a reader, readers for a writer). */
  partnerNow(): number {
    return (this.flags & O_ACCMODE) === O_RDONLY ? this.pipe.writersOpened : this.pipe.readersOpened;
  }
}

/** Wakes opens waiting on pipe for a partner (Linux's wake_up_partner). */
function wakePartners(pipe: Pipe): void {
  pipe.openWait.wake();
}

/** Sleeps until the state's partner has opened; a signal or the task's death drops the end opened so far. */
function waitForPartner(r: Request, st: FifoOpenWait): Blocked {
  r.state = st;
  const drop = (): void => {
    r.state = null;
    st.pipe.dropEnd(st.flags);
  };
  return r.block([st.pipe.openWait], ERESTARTSYS, () => { drop(); return -ERESTARTSYS; }, drop);
}

/**
 * open(2) of a FIFO whose pipe is `pipe` at loc: the open file, -errno (ENXIO, EINVAL), or a sleep
 * until the other side opens. r is null for the kernel's own opens, which never wait.
 */
export function openFifo(r: Request | null, pipe: Pipe, flags: number, loc: Loc): OpenFile | number | Blocked {
  const acc = flags & O_ACCMODE;
  const nonblock = (flags & O_NONBLOCK) !== 0 || r === null;
  if (acc === O_RDWR) {
    pipe.addEnd(flags);
    wakePartners(pipe);
    return new FifoFile(flags, loc, pipe, 0);
  }
  if (acc === O_WRONLY) {
    if (nonblock && pipe.readers === 0) return -ENXIO;
    pipe.addEnd(flags);
    wakePartners(pipe);
    if (pipe.readers > 0) return new FifoFile(flags, loc, pipe, 0);
    return waitForPartner(r!, new FifoOpenWait(pipe, flags, loc, pipe.readersOpened));
  }
  if (acc !== O_RDONLY) return -EINVAL; // access mode 3 opens neither end
  pipe.addEnd(flags);
  wakePartners(pipe);
  if (pipe.writers > 0) return new FifoFile(flags, loc, pipe, 0);
  if (nonblock) return new FifoFile(flags, loc, pipe, pipe.writersOpened);
  return waitForPartner(r!, new FifoOpenWait(pipe, flags, loc, pipe.writersOpened));
}

/** The woken open of r.state: the FIFO end once the partner has opened, else another sleep. */
export function resumeFifoOpen(r: Request, st: FifoOpenWait): OpenFile | Blocked {
  if (st.partnerNow() === st.partnerOpens) return waitForPartner(r, st);
  r.state = null;
  return new FifoFile(st.flags, st.loc, st.pipe, 0);
}

/** The pipes of open host FIFOs, by host device and inode, so that every open of one meets in one pipe. */
export class FifoRegistry {
  private readonly pipes = new Map<string, Pipe>();

  /** The pipe of the host FIFO with device dev and inode ino (made on first open, dropped at the last close). */
  pipeFor(dev: number, ino: number): Pipe {
    const key = `${dev}:${ino}`;
    let p = this.pipes.get(key);
    if (p === undefined) {
      const made = new Pipe();
      made.onIdle = () => { this.pipes.delete(key); };
      this.pipes.set(key, p = made);
    }
    return p;
  }
}
