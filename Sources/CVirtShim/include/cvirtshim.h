#ifndef CVIRTSHIM_H
#define CVIRTSHIM_H
/* CVirtShim: only what Swift's Glibc module lacks. Each function is short and documented
 * where it is declared. Functions return -1 and set errno on failure, like libc, so that
 * VirtSystem's one syscall funnel handles them all. */

#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/syscall.h>  /* SYS_* numbers, for seccomp rules */
#include <sys/epoll.h>
#include <linux/sched.h>  /* CLONE_* flags */
#include <linux/filter.h> /* struct sock_filter, BPF_* */
#include <linux/seccomp.h>

/* ---- pidfd and process reaping ------------------------------------------------------- */

/** pidfd_open(2): a pidfd (close-on-exec) for `pid`, which need not be our child. */
int cvs_pidfd_open(pid_t pid);

/** pidfd_send_signal(2): sends `sig` to the process behind `pidfd`. */
int cvs_pidfd_send_signal(int pidfd, int sig);

/** waitid(P_PIDFD, pidfd, …, WEXITED | `options`): reaps the child behind `pidfd`.
 *  On success `*code` is the siginfo si_code (CLD_EXITED, CLD_KILLED, CLD_DUMPED), or 0 when
 *  WNOHANG was given and the child has not exited yet; `*status` is the exit code or the
 *  signal number. */
int cvs_pidfd_wait(int pidfd, int options, int *code, int *status);

/** The wait status (as waitpid(2) encodes it) of the process behind `pidfd`, by whoever
 *  reaped it: 1 and `*wait_status` once it is reaped, 0 while it is not, -1 with errno when
 *  the kernel keeps no exit information (before Linux 6.15: ENOTTY or EINVAL). */
int cvs_pidfd_exit_status(int pidfd, int *wait_status);

/** The pidfs inode number of `pidfd` (Linux 6.9 on: unique for the boot), 0 if pidfds are
 *  anonymous inodes on this kernel, -1 with errno on failure. */
long long cvs_pidfd_inode(int pidfd);

/** PIDFD_GET_*_NAMESPACE (Linux 6.11): a descriptor (close-on-exec) of one namespace of the
 *  process `pidfd` refers to; `which` is the ioctl's number, 1 (cgroup) to 10 (uts). Fails
 *  with ENOTTY on older kernels and ESRCH once the process has exited. */
int cvs_pidfd_namespace(int pidfd, unsigned int which);

/** pidfd_open(gettid(), PIDFD_THREAD) (Linux 6.9): a pidfd of the calling thread, whose
 *  namespaces PIDFD_GET_*_NAMESPACE then gives, wherever /proc points. -1 with errno. */
int cvs_thread_pidfd(void);

/** NS_GET_NSTYPE: the CLONE_NEW* type of the namespace descriptor `fd`, -1 with errno
 *  (EINVAL or ENOTTY: not a namespace descriptor). */
int cvs_namespace_type(int fd);

/** setns(fd, type) for the calling thread, -1 with errno. */
int cvs_setns(int fd, int type);

/** unshare(flags) for the calling thread, -1 with errno. */
int cvs_unshare(int flags);

/** socket(domain, type, protocol) made inside the network namespace `netns` (a namespace
 *  descriptor): the calling thread enters it, makes the socket and returns to its own, all
 *  within this call. The socket stays bound to `netns` (a netlink socket configures its
 *  links). -1 with errno. */
int cvs_socket_in_netns(int netns, int domain, int type, int protocol);

/** Gives the calling thread (only) the user and group `uid`:`gid`, with `gid` as its only
 *  supplementary group, keeping its saved ids so that it can switch back before exec:
 *  setgroups, setresgid(gid, gid, -1), setresuid(uid, uid, -1), raw system calls (glibc's
 *  wrappers would change every thread). When switching to uid 0, the uid goes first, since
 *  only then may the groups change. -1 with errno. */
