/*
 * procguard.c: the subprocess guard (SPEC section 3, "Subprocess") and
 * the inheritance of the policy by children (section 7).
 *
 * Most ways to start a process fire an audit event.  The one that does
 * not, _posixsubprocess.fork_exec (multiprocessing's spawn and forkserver
 * call it directly), is replaced in place; so are the calls whose
 * environment must be completed for the child.
 */
#include "hook.h"
#include "preload.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/xattr.h>
#include <unistd.h>

static int
block_process(const char *api)
{
    struct hm_block b = {0};
    char message[128];

    snprintf(message, sizeof(message), "subprocess disabled: %s", api);
    b.guard = "subprocess";
    b.message = message;
    b.target = api;
    b.api = "subprocess";
    b.reason = (hm.mask & HM_BLOCK_SUBPROCESS)
                   ? "no-subprocess"
                   : hm_first_reason(hm_refusing_mask());
    return hm_block(&b);
}

/* subprocess.Popen was reported as observed: the fork_exec or
 * posix_spawn it goes on to is the same action, not reported again. */
static int popen_observed;

static int
report_process(const char *api)
{
    int rc;

    if (popen_observed) {
        popen_observed = 0;
        return 0;
    }
    rc = block_process(api);
    popen_observed = rc == 0 && strcmp(api, "subprocess.Popen") == 0;
    return rc;
}

/*
 * Process events matter under any policy before the set-up: the start-up
 * never creates a process, and code that runs that early (a module
 * shadowed on PYTHONPATH) would pass the replacements that complete a
 * child's environment.
 */
int
hm_proc_event(enum hm_event_kind kind, const char *event, PyObject *args)
{
    (void)kind;
    (void)args;
    if (!(hm.mask & HM_BLOCK_SUBPROCESS) && !hm_before_init()) {
        return 0;
    }
    return report_process(event);
}

static struct hm_ext_file fork_exec_file;

/*
 * _posixsubprocess, whose fork_exec fires no event, cannot be imported
 * before the set-up (for the reason above).  After it, the set-up has
 * replaced fork_exec, and a load of another copy of the extension is
 * refused: its fork_exec would start processes, and children without the
 * policy, unseen.
 */
int
hm_proc_import_event(enum hm_event_kind kind, const char *event,
                     PyObject *args)
{
    PyObject *name;

    (void)kind;
    (void)event;
    if (!PyTuple_Check(args) || PyTuple_GET_SIZE(args) < 1) {
        return 0;
    }
    name = PyTuple_GET_ITEM(args, 0);
    if (hm_before_init()) {
        return hm_ext_name_is(name, "_posixsubprocess")
                   ? block_process("_posixsubprocess.fork_exec")
                   : 0;
    }
    return hm_ext_import_event(&fork_exec_file, args,
                               (hm.mask & HM_BLOCK_SUBPROCESS)
                                   ? "no-subprocess"
                                   : hm_first_reason(hm_refusing_mask()));
}

/* --- children that would not load the guard --------------------------- */

/* Set when exec of the file at path (or descriptor fd, path NULL) would
 * run in secure mode for real user ruid: file capabilities with the
 * effective flag (setuid and setgid bits grant nothing under
 * no_new_privs). */
static int
secure_file(const char *path, int fd, uid_t ruid, char *why, size_t cap)
{
    unsigned char buf[64];
    ssize_t n;

    if (ruid == 0) {
        return 0;
    }
    n = path != NULL ? getxattr(path, "security.capability", buf, sizeof(buf))
                     : fgetxattr(fd, "security.capability", buf, sizeof(buf));
    if (!hm_fcap_effective(buf, (long)n)) {
        return 0;
    }
    snprintf(why, cap,
             "%s has file capabilities, and exec runs it in secure mode, "
             "where ld.so ignores LD_PRELOAD",
             path != NULL ? path : "the descriptor's file");
    return 1;
}

/* secure_file for a name exec would look up in PATH, as posix_spawnp
 * does: any candidate counts. */
static int
secure_name(const char *name, uid_t ruid, char *why, size_t cap)
{
    const char *dirs = getenv("PATH");
    char path[PATH_MAX];

    if (strchr(name, '/') != NULL) {
        return secure_file(name, -1, ruid, why, cap);
    }
    for (const char *d = dirs != NULL ? dirs : "/bin:/usr/bin"; *d != '\0';) {
        size_t len = strcspn(d, ":");

        snprintf(path, sizeof(path), "%.*s/%s", (int)len, d, name);
        if (secure_file(len ? path : name, -1, ruid, why, cap)) {
            return 1;
        }
        d += len + (d[len] == ':');
    }
    return 0;
}

