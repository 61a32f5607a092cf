/*
 * patch.c: replacing builtins in place (see hook.h).
 */
#include "hook.h"

#include "guardmatch.h"

#include <dlfcn.h>
#include <link.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <fcntl.h>
#include <structmember.h>
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

/* Looks up "name" or "Type.name" in the module: from, or else the one
 * the import system gives (new reference). */
static PyObject *
lookup(PyObject *from, const char *module, const char *name)
{
    const char *dot = strchr(name, '.');
    PyObject *obj = from;

    if (obj != NULL) {
        Py_INCREF(obj);
    } else {
        obj = PyImport_ImportModule(module);
    }

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
    return hm_patch_apply_in(p, t, NULL);
}

/* The same, in the given module object (NULL: the imported one). */
int
hm_patch_apply_in(struct hm_patch *p, const struct hm_thunks *t,
                  PyObject *module)
{
    PyObject *fn;
    PyMethodDef *def;
    PyCFunction thunk;

    if (p->def != NULL) {
        return 0;
    }
    fn = lookup(module, p->module, p->name);
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

/* --- copies of a patched extension, and its deferred patch ---------------
 */

/*
 * 1 when an import event's file is the path f's code may come from, as
 * the same string: a link or another spelling could be pointed elsewhere
 * between this check and the dynamic loader's open (the target's own
 * audit hooks run in between), and is refused like a copy.
 */
static int
is_the_file(const struct hm_ext_file *f, PyObject *file)
{
    int same = f->file != NULL && PyUnicode_Check(file) &&
               PyUnicode_Compare(file, f->file) == 0;

    PyErr_Clear();
    return same;
}

/*
 * The module whose init function an import's name runs, into init:
 * CPython takes the part after the last dot of the whole name, reads '-'
 * as '_', and formats the symbol's name from that part as a C string (a
 * NUL ends it).  Returns 1; 0 when it is too long to be any module we
 * name; -1 when the name cannot be read (callers count that as a match,
 * and refuse).
 */
int
hm_ext_init_name(PyObject *name, char *init, size_t cap)
{
    Py_ssize_t n = 0;
    const char *s =
        PyUnicode_Check(name) ? PyUnicode_AsUTF8AndSize(name, &n) : NULL;

    if (s == NULL) {
        PyErr_Clear();
        return -1;
    }
    return hm_module_init_name(s, (size_t)n, init, cap) >= 0;
}

/* 1 when an import's name would run module's init function (or cannot
 * be read: see hm_ext_init_name). */
int
hm_ext_name_is(PyObject *name, const char *module)
{
    char init[256];
    int rc = hm_ext_init_name(name, init, sizeof(init));

    return rc < 0 || (rc > 0 && strcmp(init, module) == 0);
}

/* 1 when the replaced code (f->probe's method table) lies in f->file, as
 * the dynamic loader maps it: a finder installed during start-up could
 * hand the set-up's import another module. */
static int
code_in_file(const struct hm_ext_file *f)
{
    Dl_info info;
    struct stat a, b;
    PyObject *bytes = NULL;
    int same = 0;

    if (f->probe == NULL || f->probe->def == NULL ||
        dladdr((void *)f->probe->def, &info) == 0 || info.dli_fname == NULL ||
        !PyUnicode_FSConverter(f->file, &bytes)) {
        PyErr_Clear();
        return 0;
    }
    same = stat(info.dli_fname, &a) == 0 &&
           stat(PyBytes_AS_STRING(bytes), &b) == 0 && a.st_dev == b.st_dev &&
           a.st_ino == b.st_ino;
    Py_DECREF(bytes);
    return same;
}

/* Imports f->module and puts the replacements in. */
static int
ext_patch_now(struct hm_ext_file *f)
{
    PyObject *mod;

    if (f->active) {
        return 0;
    }
    /* The set-up's own import, from wherever the import system finds the
     * module (an interpreter without it in lib-dynload). */
    f->importing = 1;
    mod = PyImport_ImportModule(f->module);
    f->importing = 0;
    if (mod == NULL || f->patch(mod) < 0) {
        Py_XDECREF(mod);
        return -1;
    }
    Py_DECREF(mod);
    if (f->file != NULL && !code_in_file(f)) {
        PyErr_Format(PyExc_RuntimeError,
                     "hermetic: the %s the import system gave is not the "
                     "interpreter's own file",
                     f->module);
        return -1;
    }
    f->awaiting = 0;
    f->active = 1;
    return 0;
}

/* 1 when the dynamic loader has path loaded already (under any name:
 * code that ran before the set-up may have loaded it by spec). */
static int
loaded_already(PyObject *path)
{
    const char *s = PyUnicode_AsUTF8(path);
    void *h = s != NULL ? dlopen(s, RTLD_NOW | RTLD_NOLOAD) : NULL;

    PyErr_Clear();
    if (h != NULL) {
        dlclose(h);
    }
    return h != NULL;
}

static int
is_builtin(const char *module)
{
    for (const struct _inittab *t = PyImport_Inittab; t->name != NULL; t++) {
        if (strcmp(t->name, module) == 0) {
            return 1;
        }
    }
    return 0;
}

/* The interpreter's lib-dynload directory on sys.path, as sys.path was at
 * the first import event (hm_ext_snapshot): code run during start-up (a
 * shadowed module) can change sys.path, but only from an import that
 * fires an event first. */
static PyObject *dynload_dir;
static int dynload_taken;

void
hm_ext_snapshot(void)
{
    PyObject *path;
    static const char tail[] = "/lib-dynload";

    if (dynload_taken) {
        return;
    }
    path = PySys_GetObject("path");
    if (path == NULL || !PyList_Check(path)) {
        return; /* not set yet: no import from a file can have run */
    }
    dynload_taken = 1;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(path); i++) {
        PyObject *entry = PyList_GET_ITEM(path, i);
        Py_ssize_t n = 0;
        const char *dir =
            PyUnicode_Check(entry) ? PyUnicode_AsUTF8AndSize(entry, &n) : NULL;

        if (dir == NULL) {
            PyErr_Clear();
            continue;
        }
        if ((size_t)n >= sizeof(tail) - 1 && strlen(dir) == (size_t)n &&
            strcmp(dir + n - (sizeof(tail) - 1), tail) == 0) {
            Py_INCREF(entry);
            dynload_dir = entry;
            return;
        }
    }
}

