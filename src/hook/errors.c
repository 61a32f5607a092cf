/*
 * errors.c: the exception classes (SPEC section 4) and, in CLI mode, the
 * excepthook that turns a violation reaching the top into one line and
 * exit status 2.
 *
 * The classes are created here, once per process, so the class a user
 * catches is the same object whichever way the guard was installed.
 */
#include "hook.h"

#include <string.h>
#include <unistd.h>

#include "pythread.h"

struct hm_class {
    const char *guard;  /* value of .guard; "policy" is the base class */
    const char *name;   /* qualified name */
    PyObject **builtin; /* the built-in exception it also is, or NULL */
    PyObject *cls;
};

static struct hm_class classes[] = {
    {"policy", "hermetic.errors.PolicyViolation", &PyExc_RuntimeError},
    {"network", "hermetic.errors.NetworkViolation", NULL},
    {"subprocess", "hermetic.errors.SubprocessViolation",
     &PyExc_PermissionError},
    {"filesystem", "hermetic.errors.FilesystemViolation",
     &PyExc_PermissionError},
    {"environment", "hermetic.errors.EnvironmentViolation", &PyExc_KeyError},
    {"code_exec", "hermetic.errors.CodeExecViolation", NULL},
    {"imports", "hermetic.errors.ImportViolation", &PyExc_ImportError},
    {"native", "hermetic.errors.NativeViolation", &PyExc_ImportError},
    {"interpreter", "hermetic.errors.InterpreterViolation", NULL},
};

#define NCLASSES (sizeof(classes) / sizeof(classes[0]))

static PyObject *saved_excepthook;
static unsigned long main_thread;
static int exit_with_2;

/*
 * KeyError's str() is the repr of its key; a violation's str() is its
 * message, so the subclasses take BaseException's __str__.
 */
static int
class_dict_init(PyObject *dict)
{
    PyObject *str = PyObject_GetAttrString(PyExc_BaseException, "__str__");
    int rc;

    if (str == NULL) {
        return -1;
    }
    rc = PyDict_SetItemString(dict, "__str__", str);
    Py_DECREF(str);
    if (rc == 0) {
        rc = PyDict_SetItemString(dict, "guard", Py_None);
    }
    if (rc == 0) {
        rc = PyDict_SetItemString(dict, "target", Py_None);
    }
    return rc;
}

static PyObject *
make_class(const struct hm_class *c, PyObject *base)
{
    PyObject *dict = PyDict_New();
    PyObject *bases, *cls = NULL;

    if (dict == NULL || class_dict_init(dict) < 0) {
        Py_XDECREF(dict);
        return NULL;
    }
    if (c->builtin != NULL && base != NULL) {
        bases = PyTuple_Pack(2, base, *c->builtin);
    } else {
        bases = PyTuple_Pack(1, base != NULL ? base : *c->builtin);
    }
    if (bases != NULL) {
        cls = PyErr_NewException(c->name, bases, dict);
    }
    Py_XDECREF(bases);
    Py_DECREF(dict);
    return cls;
}

static int
classes_create(void)
{
    if (classes[0].cls != NULL) {
        return 0;
    }
    classes[0].cls = make_class(&classes[0], NULL);
    if (classes[0].cls == NULL) {
        return -1;
    }
    for (size_t i = 1; i < NCLASSES; i++) {
        classes[i].cls = make_class(&classes[i], classes[0].cls);
        if (classes[i].cls == NULL) {
            return -1;
        }
    }
    return 0;
}

static const char *
short_name(const struct hm_class *c)
{
    return strrchr(c->name, '.') + 1;
}

/* Creates the classes once; adds them to module when one is given. */
int
hm_errors_init(PyObject *module)
{
    if (classes_create() < 0) {
        return -1;
    }
    for (size_t i = 0; module != NULL && i < NCLASSES; i++) {
        Py_INCREF(classes[i].cls);
        if (PyModule_AddObject(module, short_name(&classes[i]),
                               classes[i].cls) < 0) {
            Py_DECREF(classes[i].cls);
            return -1;
        }
    }
    return 0;
}

