#include "arguments.h"

int sv_argc;
char **sv_argv;

__attribute__((constructor)) static void capture_arguments(int argc, char **argv, char **envp) {
    (void)envp;
    sv_argc = argc;
    sv_argv = argv;
}
