/*
 * xattr: user.* extended attributes on a file in /tmp (set with XATTR_CREATE/XATTR_REPLACE, get
 * with the size probe and a short buffer, list, remove) through the path, l* and f* calls, and
 * the errors: bad flags and names, oversized values, unknown namespaces, symlinks, files without
 * attribute support (/proc, pipes) and missing attributes. qemu-riscv64 passes these to the host
 * kernel (its /tmp is ext4 there, tmpfs under ecall; both hold user.* attributes alike).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "../include/expect.h"

/* Prints the attribute names of path sorted (filesystems list them in their own order). */
static void show_list(const char *what, ssize_t n, char *list)
{
	const char *names[16];
	int k = 0;
	for (char *p = list; n > 0 && p < list + n && k < 16; p += strlen(p) + 1) names[k++] = p;
	for (int i = 0; i < k; i++)
		for (int j = i + 1; j < k; j++)
			if (strcmp(names[i], names[j]) > 0) { const char *x = names[i]; names[i] = names[j]; names[j] = x; }
	printf("%s:", what);
	for (int i = 0; i < k; i++) printf(" %s", names[i]);
	printf("\n");
}

int main(void)
{
	char dir[] = "/tmp/xattr-XXXXXX", path[256], link[256], buf[256], list[512];
	if (!mkdtemp(dir)) { perror("mkdtemp"); return 2; }
	snprintf(path, sizeof path, "%s/f", dir);
	snprintf(link, sizeof link, "%s/l", dir);
	close(open(path, O_CREAT | O_WRONLY, 0644));
	symlink("f", link);
	int fd = open(path, O_RDWR);
	int p[2];
	pipe(p);

	expect("setxattr user.color", setxattr(path, "user.color", "blue", 4, 0), 0);
	expect("XATTR_CREATE over it", setxattr(path, "user.color", "red", 3, XATTR_CREATE), EEXIST);
	expect("XATTR_REPLACE of a missing one", setxattr(path, "user.size", "1", 1, XATTR_REPLACE), ENODATA);
	expect("XATTR_REPLACE of it", setxattr(path, "user.color", "green", 5, XATTR_REPLACE), 0);
	expect("flags 4", setxattr(path, "user.x", "1", 1, 4), EINVAL);
	expect("empty name", setxattr(path, "", "1", 1, 0), ERANGE);
	char longname[300];
	memset(longname, 'n', sizeof longname - 1);
	memcpy(longname, "user.", 5);
	longname[sizeof longname - 1] = 0;
	expect("256-byte name", setxattr(path, longname, "1", 1, 0), ERANGE);
	longname[255] = 0;
	expect("255-byte name", setxattr(path, longname, "1", 1, 0), 0);
	expect("removexattr it", removexattr(path, longname), 0);
	static char big[65537];
	expect("value of 65537 bytes", setxattr(path, "user.big", big, sizeof big, 0), E2BIG);
	expect("unknown namespace", setxattr(path, "other.x", "1", 1, 0), EOPNOTSUPP);
	expect("no namespace", setxattr(path, "plain", "1", 1, 0), EOPNOTSUPP);
	expect("fsetxattr user.size", fsetxattr(fd, "user.size", "12345", 5, 0), 0);
	expect("setxattr through the symlink", setxattr(link, "user.via", "link", 4, 0), 0);
	expect("lsetxattr user.* on the symlink", lsetxattr(link, "user.x", "1", 1, 0), EPERM);
	expect("lgetxattr user.* on the symlink", lgetxattr(link, "user.x", buf, sizeof buf), ENODATA);
	expect_val("llistxattr of the symlink", llistxattr(link, list, sizeof list), 0);

	expect_val("getxattr size probe", getxattr(path, "user.color", NULL, 0), 5);
	memset(buf, 0, sizeof buf);
	expect_val("getxattr", getxattr(path, "user.color", buf, sizeof buf), 5);
	printf("value \"%s\"\n", buf);
	expect("getxattr into 2 bytes", getxattr(path, "user.color", buf, 2), ERANGE);
	expect("getxattr of a missing one", getxattr(path, "user.none", buf, sizeof buf), ENODATA);
	memset(buf, 0, sizeof buf);
	expect_val("fgetxattr", fgetxattr(fd, "user.size", buf, sizeof buf), 5);
	printf("value \"%s\"\n", buf);
	expect_val("lgetxattr follows nothing, the file has it", lgetxattr(path, "user.via", buf, sizeof buf), 4);
	ssize_t n = listxattr(path, NULL, 0);
	expect_val("listxattr size probe", n, (long)(strlen("user.color") + strlen("user.size") + strlen("user.via") + 3));
	expect("listxattr into 4 bytes", listxattr(path, list, 4), ERANGE);
	n = flistxattr(fd, list, sizeof list);
	show_list("flistxattr", n, list);
	expect("removexattr user.via", removexattr(path, "user.via"), 0);
	expect("removexattr it again", removexattr(path, "user.via"), ENODATA);
	expect("fremovexattr user.size", fremovexattr(fd, "user.size"), 0);
	n = listxattr(link, list, sizeof list);
	show_list("listxattr through the symlink", n, list);

	expect("setxattr on /proc/self/comm", setxattr("/proc/self/comm", "user.x", "1", 1, 0), EOPNOTSUPP);
	expect("getxattr on /proc/self/status", getxattr("/proc/self/status", "user.x", buf, sizeof buf), EOPNOTSUPP);
	expect("fsetxattr user.* on a pipe", fsetxattr(p[0], "user.x", "1", 1, 0), EPERM);
	expect("fgetxattr user.* on a pipe", fgetxattr(p[0], "user.x", buf, sizeof buf), ENODATA);
	expect("fsetxattr other.* on a pipe", fsetxattr(p[0], "other.x", "1", 1, 0), EOPNOTSUPP);
	expect_val("flistxattr of a pipe", flistxattr(p[0], list, sizeof list), 0);
	expect("fgetxattr on a closed fd", fgetxattr(999, "user.x", buf, sizeof buf), EBADF);
	expect("getxattr of a missing file", getxattr("/nonexistent-xattr", "user.x", buf, sizeof buf), ENOENT);

	close(fd);
	unlink(link);
	unlink(path);
	rmdir(dir);
	return expect_done("xattr");
}
