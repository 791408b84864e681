/* clone3 with a child function on its own stack. glibc has no clone3 wrapper, and after a
 * raw clone3 that switches stacks the child cannot return into C code: it must call its
 * function from assembly and exit from there. */
#include "rawsys.h"

#if defined(__x86_64__)
long cvs_raw_clone3(void *args, unsigned long size, int (*fn)(void *), void *arg)
{
    long ret;
    register void *r12 __asm__("r12") = (void *)fn;  /* callee-saved: survive the syscall */
    register void *r13 __asm__("r13") = arg;
    __asm__ volatile("syscall\n\t"
                     "test %%rax, %%rax\n\t"
                     "jnz 1f\n\t"
                     "xor %%ebp, %%ebp\n\t"        /* child: outermost frame */
                     "mov %%r13, %%rdi\n\t"
                     "call *%%r12\n\t"
                     "mov %%eax, %%edi\n\t"
                     "mov %[exit], %%eax\n\t"
                     "syscall\n\t"
                     "hlt\n\t"
                     "1:\n\t"
                     : "=a"(ret)
                     : "0"((long)SYS_clone3), "D"(args), "S"(size), "r"(r12), "r"(r13),
                       [exit] "i"(SYS_exit)
                     : "rcx", "r11", "memory");
    return ret;
}
#elif defined(__aarch64__)
long cvs_raw_clone3(void *args, unsigned long size, int (*fn)(void *), void *arg)
{
    register long x8 __asm__("x8") = SYS_clone3;
    register long x0 __asm__("x0") = (long)args;
    register long x1 __asm__("x1") = (long)size;
    register void *x19 __asm__("x19") = (void *)fn;
    register void *x20 __asm__("x20") = arg;
    __asm__ volatile("svc #0\n\t"
                     "cbnz x0, 1f\n\t"
                     "mov x29, xzr\n\t"            /* child: outermost frame */
                     "mov x30, xzr\n\t"
                     "mov x0, x20\n\t"
                     "blr x19\n\t"
                     "mov x8, %[exit]\n\t"
                     "svc #0\n\t"
                     "brk #0\n\t"
                     "1:\n\t"
                     : "+r"(x0), "+r"(x8)
                     : "r"(x1), "r"(x19), "r"(x20), [exit] "i"(SYS_exit)
                     : "memory");
    return x0;
}
#endif
