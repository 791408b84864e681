/* swiftvirt-enter: runs a command inside a running container's namespaces, for
 * `virtsh lxc-enter-namespace`. Its caller executes it from a sealed memfd copy, so that
 * neither this process nor anything it becomes through /proc/self/exe is a host binary the
 * container could write (CVE-2019-5736); its cgroups are the container's before it runs. */
#define _GNU_SOURCE
#include "arguments.h"
#include "cvirtsupervisor.h"

#include <errno.h>
#include <linux/nsfs.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

/* Exit statuses of our own failures, as env(1) and virsh use them. */
enum { EXIT_CANCELED = 125, EXIT_CANNOT_INVOKE = 126, EXIT_ENOENT = 127 };

static _Noreturn void usage(const char *why) {
    dprintf(2, "swiftvirt-enter: %s\n"
               "usage: swiftvirt-enter --namespace-fds FIRST:COUNT [--ids UID:GID] -- COMMAND [ARG...]\n", why);
    _exit(EXIT_CANCELED);
}

static _Noreturn void fail(const char *what) {
    dprintf(2, "swiftvirt-enter: %s: %s\n", what, strerror(errno));
    _exit(EXIT_CANCELED);
}

static unsigned long parse_number(const char *text, unsigned long max) {
    unsigned long value;
    if (sv_parse_number(text, max, &value) < 0) usage("bad number");
    return value;
}

/* Parses "A:B" into two numbers. */
static void parse_pair(const char *text, unsigned long max, unsigned long *a, unsigned long *b) {
    const char *colon = strchr(text, ':');
    if (!colon) usage("expected A:B");
    char first[32];
    size_t length = (size_t)(colon - text);
    if (length == 0 || length >= sizeof first) usage("bad number");
    memcpy(first, text, length);
    first[length] = 0;
    *a = parse_number(first, max);
    *b = parse_number(colon + 1, max);
}

/* The middle process ends as its child did: same status, or the same signal. */
static _Noreturn void exit_like(int status) {
    if (WIFEXITED(status)) _exit(WEXITSTATUS(status));
    int sig = WTERMSIG(status);
    signal(sig, SIG_DFL);
    raise(sig);
    _exit(128 + sig);
}

_Noreturn void virt_enter_run(void) {
    unsigned long first = 0, count = 0, uid = 0, gid = 0;
    int have_fds = 0, have_ids = 0, i = 1;
    for (; i < sv_argc; i++) {
        if (!strcmp(sv_argv[i], "--namespace-fds") && i + 1 < sv_argc) {
            parse_pair(sv_argv[++i], 65535, &first, &count);
            have_fds = 1;
        } else if (!strcmp(sv_argv[i], "--ids") && i + 1 < sv_argc) {
            parse_pair(sv_argv[++i], 0xfffffffeUL, &uid, &gid);
            have_ids = 1;
        } else if (!strcmp(sv_argv[i], "--")) {
            i++;
            break;
        } else {
            usage("unknown argument");
        }
    }
    if (!have_fds || i >= sv_argc) usage("missing arguments");
    char **command = sv_argv + i;

    /* In order: the user namespace (listed first) gives the rights over the others. */
    int entered_user_namespace = 0;
    for (unsigned long fd = first; fd < first + count; fd++) {
        if (ioctl((int)fd, NS_GET_NSTYPE) == CLONE_NEWUSER) entered_user_namespace = 1;
        if (setns((int)fd, 0) < 0) fail("setns");
        close((int)fd);
    }
    if (!have_ids && entered_user_namespace) {
        /* Our ids are unmapped in the container's user namespace: without a label to take
         * on, become its root, as its init is (if it maps one). */
        setgroups(0, NULL);
        if (setresgid(0, 0, 0) == 0) setresuid(0, 0, 0);
    }
    if (have_ids) {
        gid_t group = (gid_t)gid;
        if (setgroups(1, &group) < 0) fail("setgroups");
        if (setresgid((gid_t)gid, (gid_t)gid, (gid_t)gid) < 0) fail("setresgid");
        if (setresuid((uid_t)uid, (uid_t)uid, (uid_t)uid) < 0) fail("setresuid");
    }
    /* A joined pid namespace holds only the processes made afterwards. */
    pid_t pid = fork();
    if (pid < 0) fail("fork");
    if (pid == 0) {
        execv(command[0], command);
        int error = errno;
        dprintf(2, "swiftvirt-enter: cannot run %s: %s\n", command[0], strerror(error));
        _exit(error == ENOENT ? EXIT_ENOENT : EXIT_CANNOT_INVOKE);
    }
    /* Typed signals reach the command through the terminal's process group; this process
     * ignores them, so that it outlives the command and reports its end. */
    signal(SIGINT, SIG_IGN);
    signal(SIGQUIT, SIG_IGN);
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) fail("waitpid");
    }
    exit_like(status);
}
