/*
 * hook.h: state and entry points shared by the files of the extension.
 *
 * Everything here runs with the GIL held (audit hooks, module functions)
 * or before the interpreter exists (hm_preinit, single-threaded), so the
 * state needs no lock.
 */
#ifndef HERMETIC_HOOK_H
#define HERMETIC_HOOK_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <limits.h>
#include <sys/stat.h>

#include "policy.h"

/* One active policy.  owner is the Policy object that keeps p alive, or
 * NULL for policies that came from the environment (permanent). */
struct hm_entry {
    const struct hm_policy *p;
    PyObject *owner;
    unsigned long long id;
    int permanent;
};

struct hm_state {
    struct hm_entry *v;
    size_t n;
    size_t cap;
    unsigned mask;         /* OR of the flags of every entry */
    unsigned enforce_mask; /* the same, of the entries that do not observe */
    int seal_all;          /* --seal: later pushes are permanent */
    int from_env;          /* policies came from HERMETIC_FLAGS_JSON */
    int hook_added;        /* PySys_AddAuditHook succeeded */
    int python_ready;      /* post-initialisation set-up done */
    int kernel_net;        /* the kernel denies IP sockets (kernelplan.h) */
    char *stack_json;      /* cache of hm_stack_json() */
    unsigned gen;          /* changes whenever the stack does */
    char shim_path[PATH_MAX];
    struct stat shim_st;  /* the shim's file when it was found */
    struct hm_output out; /* where reports go (report.c) */
};

extern struct hm_state hm;

/* The flags that make the network guard act. */
#define NET_MASK (HM_BLOCK_NETWORK | HM_BLOCK_UNIX_SOCKETS)

/* Not a policy flag: set in hm.mask while some policy denies imports
 * (deny_imports has no flag of its own). */
#define HM_DENY_IMPORTS (1u << 31)

/* Events both the filesystem and the interpreter guards look at. */
#define FS_MASK HM_FS_READONLY
#define INTERP_MASK HM_BLOCK_INTERPRETER_MUTATION

/* The events the guards act on (audit.c dispatches by name). */
enum hm_event_kind {
    EV_GETADDRINFO,
    EV_GETHOSTBYNAME,
    EV_GETHOSTBYADDR,
    EV_GETNAMEINFO,
    EV_CONNECT,
    EV_SENDTO,
    EV_SENDMSG,
    EV_BIND,
    EV_SOCKET_NEW,
    EV_PROCESS,
    EV_IMPORT,
    EV_SUBINTERPRETER,
    EV_ENV_WRITE,
    EV_DLOPEN,
    EV_DLSYM,
    EV_OPEN,
    EV_LISTDIR,
    EV_FS_MUTATION,
    EV_SQLITE_CONNECT,
    EV_CHDIR,
    EV_RUN_MAIN,
    EV_RUN_HOOK,
    EV_COMPILE,
    EV_RUN_STDIN,
    EV_MARSHAL,
    EV_CODE_NEW,
    EV_FUNCTION_NEW,
    EV_SETATTR,
};

/* audit.c */
int hm_audit_hook(const char *event, PyObject *args, void *data);
int hm_hook_install(void);
int hm_python_setup(void);

/* Raises the violation of a guard and writes its trace line.  Returns -1
 * (for "return hm_block(...)"), or ends the process before Python is
 * initialised, where raising is not possible. */
struct hm_block {
    const char *guard;   /* "network" */
    const char *message; /* "network disabled: DNS(example.com)" */
    const char *target;  /* attribute .target, or NULL */
    const char *api;     /* trace: "socket.getaddrinfo" */
    const char *key;     /* trace: "host", or NULL */
    const char *value;
    size_t vlen;
    const char *extra_key; /* trace: a second key, or NULL */
    const char *extra_value;
    const char *reason; /* "no-network" */
    int observe; /* only observing policies refuse it (see hm_observed) */
};
int hm_block(const struct hm_block *b);

/* write(2) of the whole buffer, retried on EINTR and short writes. */
void hm_write_all(int fd, const char *buf, size_t len);

/*
 * Observe mode.  A guard that judges policy by policy sets b->observe
 * when no enforcing policy refuses the action; hm_block also treats as
 * observed any action whose reason no enforcing policy holds.  An
 * observed action is reported as "would block" and goes on: hm_block
 * returns 0, so callers must test its result.
 */
