/*
 * rootcalls: calls that need uid 0, run as root: chroot (absolute paths, "..", absolute symlinks
 * and exec inside the new root, inheritance over fork, the cwd left outside it, ENOENT/ENOTDIR/
 * EACCES/EPERM), sethostname/setdomainname as uname and /proc/sys/kernel see them, and the
 * capability sets through capget/capset and set*uid. qemu-riscv64 cannot be the reference (these
 * change the host), so every line checks itself against Linux's documented result; run natively
 * as root in fresh UTS and mount namespaces the same source prints the same lines.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../include/expect.h"
#include "../include/held_child.h"

/* Every capability of Linux 6.1 (0..CAP_CHECKPOINT_RESTORE = 40): the second word's bits 0..8. */
#define FULL_HIGH 0x1ffu
#define NOBODY 65534

static char dir[128];

/* Reads the caller's capability sets (v3) into d[2]. */
static void caps_now(struct __user_cap_data_struct d[2])
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	memset(d, 0, 2 * sizeof *d);
	syscall(SYS_capget, &h, d);
}

/* Sets the caller's capability sets (v3) from d[2]. */
static long caps_set(struct __user_cap_data_struct d[2])
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	return syscall(SYS_capset, &h, d);
}

/* True if capability cap is in the set of d[2] that field picks (0 effective, 1 permitted, 2 inheritable). */
static int has(struct __user_cap_data_struct d[2], int field, int cap)
{
	const struct __user_cap_data_struct *w = &d[cap / 32];
	unsigned v = field == 0 ? w->effective : field == 1 ? w->permitted : w->inheritable;
	return (v >> (cap % 32)) & 1;
}

/* Checks the caller's sets (the root sandbox may lack some capabilities, so only named ones are checked). */
static void check_caps(const char *when, int eff, int prm, int inh_chroot)
{
	struct __user_cap_data_struct d[2];
	char what[96];
	caps_now(d);
	snprintf(what, sizeof what, "%s: CAP_SYS_ADMIN, CAP_SYS_CHROOT effective", when);
	expect_val(what, has(d, 0, CAP_SYS_ADMIN) && has(d, 0, CAP_SYS_CHROOT), eff);
	snprintf(what, sizeof what, "%s: CAP_SYS_ADMIN, CAP_SYS_CHROOT permitted", when);
	expect_val(what, has(d, 1, CAP_SYS_ADMIN) && has(d, 1, CAP_SYS_CHROOT), prm);
	snprintf(what, sizeof what, "%s: effective empty", when);
	expect_val(what, d[0].effective == 0 && d[1].effective == 0, !eff);
	snprintf(what, sizeof what, "%s: inheritable is CAP_SYS_CHROOT only", when);
	expect_val(what, d[0].inheritable == (inh_chroot ? 1u << CAP_SYS_CHROOT : 0) && d[1].inheritable == 0, 1);
}

