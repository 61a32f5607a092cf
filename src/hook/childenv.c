/*
 * childenv.c: what every child of a guarded process gets in its
 * environment, whatever environment the guarded code passed (SPEC section
 * 7, "Inheritance"): the policy stack and the preload entry that loads
 * the guard.
 */
#include "hook.h"
#include "preload.h"

#include <stdlib.h>
#include <string.h>

#define FLAGS_VAR "HERMETIC_FLAGS_JSON"
#define PRELOAD_VAR "LD_PRELOAD"
/* Never passed to a child under a policy: an audit library can refuse
 * ld.so the shim (la_objsearch), and the child would run unguarded. */
#define AUDIT_VAR "LD_AUDIT"

extern char **environ;

#if defined(__SANITIZE_ADDRESS__)
/*
 * Sanitizer builds only: the sanitizer runtime is part of what loads the
 * guard in a child (see preload_value), and its options go with it.
 * Without them a child given an empty environment reports CPython's own
 * unfreed memory at exit and ends with another status.
 */
static const char *const carried[] = {"ASAN_OPTIONS", "UBSAN_OPTIONS", NULL};
#else
static const char *const carried[] = {NULL};
#endif

/*
 * 1 when children that inherit this process's environment would not get
 * the active stack: API blockers pushed since start, or variables the
 * guarded code changed.
 */
int
hm_child_env_needed(void)
{
    const char *flags, *json;

    if (hm.n == 0) {
        return 0;
    }
    flags = getenv(FLAGS_VAR);
    json = hm_stack_json();
    return flags == NULL || json == NULL || strcmp(flags, json) != 0 ||
           !hm_preload_has(getenv(PRELOAD_VAR), hm.shim_path) ||
           getenv(AUDIT_VAR) != NULL;
}

/*
 * The LD_PRELOAD value to give: the child's own with the shim added at
 * the end (sanitizer runtimes must stay first).  A child given none gets
 * this process's list: what loads the guard here may be more than the
 * shim (a sanitizer runtime the shim's core needs).
 */
static PyObject *
preload_value(const char *existing)
{
    if (!hm_preload_spellable(hm.shim_path)) {
        /* ld.so would split the entry and start the child unguarded. */
        PyErr_Format(PyExc_RuntimeError,
                     "hermetic cannot guard a child process: LD_PRELOAD "
                     "cannot hold a path with a space, ':' or '$': %s "
                     "(install hermetic where the path has none of them)",
                     hm.shim_path);
        return NULL;
    }
    if (existing == NULL || existing[0] == '\0') {
        existing = getenv(PRELOAD_VAR);
    }
    if (existing == NULL || existing[0] == '\0') {
        return PyUnicode_DecodeFSDefault(hm.shim_path);
    }
    if (hm_preload_has(existing, hm.shim_path)) {
        return PyUnicode_DecodeFSDefault(existing);
    }
    return PyUnicode_FromFormat("%s:%s", existing, hm.shim_path);
}

/* --- the bytes "NAME=value" list of _posixsubprocess.fork_exec ------- */

static int
entry_is(const char *entry, const char *name)
{
    size_t n = strlen(name);

    return strncmp(entry, name, n) == 0 && entry[n] == '=';
}

static int
append_bytes(PyObject *list, const char *name, PyObject *value)
{
    PyObject *v = PyUnicode_EncodeFSDefault(value);
    PyObject *entry;
    int rc;

    if (v == NULL) {
        return -1;
    }
    entry = PyBytes_FromFormat("%s=%s", name, PyBytes_AS_STRING(v));
    Py_DECREF(v);
    if (entry == NULL) {
        return -1;
    }
    rc = PyList_Append(list, entry);
    Py_DECREF(entry);
    return rc;
}

/* Copies the entries of src (a sequence of bytes, or environ when src is
 * None) except ours; returns the old LD_PRELOAD value through preload. */
