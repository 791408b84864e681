#include "arguments.h"

#include <errno.h>
#include <stdlib.h>

int sv_argc;
char **sv_argv;

__attribute__((constructor)) static void capture_arguments(int argc, char **argv, char **envp) {
    (void)envp;
    sv_argc = argc;
    sv_argv = argv;
}

int sv_parse_number(const char *text, unsigned long max, unsigned long *value) {
    char *end = NULL;
    errno = 0;
    if (text[0] < '0' || text[0] > '9') return -1;
    unsigned long parsed = strtoul(text, &end, 10);
    if (*end || errno || parsed > max) return -1;
    *value = parsed;
    return 0;
}
