#include "policy.h"
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Reads `size` bytes at `address` of process `pid`; 0 on success. */
static int read_memory(pid_t pid, uint64_t address, void *buffer, size_t size) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/mem", pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t n = pread(fd, buffer, size, (off_t)address);
    close(fd);
    return n == (ssize_t)size ? 0 : -1;
}

/* Reads a NUL-terminated string of at most size-1 bytes; 0 on success. */
static int read_string(pid_t pid, uint64_t address, char *buffer, size_t size) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/mem", pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t n = pread(fd, buffer, size - 1, (off_t)address);
    close(fd);
    if (n <= 0) return -1;
    buffer[n] = '\0';
    return memchr(buffer, '\0', (size_t)n) ? 0 : -1;
}

static int is_network_filesystem(const char *type) {
    static const char *const network[] = { "nfs", "nfs4", "cifs", "smb3", "ceph", "glusterfs", "9p", "afs", "ncpfs", NULL };
    for (int i = 0; network[i]; i++) if (strcmp(type, network[i]) == 0) return 1;
    return 0;
}

/* Mount data is "binary" unless it is a printable, NUL-terminated option string. */
static int is_binary_data(pid_t pid, uint64_t address) {
    char data[4096];
    if (read_string(pid, address, data, sizeof data) < 0) return 1;
    for (const char *c = data; *c; c++) if (*c < 0x20 || *c > 0x7e) return 1;
    return 0;
}

static int mount_allowed(uint64_t ccaps, const struct seccomp_notif *r) {
    uint64_t flags = r->data.args[3];
    if (flags & MS_REMOUNT) return (ccaps & SV_VXC_SECURE_REMOUNT) != 0;
    if (!(ccaps & SV_VXC_SECURE_MOUNT)) return 0;
    if (ccaps & SV_VXC_BINARY_MOUNT) return 1;
    char type[64];
    if (r->data.args[2] && read_string((pid_t)r->pid, r->data.args[2], type, sizeof type) == 0 && is_network_filesystem(type)) return 0;
    return !(r->data.args[4] && is_binary_data((pid_t)r->pid, r->data.args[4]));
}

/* Whether setrlimit/prlimit64 would raise a soft or hard limit of its target. */
static int raises_limit(const struct seccomp_notif *r) {
    pid_t target = (pid_t)r->pid;
    uint64_t resource, address;
    if (r->data.nr == SYS_setrlimit) {
        resource = r->data.args[0];
        address = r->data.args[1];
    } else {
        if (r->data.args[0]) target = (pid_t)r->data.args[0];
        resource = r->data.args[1];
        address = r->data.args[2];
    }
    struct rlimit wanted, current;
    if (read_memory((pid_t)r->pid, address, &wanted, sizeof wanted) < 0) return 1;
    if (syscall(SYS_prlimit64, target, (int)resource, NULL, &current) < 0) return 1;
    return wanted.rlim_cur > current.rlim_cur || wanted.rlim_max > current.rlim_max;
}

/* Whether socket(2) asks for ICMP (or ICMPv6): protocol 0 of a raw socket means none. */
static int is_icmp_socket(const struct seccomp_notif *r) {
    uint64_t family = r->data.args[0], protocol = r->data.args[2];
    return (family == AF_INET && protocol == IPPROTO_ICMP) || (family == AF_INET6 && protocol == IPPROTO_ICMPV6);
}

static void allow_if(uint64_t allowed, struct seccomp_notif_resp *response) {
    if (allowed) response->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
    else response->error = -EPERM;
}

void sv_decide(int state_dir, const struct seccomp_notif *r, struct seccomp_notif_resp *response) {
    uint64_t ccaps = sv_read_hex(state_dir, "ccaps");
    uint64_t flags = sv_read_hex(state_dir, "flags");
    switch (r->data.nr) {
    case SYS_sethostname:
    case SYS_setdomainname:
        allow_if(ccaps & SV_VXC_SET_UTSNAME, response);
        break;
    case SYS_socket: /* the filter notifies raw sockets only */
        allow_if((ccaps & SV_VXC_RAW_ICMP) || !is_icmp_socket(r), response);
        break;
    case SYS_syslog:
        allow_if(ccaps & SV_VXC_SYSLOG, response);
        break;
    case SYS_mount:
        allow_if(mount_allowed(ccaps, r), response);
        break;
    case SYS_open_tree: case SYS_move_mount: case SYS_fsopen: case SYS_fsconfig:
    case SYS_fsmount: case SYS_fspick: case SYS_mount_setattr:
        allow_if(ccaps & SV_VXC_SECURE_MOUNT, response);
        break;
    case SYS_quotactl:
    case SYS_quotactl_fd:
        allow_if(ccaps & SV_VXC_QUOTA_CTL, response);
        break;
    case SYS_setrlimit:
    case SYS_prlimit64: /* the filter notifies only calls that set a limit */
        allow_if((ccaps & SV_VXC_SET_RLIMIT) || !raises_limit(r), response);
        break;
    case SYS_setpriority: /* the filter notifies only negative priorities */
        if (flags & SV_VXF_IGNEG_NICE) response->val = 0;
        else response->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
        break;
    case SYS_unshare: case SYS_clone: case SYS_setns: /* namespace-creating or -joining calls */
        allow_if(flags & SV_VXF_PROLIFIC, response);
        break;
    default:
        response->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
    }
}
