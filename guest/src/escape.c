#define _GNU_SOURCE
/* escape X RO HOST: sandbox-escape probes against host mounts. X is a read-write mount of the
 * host directory HOST/inside, RO a read-only mount of HOST/ro; HOST/canary holds "ecall-canary"
 * and lies outside both. Each probe tries to reach the canary (or any other host file outside
 * the mounts) through `..` past the mount root, absolute and relative symlink chains,
 * /proc/self/root and /proc/self/cwd, a dirfd plus `..`, rename and link out of the mount, writes
 * through the read-only mount, and a symlink-swap race between two threads, and prints one line:
 * "probe NAME: contained" or "probe NAME: ESCAPED: how". Reading the canary's bytes, a mutation
 * that succeeds on RO, or a created file that is not where the guest namespace says it is counts
 * as an escape; the test that runs this (test/fuzz/escape.test.ts) also checks the host side:
 * the canary and RO unchanged, no new files outside X. Meant for ecall only: natively there is
 * no sandbox, and the probes would really write next to HOST's canary. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <unistd.h>

#define CANARY "ecall-canary"
#define DECOY "decoy"
/* Iterations of each thread in the symlink-swap race. */
#define RACE_ROUNDS 1500
/* Links in the long chain: Linux follows at most 40 (ELOOP after). */
#define CHAIN_LINKS 41

static const char *X, *RO, *HOST;
static int probes, escaped;

static void report(const char *name, const char *how)
{
	probes++;
	if (how) {
		escaped++;
		printf("probe %s: ESCAPED: %s\n", name, how);
	} else {
		printf("probe %s: contained\n", name);
	}
}

/* Returns a path built from a format (static buffers in rotation, so several may be live). */
static const char *P(const char *fmt, ...)
{
	static char bufs[32][8192];
	static int next;
	char *b = bufs[next++ % 32];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(b, sizeof bufs[0], fmt, ap);
	va_end(ap);
	return b;
}

/* Returns 1 if the fd reads as the canary. */
static int fd_is_canary(int fd)
{
	char buf[64] = {0};
	ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
	return n >= (ssize_t)strlen(CANARY) && memcmp(buf, CANARY, strlen(CANARY)) == 0;
}

/* Returns 1 if openat(dirfd, path) gives the canary's bytes. */
static int reads_canary_at(int dirfd, const char *path)
{
	int fd = openat(dirfd, path, O_RDONLY);
	if (fd < 0) return 0;
	int r = fd_is_canary(fd);
	close(fd);
	return r;
}

static int reads_canary(const char *path) { return reads_canary_at(AT_FDCWD, path); }

/* Returns 1 if a listing of the directory shows the canary, which only the host directory
 * around the mounts holds. */
static int lists_host(int dirfd)
{
	DIR *d = fdopendir(dup(dirfd));
	if (!d) return 0;
	struct dirent *e;
	int found = 0;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, "canary") == 0) found = 1;
	closedir(d);
	return found;
}

/* A read probe: every path must fail to give the canary. */
static void probe_paths(const char *name, const char *const *paths, int n)
{
	for (int i = 0; i < n; i++) {
		if (reads_canary(paths[i])) { report(name, P("read the canary through %s", paths[i])); return; }
	}
	report(name, NULL);
}

#define PATHS(name, ...) do { const char *ps_[] = {__VA_ARGS__}; probe_paths(name, ps_, sizeof ps_ / sizeof ps_[0]); } while (0)