/* The interpreter's own file of module, in that directory, with this
 * interpreter's suffix (new reference, or NULL). */
static PyObject *
dynload_file(const char *module)
{
    const char *dir;
    char file[PATH_MAX];
    struct stat st;

    hm_ext_snapshot();
    dir = dynload_dir != NULL ? PyUnicode_AsUTF8(dynload_dir) : NULL;
    if (dir == NULL) {
        PyErr_Clear();
        return NULL;
    }
    if (snprintf(file, sizeof(file), "%s/%s%s", dir, module, HM_EXT_SUFFIX) <
            (int)sizeof(file) &&
        stat(file, &st) == 0 && S_ISREG(st.st_mode)) {
        return PyUnicode_DecodeFSDefault(file);
    }
    return NULL;
}

/*
 * A spec for the guard's own load: a name and an origin, in an object the
 * garbage collector does not track, so that no code of the target (a
 * finaliser run by a collection) can find the name before the load's
 * event has come and gone.
 */
typedef struct {
    PyObject_HEAD PyObject *name;
    PyObject *origin;
} LoadSpec;

static void
loadspec_dealloc(PyObject *self)
{
    Py_XDECREF(((LoadSpec *)self)->name);
    Py_XDECREF(((LoadSpec *)self)->origin);
    Py_TYPE(self)->tp_free(self);
}

static PyMemberDef loadspec_members[] = {
    {"name", T_OBJECT_EX, offsetof(LoadSpec, name), READONLY, NULL},
    {"origin", T_OBJECT_EX, offsetof(LoadSpec, origin), READONLY, NULL},
    {NULL, 0, 0, 0, NULL},
};

static PyTypeObject LoadSpecType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "hermetic._LoadSpec",
    .tp_basicsize = sizeof(LoadSpec),
    .tp_dealloc = loadspec_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_members = loadspec_members,
};

/* _imp.create_dynamic and exec_dynamic as the interpreter made them,
 * taken at the first set-up (before any code of the target in CLI mode);
 * before 3.10, gc.disable and gc.enable too. */
static PyObject *create_dynamic, *exec_dynamic;
#if PY_VERSION_HEX < 0x030A0000
static PyObject *gc_isenabled, *gc_disable, *gc_enable;
#endif

/* Turns automatic collection off; returns whether it was on. */
static int
gc_off(void)
{
#if PY_VERSION_HEX >= 0x030A0000
    return PyGC_Disable();
#else
    PyObject *r = PyObject_CallNoArgs(gc_isenabled);
    int was = r != NULL && PyObject_IsTrue(r) == 1;

    Py_XDECREF(r);
    Py_XDECREF(PyObject_CallNoArgs(gc_disable));
    PyErr_Clear();
    return was;
#endif
}

