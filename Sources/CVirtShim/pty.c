/* A pseudo-terminal pair, without glibc's grantpt/ptsname (not in Swift's Glibc module). */
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "cvirtshim.h"

int cvs_open_pty(int *master, int *slave, unsigned int *number)
{
    int unlock = 0;
    int m = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (m < 0) return -1;
    if (ioctl(m, TIOCSPTLCK, &unlock) < 0 || ioctl(m, TIOCGPTN, number) < 0) goto fail;
    /* The slave through the master (Linux 4.13): no path lookup that could be raced. */
    int s = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (s < 0) goto fail;
    *master = m;
    *slave = s;
    return 0;
fail:;
    int saved = errno;
    close(m);
    errno = saved;
    return -1;
}
