#ifndef SV_STATE_H
#define SV_STATE_H
#include <stdint.h>
#include <sys/types.h>

/* The files of a context's state directory that the init and the keeper read and write. The
 * Swift side (VirtContexts) writes them atomically (temporary file + rename). */

/// VXF_PERSISTENT and VXF_REBOOT_KILL, as in libvserver.
#define SV_VXF_REBOOT_KILL (1ULL << 37)
#define SV_VXF_PERSISTENT  (1ULL << 38)

/// A hexadecimal word from file `name` of the state directory (`flags`, `ccaps`); 0 if
/// unreadable.
uint64_t sv_read_hex(int state_dir, const char *name);

/// Whether file `name` exists in the state directory.
int sv_has_file(int state_dir, const char *name);

/// The kernel's `struct new_utsname`, as uname(2) fills it: six fields of 65 bytes.
struct sv_utsname {
    char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};

/// Fills the four global fields of `out` from the file `uname` (lines: sysname, release,
/// version, machine) and nodename/domainname from the UTS namespace of process `pid`,
/// entered for the moment of one uname(2) through `/proc/PID/ns/uts` (the caller must be
/// single-threaded; `own_uts` is a descriptor of its own UTS namespace, to go back to).
/// Returns 0, or -1 if the file is missing or malformed or the namespace unreachable.
int sv_read_uname(int state_dir, pid_t pid, int own_uts, struct sv_utsname *out);

/// Writes `text` as the file `name` of the state directory, atomically.
void sv_write_file(int state_dir, const char *name, const char *text);

/// Writes the file `status` ("exit N" or "signal N") for a wait status.
void sv_write_status(int state_dir, int wait_status);

#endif
