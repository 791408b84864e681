/* Namespace descriptors: NS_GET_NSTYPE, setns, unshare and a socket made inside a network
 * namespace, which Swift's Glibc lacks. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
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

int cvs_socket_in_netns(int netns, int domain, int type, int protocol)
{
    int own = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (own < 0)
        return -1;
    if (setns(netns, CLONE_NEWNET) < 0) {
        int saved = errno;
        close(own);
        errno = saved;
        return -1;
    }
    int fd = socket(domain, type, protocol);
    int saved = errno;
    /* Going back cannot fail for a thread that was just there and holds its descriptor;
     * if it ever did, this thread would go on in the container's network. */
    if (setns(own, CLONE_NEWNET) < 0)
        abort();
    close(own);
    errno = saved;
    return fd;
}
