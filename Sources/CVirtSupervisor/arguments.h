#ifndef SV_ARGUMENTS_H
#define SV_ARGUMENTS_H

/// The process's arguments, captured by an ELF constructor (glibc passes it argc and argv):
/// the Embedded Swift entry point has no CommandLine.
extern int sv_argc;
extern char **sv_argv;

/// Parses `text` as a decimal number from 0 to `max` into `*value`: 0, or -1 for anything else.
int sv_parse_number(const char *text, unsigned long max, unsigned long *value);

#endif