static void setup_tree(void)
{
	mkdir(P("%s/a", X), 0755);
	mkdir(P("%s/a/b", X), 0755);
	mkdir(P("%s/a/b/c", X), 0755);
	int fd = open(P("%s/a/canary", X), O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0) { if (write(fd, DECOY "\n", 6) < 0) {} close(fd); }
	static const char *files[] = {"movable", "movable2", "movable3", "movable4", "movable5", "linkable"};
	for (unsigned i = 0; i < sizeof files / sizeof files[0]; i++) {
		fd = open(P("%s/%s", X, files[i]), O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0) close(fd);
	}
	symlink("/", P("%s/abs_root", X));
	symlink(HOST, P("%s/abs_host", X));
	symlink(P("%s/canary", HOST), P("%s/abs_canary", X));
	symlink("..", P("%s/rel_up", X));
	symlink("../canary", P("%s/rel_canary", X));
	symlink("../../../../../../canary", P("%s/a/b/rel_deep", X));
	symlink("chain2", P("%s/chain1", X));
	symlink("a/chain3", P("%s/chain2", X));
	symlink("../../canary", P("%s/a/chain3", X));
	symlink("/proc/self/root/..", P("%s/proc_root", X));
	symlink("/proc/self/cwd/..", P("%s/proc_cwd", X));
	symlink(P("%s/escape-created-abs", HOST), P("%s/dang_abs", X));
	symlink("../escape-created-rel", P("%s/dang_rel", X));
	symlink(P("%s/file", RO), P("%s/ro_link", X));
	for (int i = 0; i < CHAIN_LINKS; i++)
		symlink(i + 1 < CHAIN_LINKS ? P("l%d", i + 1) : "../canary", P("%s/l%d", X, i));
}

static void read_probes(void)
{
	char many[8192] = "";
	for (int i = 0; i < 64; i++) strcat(many, "../");
	PATHS("dotdot past the mount root", P("%s/../canary", X), P("%s/../../canary", X), P("%s/%scanary", X, many),
		P("%s/a/../../canary", X), P("%s/a/b/c/../../../../canary", X), P("%s/./../canary", X), P("%s/../canary", RO));
	PATHS("absolute symlink to /", P("%s/abs_root/canary", X), P("%s/abs_root/../canary", X));
	PATHS("absolute symlink to the host directory", P("%s/abs_host/canary", X), P("%s/abs_canary", X),
		P("%s/abs_host/inside/../canary", X));
	PATHS("relative symlink to ..", P("%s/rel_up/canary", X), P("%s/rel_up/rel_up/canary", X), P("%s/rel_canary", X));
	PATHS("relative symlink chain", P("%s/a/b/rel_deep", X), P("%s/chain1", X));
	PATHS("symlink chain of 41 links", P("%s/l0", X), P("%s/l1", X), P("%s/l20", X));
	PATHS("host absolute path in the guest", P("%s/canary", HOST), P("%s/inside/../canary", HOST));
	PATHS("/proc/self/root", "/proc/self/root/../canary", P("/proc/self/root%s/canary", HOST),
		P("/proc/self/root%s/../canary", X), P("%s/proc_root/canary", X));
	if (chdir(X) == 0)
		PATHS("/proc/self/cwd", "/proc/self/cwd/../canary", "/proc/self/cwd/../../canary", P("%s/proc_cwd/canary", X));
	else
		report("/proc/self/cwd", P("chdir(%s) failed: %s", X, strerror(errno)));

	/* cwd-relative `..` from inside the mount. */
	int leak = 0;
	if (chdir(X) == 0 && (reads_canary("../canary") || reads_canary("../../canary"))) leak = 1;
	if (chdir(P("%s/a/b", X)) == 0 && reads_canary("../../../canary")) leak = 1;
	if (chdir(P("%s/..", X)) == 0 && reads_canary("canary")) leak = 1;
	report("chdir then ..", leak ? "read the canary relative to the cwd" : NULL);

	/* A dirfd on the mount (and below it) plus `..`. */
	int dx = open(X, O_RDONLY | O_DIRECTORY), da = open(P("%s/a", X), O_RDONLY | O_DIRECTORY);
	leak = reads_canary_at(dx, "../canary") || reads_canary_at(dx, "../../canary") || reads_canary_at(da, "../../canary")
		|| reads_canary_at(dx, "rel_up/canary") || reads_canary_at(dx, "abs_host/canary") || reads_canary_at(da, "../rel_canary");
	report("openat with a dirfd and ..", leak ? "read the canary through a dirfd" : NULL);

	/* fchdir to the mount, then `..`. */
	leak = fchdir(dx) == 0 && (reads_canary("../canary") || reads_canary("../../../canary"));
	report("fchdir then ..", leak ? "read the canary after fchdir" : NULL);

	/* /proc/self/fd/N of a directory fd, then `..`. */
	PATHS("/proc/self/fd/N/..", P("/proc/self/fd/%d/../canary", dx), P("/proc/self/fd/%d/../../canary", da));

	/* An O_PATH fd, then openat(fd, "..") twice. */
	int pfd = open(X, O_PATH | O_DIRECTORY);
	int up = pfd >= 0 ? openat(pfd, "..", O_PATH | O_DIRECTORY) : -1;
	int up2 = up >= 0 ? openat(up, "..", O_PATH | O_DIRECTORY) : -1;
	leak = (up >= 0 && reads_canary_at(up, "canary")) || (up2 >= 0 && reads_canary_at(up2, "canary"));
	report("O_PATH dirfd and ..", leak ? "read the canary through an O_PATH parent" : NULL);

	/* Directory listings of the mount's parent must be the guest's, not the host's. */
	int parent = openat(dx, "..", O_RDONLY | O_DIRECTORY);
	int proot = open("/proc/self/root/..", O_RDONLY | O_DIRECTORY);
	int hostdir = open(HOST, O_RDONLY | O_DIRECTORY);
	leak = (parent >= 0 && lists_host(parent)) || (proot >= 0 && lists_host(proot)) || (hostdir >= 0 && lists_host(hostdir));
	report("listing the mount's parent", leak ? "a listing shows the host directory around the mount" : NULL);

	/* stat through the same tricks must not find a host-only file. */
	struct stat st;
	leak = stat(P("%s/../canary", X), &st) == 0 || fstatat(dx, "../canary", &st, 0) == 0 || stat(P("%s/rel_canary", X), &st) == 0
		|| stat(P("%s/abs_canary", X), &st) == 0 || lstat(P("%s/rel_up/canary", X), &st) == 0;
	report("stat past the mount root", leak ? "stat found the host canary" : NULL);

	/* readlink of /proc/self/cwd after chdir(X/..) names a guest path, not the host's. */
	char link[4096] = {0};
	leak = chdir(P("%s/..", X)) == 0 && readlink("/proc/self/cwd", link, sizeof link - 1) > 0 && strstr(link, HOST) != NULL;
	report("/proc/self/cwd names no host path", leak ? P("cwd reads back as %s", link) : NULL);
	close(dx); close(da);
	if (pfd >= 0) close(pfd);
	if (up >= 0) close(up);
	if (up2 >= 0) close(up2);
	if (parent >= 0) close(parent);
	if (proot >= 0) close(proot);
	if (hostdir >= 0) close(hostdir);
	if (chdir("/") != 0) {}
}

