/* Memfds: sealed copies of files, to execute a host binary that nothing can change, and
 * plain ones for a child's output. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cvirtshim.h"

int cvs_sealed_copy(int fd, const char *name)
{
    struct stat st;
    if (fstat(fd, &st) < 0) return -1;
    int copy = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (copy < 0) return -1;
    off_t offset = 0;
    while (offset < st.st_size) {
        ssize_t n = sendfile(copy, fd, &offset, (size_t)(st.st_size - offset));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) goto fail;
    }
    if (fchmod(copy, 0500) < 0) goto fail;
    if (fcntl(copy, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0) goto fail;
    return copy;
fail: {
        int e = errno ? errno : EIO;
        close(copy);
        errno = e;
    }
    return -1;
}

int cvs_memfd(const char *name)
{
    return memfd_create(name, MFD_CLOEXEC);
}