/* secure_name for exe: a path (str, bytes, path-like), a descriptor, a
 * list or tuple of paths (fork_exec's candidates), or NULL (unknown). */
static int
secure_exec(PyObject *exe, uid_t ruid, char *why, size_t cap)
{
    PyObject *b = NULL;
    int secure;

    if (exe == NULL || exe == Py_None || ruid == 0) {
        return 0;
    }
    if (PyList_Check(exe) || PyTuple_Check(exe)) {
        for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(exe); i++) {
            if (secure_exec(PySequence_Fast_GET_ITEM(exe, i), ruid, why,
                            cap)) {
                return 1;
            }
        }
        return 0;
    }
    if (PyLong_Check(exe)) {
        int fd = PyLong_AsLong(exe);

        PyErr_Clear();
        return fd >= 0 && secure_file(NULL, fd, ruid, why, cap);
    }
    if (!PyUnicode_FSConverter(exe, &b)) {
        PyErr_Clear(); /* the call itself reports a bad path */
        return 0;
    }
    secure = secure_name(PyBytes_AS_STRING(b), ruid, why, cap);
    Py_DECREF(b);
    return secure;
}

/*
 * Why a child this process starts now, running exe (see secure_exec),
 * would not load the guard, in why; 0 when it would.  ld.so skips a
 * preload entry it cannot or will not load, and the child runs
 * unguarded: in secure mode (real and effective ids differing at exec,
 * or a file with effective file capabilities run by any user but root)
 * it ignores LD_PRELOAD, and it opens the shim with the child's ids.
 */
static int
child_fault(PyObject *exe, char *why, size_t cap)
{
    if (getuid() != geteuid() || getgid() != getegid()) {
        snprintf(why, cap,
                 "its effective user or group is not its real one, and "
                 "ld.so ignores LD_PRELOAD in such a child: %s",
                 hm.shim_path);
        return 1;
    }
    if (secure_exec(exe, getuid(), why, cap)) {
        return 1;
    }
    if (!hm_shim_unchanged()) {
        snprintf(why, cap,
                 "the preload shim changed since this process started, or "
                 "these ids cannot read it: %s",
                 hm.shim_path);
        return 1;
    }
    return 0;
}

/*
 * Before a child starts under a policy, running exe (see secure_exec).
 * A set-user-ID or set-group-ID program would run in secure mode: with
 * no_new_privs (kept by this process and all it starts from then on) it
 * gains nothing, and loads the shim.  Returns 0, or -1 with an exception.
 */
static int
child_ready(PyObject *exe)
{
    static int nnp;
    char why[PATH_MAX + 200];

    if (hm.n == 0) {
        return 0;
    }
    if (!nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
        PyErr_SetFromErrno(PyExc_OSError);
        return -1;
    }
    nnp = 1;
    if (child_fault(exe, why, sizeof(why))) {
        PyErr_Format(PyExc_RuntimeError,
                     "hermetic cannot guard a child process: %s", why);
        return -1;
    }
    return 0;
}

/*
 * The preexec_fn of a child that changes its ids (user=, group=,
 * extra_groups=) or runs the program's own preexec_fn: self is (given
 * preexec_fn or None, executable_list).  Runs given, then makes
 * child_ready's checks again in the child, with the ids it will exec
 * with.  It raises there, and the parent's call fails with
 * SubprocessError.
 */
static PyObject *
preexec_check(PyObject *self, PyObject *unused)
{
    PyObject *given = PyTuple_GET_ITEM(self, 0);
    char why[PATH_MAX + 200];

    (void)unused;
    if (given != Py_None) {
        PyObject *r = PyObject_CallNoArgs(given);

        if (r == NULL) {
            return NULL;
        }
        Py_DECREF(r);
    }
    if (child_fault(PyTuple_GET_ITEM(self, 1), why, sizeof(why))) {
        dprintf(2, "hermetic: cannot guard a child process: %s\n", why);
        PyErr_Format(PyExc_RuntimeError,
                     "hermetic cannot guard a child process: %s", why);
        return NULL;
    }
    Py_RETURN_NONE;
}

static PyMethodDef preexec_def = {
    "hermetic_preexec_check",
    preexec_check,
    METH_NOARGS,
    NULL,
};

/* fork_exec's arguments: (..., gid, extra_groups, uid, umask, preexec_fn
 * [, allow_vfork]); 3.11 put process_group before gid. */
