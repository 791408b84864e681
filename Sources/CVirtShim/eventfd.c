/* An eventfd, close-on-exec from birth, so that no child spawned meanwhile inherits it. */
#define _GNU_SOURCE
#include <sys/eventfd.h>

#include "cvirtshim.h"

int cvs_eventfd_nonblocking(void)
{
    return eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
}
