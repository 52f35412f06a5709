// Socket ABI constants for riscv64 (include/uapi/linux/socket.h, net.h, in.h, in6.h, tcp.h,
// include/uapi/asm-generic/socket.h, include/linux/socket.h) and the struct layouts the socket
// calls read and write. riscv64 uses the generic values throughout.

/** Address families (include/linux/socket.h). */
export const AF_UNSPEC = 0, AF_UNIX = 1, AF_INET = 2, AF_INET6 = 10, AF_NETLINK = 16, AF_PACKET = 17;
/** One past the largest address family (AF_MAX in Linux 6.x). */
export const AF_MAX = 46;

/** Socket types (include/linux/net.h) and the flags socket() accepts in the type word. */
export const SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_RAW = 3, SOCK_RDM = 4, SOCK_SEQPACKET = 5,
  SOCK_DCCP = 6, SOCK_PACKET = 10;
/** Mask of the type proper in socket()'s type word. */
export const SOCK_TYPE_MASK = 0xf;
/** SOCK_NONBLOCK and SOCK_CLOEXEC are O_NONBLOCK and O_CLOEXEC. */
export const SOCK_NONBLOCK = 0x800, SOCK_CLOEXEC = 0x80000;

/** Protocols (include/uapi/linux/in.h, in6.h). */
export const IPPROTO_IP = 0, IPPROTO_ICMP = 1, IPPROTO_TCP = 6, IPPROTO_UDP = 17, IPPROTO_IPV6 = 41,
  IPPROTO_ICMPV6 = 58, IPPROTO_RAW = 255;

/** Option levels: SOL_SOCKET is 1; the others are protocol numbers. */
export const SOL_SOCKET = 1, SOL_IP = 0, SOL_TCP = 6, SOL_UDP = 17, SOL_IPV6 = 41;

/** SOL_SOCKET options (include/uapi/asm-generic/socket.h). */
export const SO_DEBUG = 1, SO_REUSEADDR = 2, SO_TYPE = 3, SO_ERROR = 4, SO_DONTROUTE = 5, SO_BROADCAST = 6,
  SO_SNDBUF = 7, SO_RCVBUF = 8, SO_KEEPALIVE = 9, SO_OOBINLINE = 10, SO_NO_CHECK = 11, SO_PRIORITY = 12,
  SO_LINGER = 13, SO_BSDCOMPAT = 14, SO_REUSEPORT = 15, SO_PASSCRED = 16, SO_PEERCRED = 17,
  SO_RCVLOWAT = 18, SO_SNDLOWAT = 19, SO_RCVTIMEO_OLD = 20, SO_SNDTIMEO_OLD = 21, SO_BINDTODEVICE = 25,
  SO_PEERNAME = 28, SO_TIMESTAMP_OLD = 29, SO_ACCEPTCONN = 30, SO_PEERSEC = 31, SO_SNDBUFFORCE = 32,
  SO_RCVBUFFORCE = 33, SO_PASSSEC = 34, SO_MARK = 36, SO_PROTOCOL = 38, SO_DOMAIN = 39, SO_RXQ_OVFL = 40,
  SO_PEEK_OFF = 42, SO_BUSY_POLL = 46, SO_INCOMING_CPU = 49, SO_COOKIE = 57, SO_PEERGROUPS = 59,
  SO_RCVTIMEO_NEW = 66, SO_SNDTIMEO_NEW = 67;

/** Control message types at SOL_SOCKET (include/linux/socket.h). */
export const SCM_RIGHTS = 1, SCM_CREDENTIALS = 2;
/** Most descriptors one SCM_RIGHTS message may carry (include/net/scm.h). */
export const SCM_MAX_FD = 253;

/** sendmsg/recvmsg flags (include/linux/socket.h). */
export const MSG_OOB = 0x1, MSG_PEEK = 0x2, MSG_DONTROUTE = 0x4, MSG_CTRUNC = 0x8, MSG_PROXY = 0x10,
  MSG_TRUNC = 0x20, MSG_DONTWAIT = 0x40, MSG_EOR = 0x80, MSG_WAITALL = 0x100, MSG_FIN = 0x200,
  MSG_SYN = 0x400, MSG_CONFIRM = 0x800, MSG_RST = 0x1000, MSG_ERRQUEUE = 0x2000, MSG_NOSIGNAL = 0x4000,
  MSG_MORE = 0x8000, MSG_WAITFORONE = 0x10000, MSG_BATCH = 0x40000, MSG_ZEROCOPY = 0x4000000,
  MSG_FASTOPEN = 0x20000000, MSG_CMSG_CLOEXEC = 0x40000000;

