#define _GNU_SOURCE
#include "cvirtsupervisor.h"
#include "cvirtshim.h"
#include "arguments.h"
#include "keeper_protocol.h"
#include "keeper_slots.h"
#include "notify.h"
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum {
    EXIT_CHECK_MS = 100,     /* how often an exited, unreaped first process is checked */
    EXIT_PATIENCE_MS = 10000, /* ... and for how long (the host's init may reap orphans late) */
};

static const char socket_name[] = "keeper.sock";

struct keeper {
    struct sv_slots set;
    int root;          /* the context root, where socket_name is */
    ino_t socket_inode; /* of socket_name as we were given it, 0 once we removed it */
    int own_uts;
    int stopping;      /* SV_KEEP_STOP came */
    int draining;      /* attach_console is reading the other clients' messages */
    long long idle_since_ms; /* when we last kept nothing and served nobody, or -1 */
    int grace_ms;
};

static _Noreturn void usage(const char *why) {
    dprintf(2, "swiftvirt-keeper: %s\nusage: swiftvirt-keeper --socket-fd N --root-fd N [--grace-ms N]\n", why);
    _exit(125);
}

static int parse_number(const char *text, unsigned long limit) {
    unsigned long value;
    if (sv_parse_number(text, limit, &value) < 0) usage("bad number");
    return (int)value;
}

