/*
 * envguard.c: the environment guard (SPEC section 3, "Environment").
 *
 * Reads fire no audit event, so hidden variables are taken out of what
 * Python reads (os.environ's data, shared with os.environb, and
 * posix.environ) while a policy hides them, and put back when none does.
 * os.environ's class gains a __getitem__ that raises the violation for a
 * hidden name, so .get and os.getenv, which catch KeyError, return the
 * default.  Writes fire os.putenv / os.unsetenv and are refused, except
 * the test runner's PYTEST_CURRENT_TEST where every policy hiding the
 * environment names it in allow_env (hm_env_writable; the pytest plugin
 * does, so pytest can keep it up to date).
 *
 * An observing policy hides nothing: reads it would refuse are reported.
 * XXX: reading every variable (dict(os.environ), os.environ.copy())
 * reports each one an observing policy would hide, though under that
 * policy the copy would simply lack them.
 */
#include "hook.h"

#include "guardmatch.h"

static PyObject *stash_data;  /* name -> value taken from os.environ */
static PyObject *stash_posix; /* name -> value taken from posix.environ */
static PyObject *base_getitem;
static PyObject *environ_data; /* os.environ._data (borrowed by os) */
static PyObject *posix_environ;

enum sight { SEEN, WOULD_HIDE, HIDDEN };

/* How the stack treats the variable: hidden when an enforcing policy
 * hides it; WOULD_HIDE when only observing policies would. */
static enum sight
sight(const char *name, size_t len)
{
    enum sight s = SEEN;

    for (size_t i = 0; i < hm.n; i++) {
        if (hm_env_allowed(hm.v[i].p, name, len)) {
            continue;
        }
        if (!hm_observing(hm.v[i].p)) {
            return HIDDEN;
        }
        s = WOULD_HIDE;
    }
    return s;
}

/* 1 when the variable stays in what Python reads. */
static int
visible(const char *name, size_t len)
{
    return sight(name, len) != HIDDEN;
}

/* The name as bytes (new reference), or NULL for other types. */
static PyObject *
name_bytes(PyObject *key)
{
    if (PyBytes_Check(key)) {
        Py_INCREF(key);
        return key;
    }
    if (PyUnicode_Check(key)) {
        PyObject *b = PyUnicode_EncodeFSDefault(key);

        if (b == NULL) {
            PyErr_Clear();
        }
        return b;
    }
    return NULL;
}

static int
block_env(const char *name, size_t len, int write, int observe)
{
    struct hm_block b = {0};
    char message[512];

    snprintf(message, sizeof(message), "environment %sdisabled: %.*s",
             write ? "mutation " : "", (int)len, name);
    b.guard = "environment";
    b.message = message;
    b.target = name;
    b.api = write ? "environment mutation" : "environment read";
    b.key = "name";
    b.value = name;
    b.vlen = len;
    b.reason = "no-environment";
    b.observe = observe;
    return hm_block(&b);
}

/* 1 when every active policy lets the variable be written. */
static int
writable(const char *name, size_t len)
{
    for (size_t i = 0; i < hm.n; i++) {
        if (!hm_env_writable(hm.v[i].p, name, len)) {
            return 0;
        }
    }
    return 1;
}

/* os.putenv (name, value), os.unsetenv (name,): refused unless writable. */
int
hm_env_event(enum hm_event_kind kind, const char *event, PyObject *args)
{
    PyObject *name;
    int rc;

    (void)kind;
    (void)event;
    if (!PyTuple_Check(args) || PyTuple_GET_SIZE(args) < 1) {
        return block_env("?", 1, 1, 0);
    }
    name = name_bytes(PyTuple_GET_ITEM(args, 0));
    if (name == NULL) {
        return block_env("?", 1, 1, 0);
    }
    if (writable(PyBytes_AS_STRING(name), (size_t)PyBytes_GET_SIZE(name))) {
        rc = 0;
    } else {
        rc = block_env(PyBytes_AS_STRING(name), (size_t)PyBytes_GET_SIZE(name),
                       1, 0);
    }
    Py_DECREF(name);
    return rc;
}

/* __getitem__(self, key) of os.environ's class: hidden names raise;
 * names only observing policies would hide are reported. */
static PyObject *
environ_getitem(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    PyObject *name;

    (void)module;
    if (nargs == 2 && (hm.mask & HM_BLOCK_ENVIRONMENT) &&
        (name = name_bytes(args[1])) != NULL) {
        const char *s = PyBytes_AS_STRING(name);
        size_t len = (size_t)PyBytes_GET_SIZE(name);
        enum sight seen = sight(s, len);
        int rc = seen == SEEN ? 0 : block_env(s, len, 0, seen == WOULD_HIDE);

        Py_DECREF(name);
        if (rc < 0) {
            return NULL;
        }
    }
    return PyObject_Vectorcall(base_getitem, args, (size_t)nargs, NULL);
}