int cvs_thread_set_ids(uid_t uid, gid_t gid);

/** A sealed, close-on-exec memfd copy of the file open at `fd`: nothing can write, grow or
 *  shrink it, so a program executed from it cannot be changed through /proc/PID/exe. -1
 *  with errno. */
int cvs_sealed_copy(int fd, const char *name);

/** An anonymous, close-on-exec memfd named `name`: a file in memory, e.g. for a child's
 *  output. -1 with errno. */
int cvs_memfd(const char *name);

/* ---- UTS names of a running process ------------------------------------------------- */

/** Sets the host name and/or domain name (either may be NULL) in the UTS namespace of the
 *  process `pidfd` refers to, from a short-lived clone child that joins it: the caller, which
 *  may be multithreaded, never calls setns itself. Returns 0 or -errno. */
int cvs_set_uts_names(int pidfd, const char *hostname, const char *domainname);

/** Reads the host and domain name of the UTS namespace of the process `pidfd` refers to,
 *  the same way. Returns 0 or -errno. */
int cvs_get_uts_names(int pidfd, char hostname[65], char domainname[65]);

/* ---- file descriptors ---------------------------------------------------------------- */

/** sendmsg(2) of `len` bytes plus `nfds` descriptors as one SCM_RIGHTS message (at most
 *  CVS_MAX_FDS). Returns the number of bytes sent. */
ssize_t cvs_send_fds(int sock, const void *buf, size_t len, const int *fds, int nfds);

/** recvmsg(2) of up to `len` bytes and up to `maxfds` SCM_RIGHTS descriptors, which arrive
 *  close-on-exec. `*nfds` receives how many came. Returns the number of bytes received
 *  (0 at end of stream). */
ssize_t cvs_recv_fds(int sock, void *buf, size_t len, int *fds, int maxfds, int *nfds);

/** Opens a new pseudo-terminal pair from /dev/ptmx, unlocked: `*master` and `*slave` (both
 *  close-on-exec, the slave without becoming our controlling terminal) and the slave's
 *  number N (/dev/pts/N). Returns 0, or -1 with errno. */
int cvs_open_pty(int *master, int *slave, unsigned int *number);

/** accept4(sock, NULL, NULL, SOCK_CLOEXEC): a client socket that no spawned child inherits.
 *  Returns the descriptor, or -1 with errno. */
int cvs_accept_cloexec(int sock);

/** accept4(sock, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK): a client socket for an event
 *  loop. Returns the descriptor, or -1 with errno (EAGAIN when nobody waits). */
int cvs_accept_nonblocking(int sock);

/** Opens /dev/net/tun as the tap device `name` (TUNSETIFF with IFF_TAP | IFF_NO_PI, plus
 *  IFF_VNET_HDR if `vnet_header`), creating it if it does not exist; a name with "%d" takes
 *  the kernel's first free number. The device's name is written to `actual` (IFNAMSIZ
 *  bytes). Returns the close-on-exec descriptor, or -1 with errno. */
int cvs_open_tap(const char *name, int vnet_header, char *actual);

/** The most descriptors one cvs_send_fds/cvs_recv_fds message carries. */
#define CVS_MAX_FDS 16

/* ---- seccomp ------------------------------------------------------------------------- */

/** The AUDIT_ARCH_* value of the architecture this code runs on, as seccomp_data.arch
 *  reports it (a macro expression that Swift cannot import). */
extern const uint32_t cvs_audit_arch;

