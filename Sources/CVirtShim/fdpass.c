/* SCM_RIGHTS descriptor passing, close_range, and accepting close-on-exec sockets. */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "cvirtshim.h"
#include "rawsys.h"

long cvs_raw_send_fds(int sock, const void *buf, unsigned long len, const int *fds, int nfds)
{
    if (nfds < 0 || nfds > CVS_MAX_FDS) return -EINVAL;
    union {
        char space[CMSG_SPACE(sizeof(int) * CVS_MAX_FDS)];
        struct cmsghdr align;
    } control;
    struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
    if (nfds > 0) {
        memset(&control, 0, sizeof control);
        msg.msg_control = control.space;
        msg.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)nfds);
        struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
        cmsg->cmsg_level = SOL_SOCKET;
        cmsg->cmsg_type = SCM_RIGHTS;
        cmsg->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)nfds);
        memcpy(CMSG_DATA(cmsg), fds, sizeof(int) * (size_t)nfds);
    }
    return SYS3(SYS_sendmsg, sock, &msg, MSG_NOSIGNAL);
}

ssize_t cvs_send_fds(int sock, const void *buf, size_t len, const int *fds, int nfds)
{
    return LIBC_RESULT(cvs_raw_send_fds(sock, buf, len, fds, nfds));
}

ssize_t cvs_recv_fds(int sock, void *buf, size_t len, int *fds, int maxfds, int *nfds)
{
    union {
        char space[CMSG_SPACE(sizeof(int) * CVS_MAX_FDS)];
        struct cmsghdr align;
    } control;
    struct iovec iov = { .iov_base = buf, .iov_len = len };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
                          .msg_control = control.space, .msg_controllen = sizeof control.space };
    *nfds = 0;
    ssize_t n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
    if (n < 0) return -1;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
        int count = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
        const int *got = (const int *)CMSG_DATA(c);
        for (int i = 0; i < count; i++) {
            if (*nfds < maxfds) fds[(*nfds)++] = got[i];
            else close(got[i]); /* more than the caller can take: never leak them */
        }
    }
    return n;
}

int cvs_accept_cloexec(int sock)
{
    return accept4(sock, NULL, NULL, SOCK_CLOEXEC);
}

int cvs_accept_nonblocking(int sock)
{
    return accept4(sock, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
}
