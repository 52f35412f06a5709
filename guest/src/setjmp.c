/* setjmp: longjmp from the same frame, from nested calls, with value 0 (becomes 1), with
 * callee-saved and FP registers preserved, and sigsetjmp/siglongjmp. */
#include <setjmp.h>
#include <stdio.h>

static jmp_buf env;
static int depth_reached;

/* GCC reports infinite recursion because the only exit is longjmp. */
#pragma GCC diagnostic ignored "-Winfinite-recursion"
static __attribute__((noinline)) void recurse(int depth, int target)
{
	depth_reached = depth;
	if (depth < target)
		recurse(depth + 1, target);
	else
		longjmp(env, depth * 10);
	printf("not reached\n");
}

static __attribute__((noinline)) void jump_zero(void)
{
	longjmp(env, 0);
}

int main(void)
{
	volatile int count = 0;
	int r = setjmp(env);
	printf("setjmp returned %d (count %d)\n", r, count);
	if (count++ < 3)
		longjmp(env, count + 100);

	for (int target = 1; target <= 64; target *= 4) {
		r = setjmp(env);
		if (r == 0)
			recurse(1, target);
		else
			printf("nested longjmp from depth %d returned %d\n", depth_reached, r);
	}

	r = setjmp(env);
	if (r == 0)
		jump_zero();
	printf("longjmp(env, 0) makes setjmp return %d\n", r);

	volatile double d = 1.25;
	volatile long l = 77;
	r = setjmp(env);
	if (r == 0) {
		d = 2.5;
		l = 88;
		recurse(1, 3);
	}
	printf("volatile locals after longjmp: d=%g l=%ld\n", d, l);

	sigjmp_buf senv;
	r = sigsetjmp(senv, 1);
	if (r == 0) {
		printf("sigsetjmp first return\n");
		siglongjmp(senv, 5);
	}
	printf("siglongjmp returned %d\n", r);
	return 0;
}
