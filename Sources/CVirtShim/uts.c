#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <pthread.h>
#include <unistd.h>
#include "cvirtshim.h"
#include "rawsys.h"

struct uts_request {
    int pidfd;
    const char *hostname;
    const char *domainname;
    char *names; /* when reading: the kernel's struct new_utsname, 6 x 65 bytes */
};

/* Runs on its own stack, sharing the caller's memory: raw system calls only. */
static int uts_child(void *arg)
{
    const struct uts_request *r = arg;
    long rc = rawsys(SYS_setns, r->pidfd, CLONE_NEWUTS, 0, 0, 0, 0);
    if (rc == 0 && r->hostname)
        rc = rawsys(SYS_sethostname, (long)r->hostname, (long)strlen(r->hostname), 0, 0, 0, 0);
    if (rc == 0 && r->domainname)
        rc = rawsys(SYS_setdomainname, (long)r->domainname, (long)strlen(r->domainname), 0, 0, 0, 0);
    if (rc == 0 && r->names)
        rc = rawsys(SYS_uname, (long)r->names, 0, 0, 0, 0, 0);
    rawsys(SYS_exit, (long)-rc, 0, 0, 0, 0, 0);
    return 0;
}

/* Runs uts_child for `request` on a fresh stack and returns its result. */
static int run_in_uts_namespace(struct uts_request *request)
{
    enum { STACK = 16384 };
    char *stack = mmap(NULL, STACK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (stack == MAP_FAILED) return -errno;
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    pid_t pid = clone(uts_child, stack + STACK, CLONE_VM | CLONE_VFORK | SIGCHLD, request);
    int saved = errno;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    int result;
    if (pid < 0) {
        result = -saved;
    } else {
        int status = 0;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
        result = WIFEXITED(status) ? -WEXITSTATUS(status) : -ECHILD;
    }
    munmap(stack, STACK);
    return result;
}

int cvs_set_uts_names(int pidfd, const char *hostname, const char *domainname)
{
    struct uts_request request = { pidfd, hostname, domainname, NULL };
    return run_in_uts_namespace(&request);
}

int cvs_get_uts_names(int pidfd, char hostname[65], char domainname[65])
{
    char names[6 * 65];
    memset(names, 0, sizeof names);
    struct uts_request request = { pidfd, NULL, NULL, names };
    int result = run_in_uts_namespace(&request);
    if (result == 0) {
        memcpy(hostname, names + 65, 65);
        memcpy(domainname, names + 5 * 65, 65);
    }
    return result;
}
