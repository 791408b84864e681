/* The parent's side of a spawn: clone3 the child, release it, read its report. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include "child.h"
#include "rawsys.h"

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

/* The child's frames are small: no libc, a few structs. One guard page below. */
enum { STACK_SIZE = 64 * 1024, GUARD_SIZE = 4096 };

static void *map_stack(void)
{
    char *m = mmap(NULL, STACK_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (m == MAP_FAILED) return NULL;
    if (mprotect(m + GUARD_SIZE, STACK_SIZE - GUARD_SIZE, PROT_READ | PROT_WRITE) < 0) {
        int e = errno;
        munmap(m, STACK_SIZE);
        errno = e;
        return NULL;
    }
    return m;
}

/* Clones with every signal blocked, so that no handler of ours runs in the child before it
 * has reset them; the parent's mask is restored right after. */
static long clone_blocked(struct clone_args *args, struct cvs_child_args *child_args)
{
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    long pid = cvs_raw_clone3(args, sizeof *args, cvs_child_main, child_args);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return pid;
}

static int send_go(int channel)
{
    const char go = 1;
    return (int)send(channel, &go, 1, MSG_NOSIGNAL);
}

int cvs_spawn_start(const struct cvs_spawn *spec, struct cvs_child *child)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) return -1;
    char *stack = map_stack();
    if (!stack) goto fail_stack;
    if (spec->parent_ready && send_go(sv[0]) < 0) goto fail_clone;

    /* The child's arguments (and those of the process it makes in a joined pid namespace) live
     * at the top of its stack mapping; the stacks start below. */
    size_t usable = (STACK_SIZE - 2 * sizeof(struct cvs_child_args)) & ~(size_t)63;
    size_t split = (spec->join_pidfd >= 0 && (spec->join_namespaces & CLONE_NEWPID))
        ? ((usable - GUARD_SIZE) / 2) & ~(size_t)63 : 0;
    struct cvs_child_args *child_args = (struct cvs_child_args *)(stack + usable);
    *child_args = (struct cvs_child_args){ .spec = spec, .channel = sv[1], .parent_end = sv[0],
                                           .joined = child_args + 1, .joined_stack = stack + GUARD_SIZE,
                                           .joined_stack_size = split };
    /* The kernel refuses setns into a time or user namespace from a task sharing its memory. */
    int private_memory = spec->timens_offsets || (spec->join_pidfd >= 0 && (spec->join_namespaces & (CLONE_NEWTIME | CLONE_NEWUSER)));

    int pidfd = -1;
    struct clone_args args = {
        .flags = spec->namespaces | CLONE_PIDFD | (private_memory ? 0 : CLONE_VM)
                 | (spec->cgroup_fd >= 0 ? CLONE_INTO_CGROUP : 0),
        .pidfd = (uint64_t)(uintptr_t)&pidfd,
        .exit_signal = SIGCHLD,
        .stack = (uint64_t)(uintptr_t)(stack + GUARD_SIZE + split),
        .stack_size = usable - GUARD_SIZE - split,
        .cgroup = spec->cgroup_fd >= 0 ? (uint64_t)spec->cgroup_fd : 0,
    };
    long pid = clone_blocked(&args, child_args);
    if (pid < 0) {
        errno = (int)-pid;
        goto fail_clone;
    }
    close(sv[1]);
    *child = (struct cvs_child){ .pid = (pid_t)pid, .pidfd = pidfd, .joined_pid = 0, .joined_pidfd = -1, .channel = sv[0],
                                 .released = spec->parent_ready, .stack = stack,
                                 .stack_size = STACK_SIZE };
    return 0;

fail_clone:
    munmap(stack, STACK_SIZE);
fail_stack: {
        int e = errno;
        close(sv[0]);
        close(sv[1]);
        errno = e;
    }
    return -1;
}

int cvs_spawn_finish(struct cvs_child *child, struct cvs_report *report, int *listener)
{
    int failed = 0, executing = 0;
    *listener = -1;
    /* EPIPE here means the child is already gone: its report or end of stream follows. */
    if (!child->released && send_go(child->channel) < 0 && errno != EPIPE) return -1;
    for (;;) {
        struct cvs_report got;
        int fds[1], nfds;
        ssize_t n = cvs_recv_fds(child->channel, &got, sizeof got, fds, 1, &nfds);
        /* A child that failed before reading "go" closed its end with "go" unread: the kernel
         * then reports ECONNRESET once, ahead of the report still queued for us. */
        if (n < 0 && (errno == EINTR || errno == ECONNRESET)) continue;
        if (n < 0) return -1;
        if (n == 0 && !failed && !executing) {
            *report = (struct cvs_report){ .kind = CVS_REPORT_ERROR, .step = CVS_STEP_DIED };
            return 1;
        }
        if (n == 0) return failed;
        if (n == sizeof got && nfds == 0 && got.kind == CVS_REPORT_EXECUTING) {
            executing = 1;
            continue;
        }
        if (n == sizeof got && nfds == 1 && got.kind == CVS_REPORT_LISTENER && *listener < 0) {
            *listener = fds[0];
            continue;
        }
        if (n == sizeof got && nfds == 1 && got.kind == CVS_REPORT_PROCESS && child->joined_pidfd < 0) {
            child->joined_pid = (pid_t)got.index;
            child->joined_pidfd = fds[0];
            continue;
        }
        for (int i = 0; i < nfds; i++) close(fds[i]);
        if (got.kind == CVS_REPORT_ERROR && n == sizeof got) {
            if (!failed) *report = got;
            failed = 1;
            continue;
        }
        errno = EPROTO;
        return -1;
    }
}

void cvs_spawn_end(struct cvs_child *child)
{
    if (child->channel >= 0) close(child->channel);
    if (child->stack) munmap(child->stack, child->stack_size);
    child->channel = -1;
    child->stack = NULL;
}
