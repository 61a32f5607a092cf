/*
 * patch.c: replacing builtins in place (see hook.h).
 */
#include "hook.h"

#include <link.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define CONVENTION (METH_O | METH_VARARGS | METH_FASTCALL | METH_KEYWORDS)

struct slot_search {
    uintptr_t addr;
    int kind; /* 'w' writable, 'r' read-only after relocation, 0 unknown */
};

/*
 * dl_iterate_phdr callback: finds the loaded object whose writable
 * segment holds the address, and whether it lies in its RELRO part (made
 * read-only after relocation).  No file to read, unlike /proc/self/maps.
 */
static int
find_segment(struct dl_phdr_info *info, size_t size, void *data)
{
    struct slot_search *s = data;
    int found = 0, relro = 0;

    (void)size;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        uintptr_t lo = info->dlpi_addr + ph->p_vaddr;
        int inside = s->addr >= lo && s->addr < lo + ph->p_memsz;

        if (inside && ph->p_type == PT_LOAD && (ph->p_flags & PF_W)) {
            found = 1;
        }
        if (inside && ph->p_type == PT_GNU_RELRO) {
            relro = 1;
        }
    }
    if (found) {
        s->kind = relro ? 'r' : 'w';
    }
    return found;
}

/* Writes *slot = value even when the PyMethodDef sits in RELRO (a const
 * table after relocation), restoring the protection after.  Refuses
 * anything outside a loaded object's writable segment. */
static int
write_slot(PyCFunction *slot, PyCFunction value)
{
    struct slot_search s = {(uintptr_t)slot, 0};
    long page = sysconf(_SC_PAGESIZE);
    uintptr_t start = (uintptr_t)slot & ~((uintptr_t)page - 1);
    size_t len = (uintptr_t)(slot + 1) - start;

    dl_iterate_phdr(find_segment, &s);
    if (s.kind == 'w') {
        *slot = value;
        return 0;
    }
    if (s.kind != 'r' ||
        mprotect((void *)start, len, PROT_READ | PROT_WRITE) < 0) {
        return -1;
    }
    *slot = value;
    mprotect((void *)start, len, PROT_READ);
    return 0;
}

static PyCFunction
pick_thunk(int flags, const struct hm_thunks *t)
{
    switch (flags & CONVENTION) {
    case METH_O:
        return t->one;
    case METH_VARARGS:
        return t->varargs;
    case METH_VARARGS | METH_KEYWORDS:
        return t->varargs_kw;
    case METH_FASTCALL:
        return t->fast;
    case METH_FASTCALL | METH_KEYWORDS:
        return t->fast_kw;
    default:
        return NULL;
    }
}

/* The PyMethodDef behind a builtin function or a method descriptor. */
static PyMethodDef *
method_def(PyObject *fn)
{
    if (PyCFunction_Check(fn)) {
        return ((PyCFunctionObject *)fn)->m_ml;
    }
    if (Py_IS_TYPE(fn, &PyMethodDescr_Type)) {
        return ((PyMethodDescrObject *)fn)->d_method;
    }
    return NULL;
}

/*
 * Checks that what the lookup found is the builtin asked for, not
 * another one planted under its name (sys.modules can be edited): same
 * method name, and for a method the same type.
 */
static int
is_expected(const struct hm_patch *p, PyObject *fn, const PyMethodDef *def)
{
    const char *dot = strchr(p->name, '.');
    const char *want = dot != NULL ? dot + 1 : p->name;
    const char *type;
    size_t mlen = strlen(p->module);

    if (strcmp(def->ml_name, want) != 0) {
        return 0;
    }
    if (dot == NULL) {
        return 1;
    }
    type = ((PyDescrObject *)fn)->d_type->tp_name;
    return strncmp(type, p->module, mlen) == 0 && type[mlen] == '.' &&
           strncmp(type + mlen + 1, p->name, (size_t)(dot - p->name)) == 0 &&
           type[mlen + 1 + (dot - p->name)] == '\0';
}

