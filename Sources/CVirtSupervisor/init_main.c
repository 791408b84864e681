#include "arguments.h"
#include "cvirtsupervisor.h"
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

/// The signal the Swift side sends after changing the context's flags.
#define INIT_RELOAD_SIGNAL (SIGRTMIN + 1)

static _Noreturn void usage(const char *why) {
    dprintf(2, "swiftvirt-init: %s\nusage: swiftvirt-init --state-dir-fd N -- COMMAND [ARG...]\n", why);
    _exit(125);
}

static int parse_fd(const char *text) {
    unsigned long value;
    if (sv_parse_number(text, 65535, &value) < 0) usage("bad file descriptor number");
    if (fcntl((int)value, F_SETFD, FD_CLOEXEC) < 0) usage("file descriptor is not open");
    return (int)value;
}

static pid_t start_command(char **command, const sigset_t *original) {
    pid_t pid = fork();
    if (pid == 0) {
        sigprocmask(SIG_SETMASK, original, NULL);
        execvp(command[0], command);
        dprintf(2, "swiftvirt-init: cannot run %s: %s\n", command[0], strerror(errno));
        _exit(127);
    }
    return pid;
}

/* Reaps every exited child; returns 1 when none is left. */
static int reap(pid_t command, int *command_status, int *command_done) {
    for (;;) {
        int status;
        pid_t pid = waitpid(-1, &status, WNOHANG);
        if (pid > 0) {
            if (pid == command) {
                *command_status = status;
                *command_done = 1;
            }
            continue;
        }
        return pid < 0 && errno == ECHILD;
    }
}

static _Noreturn void finish(int state_dir, int status) {
    sv_write_status(state_dir, status);
    _exit(WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status));
}

/* Passes every pending signal on to the command, except those the init keeps for itself. */
static void forward_signals(int signals, pid_t command, int command_done) {
    struct signalfd_siginfo info;
    while (read(signals, &info, sizeof info) == (ssize_t)sizeof info) {
        int number = (int)info.ssi_signo;
        if (number == SIGCHLD || number == INIT_RELOAD_SIGNAL) continue;
        if (!command_done) kill(command, number);
    }
}

_Noreturn void virt_init_run(void) {
    int state_dir = -1, index = 1;
    for (; index < sv_argc; index++) {
        const char *argument = sv_argv[index];
        if (strcmp(argument, "--") == 0) { index++; break; }
        if (index + 1 >= sv_argc) usage("option without value");
        if (strcmp(argument, "--state-dir-fd") == 0) state_dir = parse_fd(sv_argv[++index]);
        else usage("unknown option");
    }
    if (state_dir < 0) usage("--state-dir-fd is required");
    if (index >= sv_argc) usage("no command");

    sigset_t all, original;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &original);
    int signals = signalfd(-1, &all, SFD_CLOEXEC | SFD_NONBLOCK);
    if (signals < 0) usage("signalfd failed");
    if (getpid() != 1) prctl(PR_SET_CHILD_SUBREAPER, 1);

    pid_t command = start_command(sv_argv + index, &original);
    if (command < 0) usage("fork failed");
    int command_status = 0, command_done = 0;
    for (;;) {
        int empty = reap(command, &command_status, &command_done);
        if (command_done && empty && !(sv_read_hex(state_dir, "flags") & SV_VXF_PERSISTENT)) finish(state_dir, command_status);
        /* Blocks for the next signal: SIGCHLD, the reload signal, or one to pass on. */
        struct pollfd wait_for = { .fd = signals, .events = POLLIN, .revents = 0 };
        if (poll(&wait_for, 1, -1) < 0 && errno != EINTR) usage("poll failed");
        forward_signals(signals, command, command_done);
    }
}