/* Returns NULL if path exists in the guest namespace, else a message (the operation succeeded but
 * its result is not where the guest asked for it). */
static const char *landed(const char *path, const char *op)
{
	struct stat st;
	return lstat(path, &st) == 0 ? NULL : P("%s succeeded but %s is missing in the guest", op, path);
}

static void write_probes(void)
{
	/* Opening the canary for writing through escapes: the host check sees any change. */
	static const char *trunc[8];
	trunc[0] = P("%s/../canary", X); trunc[1] = P("%s/rel_canary", X); trunc[2] = P("%s/abs_canary", X);
	trunc[3] = P("%s/a/b/rel_deep", X); trunc[4] = "/proc/self/root/../canary"; trunc[5] = P("%s/chain1", X);
	trunc[6] = P("%s/canary", HOST); trunc[7] = P("%s/rel_up/canary", X);
	const char *how = NULL;
	for (int i = 0; i < 8; i++) {
		int fd = open(trunc[i], O_RDWR | O_TRUNC);
		if (fd >= 0) {
			if (fd_is_canary(fd)) how = P("opened the canary for writing through %s", trunc[i]);
			if (write(fd, "escape-write\n", 13) < 0) {}
			close(fd);
		}
	}
	report("write the canary through escapes", how);

	/* O_CREAT through dangling symlinks: the file must appear where the guest namespace puts it. */
	how = NULL;
	int fd = open(P("%s/dang_abs", X), O_WRONLY | O_CREAT, 0644);
	if (fd >= 0) { close(fd); how = landed(P("%s/escape-created-abs", HOST), "O_CREAT through an absolute dangling symlink"); }
	fd = open(P("%s/dang_rel", X), O_WRONLY | O_CREAT, 0644);
	if (fd >= 0 && !how) { close(fd); how = landed("/escape-created-rel", "O_CREAT through a relative dangling symlink"); }
	report("create through a dangling symlink", how);

	/* mkdir, symlink, mknod, unlink, truncate, chmod past the mount root: each on its own. */
	report("mkdir past the mount root", mkdir(P("%s/../escape-mkdir", X), 0755) == 0 ? landed("/escape-mkdir", "mkdir X/../escape-mkdir") : NULL);
	report("symlink through a symlink to ..", symlink("target", P("%s/rel_up/escape-symlink", X)) == 0
		? landed("/escape-symlink", "symlink X/rel_up/escape-symlink") : NULL);
	report("mknod past the mount root", mknod(P("%s/../escape-node", X), S_IFREG | 0644, 0) == 0 ? landed("/escape-node", "mknod X/../escape-node") : NULL);
	report("unlink past the mount root", unlink(P("%s/../canary", X)) == 0 || unlink(P("%s/rel_up/canary", X)) == 0
		? "unlinked a canary past the mount root" : NULL);
	report("truncate through symlinks", truncate(P("%s/rel_canary", X), 0) == 0 || truncate(P("%s/abs_canary", X), 0) == 0
		? landed("/canary", "truncate through a symlink") : NULL);
	report("chmod through symlinks", chmod(P("%s/rel_canary", X), 0) == 0 || chmod(P("%s/abs_host", X), 0) == 0
		? "chmod reached a file outside the mount" : NULL);

	/* rename and link out of the mount: EXDEV on Linux; a success must land in the guest namespace. */
	int dx = open(X, O_RDONLY | O_DIRECTORY);
	report("rename to X/..", rename(P("%s/movable", X), P("%s/../escape-renamed", X)) == 0
		? landed("/escape-renamed", "rename X/movable X/../escape-renamed") : NULL);
	report("renameat with a dirfd and ..", renameat(dx, "movable2", dx, "../escape-renamed2") == 0
		? landed("/escape-renamed2", "renameat(dirfd, ../)") : NULL);
	report("rename to a host path", rename(P("%s/movable3", X), P("%s/escape-renamed3", HOST)) == 0
		? landed(P("%s/escape-renamed3", HOST), "rename to a host path") : NULL);
	report("rename through a symlink to ..", rename(P("%s/movable4", X), P("%s/rel_up/escape-renamed4", X)) == 0
		? landed("/escape-renamed4", "rename through X/rel_up") : NULL);
	report("RENAME_EXCHANGE across mounts", syscall(SYS_renameat2, dx, "movable5", AT_FDCWD, "/tmp/escape-exchanged", 2 /* RENAME_EXCHANGE */) == 0
		? "RENAME_EXCHANGE across mounts succeeded" : NULL);
	report("link to X/..", link(P("%s/linkable", X), P("%s/../escape-linked", X)) == 0
		? landed("/escape-linked", "link X/linkable X/../escape-linked") : NULL);
	report("linkat with a dirfd and ..", linkat(dx, "linkable", dx, "../escape-linked2", 0) == 0
		? landed("/escape-linked2", "linkat(dirfd, ../)") : NULL);
	report("link through a symlink to ..", link(P("%s/linkable", X), P("%s/rel_up/escape-linked3", X)) == 0
		? landed("/escape-linked3", "link through X/rel_up") : NULL);
	int lf = open(P("%s/linkable", X), O_RDONLY);
	report("linkat of /proc/self/fd/N out of the mount", lf >= 0 && linkat(AT_FDCWD, P("/proc/self/fd/%d", lf), AT_FDCWD, "/escape-linked4", AT_SYMLINK_FOLLOW) == 0
		? landed("/escape-linked4", "linkat of /proc/self/fd/N") : NULL);
	report("link a host path into the mount", link(P("%s/canary", HOST), P("%s/stolen", X)) == 0 || link(P("%s/abs_canary", X), P("%s/stolen2", X)) == 0
		? (reads_canary(P("%s/stolen", X)) || reads_canary(P("%s/stolen2", X)) ? "hard-linked the host canary into the mount" : NULL) : NULL);
	if (lf >= 0) close(lf);
	close(dx);
}

