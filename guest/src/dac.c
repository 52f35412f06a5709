/*
 * dac: file permission checks with the caller's credentials. Starts as uid 0, builds fixtures under
 * /tmp, checks root's overrides, then takes the effective ids of nobody (65534, keeping saved id 0
 * so it can switch back and clean up) with one supplementary group, and checks what nobody may do:
 * search, write and read bits, the sticky bit, O_NOATIME, AT_EACCESS, new files' owner and group
 * (setgid directories), the umask, chmod/chown rules and the clearing of setuid/setgid.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#define EXPECT_WIDTH 48
#include "../include/expect.h"

#define NOBODY 65534
/* A group nobody is made a supplementary member of, and one it is not in. */
#define GROUP_IN 4321
#define GROUP_OUT 1234
#define PATH_LEN 256

static char base[PATH_LEN];

/* Returns base/name in a static buffer (one of four, so a call may use two). */
static const char *P(const char *name)
{
	static char buf[4][PATH_LEN * 2];
	static int i;
	i = (i + 1) % 4;
	snprintf(buf[i], sizeof buf[i], "%s/%s", base, name);
	return buf[i];
}

static void mkfile(const char *name, mode_t mode, uid_t uid, gid_t gid)
{
	int fd = open(P(name), O_CREAT | O_WRONLY | O_TRUNC, 0600);
	if (fd < 0 || write(fd, "data\n", 5) != 5) { perror(name); exit(2); }
	close(fd);
	if (chown(P(name), uid, gid) || chmod(P(name), mode)) { perror(name); exit(2); }
}

static void mkd(const char *name, mode_t mode, uid_t uid, gid_t gid)
{
	if (mkdir(P(name), 0700) || chown(P(name), uid, gid) || chmod(P(name), mode)) { perror(name); exit(2); }
}

static long mode_of(const char *name)
{
	struct stat st;
	if (stat(P(name), &st)) return -1;
	return st.st_mode & 07777;
}

static void as_nobody(void)
{
	gid_t g[1] = { GROUP_IN };
	if (setgroups(1, g) || setresgid(-1, NOBODY, -1) || setresuid(-1, NOBODY, -1)) { perror("as_nobody"); exit(2); }
}

static void as_root(void)
{
	if (setresuid(-1, 0, -1) || setresgid(-1, 0, -1) || setgroups(0, NULL)) { perror("as_root"); exit(2); }
}

static void root_checks(void)
{
	struct stat st;
	int fd;
	expect("root: open 0000 file for reading", fd = open(P("w/zero"), O_RDONLY), 0);
	if (fd >= 0) close(fd);
	expect("root: access X_OK of 0644 file", access(P("w/r2"), X_OK), EACCES);
	expect("root: access X_OK of 0700 dir of nobody", access(P("nob"), X_OK), 0);
	expect("root: stat through 0700 dir of nobody", stat(P("nob/f"), &st), 0);
	expect("root: chmod file of nobody", chmod(P("nob/f"), 0640), 0);
	expect("root: unlink root file in sticky dir", unlink(P("s/tmpfile")), 0);
	/* chown by root of an executable setuid/setgid file clears both bits. */
	mkfile("suid", 06755, 0, 0);
	expect("root: chown of setuid file", chown(P("suid"), NOBODY, -1), 0);
	expect_mode("root: mode after chown (was 6755)", mode_of("suid"), 0755);
	/* chown of a setgid file without group-exec keeps S_ISGID (mandatory locking mark). */
	mkfile("sgidnx", 02644, 0, 0);
	expect("root: chown of setgid non-group-exec file", chown(P("sgidnx"), NOBODY, -1), 0);
	expect_mode("root: mode after chown (was 2644)", mode_of("sgidnx"), 02644);
}

