/* The spawned child, between clone3 and execve. Raw system calls only (see rawsys.h):
 * no errno, no locks, no allocation. Each step either succeeds or reports itself to the
 * parent and exits with status 127. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include "child.h"
#include "rawsys.h"

#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x00000001
#endif

struct mount_attr_v0 {
    unsigned long long attr_set, attr_clr, propagation, userns_fd;
};

/* Reports the failed `step` to the parent and exits. `err` is a negative errno. */
static __attribute__((noreturn)) void fail(const struct cvs_child_args *a, int step, int index, long err)
{
    struct cvs_report r = { .kind = CVS_REPORT_ERROR, .step = step, .index = index, .error = (int32_t)-err };
    SYS4(SYS_sendto, a->channel, &r, sizeof r, MSG_NOSIGNAL);
    for (;;) SYS1(SYS_exit_group, 127);
}

#define CHECK(a, step, index, expr)                        \
    do {                                                   \
        long r_ = (expr);                                  \
        if (r_ < 0) fail((a), (step), (index), r_);        \
    } while (0)

/* Signal handlers of the parent must never run here: reset every disposition to the
 * default while all signals are still blocked (they were blocked around clone3). */
static void reset_signals(const struct cvs_child_args *a)
{
    struct { void *handler; unsigned long flags; void *restorer; uint64_t mask; } dfl = { 0 };
    for (int sig = 1; sig < 65; sig++) {
        if (sig == SIGKILL || sig == SIGSTOP) continue;
        long r = SYS4(SYS_rt_sigaction, sig, &dfl, 0, 8);
        if (r < 0 && r != -EINVAL) fail(a, CVS_STEP_SIGNALS, sig, r);
    }
}

/* Blocks until the parent says "go"; exits quietly if the parent went away instead. */
static void wait_for_parent(struct cvs_child_args *a)
{
    a->released = 1;
    char go;
    long n;
    do n = SYS3(SYS_read, a->channel, &go, 1); while (n == -EINTR);
    if (n < 0) fail(a, CVS_STEP_SYNC, 0, n);
    if (n == 0) for (;;) SYS1(SYS_exit_group, 127);
}

static long write_file(const char *path, const char *text)
{
    long fd = SYS4(SYS_openat, AT_FDCWD, path, O_WRONLY | O_CLOEXEC, 0);
    if (fd < 0) return fd;
    unsigned long len = 0;
    while (text[len]) len++;
    long n = SYS3(SYS_write, fd, text, len);
    SYS1(SYS_close, fd);
    return n;
}

/* Offsets can only be written before a process enters the namespace, so: make it for our
 * future children, set its offsets, then join it ourselves so that the program we exec is
 * in it. Joining needs a task that shares its memory with no other (see cvs_spawn_start). */
static void enter_time_namespace(const struct cvs_child_args *a, const char *offsets)
{
    CHECK(a, CVS_STEP_TIMENS_UNSHARE, 0, SYS1(SYS_unshare, CLONE_NEWTIME));
    CHECK(a, CVS_STEP_TIMENS_OFFSETS, 0, write_file("/proc/self/timens_offsets", offsets));
    long fd = SYS4(SYS_openat, AT_FDCWD, "/proc/self/ns/time_for_children", O_RDONLY | O_CLOEXEC, 0);
    CHECK(a, CVS_STEP_TIMENS_ENTER, 0, fd);
    CHECK(a, CVS_STEP_TIMENS_ENTER, 0, SYS2(SYS_setns, fd, CLONE_NEWTIME));
    SYS1(SYS_close, fd);
}

static void set_names(const struct cvs_child_args *a, const struct cvs_spawn *s)
{
    unsigned long len = 0;
    if (s->hostname) {
        for (len = 0; s->hostname[len]; len++) {}
        CHECK(a, CVS_STEP_HOSTNAME, 0, SYS2(SYS_sethostname, s->hostname, len));
    }
    if (s->domainname) {
        for (len = 0; s->domainname[len]; len++) {}
        CHECK(a, CVS_STEP_DOMAINNAME, 0, SYS2(SYS_setdomainname, s->domainname, len));
    }
}

/* Bind-mounts `path` onto itself (so that it is a mount point) and makes it read-only. */
static void make_readonly(const struct cvs_child_args *a, const char *path, int index)
{
    struct mount_attr_v0 attr = { .attr_set = MOUNT_ATTR_RDONLY };
    CHECK(a, CVS_STEP_READONLY, index, SYS5(SYS_mount, path, path, 0, MS_BIND | MS_REC, 0));
    CHECK(a, CVS_STEP_READONLY, index,
          SYS5(SYS_mount_setattr, AT_FDCWD, path, AT_RECURSIVE, &attr, sizeof attr));
}

