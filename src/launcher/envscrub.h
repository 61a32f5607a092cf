/*
 * envscrub.h: removing hidden variables from the target's environment
 * (SPEC section 3, "Environment", CLI mode).
 */
#ifndef HERMETIC_ENVSCRUB_H
#define HERMETIC_ENVSCRUB_H

#include "cli.h"

/*
 * Unsets every variable of this process that the stack (as
 * HERMETIC_FLAGS_JSON) hides, so the target, /proc/self/environ and its
 * children never see them.  Returns 0, or -1 with e filled.
 */
int hm_env_scrub(const char *json, struct hm_cli_error *e);

#endif
