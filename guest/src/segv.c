/* segv: stores to address 0, which must kill the process with SIGSEGV (status 139). */
#include <stdio.h>

int main(void)
{
	printf("about to write to NULL\n");
	fflush(stdout);
	volatile int *p = (volatile int *)0;
	*p = 1;
	printf("still alive (wrong)\n");
	return 0;
}
