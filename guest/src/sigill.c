/* sigill: executes an all-zero instruction word, which must kill the process with SIGILL (132). */
#include <stdio.h>

int main(void)
{
	printf("about to execute an illegal instruction\n");
	fflush(stdout);
	__asm__ volatile(".4byte 0x00000000");
	printf("still alive (wrong)\n");
	return 0;
}
