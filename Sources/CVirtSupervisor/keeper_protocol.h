#ifndef SV_KEEPER_PROTOCOL_H
#define SV_KEEPER_PROTOCOL_H
#include <stdint.h>

/* The keeper's control socket: `keeper.sock` in the context root, a listening SOCK_SEQPACKET
 * unix socket. The process that starts the keeper binds it and passes it (--socket-fd), so
 * that clients may connect before the keeper runs. A client connects once and sends any
 * number of messages, each one `struct sv_keeper_message`:
 *
 *   SV_KEEP_FIRST    + SCM_RIGHTS [state dir, seccomp listener, pidfd, then what `extras`
 *                    names: (mount namespace), (console master, console slave)]: the first
 *                    process of a context just created. The keeper answers the listener's
 *                    notifications and, once the pidfd reports the process reaped, writes its
 *                    end as `status` in the state directory (unless a file is there).
 *                    It holds the mount namespace until the process has exited: the last
 *                    reference then is the keeper's, so the namespace's teardown (an RCU
 *                    grace period, some 80 us) happens here, off the path of the process's
 *                    exit and of whoever waits for it.
 *                    It holds the console (a pty) until the process has exited, reading it
 *                    all the time (see keeper_console.h).
 *   SV_KEEP_ENTERED  + SCM_RIGHTS [state dir, seccomp listener, pidfd]: a process that
 *                    entered the context (vx_migrate). Its listener is answered the same way.
 *   SV_KEEP_STOP     no descriptors: exit as soon as no context is kept, whoever is connected.
 *   SV_KEEP_CONSOLE  no descriptors; `extras` SV_CONSOLE_FORCE or 0: attach a session to the
 *                    console of context `xid`. The keeper answers this one message, with
 *                    SV_KEEP_CONSOLE, the xid and in `extras` 0 and the session's socket
 *                    (SCM_RIGHTS: a stream of the console's bytes both ways), or an errno:
 *                    ENOENT (no console), EBUSY (a session is attached and no
 *                    SV_CONSOLE_FORCE; with it, that session ends).
 *
 * The keeper answers no other message (a creation does not wait for it). A message it cannot
 * take (bad descriptors, no memory) has its process killed through the pidfd: a process of a
 * context never runs with nobody answering its filter. A listener is kept until every process using
 * its filter has exited.
 *
 * Lifetime: the keeper exits once it has kept no context for a grace period and no client is
 * connected (or after SV_KEEP_STOP). It first removes `keeper.sock` and takes the connections
 * already queued, so a client either reaches a keeper that stays, or fails to connect and
 * starts a new one; no message is lost with a keeper that exits. */

enum sv_keeper_kind {
    SV_KEEP_FIRST = 'F',
    SV_KEEP_ENTERED = 'E',
    SV_KEEP_STOP = 'S',
    SV_KEEP_CONSOLE = 'C',
};

/// The optional descriptors of SV_KEEP_FIRST, in this order.
enum sv_keeper_extras {
    SV_EXTRA_MOUNT_NS = 1,
    SV_EXTRA_CONSOLE = 2,
};

/// SV_KEEP_CONSOLE's flag: end an attached session rather than fail.
enum { SV_CONSOLE_FORCE = 1 };

/// One message on the keeper's control socket.
struct sv_keeper_message {
    uint32_t kind;   /**< enum sv_keeper_kind */
    uint32_t xid;    /**< the context */
    uint32_t extras; /**< SV_KEEP_FIRST: enum sv_keeper_extras; SV_KEEP_CONSOLE: flags, or
                          in the answer 0 or an errno */
};

#endif
