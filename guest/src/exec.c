/* exec: execve and execveat as a program sees them. The first run checks the errors (each
 * leaves the caller running), sets up state that exec keeps or resets, then re-executes itself
 * through /proc/self/exe with new arguments and a new environment; each later stage prints what
 * it inherited and execs the next one: a "#!" script whose interpreter is this program, then an
 * execve from a second thread. Stages: (none) -> child -> script -> fromthread. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

extern char **environ;

/* fds the first stage leaves open across exec: one close-on-exec, one not. */
#define FD_CLOEXEC_KEPT 10
#define FD_PLAIN 11
/* Size of the alternate signal stack the first stage installs. */
#define ALTSTACK_SIZE 65536

static char dir[64];

static void on_usr1(int sig) { (void)sig; }

/* Prints the outcome of an exec attempt that must fail. */
static void expect_fail(const char *what, int r, int want)
{
	int e = errno;
	printf("%s: %s (%s)\n", what, r == -1 ? strerrorname_np(e) : "succeeded?",
	       r == -1 && e == want ? "as expected" : "WRONG");
}

/* Writes a file with the given bytes and mode. */
static void write_file(const char *path, const void *data, size_t n, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	if (fd < 0 || write(fd, data, n) != (ssize_t)n) { perror(path); exit(1); }
	close(fd);
	chmod(path, mode);
}

static void path_in_dir(char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s", dir, name);
}

/* Writes file name in dir (n bytes of data, with mode) and checks that execve of it fails with want. */
static void expect_exec_fails(const char *what, const char *name, const void *data, size_t n, mode_t mode, int want)
{
	char *args[] = { "exec", NULL };
	char p[128];
	path_in_dir(p, sizeof p, name);
	write_file(p, data, n, mode);
	expect_fail(what, execve(p, args, environ), want);
}

static void errors(void)
{
	char *args[] = { "exec", NULL };
	expect_fail("missing file", execve("/nonexistent/program", args, environ), ENOENT);
	expect_fail("empty path", execve("", args, environ), ENOENT);
	expect_fail("a directory", execve(dir, args, environ), EACCES);
	expect_exec_fails("a text file", "plain", "just text\n", 10, 0755, ENOEXEC);
	expect_exec_fails("no execute permission", "noexec", "just text\n", 10, 0644, EACCES);
	/* A valid ELF64 header for SPARC (e_machine 2): no system here runs it. */
	unsigned char elf[64] = { 0x7f, 'E', 'L', 'F', 2, 1, 1 };
	elf[16] = 2;  /* ET_EXEC */
	elf[18] = 2;  /* EM_SPARC */
	elf[20] = 1;  /* EV_CURRENT */
	elf[52] = 64; /* e_ehsize */
	elf[54] = 56; /* e_phentsize */
	expect_exec_fails("an ELF for another machine", "sparc", elf, sizeof elf, 0755, ENOEXEC);
	expect_exec_fails("#! without an interpreter", "nointerp", "#!   \t\n", 7, 0755, ENOEXEC);
	expect_exec_fails("#! naming a missing interpreter", "badinterp", "#!/nonexistent/interp\n", 22, 0755, ENOENT);
	char self[128], line[160];
	path_in_dir(self, sizeof self, "loop");
	int n = snprintf(line, sizeof line, "#!%s\n", self);
	write_file(self, line, (size_t)n, 0755);
	expect_fail("#! naming itself", execve(self, args, environ), ELOOP);
	char link[128];
	path_in_dir(link, sizeof link, "link");
	if (symlink("/proc/self/exe", link) != 0) perror("symlink");
	expect_fail("execveat AT_SYMLINK_NOFOLLOW on a symlink",
		    (int)syscall(SYS_execveat, AT_FDCWD, link, args, environ, AT_SYMLINK_NOFOLLOW), ELOOP);
	expect_fail("execveat with unknown flags",
		    (int)syscall(SYS_execveat, AT_FDCWD, link, args, environ, 0x4), EINVAL);
	expect_fail("execveat of a bad fd with AT_EMPTY_PATH",
		    (int)syscall(SYS_execveat, 99, "", args, environ, AT_EMPTY_PATH), EBADF);
}

/* The state exec keeps or resets: handlers, an ignored signal, the mask, a pending signal, fds,
 * and an alternate signal stack. */
static void prepare(void)
{
	struct sigaction sa = { 0 };
	sa.sa_handler = on_usr1;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGUSR2, &sa, NULL);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	raise(SIGTERM);
	int fd = open("/dev/null", O_RDONLY);
	dup3(fd, FD_CLOEXEC_KEPT, O_CLOEXEC);
	dup2(fd, FD_PLAIN);
	close(fd);
	stack_t ss = { .ss_sp = malloc(ALTSTACK_SIZE), .ss_size = ALTSTACK_SIZE, .ss_flags = 0 };
	sigaltstack(&ss, NULL);
}

/* Prints the arguments, with the pid (all digits) and the scratch directory masked, so the output
 * does not depend on them. */
static void show_args(int argc, char **argv)
{
	printf("argc %d:", argc);
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		size_t dl = strlen(dir);
		if (a[0] != 0 && strspn(a, "0123456789") == strlen(a)) printf(" [<pid>]");
		else if (dl > 0 && strncmp(a, dir, dl) == 0) printf(" [<dir>%s]", a + dl);
		else printf(" [%s]", a);
	}
	printf("\n");
}

