#define _GNU_SOURCE
#include "keeper_console.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct sv_console *sv_console_new(uint32_t xid, int master, int slave) {
    struct sv_console *console = calloc(1, sizeof *console);
    if (!console) return NULL;
    fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
    console->xid = xid;
    console->master = master;
    console->slave = slave;
    console->session = -1;
    return console;
}

void sv_console_free(struct sv_console *console) {
    sv_console_detach(console);
    close(console->master);
    close(console->slave);
    free(console);
}

short sv_console_master_events(const struct sv_console *console) {
    short events = 0;
    if (console->to_session_length == 0) events |= POLLIN; /* room for what it says */
    if (console->to_master_length > 0) events |= POLLOUT;
    return events;
}

short sv_console_session_events(const struct sv_console *console) {
    short events = 0;
    if (console->to_master_length == 0) events |= POLLIN;
    if (console->to_session_length > 0) events |= POLLOUT;
    return events;
}

/* Writes what `buffer` holds to `fd` as far as it takes it; returns -1 on an error other
 * than a full descriptor. */
static int flush(int fd, char *buffer, size_t *length) {
    while (*length > 0) {
        ssize_t n = send(fd, buffer, *length, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n < 0 && errno == ENOTSOCK) n = write(fd, buffer, *length);
        if (n < 0) return errno == EAGAIN || errno == EINTR ? 0 : -1;
        memmove(buffer, buffer + n, *length - (size_t)n);
        *length -= (size_t)n;
    }
    return 0;
}

void sv_console_master_ready(struct sv_console *console, short revents) {
    if ((revents & POLLOUT) && flush(console->master, console->to_master, &console->to_master_length) < 0)
        console->to_master_length = 0; /* the terminal refuses input: drop it */
    if (!(revents & (POLLIN | POLLHUP | POLLERR)) || console->to_session_length > 0) return;
    ssize_t n = read(console->master, console->to_session, sizeof console->to_session);
    if (n <= 0) return;
    if (console->session < 0) return; /* nobody attached: dropped */
    console->to_session_length = (size_t)n;
    if (flush(console->session, console->to_session, &console->to_session_length) < 0) sv_console_detach(console);
}

void sv_console_session_ready(struct sv_console *console, short revents) {
    if ((revents & POLLOUT) && flush(console->session, console->to_session, &console->to_session_length) < 0) {
        sv_console_detach(console);
        return;
    }
    if (!(revents & (POLLIN | POLLHUP | POLLERR)) || console->to_master_length > 0) return;
    ssize_t n = recv(console->session, console->to_master, sizeof console->to_master, MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (n <= 0) {
        sv_console_detach(console);
        return;
    }
    console->to_master_length = (size_t)n;
    if (flush(console->master, console->to_master, &console->to_master_length) < 0) console->to_master_length = 0;
}

int sv_console_attach(struct sv_console *console, int force) {
    if (console->session >= 0 && !force) return -EBUSY;
    int pair[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0) return -errno;
    sv_console_detach(console);
    fcntl(pair[0], F_SETFL, fcntl(pair[0], F_GETFL) | O_NONBLOCK);
    console->session = pair[0];
    return pair[1];
}

void sv_console_detach(struct sv_console *console) {
    if (console->session >= 0) close(console->session);
    console->session = -1;
    console->to_session_length = 0;
    console->to_master_length = 0;
}
