#include "notify.h"
#include "policy.h"
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/reboot.h>
#include <linux/seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define CAP_SYS_BOOT_BIT 22

static int caller_has_sys_boot(pid_t pid) {
    char path[64], buf[4096];
    snprintf(path, sizeof path, "/proc/%d/status", pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return 0;
    buf[n] = '\0';
    char *line = strstr(buf, "CapEff:");
    if (!line) return 0;
    unsigned long long caps = strtoull(line + 7, NULL, 16);
    return (caps >> CAP_SYS_BOOT_BIT) & 1;
}

/* Whether `pid` is in another pid namespace than ours: only there does the kernel turn
 * reboot(2) into the end of the namespace instead of the host's. */
static int in_child_pid_namespace(pid_t pid) {
    char path[48];
    struct stat theirs, ours;
    snprintf(path, sizeof path, "/proc/%d/ns/pid", (int)pid);
    if (stat(path, &theirs) < 0 || stat("/proc/self/ns/pid", &ours) < 0) return 0;
    return theirs.st_ino != ours.st_ino || theirs.st_dev != ours.st_dev;
}

static const char *reboot_word(uint64_t cmd) {
    switch ((uint32_t)cmd) {
    case LINUX_REBOOT_CMD_RESTART:
    case LINUX_REBOOT_CMD_RESTART2: return "restart";
    case LINUX_REBOOT_CMD_HALT: return "halt";
    case LINUX_REBOOT_CMD_POWER_OFF: return "poweroff";
    default: return NULL;
    }
}

/* Writes the virtual utsname into the caller's buffer at `address`. */
static int answer_uname(int state_dir, int own_uts, pid_t pid, uint64_t address) {
    struct sv_utsname buffer;
    if (sv_read_uname(state_dir, pid, own_uts, &buffer) < 0) return -ENOSYS;
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/mem", pid);
    int mem = open(path, O_WRONLY | O_CLOEXEC);
    if (mem < 0) return -EFAULT;
    ssize_t written = pwrite(mem, &buffer, sizeof buffer, (off_t)address);
    close(mem);
    return written == (ssize_t)sizeof buffer ? 0 : -EFAULT;
}

int sv_answer_notification(int listener, int state_dir, int own_uts) {
    struct seccomp_notif request;
    struct seccomp_notif_resp response;
    memset(&request, 0, sizeof request);
    if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &request) < 0) {
        return (errno == EINTR || errno == ENOENT) ? 0 : -1;
    }
    memset(&response, 0, sizeof response);
    response.id = request.id;
    if (request.data.nr == SYS_uname) {
        int result = answer_uname(state_dir, own_uts, (pid_t)request.pid, request.data.args[0]);
        /* The caller may have died, or its pid been reused, while we wrote: only answer a
         * request that is still pending. */
        if (ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &request.id) < 0) return 0;
        response.error = result;
    } else if (request.data.nr == SYS_reboot) {
        const char *word = reboot_word(request.data.args[2]);
        uint64_t flags = sv_read_hex(state_dir, "flags");
        if (!(flags & SV_VXF_REBOOT_KILL) || !in_child_pid_namespace((pid_t)request.pid)) {
            response.error = -EPERM;
        } else {
            if (word && caller_has_sys_boot((pid_t)request.pid)) {
                char text[32];
                snprintf(text, sizeof text, "%s\n", word);
                sv_write_file(state_dir, "reboot", text);
            }
            response.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
        }
    } else {
        sv_decide(state_dir, &request, &response);
    }
    if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &response) < 0 && errno != ENOENT) return -1;
    return 0;
}
