/*
 * guardmatch.h: the name rules of the environment, import and native
 * guards (SPEC section 3).  Pure C: no CPython, no system calls, so the
 * launcher and the extension judge a name the same way.
 */
#ifndef HERMETIC_GUARDMATCH_H
#define HERMETIC_GUARDMATCH_H

#include <stddef.h>

#include "policy.h"

/* 1 when the variable is in the default readable set: PATH, HOME, LC_*,
 * PYTHON*, hermetic's own HERMETIC_* and the rest of SPEC section 3. */
int hm_env_default(const char *name, size_t len);

/* 1 when p lets the variable be seen: p does not block the environment,
 * or the name is in the default set or in p->allow_env. */
int hm_env_allowed(const struct hm_policy *p, const char *name, size_t len);

/* 1 when p lets the variable be written (set or unset): p does not block
 * the environment, or the name is one of the test runners' bookkeeping
 * variables (PYTEST_CURRENT_TEST) and p names it in allow_env.  Every
 * other write is refused, allowed or not. */
int hm_env_writable(const struct hm_policy *p, const char *name, size_t len);

/* 1 when the launcher keeps the variable in the target's environment:
 * every enforcing policy of the stack allows it (an observing one only
 * reports), or it is what loads the guard
 * (HERMETIC_FLAGS_JSON, LD_PRELOAD). */
int hm_env_keep(const struct hm_stack *s, const char *name, size_t len);

/* 1 when module is pattern or a submodule of it, at a dot boundary. */
int hm_module_matches(const char *module, size_t len, const char *pattern);

/* 1 when p denies importing module (deny_imports). */
int hm_module_denied(const struct hm_policy *p, const char *module,
                     size_t len);

/* 1 when module is an FFI module (ctypes, _ctypes, cffi, _cffi_backend)
 * or one of their submodules. */
int hm_module_is_ffi(const char *module, size_t len);

/*
 * The module whose init function an extension loaded under the name
 * module[0..len) runs: CPython takes the part after the last dot of the
 * whole name, reads '-' as '_', and formats PyInit_<part> as a C string
 * (a NUL ends it).  Writes it to out (NUL-terminated) and returns its
 * length, or -1 when it does not fit in cap.
 */
int hm_module_init_name(const char *module, size_t len, char *out, size_t cap);

#endif