/* Every mutation of the read-only mount must fail. */
static void ro_probes(void)
{
	static const int modes[] = {O_WRONLY, O_RDWR, O_WRONLY | O_TRUNC, O_RDWR | O_APPEND, O_WRONLY | O_CREAT};
	const char *how = NULL;
	for (unsigned i = 0; i < sizeof modes / sizeof modes[0] && !how; i++) {
		int fd = open(P("%s/file", RO), modes[i], 0644);
		if (fd >= 0) { how = P("open(RO/file, flags 0x%x) succeeded", modes[i]); close(fd); }
	}
	report("read-only mount: open for writing", how);
	int fd = open(P("%s/new", RO), O_WRONLY | O_CREAT, 0644);
	report("read-only mount: O_CREAT", fd >= 0 ? "created RO/new" : NULL);
	if (fd >= 0) close(fd);
	report("read-only mount: mkdir", mkdir(P("%s/newdir", RO), 0755) == 0 ? "mkdir RO/newdir" : NULL);
	report("read-only mount: symlink", symlink("x", P("%s/newlink", RO)) == 0 ? "symlink RO/newlink" : NULL);
	report("read-only mount: mknod", mknod(P("%s/newnode", RO), S_IFREG | 0644, 0) == 0 ? "mknod RO/newnode" : NULL);
	report("read-only mount: link inside", link(P("%s/file", RO), P("%s/hardlink", RO)) == 0 ? "link inside RO" : NULL);
	report("read-only mount: unlink", unlink(P("%s/file", RO)) == 0 ? "unlink RO/file" : NULL);
	report("read-only mount: rmdir", rmdir(P("%s/sub", RO)) == 0 ? "rmdir RO/sub" : NULL);
	report("read-only mount: rename inside", rename(P("%s/file", RO), P("%s/renamed", RO)) == 0 ? "rename inside RO" : NULL);
	report("read-only mount: rename out", rename(P("%s/file", RO), P("%s/stolen-ro", X)) == 0 ? "renamed RO/file into the read-write mount" : NULL);
	report("read-only mount: rename in", rename(P("%s/movable", X), P("%s/moved-in", RO)) == 0 ? "renamed a file into RO" : NULL);
	report("read-only mount: link in", link(P("%s/linkable", X), P("%s/linked-in", RO)) == 0 ? "linked a file into RO" : NULL);
	struct timespec ts[2] = {{1, 0}, {1, 0}};
	report("read-only mount: chmod", chmod(P("%s/file", RO), 0777) == 0 ? "chmod RO/file" : NULL);
	report("read-only mount: chown", chown(P("%s/file", RO), 1, 1) == 0 ? "chown RO/file" : NULL);
	report("read-only mount: utimensat", utimensat(AT_FDCWD, P("%s/file", RO), ts, 0) == 0 ? "utimensat RO/file" : NULL);
	report("read-only mount: truncate", truncate(P("%s/file", RO), 0) == 0 ? "truncate RO/file" : NULL);

	fd = open(P("%s/file", RO), O_RDONLY);
	report("read-only mount: fchmod", fd >= 0 && fchmod(fd, 0777) == 0 ? "fchmod on an RO fd" : NULL);
	report("read-only mount: ftruncate", fd >= 0 && ftruncate(fd, 0) == 0 ? "ftruncate on an RO fd" : NULL);
	report("read-only mount: write to an O_RDONLY fd", fd >= 0 && write(fd, "x", 1) >= 0 ? "write on an O_RDONLY fd" : NULL);
	int again = fd >= 0 ? open(P("/proc/self/fd/%d", fd), O_WRONLY) : -1;
	report("read-only mount: reopen /proc/self/fd/N for writing", again >= 0 ? "reopened an RO fd for writing" : NULL);
	if (again >= 0) close(again);
	int dro = open(RO, O_RDONLY | O_DIRECTORY);
	int w = dro >= 0 ? openat(dro, "file", O_WRONLY) : -1;
	report("read-only mount: openat with its dirfd", w >= 0 ? "openat(RO dirfd, file, O_WRONLY)" : NULL);
	if (w >= 0) close(w);
	if (dro >= 0) close(dro);
	void *m = fd >= 0 ? mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) : MAP_FAILED;
	report("read-only mount: writable MAP_SHARED", m != MAP_FAILED ? "MAP_SHARED PROT_WRITE of an O_RDONLY fd" : NULL);
	if (m != MAP_FAILED) munmap(m, 4096);
	void *p = fd >= 0 ? mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0) : MAP_FAILED;
	if (p != MAP_FAILED) { memcpy(p, "escape-private", 14); munmap(p, 4096); } /* must not reach the file */
	char back[16] = {0};
	report("read-only mount: a MAP_PRIVATE write stays private", fd >= 0 && pread(fd, back, 14, 0) == 14 && memcmp(back, "escape-private", 14) == 0
		? "a private mapping's write reached the file" : NULL);
	if (fd >= 0) close(fd);
	fd = open(P("%s/ro_link", X), O_WRONLY);
	report("read-only mount: write through a symlink from the read-write mount", fd >= 0 ? "opened RO/file for writing through X/ro_link" : NULL);
	if (fd >= 0) close(fd);
}