#define hm_observing(p) (((p)->flags & HM_OBSERVE) != 0)

/* 1 while the interpreter is starting, before the set-up: a blocked
 * action can only end the process then. */
int hm_before_init(void);

/* The reason of the first block in mask, for actions every policy
 * refuses (they would escape it). */
const char *hm_first_reason(unsigned mask);
unsigned hm_refusing_mask(void);

/* record.c: the last violations of this process, for strict test runs */
void hm_record_add(const struct hm_block *b, int observe, const char *line,
                   size_t len);
void hm_record_clear(void);
PyObject *hm_record_list(void);

/* report.c: where trace lines and the run's shared log go */
void hm_output_adopt(const struct hm_output *o);
void hm_output_default(void);
void hm_report_write(const struct hm_block *b, int observe, const char *line,
                     size_t len);
PyObject *hm_output_pass_fds(PyObject *fds);
PyObject *hm_output_file_actions(PyObject *actions);

/* module.c */
void hm_stack_changed(void);
const char *hm_stack_json(void);
int hm_finder_install(void);
__attribute__((visibility("default"))) int
hermetic_preinit(const char *json, const char *shim, char *err, size_t errlen);
PyMODINIT_FUNC PyInit__core(void);

/* errors.c */
int hm_errors_init(PyObject *module);
PyObject *hm_error_class(const char *guard);
int hm_excepthook_install(void);

/* netguard.c */
int hm_net_event(enum hm_event_kind kind, const char *event, PyObject *args);
int hm_net_setup(void);
int hm_net_import_event(PyObject *args);

/* procguard.c */
int hm_proc_event(enum hm_event_kind kind, const char *event, PyObject *args);
int hm_proc_import_event(enum hm_event_kind kind, const char *event,
                         PyObject *args);
int hm_proc_setup(void);

/* envguard.c */
int hm_env_event(enum hm_event_kind kind, const char *event, PyObject *args);
int hm_env_sync(void);

/* importguard.c */
int hm_import_event(enum hm_event_kind kind, const char *event,
                    PyObject *args);
int hm_import_check(PyObject *name);
int hm_import_sync(void);

/* nativeguard.c */
int hm_native_event(enum hm_event_kind kind, const char *event,
                    PyObject *args);
int hm_native_load(PyObject *name, PyObject *filename);
int hm_native_setup(void);

/* fsguard.c */
int hm_fs_event(enum hm_event_kind kind, const char *event, PyObject *args);
int hm_fs_unix_bind(PyObject *addr);
int hm_fs_preinit(void);
int hm_fs_setup(void);
void hm_fs_latch(void);

/* interpguard.c */
int hm_interp_event(enum hm_event_kind kind, const char *event,
                    PyObject *args);
int hm_interp_check(void);
int hm_interp_latch(void);

/* codeguard.c */
int hm_code_event(enum hm_event_kind kind, const char *event, PyObject *args);
int hm_code_setup(void);
int hm_code_sync(void);

/* childenv.c */
PyObject *hm_child_env_list(PyObject *env_list);
PyObject *hm_child_env_dict(PyObject *env);
int hm_child_env_needed(void);

/* 1 when the shim's file is the one found at start (the same inode, not
 * changed since: its ctime moves on any write, rename or chmod), and this
 * process's effective ids can open it, as ld.so will in a child. */
int hm_shim_unchanged(void);
int hm_child_env_setenv(void);

/* patch.c: replacing, in place, builtins that fire no audit event.
 *
 * The interpreter's own PyMethodDef is edited, so references captured
 * before, and module objects created later by a re-import, all reach the
 * replacement.  A replacement keeps the calling convention of the
 * original; HM_PATCH_THUNKS makes one entry point per convention that
 * forwards to one vectorcall-style function. */
struct hm_patch {
    const char *module; /* "_posixsubprocess" */
    const char *name;   /* "fork_exec", or "socket.connect" for a method */
    const char *trace;  /* the api it is traced as, or NULL */
    PyMethodDef *def;   /* the interpreter's own PyMethodDef, once found */
    PyCFunction orig;   /* its original ml_meth */
    PyObject *self;     /* a module function's module, kept for good */
};

typedef PyObject *(*hm_patch_fn)(struct hm_patch *p, PyObject *self,
                                 PyObject *const *args, Py_ssize_t nargs,
                                 PyObject *kwnames);

