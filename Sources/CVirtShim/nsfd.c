/* Namespace descriptors: NS_GET_NSTYPE, setns and unshare, which Swift's Glibc lacks. */
#include <errno.h>
#include <sys/ioctl.h>
#include "cvirtshim.h"
#include "rawsys.h"

#ifndef NS_GET_NSTYPE
#define NS_GET_NSTYPE _IO(0xb7, 0x3)
#endif

int cvs_namespace_type(int fd)
{
    return (int)LIBC_RESULT(SYS3(SYS_ioctl, fd, NS_GET_NSTYPE, 0));
}

int cvs_setns(int fd, int type)
{
    return (int)LIBC_RESULT(SYS2(SYS_setns, fd, type));
}

int cvs_unshare(int flags)
{
    return (int)LIBC_RESULT(SYS1(SYS_unshare, flags));
}