static void show_state(void)
{
	struct sigaction sa;
	sigaction(SIGUSR1, NULL, &sa);
	printf("SIGUSR1 handler: %s, flags %#x\n", sa.sa_handler == SIG_DFL ? "default" : "not reset",
	       (unsigned)(sa.sa_flags & ~0x04000000 /* SA_RESTORER, which glibc may add */));
	sigaction(SIGUSR2, NULL, &sa);
	printf("SIGUSR2: %s\n", sa.sa_handler == SIG_IGN ? "still ignored" : "not ignored");
	sigset_t set;
	sigprocmask(SIG_BLOCK, NULL, &set);
	printf("SIGTERM blocked: %s\n", sigismember(&set, SIGTERM) ? "yes" : "no");
	sigpending(&set);
	printf("SIGTERM pending: %s\n", sigismember(&set, SIGTERM) ? "yes" : "no");
	printf("fd %d (close-on-exec): %s\n", FD_CLOEXEC_KEPT,
	       fcntl(FD_CLOEXEC_KEPT, F_GETFD) < 0 && errno == EBADF ? "closed" : "open");
	printf("fd %d: %s\n", FD_PLAIN, fcntl(FD_PLAIN, F_GETFD) == 0 ? "open" : "closed");
	stack_t ss;
	sigaltstack(NULL, &ss);
	printf("alternate stack: %s\n", ss.ss_flags & SS_DISABLE ? "disabled" : "still set");
	char comm[32] = "";
	int fd = open("/proc/self/comm", O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, comm, sizeof comm - 1) : -1;
	if (n > 0) comm[n - 1] = 0;
	printf("comm: %s\n", comm);
	printf("AT_EXECFN ends in: %s\n", strrchr((const char *)getauxval(AT_EXECFN), '/'));
}

static char *first_pid;

/* The second thread of the script stage: execs the last stage while the main thread sleeps. */
static void *exec_from_thread(void *arg)
{
	(void)arg;
	char tid[32];
	snprintf(tid, sizeof tid, "%s", getpid() == gettid() ? "leader" : "not-leader");
	char *args[] = { "exec", "fromthread", first_pid, tid, NULL };
	char *env[] = { NULL };
	execve("/proc/self/exe", args, env);
	perror("execve from thread");
	exit(1);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc == 1) {
		snprintf(dir, sizeof dir, "/tmp/ecall-exec-%d", (int)getpid());
		mkdir(dir, 0755);
		errors();
		prepare();
		char pid[32];
		snprintf(pid, sizeof pid, "%d", (int)getpid());
		char *args[] = { "exec", "child", "two words", "", pid, dir, NULL };
		char *env[] = { "EXEC_STAGE=child", "EMPTY=", NULL };
		execve("/proc/self/exe", args, env);
		perror("execve");
		return 1;
	}
	if (strcmp(argv[1], "child") == 0) {
		snprintf(dir, sizeof dir, "%s", argv[5]);
		show_args(argc, argv);
		for (char **e = environ; *e; e++) printf("env: %s\n", *e);
		printf("same pid: %s\n", atoi(argv[4]) == getpid() ? "yes" : "no");
		show_state();
		/* A script whose interpreter is this program, with an argument that has spaces. */
		char script[128], line[128];
		snprintf(script, sizeof script, "%s/script.sh", argv[5]);
		int n = snprintf(line, sizeof line, "#! /proc/self/exe  script  arg with spaces \t\necho not read\n");
		write_file(script, line, (size_t)n, 0755);
		char *args[] = { "ignored-argv0", "extra1", argv[4], argv[5], NULL };
		char *env[] = { "EXEC_STAGE=script", NULL };
		execve(script, args, env);
		perror("execve script");
		return 1;
	}
	if (strncmp(argv[1], "script", 6) == 0 && argc == 6) {
		/* argv: interpreter, the #! argument, the script, then the caller's argv[1..]. */
		snprintf(dir, sizeof dir, "%s", argv[5]);
		show_args(argc, argv);
		printf("AT_EXECFN is the script: %s\n",
		       strcmp((const char *)getauxval(AT_EXECFN), argv[2]) == 0 ? "yes" : "no");
		char comm[32] = "";
		int fd = open("/proc/self/comm", O_RDONLY);
		ssize_t n = fd >= 0 ? read(fd, comm, sizeof comm - 1) : -1;
		if (n > 0) comm[n - 1] = 0;
		printf("comm: %s\n", comm);
		first_pid = argv[4];
		pthread_t th;
		pthread_create(&th, NULL, exec_from_thread, NULL);
		for (;;) pause();
	}
	if (strcmp(argv[1], "fromthread") == 0) {
		show_args(argc, argv);
		printf("exec'd from: %s thread\n", argv[3]);
		printf("same pid: %s\n", atoi(argv[2]) == getpid() ? "yes" : "no");
		printf("pid == tid: %s\n", getpid() == gettid() ? "yes" : "no");
		printf("environment: %s\n", environ[0] == NULL ? "empty" : environ[0]);
		return 0;
	}
	return 2;
}
