#ifndef CVIRTSHIM_CHILD_H
#define CVIRTSHIM_CHILD_H
/* Between spawn.c (parent) and child.c (child). */
#include "cvirtshim.h"

/** What the child gets: the spec and its end of the socket pair. Stored at the top of the
 *  child's stack mapping, so it lives exactly as long as the child may need it. */
struct cvs_child_args {
    const struct cvs_spawn *spec;
    int channel;
    int parent_end;
    /** Whether "go" was read already: early, when the parent has to act on the child before
     *  its first step (id maps, cgroups a joined pid namespace's process inherits). */
    int released;
    /** After joining a pid namespace: the arguments of the process cloned in it (a copy of
     *  these, so that neither process changes the other's `channel`), and its stack. */
    struct cvs_child_args *joined;
    void *joined_stack;
    size_t joined_stack_size;
};

/** The child's whole life: the steps of `struct cvs_spawn`, then execve. Never returns. */
int cvs_child_main(void *args);

#endif
