#ifndef CVIRTSHIM_RAWSYS_H
#define CVIRTSHIM_RAWSYS_H
/* Raw system calls that return -errno and never touch errno or any other thread-local
 * state. The spawned child runs on memory shared with the parent (CLONE_VM) and on the
 * parent thread's TLS, so it must not use libc's wrappers. */

#include <sys/syscall.h>

#if defined(__x86_64__)
static inline long rawsys(long n, long a, long b, long c, long d, long e, long f)
{
    long ret;
    register long r10 __asm__("r10") = d;
    register long r8 __asm__("r8") = e;
    register long r9 __asm__("r9") = f;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "0"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return ret;
}
#elif defined(__aarch64__)
static inline long rawsys(long n, long a, long b, long c, long d, long e, long f)
{
    register long x8 __asm__("x8") = n;
    register long x0 __asm__("x0") = a;
    register long x1 __asm__("x1") = b;
    register long x2 __asm__("x2") = c;
    register long x3 __asm__("x3") = d;
    register long x4 __asm__("x4") = e;
    register long x5 __asm__("x5") = f;
    __asm__ volatile("svc #0"
                     : "+r"(x0)
                     : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
                     : "memory");
    return x0;
}
#else
#error "CVirtShim: raw system calls are written for x86_64 and aarch64 only"
#endif

/* Shorthands by argument count. */
#define SYS0(n) rawsys((n), 0, 0, 0, 0, 0, 0)
#define SYS1(n, a) rawsys((n), (long)(a), 0, 0, 0, 0, 0)
#define SYS2(n, a, b) rawsys((n), (long)(a), (long)(b), 0, 0, 0, 0)
#define SYS3(n, a, b, c) rawsys((n), (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define SYS4(n, a, b, c, d) rawsys((n), (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
#define SYS5(n, a, b, c, d, e) rawsys((n), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), 0)

/* libc convention for the parent-side wrappers: -errno becomes -1 with errno set. */
#define LIBC_RESULT(expr)                 \
    ({                                    \
        long r_ = (expr);                 \
        if (r_ < 0) { errno = (int)-r_; r_ = -1; } \
        r_;                               \
    })

/** sendmsg of `len` bytes and `nfds` fds (SCM_RIGHTS); raw, returns bytes or -errno. */
long cvs_raw_send_fds(int sock, const void *buf, unsigned long len, const int *fds, int nfds);

/** clone3 with `args` whose child calls fn(arg) on args->stack and exits with its result. */
long cvs_raw_clone3(void *args, unsigned long size, int (*fn)(void *), void *arg);

#endif
