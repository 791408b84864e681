#ifndef INIT_STATE_H
#define INIT_STATE_H
#include <stdint.h>

/* The files of a context's state directory that the init reads and writes. The Swift side
 * (VirtContexts) writes them atomically (temporary file + rename). */

/// VXF_PERSISTENT and VXF_REBOOT_KILL, as in libvserver.
#define INIT_VXF_REBOOT_KILL (1ULL << 37)
#define INIT_VXF_PERSISTENT  (1ULL << 38)

/// A hexadecimal word from file `name` of the state directory (`flags`, `ccaps`); 0 if
/// unreadable.
uint64_t init_read_hex(int state_dir, const char *name);

/// The kernel's `struct new_utsname`, as uname(2) fills it: six fields of 65 bytes.
struct init_utsname {
    char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};

/// Fills the four global fields of `out` from the file `uname` (lines: sysname, release,
/// version, machine) and nodename/domainname from the caller's UTS namespace, which the
/// init shares. Returns 0, or -1 if the file is missing or malformed.
int init_read_uname(int state_dir, struct init_utsname *out);

/// Writes `text` as the file `name` of the state directory, atomically.
void init_write_file(int state_dir, const char *name, const char *text);

#endif