static PyObject *
copy_entries(PyObject *src, PyObject **preload)
{
    PyObject *list = PyList_New(0);
    PyObject *seq = NULL;

    if (list == NULL) {
        return NULL;
    }
    if (src == Py_None) {
        for (char **e = environ; *e != NULL; e++) {
            PyObject *b;

            if (entry_is(*e, FLAGS_VAR) || entry_is(*e, PRELOAD_VAR) ||
                entry_is(*e, AUDIT_VAR)) {
                continue;
            }
            b = PyBytes_FromString(*e);
            if (b == NULL || PyList_Append(list, b) < 0) {
                Py_XDECREF(b);
                Py_DECREF(list);
                return NULL;
            }
            Py_DECREF(b);
        }
        *preload = preload_value(getenv(PRELOAD_VAR));
        return *preload != NULL ? list : NULL;
    }
    seq = PySequence_Fast(src, "env must be a sequence");
    if (seq == NULL) {
        Py_DECREF(list);
        return NULL;
    }
    *preload = NULL;
    for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(seq); i++) {
        PyObject *item = PySequence_Fast_GET_ITEM(seq, i);
        const char *s;

        if (!PyBytes_Check(item)) {
            PyList_Append(list, item);
            continue;
        }
        s = PyBytes_AS_STRING(item);
        if (entry_is(s, PRELOAD_VAR)) {
            Py_XDECREF(*preload);
            *preload = preload_value(s + strlen(PRELOAD_VAR) + 1);
        } else if (!entry_is(s, FLAGS_VAR) && !entry_is(s, AUDIT_VAR) &&
                   PyList_Append(list, item) < 0) {
            break;
        }
    }
    Py_DECREF(seq);
    if (*preload == NULL && !PyErr_Occurred()) {
        *preload = preload_value(NULL);
    }
    if (PyErr_Occurred()) {
        Py_XDECREF(*preload);
        Py_DECREF(list);
        return NULL;
    }
    return list;
}

/* Adds the carried variables the child's list lacks (sanitizer builds). */
static int
append_carried(PyObject *list, PyObject *given)
{
    for (const char *const *c = carried; *c != NULL && given != Py_None; c++) {
        const char *v = getenv(*c);
        int present = 0;
        PyObject *value;

        for (Py_ssize_t j = 0; j < PyList_GET_SIZE(list); j++) {
            PyObject *item = PyList_GET_ITEM(list, j);

            present |=
                PyBytes_Check(item) && entry_is(PyBytes_AS_STRING(item), *c);
        }
        if (v == NULL || present) {
            continue;
        }
        value = PyUnicode_DecodeFSDefault(v);
        if (value == NULL || append_bytes(list, *c, value) < 0) {
            Py_XDECREF(value);
            return -1;
        }
        Py_DECREF(value);
    }
    return 0;
}

/*
 * Returns the environment list to give a child (new reference): env_list
 * itself when nothing needs adding, else a copy with our variables set.
 */
PyObject *
hm_child_env_list(PyObject *env_list)
{
    PyObject *list, *preload = NULL, *flags;

    if (hm.n == 0 || (env_list == Py_None && !hm_child_env_needed())) {
        Py_INCREF(env_list);
        return env_list;
    }
    list = copy_entries(env_list, &preload);
    if (list == NULL) {
        return NULL;
    }
    flags = hm_stack_json() != NULL
                ? PyUnicode_DecodeFSDefault(hm_stack_json())
                : NULL;
    if (flags == NULL || append_bytes(list, FLAGS_VAR, flags) < 0 ||
        append_bytes(list, PRELOAD_VAR, preload) < 0 ||
        append_carried(list, env_list) < 0) {
        Py_CLEAR(list);
    }
    Py_XDECREF(flags);
    Py_DECREF(preload);
    return list;
}

/* --- mappings (os.execve, os.posix_spawn) ----------------------------- */

/*
 * "NAME=value" as the bytes CPython would pass, keys and values through
 * os.fspath and the filesystem encoding, exactly as os.execve converts
 * them: a key is compared with ours in the form the child will see, so a
 * path-like or str-subclass key cannot slip past.
 */
static PyObject *
entry_bytes(PyObject *key, PyObject *value)
{
    PyObject *k = NULL, *v = NULL, *entry = NULL;

    if (PyUnicode_FSConverter(key, &k) && PyUnicode_FSConverter(value, &v)) {
        if (PyBytes_GET_SIZE(k) == 0 || strchr(PyBytes_AS_STRING(k), '=')) {
            PyErr_SetString(PyExc_ValueError,
                            "illegal environment variable name");
        } else {
            entry = PyBytes_FromFormat("%s=%s", PyBytes_AS_STRING(k),
                                       PyBytes_AS_STRING(v));
        }
    }
    Py_XDECREF(k);
    Py_XDECREF(v);
    return entry;
}