/* pivot_root(".", ".") stacks the old root on top of the new one; detaching "." then
 * removes the old root without needing a directory for it inside the rootfs. */
static void pivot_into(const struct cvs_child_args *a, const char *rootfs)
{
    CHECK(a, CVS_STEP_ROOTFS_BIND, 0, SYS5(SYS_mount, rootfs, rootfs, 0, MS_BIND | MS_REC, 0));
    CHECK(a, CVS_STEP_PIVOT_ROOT, 0, SYS1(SYS_chdir, rootfs));
    CHECK(a, CVS_STEP_PIVOT_ROOT, 0, SYS2(SYS_pivot_root, ".", "."));
    CHECK(a, CVS_STEP_OLD_ROOT, 0, SYS2(SYS_umount2, ".", MNT_DETACH));
    CHECK(a, CVS_STEP_OLD_ROOT, 0, SYS1(SYS_chdir, "/"));
}

/* One step of the mount list. Directories and nodes it creates get exactly `mode`, whatever
 * the umask. */
static void take_mount_step(const struct cvs_child_args *a, const struct cvs_mount *m, int index)
{
    long r;
    switch (m->kind) {
    case CVS_MOUNT_DIRECTORY: /* a mount point: one that exists is left as it is */
        r = SYS3(SYS_mkdirat, AT_FDCWD, m->target, m->mode);
        if (r == -EEXIST) return;
        break;
    case CVS_MOUNT_CHAR_DEVICE:
        r = SYS4(SYS_mknodat, AT_FDCWD, m->target, S_IFCHR | m->mode, makedev(m->major, m->minor));
        break;
    case CVS_MOUNT_FILE:
        r = SYS4(SYS_openat, AT_FDCWD, m->target, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, m->mode);
        if (r == -EEXIST) return;
        if (r >= 0) SYS1(SYS_close, r);
        break;
    case CVS_MOUNT_SYMLINK:
        CHECK(a, CVS_STEP_MOUNT, index, SYS3(SYS_symlinkat, m->source, AT_FDCWD, m->target));
        return;
    default:
        CHECK(a, CVS_STEP_MOUNT, index, SYS5(SYS_mount, m->source, m->target, m->fstype, m->flags, m->data));
        return;
    }
    CHECK(a, CVS_STEP_MOUNT, index, r);
    CHECK(a, CVS_STEP_MOUNT, index, SYS4(SYS_fchmodat, AT_FDCWD, m->target, m->mode, 0));
}

static void set_up_mounts(const struct cvs_child_args *a, const struct cvs_spawn *s)
{
    if (s->root_propagation)
        CHECK(a, CVS_STEP_PROPAGATION, 0, SYS5(SYS_mount, 0, "/", 0, MS_REC | s->root_propagation, 0));
    for (size_t i = 0; i < s->mount_count; i++) take_mount_step(a, &s->mounts[i], (int)i);
    if (s->rootfs) pivot_into(a, s->rootfs);
    for (size_t i = 0; i < s->readonly_count; i++) make_readonly(a, s->readonly_paths[i], (int)i);
}

/* Moves every source descriptor (and our channel, and the exec fd) above fd_base, marks
 * everything close-on-exec, then dup2s the copies onto their targets, which dup2 leaves
 * open across exec. Moving first means a target may be another mapping's source. */
static void map_fds(struct cvs_child_args *a, const struct cvs_spawn *s, int *exec_fd)
{
    int moved[CVS_MAX_FD_MAPS];
    if (s->fd_count > CVS_MAX_FD_MAPS) fail(a, CVS_STEP_FDS, 0, -EINVAL);
    long fd = SYS3(SYS_fcntl, a->channel, F_DUPFD_CLOEXEC, s->fd_base);
    CHECK(a, CVS_STEP_FDS, -1, fd);
    a->channel = (int)fd;
    if (*exec_fd >= 0) {
        fd = SYS3(SYS_fcntl, *exec_fd, F_DUPFD_CLOEXEC, s->fd_base);
        CHECK(a, CVS_STEP_FDS, -1, fd);
        *exec_fd = (int)fd;
    }
    for (size_t i = 0; i < s->fd_count; i++) {
        fd = SYS3(SYS_fcntl, s->fds[i].from, F_DUPFD_CLOEXEC, s->fd_base);
        CHECK(a, CVS_STEP_FDS, (int)i, fd);
        moved[i] = (int)fd;
    }
    CHECK(a, CVS_STEP_FDS, -1, SYS3(SYS_close_range, 0, ~0U, CLOSE_RANGE_CLOEXEC));
    for (size_t i = 0; i < s->fd_count; i++)
        CHECK(a, CVS_STEP_FDS, (int)i, SYS3(SYS_dup3, moved[i], s->fds[i].to, 0));
}

