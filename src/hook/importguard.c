/*
 * importguard.c: the import guard (SPEC section 3, "Imports") and the
 * import half of the native guard (the FFI modules).
 *
 * The "import" audit event fires only for the import statement and
 * __import__, and only when the module is not loaded yet.  So while a
 * policy denies a module, the loaded copies of it leave sys.modules (they
 * come back when no policy denies them), and a finder placed first on
 * sys.meta_path refuses it, which covers importlib.import_module too.
 */
#include "hook.h"

#include "guardmatch.h"

enum refusal { NONE, DENY_IMPORT, FFI };

static PyObject *stash;  /* name -> module taken out of sys.modules */
static PyObject *finder; /* the module object on sys.meta_path */

/* Why the stack refuses the module, if it does; *observe is 1 when only
 * observing policies refuse it. */
static enum refusal
judge(const char *name, size_t len, int *observe)
{
    enum refusal seen = NONE;

    for (size_t i = 0; i < hm.n; i++) {
        const struct hm_policy *p = hm.v[i].p;
        enum refusal r = NONE;

        if (hm_module_denied(p, name, len)) {
            r = DENY_IMPORT;
        } else if ((p->flags & HM_BLOCK_NATIVE) &&
                   hm_module_is_ffi(name, len)) {
            r = FFI;
        }
        if (r != NONE && !hm_observing(p)) {
            *observe = 0;
            return r;
        }
        seen = seen == NONE ? r : seen;
    }
    *observe = seen != NONE;
    return seen;
}

static int
block_import(const char *name, size_t len, enum refusal why, int observe)
{
    struct hm_block b = {0};
    char message[512];

    snprintf(message, sizeof(message), "%s blocked: %.*s",
             why == FFI ? "native import" : "import", (int)len, name);
    b.guard = why == FFI ? "native" : "imports";
    b.message = message;
    b.target = name;
    b.api = "import";
    b.key = "name";
    b.value = name;
    b.vlen = len;
    b.reason = why == FFI ? "block-native" : "deny-import";
    b.observe = observe;
    return hm_block(&b);
}

/* The module the "import" event last reported as observed: the finder
 * that runs next for the same import does not report it again. */
static PyObject *last_observed;

static int
import_check(PyObject *name, int from_finder)
{
    Py_ssize_t len;
    const char *s;
    enum refusal why;
    int observe = 0;

    if (!PyUnicode_Check(name)) {
        return 0;
    }
    s = PyUnicode_AsUTF8AndSize(name, &len);
    if (s == NULL) {
        return -1;
    }
    why = judge(s, (size_t)len, &observe);
    if (why == NONE) {
        return 0;
    }
    if (observe && from_finder && last_observed != NULL &&
        PyUnicode_Compare(last_observed, name) == 0) {
        Py_CLEAR(last_observed);
        return 0;
    }
    if (observe && !from_finder) {
        Py_INCREF(name);
        Py_XSETREF(last_observed, name);
    }
    return block_import(s, (size_t)len, why, observe);
}

/* 0 when the stack lets the module be imported, else -1 after hm_block. */
int
hm_import_check(PyObject *name)
{
    return import_check(name, 0);
}

/*
 * An extension loaded from a file runs the init function of the last part
 * of its name ("x._ctypes" runs _ctypes's): that module is judged too, so
 * neither --block-native nor --deny-import is passed by a dotted name.
 */
static int
init_name_check(PyObject *name)
{
    Py_ssize_t len;
    const char *s =
        PyUnicode_Check(name) ? PyUnicode_AsUTF8AndSize(name, &len) : NULL;
    char init[256];
    int n, observe = 0;
    enum refusal why;

    if (s == NULL) {
        return -1;
    }
    n = hm_module_init_name(s, (size_t)len, init, sizeof(init));
    if (n < 0 || ((Py_ssize_t)n == len && memcmp(init, s, (size_t)n) == 0)) {
        return 0; /* too long to name a module we judge; or judged already */
    }
    why = judge(init, (size_t)n, &observe);
    return why == NONE ? 0 : block_import(init, (size_t)n, why, observe);
}

/* "import" (name, filename, sys.path, meta_path, path_hooks): filename is
 * None for the statement, the path for an extension module being loaded. */