/* Looks up "name" or "Type.name" in the module (new reference). */
static PyObject *
lookup(const char *module, const char *name)
{
    const char *dot = strchr(name, '.');
    PyObject *obj = PyImport_ImportModule(module);

    if (obj != NULL && dot != NULL) {
        char type[64];

        snprintf(type, sizeof(type), "%.*s", (int)(dot - name), name);
        Py_SETREF(obj, PyObject_GetAttrString(obj, type));
        name = dot + 1;
    }
    if (obj != NULL) {
        Py_SETREF(obj, PyObject_GetAttrString(obj, name));
    }
    return obj;
}

/*
 * Finds the builtin p->name of p->module and points its PyMethodDef at
 * the thunk of the same calling convention.  Idempotent.  Returns 0, or
 * -1 with an exception set.
 */
int
hm_patch_apply(struct hm_patch *p, const struct hm_thunks *t)
{
    PyObject *fn;
    PyMethodDef *def;
    PyCFunction thunk;

    if (p->def != NULL) {
        return 0;
    }
    fn = lookup(p->module, p->name);
    if (fn == NULL) {
        return -1;
    }
    if (p->def != NULL) {
        /* The import released the GIL and another thread got here first:
         * reading ml_meth again would take its thunk for the original. */
        Py_DECREF(fn);
        return 0;
    }
    def = method_def(fn);
    if (def != NULL && !is_expected(p, fn, def)) {
        def = NULL;
    }
    if (def == NULL) {
        Py_DECREF(fn);
        PyErr_Format(PyExc_RuntimeError,
                     "%s.%s is not the interpreter's builtin (replaced "
                     "before hermetic was installed)",
                     p->module, p->name);
        return -1;
    }
    thunk = pick_thunk(def->ml_flags, t);
    if (thunk == NULL) {
        Py_DECREF(fn);
        PyErr_Format(PyExc_RuntimeError,
                     "%s.%s has a calling convention hermetic does not know",
                     p->module, p->name);
        return -1;
    }
    if (strchr(p->name, '.') == NULL && PyCFunction_Check(fn)) {
        p->self = PyCFunction_GET_SELF(fn);
        Py_XINCREF(p->self);
    }
    Py_DECREF(fn);
    p->orig = def->ml_meth;
    if (write_slot(&def->ml_meth, thunk) < 0) {
        PyErr_Format(PyExc_RuntimeError, "cannot replace %s.%s in place",
                     p->module, p->name);
        return -1;
    }
    p->def = def;
    return 0;
}

static PyObject *
kwargs_dict(PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    PyObject *kw = PyDict_New();

    if (kw == NULL) {
        return NULL;
    }
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(kwnames); i++) {
        if (PyDict_SetItem(kw, PyTuple_GET_ITEM(kwnames, i), args[nargs + i]) <
            0) {
            Py_DECREF(kw);
            return NULL;
        }
    }
    return kw;
}

static PyObject *
call_varargs(struct hm_patch *p, PyObject *self, PyObject *const *args,
             Py_ssize_t nargs, PyObject *kwnames)
{
    PyObject *tuple = PyTuple_New(nargs);
    PyObject *kw = NULL;
    PyObject *result = NULL;

    if (tuple == NULL) {
        return NULL;
    }
    for (Py_ssize_t i = 0; i < nargs; i++) {
        Py_INCREF(args[i]);
        PyTuple_SET_ITEM(tuple, i, args[i]);
    }
    if (kwnames != NULL && PyTuple_GET_SIZE(kwnames) > 0) {
        kw = kwargs_dict(args, nargs, kwnames);
        if (kw == NULL) {
            goto out;
        }
    }
    if (p->def->ml_flags & METH_KEYWORDS) {
        result = ((PyCFunctionWithKeywords)(void (*)(void))p->orig)(self,
                                                                    tuple, kw);
    } else if (kw != NULL) {
        PyErr_Format(PyExc_TypeError, "%s() takes no keyword arguments",
                     p->name);
    } else {
        result = p->orig(self, tuple);
    }
out:
    Py_XDECREF(kw);
    Py_DECREF(tuple);
    return result;
}

