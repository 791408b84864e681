/* Thread CPU affinity (CPU_SET and friends are macros Swift cannot call). */
#define _GNU_SOURCE
#include <sched.h>

#include "cvirtshim.h"

int cvs_pin_thread(int cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return sched_setaffinity(0, sizeof set, &set);
}
