#ifndef SV_KEEPER_CONSOLE_H
#define SV_KEEPER_CONSOLE_H
#include <stddef.h>
#include <stdint.h>

/// A context's console as the keeper holds it: the master of its pty, which the keeper
/// reads all the time, so that the container never blocks on an unread console. Without a
/// session the output is dropped; with one (a client's end of a socket pair) the bytes go
/// both ways, each side read only while the other can take what was read.
struct sv_console {
    uint32_t xid;
    int master;  /**< the pty's master, non-blocking */
    int slave;   /**< a descriptor of its slave, held so that the master never hangs up
                      when the container closes its own */
    int session; /**< the keeper's end of the attached client's socket pair, or -1 */
    int ended;   /**< its process has exited: the console goes with the next sweep */
    char to_session[4096];
    size_t to_session_length; /**< read from the master, not yet sent to the session */
    char to_master[4096];
    size_t to_master_length;  /**< read from the session, not yet written to the master */
};

/// A new console of context `xid` over `master` and `slave`, which it owns from now on (or
/// NULL without memory, the descriptors left to the caller).
struct sv_console *sv_console_new(uint32_t xid, int master, int slave);

/// Closes every descriptor of `console` (a session sees the end of its stream) and frees it.
void sv_console_free(struct sv_console *console);

/// The poll(2) events the master wants now.
short sv_console_master_events(const struct sv_console *console);

/// The poll(2) events the session wants now.
short sv_console_session_events(const struct sv_console *console);

/// Moves what the master's `revents` allow: reads it (into the session's buffer, or to
/// nowhere), writes it what the session sent.
void sv_console_master_ready(struct sv_console *console, short revents);

/// Moves what the session's `revents` allow; ends the session at its end of stream.
void sv_console_session_ready(struct sv_console *console, short revents);

/// Attaches a new session: returns the client's end of a new socket pair (close-on-exec),
/// or -errno: -EBUSY if a session is attached and `force` is 0 (with `force`, the old one
/// is ended first).
int sv_console_attach(struct sv_console *console, int force);

/// Ends the attached session, if any.
void sv_console_detach(struct sv_console *console);

#endif
