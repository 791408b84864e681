/* pidfd_open, pidfd_send_signal, waitid(P_PIDFD) and PIDFD_GET_INFO: newer than Swift's
 * Glibc module. */
#include <errno.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
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

int cvs_thread_pidfd(void)
{
    /* PIDFD_THREAD is O_EXCL */
    return (int)LIBC_RESULT(SYS2(SYS_pidfd_open, SYS0(SYS_gettid), 0200));
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

/* PIDFD_GET_INFO (Linux 6.13) with PIDFD_INFO_EXIT (6.15), declared here because the build
 * host's headers may be older than the kernel. The first 64 bytes are the ABI's version 0. */
struct cvs_pidfd_info {
    uint64_t mask, cgroupid;
    uint32_t pid, tgid, ppid, ruid, rgid, euid, egid, suid, sgid, fsuid, fsgid;
    int32_t exit_code;
};
#define CVS_PIDFD_GET_INFO _IOWR(0xFF, 11, struct cvs_pidfd_info)
#define CVS_PIDFD_INFO_EXIT (1ULL << 3)

int cvs_pidfd_exit_status(int pidfd, int *wait_status)
{
    struct cvs_pidfd_info info = { .mask = CVS_PIDFD_INFO_EXIT };
    long r = SYS3(SYS_ioctl, pidfd, CVS_PIDFD_GET_INFO, &info);
    if (r == -ESRCH) return 0; /* exited, not yet reaped */
    if (r < 0) return (int)LIBC_RESULT(r);
    if (!(info.mask & CVS_PIDFD_INFO_EXIT)) return 0;
    *wait_status = info.exit_code;
    return 1;
}

#define PIDFS_MAGIC 0x50494446

long long cvs_pidfd_inode(int pidfd)
{
    struct statfs filesystem;
    struct stat status;
    if (fstatfs(pidfd, &filesystem) < 0 || fstat(pidfd, &status) < 0) return -1;
    return filesystem.f_type == PIDFS_MAGIC ? (long long)status.st_ino : 0;
}

int cvs_pidfd_namespace(int pidfd, unsigned int which)
{
    if (which < 1 || which > 10) return (int)LIBC_RESULT(-EINVAL);
    return (int)LIBC_RESULT(SYS3(SYS_ioctl, pidfd, _IO(0xFF, which), 0));
}