/* ---- spawn ----------------------------------------------------------------------------
 * A child made by clone3 runs `cvs_child_main`, C code that makes raw syscalls only (it
 * never touches errno, locks or the allocator, so it is safe after cloning a multithreaded
 * process and while sharing its memory). The parent and the child talk over one
 * SOCK_SEQPACKET socket pair (close-on-exec on both ends):
 *   parent -> child  one byte, "go": sent once the parent has written uid/gid maps and
 *                    cgroup membership. With a new user namespace or a namespace to join,
 *                    the child waits for it before its first step; otherwise it sets up its
 *                    mounts, names and descriptors while the parent works, and waits before
 *                    the steps that need its cgroups (a cgroup namespace rooted at them) or
 *                    its privileges (dropping capabilities, changing ids, seccomp).
 *   child -> parent  a `struct cvs_report` with kind CVS_REPORT_PROCESS, `index` the pid and
 *                    the pidfd attached, once when the child joined a pid namespace: the
 *                    process that goes on is then a clone made inside it (see `join_pidfd`);
 *                    a `struct cvs_report` with kind CVS_REPORT_LISTENER and the seccomp
 *                    listener fd attached (SCM_RIGHTS), at most once;
 *                    a `struct cvs_report` with kind CVS_REPORT_ERROR: the step that failed
 *                    and its errno. The child exits with status 127 right after.
 *   end of stream    the child's end closed on a successful exec (and, after joining a pid
 *                    namespace, on the intermediate child's exit).
 */

/** What one step of the child's mount list does. */
enum cvs_mount_kind {
    CVS_MOUNT = 0,          /**< mount(source, target, fstype, flags, data) */
    CVS_MOUNT_DIRECTORY,    /**< mkdir(target), then chmod(mode); an existing one is left as it is */
    CVS_MOUNT_CHAR_DEVICE,  /**< mknod(target, S_IFCHR, major:minor), then chmod(mode) */
    CVS_MOUNT_SYMLINK,      /**< symlink(source, target) */
    CVS_MOUNT_FILE,         /**< an empty regular file (a mount point for a file), then
                                 chmod(mode); one that exists is left as it is */
};

/** One step the child takes, in list order: a mount(2) call, or a directory, device node or
 *  symbolic link it creates (in a tmpfs it just mounted, say a private /dev). */
struct cvs_mount {
    const char *source;  /**< may be NULL; the link's content for CVS_MOUNT_SYMLINK */
    const char *target;
    const char *fstype;  /**< may be NULL */
    unsigned long flags; /**< MS_* */
    const char *data;    /**< may be NULL */
    int kind;            /**< enum cvs_mount_kind */
    unsigned int mode;   /**< permission bits of a directory or device node */
    unsigned int major, minor;
};

/** "Make descriptor `from` of the parent descriptor `to` of the exec'd program." At most
 *  CVS_MAX_FD_MAPS of them. */
struct cvs_fd_map {
    int from;
    int to;
};

/** The most fd mappings one spawn takes. */
#define CVS_MAX_FD_MAPS 64

/** One seccomp BPF program: installed with SECCOMP_SET_MODE_FILTER and `flags`. */
struct cvs_filter {
    const struct sock_filter *code;
    unsigned short length;
    unsigned int flags; /**< SECCOMP_FILTER_FLAG_*; at most one filter asks for NEW_LISTENER */
};

/** Everything the child does, prepared by the parent in memory that stays valid until
 *  cvs_spawn_finish returns. Counts of zero and NULL pointers mean "skip this step". */
