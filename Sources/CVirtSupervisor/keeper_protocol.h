#ifndef SV_KEEPER_PROTOCOL_H
#define SV_KEEPER_PROTOCOL_H
#include <stdint.h>

/* The keeper's control socket: `keeper.sock` in the context root, a listening SOCK_SEQPACKET
 * unix socket. The process that starts the keeper binds it and passes it (--socket-fd), so
 * that clients may connect before the keeper runs. A client connects once and sends any
 * number of messages, each one `struct sv_keeper_message`:
 *
 *   SV_KEEP_FIRST    + SCM_RIGHTS [state dir, seccomp listener, pidfd, (mount namespace)]:
 *                    the first process of a context just created. The keeper answers the
 *                    listener's notifications and, once the pidfd reports the process reaped,
 *                    writes its end as `status` in the state directory (unless a file is
 *                    there). It holds the optional mount namespace until the process has
 *                    exited: the last reference then is the keeper's, so the namespace's
 *                    teardown (an RCU grace period, some 80 us) happens here, off the path
 *                    of the process's exit and of whoever waits for it.
 *   SV_KEEP_ENTERED  + SCM_RIGHTS [state dir, seccomp listener, pidfd]: a process that
 *                    entered the context (vx_migrate). Its listener is answered the same way.
 *   SV_KEEP_STOP     no descriptors: exit as soon as no context is kept, whoever is connected.
 *
 * The keeper never answers (a creation does not wait for it). A message it cannot take (bad
 * descriptors, no memory) has its process killed through the pidfd: a process of a context
 * never runs with nobody answering its filter. A listener is kept until every process using
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
};

/// One message on the keeper's control socket.
struct sv_keeper_message {
    uint32_t kind; /**< enum sv_keeper_kind */
    uint32_t xid;  /**< the context, for diagnostics */
};

#endif
