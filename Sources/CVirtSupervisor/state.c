#define _GNU_SOURCE
#include "state.h"
#include <sched.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static ssize_t read_small_file(int dir, const char *name, char *buf, size_t size) {
    int fd = openat(dir, name, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t total = 0;
    while ((size_t)total < size - 1) {
        ssize_t n = read(fd, buf + total, size - 1 - (size_t)total);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        total += n;
    }
    close(fd);
    buf[total] = '\0';
    return total;
}

uint64_t sv_read_hex(int state_dir, const char *name) {
    char buf[64];
    if (read_small_file(state_dir, name, buf, sizeof buf) <= 0) return 0;
    return strtoull(buf, NULL, 16);
}

/* Copies the next line of *cursor into field (at most 64 bytes + NUL). */
static int take_line(char **cursor, char field[65]) {
    char *end = strchr(*cursor, '\n');
    if (!end) return -1;
    size_t length = (size_t)(end - *cursor);
    if (length > 64) return -1;
    memcpy(field, *cursor, length);
    field[length] = '\0';
    *cursor = end + 1;
    return 0;
}

int sv_has_file(int state_dir, const char *name) {
    return faccessat(state_dir, name, F_OK, 0) == 0;
}

/* nodename and domainname as process `pid` sees them. */
static int read_names_of(pid_t pid, int own_uts, struct sv_utsname *out) {
    char path[48];
    snprintf(path, sizeof path, "/proc/%d/ns/uts", (int)pid);
    int theirs = open(path, O_RDONLY | O_CLOEXEC);
    if (theirs < 0) return -1;
    struct utsname names;
    int entered = setns(theirs, CLONE_NEWUTS) == 0;
    close(theirs);
    if (!entered) return -1;
    uname(&names);
    if (setns(own_uts, CLONE_NEWUTS) < 0) _exit(70); /* never answer from the wrong namespace */
    memcpy(out->nodename, names.nodename, sizeof out->nodename);
    memcpy(out->domainname, names.domainname, sizeof out->domainname);
    out->nodename[64] = out->domainname[64] = '\0';
    return 0;
}

int sv_read_uname(int state_dir, pid_t pid, int own_uts, struct sv_utsname *out) {
    char buf[512];
    memset(out, 0, sizeof *out);
    if (read_small_file(state_dir, "uname", buf, sizeof buf) <= 0) return -1;
    char *cursor = buf;
    if (take_line(&cursor, out->sysname) || take_line(&cursor, out->release) ||
        take_line(&cursor, out->version) || take_line(&cursor, out->machine)) return -1;
    return read_names_of(pid, own_uts, out);
}

void sv_write_file(int state_dir, const char *name, const char *text) {
    char temporary[64];
    snprintf(temporary, sizeof temporary, ".%s.tmp", name);
    int fd = openat(state_dir, temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return;
    size_t length = strlen(text), done = 0;
    while (done < length) {
        ssize_t n = write(fd, text + done, length - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        done += (size_t)n;
    }
    close(fd); /* run state: atomic by rename, not fsynced (see ContextStore) */
    renameat(state_dir, temporary, state_dir, name);
}

void sv_write_status(int state_dir, int status) {
    char text[32];
    if (WIFSIGNALED(status)) snprintf(text, sizeof text, "signal %d\n", WTERMSIG(status));
    else snprintf(text, sizeof text, "exit %d\n", WEXITSTATUS(status));
    sv_write_file(state_dir, "status", text);
}
