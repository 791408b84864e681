/* The audit architecture constant, which Swift cannot import from <linux/audit.h>. */
#include <linux/audit.h>
#include "cvirtshim.h"

#if defined(__x86_64__)
const uint32_t cvs_audit_arch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
const uint32_t cvs_audit_arch = AUDIT_ARCH_AARCH64;
#endif