static void
gc_restore(int was)
{
    PyObject *type, *value, *tb;

    if (!was) {
        return;
    }
    PyErr_Fetch(&type, &value, &tb);
#if PY_VERSION_HEX >= 0x030A0000
    PyGC_Enable();
#else
    Py_XDECREF(PyObject_CallNoArgs(gc_enable));
    PyErr_Clear();
#endif
    PyErr_Restore(type, value, tb);
}

/* "_hm<random>.<module>": a name nobody can guess for the guard's own
 * load; its last part finds the module's init function. */
static PyObject *
own_name(const char *module)
{
    unsigned char r[12];
    char hex[sizeof(r) * 2 + 1];
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    ssize_t n = fd >= 0 ? read(fd, r, sizeof(r)) : -1;

    if (fd >= 0) {
        close(fd);
    }
    if (n != (ssize_t)sizeof(r)) {
        PyErr_SetString(PyExc_RuntimeError, "hermetic: no random bytes");
        return NULL;
    }
    for (size_t i = 0; i < sizeof(r); i++) {
        snprintf(hex + 2 * i, 3, "%02x", r[i]);
    }
    return PyUnicode_FromFormat("_hm%s.%s", hex, module);
}

static int
load_and_patch(struct hm_ext_file *f)
{
    LoadSpec *spec;
    PyObject *mod, *name;
    int rc, gc_was;

    if (create_dynamic == NULL) {
        PyErr_SetString(PyExc_RuntimeError,
                        "hermetic: _imp.create_dynamic was not taken");
        return -1;
    }
    name = own_name(f->module);
    spec = name != NULL ? PyObject_New(LoadSpec, &LoadSpecType) : NULL;
    if (spec == NULL) {
        Py_XDECREF(name);
        return -1;
    }
    Py_INCREF(name);
    Py_INCREF(f->file);
    spec->name = name;
    spec->origin = f->file;
    f->own_name = name;
    f->loading = 1;
    f->own_seen = 0;
    /* No collection while the module exists unpatched: a finaliser could
     * find it through gc.get_objects() and call into it. */
    gc_was = gc_off();
    mod = PyObject_CallOneArg(create_dynamic, (PyObject *)spec);
    f->loading = 0;
    f->own_name = NULL;
    if (mod != NULL) {
        /* Multi-phase init: the module's types exist after exec. */
        PyObject *r = PyObject_CallOneArg(exec_dynamic, mod);

        Py_XDECREF(r);
        if (r == NULL) {
            Py_CLEAR(mod);
        }
    }
    if (mod != NULL) {
        /* A module with one-phase init puts itself in sys.modules. */
        PyObject *modules = PyImport_GetModuleDict();

        if (PyDict_GetItemWithError(modules, name) != NULL) {
            PyDict_DelItem(modules, name);
        }
        PyErr_Clear();
    }
    Py_DECREF(name);
    Py_DECREF(spec);
    if (mod == NULL) {
        gc_restore(gc_was);
        return -1;
    }
    rc = f->patch(mod);
    Py_DECREF(mod);
    gc_restore(gc_was);
    if (rc == 0) {
        f->awaiting = 0;
        f->active = 1;
    }
    return rc;
}

/*
 * At the set-up.  A module already loaded, built into the interpreter
 * (which _imp.create_builtin makes without an event), or whose file is
 * mapped already (loaded during start-up by another name) is imported
 * and patched at once; its replaced code must then lie in the
 * interpreter's own file (ext_patch_now).  Otherwise the patch waits
 * for the first load of that file.
 */
int
hm_ext_setup(struct hm_ext_file *f)
{
    PyObject *mod, *file;

    if (f->active) {
        return 0;
    }
    if (f->name == NULL &&
        (f->name = PyUnicode_InternFromString(f->module)) == NULL) {
        return -1;
    }
    mod = PyImport_GetModule(f->name);
    if (mod == NULL && PyErr_Occurred()) {
        return -1;
    }
    Py_XDECREF(mod);
    if (f->awaiting && mod == NULL) {
        /* Each new policy comes here (core_push): while nothing has
         * imported the module, the wait stands, with no file looked at. */
        return 0;
    }
    file = is_builtin(f->module) ? NULL : dynload_file(f->module);
    if (file != NULL) {
        Py_XSETREF(f->file, file);
    }
    if (mod != NULL || file == NULL || loaded_already(file)) {
        f->awaiting = 0;
        return ext_patch_now(f);
    }
    f->awaiting = 1;
    return 0;
}