/* Runs fn in a child process and returns its exit status. */
static int in_child(void (*fn)(void))
{
	fflush(stdout);
	pid_t p = fork();
	if (p == 0) { fn(); fflush(stdout); _exit(failures != 0); }
	int st;
	waitpid(p, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Reads a whole small file into buf (NUL-terminated, trailing newline dropped). */
static void read_text(const char *path, char *buf, size_t n)
{
	buf[0] = 0;
	int fd = open(path, O_RDONLY);
	if (fd < 0) return;
	ssize_t k = read(fd, buf, n - 1);
	close(fd);
	if (k < 0) k = 0;
	buf[k] = 0;
	if (k > 0 && buf[k - 1] == '\n') buf[k - 1] = 0;
}

static void names(void)
{
	struct utsname u;
	char text[128];
	expect("sethostname ecall-test", sethostname("ecall-test", 10), 0);
	uname(&u);
	expect_val("uname nodename is ecall-test", strcmp(u.nodename, "ecall-test"), 0);
	read_text("/proc/sys/kernel/hostname", text, sizeof text);
	expect_val("/proc/sys/kernel/hostname is ecall-test", strcmp(text, "ecall-test"), 0);
	expect("sethostname with 64 bytes", sethostname("0123456789012345678901234567890123456789012345678901234567890123", 64), 0);
	uname(&u);
	expect_val("nodename length", (long)strlen(u.nodename), 64);
	expect("sethostname with 65 bytes", sethostname("01234567890123456789012345678901234567890123456789012345678901234", 65), EINVAL);
	expect("sethostname with length -1", syscall(SYS_sethostname, "x", -1L), EINVAL);
	expect("sethostname ab<NUL>cd", sethostname("ab\0cd", 5), 0);
	uname(&u);
	expect_val("nodename stops at the NUL", strcmp(u.nodename, "ab"), 0);
	expect("setdomainname example.org", setdomainname("example.org", 11), 0);
	uname(&u);
	expect_val("uname domainname is example.org", strcmp(u.domainname, "example.org"), 0);
	read_text("/proc/sys/kernel/domainname", text, sizeof text);
	expect_val("/proc/sys/kernel/domainname is example.org", strcmp(text, "example.org"), 0);
	expect("setdomainname with 65 bytes", setdomainname("01234567890123456789012345678901234567890123456789012345678901234", 65), EINVAL);
	setresuid(NOBODY, NOBODY, NOBODY);
	expect("sethostname as nobody", sethostname("x", 1), EPERM);
	expect("setdomainname as nobody", setdomainname("x", 1), EPERM);
	expect("setdomainname as nobody, bad length", syscall(SYS_setdomainname, "x", 65L), EPERM);
}

/* Inside the chroot: what the new root shows (run in a child that called chroot(dir)). */
static void inside(void)
{
	struct stat a, b;
	char buf[256];
	expect("stat /inside", stat("/inside", &a), 0);
	expect("stat /abs (symlink to /inside)", stat("/abs", &b), 0);
	expect_val("/abs is /inside", a.st_ino == b.st_ino, 1);
	expect("stat /../../inside", stat("/../../inside", &b), 0);
	stat("/", &a);
	stat("/..", &b);
	expect_val("/.. is /", a.st_ino == b.st_ino && a.st_dev == b.st_dev, 1);
	expect("stat /up/inside (symlink to ../..)", stat("/up/inside", &b), 0);
	long n = syscall(SYS_getcwd, buf, sizeof buf);
	expect("getcwd with the cwd outside the root", n, 0);
	expect_val("getcwd is (unreachable)/tmp", strcmp(buf, "(unreachable)/tmp"), 0);
	char rel[160];
	snprintf(rel, sizeof rel, "%s/inside", strrchr(dir, '/') + 1);
	expect("relative path from the old cwd still works", stat(rel, &b), 0);
	expect("chdir /", chdir("/"), 0);
	n = syscall(SYS_getcwd, buf, sizeof buf);
	expect_val("getcwd is /", n > 0 && strcmp(buf, "/") == 0, 1);
	expect("chdir .. at the root", chdir(".."), 0);
	expect("stat inside from / after ..", stat("inside", &b), 0);
	fflush(stdout);
	pid_t p = fork();
	if (p == 0) _exit(stat("/inside", &b) == 0 ? 0 : 1);
	int st;
	waitpid(p, &st, 0);
	expect_val("a forked child sees the same root", WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0);
	fflush(stdout);
	p = fork();
	if (p == 0) {
		char *argv[] = { "/prog", "inroot", NULL };
		execv("/prog", argv);
		_exit(99);
	}
	waitpid(p, &st, 0);
	expect_val("/prog exec'd inside the root finds /inside", WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0);
	expect("chroot again to /sub (relative to the new root)", chroot("/sub"), 0);
	expect("stat /here (sub's file)", stat("/here", &b), 0);
	expect("stat /inside is now gone", stat("/inside", &b), ENOENT);
}

static void chroot_child(void)
{
	expect("chdir /tmp (outside the new root)", chdir("/tmp"), 0);
	expect("chroot to the directory", chroot(dir), 0);
	inside();
}

static void chroot_errors(void)
{
	char path[192];
	snprintf(path, sizeof path, "%s/inside", dir);
	expect("chroot to a missing path", chroot("/nonexistent-ecall"), ENOENT);
	expect("chroot to a file", chroot(path), ENOTDIR);
	expect("chroot to a path through a file", chroot("/proc/self/status/x"), ENOTDIR);
	struct __user_cap_data_struct d[2];
	caps_now(d);
	d[0].effective &= ~(1u << CAP_SYS_CHROOT);
	expect("capset: drop CAP_SYS_CHROOT from effective", caps_set(d), 0);
	expect("chroot without CAP_SYS_CHROOT", chroot(dir), EPERM);
	d[0].effective |= 1u << CAP_SYS_CHROOT;
	expect("capset: raise it again from permitted", caps_set(d), 0);
	d[0].permitted &= ~(1u << CAP_SYS_CHROOT);
	d[0].effective &= ~(1u << CAP_SYS_CHROOT);
	expect("capset: drop it from permitted", caps_set(d), 0);
	d[0].effective |= 1u << CAP_SYS_CHROOT;
	expect("capset: effective beyond permitted", caps_set(d), EPERM);
	d[0].permitted |= 1u << CAP_SYS_CHROOT;
	expect("capset: permitted beyond the old permitted", caps_set(d), EPERM);
	snprintf(path, sizeof path, "%s/locked", dir);
	setresuid(NOBODY, NOBODY, NOBODY);
	expect("chroot as nobody", chroot(dir), EPERM);
	expect("chroot as nobody without search permission", chroot(path), EACCES);
}

static void caps_uids(void)
{
	check_caps("root", 1, 1, 0);
	expect("seteuid 1000", setresuid(-1, 1000, -1), 0);
	check_caps("euid 1000", 0, 1, 0);
	expect("seteuid 0", setresuid(-1, 0, -1), 0);
	check_caps("euid 0 again", 1, 1, 0);
	struct __user_cap_data_struct d[2];
	caps_now(d);
	d[0].inheritable = 1u << CAP_SYS_CHROOT;
	expect("capset: inheritable from permitted", caps_set(d), 0);
	expect("setresuid 1000 everywhere", setresuid(1000, 1000, 1000), 0);
	check_caps("uid 1000", 0, 0, 1);
	caps_now(d);
	d[0].inheritable = 1u << CAP_SYS_ADMIN;
	expect("capset: inheritable beyond permitted", caps_set(d), EPERM);
}

/* Copies the running program to path (so it can be exec'd inside the chroot). */
static void copy_self(const char *path)
{
	char buf[65536];
	int in = open("/proc/self/exe", O_RDONLY), out = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0755);
	ssize_t n;
	while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof buf)) > 0) write(out, buf, n);
	close(in);
	close(out);
}