/** shutdown(2) how values, and the sk_shutdown bits they set (include/net/sock.h). */
export const SHUT_RD = 0, SHUT_WR = 1, SHUT_RDWR = 2;
export const RCV_SHUTDOWN = 1, SEND_SHUTDOWN = 2, SHUTDOWN_MASK = 3;

/** IPPROTO_TCP options (include/uapi/linux/tcp.h). */
export const TCP_NODELAY = 1, TCP_MAXSEG = 2, TCP_CORK = 3, TCP_KEEPIDLE = 4, TCP_KEEPINTVL = 5,
  TCP_KEEPCNT = 6, TCP_SYNCNT = 7, TCP_LINGER2 = 8, TCP_DEFER_ACCEPT = 9, TCP_WINDOW_CLAMP = 10,
  TCP_INFO = 11, TCP_QUICKACK = 12, TCP_USER_TIMEOUT = 18, TCP_NOTSENT_LOWAT = 25;

/** IPPROTO_IP options (include/uapi/linux/in.h). */
export const IP_TOS = 1, IP_TTL = 2, IP_HDRINCL = 3, IP_PKTINFO = 8, IP_MTU_DISCOVER = 10, IP_RECVERR = 11,
  IP_RECVTTL = 12, IP_RECVTOS = 13, IP_MTU = 14, IP_FREEBIND = 15, IP_MULTICAST_TTL = 33,
  IP_MULTICAST_LOOP = 34, IP_BIND_ADDRESS_NO_PORT = 24;
/** IP_RECVORIGDSTADDR asks for the IP_ORIGDSTADDR control message (the same number): a datagram's destination. */
export const IP_RECVORIGDSTADDR = 20, IP_ORIGDSTADDR = 20;

/** IPPROTO_IPV6 options (include/uapi/linux/in6.h). */
export const IPV6_UNICAST_HOPS = 16, IPV6_MULTICAST_HOPS = 18, IPV6_MULTICAST_LOOP = 19, IPV6_V6ONLY = 26,
  IPV6_RECVPKTINFO = 49, IPV6_TCLASS = 67;
/** IPV6_RECVORIGDSTADDR asks for the IPV6_ORIGDSTADDR control message (the same number). */
export const IPV6_RECVORIGDSTADDR = 74, IPV6_ORIGDSTADDR = 74;

/** Socket ioctls (include/uapi/linux/sockios.h, asm-generic/ioctls.h): SIOCINQ is FIONREAD, SIOCOUTQ is TIOCOUTQ. */
export const SIOCINQ = 0x541b, SIOCOUTQ = 0x5411, SIOCATMARK = 0x8905, SIOCOUTQNSD = 0x894b,
  SIOCGSTAMP_OLD = 0x8906;

/** struct msghdr on riscv64: name @0, namelen u32 @8, iov @16, iovlen u64 @24, control @32, controllen u64 @40, flags i32 @48. */
export const MSGHDR_SIZE = 56;
/** struct mmsghdr: a msghdr, then msg_len u32 @56 (padded to 64). */
export const MMSGHDR_SIZE = 64;
/** struct cmsghdr: cmsg_len u64 @0, cmsg_level i32 @8, cmsg_type i32 @12, data @16. */
export const CMSGHDR_SIZE = 16;
/** Control messages are aligned to sizeof(long) (CMSG_ALIGN). */
export const CMSG_ALIGN_TO = 8;
/** struct ucred: pid i32, uid u32, gid u32. */
export const UCRED_SIZE = 12;
/** struct linger: l_onoff i32, l_linger i32. */
export const LINGER_SIZE = 8;
/** struct timeval on riscv64 (64-bit time_t): tv_sec i64, tv_usec i64. */
export const TIMEVAL_SIZE = 16;
/** sizeof(struct sockaddr_storage): the most a socket address may take. */
export const SOCKADDR_STORAGE_SIZE = 128;
/** sizeof(sa_family_t). */
export const SA_FAMILY_SIZE = 2;
/** sizeof(struct sockaddr_un) and of its sun_path. */
export const SOCKADDR_UN_SIZE = 110, UNIX_PATH_MAX = 108;
/** sizeof(struct sockaddr_in) and sizeof(struct sockaddr_in6). */
export const SOCKADDR_IN_SIZE = 16, SOCKADDR_IN6_SIZE = 28;
/** sizeof(struct sockaddr_in6) before scope_id existed (RFC 2133): still accepted by bind and connect. */
export const SIN6_LEN_RFC2133 = 24;

/** TCP states Linux reports (include/net/tcp_states.h); unix sockets reuse them. */
export const TCP_ESTABLISHED = 1, TCP_SYN_SENT = 2, TCP_CLOSE = 7, TCP_LISTEN = 10;

/** Overflow ids (include/linux/highuid.h): what SO_PEERCRED reports without a peer. */
export const OVERFLOW_ID = 0xffffffff;
