// /proc/<pid> of a zombie (a child that has exited and is not reaped yet): stat shows state Z with
// no memory and one thread, status says "Z (zombie)", cmdline and maps are empty, exe is gone
// (ENOENT), fd/ has no entries, /proc lists the pid; once reaped, /proc/<pid> is ENOENT.
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

// Reads a whole /proc file; returns its length (-errno on failure).
static int slurp(const char *path, char *buf, int size) {
	int fd = open(path, O_RDONLY);
	if (fd < 0) return -errno;
	int n = 0, r;
	while (n < size - 1 && (r = read(fd, buf + n, size - 1 - n)) > 0) n += r;
	buf[n] = 0;
	close(fd);
	return n;
}

// Returns the value of "Key:" in a status text (up to the newline), or "(missing)".
static const char *field(const char *text, const char *key, char *out, int size) {
	const char *p = strstr(text, key);
	if (p == NULL) return "(missing)";
	p += strlen(key);
	while (*p == '\t' || *p == ' ') p++;
	int i = 0;
	while (p[i] && p[i] != '\n' && i < size - 1) { out[i] = p[i]; i++; }
	out[i] = 0;
	return out;
}

static int listed(pid_t pid) {
	DIR *d = opendir("/proc");
	struct dirent *e;
	int found = 0;
	while ((e = readdir(d)) != NULL) if (atoi(e->d_name) == pid) found = 1;
	closedir(d);
	return found;
}

int main(void) {
	setvbuf(stdout, NULL, _IONBF, 0);
	pid_t pid = fork();
	if (pid == 0) _exit(5);
	siginfo_t si;
	waitid(P_PID, pid, &si, WEXITED | WNOWAIT); // it is a zombie now, and stays one
	char path[64], buf[4096], v[64];
	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	slurp(path, buf, sizeof buf);
	const char *after = strrchr(buf, ')');
	char state;
	int ppid, pgrp, nthreads;
	unsigned long vsize;
	long rss;
	// Fields after comm: 3 state, 4 ppid, 5 pgrp, ..., 20 num_threads, 23 vsize, 24 rss.
	sscanf(after + 2, "%c %d %d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %d %*d %*u %lu %ld",
		&state, &ppid, &pgrp, &nthreads, &vsize, &rss);
	printf("stat: state %c, ppid is us %d, pgrp ours %d, threads %d, vsize %lu, rss %ld\n", state, ppid == getpid(),
		pgrp == getpgrp(), nthreads, vsize, rss);
	snprintf(path, sizeof path, "/proc/%d/status", pid);
	slurp(path, buf, sizeof buf);
	printf("status: State %s\n", field(buf, "State:", v, sizeof v));
	printf("status: Threads %s, VmRSS %s\n", field(buf, "Threads:", v, sizeof v), strstr(buf, "VmRSS:") ? "present" : "absent");
	snprintf(path, sizeof path, "/proc/%d/cmdline", pid);
	printf("cmdline: %d bytes\n", slurp(path, buf, sizeof buf));
	snprintf(path, sizeof path, "/proc/%d/maps", pid);
	printf("maps: %d bytes\n", slurp(path, buf, sizeof buf));
	snprintf(path, sizeof path, "/proc/%d/exe", pid);
	printf("exe: %s\n", readlink(path, buf, sizeof buf) < 0 ? strerror(errno) : "a path");
	snprintf(path, sizeof path, "/proc/%d/fd", pid);
	DIR *d = opendir(path);
	int n = 0;
	if (d != NULL) {
		struct dirent *e;
		while ((e = readdir(d)) != NULL) if (e->d_name[0] != '.') n++;
		closedir(d);
	}
	printf("fd/: %s, %d entries\n", d != NULL ? "opened" : strerror(errno), n);
	printf("listed in /proc: %d\n", listed(pid));
	waitpid(pid, NULL, 0);
	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	int sr = slurp(path, buf, sizeof buf);
	int still = listed(pid);
	printf("after the reap: /proc/<pid>/stat %s, listed %d\n", sr < 0 ? strerror(-sr) : "still there", still);
	return 0;
}
