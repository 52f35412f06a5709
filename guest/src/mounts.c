/*
 * mounts: mount(2) and umount2(2) inside the guest as uid 0: a tmpfs (with size= and mode=), a
 * read-only remount and back, a bind mount, nodev and noexec flags as /proc/mounts shows them,
 * the EINVAL/EBUSY/ENOENT cases, and EPERM for an unprivileged caller.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../include/expect.h"


/* Returns the options column of target's line in /proc/mounts ("" if it is not mounted). */
static const char *mount_opts(const char *target)
{
	static char opts[256];
	char line[1024], src[256], dir[256], type[64];
	FILE *f = fopen("/proc/mounts", "r");
	opts[0] = 0;
	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "%255s %255s %63s %255s", src, dir, type, opts) == 4 && strcmp(dir, target) == 0) break;
		else opts[0] = 0;
	if (f) fclose(f);
	return opts;
}

static int create(const char *path)
{
	int fd = open(path, O_CREAT | O_WRONLY, 0644);
	if (fd >= 0) close(fd);
	return fd < 0 ? -1 : 0;
}

int main(void)
{
	char a[128], b[128], f[256], g[256], h[256];
	struct stat st;
	snprintf(a, sizeof a, "/tmp/ecall-mnt-%d", (int)getpid());
	snprintf(b, sizeof b, "%s-bind", a);
	mkdir(a, 0755);
	mkdir(b, 0755);
	snprintf(f, sizeof f, "%s/file", a);
	snprintf(g, sizeof g, "%s/file", b);

	expect("mount tmpfs size=1m,mode=0700", mount("none", a, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=0700"), 0);
	expect("root of the new tmpfs", stat(a, &st), 0);
	printf("mode %o, /proc/mounts options start rw,nosuid,nodev: %d\n", st.st_mode & 07777,
		strncmp(mount_opts(a), "rw,nosuid,nodev,", 16) == 0);
	expect("create a file in it", create(f), 0);
	expect("remount read-only", mount(NULL, a, NULL, MS_REMOUNT | MS_RDONLY, NULL), 0);
	printf("/proc/mounts options start ro and drop nosuid: %d\n", strncmp(mount_opts(a), "ro,relatime", 11) == 0);
	snprintf(h, sizeof h, "%s/second", a);
	expect("create a second file on the read-only mount", create(h), EROFS);
	expect("remount read-write", mount(NULL, a, NULL, MS_REMOUNT, NULL), 0);
	expect("bind mount it elsewhere", mount(a, b, NULL, MS_BIND, NULL), 0);
	expect("the file is seen through the bind", stat(g, &st), 0);
	expect("remount the bind read-only", mount(NULL, b, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL), 0);
	expect("unlink through the read-only bind", unlink(g), EROFS);
	expect("unlink through the writable mount", unlink(f), 0);
	expect("umount the bind", umount(b), 0);
	expect("umount it again", umount(b), EINVAL);
	expect("mount an unknown filesystem type", mount("none", a, "nosuchfs", 0, NULL), ENODEV);
	expect("mount tmpfs with a bad option", mount("none", b, "tmpfs", 0, "size=lots"), EINVAL);
	expect("mount tmpfs on a missing directory", mount("none", "/nonexistent-ecall", "tmpfs", 0, NULL), ENOENT);
	expect("remount something that is no mount point", mount(NULL, b, NULL, MS_REMOUNT, NULL), EINVAL);
	expect("mount --make-private of the tmpfs", mount(NULL, a, NULL, MS_PRIVATE, NULL), 0);
	expect("umount2 with unknown flags", umount2(a, 0x100), EINVAL);
	if (setresuid(-1, 65534, -1)) { perror("setresuid"); return 2; }
	expect("mount as nobody", mount("none", b, "tmpfs", 0, NULL), EPERM);
	expect("umount as nobody", umount(a), EPERM);
	if (setresuid(-1, 0, -1)) { perror("setresuid"); return 2; }
	expect("umount the tmpfs", umount(a), 0);
	expect("the directory below is back (empty)", stat(f, &st), ENOENT);
	rmdir(a);
	rmdir(b);
	return expect_done("mounts");
}