/* The class for a guard (borrowed), the base class for unknown ones. */
PyObject *
hm_error_class(const char *guard)
{
    if (classes_create() < 0) {
        return NULL;
    }
    for (size_t i = 1; i < NCLASSES; i++) {
        if (strcmp(classes[i].guard, guard) == 0) {
            return classes[i].cls;
        }
    }
    return classes[0].cls;
}

/* --- the excepthook (CLI mode) ----------------------------------------- */

static void
flush_stream(const char *name)
{
    PyObject *stream = PySys_GetObject(name);
    PyObject *r;

    if (stream == NULL || stream == Py_None) {
        return;
    }
    r = PyObject_CallMethod(stream, "flush", NULL);
    Py_XDECREF(r);
    PyErr_Clear();
}

static void
final_line(PyObject *value)
{
    PyObject *text = PyObject_Str(value);
    PyObject *line = NULL;

    if (text != NULL) {
        line = PyUnicode_FromFormat("hermetic: blocked action: %U\n", text);
    }
    if (line != NULL) {
        PyObject *b =
            PyUnicode_AsEncodedString(line, "utf-8", "backslashreplace");

        flush_stream("stdout");
        flush_stream("stderr");
        if (b != NULL) {
            ssize_t w = write(STDERR_FILENO, PyBytes_AS_STRING(b),
                              (size_t)PyBytes_GET_SIZE(b));

            (void)w;
        }
        Py_XDECREF(b);
    }
    Py_XDECREF(text);
    Py_XDECREF(line);
    PyErr_Clear();
}

static PyObject *
excepthook(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    /* The classes exist only once a violation was raised or hermetic's
     * module imported: an ordinary error can come first. */
    PyObject *base = hm_error_class("policy");

    (void)self;
    if (nargs != 3) {
        PyErr_SetString(PyExc_TypeError, "excepthook takes 3 arguments");
        return NULL;
    }
    if (base == NULL) {
        PyErr_Clear();
    }
    if (PyThread_get_thread_ident() != main_thread || base == NULL ||
        !PyObject_IsInstance(args[1], base)) {
        return PyObject_CallFunctionObjArgs(saved_excepthook, args[0], args[1],
                                            args[2], NULL);
    }
    if (hm.mask & HM_TRACE) {
        PyObject *r = PyObject_CallFunctionObjArgs(saved_excepthook, args[0],
                                                   args[1], args[2], NULL);

        Py_XDECREF(r);
        PyErr_Clear();
    }
    final_line(args[1]);
    exit_with_2 = 1;
    Py_RETURN_NONE;
}

static PyMethodDef excepthook_def = {
    "excepthook", (PyCFunction)(void (*)(void))excepthook, METH_FASTCALL,
    "hermetic: report a violation that reached the top as one line."};

/* Runs at the very end of finalisation, when Python's streams are
 * flushed: the status of a violation that reached the top is 2. */
static void
exit_status(void)
{
    if (exit_with_2) {
        exit(2);
    }
}

int
hm_excepthook_install(void)
{
    PyObject *fn;

    if (saved_excepthook != NULL) {
        return 0;
    }
    saved_excepthook = PySys_GetObject("__excepthook__");
    if (saved_excepthook == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "sys.__excepthook__ missing");
        return -1;
    }
    Py_INCREF(saved_excepthook);
    fn = PyCFunction_New(&excepthook_def, NULL);
    if (fn == NULL || PySys_SetObject("excepthook", fn) < 0) {
        Py_XDECREF(fn);
        return -1;
    }
    Py_DECREF(fn);
    main_thread = PyThread_get_thread_ident();
    return Py_AtExit(exit_status) == 0 ? 0 : -1;
}