static long long now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* The name of what `fd` is, as /proc/self/fd shows it. */
static int fd_is(int fd, const char *name) {
    char path[48], target[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(path, target, sizeof target - 1);
    if (n < 0) return 0;
    target[n] = '\0';
    return strcmp(target, name) == 0;
}

static int is_directory(int fd) {
    struct stat st;
    return fstat(fd, &st) == 0 && S_ISDIR(st.st_mode);
}

static int kept(const struct keeper *k) {
    return sv_slots_count(&k->set, SV_SLOT_LISTENER) + sv_slots_count(&k->set, SV_SLOT_EXIT);
}

/* Records the end of the first process behind exit slot `index` once it is reaped; removes
 * the slot when done or hopeless. */
static void check_exit(struct keeper *k, int index) {
    struct sv_slot *slot = &k->set.slots[index];
    if (slot->mount_ns >= 0) { /* it has exited: nobody waits for the teardown now */
        close(slot->mount_ns);
        slot->mount_ns = -1;
    }
    if (slot->console) { /* ... and its console goes with it, at the next sweep */
        slot->console->ended = 1;
        slot->console = NULL;
    }
    int status = 0, known = cvs_pidfd_exit_status(slot->fd, &status);
    if (known == 1) {
        if (!sv_has_file(slot->state_dir, "status")) sv_write_status(slot->state_dir, status);
        sv_slots_remove(&k->set, index);
    } else if (known < 0 || (slot->give_up_ms && now_ms() > slot->give_up_ms)) {
        sv_slots_remove(&k->set, index); /* a kernel without exit info, or nobody reaps it */
    } else if (!slot->give_up_ms) {
        slot->give_up_ms = now_ms() + EXIT_PATIENCE_MS;
    }
}

enum { MAX_FDS = 6 }; /* state dir, listener, pidfd, mount namespace, console master and slave */

/* The console of a FIRST message, as slots; NULL (its descriptors closed) if it cannot be kept. */
static struct sv_console *keep_console(struct keeper *k, uint32_t xid, int master, int slave) {
    struct sv_console *console = sv_console_new(xid, master, slave);
    if (!console) {
        close(master);
        close(slave);
        return NULL;
    }
    if (sv_slots_add(&k->set, (struct sv_slot){ .fd = master, .kind = SV_SLOT_CONSOLE, .state_dir = -1, .console = console }) < 0) {
        sv_console_free(console);
        return NULL;
    }
    if (sv_slots_add(&k->set, (struct sv_slot){ .fd = -1, .kind = SV_SLOT_SESSION, .state_dir = -1, .console = console }) < 0) {
        console->ended = 1; /* the sweep removes the console slot */
        return NULL;
    }
    return console;
}

/* Takes the descriptors [state dir, listener, pidfd, extras...] of a FIRST or ENTERED message.
 * A process whose listener cannot be kept is killed: nobody would answer its filter. */
static void take_process(struct keeper *k, const struct sv_keeper_message *m, int *fds, int count) {
    int state_dir = fds[0], listener = fds[1], pidfd = fds[2], next = 3;
    int mount_ns = -1, console_master = -1, console_slave = -1;
    if (m->kind == SV_KEEP_FIRST && (m->extras & SV_EXTRA_MOUNT_NS)) mount_ns = fds[next++];
    if (m->kind == SV_KEEP_FIRST && (m->extras & SV_EXTRA_CONSOLE)) {
        console_master = fds[next++];
        console_slave = fds[next++];
    }
    int is_pidfd = count >= 3 && fd_is(pidfd, "anon_inode:[pidfd]");
    if (!is_pidfd || count != next || !is_directory(state_dir) || !fd_is(listener, "anon_inode:seccomp notify")
        || sv_slots_add(&k->set, (struct sv_slot){ .fd = listener, .kind = SV_SLOT_LISTENER, .state_dir = state_dir }) < 0) {
        dprintf(2, "swiftvirt-keeper: context %u: cannot keep a process; killing it\n", m->xid);
        if (is_pidfd) cvs_pidfd_send_signal(pidfd, SIGKILL);
        for (int i = 0; i < count; i++) close(fds[i]);
        return;
    }
    struct sv_console *console = console_master >= 0 ? keep_console(k, m->xid, console_master, console_slave) : NULL;
    if (m->kind == SV_KEEP_FIRST) { /* its end is recorded too, if we can */
        int exit_dir = fcntl(state_dir, F_DUPFD_CLOEXEC, 3);
        struct sv_slot exit = { .fd = pidfd, .kind = SV_SLOT_EXIT, .state_dir = exit_dir, .mount_ns = mount_ns, .console = console };
        if (exit_dir >= 0 && sv_slots_add(&k->set, exit) == 0) return;
        if (exit_dir >= 0) close(exit_dir);
    }
    if (console) console->ended = 1; /* nothing would tell when it ends: not kept */
    close(pidfd);
    if (mount_ns >= 0) close(mount_ns);
}

static void serve_client(struct keeper *k, int index);

/* The console of context `xid`, or NULL. */
static struct sv_console *find_console(struct keeper *k, uint32_t xid) {
    for (int i = 0; i < k->set.count; i++) {
        struct sv_slot *slot = &k->set.slots[i];
        if (slot->kind == SV_SLOT_CONSOLE && slot->console->xid == xid && !slot->console->ended) return slot->console;
    }
    return NULL;
}

/* Answers SV_KEEP_CONSOLE on `client`: a new session of context `xid`'s console, or why not.
 * A context created just before may still have its FIRST message queued on another
 * connection: those are read first, so that a console asked for after a creation is found. */
static void attach_console(struct keeper *k, int client, const struct sv_keeper_message *m) {
    struct sv_keeper_message answer = { .kind = SV_KEEP_CONSOLE, .xid = m->xid, .extras = ENOENT };
    int session = -1;
    struct sv_console *console = find_console(k, m->xid);
    if (!console && !k->draining) {
        k->draining = 1;
        for (int i = 0; i < k->set.count; i++)
            if (k->set.slots[i].kind == SV_SLOT_CLIENT && k->set.slots[i].fd != client) serve_client(k, i);
        k->draining = 0;
        console = find_console(k, m->xid);
    }
    if (console) {
        session = sv_console_attach(console, (m->extras & SV_CONSOLE_FORCE) != 0);
        answer.extras = session < 0 ? (uint32_t)-session : 0;
    }
    if (cvs_send_fds(client, &answer, sizeof answer, &session, session >= 0 ? 1 : 0) < 0 && console) sv_console_detach(console);
    if (session >= 0) close(session);
}

/* Reads the messages of the client in slot `index` until it would block; marks it ended at
 * its end (for sv_slots_sweep). */
static void serve_client(struct keeper *k, int index) {
    if (k->set.slots[index].ended) return;
    int client = k->set.slots[index].fd;
    for (;;) {
        struct sv_keeper_message m;
        union {
            char space[CMSG_SPACE(sizeof(int) * MAX_FDS)];
            struct cmsghdr align;
        } control;
        struct iovec iov = { .iov_base = &m, .iov_len = sizeof m };
        struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.space, .msg_controllen = sizeof control.space };
        ssize_t n = recvmsg(client, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
        int fds[MAX_FDS] = { -1, -1, -1, -1, -1, -1 }, count = 0;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); n > 0 && c; c = CMSG_NXTHDR(&msg, c)) {
            if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
            int got = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
            for (int i = 0; i < got; i++) {
                int fd;
                memcpy(&fd, CMSG_DATA(c) + sizeof(int) * (size_t)i, sizeof fd);
                if (count < MAX_FDS) fds[count++] = fd;
                else close(fd);
            }
        }
        if (n <= 0) {
            k->set.slots[index].ended = 1;
            return;
        }
        int well_formed = n == (ssize_t)sizeof m && !(msg.msg_flags & MSG_CTRUNC);
        if (well_formed && m.kind == SV_KEEP_STOP) k->stopping = 1;
        if (well_formed && m.kind == SV_KEEP_CONSOLE && count == 0) {
            attach_console(k, client, &m);
        } else if (well_formed && (m.kind == SV_KEEP_FIRST || m.kind == SV_KEEP_ENTERED)) {
            take_process(k, &m, fds, count);
        } else {
            /* A malformed message may still carry a process: it must not run unanswered. */
            if (count >= 3 && fd_is(fds[2], "anon_inode:[pidfd]")) cvs_pidfd_send_signal(fds[2], SIGKILL);
            for (int i = 0; i < count; i++) close(fds[i]);
        }
    }
}