static void nobody_checks(void)
{
	struct stat st;
	char buf[64];
	int fd;

	expect("stat through 0700 dir", stat(P("d/f"), &st), EACCES);
	expect("readlink through 0700 dir", readlink(P("d/lnk"), buf, sizeof buf), EACCES);
	expect("open through 0700 dir", open(P("d/f"), O_RDONLY), EACCES);
	expect("link into 0755 dir", link(P("w/rw"), P("w/new")), EACCES);
	expect("rename in 0755 dir", rename(P("w/r2"), P("w/x")), EACCES);
	expect("rmdir in 0755 dir", rmdir(P("w/sub")), EACCES);
	expect("unlink in 0755 dir", unlink(P("w/r2")), EACCES);
	expect("create in 0755 dir", open(P("w/c"), O_CREAT | O_WRONLY, 0644), EACCES);
	expect("mkdir in 0755 dir", mkdir(P("w/m"), 0755), EACCES);
	expect("symlink in 0755 dir", symlink("x", P("w/sl")), EACCES);
	expect("truncate 0644 file of root", truncate(P("w/r2"), 0), EACCES);
	expect("open O_WRONLY of 0444 file", open(P("w/r"), O_WRONLY), EACCES);
	expect("open O_RDONLY of 0000 file", open(P("w/zero"), O_RDONLY), EACCES);
	expect("open O_RDONLY|O_NOATIME of root's file", open(P("w/r2"), O_RDONLY | O_NOATIME), EPERM);
	expect("open O_RDONLY of 0644 file", fd = open(P("w/r2"), O_RDONLY), 0);
	if (fd >= 0) close(fd);
	expect("access W_OK (real ids are root)", access(P("w/r2"), W_OK), 0);
	expect("faccessat2 W_OK AT_EACCESS", syscall(SYS_faccessat2, AT_FDCWD, P("w/r2"), W_OK, AT_EACCESS), EACCES);
	expect("faccessat W_OK AT_EACCESS", faccessat(AT_FDCWD, P("w/r2"), W_OK, AT_EACCESS), EACCES);
	expect("open 0060 file of supplementary group", fd = open(P("w/grp"), O_RDWR), 0);
	if (fd >= 0) close(fd);
	expect("open 0606 file of supplementary group", open(P("w/grpno"), O_RDONLY), EACCES);
	expect("chmod root's file", chmod(P("w/r2"), 0777), EPERM);
	expect("chown root's file to nobody", chown(P("w/r2"), NOBODY, -1), EPERM);
	expect("utimes(NULL) of root's 0666 file", utimes(P("w/rw"), NULL), 0);
	expect("utimensat explicit on root's 0666 file", utimensat(AT_FDCWD, P("w/rw"),
		(struct timespec[2]){{1, 0}, {1, 0}}, 0), EPERM);

	/* Sticky directory. */
	expect("unlink root's file in sticky dir", unlink(P("s/rootfile")), EPERM);
	expect("rename root's file in sticky dir", rename(P("s/rootfile"), P("s/moved")), EPERM);
	expect("create own file in sticky dir", fd = open(P("s/mine"), O_CREAT | O_WRONLY, 0644), 0);
	if (fd >= 0) close(fd);
	expect("unlink own file in sticky dir", unlink(P("s/mine")), 0);

	/* New files: owner, setgid directory group, umask. */
	umask(022);
	expect("create in setgid dir", fd = open(P("g/new"), O_CREAT | O_WRONLY, 0666), 0);
	if (fd >= 0) close(fd);
	if (stat(P("g/new"), &st) == 0) {
		expect_val("new file uid", st.st_uid, NOBODY);
		expect_val("new file gid (setgid dir's)", st.st_gid, GROUP_OUT);
		expect_mode("new file mode (0666 & ~022)", st.st_mode & 07777, 0644);
	}
	expect("mkdir in setgid dir", mkdir(P("g/sub"), 0777), 0);
	if (stat(P("g/sub"), &st) == 0) {
		expect_val("new dir gid (setgid dir's)", st.st_gid, GROUP_OUT);
		expect_mode("new dir mode keeps S_ISGID", st.st_mode & 07777, 02755);
	}
	expect("create in plain dir", fd = open(P("p/new"), O_CREAT | O_WRONLY, 0777), 0);
	if (fd >= 0) close(fd);
	if (stat(P("p/new"), &st) == 0) {
		expect_val("new file uid in plain dir", st.st_uid, NOBODY);
		expect_val("new file gid in plain dir (fsgid)", st.st_gid, NOBODY);
	}
	umask(0);
	expect("create 0777 with umask 0", fd = open(P("p/u0"), O_CREAT | O_WRONLY, 0777), 0);
	if (fd >= 0) close(fd);
	expect_mode("mode with umask 0", mode_of("p/u0"), 0777);
	expect("mkdir 0777 with umask 0", mkdir(P("p/d0"), 0777), 0);
	expect_mode("dir mode with umask 0", mode_of("p/d0"), 0777);
	umask(077);
	expect("mkfifo 0666 with umask 077", mkfifo(P("p/fifo"), 0666), 0);
	expect_mode("fifo mode with umask 077", mode_of("p/fifo"), 0600);
	umask(022);

	/* chmod and chown of one's own file. */
	expect("chmod own file setgid, group not ours", chmod(P("g/new"), 02755), 0);
	expect_mode("mode: S_ISGID dropped", mode_of("g/new"), 0755);
	expect("chown own file to supplementary group", chown(P("p/new"), -1, GROUP_IN), 0);
	expect("chown own file to other group", chown(P("p/new"), -1, GROUP_OUT), EPERM);
	expect("chown own file to root", chown(P("p/new"), 0, -1), EPERM);
	expect("chown own file to self (no change)", chown(P("p/new"), NOBODY, -1), 0);
	expect("chmod own file setuid", chmod(P("p/new"), 04755), 0);
	expect_mode("mode with setuid", mode_of("p/new"), 04755);
	fd = open(P("p/new"), O_WRONLY);
	expect("write to own setuid file", write(fd, "x", 1), 0);
	close(fd);
	expect_mode("mode after write: setuid cleared", mode_of("p/new"), 0755);
	expect("chmod own file 06775 (group ours)", chmod(P("p/new"), 06775), 0);
	expect_mode("mode 06775", mode_of("p/new"), 06775);
	expect("truncate own setuid/setgid file", truncate(P("p/new"), 0), 0);
	expect_mode("mode after truncate: both cleared", mode_of("p/new"), 0775);
	expect("chmod 02745 (no group exec)", chmod(P("p/new"), 02745), 0);
	fd = open(P("p/new"), O_WRONLY);
	expect("write to setgid, no group exec", write(fd, "x", 1), 0);
	close(fd);
	expect_mode("mode after write: S_ISGID kept", mode_of("p/new"), 02745);
	expect("chown own setgid file, no group exec", chown(P("p/new"), -1, GROUP_IN), 0);
	expect_mode("mode after chown: S_ISGID kept", mode_of("p/new"), 02745);
}

