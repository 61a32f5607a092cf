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
 * entry holding None or a finder of a kind the path hooks make for that
 * very key, an entry dropped by invalidate_caches) are not user changes.
 * A finder's path is snapshotted too: one pointed elsewhere in place is
 * a change.  A new key need not be on the import path: the cache is only
 * consulted for entries of sys.path and package __path__ lists, and a
 * finder that serves its own key gives no more than the import system
 * would (pkgutil.get_importer fills the cache for any directory).
 */
#include "hook.h"

#include <string.h>
#include <unistd.h>

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
static void seen_paths_drop(void);
static Py_ssize_t seen_n;

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

/* s without its trailing slashes, as FileFinder's _path_join drops them:
 * its length. */
static Py_ssize_t
strip_len(const char *s, Py_ssize_t n)
{
    while (n > 0 && s[n - 1] == '/') {
        n--;
    }
    return n;
}

/*
 * 1 when text path names what FileFinder(key) would hold: key itself
 * when absolute, the working directory for "" and ".", and the working
 * directory joined with key otherwise.
 */
static int
path_is_key(PyObject *path, PyObject *key)
{
    char cwd[PATH_MAX];
    const char *p, *k;
    Py_ssize_t pn, kn, cn;

    if (!PyUnicode_Check(path) || !PyUnicode_Check(key)) {
        return 0;
    }
    if (PyUnicode_Compare(path, key) == 0) {
        return 1;
    }
    p = PyUnicode_AsUTF8AndSize(path, &pn);
    k = PyUnicode_AsUTF8AndSize(key, &kn);
    if (p == NULL || k == NULL || (kn > 0 && k[0] == '/') ||
        getcwd(cwd, sizeof(cwd)) == NULL) {
        PyErr_Clear();
        return 0;
    }
    cn = (Py_ssize_t)strlen(cwd);
    if (kn == 0 || (kn == 1 && k[0] == '.')) {
        return pn == cn && memcmp(p, cwd, (size_t)cn) == 0;
    }
    cn = strip_len(cwd, cn);
    kn = strip_len(k, kn);
    return pn == cn + 1 + kn && memcmp(p, cwd, (size_t)cn) == 0 &&
           p[cn] == '/' && memcmp(p + cn + 1, k, (size_t)kn) == 0;
}

/* A finder's "path" attribute (a new reference), or NULL, no error. */
static PyObject *
finder_path(PyObject *value)
{
    static PyObject *name;
    PyObject *path;

    if (value == Py_None) {
        return NULL;
    }
    if (name == NULL && (name = PyUnicode_InternFromString("path")) == NULL) {
        PyErr_Clear();
        return NULL;
    }
    path = PyObject_GetAttr(value, name);
    if (path == NULL) {
        PyErr_Clear();
    }
    return path;
}

/*
 * 1 when value may be the import system's own new entry for key: None,
 * or a finder of a kind the path hooks make, serving key itself.  A
 * finder with a "path" (FileFinder) must hold key's directory; a
 * zipimporter must read key's archive.  Finders of other kinds (those of
 * third-party path hooks) are only checked for their type.
 */
static int
new_entry_ok(PyObject *key, PyObject *value)
{
    PyObject *path, *archive;
    int ok;

    if (!is_finder(value)) {
        return 0;
    }
    if (value == Py_None) {
        return 1;
    }
    path = finder_path(value);
    if (path != NULL) {
        ok = path_is_key(path, key);
        Py_DECREF(path);
        return ok;
    }
    archive = PyObject_GetAttrString(value, "archive");
    if (archive == NULL) {
        PyErr_Clear();
        return 1;
    }
    ok = PyUnicode_Check(archive) && PyUnicode_Check(key) &&
         PyUnicode_Tailmatch(key, archive, 0, PY_SSIZE_T_MAX, -1) == 1;
    PyErr_Clear();
    Py_DECREF(archive);
    return ok;
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
    seen_paths_drop();
    seen_n = -1;
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
        if (old == NULL ? !new_entry_ok(key, value) : old != value) {
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

/* The "path" of each finder as last seen (owned; NULL for none): a
 * finder pointed at another directory in place serves other modules
 * under the same key.  Compared by identity first, so an unchanged
 * finder costs one attribute lookup. */
static PyObject **seen_paths;
static Py_ssize_t seen_npaths;

static void
seen_paths_drop(void)
{
    for (Py_ssize_t i = 0; i < seen_npaths; i++) {
        Py_XDECREF(seen_paths[i]);
    }
    PyMem_Free(seen_paths);
    seen_paths = NULL;
    seen_npaths = 0;
}

static void
seen_record(PyObject *cache)
{
    Py_ssize_t n = PyDict_GET_SIZE(cache), pos = 0, i = 0;
    PyObject *key, *value;

    PyMem_Free(seen_keys);
    PyMem_Free(seen_values);
    seen_paths_drop();
    seen_keys = PyMem_New(PyObject *, n + 1);
    seen_values = PyMem_New(PyObject *, n + 1);
    seen_paths = PyMem_New(PyObject *, n + 1);
    seen_n = -1;
    if (seen_keys == NULL || seen_values == NULL || seen_paths == NULL) {
        return;
    }
    while (PyDict_Next(cache, &pos, &key, &value) && i < n) {
        seen_keys[i] = key;
        seen_values[i] = value;
        seen_paths[i++] = finder_path(value);
        seen_npaths = i;
    }
    seen_n = i;
}

/* 1 when every finder seen holds the path it had; a changed one is put
 * back.  Only valid after seen_same() or seen_record(). */
static int
seen_paths_same(void)
{
    int same = 1;

    for (Py_ssize_t i = 0; i < seen_npaths && i < seen_n; i++) {
        PyObject *was = seen_paths[i], *now;

        if (was == NULL) {
            continue;
        }
        now = finder_path(seen_values[i]);
        if (now != was &&
            (now == NULL || PyObject_RichCompareBool(now, was, Py_EQ) != 1)) {
            PyErr_Clear();
            if (PyObject_SetAttrString(seen_values[i], "path", was) < 0) {
                PyErr_Clear();
            }
            same = 0;
        }
        Py_XDECREF(now);
    }
    return same;
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
        int paths;

        if (seen_same(cur)) {
            return seen_paths_same();
        }
        /* Before the entries are recorded again: a finder changed in
         * place at the same time as a new entry is still found. */
        paths = seen_paths_same();
        if (!cache_same(cur, s->copy)) {
            return 0;
        }
        seen_record(cur);
        return paths;
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
    static int busy; /* a finder's "path" may be a property: its code's
                        events are not checked again */
    const char *first = NULL;
    char what[64];
    int observe;

    if (!(hm.mask & HM_BLOCK_INTERPRETER_MUTATION) || !snapped || busy) {
        return 0;
    }
    /* Only observing policies refuse it: report the change, keep it. */
    observe = !(hm.enforce_mask & HM_BLOCK_INTERPRETER_MUTATION);
    busy = 1;
    for (size_t i = 0; i < NSNAPS; i++) {
        if (snap_same(&snaps[i])) {
            continue;
        }
        if (!observe) {
            snap_restore(&snaps[i]);
        }
        if (first == NULL) {
            first = snaps[i].name;
        }
    }
    busy = 0;
    if (first == NULL) {
        return 0;
    }
    snprintf(what, sizeof(what), "sys.%s", first);
    if (block_mutation(what) < 0) {
        return -1;
    }
    return observe ? hm_interp_latch() : 0;
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
