/* epoll for virtd's event loop. struct epoll_event is packed on x86-64, so Swift gets a
 * plain struct of its own (cvs_poll_event) instead. */
#define _GNU_SOURCE
#include <sys/epoll.h>

#include "cvirtshim.h"

int cvs_epoll_create(void)
{
    return epoll_create1(EPOLL_CLOEXEC);
}

int cvs_epoll_control(int epfd, int op, int fd, uint32_t events, uint64_t token)
{
    struct epoll_event event = { .events = events, .data.u64 = token };
    return epoll_ctl(epfd, op, fd, &event);
}

int cvs_epoll_wait(int epfd, struct cvs_poll_event *ready, int max, int timeout_ms)
{
    struct epoll_event events[64];
    if (max > 64)
        max = 64;
    int count = epoll_wait(epfd, events, max, timeout_ms);
    for (int i = 0; i < count; i++) {
        ready[i].token = events[i].data.u64;
        ready[i].events = events[i].events;
    }
    return count;
}
