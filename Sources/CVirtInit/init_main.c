#include "cvirtinit.h"
#include "init_control.h"
#include "init_notify.h"
#include "init_state.h"

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

/* glibc hands ELF constructors (argc, argv, envp): keep them for virt_init_run, since the
 * Embedded Swift entry point has no CommandLine. */
static int saved_argc;
static char **saved_argv;

__attribute__((constructor)) static void capture_arguments(int argc, char **argv, char **envp) {
    (void)envp;
    saved_argc = argc;
    saved_argv = argv;
}

/// The signal the Swift side sends after changing the context's flags.
#define INIT_RELOAD_SIGNAL (SIGRTMIN + 1)

static _Noreturn void usage(const char *why) {
    dprintf(2, "swiftvirt-init: %s\nusage: swiftvirt-init --state-dir-fd N [--listener-fd N] [--control-fd N] -- COMMAND [ARG...]\n", why);
    _exit(125);
}

static int parse_fd(const char *text) {
    char *end = NULL;
    long value = strtol(text, &end, 10);
    if (!text[0] || *end || value < 0 || value > 65535) usage("bad file descriptor number");
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
    char text[32];
    int code;
    if (WIFSIGNALED(status)) {
        snprintf(text, sizeof text, "signal %d\n", WTERMSIG(status));
        code = 128 + WTERMSIG(status);
    } else {
        snprintf(text, sizeof text, "exit %d\n", WEXITSTATUS(status));
        code = WEXITSTATUS(status);
    }
    init_write_file(state_dir, "status", text);
    _exit(code);
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

/* Handles every slot with events; walks from the end, since handling may remove a slot. */
static void handle_events(struct init_slots *slots, int state_dir, pid_t command, int command_done) {
    for (int i = slots->count - 1; i >= 0; i--) {
        short events = slots->fds[i].revents;
        if (!events) continue;
        switch (slots->kinds[i]) {
        case INIT_SLOT_SIGNALS: forward_signals(slots->fds[i].fd, command, command_done); break;
        case INIT_SLOT_CONTROL: init_control_accept(slots, slots->fds[i].fd); break;
        case INIT_SLOT_CLIENT: init_control_receive(slots, i); break;
        default: /* a listener: it hangs up once no process uses its filter any more */
            if (!(events & POLLIN) || init_answer_notification(slots->fds[i].fd, state_dir) < 0) init_slots_remove(slots, i);
        }
    }
}

_Noreturn void virt_init_run(void) {
    int state_dir = -1, listener = -1, control = -1, index = 1;
    for (; index < saved_argc; index++) {
        const char *argument = saved_argv[index];
        if (strcmp(argument, "--") == 0) { index++; break; }
        if (index + 1 >= saved_argc) usage("option without value");
        if (strcmp(argument, "--state-dir-fd") == 0) state_dir = parse_fd(saved_argv[++index]);
        else if (strcmp(argument, "--listener-fd") == 0) listener = parse_fd(saved_argv[++index]);
        else if (strcmp(argument, "--control-fd") == 0) control = parse_fd(saved_argv[++index]);
        else usage("unknown option");
    }
    if (state_dir < 0) usage("--state-dir-fd is required");
    if (index >= saved_argc) usage("no command");

    sigset_t all, original;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &original);
    int signals = signalfd(-1, &all, SFD_CLOEXEC | SFD_NONBLOCK);
    if (signals < 0) usage("signalfd failed");
    if (getpid() != 1) prctl(PR_SET_CHILD_SUBREAPER, 1);
    struct init_slots slots = { .count = 0 };
    init_slots_add(&slots, signals, INIT_SLOT_SIGNALS);
    if (control >= 0) init_slots_add(&slots, control, INIT_SLOT_CONTROL);
    if (listener >= 0) init_slots_add(&slots, listener, INIT_SLOT_LISTENER);

    pid_t command = start_command(saved_argv + index, &original);
    if (command < 0) usage("fork failed");
    int command_status = 0, command_done = 0;

    for (;;) {
        if (poll(slots.fds, (nfds_t)slots.count, -1) < 0) {
            if (errno == EINTR) continue;
            usage("poll failed");
        }
        handle_events(&slots, state_dir, command, command_done);
        int empty = reap(command, &command_status, &command_done);
        /* The context lives while its processes do, including those that entered it. */
        if (command_done && empty && init_slots_count(&slots, INIT_SLOT_MIGRATED) == 0
            && !(init_read_hex(state_dir, "flags") & INIT_VXF_PERSISTENT)) {
            finish(state_dir, command_status);
        }
    }
}