/* The mapping as a list of "NAME=value" bytes. */
static PyObject *
mapping_entries(PyObject *env)
{
    PyObject *items = PyMapping_Items(env);
    PyObject *list = items != NULL ? PyList_New(0) : NULL;

    for (Py_ssize_t i = 0; list != NULL && i < PyList_GET_SIZE(items); i++) {
        PyObject *item = PyList_GET_ITEM(items, i);
        PyObject *entry = NULL;

        if (PyTuple_Check(item) && PyTuple_GET_SIZE(item) == 2) {
            entry = entry_bytes(PyTuple_GET_ITEM(item, 0),
                                PyTuple_GET_ITEM(item, 1));
        }
        if (entry == NULL || PyList_Append(list, entry) < 0) {
            if (!PyErr_Occurred()) {
                PyErr_SetString(PyExc_TypeError, "env must be a mapping");
            }
            Py_CLEAR(list);
        }
        Py_XDECREF(entry);
    }
    Py_XDECREF(items);
    return list;
}

/* The process environment as a list of "NAME=value" bytes. */
static PyObject *
environ_entries(void)
{
    PyObject *list = PyList_New(0);

    for (char **e = environ; list != NULL && *e != NULL; e++) {
        PyObject *b = PyBytes_FromString(*e);

        if (b == NULL || PyList_Append(list, b) < 0) {
            Py_CLEAR(list);
        }
        Py_XDECREF(b);
    }
    return list;
}

/* A list of "NAME=value" bytes back to a dict of bytes. */
static PyObject *
entries_dict(PyObject *list)
{
    PyObject *d = PyDict_New();

    for (Py_ssize_t i = 0; d != NULL && i < PyList_GET_SIZE(list); i++) {
        PyObject *entry = PyList_GET_ITEM(list, i);
        const char *s, *eq;
        PyObject *k = NULL, *v = NULL;

        if (!PyBytes_Check(entry)) {
            continue;
        }
        s = PyBytes_AS_STRING(entry);
        eq = strchr(s, '=');
        if (eq == NULL) {
            continue;
        }
        k = PyBytes_FromStringAndSize(s, eq - s);
        v = PyBytes_FromString(eq + 1);
        if (k == NULL || v == NULL || PyDict_SetItem(d, k, v) < 0) {
            Py_CLEAR(d);
        }
        Py_XDECREF(k);
        Py_XDECREF(v);
    }
    return d;
}

/*
 * Returns a new dict of bytes: env (a mapping, or the process environment
 * when NULL or None) with our variables set.  The caller's mapping is not
 * changed.
 */
PyObject *
hm_child_env_dict(PyObject *env)
{
    PyObject *given, *list, *d;

    if (env == NULL || env == Py_None) {
        given = environ_entries();
    } else {
        given = mapping_entries(env);
    }
    if (given == NULL) {
        return NULL;
    }
    list = hm_child_env_list(given);
    Py_DECREF(given);
    if (list == NULL) {
        return NULL;
    }
    d = entries_dict(list);
    Py_DECREF(list);
    return d;
}

/* Puts our variables into this process's environment (and takes LD_AUDIT
 * out), for system(3), which passes it to the shell.  Returns 0, or -1
 * with an exception. */
int
hm_child_env_setenv(void)
{
    const char *json = hm_stack_json();
    PyObject *preload = preload_value(NULL);
    PyObject *b = NULL;
    int rc = -1;

    if (json != NULL && preload != NULL &&
        PyUnicode_FSConverter(preload, &b)) {
        rc = setenv(FLAGS_VAR, json, 1) == 0 &&
                     setenv(PRELOAD_VAR, PyBytes_AS_STRING(b), 1) == 0 &&
                     unsetenv(AUDIT_VAR) == 0
                 ? 0
                 : -1;
        if (rc < 0) {
            PyErr_SetFromErrno(PyExc_OSError);
        }
    }
    Py_XDECREF(b);
    Py_XDECREF(preload);
    return rc;
}
