/* exit42: writes one line, then exits with status 42. */
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
	printf("exiting with 42\n");
	exit(42);
}