/* Calls the original with its own convention. */
PyObject *
hm_patch_call(struct hm_patch *p, PyObject *self, PyObject *const *args,
              Py_ssize_t nargs, PyObject *kwnames)
{
    int flags = p->def->ml_flags & CONVENTION;

    if (flags == METH_O) {
        if (nargs != 1 || (kwnames != NULL && PyTuple_GET_SIZE(kwnames))) {
            PyErr_Format(PyExc_TypeError, "%s() takes exactly one argument",
                         p->name);
            return NULL;
        }
        return p->orig(self, args[0]);
    }
    if (flags == (METH_FASTCALL | METH_KEYWORDS)) {
        return ((hm_fast_kw_fn)(void (*)(void))p->orig)(self, args, nargs,
                                                        kwnames);
    }
    if (flags == METH_FASTCALL) {
        if (kwnames != NULL && PyTuple_GET_SIZE(kwnames) > 0) {
            PyErr_Format(PyExc_TypeError, "%s() takes no keyword arguments",
                         p->name);
            return NULL;
        }
        return ((hm_fast_fn)(void (*)(void))p->orig)(self, args, nargs);
    }
    return call_varargs(p, self, args, nargs, kwnames);
}

/* Entry from a METH_VARARGS thunk: to the vectorcall form. */
PyObject *
hm_patch_tuple(struct hm_patch *p, hm_patch_fn fn, PyObject *self,
               PyObject *args, PyObject *kwargs)
{
    Py_ssize_t nargs = PyTuple_GET_SIZE(args);
    Py_ssize_t nkw, i = 0;
    PyObject **vec, *kwnames, *key, *value, *result;
    Py_ssize_t pos = 0;

    if (kwargs == NULL || PyDict_GET_SIZE(kwargs) == 0) {
        return fn(p, self, &PyTuple_GET_ITEM(args, 0), nargs, NULL);
    }
    nkw = PyDict_GET_SIZE(kwargs);
    vec = PyMem_New(PyObject *, nargs + nkw);
    kwnames = PyTuple_New(nkw);
    if (vec == NULL || kwnames == NULL) {
        PyMem_Free(vec);
        Py_XDECREF(kwnames);
        return PyErr_NoMemory();
    }
    for (i = 0; i < nargs; i++) {
        vec[i] = PyTuple_GET_ITEM(args, i);
    }
    i = 0;
    while (PyDict_Next(kwargs, &pos, &key, &value)) {
        Py_INCREF(key);
        PyTuple_SET_ITEM(kwnames, i, key);
        vec[nargs + i++] = value;
    }
    result = fn(p, self, vec, nargs, kwnames);
    Py_DECREF(kwnames);
    PyMem_Free(vec);
    return result;
}

/* Where the argument called name (or at position pos; -1 for a
 * keyword-only one) is, or -1. */
Py_ssize_t
hm_arg_index(Py_ssize_t nargs, PyObject *kwnames, Py_ssize_t pos,
             const char *name)
{
    if (pos >= 0 && pos < nargs) {
        return pos;
    }
    for (Py_ssize_t i = 0; kwnames && i < PyTuple_GET_SIZE(kwnames); i++) {
        if (PyUnicode_CompareWithASCIIString(PyTuple_GET_ITEM(kwnames, i),
                                             name) == 0) {
            return nargs + i;
        }
    }
    return -1;
}

/* Calls the original with args[index] replaced by value (a new reference,
 * consumed; NULL passes an error through). */