/* Needs CAP_SETPCAP, so it runs before setuid can take that away. */
static void drop_bounding(const struct cvs_child_args *a, const struct cvs_spawn *s)
{
    for (int cap = 0; cap <= s->cap_last; cap++) {
        if (cap < 64 && (s->bounding >> cap) & 1) continue;
        CHECK(a, CVS_STEP_BOUNDING, cap, SYS2(SYS_prctl, PR_CAPBSET_DROP, cap));
    }
}

static void set_ids(const struct cvs_child_args *a, const struct cvs_spawn *s)
{
    if (s->set_groups) CHECK(a, CVS_STEP_SETGROUPS, 0, SYS2(SYS_setgroups, s->group_count, s->groups));
    if (s->set_gid) CHECK(a, CVS_STEP_SETGID, 0, SYS3(SYS_setresgid, s->gid, s->gid, s->gid));
    if (s->set_uid) CHECK(a, CVS_STEP_SETUID, 0, SYS3(SYS_setresuid, s->uid, s->uid, s->uid));
}

/* Filters go before the ids: after them, every syscall we make is filtered, so a filter must
 * let the few remaining steps (set*id, prctl, sigprocmask, execve) through. A listener fd is
 * either kept at the fd number the parent chose, for the exec'd program, or sent to the
 * parent and closed here. */
static void install_filters(const struct cvs_child_args *a, const struct cvs_spawn *s)
{
    for (size_t i = 0; i < s->filter_count; i++) {
        const struct cvs_filter *f = &s->filters[i];
        struct sock_fprog prog = { .len = f->length, .filter = (struct sock_filter *)f->code };
        long fd = SYS3(SYS_seccomp, SECCOMP_SET_MODE_FILTER, f->flags, &prog);
        CHECK(a, CVS_STEP_SECCOMP, (int)i, fd);
        if (!(f->flags & SECCOMP_FILTER_FLAG_NEW_LISTENER)) continue;
        if (s->listener_fd >= 0) {
            if (fd != s->listener_fd) {
                CHECK(a, CVS_STEP_LISTENER, (int)i, SYS3(SYS_dup3, fd, s->listener_fd, 0));
                SYS1(SYS_close, fd);
            } else {
                CHECK(a, CVS_STEP_LISTENER, (int)i, SYS3(SYS_fcntl, fd, F_SETFD, 0));
            }
            continue;
        }
        struct cvs_report r = { .kind = CVS_REPORT_LISTENER, .index = (int)i };
        int listener = (int)fd;
        CHECK(a, CVS_STEP_LISTENER, (int)i, cvs_raw_send_fds(a->channel, &r, sizeof r, &listener, 1));
        SYS1(SYS_close, listener);
    }
}

