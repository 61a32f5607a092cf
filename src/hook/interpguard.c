/*
 * interpguard.c: the interpreter mutation guard (SPEC section 3,
 * "Interpreter mutation").
 *
 * os.chdir and os.fchdir fire an event.  Changes to sys.path,
 * sys.meta_path, sys.path_hooks and sys.path_importer_cache fire none, so
 * they are found by comparison with a snapshot taken when the guard
 * starts, at the next event that depends on them (an import, an open, a
 * listing; site.addsitedir lists the directory it has just added).  The
 * change is undone before the violation is raised, so the import system
 * goes on with what it had and the next event does not raise again.
 *
 * The import system's own updates of sys.path_importer_cache (a new
 * entry holding None or a finder of a kind the path hooks make, an entry
 * dropped by invalidate_caches) are not user changes.
 */
#include "hook.h"

#include <string.h>

struct snap {
    const char *name; /* attribute of sys */
    PyObject *obj;    /* the object sys.<name> was */
    PyObject *copy;   /* a tuple of its items, or a dict copy */
};

static struct snap snaps[] = {
    {"path", NULL, NULL},
    {"meta_path", NULL, NULL},
    {"path_hooks", NULL, NULL},
    {"path_importer_cache", NULL, NULL},
};

#define NSNAPS (sizeof(snaps) / sizeof(snaps[0]))
#define CACHE (&snaps[3])

/* Types of finders the import system puts in path_importer_cache. */
static PyObject *finder_types[16];
static size_t nfinder_types;
static int snapped;

static void seen_record(PyObject *cache);

static void
finder_type_add(PyObject *type)
{
    for (size_t i = 0; i < nfinder_types; i++) {
        if (finder_types[i] == type) {
            return;
        }
    }
    if (nfinder_types < sizeof(finder_types) / sizeof(finder_types[0])) {
        Py_INCREF(type);
        finder_types[nfinder_types++] = type;
    }
}

static void
finder_type_from(const char *module, const char *name)
{
    PyObject *modname = PyUnicode_FromString(module);
    PyObject *mod = modname ? PyImport_GetModule(modname) : NULL;
    PyObject *type = mod ? PyObject_GetAttrString(mod, name) : NULL;

    if (type != NULL && PyType_Check(type)) {
        finder_type_add(type);
    }
    Py_XDECREF(type);
    Py_XDECREF(mod);
    Py_XDECREF(modname);
    PyErr_Clear();
}

static void
finder_types_init(PyObject *cache)
{
    PyObject *key, *value;
    Py_ssize_t pos = 0;

    finder_type_from("_frozen_importlib_external", "FileFinder");
    finder_type_from("zipimport", "zipimporter");
    while (PyDict_Next(cache, &pos, &key, &value)) {
        if (value != Py_None) {
            finder_type_add((PyObject *)Py_TYPE(value));
        }
    }
}

static int
is_finder(PyObject *value)
{
    if (value == Py_None) {
        return 1;
    }
    for (size_t i = 0; i < nfinder_types; i++) {
        if ((PyObject *)Py_TYPE(value) == finder_types[i]) {
            return 1;
        }
    }
    return 0;
}

static PyObject *
copy_of(PyObject *obj)
{
    if (PyList_Check(obj)) {
        return PyList_AsTuple(obj);
    }
    if (PyDict_Check(obj)) {
        return PyDict_Copy(obj);
    }
    Py_INCREF(Py_None);
    return Py_None;
}

static void
snap_drop(void)
{
    for (size_t i = 0; i < NSNAPS; i++) {
        Py_CLEAR(snaps[i].obj);
        Py_CLEAR(snaps[i].copy);
    }
    snapped = 0;
}

/* Takes the snapshot (once while the guard is on).  Returns 0 or -1. */
static int
snap_take(void)
{
    for (size_t i = 0; i < NSNAPS; i++) {
        PyObject *obj = PySys_GetObject(snaps[i].name);

        if (obj == NULL) {
            continue;
        }
        Py_INCREF(obj);
        snaps[i].obj = obj;
        snaps[i].copy = copy_of(obj);
        if (snaps[i].copy == NULL) {
            snap_drop();
            return -1;
        }
    }
    if (CACHE->obj != NULL && PyDict_Check(CACHE->obj)) {
        finder_types_init(CACHE->obj);
        seen_record(CACHE->obj);
    }
    snapped = 1;
    return 0;
}

/* 1 when the list holds exactly the items of the tuple, by identity. */
static int
list_same(PyObject *list, PyObject *tuple)
{
    Py_ssize_t n = PyList_GET_SIZE(list);

    if (!PyTuple_Check(tuple) || n != PyTuple_GET_SIZE(tuple)) {
        return 0;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        if (PyList_GET_ITEM(list, i) != PyTuple_GET_ITEM(tuple, i)) {
            return 0;
        }
    }
    return 1;
}

/* 1 when every entry of the cache is the one in the copy, or one the
 * import system added or dropped. */
static int
cache_same(PyObject *cache, PyObject *copy)
{
    PyObject *key, *value;
    Py_ssize_t pos = 0;
    int grown = 0;

    while (PyDict_Next(cache, &pos, &key, &value)) {
        PyObject *old = PyDict_GetItemWithError(copy, key);

        if (old == NULL && PyErr_Occurred()) {
            PyErr_Clear();
            return 0;
        }
        if (old == NULL ? !is_finder(value) : old != value) {
            return 0;
        }
        grown |= old == NULL;
    }
    if (grown || PyDict_GET_SIZE(cache) != PyDict_GET_SIZE(copy)) {
        /* Follow the import system's own updates. */
        PyDict_Clear(copy);
        return PyDict_Update(copy, cache) == 0 ? 1 : (PyErr_Clear(), 1);
    }
    return 1;
}

