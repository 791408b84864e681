#ifndef SV_KEEPER_SLOTS_H
#define SV_KEEPER_SLOTS_H
#include <poll.h>
#include <stddef.h>
#include "keeper_console.h"

/// What a descriptor the keeper polls is.
enum sv_slot_kind {
    SV_SLOT_CONTROL,  /**< the listening control socket */
    SV_SLOT_CLIENT,   /**< a connection to it */
    SV_SLOT_LISTENER, /**< a seccomp listener of a context's process */
    SV_SLOT_EXIT,     /**< a pidfd of a context's first process, until its end is recorded */
    SV_SLOT_CONSOLE,  /**< the master of a context's console (`console` owns it) */
    SV_SLOT_SESSION,  /**< the session attached to `console`, if any (polled as its
                           `session`; the slot stays while the console does) */
};

/// One polled descriptor and what goes with it.
struct sv_slot {
    int fd;
    enum sv_slot_kind kind;
    int state_dir;  /**< the context's state directory (listeners and exits), else -1 */
    int mount_ns;   /**< SV_SLOT_EXIT: the context's mount namespace, held until the process
                         exits so that its exit does not wait for the namespace's teardown;
                         else -1 (ignored for the other kinds) */
    struct sv_console *console; /**< SV_SLOT_CONSOLE and SV_SLOT_SESSION: theirs; SV_SLOT_EXIT:
                                     the console that ends with the process, or NULL */
    int ended;      /**< SV_SLOT_CLIENT: its connection has ended; removed by sv_slots_sweep,
                         so that serving one client may serve others on the way */
    long long give_up_ms; /**< SV_SLOT_EXIT: exited but not reaped: checked by timer (not by
                               poll, where it stays readable) until this CLOCK_MONOTONIC time */
};

/// The poll set, grown as needed. Slots are unordered: removing one moves the last into its
/// place, so walk it from the end when removing on the way.
struct sv_slots {
    struct sv_slot *slots;
    struct pollfd *polled;
    int count, capacity;
};

/// Adds a slot; returns -1 without memory (the caller keeps its descriptors then).
int sv_slots_add(struct sv_slots *set, struct sv_slot slot);

/// Closes the descriptors of slot `index` and removes it (a console slot frees its
/// console; an exit slot marks its console ended, for sv_slots_sweep).
void sv_slots_remove(struct sv_slots *set, int index);

/// How many slots are of `kind`.
int sv_slots_count(const struct sv_slots *set, enum sv_slot_kind kind);

/// Fills `polled` for poll(2): every slot for input, except exits waiting for their reap,
/// and consoles and sessions for what they can move now.
void sv_slots_prepare_poll(struct sv_slots *set);

/// Removes the clients that ended and the slots of every console whose process has exited.
void sv_slots_sweep(struct sv_slots *set);

#endif