PyObject *
hm_patch_call_with(struct hm_patch *p, PyObject *self, PyObject *const *args,
                   Py_ssize_t nargs, PyObject *kwnames, Py_ssize_t index,
                   PyObject *value)
{
    Py_ssize_t total = nargs + (kwnames ? PyTuple_GET_SIZE(kwnames) : 0);
    PyObject **vec;
    PyObject *result;

    if (value == NULL) {
        return NULL;
    }
    vec = PyMem_New(PyObject *, total);
    if (vec == NULL) {
        Py_DECREF(value);
        return PyErr_NoMemory();
    }
    memcpy(vec, args, sizeof(PyObject *) * (size_t)total);
    vec[index] = value;
    result = hm_patch_call(p, self, vec, nargs, kwnames);
    PyMem_Free(vec);
    Py_DECREF(value);
    return result;
}

/* --- copies of a patched extension ---------------------------------------
 */

static int
stat_of(PyObject *file, struct stat *st)
{
    PyObject *bytes = NULL;
    int rc = -1;

    if (file != NULL && file != Py_None &&
        PyUnicode_FSConverter(file, &bytes)) {
        rc = stat(PyBytes_AS_STRING(bytes), st);
    }
    Py_XDECREF(bytes);
    PyErr_Clear();
    return rc;
}

/* Records the file f->module was loaded from, after its patch (a built-in
 * module has none: then every file is a copy). */
void
hm_ext_record(struct hm_ext_file *f)
{
    PyObject *mod = PyImport_ImportModule(f->module);
    PyObject *file =
        mod != NULL ? PyObject_GetAttrString(mod, "__file__") : NULL;
    struct stat st;

    f->checked = 1;
    if (stat_of(file, &st) == 0) {
        f->known = 1;
        f->dev = st.st_dev;
        f->ino = st.st_ino;
    }
    Py_XDECREF(file);
    Py_XDECREF(mod);
    PyErr_Clear();
}

/* 1 when an import's name loads f->module's init function: CPython looks
 * it up by the last dotted part, with '-' read as '_'. */
static int
loads_module(const struct hm_ext_file *f, PyObject *name)
{
    const char *s = PyUnicode_Check(name) ? PyUnicode_AsUTF8(name) : NULL;
    const char *last, *m = f->module;

    if (s == NULL) {
        PyErr_Clear();
        return 0;
    }
    last = strrchr(s, '.');
    for (s = last != NULL ? last + 1 : s; *s != '\0' && *m != '\0'; s++, m++) {
        if (*s != *m && !(*s == '-' && *m == '_')) {
            return 0;
        }
    }
    return *s == '\0' && *m == '\0';
}

/*
 * An import event (name, file, ...) that loads f->module's code from a
 * file other than the patched one (by device and inode, as the dynamic
 * loader tells libraries apart: a link is the library already loaded) is
 * refused as an import.  _imp.create_dynamic fires it for every load.
 */
int
hm_ext_refuse_copy(const struct hm_ext_file *f, PyObject *args,
                   const char *reason)
{
    PyObject *name, *file;
    struct stat st;
    struct hm_block b = {0};
    char message[200];

    if (!PyTuple_Check(args) || PyTuple_GET_SIZE(args) < 2) {
        return 0;
    }
    name = PyTuple_GET_ITEM(args, 0);
    file = PyTuple_GET_ITEM(args, 1);
    if (file == Py_None || !loads_module(f, name)) {
        return 0;
    }
    if (f->known && stat_of(file, &st) == 0 && st.st_dev == f->dev &&
        st.st_ino == f->ino) {
        return 0;
    }
    snprintf(message, sizeof(message),
             "import blocked: %.60s (a copy of %s, whose functions the "
             "guard has not replaced)",
             PyUnicode_AsUTF8(name), f->module);
    b.guard = "imports";
    b.message = message;
    b.target = PyUnicode_AsUTF8(name);
    b.api = "import";
    b.key = "name";
    b.value = b.target;
    b.vlen = strlen(b.target);
    b.reason = reason;
    return hm_block(&b);
}
