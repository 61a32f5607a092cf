/*
 * kcheck.h: the launcher's part of --kernel (SPEC section 9).
 */
#ifndef HERMETIC_KCHECK_H
#define HERMETIC_KCHECK_H

#include "cli.h"
#include "target.h"

/*
 * For the stack in json, when an entry asks for the kernel tier: refuses
 * what --kernel=strict cannot have and targets the preload cannot enter
 * (static or foreign programs), says once on stderr what the kernel does
 * not hold, and sets no_new_privs, so that a setuid target runs without
 * its privileges and loads the preload like any other.  Returns 0, or -1
 * with e filled.
 */
int hm_kcheck(const char *json, const struct hm_target *t,
              struct hm_cli_error *e);

/* 1 when some entry of json asks for the kernel tier. */
int hm_kcheck_asked(const char *json);

#endif
