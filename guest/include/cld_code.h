/* Names of SIGCHLD's si_code values (CLD_*), as the fork_wait and waitid programs print them. */
#ifndef CLD_CODE_H
#define CLD_CODE_H

#include <signal.h>

/* Returns the CLD_* name of code, or other for a value that is none of them. */
static const char *cld_code_name(int code, const char *other)
{
	switch (code) {
	case CLD_EXITED: return "CLD_EXITED";
	case CLD_KILLED: return "CLD_KILLED";
	case CLD_DUMPED: return "CLD_DUMPED";
	case CLD_STOPPED: return "CLD_STOPPED";
	case CLD_CONTINUED: return "CLD_CONTINUED";
	default: return other;
	}
}

#endif