/* Makes the test directory the caller's root (a held child's set-up). */
static void chroot_dir(void)
{
	chroot(dir);
}

int main(int argc, char **argv)
{
	struct stat st;
	if (argc > 1 && strcmp(argv[1], "inroot") == 0) return stat("/inside", &st) == 0 ? 0 : 1;
	char path[192], proc[64], link[192];
	snprintf(dir, sizeof dir, "/tmp/ecall-chroot-%d", (int)getpid());
	mkdir(dir, 0755);
	snprintf(path, sizeof path, "%s/inside", dir);
	close(open(path, O_CREAT | O_WRONLY, 0644));
	snprintf(path, sizeof path, "%s/abs", dir);
	symlink("/inside", path);
	snprintf(path, sizeof path, "%s/up", dir);
	symlink("../..", path);
	snprintf(path, sizeof path, "%s/sub", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/sub/here", dir);
	close(open(path, O_CREAT | O_WRONLY, 0644));
	snprintf(path, sizeof path, "%s/locked", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/prog", dir);
	copy_self(path);

	expect_val("chroot child", in_child(chroot_child), 0);
	expect_val("chroot errors child", in_child(chroot_errors), 0);
	expect_val("names child", in_child(names), 0);
	expect_val("capabilities child", in_child(caps_uids), 0);

	/* Another process's root as /proc/<pid>/root shows it to us. */
	struct held_child h;
	pid_t p = hold_child(&h, chroot_dir, NULL);
	snprintf(proc, sizeof proc, "/proc/%d/root", (int)p);
	ssize_t n = readlink(proc, link, sizeof link - 1);
	link[n < 0 ? 0 : n] = 0;
	expect_val("/proc/<pid>/root of the chrooted child is the directory", strcmp(link, dir), 0);
	release_child(&h);
	return expect_done("rootcalls");
}