/*
 * The cache's entries, in iteration order, as last seen: with no change
 * the dict iterates over the same pointers, so the common check compares
 * pointers and hashes nothing.  The objects are kept alive by the copy.
 */
static PyObject **seen_keys, **seen_values;
static Py_ssize_t seen_n;

static void
seen_record(PyObject *cache)
{
    Py_ssize_t n = PyDict_GET_SIZE(cache), pos = 0, i = 0;
    PyObject *key, *value;

    PyMem_Free(seen_keys);
    PyMem_Free(seen_values);
    seen_keys = PyMem_New(PyObject *, n + 1);
    seen_values = PyMem_New(PyObject *, n + 1);
    seen_n = -1;
    if (seen_keys == NULL || seen_values == NULL) {
        return;
    }
    while (PyDict_Next(cache, &pos, &key, &value) && i < n) {
        seen_keys[i] = key;
        seen_values[i++] = value;
    }
    seen_n = i;
}

static int
seen_same(PyObject *cache)
{
    Py_ssize_t pos = 0, i = 0;
    PyObject *key, *value;

    if (PyDict_GET_SIZE(cache) != seen_n) {
        return 0;
    }
    while (PyDict_Next(cache, &pos, &key, &value)) {
        if (i >= seen_n || key != seen_keys[i] || value != seen_values[i]) {
            return 0;
        }
        i++;
    }
    return 1;
}

static int
snap_same(struct snap *s)
{
    PyObject *cur = PySys_GetObject(s->name);

    if (cur != s->obj) {
        return 0;
    }
    if (cur == NULL) {
        return 1;
    }
    if (PyList_Check(cur)) {
        return list_same(cur, s->copy);
    }
    if (PyDict_Check(cur) && PyDict_Check(s->copy)) {
        if (seen_same(cur)) {
            return 1;
        }
        if (!cache_same(cur, s->copy)) {
            return 0;
        }
        seen_record(cur);
    }
    return 1;
}

/* Puts sys.<name> back as it was in the snapshot. */
static void
snap_restore(struct snap *s)
{
    if (s->obj == NULL) {
        return;
    }
    PySys_SetObject(s->name, s->obj);
    if (PyList_Check(s->obj)) {
        PyList_SetSlice(s->obj, 0, PyList_GET_SIZE(s->obj), s->copy);
    } else if (PyDict_Check(s->obj)) {
        PyDict_Clear(s->obj);
        PyDict_Update(s->obj, s->copy);
        seen_record(s->obj);
    }
    PyErr_Clear();
}

static int
block_mutation(const char *what)
{
    struct hm_block b = {0};
    char message[128];

    snprintf(message, sizeof(message), "interpreter mutation disabled: %s",
             what);
    b.guard = "interpreter";
    b.message = message;
    b.target = what;
    b.api = "interpreter mutation";
    b.key = "name";
    b.value = what;
    b.vlen = strlen(what);
    b.reason = "no-interpreter-mutation";
    return hm_block(&b);
}

/* Compares sys with the snapshot; undoes every change and blocks the
 * first one. */
int
hm_interp_check(void)
{
    const char *first = NULL;
    char what[64];

    if (!(hm.mask & HM_BLOCK_INTERPRETER_MUTATION) || !snapped) {
        return 0;
    }
    for (size_t i = 0; i < NSNAPS; i++) {
        if (snap_same(&snaps[i])) {
            continue;
        }
        snap_restore(&snaps[i]);
        if (first == NULL) {
            first = snaps[i].name;
        }
    }
    if (first == NULL) {
        return 0;
    }
    snprintf(what, sizeof(what), "sys.%s", first);
    return block_mutation(what);
}

/* os.chdir (path,): os.chdir and os.fchdir. */
static int
chdir_event(PyObject *args)
{
    struct hm_block b = {0};
    PyObject *path, *text = NULL;
    const char *shown = "";
    int rc;

    path = PyTuple_Check(args) && PyTuple_GET_SIZE(args) > 0
               ? PyTuple_GET_ITEM(args, 0)
               : Py_None;
    if (PyBytes_Check(path)) {
        text = PyUnicode_DecodeFSDefault(PyBytes_AS_STRING(path));
    } else {
        text = PyObject_Str(path);
    }
    if (text != NULL && PyUnicode_AsUTF8(text) != NULL) {
        shown = PyUnicode_AsUTF8(text);
    }
    PyErr_Clear();
    b.guard = "interpreter";
    b.message = "interpreter mutation disabled: os.chdir";
    b.target = "os.chdir";
    b.api = "os.chdir";
    b.key = "path";
    b.value = shown;
    b.vlen = strlen(shown);
    b.reason = "no-interpreter-mutation";
    rc = hm_block(&b);
    Py_XDECREF(text);
    return rc;
}

int
hm_interp_event(enum hm_event_kind kind, const char *event, PyObject *args)
{
    (void)event;
    if (!(hm.mask & HM_BLOCK_INTERPRETER_MUTATION)) {
        return 0;
    }
    if (kind == EV_CHDIR) {
        return chdir_event(args);
    }
    return hm_interp_check();
}

/*
 * Takes the snapshot when the guard is on and has none; drops it when the
 * guard is off, so a later blocker compares with what sys holds then.
 * In CLI mode it is first taken when the main program starts (sys.path[0]
 * is set by then; .pth files and sitecustomize have run).
 */
int
hm_interp_latch(void)
{
    if (!(hm.mask & HM_BLOCK_INTERPRETER_MUTATION)) {
        if (snapped) {
            snap_drop();
        }
        return 0;
    }
    return snapped ? 0 : snap_take();
}
