#ifndef SV_ARGUMENTS_H
#define SV_ARGUMENTS_H

/// The process's arguments, captured by an ELF constructor (glibc passes it argc and argv):
/// the Embedded Swift entry point has no CommandLine.
extern int sv_argc;
extern char **sv_argv;

#endif
