#ifndef SV_NOTIFY_H
#define SV_NOTIFY_H

/// Receives and answers one seccomp notification from `listener`: uname(2) gets the
/// context's virtual system information written into the caller's buffer; reboot(2) is
/// recorded in the state directory and then either carried out by the kernel (with
/// VXF_REBOOT_KILL, which ends the context) or refused with EPERM. A caller outside a pid
/// namespace of its own is always refused: there the kernel would reboot the host. `own_uts`
/// is a descriptor of the answering process's UTS namespace (see sv_read_uname). Returns -1
/// when the listener is gone.
int sv_answer_notification(int listener, int state_dir, int own_uts);

#endif
