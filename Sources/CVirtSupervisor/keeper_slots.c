#include "keeper_slots.h"

#include <stdlib.h>
#include <unistd.h>

int sv_slots_add(struct sv_slots *set, struct sv_slot slot) {
    if (set->count == set->capacity) {
        int capacity = set->capacity ? set->capacity * 2 : 16;
        struct sv_slot *slots = realloc(set->slots, sizeof *slots * (size_t)capacity);
        if (!slots) return -1;
        set->slots = slots;
        struct pollfd *polled = realloc(set->polled, sizeof *polled * (size_t)capacity);
        if (!polled) return -1;
        set->polled = polled;
        set->capacity = capacity;
    }
    set->slots[set->count++] = slot;
    return 0;
}

void sv_slots_remove(struct sv_slots *set, int index) {
    struct sv_slot *slot = &set->slots[index];
    if (slot->kind == SV_SLOT_CONSOLE) sv_console_free(slot->console);
    else if (slot->kind != SV_SLOT_SESSION) close(slot->fd);
    if (slot->kind == SV_SLOT_EXIT && slot->console) slot->console->ended = 1;
    if (slot->state_dir >= 0) close(slot->state_dir);
    if (slot->kind == SV_SLOT_EXIT && slot->mount_ns >= 0) close(slot->mount_ns);
    set->count--;
    set->slots[index] = set->slots[set->count];
    set->polled[index] = set->polled[set->count];
}

int sv_slots_count(const struct sv_slots *set, enum sv_slot_kind kind) {
    int count = 0;
    for (int i = 0; i < set->count; i++) count += set->slots[i].kind == kind;
    return count;
}

void sv_slots_prepare_poll(struct sv_slots *set) {
    for (int i = 0; i < set->count; i++) {
        const struct sv_slot *slot = &set->slots[i];
        struct pollfd polled = { .fd = slot->give_up_ms || slot->ended ? -1 : slot->fd, .events = POLLIN, .revents = 0 };
        if (slot->kind == SV_SLOT_CONSOLE) polled.events = sv_console_master_events(slot->console);
        if (slot->kind == SV_SLOT_SESSION) {
            polled.fd = slot->console->session;
            polled.events = sv_console_session_events(slot->console);
        }
        set->polled[i] = polled;
    }
}

/* Removes the slots of `kind` that have ended (a client's connection, or a console). */
static void remove_ended(struct sv_slots *set, enum sv_slot_kind kind) {
    for (int i = set->count - 1; i >= 0; i--) {
        const struct sv_slot *slot = &set->slots[i];
        if (slot->kind == kind && (kind == SV_SLOT_CLIENT ? slot->ended : slot->console->ended)) sv_slots_remove(set, i);
    }
}

void sv_slots_sweep(struct sv_slots *set) {
    remove_ended(set, SV_SLOT_CLIENT);
    /* Sessions first: removing a console slot frees what its session slot points to. */
    remove_ended(set, SV_SLOT_SESSION);
    remove_ended(set, SV_SLOT_CONSOLE);
}