static void accept_clients(struct keeper *k, int control) {
    for (;;) {
        int client = accept4(control, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (client < 0) return;
        if (sv_slots_add(&k->set, (struct sv_slot){ .fd = client, .kind = SV_SLOT_CLIENT, .state_dir = -1 }) < 0) close(client);
    }
}

static void handle_events(struct keeper *k) {
    for (int i = k->set.count - 1; i >= 0; i--) {
        short events = k->set.polled[i].revents;
        if (!events) continue;
        struct sv_slot *slot = &k->set.slots[i];
        switch (slot->kind) {
        case SV_SLOT_CONTROL: accept_clients(k, slot->fd); break;
        case SV_SLOT_CLIENT: serve_client(k, i); break;
        case SV_SLOT_EXIT: check_exit(k, i); break;
        case SV_SLOT_CONSOLE: sv_console_master_ready(slot->console, events); break;
        case SV_SLOT_SESSION: sv_console_session_ready(slot->console, events); break;
        case SV_SLOT_LISTENER: /* it hangs up once no process uses its filter any more */
            if (!(events & POLLIN) || sv_answer_notification(slot->fd, slot->state_dir, k->own_uts) < 0) sv_slots_remove(&k->set, i);
            break;
        }
    }
}

/* Removes our socket name, unless another keeper's has replaced it. */
static void remove_socket_name(struct keeper *k) {
    struct stat st;
    if (k->socket_inode && fstatat(k->root, socket_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && st.st_ino == k->socket_inode)
        unlinkat(k->root, socket_name, 0);
    k->socket_inode = 0;
}

/* Whether to exit now: nothing kept and nobody served for the grace period, or stopped. Takes
 * what is queued on the control socket first, so that nothing sent to us is lost. */
static int should_exit(struct keeper *k) {
    int clients = sv_slots_count(&k->set, SV_SLOT_CLIENT);
    if (kept(k) || (clients && !k->stopping)) {
        k->idle_since_ms = -1;
        return 0;
    }
    long long now = now_ms();
    if (k->idle_since_ms < 0) k->idle_since_ms = now;
    if (!k->stopping && now - k->idle_since_ms < k->grace_ms) return 0;
    remove_socket_name(k);
    for (int i = k->set.count - 1; i >= 0; i--) if (k->set.slots[i].kind == SV_SLOT_CONTROL) accept_clients(k, k->set.slots[i].fd);
    for (int i = k->set.count - 1; i >= 0; i--) if (k->set.slots[i].kind == SV_SLOT_CLIENT) serve_client(k, i);
    sv_slots_sweep(&k->set);
    return kept(k) == 0 && (k->stopping || sv_slots_count(&k->set, SV_SLOT_CLIENT) == 0);
}

static int poll_timeout(const struct keeper *k) {
    for (int i = 0; i < k->set.count; i++) if (k->set.slots[i].give_up_ms) return EXIT_CHECK_MS;
    if (k->idle_since_ms < 0) return -1;
    long long left = k->grace_ms - (now_ms() - k->idle_since_ms);
    return left < 0 ? 0 : (int)left;
}

/* The process that started us waits for us to exit: go on in a child of a new session,
 * without its standard error (a pipe a caller reads to its end would never end). */
static void detach(void) {
    pid_t pid = fork();
    if (pid < 0) usage("fork failed");
    if (pid > 0) _exit(0);
    setsid();
    int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (null >= 0) {
        dup2(null, 2);
        close(null);
    }
}

_Noreturn void virt_keeper_run(void) {
    struct keeper k = { .root = -1, .idle_since_ms = -1, .grace_ms = 5000 };
    int control = -1;
    for (int i = 1; i < sv_argc; i++) {
        if (i + 1 >= sv_argc) usage("option without value");
        if (strcmp(sv_argv[i], "--socket-fd") == 0) control = parse_number(sv_argv[++i], 65535);
        else if (strcmp(sv_argv[i], "--root-fd") == 0) k.root = parse_number(sv_argv[++i], 65535);
        else if (strcmp(sv_argv[i], "--grace-ms") == 0) k.grace_ms = parse_number(sv_argv[++i], 3600000);
        else usage("unknown option");
    }
    if (control < 0 || k.root < 0 || !is_directory(k.root)) usage("--socket-fd and --root-fd are required");
    struct stat st;
    if (fstatat(k.root, socket_name, &st, AT_SYMLINK_NOFOLLOW) < 0) usage("no keeper.sock in the root");
    k.socket_inode = st.st_ino;
    k.own_uts = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);
    if (k.own_uts < 0) usage("cannot open our UTS namespace");
    signal(SIGPIPE, SIG_IGN);
    /* accept4's flags apply to the accepted socket only: accept_clients takes the queue until
     * it is empty, so the listening socket must not block either. */
    if (fcntl(control, F_SETFL, fcntl(control, F_GETFL) | O_NONBLOCK) < 0) usage("--socket-fd is not open");
    detach();
    if (sv_slots_add(&k.set, (struct sv_slot){ .fd = control, .kind = SV_SLOT_CONTROL, .state_dir = -1 }) < 0) usage("no memory");
    for (;;) {
        sv_slots_prepare_poll(&k.set);
        int ready = poll(k.set.polled, (nfds_t)k.set.count, poll_timeout(&k));
        if (ready < 0 && errno != EINTR) usage("poll failed");
        if (ready > 0) handle_events(&k);
        for (int i = k.set.count - 1; i >= 0; i--) if (k.set.slots[i].give_up_ms) check_exit(&k, i);
        sv_slots_sweep(&k.set);
        if (should_exit(&k)) _exit(0);
    }
}