struct hm_thunks {
    PyCFunction one;
    PyCFunction varargs;
    PyCFunction varargs_kw;
    PyCFunction fast;
    PyCFunction fast_kw;
};

typedef PyObject *(*hm_fast_fn)(PyObject *, PyObject *const *, Py_ssize_t);
typedef PyObject *(*hm_fast_kw_fn)(PyObject *, PyObject *const *, Py_ssize_t,
                                   PyObject *);

int hm_patch_apply(struct hm_patch *p, const struct hm_thunks *t);

/*
 * The file a patched extension module's code comes from.  Another file
 * holding the same code (a copy loaded by spec) would bring unreplaced
 * functions, and is refused as an import.  When the module is not loaded
 * at the set-up, the patch can wait for its first load: the set-up names
 * the file that load must come from (the interpreter's lib-dynload), and
 * the load's own event loads it first, from here, and patches it.
 */
struct hm_ext_file {
    const char *module;             /* "_socket" */
    int (*patch)(PyObject *module); /* puts the replacements in */
    struct hm_patch *probe;         /* one of them, to locate the code */
    PyObject *name;                 /* module, interned */
    int active;                     /* the replacements are in */
    int awaiting;                   /* they wait for the first load */
    int importing;                  /* the set-up imports it at once */
    PyObject *file;     /* the path its code may come from, or NULL */
    int loading;        /* the guard's own load is under way */
    PyObject *own_name; /* ... under this name (borrowed, while loading) */
    int own_seen;       /* ... and its event came */
};

int hm_ext_init(void);
void hm_ext_snapshot(void);
int hm_ext_init_name(PyObject *name, char *init, size_t cap);
int hm_ext_name_is(PyObject *name, const char *module);
int hm_ext_setup(struct hm_ext_file *f);
int hm_ext_import_event(struct hm_ext_file *f, PyObject *args,
                        const char *reason);
int hm_patch_apply_in(struct hm_patch *p, const struct hm_thunks *t,
                      PyObject *module);
PyObject *hm_patch_call(struct hm_patch *p, PyObject *self,
                        PyObject *const *args, Py_ssize_t nargs,
                        PyObject *kwnames);
Py_ssize_t hm_arg_index(Py_ssize_t nargs, PyObject *kwnames, Py_ssize_t pos,
                        const char *name);
PyObject *hm_patch_call_with(struct hm_patch *p, PyObject *self,
                             PyObject *const *args, Py_ssize_t nargs,
                             PyObject *kwnames, Py_ssize_t index,
                             PyObject *value);
PyObject *hm_patch_tuple(struct hm_patch *p, hm_patch_fn fn, PyObject *self,
                         PyObject *args, PyObject *kwargs);

#define HM_PATCH_THUNKS(name, fn, patch)                                      \
    static PyObject *name##_o(PyObject *self, PyObject *arg)                  \
    {                                                                         \
        return fn(&patch, self, &arg, 1, NULL);                               \
    }                                                                         \
    static PyObject *name##_va(PyObject *self, PyObject *args)                \
    {                                                                         \
        return hm_patch_tuple(&patch, fn, self, args, NULL);                  \
    }                                                                         \
    static PyObject *name##_vakw(PyObject *self, PyObject *args,              \
                                 PyObject *kw)                                \
    {                                                                         \
        return hm_patch_tuple(&patch, fn, self, args, kw);                    \
    }                                                                         \
    static PyObject *name##_fast(PyObject *self, PyObject *const *a,          \
                                 Py_ssize_t n)                                \
    {                                                                         \
        return fn(&patch, self, a, n, NULL);                                  \
    }                                                                         \
    static PyObject *name##_fastkw(PyObject *self, PyObject *const *a,        \
                                   Py_ssize_t n, PyObject *k)                 \
    {                                                                         \
        return fn(&patch, self, a, n, k);                                     \
    }                                                                         \
    static const struct hm_thunks name##_thunks = {                           \
        (PyCFunction)name##_o,                                                \
        (PyCFunction)name##_va,                                               \
        (PyCFunction)(void (*)(void))name##_vakw,                             \
        (PyCFunction)(void (*)(void))name##_fast,                             \
        (PyCFunction)(void (*)(void))name##_fastkw,                           \
    };

#define HM_THUNKS(name) (&name##_thunks)

#endif
