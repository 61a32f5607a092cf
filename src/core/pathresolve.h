/*
 * pathresolve.h: making the paths of a policy canonical, once, when the
 * policy is installed (SPEC section 3, "Filesystem": ROOT is resolved
 * once).  Unlike the rest of src/core this calls the system (realpath),
 * so the launcher, the preload path and the API share one rule.
 */
#ifndef HERMETIC_PATHRESOLVE_H
#define HERMETIC_PATHRESOLVE_H

#include <stddef.h>

#include "policy.h"

/*
 * Replaces fs_root and each allow_write entry of p with its canonical
 * absolute path (symbolic links resolved).  Returns 0, -ENOMEM, or the
 * negative errno of the first path that cannot be resolved, whose text
 * is then copied into bad (badlen bytes, NUL-terminated).
 */
int hm_policy_resolve_paths(struct hm_policy *p, char *bad, size_t badlen);

#endif
