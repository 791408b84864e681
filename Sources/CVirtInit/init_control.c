#define _GNU_SOURCE
#include "init_control.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int init_slots_add(struct init_slots *slots, int fd, enum init_slot_kind kind) {
    if (slots->count >= INIT_MAX_SLOTS) return -1;
    slots->fds[slots->count] = (struct pollfd){ .fd = fd, .events = POLLIN, .revents = 0 };
    slots->kinds[slots->count] = (unsigned char)kind;
    slots->count++;
    return 0;
}

/* Removes slot `index` and returns its descriptor, still open. */
static int detach(struct init_slots *slots, int index) {
    int fd = slots->fds[index].fd;
    slots->count--;
    slots->fds[index] = slots->fds[slots->count];
    slots->kinds[index] = slots->kinds[slots->count];
    return fd;
}

void init_slots_remove(struct init_slots *slots, int index) {
    close(detach(slots, index));
}

int init_slots_count(const struct init_slots *slots, enum init_slot_kind kind) {
    int count = 0;
    for (int i = 0; i < slots->count; i++) count += slots->kinds[i] == kind;
    return count;
}

void init_control_accept(struct init_slots *slots, int control) {
    int client = accept4(control, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (client < 0) return; /* EAGAIN, or the client gave up */
    /* Keep a slot free for the listener the client brings. */
    if (slots->count >= INIT_MAX_SLOTS - 1 || init_slots_add(slots, client, INIT_SLOT_CLIENT) < 0) close(client);
}

/* Whether `fd` is a seccomp user-notification listener. Checked by its name, not by an ioctl,
 * which another kind of file might interpret. */
static int is_seccomp_listener(int fd) {
    char path[48], target[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(path, target, sizeof target - 1);
    if (n < 0) return 0;
    target[n] = '\0';
    return strcmp(target, "anon_inode:seccomp notify") == 0;
}

/* Receives one byte and at most one descriptor without blocking; more descriptors than one
 * are closed. Returns the bytes received, or -1 (errno set). */
static ssize_t receive_one(int client, char *byte, int *fd) {
    union {
        char space[CMSG_SPACE(sizeof(int) * 4)];
        struct cmsghdr align;
    } control;
    struct iovec iov = { .iov_base = byte, .iov_len = 1 };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.space, .msg_controllen = sizeof control.space };
    *fd = -1;
    ssize_t n = recvmsg(client, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    if (n < 0) return -1;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
        int count = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
        int fds[4];
        memcpy(fds, CMSG_DATA(c), sizeof(int) * (size_t)(count < 4 ? count : 4));
        for (int i = 0; i < count && i < 4; i++) {
            if (*fd < 0) *fd = fds[i];
            else close(fds[i]);
        }
    }
    if (msg.msg_flags & MSG_CTRUNC) { /* more than we can take: refuse the whole message */
        if (*fd >= 0) close(*fd);
        *fd = -2;
    }
    return n;
}

void init_control_receive(struct init_slots *slots, int index) {
    int client = slots->fds[index].fd;
    char byte = 0, answer = 0;
    int fd;
    ssize_t n = receive_one(client, &byte, &fd);
    if (n < 0 && (errno == EAGAIN || errno == EINTR) && !(slots->fds[index].revents & (POLLHUP | POLLERR))) return;
    detach(slots, index); /* frees the slot the listener takes */
    if (n <= 0) {
        if (fd >= 0) close(fd);
        close(client);
        return;
    }
    if (byte != 'L' || fd < 0 || !is_seccomp_listener(fd)) {
        answer = EINVAL;
        if (fd >= 0) close(fd);
    } else if (init_slots_add(slots, fd, INIT_SLOT_MIGRATED) < 0) {
        answer = ENOSPC;
        close(fd);
    }
    send(client, &answer, 1, MSG_DONTWAIT | MSG_NOSIGNAL);
    close(client);
}