struct cvs_spawn {
    uint64_t namespaces;          /**< CLONE_NEW* flags for clone3 (not CLONE_NEWTIME) */
    int join_pidfd;               /**< setns(join_pidfd, join_namespaces) right after "go", or -1 */
    uint64_t join_namespaces;     /**< CLONE_NEW* kinds to join, all at once. With CLONE_NEWPID
                                       the child clones the process that goes on (CLONE_PARENT:
                                       the spawner's child), reports it and exits; with
                                       CLONE_NEWTIME the child is a copy-on-write clone */
    int parent_ready;             /**< the parent has nothing to do first: "go" is sent before
                                       the clone, so the child never blocks for it */
    int cgroup_fd;                /**< a cgroup v2 directory for CLONE_INTO_CGROUP, or -1 */
    int unshare_cgroup;           /**< unshare(CLONE_NEWCGROUP) after "go", once in its cgroups,
                                       so that the new namespace is rooted at them (not in
                                       `namespaces`, which would root it at the parent's) */
    int set_sid;                  /**< call setsid() */
    int controlling_tty;          /**< after the descriptors are mapped, make this one (a
                                       terminal) the new session's controlling one, or -1 */
    const char *hostname;         /**< sethostname() */
    const char *domainname;       /**< setdomainname() */
    const char *timens_offsets;   /**< text for /proc/self/timens_offsets: enter a new time ns */
    unsigned long root_propagation; /**< MS_SLAVE or MS_PRIVATE: applied recursively to / */
    const struct cvs_mount *mounts;
    size_t mount_count;
    const char *rootfs;           /**< pivot_root into this directory; old root detached */
    const char *const *readonly_paths; /**< made read-only (recursively) after pivot_root */
    size_t readonly_count;
    const char *cwd;              /**< chdir() */
    const struct cvs_fd_map *fds;
    size_t fd_count;
    int fd_base;                  /**< greater than every `to` in `fds` */
    int drop_bounding;            /**< drop every capability not in `bounding` */
    uint64_t bounding;
    int cap_last;                 /**< /proc/sys/kernel/cap_last_cap, read by the parent */
    int set_groups;               /**< setgroups(group_count, groups) */
    const gid_t *groups;
    size_t group_count;
    int set_gid;                  /**< setresgid(gid, gid, gid) */
    gid_t gid;
    int set_uid;                  /**< setresuid(uid, uid, uid) */
    uid_t uid;
    int no_new_privs;             /**< PR_SET_NO_NEW_PRIVS */
    int pdeathsig;                /**< PR_SET_PDEATHSIG signal, or 0 */
    int child_subreaper;          /**< PR_SET_CHILD_SUBREAPER (kept across exec) */
    const struct cvs_filter *filters;
    size_t filter_count;
    int listener_fd;              /**< keep the seccomp listener in the child at this fd number
                                       (for the exec'd program to answer), or -1 to send it to
                                       the parent */
    int exec_fd;                  /**< execveat(exec_fd, "", AT_EMPTY_PATH), or -1 to use path */
    const char *path;
    char *const *argv;
    char *const *envp;
};

/** The steps of the child, as reported in `struct cvs_report`. */
enum cvs_step {
    CVS_STEP_SIGNALS = 1, CVS_STEP_SYNC, CVS_STEP_TIMENS_UNSHARE, CVS_STEP_TIMENS_OFFSETS,
    CVS_STEP_TIMENS_ENTER, CVS_STEP_SETSID, CVS_STEP_HOSTNAME, CVS_STEP_DOMAINNAME,
    CVS_STEP_PROPAGATION, CVS_STEP_MOUNT, CVS_STEP_ROOTFS_BIND, CVS_STEP_PIVOT_ROOT,
    CVS_STEP_OLD_ROOT, CVS_STEP_READONLY, CVS_STEP_CHDIR, CVS_STEP_FDS, CVS_STEP_BOUNDING,
    CVS_STEP_NO_NEW_PRIVS, CVS_STEP_SETGROUPS, CVS_STEP_SETGID, CVS_STEP_SETUID,
    CVS_STEP_PDEATHSIG, CVS_STEP_SECCOMP, CVS_STEP_LISTENER, CVS_STEP_EXEC,
    CVS_STEP_JOIN, CVS_STEP_JOIN_CLONE, CVS_STEP_JOIN_REPORT, CVS_STEP_SUBREAPER,
    CVS_STEP_CGROUP_NS, CVS_STEP_CONTROLLING_TTY,
    CVS_STEP_DIED, /**< not a step: the child ended before its last report, without saying why */
};