#if PY_VERSION_HEX >= 0x030B0000
#define FE_GID 17
#else
#define FE_GID 16
#endif
#define FE_PREEXEC (FE_GID + 4)

static struct hm_patch p_fork_exec = {"_posixsubprocess", "fork_exec"};
static struct hm_patch p_execv = {"posix", "execv"};
static struct hm_patch p_execve = {"posix", "execve"};
static struct hm_patch p_spawn = {"posix", "posix_spawn"};
static struct hm_patch p_spawnp = {"posix", "posix_spawnp"};
static struct hm_patch p_system = {"posix", "system"};

/* fork_exec(args, executable_list, close_fds, pass_fds, cwd, env, ...):
 * the child gets our environment, and our report descriptors survive
 * close_fds. */
static PyObject *
fork_exec_child(struct hm_patch *p, PyObject *self, PyObject *const *args,
                Py_ssize_t nargs, PyObject *kwnames)
{
    Py_ssize_t total = nargs + (kwnames ? PyTuple_GET_SIZE(kwnames) : 0);
    PyObject *fds = hm_output_pass_fds(args[3]);
    PyObject **vec = fds != NULL ? PyMem_New(PyObject *, total) : NULL;
    PyObject *result = NULL;
    PyObject *check = NULL;

    if (vec != NULL && nargs > FE_PREEXEC &&
        (args[FE_PREEXEC] != Py_None || args[FE_GID] != Py_None ||
         args[FE_GID + 1] != Py_None || args[FE_GID + 2] != Py_None)) {
        PyObject *bound = PyTuple_Pack(2, args[FE_PREEXEC], args[1]);

        check = bound != NULL ? PyCFunction_New(&preexec_def, bound) : NULL;
        Py_XDECREF(bound);
        if (check == NULL) {
            PyMem_Free(vec);
            vec = NULL;
        }
    }
    if (vec != NULL) {
        memcpy(vec, args, sizeof(PyObject *) * (size_t)total);
        vec[3] = fds;
        if (check != NULL) {
            vec[FE_PREEXEC] = check;
        }
        result = hm_patch_call_with(p, self, vec, nargs, kwnames, 5,
                                    hm_child_env_list(args[5]));
        PyMem_Free(vec);
    } else if (fds != NULL && !PyErr_Occurred()) {
        PyErr_NoMemory();
    }
    Py_XDECREF(check);
    Py_XDECREF(fds);
    return result;
}

static PyObject *
fork_exec_guard(struct hm_patch *p, PyObject *self, PyObject *const *args,
                Py_ssize_t nargs, PyObject *kwnames)
{
    if ((hm.mask & HM_BLOCK_SUBPROCESS) &&
        report_process("_posixsubprocess.fork_exec") < 0) {
        return NULL;
    }
    if (child_ready(nargs > 1 ? args[1] : NULL) < 0) {
        return NULL;
    }
    if (hm.n == 0 || nargs < 6) {
        return hm_patch_call(p, self, args, nargs, kwnames);
    }
    return fork_exec_child(p, self, args, nargs, kwnames);
}

/* execv has no environment: it becomes an execve with ours added. */
static PyObject *
execv_guard(struct hm_patch *p, PyObject *self, PyObject *const *args,
            Py_ssize_t nargs, PyObject *kwnames)
{
    PyObject *vec[3];
    PyObject *result;

    if (child_ready(nargs > 0 ? args[0] : NULL) < 0) {
        return NULL;
    }
    if (!hm_child_env_needed() || nargs != 2 || p_execve.def == NULL) {
        return hm_patch_call(p, self, args, nargs, kwnames);
    }
    vec[0] = args[0];
    vec[1] = args[1];
    vec[2] = hm_child_env_dict(NULL);
    if (vec[2] == NULL) {
        return NULL;
    }
    result = hm_patch_call(&p_execve, self, vec, 3, NULL);
    Py_DECREF(vec[2]);
    return result;
}

/* execve(path, argv, env), posix_spawn(p)(path, argv, env, ...) */
static PyObject *
env_arg_guard(struct hm_patch *p, PyObject *self, PyObject *const *args,
              Py_ssize_t nargs, PyObject *kwnames)
{
    Py_ssize_t at = hm_arg_index(nargs, kwnames, 2, "env");
    Py_ssize_t path_at = hm_arg_index(nargs, kwnames, 0, "path");

    if (child_ready(path_at >= 0 ? args[path_at] : NULL) < 0) {
        return NULL;
    }
    if (hm.n == 0 || at < 0) {
        return hm_patch_call(p, self, args, nargs, kwnames);
    }
    return hm_patch_call_with(p, self, args, nargs, kwnames, at,
                              hm_child_env_dict(args[at]));
}