/* Every step after the namespaces are joined, in the process that execs. */
static int continue_child(void *arg)
{
    struct cvs_child_args *a = arg;
    const struct cvs_spawn *s = a->spec;
    int exec_fd = s->exec_fd;
    static const uint64_t no_signals = 0;

    if (s->timens_offsets) enter_time_namespace(a, s->timens_offsets);
    if (s->set_sid) CHECK(a, CVS_STEP_SETSID, 0, SYS0(SYS_setsid));
    set_names(a, s);
    set_up_mounts(a, s);
    if (s->cwd) CHECK(a, CVS_STEP_CHDIR, 0, SYS1(SYS_chdir, s->cwd));
    map_fds(a, s, &exec_fd);
    if (s->controlling_tty >= 0) CHECK(a, CVS_STEP_CONTROLLING_TTY, 0, SYS3(SYS_ioctl, s->controlling_tty, TIOCSCTTY, 0));
    /* Unless the parent had to act first, it set our cgroups while we did the steps above. */
    if (!a->released) wait_for_parent(a);
    if (s->unshare_cgroup) CHECK(a, CVS_STEP_CGROUP_NS, 0, SYS1(SYS_unshare, CLONE_NEWCGROUP));
    if (s->drop_bounding) drop_bounding(a, s);
    if (s->no_new_privs) CHECK(a, CVS_STEP_NO_NEW_PRIVS, 0, SYS5(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
    /* Before set_ids: without no_new_privs, installing a filter needs CAP_SYS_ADMIN, which a
     * switch to another user takes away. */
    install_filters(a, s);
    set_ids(a, s);
    /* After set_ids: the kernel clears the parent-death signal when credentials change. */
    if (s->pdeathsig) CHECK(a, CVS_STEP_PDEATHSIG, 0, SYS2(SYS_prctl, PR_SET_PDEATHSIG, s->pdeathsig));
    if (s->child_subreaper) CHECK(a, CVS_STEP_SUBREAPER, 0, SYS2(SYS_prctl, PR_SET_CHILD_SUBREAPER, 1));
    CHECK(a, CVS_STEP_SIGNALS, 0, SYS4(SYS_rt_sigprocmask, SIG_SETMASK, &no_signals, 0, 8));
    /* Without this, a child killed before execve would look like one that exec'd. */
    static const struct cvs_report executing = { .kind = CVS_REPORT_EXECUTING };
    CHECK(a, CVS_STEP_EXEC, 0, SYS4(SYS_sendto, a->channel, &executing, sizeof executing, MSG_NOSIGNAL));
    long r = exec_fd >= 0
        ? SYS5(SYS_execveat, exec_fd, "", s->argv, s->envp, AT_EMPTY_PATH)
        : SYS3(SYS_execve, s->path, s->argv, s->envp);
    fail(a, CVS_STEP_EXEC, 0, r);
}

/* Joins the namespaces of the process behind `join_pidfd`, all kinds in one setns. A joined
 * pid namespace only holds the children made afterwards, so then this child clones the
 * process that goes on: with CLONE_PARENT, so that it is the spawner's own child (which holds
 * its pidfd, waits for it and reaps it), on the lower half of the stack mapping, sharing our
 * memory. It inherits our cgroups, which the parent set before "go". We report it with its
 * pidfd and exit; only the clone returns from here. */
static void join_namespaces(struct cvs_child_args *a, const struct cvs_spawn *s)
{
    CHECK(a, CVS_STEP_JOIN, 0, SYS2(SYS_setns, s->join_pidfd, s->join_namespaces));
    if (!(s->join_namespaces & CLONE_NEWPID)) return;
    *a->joined = *a;
    a->joined->joined = 0;
    int pidfd = -1;
    struct clone_args args = {
        .flags = CLONE_VM | CLONE_PARENT | CLONE_PIDFD,
        .pidfd = (uint64_t)(uintptr_t)&pidfd,
        .exit_signal = 0, /* CLONE_PARENT takes ours (SIGCHLD); clone3 wants 0 here */
        .stack = (uint64_t)(uintptr_t)a->joined_stack,
        .stack_size = a->joined_stack_size,
    };
    long pid = cvs_raw_clone3(&args, sizeof args, continue_child, a->joined);
    CHECK(a, CVS_STEP_JOIN_CLONE, 0, pid);
    struct cvs_report r = { .kind = CVS_REPORT_PROCESS, .index = (int32_t)pid };
    long sent = cvs_raw_send_fds(a->channel, &r, sizeof r, &pidfd, 1);
    if (sent < 0) {
        /* Only a parent that went away, or no memory for one small message: the clone must
         * not run unsupervised. */
        SYS4(SYS_pidfd_send_signal, pidfd, SIGKILL, 0, 0);
        fail(a, CVS_STEP_JOIN_REPORT, 0, sent);
    }
    for (;;) SYS1(SYS_exit_group, 0);
}

int cvs_child_main(void *arg)
{
    struct cvs_child_args *a = arg;
    SYS1(SYS_close, a->parent_end); /* so that a dead parent reads as end of stream */
    reset_signals(a);
    /* Id maps must be in place before any step; a joined pid namespace's process inherits
     * the cgroups we are in when we clone it. Otherwise the first steps run while the parent
     * places us in our cgroups. */
    if ((a->spec->namespaces & CLONE_NEWUSER) || a->spec->join_pidfd >= 0) wait_for_parent(a);
    /* In a new user namespace our ids stay unmapped until we change them, and an unmapped
     * process can create no file there: become its root, if the maps have one (set_ids
     * sets the ids asked for at the end). */
    if (a->spec->namespaces & CLONE_NEWUSER) {
        SYS3(SYS_setresgid, 0, 0, 0);
        SYS3(SYS_setresuid, 0, 0, 0);
    }
    if (a->spec->join_pidfd >= 0) join_namespaces(a, a->spec);
    return continue_child(a);
}
