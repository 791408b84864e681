#include "init_state.h"
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

uint64_t init_read_hex(int state_dir, const char *name) {
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

static void read_sysctl(const char *path, char field[65]) {
    char buf[128];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    field[0] = '\0';
    if (fd < 0) return;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return;
    buf[n] = '\0';
    char *nl = strchr(buf, '\n');
    if (nl) *nl = '\0';
    strncpy(field, buf, 64);
    field[64] = '\0';
}

int init_read_uname(int state_dir, struct init_utsname *out) {
    char buf[512];
    memset(out, 0, sizeof *out);
    if (read_small_file(state_dir, "uname", buf, sizeof buf) <= 0) return -1;
    char *cursor = buf;
    if (take_line(&cursor, out->sysname) || take_line(&cursor, out->release) ||
        take_line(&cursor, out->version) || take_line(&cursor, out->machine)) return -1;
    read_sysctl("/proc/sys/kernel/hostname", out->nodename);
    read_sysctl("/proc/sys/kernel/domainname", out->domainname);
    return 0;
}

void init_write_file(int state_dir, const char *name, const char *text) {
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
