#ifndef CVIRTSUPERVISOR_H
#define CVIRTSUPERVISOR_H

/*
 * The small C programs behind security contexts and containers (see docs/ARCHITECTURE.md,
 * "Security contexts"). All use the C library only, behind Embedded Swift entry points, so that they
 * carry no Swift runtime.
 *
 *   swiftvirt-keeper --socket-fd N --root-fd N [--grace-ms N]
 *
 * One per context root, started on demand by the first creation. It answers the seccomp
 * notifications of every context process: uname(2) (VHIN_SYSNAME/RELEASE/VERSION/MACHINE),
 * reboot(2) (VXF_REBOOT_KILL, recording what was asked for), and the calls that context
 * capabilities and flags gate (policy.h). It records how each context's first process ended.
 * Its protocol is in keeper_protocol.h.
 *
 *   swiftvirt-init --state-dir-fd N -- COMMAND [ARG...]
 *
 * The first process of a context created VXF_PERSISTENT only (every other context's first
 * process is its own command): it runs COMMAND as its child, reaps every orphan, passes
 * signals on, keeps the context alive while VXF_PERSISTENT is set (re-read on SIGRTMIN+1),
 * and writes COMMAND's end to the state directory.
 *
 *   swiftvirt-enter --namespace-fds FIRST:COUNT [--ids UID:GID] -- COMMAND [ARG...]
 *
 * `virtsh lxc-enter-namespace`: enters the namespaces of descriptors FIRST..FIRST+COUNT-1 in
 * order, takes the ids, then runs COMMAND (a path inside the container, no PATH search) as
 * its child and exits as it did. Executed from a sealed memfd copy (CVE-2019-5736).
 */

/// Runs the init with the process's own arguments; never returns.
_Noreturn void virt_init_run(void);

/// Runs the keeper with the process's own arguments; never returns.
_Noreturn void virt_keeper_run(void);

/// Runs swiftvirt-enter with the process's own arguments; never returns.
_Noreturn void virt_enter_run(void);

#endif