/* The symlink-swap race: one thread flips X/swap between a symlink into the mount (X/a, whose
 * canary is a decoy) and a symlink to `..` or to the host path; the other opens X/swap/canary. */
static atomic_int race_done;
static atomic_int race_leaks;

static void *swapper(void *arg)
{
	(void)arg;
	const char *tmp = P("%s/swap.tmp", X), *swap = P("%s/swap", X);
	char tmpbuf[4096], swapbuf[4096];
	strcpy(tmpbuf, tmp);
	strcpy(swapbuf, swap);
	for (int i = 0; i < RACE_ROUNDS; i++) {
		const char *target = i % 3 == 0 ? "a" : i % 3 == 1 ? ".." : HOST;
		unlink(tmpbuf);
		if (symlink(target, tmpbuf) == 0) rename(tmpbuf, swapbuf);
		if (i % 7 == 0) { unlink(swapbuf); mkdir(swapbuf, 0755); rmdir(swapbuf); }
	}
	atomic_store(&race_done, 1);
	return NULL;
}

static void *opener(void *arg)
{
	(void)arg;
	char path[4096], up[4096];
	snprintf(path, sizeof path, "%s/swap/canary", X);
	snprintf(up, sizeof up, "%s/swap/../canary", X);
	int dx = open(X, O_RDONLY | O_DIRECTORY);
	for (int i = 0; i < RACE_ROUNDS && !atomic_load(&race_done); i++) {
		if (reads_canary(path) || reads_canary(up) || reads_canary_at(dx, "swap/canary")) atomic_fetch_add(&race_leaks, 1);
	}
	close(dx);
	return NULL;
}

static void race_probe(void)
{
	pthread_t a, b;
	pthread_create(&a, NULL, swapper, NULL);
	pthread_create(&b, NULL, opener, NULL);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	int leaks = atomic_load(&race_leaks);
	report("symlink-swap race between two threads", leaks ? P("read the canary %d times during the race", leaks) : NULL);
}

int main(int argc, char **argv)
{
	if (argc != 4) { fprintf(stderr, "usage: escape X RO HOST\n"); return 2; }
	X = argv[1]; RO = argv[2]; HOST = argv[3];
	struct utsname u;
	/* Only under ecall's deterministic mode (host name "ecall"): elsewhere there is no sandbox. */
	if (uname(&u) != 0 || strcmp(u.nodename, "ecall") != 0) {
		fprintf(stderr, "escape: refusing to run outside `ecall run --seed` (host name is not \"ecall\")\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	setup_tree();
	read_probes();
	write_probes();
	ro_probes();
	race_probe();
	printf("escape: %d probes, %d escaped\n", probes, escaped);
	return escaped ? 1 : 0;
}
