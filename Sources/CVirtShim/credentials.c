/* Per-thread credentials: raw system calls, since glibc's wrappers change every thread. */
#include <errno.h>
#include <sys/types.h>
#include "cvirtshim.h"
#include "rawsys.h"

static long set_groups(gid_t gid)
{
    long r = SYS2(SYS_setgroups, 1, &gid);
    return r < 0 ? r : SYS3(SYS_setresgid, gid, gid, -1);
}

int cvs_thread_set_ids(uid_t uid, gid_t gid)
{
    long r;
    if (uid == 0) {
        r = SYS3(SYS_setresuid, uid, uid, -1);
        if (r == 0) r = set_groups(gid);
    } else {
        r = set_groups(gid);
        if (r == 0) r = SYS3(SYS_setresuid, uid, uid, -1);
    }
    return (int)LIBC_RESULT(r);
}
