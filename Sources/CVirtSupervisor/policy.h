#ifndef SV_POLICY_H
#define SV_POLICY_H
#include <linux/seccomp.h>

/* Context capabilities (VXC_*) and flags (VXF_*) the keeper enforces, as in libvserver. */
#define SV_VXC_SET_UTSNAME    0x00000001ULL
#define SV_VXC_SET_RLIMIT     0x00000002ULL
#define SV_VXC_RAW_ICMP       0x00000100ULL
#define SV_VXC_SYSLOG         0x00001000ULL
#define SV_VXC_SECURE_MOUNT   0x00010000ULL
#define SV_VXC_SECURE_REMOUNT 0x00020000ULL
#define SV_VXC_BINARY_MOUNT   0x00040000ULL
#define SV_VXC_QUOTA_CTL      0x00100000ULL
#define SV_VXF_PROLIFIC       (1ULL << 49)
#define SV_VXF_IGNEG_NICE     (1ULL << 52)

/// Decides a notified system call other than uname and reboot by the context's current
/// capabilities and flags (files `ccaps` and `flags`): fills `response` with either
/// SECCOMP_USER_NOTIF_FLAG_CONTINUE (the kernel then applies its own checks), an error, or a
/// value. The seccomp filter only notifies the calls that a capability or flag gates, so
/// each decision is rare and cheap.
void sv_decide(int state_dir, const struct seccomp_notif *request, struct seccomp_notif_resp *response);

#endif
