#ifndef CVIRTINIT_H
#define CVIRTINIT_H

/*
 * swiftvirt-init: the first process of a security context that needs services no kernel
 * object gives (see docs/ARCHITECTURE.md, "Security contexts"):
 *
 *   swiftvirt-init --state-dir-fd N [--listener-fd N] [--control-fd N] -- COMMAND [ARG...]
 *
 * It runs COMMAND as its child, reaps every orphan of the context, answers the seccomp
 * notifications of uname(2) (VHIN_SYSNAME/RELEASE/VERSION/MACHINE) and reboot(2)
 * (VXF_REBOOT_KILL, and recording what was asked for), keeps the context alive while
 * VXF_PERSISTENT is set, and writes COMMAND's end to the context's state directory.
 * On the control socket (--control-fd, see init_control.h) it takes the seccomp listeners of
 * processes that enter the context later (vx_migrate) and answers them too; the context
 * lives until those processes have ended as well.
 * It uses raw system calls only, so that it stays small (no Swift runtime).
 */

/// Runs the init with the process's own arguments; never returns.
_Noreturn void virt_init_run(void);

#endif
