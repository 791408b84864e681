#ifndef INIT_NOTIFY_H
#define INIT_NOTIFY_H

/// Receives and answers one seccomp notification from `listener`: uname(2) gets the
/// context's virtual system information written into the caller's buffer; reboot(2) is
/// recorded in the state directory and then either carried out by the kernel (with
/// VXF_REBOOT_KILL, which ends the context) or refused with EPERM. Returns -1 when the
/// listener is gone.
int init_answer_notification(int listener, int state_dir);

#endif
