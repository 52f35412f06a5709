/*
 * sysvipc: System V shared memory, semaphores and message queues in one process (threads stand
 * in for the other side where a call must sleep): keys and IPC_PRIVATE, IPC_CREAT/IPC_EXCL,
 * IPC_STAT/IPC_SET/IPC_RMID, shmat/shmdt sharing pages between two attaches, semop with
 * IPC_NOWAIT and a sleeping semop woken by another thread, semtimedop's timeout, message types
 * and MSG_NOERROR, and the errno values of the bad cases.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <time.h>
#include <unistd.h>

#include "../include/expect.h"


union semun { int val; struct semid_ds *buf; unsigned short *array; };

static void shm_checks(key_t key)
{
	struct shmid_ds ds;
	int id = shmget(key, 10000, IPC_CREAT | IPC_EXCL | 0600), id2;
	char *a, *b;
	expect("shmget IPC_CREAT|IPC_EXCL new key", id, 0);
	expect("shmget same key IPC_CREAT|IPC_EXCL", shmget(key, 10000, IPC_CREAT | IPC_EXCL | 0600), EEXIST);
	expect_val("shmget same key finds the same id", shmget(key, 100, 0600) == id, 1);
	expect("shmget same key, larger size", shmget(key, 20000, 0600), EINVAL);
	expect("shmget missing key without IPC_CREAT", shmget(key + 1, 100, 0600), ENOENT);
	expect("shmget size 0", shmget(IPC_PRIVATE, 0, 0600), EINVAL);
	a = shmat(id, NULL, 0);
	b = shmat(id, NULL, SHM_RDONLY);
	expect("shmat twice", (a == (void *)-1 || b == (void *)-1) ? -1 : 0, 0);
	strcpy(a, "shared bytes");
	expect_val("second attach sees the first's write", strcmp(b, "shared bytes"), 0);
	expect("shmctl IPC_STAT", shmctl(id, IPC_STAT, &ds), 0);
	expect_val("shm_segsz", ds.shm_segsz, 10000);
	expect_val("shm_nattch with two attaches", ds.shm_nattch, 2);
	expect_val("shm_perm.mode", ds.shm_perm.mode & 0777, 0600);
	expect_val("shm_cpid is us", ds.shm_cpid == getpid(), 1);
	ds.shm_perm.mode = 0640;
	expect("shmctl IPC_SET mode 0640", shmctl(id, IPC_SET, &ds), 0);
	shmctl(id, IPC_STAT, &ds);
	expect_val("mode after IPC_SET", ds.shm_perm.mode & 0777, 0640);
	expect("shmdt of the read-only attach", shmdt(b), 0);
	expect("shmdt of an address that is no attach", shmdt(a + 4096), EINVAL);
	expect("shmctl IPC_RMID while attached", shmctl(id, IPC_RMID, NULL), 0);
	expect("shmget of the removed key", shmget(key, 100, 0600), ENOENT);
	expect_val("memory stays usable after IPC_RMID", strcmp(a, "shared bytes"), 0);
	expect("shmctl IPC_STAT after IPC_RMID, still attached", shmctl(id, IPC_STAT, &ds), 0);
	expect_val("SHM_DEST set", (ds.shm_perm.mode & SHM_DEST) != 0, 1);
	expect("shmdt of the last attach", shmdt(a), 0);
	expect("shmctl IPC_STAT after the last detach", shmctl(id, IPC_STAT, &ds), EINVAL);
	id2 = shmget(IPC_PRIVATE, 4096, 0600);
	expect("shmat at an unaligned address", (long)shmat(id2, (void *)0x12345, 0), EINVAL);
	shmctl(id2, IPC_RMID, NULL);
	expect("shmat of a removed id", (long)shmat(id2, NULL, 0), EINVAL);
}

static int semid;

static void *sem_poster(void *arg)
{
	struct sembuf up = { 0, 2, 0 };
	(void)arg;
	usleep(20000);
	semop(semid, &up, 1);
	return NULL;
}

static void sem_checks(key_t key)
{
	struct sembuf down = { 0, -1, IPC_NOWAIT }, ops[2];
	struct semid_ds ds;
	struct timespec ts = { 0, 10000000 };
	unsigned short vals[3];
	union semun arg;
	pthread_t th;
	semid = semget(key, 3, IPC_CREAT | 0600);
	expect("semget 3 semaphores", semid, 0);
	expect("semget more semaphores than the set has", semget(key, 4, 0600), EINVAL);
	arg.buf = &ds;
	expect("semctl IPC_STAT", semctl(semid, 0, IPC_STAT, arg), 0);
	expect_val("sem_nsems", ds.sem_nsems, 3);
	expect_val("GETVAL of a new semaphore", semctl(semid, 0, GETVAL), 0);
	expect("semop -1 IPC_NOWAIT at 0", semop(semid, &down, 1), EAGAIN);
	arg.val = 5;
	expect("SETVAL 5", semctl(semid, 1, SETVAL, arg), 0);
	expect_val("GETVAL after SETVAL", semctl(semid, 1, GETVAL), 5);
	arg.val = 40000;
	expect("SETVAL beyond SEMVMX", semctl(semid, 1, SETVAL, arg), ERANGE);
	ops[0] = (struct sembuf){ 1, -2, 0 };
	ops[1] = (struct sembuf){ 2, 1, 0 };
	expect("semop two operations", semop(semid, ops, 2), 0);
	arg.array = vals;
	semctl(semid, 0, GETALL, arg);
	expect_val("GETALL after semop", vals[0] * 100 + vals[1] * 10 + vals[2], 31);
	expect_val("GETPID is us", semctl(semid, 1, GETPID) == getpid(), 1);
	ops[0] = (struct sembuf){ 2, 1, 0 };
	ops[1] = (struct sembuf){ 0, -1, IPC_NOWAIT };
	expect("semop atomic: second op would block", semop(semid, ops, 2), EAGAIN);
	expect_val("first op not applied", semctl(semid, 2, GETVAL), 1);
	ops[0] = (struct sembuf){ 3, 1, 0 };
	expect("semop sem_num beyond the set", semop(semid, ops, 1), EFBIG);
	expect("semop nsops 0", semop(semid, ops, 0), EINVAL);
	ops[0] = (struct sembuf){ 0, -1, 0 };
	expect("semtimedop times out", semtimedop(semid, ops, 1, &ts), EAGAIN);
	pthread_create(&th, NULL, sem_poster, NULL);
	expect("semop sleeps until another thread adds 2", semop(semid, ops, 1), 0);
	pthread_join(th, NULL);
	expect_val("value after the wake-up", semctl(semid, 0, GETVAL), 1);
	ops[0] = (struct sembuf){ 0, 1, SEM_UNDO };
	expect("semop with SEM_UNDO", semop(semid, ops, 1), 0);
	expect_val("value with the undoable change", semctl(semid, 0, GETVAL), 2);
	expect("semctl IPC_RMID", semctl(semid, 0, IPC_RMID), 0);
	expect("semop on the removed set", semop(semid, ops, 1), EINVAL);
	expect("semget nsems 0 for a new set", semget(IPC_PRIVATE, 0, 0600), EINVAL);
}

struct msgbuf_text { long mtype; char mtext[64]; };

static int msqid;

static void *msg_sender(void *arg)
{
	struct msgbuf_text m = { 7, "late" };
	(void)arg;
	usleep(20000);
	msgsnd(msqid, &m, 5, 0);
	return NULL;
}

static void msg_checks(key_t key)
{
	struct msgbuf_text m;
	struct msqid_ds ds;
	pthread_t th;
	msqid = msgget(key, IPC_CREAT | 0600);
	expect("msgget", msqid, 0);
	m.mtype = 2; strcpy(m.mtext, "two");
	expect("msgsnd type 2", msgsnd(msqid, &m, 4, 0), 0);
	m.mtype = 1; strcpy(m.mtext, "one");
	expect("msgsnd type 1", msgsnd(msqid, &m, 4, 0), 0);
	m.mtype = 3; strcpy(m.mtext, "three, longer");
	expect("msgsnd type 3", msgsnd(msqid, &m, 14, 0), 0);
	m.mtype = 0;
	expect("msgsnd type 0", msgsnd(msqid, &m, 4, 0), EINVAL);
	expect("msgctl IPC_STAT", msgctl(msqid, IPC_STAT, &ds), 0);
	expect_val("msg_qnum", ds.msg_qnum, 3);
	expect_val("msg_cbytes", ds.msg_cbytes, 22);
	expect_val("msgrcv type 1 returns its length", msgrcv(msqid, &m, sizeof m.mtext, 1, 0), 4);
	expect_val("... and its text", strcmp(m.mtext, "one"), 0);
	expect_val("msgrcv type -3 takes the lowest type (2)", msgrcv(msqid, &m, sizeof m.mtext, -3, 0), 4);
	expect_val("... type", m.mtype, 2);
	expect("msgrcv too small without MSG_NOERROR", msgrcv(msqid, &m, 5, 0, 0), E2BIG);
	expect_val("msgrcv MSG_NOERROR truncates", msgrcv(msqid, &m, 5, 0, MSG_NOERROR), 5);
	expect("msgrcv empty queue IPC_NOWAIT", msgrcv(msqid, &m, sizeof m.mtext, 0, IPC_NOWAIT), ENOMSG);
	pthread_create(&th, NULL, msg_sender, NULL);
	expect_val("msgrcv sleeps until a message comes", msgrcv(msqid, &m, sizeof m.mtext, 7, 0), 5);
	pthread_join(th, NULL);
	msgctl(msqid, IPC_STAT, &ds);
	ds.msg_qbytes = 8;
	expect("msgctl IPC_SET msg_qbytes 8", msgctl(msqid, IPC_SET, &ds), 0);
	m.mtype = 1;
	expect("msgsnd 5 bytes into 8", msgsnd(msqid, &m, 5, IPC_NOWAIT), 0);
	expect("msgsnd 5 more bytes IPC_NOWAIT (full)", msgsnd(msqid, &m, 5, IPC_NOWAIT), EAGAIN);
	expect("msgctl IPC_RMID", msgctl(msqid, IPC_RMID, NULL), 0);
	expect("msgsnd on the removed queue", msgsnd(msqid, &m, 5, 0), EINVAL);
}

int main(void)
{
	key_t base = 0x5e000000 + (getpid() & 0xffff) * 16;
	shm_checks(base + 1);
	sem_checks(base + 2);
	msg_checks(base + 3);
	return expect_done("sysvipc");
}
