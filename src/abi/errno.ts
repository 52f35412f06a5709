// Linux errno values (include/uapi/asm-generic/errno-base.h and errno.h; riscv uses the generic set).
export const EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EIO = 5, ENXIO = 6, E2BIG = 7, ENOEXEC = 8,
  EBADF = 9, ECHILD = 10, EAGAIN = 11, ENOMEM = 12, EACCES = 13, EFAULT = 14, ENOTBLK = 15, EBUSY = 16,
  EEXIST = 17, EXDEV = 18, ENODEV = 19, ENOTDIR = 20, EISDIR = 21, EINVAL = 22, ENFILE = 23, EMFILE = 24,
  ENOTTY = 25, ETXTBSY = 26, EFBIG = 27, ENOSPC = 28, ESPIPE = 29, EROFS = 30, EMLINK = 31, EPIPE = 32,
  EDOM = 33, ERANGE = 34, EDEADLK = 35, ENAMETOOLONG = 36, ENOLCK = 37, ENOSYS = 38, ENOTEMPTY = 39,
  ELOOP = 40, ENOMSG = 42, EIDRM = 43, ENOSTR = 60, ENODATA = 61, ETIME = 62, ENOSR = 63, EREMOTE = 66,
  ENOLINK = 67, EPROTO = 71, EBADMSG = 74, EOVERFLOW = 75, EBADFD = 77, EILSEQ = 84, EUSERS = 87,
  ENOTSOCK = 88, EDESTADDRREQ = 89, EMSGSIZE = 90, EPROTOTYPE = 91, ENOPROTOOPT = 92,
  EPROTONOSUPPORT = 93, ESOCKTNOSUPPORT = 94, EOPNOTSUPP = 95, EPFNOSUPPORT = 96, EAFNOSUPPORT = 97,
  EADDRINUSE = 98, EADDRNOTAVAIL = 99, ENETDOWN = 100, ENETUNREACH = 101, ENETRESET = 102,
  ECONNABORTED = 103, ECONNRESET = 104, ENOBUFS = 105, EISCONN = 106, ENOTCONN = 107, ESHUTDOWN = 108,
  ETOOMANYREFS = 109, ETIMEDOUT = 110, ECONNREFUSED = 111, EHOSTDOWN = 112, EHOSTUNREACH = 113,
  EALREADY = 114, EINPROGRESS = 115, ESTALE = 116, EDQUOT = 122, ECANCELED = 125, EOWNERDEAD = 130,
  ENOTRECOVERABLE = 131;
/** Kernel-internal restart codes (include/linux/errno.h); they must never reach user space. */
export const ERESTARTSYS = 512, ERESTARTNOINTR = 513, ERESTARTNOHAND = 514, ENOIOCTLCMD = 515,
  ERESTART_RESTARTBLOCK = 516;
/**
 * True for a syscall result that asks for a restart (-ERESTARTSYS, -ERESTARTNOINTR,
 * -ERESTARTNOHAND, -ERESTART_RESTARTBLOCK). -ENOIOCTLCMD (515) sits in the same range but is not
 * a restart code: Linux turns it into ENOTTY before it can reach user space.
 */
export function isRestartCode(ret: number): boolean {
  return ret <= -ERESTARTSYS && ret >= -ERESTART_RESTARTBLOCK && ret !== -ENOIOCTLCMD;
}
export const ENOTSUP = EOPNOTSUPP, EWOULDBLOCK = EAGAIN, EDEADLOCK = EDEADLK;
/** execve of a program whose PT_INTERP file is not an ELF interpreter for this machine. */
export const ELIBBAD = 80;

const NAMES: Record<number, string> = {};
const all: Record<string, number> = {
  EPERM, ENOENT, ESRCH, EINTR, EIO, ENXIO, E2BIG, ENOEXEC, EBADF, ECHILD, EAGAIN, ENOMEM, EACCES,
  EFAULT, ENOTBLK, EBUSY, EEXIST, EXDEV, ENODEV, ENOTDIR, EISDIR, EINVAL, ENFILE, EMFILE, ENOTTY,
  ETXTBSY, EFBIG, ENOSPC, ESPIPE, EROFS, EMLINK, EPIPE, EDOM, ERANGE, EDEADLK, ENAMETOOLONG, ENOLCK,
  ENOSYS, ENOTEMPTY, ELOOP, ENOMSG, EIDRM, ENOSTR, ENODATA, ETIME, ENOSR, EREMOTE, ENOLINK, EPROTO,
  EBADMSG, EOVERFLOW, EBADFD, EILSEQ, EUSERS, ENOTSOCK, EDESTADDRREQ, EMSGSIZE, EPROTOTYPE,
  ENOPROTOOPT, EPROTONOSUPPORT, ESOCKTNOSUPPORT, EOPNOTSUPP, EPFNOSUPPORT, EAFNOSUPPORT, EADDRINUSE,
  EADDRNOTAVAIL, ENETDOWN, ENETUNREACH, ENETRESET, ECONNABORTED, ECONNRESET, ENOBUFS, EISCONN,
  ENOTCONN, ESHUTDOWN, ETOOMANYREFS, ETIMEDOUT, ECONNREFUSED, EHOSTDOWN, EHOSTUNREACH, EALREADY,
  EINPROGRESS, ESTALE, EDQUOT, ECANCELED, EOWNERDEAD, ENOTRECOVERABLE, ERESTARTSYS, ERESTARTNOINTR,
  ERESTARTNOHAND, ENOIOCTLCMD, ERESTART_RESTARTBLOCK,
};
for (const [k, v] of Object.entries(all)) NAMES[v] ??= k;