static int
refuse_copy(const struct hm_ext_file *f, PyObject *name, const char *reason)
{
    struct hm_block b = {0};
    char message[200];

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

/*
 * An import event (name, file, ...): _imp.create_dynamic fires one before
 * every load of an extension from a file.  For f->module's code:
 *  - from another path than f's (is_the_file: the same string): refused
 *    as an import, once f is guarded, and before the set-up unless it is
 *    the interpreter's own file;
 *  - the first load of f's file while the patch waits: loaded here first,
 *    under a name of our own, and patched, before the loader goes on;
 *  - during that load of ours, nothing but its own event is let through
 *    (the target's audit hooks run inside it).
 */
int
hm_ext_import_event(struct hm_ext_file *f, PyObject *args, const char *reason)
{
    PyObject *name, *file;

    if (!PyTuple_Check(args) || PyTuple_GET_SIZE(args) < 2) {
        return 0;
    }
    name = PyTuple_GET_ITEM(args, 0);
    file = PyTuple_GET_ITEM(args, 1);
    if (file == Py_None || !hm_ext_name_is(name, f->module)) {
        return 0;
    }
    if (f->loading) {
        if (!f->own_seen && f->own_name != NULL && PyUnicode_Check(name) &&
            PyUnicode_Compare(name, f->own_name) == 0 &&
            is_the_file(f, file)) {
            f->own_seen = 1;
            return 0;
        }
        PyErr_Clear();
        return refuse_copy(f, name, reason);
    }
    if (f->awaiting) {
        return is_the_file(f, file) ? load_and_patch(f)
                                    : refuse_copy(f, name, reason);
    }
    if (!f->active) {
        /* Before the set-up (code run during start-up): only the
         * interpreter's own file, which the set-up then finds mapped and
         * patches at once. */
        PyObject *own = dynload_file(f->module);
        int same = f->importing || (own != NULL && PyUnicode_Check(file) &&
                                    PyUnicode_Compare(file, own) == 0);

        Py_XDECREF(own);
        PyErr_Clear();
        return same ? 0 : refuse_copy(f, name, reason);
    }
    return is_the_file(f, file) ? 0 : refuse_copy(f, name, reason);
}

/*
 * _imp.create_dynamic(spec, file): given a file, CPython before 3.12
 * opens spec.origin as read once, looks the open file's device and inode
 * up among the libraries it loaded before, and takes the init function
 * from the cached one; the path its event names (spec.origin read again)
 * need not be that file.  importlib never passes a file: it is dropped.
 */
static struct hm_patch p_create_dynamic = {"_imp", "create_dynamic"};

static PyObject *
create_dynamic_guard(struct hm_patch *p, PyObject *self, PyObject *const *args,
                     Py_ssize_t nargs, PyObject *kwnames)
{
    if (nargs > 1 && kwnames == NULL) {
        nargs = 1;
    }
    return hm_patch_call(p, self, args, nargs, kwnames);
}

HM_PATCH_THUNKS(create_dynamic_file, create_dynamic_guard, p_create_dynamic)

/* Takes _imp.create_dynamic, once, at the first set-up. */
int
hm_ext_init(void)
{
    PyObject *imp;

    if (create_dynamic != NULL) {
        return 0;
    }
    if (PyType_Ready(&LoadSpecType) < 0) {
        return -1;
    }
#if PY_VERSION_HEX < 0x030A0000
    {
        PyObject *gc = PyImport_ImportModule("gc");

        gc_isenabled =
            gc != NULL ? PyObject_GetAttrString(gc, "isenabled") : NULL;
        gc_disable = gc_isenabled != NULL
                         ? PyObject_GetAttrString(gc, "disable")
                         : NULL;
        gc_enable =
            gc_disable != NULL ? PyObject_GetAttrString(gc, "enable") : NULL;
        Py_XDECREF(gc);
        if (gc_enable == NULL) {
            return -1;
        }
    }
#endif
    imp = PyImport_ImportModule("_imp");
    exec_dynamic =
        imp != NULL ? PyObject_GetAttrString(imp, "exec_dynamic") : NULL;
    create_dynamic = exec_dynamic != NULL
                         ? PyObject_GetAttrString(imp, "create_dynamic")
                         : NULL;
    Py_XDECREF(imp);
    if (create_dynamic == NULL) {
        return -1;
    }
    hm_ext_snapshot();
    return hm_patch_apply(&p_create_dynamic, HM_THUNKS(create_dynamic_file));
}