static PyMethodDef getitem_def = {
    "__getitem__", (PyCFunction)(void (*)(void))environ_getitem, METH_FASTCALL,
    "Reads a variable; hidden ones raise a violation."};

/* A subclass of os._Environ with our __getitem__; same layout, so the
 * existing objects can take it as their class. */
static PyObject *
guarded_class(PyObject *base)
{
    PyObject *fn = PyCFunction_New(&getitem_def, NULL);
    PyObject *method = fn != NULL ? PyInstanceMethod_New(fn) : NULL;
    PyObject *cls = NULL;

    if (method != NULL) {
        cls = PyObject_CallFunction((PyObject *)&PyType_Type, "s(O){sOsss()}",
                                    "_Environ", base, "__getitem__", method,
                                    "__module__", "os", "__slots__");
    }
    Py_XDECREF(fn);
    Py_XDECREF(method);
    return cls;
}

/* Gives os.environ and os.environb the guarded class, once. */
static int
environ_install(void)
{
    PyObject *os, *environ = NULL, *environb = NULL, *cls = NULL;
    int rc = -1;

    if (base_getitem != NULL) {
        return 0;
    }
    os = PyImport_ImportModule("os");
    if (os != NULL) {
        environ = PyObject_GetAttrString(os, "environ");
        environb = PyObject_GetAttrString(os, "environb");
    }
    if (environ != NULL && environb != NULL) {
        base_getitem = PyObject_GetAttrString((PyObject *)Py_TYPE(environ),
                                              "__getitem__");
        environ_data = PyObject_GetAttrString(environ, "_data");
        cls = base_getitem != NULL
                  ? guarded_class((PyObject *)Py_TYPE(environ))
                  : NULL;
    }
    if (cls != NULL && environ_data != NULL && PyDict_Check(environ_data) &&
        PyObject_SetAttrString(environ, "__class__", cls) == 0 &&
        PyObject_SetAttrString(environb, "__class__", cls) == 0) {
        rc = 0;
    }
    Py_XDECREF(cls);
    Py_XDECREF(environ);
    Py_XDECREF(environb);
    Py_XDECREF(os);
    return rc;
}

static int
posix_install(void)
{
    PyObject *posix;

    if (posix_environ != NULL) {
        return 0;
    }
    posix = PyImport_ImportModule("posix");
    if (posix == NULL) {
        return -1;
    }
    posix_environ = PyObject_GetAttrString(posix, "environ");
    Py_DECREF(posix);
    if (posix_environ == NULL || !PyDict_Check(posix_environ)) {
        Py_CLEAR(posix_environ);
        PyErr_SetString(PyExc_RuntimeError, "posix.environ is not a dict");
        return -1;
    }
    return 0;
}

/* Puts back into dict what stash holds and dict does not. */
static int
restore(PyObject *dict, PyObject *stash)
{
    PyObject *key, *value;
    Py_ssize_t pos = 0;

    while (stash != NULL && PyDict_Next(stash, &pos, &key, &value)) {
        if (PyDict_SetDefault(dict, key, value) == NULL) {
            return -1;
        }
    }
    if (stash != NULL) {
        PyDict_Clear(stash);
    }
    return 0;
}

/* Moves the variables no longer visible from dict (bytes keys) into
 * stash. */
static int
hide(PyObject *dict, PyObject *stash)
{
    PyObject *keys = PyDict_Keys(dict);
    int rc = keys != NULL ? 0 : -1;

    for (Py_ssize_t i = 0; rc == 0 && i < PyList_GET_SIZE(keys); i++) {
        PyObject *key = PyList_GET_ITEM(keys, i);
        PyObject *value;

        if (!PyBytes_Check(key) ||
            visible(PyBytes_AS_STRING(key), (size_t)PyBytes_GET_SIZE(key))) {
            continue;
        }
        value = PyDict_GetItemWithError(dict, key);
        if (value == NULL || PyDict_SetItem(stash, key, value) < 0 ||
            PyDict_DelItem(dict, key) < 0) {
            rc = -1;
        }
    }
    Py_XDECREF(keys);
    return rc;
}

/*
 * Makes what Python sees of the environment match the stack: called at
 * set-up and whenever a policy enters or leaves.  Costs nothing while no
 * policy ever hid the environment.
 */
int
hm_env_sync(void)
{
    if (!(hm.mask & HM_BLOCK_ENVIRONMENT) && stash_data == NULL) {
        return 0;
    }
    if (environ_install() < 0 || posix_install() < 0) {
        return -1;
    }
    if (stash_data == NULL && ((stash_data = PyDict_New()) == NULL ||
                               (stash_posix = PyDict_New()) == NULL)) {
        return -1;
    }
    if (restore(environ_data, stash_data) < 0 ||
        restore(posix_environ, stash_posix) < 0) {
        return -1;
    }
    if (!(hm.mask & HM_BLOCK_ENVIRONMENT)) {
        return 0;
    }
    return hide(environ_data, stash_data) < 0 ||
                   hide(posix_environ, stash_posix) < 0
               ? -1
               : 0;
}