/** Returns the symbolic name of an errno value ("ENOENT"), or "E<n>" if unknown. */
export function errnoName(e: number): string {
  return NAMES[e] ?? `E${e}`;
}

/** Thrown by checked guest-memory copies and argument helpers; the syscall dispatcher turns it into -errno. */
export class SyscallError extends Error {
  constructor(readonly errno: number) {
    super(errnoName(errno));
  }
}

/** strerror texts for the errnos guests commonly see (glibc's wording, which strace prints). */
const ERRNO_TEXT: Record<string, string> = {
  EPERM: 'Operation not permitted', ENOENT: 'No such file or directory', ESRCH: 'No such process',
  EINTR: 'Interrupted system call', EIO: 'Input/output error', ENXIO: 'No such device or address',
  E2BIG: 'Argument list too long', ENOEXEC: 'Exec format error', EBADF: 'Bad file descriptor',
  ECHILD: 'No child processes', EAGAIN: 'Resource temporarily unavailable', ENOMEM: 'Cannot allocate memory',
  EACCES: 'Permission denied', EFAULT: 'Bad address', EBUSY: 'Device or resource busy', EEXIST: 'File exists',
  EXDEV: 'Invalid cross-device link', ENODEV: 'No such device', ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory', EINVAL: 'Invalid argument', ENFILE: 'Too many open files in system',
  EMFILE: 'Too many open files', ENOTTY: 'Inappropriate ioctl for device', EFBIG: 'File too large',
  ENOSPC: 'No space left on device', ESPIPE: 'Illegal seek', EROFS: 'Read-only file system',
  EMLINK: 'Too many links', EPIPE: 'Broken pipe', EDOM: 'Numerical argument out of domain',
  ERANGE: 'Numerical result out of range', EDEADLK: 'Resource deadlock avoided',
  ENAMETOOLONG: 'File name too long', ENOSYS: 'Function not implemented', ENOTEMPTY: 'Directory not empty',
  ELOOP: 'Too many levels of symbolic links', ETIME: 'Timer expired', EOVERFLOW: 'Value too large for defined data type',
  EOPNOTSUPP: 'Operation not supported', ETIMEDOUT: 'Connection timed out', ECANCELED: 'Operation canceled',
  EALREADY: 'Operation already in progress', ENODATA: 'No data available',
  ENOTSOCK: 'Socket operation on non-socket', EDESTADDRREQ: 'Destination address required',
  EMSGSIZE: 'Message too long', EPROTOTYPE: 'Protocol wrong type for socket', ENOPROTOOPT: 'Protocol not available',
  EPROTONOSUPPORT: 'Protocol not supported', ESOCKTNOSUPPORT: 'Socket type not supported',
  EAFNOSUPPORT: 'Address family not supported by protocol', EADDRINUSE: 'Address already in use',
  EADDRNOTAVAIL: 'Cannot assign requested address', ENETDOWN: 'Network is down', ENETUNREACH: 'Network is unreachable',
  ECONNABORTED: 'Software caused connection abort', ECONNRESET: 'Connection reset by peer',
  ENOBUFS: 'No buffer space available', EISCONN: 'Transport endpoint is already connected',
  ENOTCONN: 'Transport endpoint is not connected', ECONNREFUSED: 'Connection refused',
  EHOSTUNREACH: 'No route to host', EINPROGRESS: 'Operation now in progress', ETOOMANYREFS: 'Too many references: cannot splice',
};

/** Returns glibc's strerror text for e ("No such file or directory"), or undefined if not listed. */
export function strerror(e: number): string | undefined {
  return ERRNO_TEXT[errnoName(e)];
}

/** Returns the errno value of a symbolic name ("ECONNREFUSED" -> 111), or undefined if unknown. */
export function errnoByName(name: string): number | undefined {
  return Object.prototype.hasOwnProperty.call(all, name) ? all[name] : undefined;
}
