/* Thread CPU affinity (CPU_SET and friends are macros Swift cannot call). */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <sys/types.h>

#include "cvirtshim.h"

int cvs_pin_thread(int cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return sched_setaffinity(0, sizeof set, &set);
}

int cvs_set_affinity(pid_t thread, const int *cpus, int count)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    for (int i = 0; i < count; i++) {
        if (cpus[i] < 0 || cpus[i] >= CPU_SETSIZE) { errno = EINVAL; return -1; }
        CPU_SET(cpus[i], &set);
    }
    return sched_setaffinity(thread, sizeof set, &set);
}
