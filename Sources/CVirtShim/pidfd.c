/* pidfd_open, pidfd_send_signal and waitid(P_PIDFD): newer than Swift's Glibc module. */
#include <errno.h>
#include <sys/wait.h>
#include "cvirtshim.h"
#include "rawsys.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

int cvs_pidfd_open(pid_t pid)
{
    return (int)LIBC_RESULT(SYS2(SYS_pidfd_open, pid, 0));
}

int cvs_pidfd_send_signal(int pidfd, int sig)
{
    return (int)LIBC_RESULT(SYS4(SYS_pidfd_send_signal, pidfd, sig, 0, 0));
}

int cvs_pidfd_wait(int pidfd, int options, int *code, int *status)
{
    siginfo_t info = { 0 };
    if (waitid((idtype_t)P_PIDFD, (id_t)pidfd, &info, WEXITED | options) < 0) return -1;
    *code = info.si_pid == 0 ? 0 : info.si_code; /* WNOHANG and still running: 0 */
    *status = info.si_status;
    return 0;
}