int
hm_import_event(enum hm_event_kind kind, const char *event, PyObject *args)
{
    (void)kind;
    (void)event;
    if (!PyTuple_Check(args) || PyTuple_GET_SIZE(args) < 2) {
        return 0;
    }
    if (hm_import_check(PyTuple_GET_ITEM(args, 0)) < 0) {
        return -1;
    }
    if (PyTuple_GET_ITEM(args, 1) == Py_None) {
        return 0;
    }
    if (init_name_check(PyTuple_GET_ITEM(args, 0)) < 0) {
        return -1;
    }
    return hm_native_load(PyTuple_GET_ITEM(args, 0),
                          PyTuple_GET_ITEM(args, 1));
}

/* find_spec(name, path, target=None) of the finder: refuses or passes. */
static PyObject *
finder_find_spec(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    (void)self;
    if (nargs >= 1 && (hm.mask & (HM_BLOCK_NATIVE | HM_DENY_IMPORTS)) &&
        import_check(args[0], 1) < 0) {
        return NULL;
    }
    Py_RETURN_NONE;
}

static PyMethodDef find_spec_def = {
    "find_spec", (PyCFunction)(void (*)(void))finder_find_spec, METH_FASTCALL,
    "Refuses the modules an active policy denies."};

static int
finder_install(void)
{
    PyObject *meta = PySys_GetObject("meta_path");
    PyObject *fn;

    if (finder != NULL) {
        return 0;
    }
    if (meta == NULL || !PyList_Check(meta)) {
        PyErr_SetString(PyExc_RuntimeError, "sys.meta_path is not a list");
        return -1;
    }
    finder = PyModule_New("hermetic._import_guard");
    fn = PyCFunction_New(&find_spec_def, NULL);
    if (finder == NULL || fn == NULL ||
        PyModule_AddObject(finder, "find_spec", fn) < 0) {
        Py_XDECREF(fn);
        Py_CLEAR(finder);
        return -1;
    }
    return PyList_Insert(meta, 0, finder);
}

/* Puts back the stashed modules that sys.modules does not hold again. */
static int
modules_restore(PyObject *modules)
{
    PyObject *key, *value;
    Py_ssize_t pos = 0;

    while (PyDict_Next(stash, &pos, &key, &value)) {
        if (PyDict_SetDefault(modules, key, value) == NULL) {
            return -1;
        }
    }
    PyDict_Clear(stash);
    return 0;
}

/* Moves the modules the stack refuses out of sys.modules (observing
 * policies remove nothing). */
static int
modules_hide(PyObject *modules)
{
    PyObject *keys = PyDict_Keys(modules);
    int rc = keys != NULL ? 0 : -1;

    for (Py_ssize_t i = 0; rc == 0 && i < PyList_GET_SIZE(keys); i++) {
        PyObject *key = PyList_GET_ITEM(keys, i);
        PyObject *mod;
        const char *s;
        Py_ssize_t len;
        int observe = 0;

        if (!PyUnicode_Check(key) ||
            (s = PyUnicode_AsUTF8AndSize(key, &len)) == NULL ||
            judge(s, (size_t)len, &observe) == NONE || observe) {
            PyErr_Clear();
            continue;
        }
        mod = PyDict_GetItemWithError(modules, key);
        if (mod == NULL || PyDict_SetItem(stash, key, mod) < 0 ||
            PyDict_DelItem(modules, key) < 0) {
            rc = -1;
        }
    }
    Py_XDECREF(keys);
    return rc;
}

/*
 * Makes sys.modules and sys.meta_path match the stack: called at set-up
 * and whenever a policy enters or leaves.  Costs nothing while no policy
 * ever refused an import.
 */
int
hm_import_sync(void)
{
    int active = (hm.mask & (HM_BLOCK_NATIVE | HM_DENY_IMPORTS)) != 0;
    PyObject *modules;

    if (!active && stash == NULL) {
        return 0;
    }
    modules = PyImport_GetModuleDict();
    if (stash == NULL && (stash = PyDict_New()) == NULL) {
        return -1;
    }
    if (modules_restore(modules) < 0) {
        return -1;
    }
    if (!active) {
        return 0;
    }
    /* Before the FFI modules leave sys.modules: cffi's loaders are found
     * through it. */
    if (hm_native_setup() < 0 || finder_install() < 0) {
        return -1;
    }
    return modules_hide(modules);
}
