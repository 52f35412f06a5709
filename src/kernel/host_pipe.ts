// The host's end of a kernel pipe, as a WHATWG stream (which browsers and Node both have): a
// process started with stdio "pipe" has kernel pipes at fds 0, 1 and 2, and the embedder writes its
// stdin and reads its stdout and stderr through these. Every touch of the pipe is a host event
// (host_events.ts), and the host end counts as a reader or writer like any other, so the guest
// sees EOF when the host closes stdin and EPIPE when the host cancels a read stream; a guest that
// writes more than the pipe holds waits until the host reads, as with child_process.
import { O_RDONLY, O_WRONLY } from './vfs/constants.js';
import type { Pipe } from './vfs/pipe.js';
import type { Waiter } from './wait.js';

/** Most bytes handed to the host per chunk (a pipe's default capacity). */
const HOST_CHUNK = 65536;

/** Where the host end posts its work: the kernel's event point. */
export type PostHostEvent = (fn: () => void) => void;

/** Counts the host ends that are open (while one is, a sleeping guest may still be woken from outside). */
export interface HostEnds {
  post: PostHostEvent;
  /** Called with +1 when a host end opens and -1 when it closes. */
  hostEnd(delta: 1 | -1): void;
}

/** A waiter on one of the pipe's queues that retries a host operation once when woken. */
class Retry implements Waiter {
  constructor(private readonly fn: () => void) {}
  wake(): void {
    this.fn();
  }
}

/** The error a write to a pipe whose readers are gone fails with (the guest closed its stdin). */
export class BrokenPipeError extends Error {
  readonly code = 'EPIPE';
}

/** The host's hold on one end of a pipe, counted in k while held (holdEnd). */
interface HeldEnd {
  /** True until drop. */
  readonly held: boolean;
  /** Gives the end back (the first call; later ones do nothing). */
  drop(): void;
}

/** Opens a host end of pipe (flags: O_RDONLY or O_WRONLY) and counts it in k; returns the hold. */
function holdEnd(pipe: Pipe, k: HostEnds, flags: number): HeldEnd {
  pipe.addEnd(flags);
  k.hostEnd(1);
  const end = {
    held: true,
    drop(): void {
      if (!end.held) return;
      end.held = false;
      pipe.dropEnd(flags);
      k.hostEnd(-1);
    },
  };
  return end;
}

/** Returns a stream of what the guest writes into pipe; the host holds a reader end until it ends or cancels. */
export function pipeReadable(pipe: Pipe, k: HostEnds): ReadableStream<Uint8Array> {
  const post = k.post;
  const end = holdEnd(pipe, k, O_RDONLY);
  const drop = (): void => end.drop();
  return new ReadableStream<Uint8Array>({
    pull(controller): Promise<void> {
      return new Promise<void>((resolve) => {
        const attempt = (): void => post(() => {
          if (!end.held) { resolve(); return; }
          if (pipe.length > 0) {
            const chunk = new Uint8Array(Math.min(pipe.length, HOST_CHUNK));
            pipe.take(chunk);
            pipe.writeWait.wake();
            controller.enqueue(chunk);
            resolve();
          } else if (pipe.writers === 0) {
            drop();
            controller.close();
            resolve();
          } else {
            pipe.readWait.add(new Retry(attempt));
          }
        });
        attempt();
      });
    },
    cancel(): void {
      post(drop);
    },
  }, { highWaterMark: 0 });
}

/** Returns a stream whose chunks go into pipe for the guest to read; closing it is the guest's EOF. */
export function pipeWritable(pipe: Pipe, k: HostEnds): WritableStream<Uint8Array> {
  const post = k.post;
  const end = holdEnd(pipe, k, O_WRONLY);
  const drop = (): void => end.drop();
  return new WritableStream<Uint8Array>({
    write(chunk): Promise<void> {
      let done = 0;
      return new Promise<void>((resolve, reject) => {
        const attempt = (): void => post(() => {
          if (pipe.readers === 0) { reject(new BrokenPipeError('the guest closed the read end of its stdin')); return; }
          const n = Math.min(pipe.capacity - pipe.length, chunk.length - done);
          if (n > 0) {
            pipe.put(chunk.subarray(done, done + n));
            pipe.readWait.wake();
            done += n;
          }
          if (done === chunk.length) resolve();
          else pipe.writeWait.add(new Retry(attempt));
        });
        attempt();
      });
    },
    close(): void {
      post(drop);
    },
    abort(): void {
      post(drop);
    },
  });
}
