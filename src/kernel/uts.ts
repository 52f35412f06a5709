// The UTS names a kernel reports (Linux's uts_namespace, one per kernel: ecall has no UTS
// namespaces): the host name, which follows the host's until sethostname sets one, and the NIS
// domain name. uname(2), /proc/sys/kernel/{hostname,domainname} and the set calls share them.
import { EINVAL } from '../abi/errno.js';
import { strToBytes, utf8ToBytes } from '../util/bytestr.js';

/** Longest host or domain name (Linux's __NEW_UTS_LEN; utsname fields hold one more byte for NUL). */
export const NEW_UTS_LEN = 64;
/** The NIS domain name Linux reports when none was set. */
export const UTS_DOMAIN_UNSET = '(none)';

/** The settable UTS names of one kernel, as byte strings (one character per byte). */
export class UtsNames {
  private nodename: string | null = null;
  private domain = UTS_DOMAIN_UNSET;

  /** hostDefault: the host's name (UTF-8), reported until a name is set. */
  constructor(private readonly hostDefault: () => string) {}

  /** The host name as a byte string, cut at its first NUL as uname's reader sees it. */
  get hostname(): string {
    return cutAtNul(this.nodename ?? utf8ToBytes(this.hostDefault()));
  }

  /** The NIS domain name as a byte string. */
  get domainname(): string {
    return cutAtNul(this.domain);
  }

  /** Sets the host name (field "host") or domain name to the byte string name: 0, or -EINVAL if longer than NEW_UTS_LEN. */
  set(field: 'host' | 'domain', name: string): number {
    if (name.length > NEW_UTS_LEN) return -EINVAL;
    if (field === 'host') this.nodename = name;
    else this.domain = name;
    return 0;
  }
}

/** Returns s up to its first NUL. */
function cutAtNul(s: string): string {
  const i = s.indexOf('\0');
  return i < 0 ? s : s.slice(0, i);
}

/** Returns the name as the bytes a utsname field holds (without the NUL). */
export function utsBytes(name: string): Uint8Array {
  return strToBytes(name);
}

const perKernel = new WeakMap<object, UtsNames>();

/** Returns the UTS names of kernel k (made on first use, defaulting to k's host name). */
export function utsOf(k: { readonly host: { hostname(): string } }): UtsNames {
  let u = perKernel.get(k);
  if (u === undefined) perKernel.set(k, u = new UtsNames(() => k.host.hostname()));
  return u;
}