/** Report kinds. */
enum { CVS_REPORT_LISTENER = 1, CVS_REPORT_ERROR = 2, CVS_REPORT_PROCESS = 3,
       CVS_REPORT_EXECUTING = 4 /**< every step done: execve is next */ };

/** A message from the child. `index` says which mount, read-only path, fd mapping,
 *  capability or filter a list step failed on. */
struct cvs_report {
    int32_t kind;
    int32_t step;
    int32_t index;
    int32_t error;
};

/** A child between cvs_spawn_start and cvs_spawn_end. */
struct cvs_child {
    pid_t pid;
    int pidfd;
    pid_t joined_pid;  /**< the process made in a joined pid namespace (CVS_REPORT_PROCESS), */
    int joined_pidfd;  /**< a child of the caller as well; -1 until reported */
    int channel;  /**< the parent's end of the socket pair */
    int released; /**< "go" was sent already */
    void *stack;  /**< the child's stack mapping */
    size_t stack_size;
};

/** Clones the child into `spec->namespaces` (plus CLONE_PIDFD, and CLONE_INTO_CGROUP when
 *  `cgroup_fd` >= 0) with every signal blocked around the clone. The child then waits for
 *  cvs_spawn_finish (before its first step or before execve, see "go" above). `spec` must stay valid until cvs_spawn_finish returns.
 *  The child shares the parent's memory (CLONE_VM, no page-table copy, so the cost does not
 *  grow with the parent) on a stack of its own, except when it must enter or join a time
 *  namespace: the kernel lets only a task that shares its memory with no other do that, so
 *  then it is a copy-on-write clone instead. When it joins a pid namespace, the stack is
 *  split in two: the upper half for the child, the lower one for the process it clones. */
int cvs_spawn_start(const struct cvs_spawn *spec, struct cvs_child *child);

/** Releases the child (unless `parent_ready` did already) and reads its reports until end of
 *  stream: returns 0 once it has exec'd, or 1 if a step failed (`report` filled in with the
 *  first failure; CVS_STEP_DIED when the stream ended before the child said it would exec,
 *  because something killed it). `*listener` receives the seccomp listener fd, or -1; `joined_pid` and
 *  `joined_pidfd` the process made in a joined pid namespace. Reading on after a failure means
 *  that a process report that raced with it is never lost, so the caller can reap both. */
int cvs_spawn_finish(struct cvs_child *child, struct cvs_report *report, int *listener);

/** Frees what cvs_spawn_start made, except the pidfd. Call it once the child has exec'd or
 *  has been reaped: until then it may still run on the stack. */
void cvs_spawn_end(struct cvs_child *child);

/** eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK): a counter one thread bumps to wake another's poll. */
int cvs_eventfd_nonblocking(void);

/** Runs the calling thread on CPU `cpu` only. Returns 0, or -1 with errno. */
int cvs_pin_thread(int cpu);

/** Lets thread `thread` (any process's) run on the `count` CPUs in `cpus` only
 *  (sched_setaffinity). Returns 0, or -1 with errno. */
int cvs_set_affinity(pid_t thread, const int *cpus, int count);

/** One ready descriptor of cvs_epoll_wait: the token it was registered with and its EPOLL* bits. */
struct cvs_poll_event {
    uint64_t token;
    uint32_t events;
};

/** epoll_create1(EPOLL_CLOEXEC). */
int cvs_epoll_create(void);

/** epoll_ctl(epfd, op, fd) with `events` and `token` as the event's data (EPOLL_CTL_ADD,
 *  EPOLL_CTL_MOD or EPOLL_CTL_DEL). Returns 0, or -1 with errno. */
int cvs_epoll_control(int epfd, int op, int fd, uint32_t events, uint64_t token);

/** epoll_wait into `ready` (at most `max`), unpacking the kernel's packed events. Returns the
 *  count, or -1 with errno. */
int cvs_epoll_wait(int epfd, struct cvs_poll_event *ready, int max, int timeout_ms);

#endif