/* posix_spawn(p): also keeps our report descriptors open in the child
 * (file_actions=, keyword-only). */
static PyObject *
spawn_guard(struct hm_patch *p, PyObject *self, PyObject *const *args,
            Py_ssize_t nargs, PyObject *kwnames)
{
    Py_ssize_t total = nargs + (kwnames ? PyTuple_GET_SIZE(kwnames) : 0);
    Py_ssize_t at = hm_arg_index(nargs, kwnames, -1, "file_actions");
    PyObject **vec, *actions, *result;

    if (hm.n == 0 || at < 0) {
        return env_arg_guard(p, self, args, nargs, kwnames);
    }
    actions = hm_output_file_actions(args[at]);
    vec = actions != NULL ? PyMem_New(PyObject *, total) : NULL;
    if (vec == NULL) {
        Py_XDECREF(actions);
        return PyErr_Occurred() ? NULL : PyErr_NoMemory();
    }
    memcpy(vec, args, sizeof(PyObject *) * (size_t)total);
    vec[at] = actions;
    result = env_arg_guard(p, self, vec, nargs, kwnames);
    PyMem_Free(vec);
    Py_DECREF(actions);
    return result;
}

/* Saves a variable's value (malloc'd, or NULL) to put it back later. */
static char *
save_var(const char *name)
{
    const char *v = getenv(name);

    return v != NULL ? strdup(v) : NULL;
}

static void
restore_var(const char *name, char *saved)
{
    if (saved != NULL) {
        setenv(name, saved, 1);
    } else {
        unsetenv(name);
    }
    free(saved);
}

/*
 * system(3) passes the process environment: put ours in it for the
 * duration of the call, then put back what was there.
 * XXX: another thread reading the environment meanwhile sees our values.
 */
static PyObject *
system_guard(struct hm_patch *p, PyObject *self, PyObject *const *args,
             Py_ssize_t nargs, PyObject *kwnames)
{
    char *old_flags, *old_preload, *old_audit;
    PyObject *result = NULL;

    if (child_ready(NULL) < 0) {
        return NULL;
    }
    if (!hm_child_env_needed()) {
        return hm_patch_call(p, self, args, nargs, kwnames);
    }
    old_flags = save_var("HERMETIC_FLAGS_JSON");
    old_preload = save_var("LD_PRELOAD");
    old_audit = save_var("LD_AUDIT");
    if (hm_child_env_setenv() == 0) {
        result = hm_patch_call(p, self, args, nargs, kwnames);
    }
    restore_var("HERMETIC_FLAGS_JSON", old_flags);
    restore_var("LD_PRELOAD", old_preload);
    restore_var("LD_AUDIT", old_audit);
    return result;
}

HM_PATCH_THUNKS(fork_exec, fork_exec_guard, p_fork_exec)
HM_PATCH_THUNKS(execv, execv_guard, p_execv)
HM_PATCH_THUNKS(execve, env_arg_guard, p_execve)
HM_PATCH_THUNKS(spawn, spawn_guard, p_spawn)
HM_PATCH_THUNKS(spawnp, spawn_guard, p_spawnp)
HM_PATCH_THUNKS(system, system_guard, p_system)

static int
fork_exec_patch(PyObject *mod)
{
    return hm_patch_apply_in(&p_fork_exec, HM_THUNKS(fork_exec), mod);
}

/* The file the replaced fork_exec comes from (see hm_ext_setup). */
static struct hm_ext_file fork_exec_file = {"_posixsubprocess",
                                            fork_exec_patch, &p_fork_exec};

/*
 * The replacements of posix go in at once; fork_exec's at once when
 * _posixsubprocess is loaded or built in, else at its first load, before
 * the loader gets it (hm_ext_setup): a program that starts no process
 * does not load it.  Under every policy: children get the policy
 * through it.
 */
int
hm_proc_setup(void)
{
    if (hm_patch_apply(&p_execve, HM_THUNKS(execve)) < 0 ||
        hm_patch_apply(&p_execv, HM_THUNKS(execv)) < 0 ||
        hm_patch_apply(&p_spawn, HM_THUNKS(spawn)) < 0 ||
        hm_patch_apply(&p_spawnp, HM_THUNKS(spawnp)) < 0 ||
        hm_patch_apply(&p_system, HM_THUNKS(system)) < 0) {
        return -1;
    }
    return hm_ext_setup(&fork_exec_file);
}
