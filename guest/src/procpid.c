// /proc/<pid>/ of another process: a forked child's directory is listed in /proc, its stat names
// it with its parent and process group, its cmdline holds the argv it inherited, its status has
// its pid, and /proc/self in the child is the child. The directory goes away once it is reaped.
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/** Reads a whole small file into buf (NUL-terminated); returns its length or -1. */
static int slurp(const char *path, char *buf, int size) {
	int fd = open(path, O_RDONLY);
	if (fd < 0) return -1;
	int n = 0, k;
	while (n < size - 1 && (k = read(fd, buf + n, size - 1 - n)) > 0) n += k;
	close(fd);
	buf[n] = 0;
	return n;
}

/** True if /proc lists a directory named pid. */
static int listed(pid_t pid) {
	DIR *d = opendir("/proc");
	if (!d) return 0;
	struct dirent *e;
	int found = 0;
	while ((e = readdir(d))) if (atoi(e->d_name) == pid) found = 1;
	closedir(d);
	return found;
}

int main(int argc, char **argv) {
	int go[2], back[2];
	pipe(go);
	pipe(back);
	pid_t p = fork();
	if (p == 0) {
		char buf[64];
		int n = readlink("/proc/self", buf, sizeof buf - 1);
		buf[n > 0 ? n : 0] = 0;
		char c = atoi(buf) == getpid() ? 'y' : 'n';
		write(back[1], &c, 1);
		read(go[0], &c, 1);
		_exit(0);
	}
	char c;
	read(back[0], &c, 1);
	printf("/proc/self in the child is the child: %s\n", c == 'y' ? "yes" : "no");
	printf("/proc lists the child: %s\n", listed(p) ? "yes" : "no");
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%d/stat", p);
	slurp(path, buf, sizeof buf);
	int spid = 0, sppid = 0, spgrp = 0;
	char comm[64] = "", state = '?';
	sscanf(buf, "%d %63s %c %d %d", &spid, comm, &state, &sppid, &spgrp);
	printf("stat: pid %s, comm %s, state %c, ppid is us: %s, pgrp is ours: %s\n", spid == p ? "right" : "wrong", comm,
	       state == 'S' || state == 'R' ? 'S' : state, sppid == getpid() ? "yes" : "no", spgrp == getpgrp() ? "yes" : "no");
	snprintf(path, sizeof path, "/proc/%d/cmdline", p);
	int n = slurp(path, buf, sizeof buf);
	int args = 0, same = 1;
	for (int i = 0, k = 0; i < n; i += strlen(buf + i) + 1, k++) {
		args++;
		if (k > 0 && (k >= argc || strcmp(buf + i, argv[k]) != 0)) same = 0;
	}
	printf("cmdline: %d strings, arguments as ours: %s\n", args, same ? "yes" : "no");
	snprintf(path, sizeof path, "/proc/%d/status", p);
	slurp(path, buf, sizeof buf);
	char *pidline = strstr(buf, "\nPid:");
	printf("status Pid line is the child's: %s\n", pidline && atoi(pidline + 5) == p ? "yes" : "no");
	write(go[1], "x", 1);
	waitpid(p, NULL, 0);
	printf("after reaping, /proc/%s: %s\n", "<pid>", listed(p) ? "still listed" : "gone");
	return 0;
}