static void fsuid_checks(void)
{
	struct stat st;
	/* Root with fsuid nobody: the file system sees nobody. */
	setfsuid(NOBODY);
	expect("fsuid nobody: stat through 0700 dir", stat(P("d/f"), &st), EACCES);
	setfsuid(0);
	expect("fsuid 0: stat through 0700 dir", stat(P("d/f"), &st), 0);
}

static void cleanup(void)
{
	static const char *files[] = {
		"d/f", "d/lnk", "w/r", "w/r2", "w/zero", "w/grp", "w/grpno", "w/rw", "s/rootfile", "g/new",
		"p/new", "p/u0", "p/fifo", "nob/f", "suid", "sgidnx",
	};
	static const char *dirs[] = { "d", "w/sub", "w", "s", "g/sub", "g", "p/d0", "p", "nob" };
	for (unsigned i = 0; i < sizeof files / sizeof *files; i++) unlink(P(files[i]));
	for (unsigned i = 0; i < sizeof dirs / sizeof *dirs; i++) rmdir(P(dirs[i]));
	rmdir(base);
}

int main(void)
{
	if (geteuid() != 0) { printf("dac: must start as uid 0\n"); return 2; }
	snprintf(base, sizeof base, "/tmp/ecall-dac-%d", (int)getpid());
	umask(022);
	if (mkdir(base, 0755)) { perror("mkdir base"); return 2; }
	mkd("d", 0700, 0, 0);
	mkfile("d/f", 0644, 0, 0);
	if (symlink("f", P("d/lnk"))) { perror("symlink"); return 2; }
	mkd("w", 0755, 0, 0);
	mkd("w/sub", 0755, 0, 0);
	mkfile("w/r", 0444, 0, 0);
	mkfile("w/r2", 0644, 0, 0);
	mkfile("w/zero", 0000, 0, 0);
	mkfile("w/rw", 0666, 0, 0);
	mkfile("w/grp", 0060, 0, GROUP_IN);
	mkfile("w/grpno", 0606, 0, GROUP_IN);
	mkd("s", 01777, 0, 0);
	mkfile("s/rootfile", 0666, 0, 0);
	mkfile("s/tmpfile", 0666, NOBODY, NOBODY);
	mkd("g", 02777, 0, GROUP_OUT);
	mkd("p", 0777, 0, 0);
	mkd("nob", 0700, NOBODY, NOBODY);
	mkfile("nob/f", 0600, NOBODY, NOBODY);

	root_checks();
	fsuid_checks();
	as_nobody();
	nobody_checks();
	as_root();
	cleanup();
	return expect_done("dac");
}
