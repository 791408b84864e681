#ifndef INIT_CONTROL_H
#define INIT_CONTROL_H
#include <poll.h>

/* The descriptors the init polls, and its control socket.
 *
 * A process that enters the context (vx_migrate) runs under its own copy of the context's
 * seccomp program, whose listener only the init can answer (it knows the context's state and
 * shares its namespaces). The caller hands that listener over the control socket, a listening
 * SOCK_SEQPACKET unix socket bound as `init.sock` in the context's state directory:
 *   client -> init  one message: the byte 'L' with exactly one SCM_RIGHTS descriptor, a
 *                   seccomp listener ("anon_inode:seccomp notify");
 *   init -> client  one byte: 0 if the init now answers it, else an errno value (EINVAL: not
 *                   a listener or a malformed message, ENOSPC: the init polls too many).
 * The init never blocks on a client: connections are polled like everything else. */

/// What a polled descriptor is.
enum init_slot_kind {
    INIT_SLOT_SIGNALS,  /**< the signalfd */
    INIT_SLOT_CONTROL,  /**< the listening control socket */
    INIT_SLOT_CLIENT,   /**< a connection to it, until its message is read */
    INIT_SLOT_LISTENER, /**< the listener of the context's first process (and the init) */
    INIT_SLOT_MIGRATED, /**< the listener of a process that entered the context */
};

/// The most descriptors the init polls.
#define INIT_MAX_SLOTS 64

/// The poll set. Slots are unordered: removing one moves the last into its place, so walk
/// it from the end when removing on the way.
struct init_slots {
    struct pollfd fds[INIT_MAX_SLOTS];
    unsigned char kinds[INIT_MAX_SLOTS];
    int count;
};

/// Adds `fd`, polled for input. Returns -1 when the set is full.
int init_slots_add(struct init_slots *slots, int fd, enum init_slot_kind kind);

/// Closes the descriptor of slot `index` and removes the slot.
void init_slots_remove(struct init_slots *slots, int index);

/// How many slots are of `kind`.
int init_slots_count(const struct init_slots *slots, enum init_slot_kind kind);

/// Accepts one connection on the control socket `control` and polls it. A connection that
/// would leave no room for the listener it brings is closed at once.
void init_control_accept(struct init_slots *slots, int control);

/// Reads the message of the client in slot `index` (which has input or hung up), takes its
/// listener as an INIT_SLOT_MIGRATED slot, answers, and closes the connection.
void init_control_receive(struct init_slots *slots, int index);

#endif
