/*
 * module.c: the hermetic._core extension, the policy stack, and the entry
 * point the preload shim calls before the interpreter starts.
 */
#include "hook.h"

#include "kernel.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pathresolve.h"

/* --- the stack ---------------------------------------------------------- */

static unsigned long long next_id = 1;

/* Recomputes what is derived from the entries.  The encoding for
 * children is made when a child needs it, not on every enter and leave. */
void
hm_stack_changed(void)
{
    unsigned mask = 0, enforce = 0;
    int kernel_net = 0;

    for (size_t i = 0; i < hm.n; i++) {
        const struct hm_policy *p = hm.v[i].p;
        unsigned flags = p->flags;

        kernel_net |= hm.v[i].permanent && (p->flags & HM_BLOCK_NETWORK) &&
                      !(p->flags & HM_ALLOW_LOCALHOST) &&
                      p->allow_domains.n == 0 && p->allow_ips.n == 0;
        if (hm.v[i].p->deny_imports.n > 0) {
            flags |= HM_DENY_IMPORTS;
        }
        mask |= flags;
        if (!hm_observing(hm.v[i].p)) {
            enforce |= flags;
        }
    }
    hm.mask = mask;
    hm.enforce_mask = enforce;
    hm.gen++;
    hm.kernel_net = kernel_net && (mask & HM_KERNEL);
    free(hm.stack_json);
    hm.stack_json = NULL;
}

/* The active stack as HERMETIC_FLAGS_JSON (borrowed), NULL when empty or
 * out of memory (with a Python exception set when initialised). */
const char *
hm_stack_json(void)
{
    const struct hm_policy **ps;

    if (hm.stack_json != NULL || hm.n == 0) {
        return hm.stack_json;
    }
    ps = malloc(hm.n * sizeof(*ps));
    if (ps != NULL) {
        for (size_t i = 0; i < hm.n; i++) {
            ps[i] = hm.v[i].p;
        }
        hm.stack_json = hm_stack_encode_out(ps, hm.n, hm.seal_all, &hm.out);
        free(ps);
    }
    if (hm.stack_json == NULL && Py_IsInitialized()) {
        PyErr_NoMemory();
    }
    return hm.stack_json;
}

static int
stack_push(const struct hm_policy *p, PyObject *owner, int permanent,
           unsigned long long *id)
{
    if (hm.n == hm.cap) {
        size_t cap = hm.cap ? hm.cap * 2 : 8;
        struct hm_entry *v = realloc(hm.v, cap * sizeof(*v));

        if (v == NULL) {
            return -ENOMEM;
        }
        hm.v = v;
        hm.cap = cap;
    }
    Py_XINCREF(owner);
    hm.v[hm.n].p = p;
    hm.v[hm.n].owner = owner;
    hm.v[hm.n].id = next_id;
    hm.v[hm.n].permanent =
        permanent || hm.seal_all || (p->flags & HM_SEALED) != 0;
    *id = next_id++;
    hm.n++;
    hm_stack_changed();
    return 0;
}

/* Removes the entry with this id unless it is permanent.  Returns 1 when
 * removed, 0 when kept or not found. */
static int
stack_remove(unsigned long long id)
{
    for (size_t i = 0; i < hm.n; i++) {
        PyObject *owner = hm.v[i].owner;

        if (hm.v[i].id != id) {
            continue;
        }
        if (hm.v[i].permanent) {
            return 0;
        }
        memmove(&hm.v[i], &hm.v[i + 1], (hm.n - i - 1) * sizeof(hm.v[0]));
        hm.n--;
        hm_stack_changed();
        Py_XDECREF(owner);
        return 1;
    }
    return 0;
}

/* --- where the shim is ------------------------------------------------ */

/* The shim lies beside this extension (or is the one that loaded it);
 * its file is noted, for hm_shim_unchanged. */
static int
find_shim(void)
{
    Dl_info info;
    char dir[PATH_MAX];
    struct stat st;

    if (hm.shim_st.st_ino != 0) {
        return 0;
    }
    if (hm.shim_path[0] == '\0') {
        if (dladdr((void *)find_shim, &info) == 0 || info.dli_fname == NULL ||
            realpath(info.dli_fname, dir) == NULL) {
            return -1;
        }
        snprintf(hm.shim_path, sizeof(hm.shim_path), "%s/_hermetic_shim.so",
                 dirname(dir));
    }
    if (stat(hm.shim_path, &st) < 0 || !S_ISREG(st.st_mode)) {
        return -1;
    }
    hm.shim_st = st;
    return 0;
}

int
hm_shim_unchanged(void)
{
    struct stat st;
    int fd = open(hm.shim_path, O_RDONLY | O_CLOEXEC);
    int same;

    if (fd < 0) {
        return 0;
    }
    same = fstat(fd, &st) == 0 && st.st_dev == hm.shim_st.st_dev &&
           st.st_ino == hm.shim_st.st_ino &&
           st.st_ctim.tv_sec == hm.shim_st.st_ctim.tv_sec &&
           st.st_ctim.tv_nsec == hm.shim_st.st_ctim.tv_nsec;
    close(fd);
    return same;
}

/* --- the package, for targets that do not have it installed ------------ */

/*
 * find_spec for the meta path finder that serves the package "hermetic"
 * from the directory the shim was loaded from.  It is the last finder, so
 * an installed hermetic always wins; its submodules are then found
 * through the package's __path__ as usual.
 */
static PyObject *
finder_find_spec(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    char dir[PATH_MAX], init[PATH_MAX + 16];
    PyObject *util, *spec;

    (void)self;
    if (nargs < 1 || !PyUnicode_Check(args[0]) ||
        PyUnicode_CompareWithASCIIString(args[0], "hermetic") != 0) {
        Py_RETURN_NONE;
    }
    snprintf(dir, sizeof(dir), "%s", hm.shim_path);
    snprintf(init, sizeof(init), "%s/__init__.py", dirname(dir));
    util = PyImport_ImportModule("importlib.util");
    if (util == NULL) {
        return NULL;
    }
    spec = PyObject_CallMethod(util, "spec_from_file_location", "Os", args[0],
                               init);
    Py_DECREF(util);
    if (spec != NULL) {
        PyObject *path = Py_BuildValue("[s]", dir);

        if (path == NULL ||
            PyObject_SetAttrString(spec, "submodule_search_locations", path) <
                0) {
            Py_CLEAR(spec);
        }
        Py_XDECREF(path);
    }
    return spec;
}

static PyMethodDef finder_def = {
    "find_spec", (PyCFunction)(void (*)(void))finder_find_spec, METH_FASTCALL,
    "Finds the package hermetic beside the loaded guard."};

int
hm_finder_install(void)
{
    PyObject *meta = PySys_GetObject("meta_path");
    PyObject *finder = PyModule_New("hermetic._finder");
    PyObject *fn = PyCFunction_New(&finder_def, NULL);
    int rc = -1;

    if (meta != NULL && PyList_Check(meta) && finder != NULL && fn != NULL &&
        PyModule_AddObject(finder, "find_spec", fn) == 0) {
        fn = NULL;
        rc = PyList_Append(meta, finder);
    }
    Py_XDECREF(fn);
    Py_XDECREF(finder);
    return rc;
}

/* --- before the interpreter: called by the shim -------------------------- */

/* Makes fs_root and allow_write canonical (SPEC: ROOT is resolved once,
 * when the policy is installed).  Returns 0, or -1 with a reason in err:
 * "fs_root: cannot resolve /x: No such file or directory". */
static int
resolve_paths(struct hm_policy *p, char *err, size_t errlen)
{
    char bad[PATH_MAX];
    int rc = hm_policy_resolve_paths(p, bad, sizeof(bad));

    if (rc == 0) {
        return 0;
    }
    snprintf(err, errlen, "%s: cannot resolve %s: %s",
             p->fs_root != NULL && strcmp(bad, p->fs_root) == 0
                 ? "fs_root"
                 : "allow_write",
             bad, strerror(-rc));
    return -1;
}

/*
 * Installs the policies of HERMETIC_FLAGS_JSON, permanently, and the audit
 * hook, before Py_Initialize; shim is the preload shim's own path.
 * Returns 0, or -1 with a reason in err.
 */
int
hermetic_preinit(const char *json, const char *shim, char *err, size_t errlen)
{
    struct hm_stack s = {0};
    unsigned long long id;
    struct hm_policy *keep;

    if (hm_stack_decode(json, strlen(json), &s, err, errlen) < 0) {
        return -1;
    }
    /* The shim that loaded this core names its own absolute path. */
    if (shim[0] == '/' && strlen(shim) < sizeof(hm.shim_path)) {
        memcpy(hm.shim_path, shim, strlen(shim) + 1);
    }
    if (find_shim() < 0) {
        snprintf(err, errlen, "cannot find the preload shim beside %s",
                 "hermetic._core");
        hm_stack_free(&s);
        return -1;
    }
    hm_output_adopt(&s.out);
    /* The entries keep pointing into s.v for the life of the process. */
    keep = s.v;
    hm.seal_all = s.seal_all;
    hm.from_env = 1;
    for (size_t i = 0; i < s.n; i++) {
        if (resolve_paths(&keep[i], err, errlen) < 0) {
            return -1;
        }
        if (keep[i].flags & HM_SEALED) {
            hm.seal_all = 1;
        }
        if (stack_push(&keep[i], NULL, 1, &id) < 0) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
    }
    if (hm_hook_install() < 0) {
        snprintf(err, errlen, "PySys_AddAuditHook failed");
        return -1;
    }
    if (hm_fs_preinit() < 0) {
        snprintf(err, errlen, "PyFile_SetOpenCodeHook failed");
        return -1;
    }
    return 0;
}

/* --- the Policy type ------------------------------------------------------
 */

typedef struct {
    PyObject_HEAD struct hm_policy policy;
} PolicyObject;

static void
policy_dealloc(PyObject *self)
{
    hm_policy_free(&((PolicyObject *)self)->policy);
    Py_TYPE(self)->tp_free(self);
}

static int
set_bool(struct hm_policy *p, const char *name, PyObject *value)
{
    if (!PyBool_Check(value)) {
        PyErr_Format(PyExc_TypeError, "%s must be True or False, not %.100s",
                     name, Py_TYPE(value)->tp_name);
        return -1;
    }
    hm_policy_set_bool(p, name, value == Py_True);
    return 0;
}

static int
add_item(struct hm_policy *p, const char *name, PyObject *item)
{
    PyObject *s = item;
    int rc;

    if (PyUnicode_Check(item)) {
        Py_INCREF(s);
    } else if (strcmp(name, "fs_root") == 0 ||
               strcmp(name, "allow_write") == 0) {
        s = PyOS_FSPath(item);
        if (s != NULL && !PyUnicode_Check(s)) {
            Py_SETREF(s, PyUnicode_DecodeFSDefaultAndSize(
                             PyBytes_AS_STRING(s), PyBytes_GET_SIZE(s)));
        }
        if (s == NULL) {
            return -1;
        }
    } else {
        PyErr_Format(PyExc_TypeError, "%s items must be str, not %.100s", name,
                     Py_TYPE(item)->tp_name);
        return -1;
    }
    rc = hm_policy_add(p, name, PyUnicode_AsUTF8(s));
    if (rc == -EINVAL) {
        PyErr_Format(PyExc_ValueError, "%s: invalid value: %R", name, s);
    } else if (rc < 0) {
        PyErr_NoMemory();
    }
    Py_DECREF(s);
    return rc < 0 ? -1 : 0;
}

static int
add_list(struct hm_policy *p, const char *name, PyObject *value)
{
    PyObject *it, *item;

    if (PyUnicode_Check(value) || PyBytes_Check(value)) {
        PyErr_Format(PyExc_TypeError,
                     "%s must be a list of str, not a single string", name);
        return -1;
    }
    it = PyObject_GetIter(value);
    if (it == NULL) {
        PyErr_Format(PyExc_TypeError, "%s must be a list of str, not %.100s",
                     name, Py_TYPE(value)->tp_name);
        return -1;
    }
    while ((item = PyIter_Next(it)) != NULL) {
        int rc = add_item(p, name, item);

        Py_DECREF(item);
        if (rc < 0) {
            Py_DECREF(it);
            return -1;
        }
    }
    Py_DECREF(it);
    return PyErr_Occurred() ? -1 : 0;
}

static int
add_profiles(struct hm_policy *p, PyObject *value)
{
    PyObject *list = PyUnicode_Check(value) ? PyTuple_Pack(1, value)
                                            : PySequence_Tuple(value);

    if (list == NULL) {
        PyErr_SetString(PyExc_TypeError,
                        "profile must be a str or a list of str");
        return -1;
    }
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(list); i++) {
        PyObject *name = PyTuple_GET_ITEM(list, i);
        const char *s = PyUnicode_Check(name) ? PyUnicode_AsUTF8(name) : NULL;

        if (s == NULL) {
            PyErr_SetString(PyExc_TypeError,
                            "profile must be a str or a list of str");
            Py_DECREF(list);
            return -1;
        }
        if (hm_policy_apply_profile(p, s) < 0) {
            PyErr_Format(PyExc_ValueError, "profile: unknown profile %R",
                         name);
            Py_DECREF(list);
            return -1;
        }
    }
    Py_DECREF(list);
    return 0;
}

/* kernel=True, False or "strict". */
static int
set_level(struct hm_policy *p, const char *name, PyObject *value)
{
    if (PyUnicode_Check(value) &&
        PyUnicode_CompareWithASCIIString(value, "strict") == 0) {
        return hm_policy_set_kernel(p, HM_KLEVEL_STRICT);
    }
    if (!PyBool_Check(value)) {
        PyErr_Format(PyExc_TypeError,
                     "%s must be True, False or \"strict\", not %R", name,
                     value);
        return -1;
    }
    return hm_policy_set_kernel(p, value == Py_True ? HM_KLEVEL_ON
                                                    : HM_KLEVEL_OFF);
}

static int
set_field(struct hm_policy *p, PyObject *key, PyObject *value)
{
    const char *name = PyUnicode_AsUTF8(key);
    const struct hm_field *f = name ? hm_field_find(name) : NULL;

    if (name != NULL && strcmp(name, "profile") == 0) {
        return add_profiles(p, value);
    }
    if (f == NULL) {
        PyErr_Format(PyExc_TypeError,
                     "hermetic_blocker() got an unexpected keyword "
                     "argument %R",
                     key);
        return -1;
    }
    switch (f->kind) {
    case HM_FIELD_BOOL:
        return set_bool(p, name, value);
    case HM_FIELD_LEVEL:
        return set_level(p, name, value);
    case HM_FIELD_PATH:
        return value == Py_None ? 0 : add_item(p, name, value);
    default:
        return add_list(p, name, value);
    }
}

static PyObject *
policy_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    PolicyObject *self;
    PyObject *key, *value;
    Py_ssize_t pos = 0;
    const char *unbuilt;
    char err[PATH_MAX + 128];

    if (PyTuple_GET_SIZE(args) != 0) {
        PyErr_SetString(PyExc_TypeError,
                        "hermetic_blocker() takes keyword arguments only");
        return NULL;
    }
    self = (PolicyObject *)type->tp_alloc(type, 0);
    if (self == NULL) {
        return NULL;
    }
    hm_policy_init(&self->policy);
    while (kwargs != NULL && PyDict_Next(kwargs, &pos, &key, &value)) {
        if (set_field(&self->policy, key, value) < 0) {
            Py_DECREF(self);
            return NULL;
        }
    }
    if ((self->policy.flags & HM_KERNEL) &&
        !(self->policy.flags & HM_SEALED)) {
        PyErr_SetString(PyExc_ValueError,
                        "kernel: needs sealed=True: the kernel's rules "
                        "cannot be removed when the blocker is left");
        Py_DECREF(self);
        return NULL;
    }
    unbuilt = hm_policy_unbuilt(&self->policy);
    if (unbuilt != NULL) {
        PyErr_Format(PyExc_ValueError,
                     "%s: this guard is not available in this version of "
                     "hermetic",
                     unbuilt);
        Py_DECREF(self);
        return NULL;
    }
    if (resolve_paths(&self->policy, err, sizeof(err)) < 0) {
        PyErr_SetString(PyExc_ValueError, err);
        Py_DECREF(self);
        return NULL;
    }
    return (PyObject *)self;
}

static PyObject *
policy_to_json(PyObject *self, PyObject *unused)
{
    const struct hm_policy *p = &((PolicyObject *)self)->policy;
    char *json = hm_stack_encode(&p, 1, 0);
    PyObject *r;

    (void)unused;
    if (json == NULL) {
        return PyErr_NoMemory();
    }
    r = PyUnicode_FromString(json);
    free(json);
    return r;
}

static PyMethodDef policy_methods[] = {
    {"to_json", policy_to_json, METH_NOARGS,
     "The policy as HERMETIC_FLAGS_JSON would carry it (a one-entry "
     "stack)."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject PolicyType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "hermetic._core.Policy",
    .tp_basicsize = sizeof(PolicyObject),
    .tp_dealloc = policy_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A validated, immutable policy (SPEC section 2).",
    .tp_new = policy_new,
    .tp_methods = policy_methods,
};

/* --- module functions ------------------------------------------------------
 */

/* After a failed push: puts back what the guards hid for it, keeping the
 * first error. */
static void
stack_sync_after_error(void)
{
    PyObject *type, *value, *tb;

    PyErr_Fetch(&type, &value, &tb);
    if (hm_env_sync() < 0 || hm_import_sync() < 0) {
        PyErr_Clear();
    }
    PyErr_Restore(type, value, tb);
}

/*
 * kernel=True: the kernel tier for the permanent entries and p, applied
 * before p is pushed, so a refusal leaves the stack as it was.
 * Non-permanent entries are left out: the kernel's rules outlive them.
 */
static int
kernel_apply(const struct hm_policy *p)
{
    const struct hm_policy **v;
    char dir[PATH_MAX], err[700];
    size_t n = 0;
    int rc;

    if (!(p->flags & HM_KERNEL)) {
        return 0;
    }
    v = calloc(hm.n + 1, sizeof(*v));
    if (v == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (size_t i = 0; i < hm.n; i++) {
        if (hm.v[i].permanent) {
            v[n++] = hm.v[i].p;
        }
    }
    v[n++] = p;
    snprintf(dir, sizeof(dir), "%s", hm.shim_path);
    rc = hm_kernel_apply(v, n, dirname(dir), err, sizeof(err));
    free(v);
    if (rc < 0) {
        /* err names the flag, "--kernel...": here it is the argument */
        PyErr_Format(PyExc_ValueError, "%s", err + 2);
    }
    return rc < 0 ? -1 : 0;
}

static PyObject *
core_push(PyObject *module, PyObject *arg)
{
    unsigned long long id;

    (void)module;
    if (!PyObject_TypeCheck(arg, &PolicyType)) {
        PyErr_SetString(PyExc_TypeError, "push() takes a Policy");
        return NULL;
    }
    if (find_shim() < 0) {
        PyErr_SetString(PyExc_RuntimeError,
                        "hermetic: the preload shim is missing beside "
                        "hermetic._core; reinstall hermetic");
        return NULL;
    }
    if (hm_hook_install() < 0 || hm_python_setup() < 0 ||
        kernel_apply(&((PolicyObject *)arg)->policy) < 0) {
        return NULL;
    }
    if (stack_push(&((PolicyObject *)arg)->policy, arg, 0, &id) < 0) {
        return PyErr_NoMemory();
    }
    if (hm_proc_setup() < 0 || hm_net_setup() < 0 || hm_fs_setup() < 0 ||
        hm_env_sync() < 0 || hm_import_sync() < 0 || hm_code_sync() < 0 ||
        hm_interp_latch() < 0) {
        stack_remove(id);
        stack_sync_after_error();
        return NULL;
    }
    if (hm.mask & HM_FS_READONLY) {
        hm_fs_latch();
    }
    return PyLong_FromUnsignedLongLong(id);
}

static PyObject *
core_remove(PyObject *module, PyObject *arg)
{
    unsigned long long id = PyLong_AsUnsignedLongLong(arg);

    (void)module;
    if (id == (unsigned long long)-1 && PyErr_Occurred()) {
        return NULL;
    }
    if (!stack_remove(id)) {
        Py_RETURN_FALSE;
    }
    if (hm_env_sync() < 0 || hm_import_sync() < 0 || hm_interp_latch() < 0) {
        return NULL;
    }
    Py_RETURN_TRUE;
}

static PyObject *
core_active(PyObject *module, PyObject *unused)
{
    const char *json = hm_stack_json();

    (void)module;
    (void)unused;
    if (json == NULL) {
        if (PyErr_Occurred()) {
            return NULL;
        }
        Py_RETURN_NONE;
    }
    return PyUnicode_FromString(json);
}

static PyObject *
core_violations(PyObject *module, PyObject *unused)
{
    (void)module;
    (void)unused;
    return hm_record_list();
}

static PyObject *
core_clear_violations(PyObject *module, PyObject *unused)
{
    (void)module;
    (void)unused;
    hm_record_clear();
    Py_RETURN_NONE;
}

static PyMethodDef core_methods[] = {
    {"push", core_push, METH_O,
     "push(policy) -> id: make a policy active for the whole process."},
    {"remove", core_remove, METH_O,
     "remove(id) -> bool: remove that policy unless it is permanent."},
    {"active", core_active, METH_NOARGS,
     "active() -> str | None: the active stack as HERMETIC_FLAGS_JSON."},
    {"violations", core_violations, METH_NOARGS,
     "violations() -> (count, [(guard, target, message, trace_line), ...]): "
     "violations since the last clear, and the last 64 of them."},
    {"clear_violations", core_clear_violations, METH_NOARGS,
     "clear_violations(): forget the recorded violations."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef core_module = {
    PyModuleDef_HEAD_INIT,
    "hermetic._core",
    "The C core of hermetic: policies, the audit hook and the guards.",
    -1,
    core_methods,
};

static PyObject *core_module_object;

/* FIELDS: ((name, cli option, kind), ...) from hm_fields, so the Python
 * side (configuration files, the pytest plugin) never lists them again. */
static PyObject *
fields_tuple(void)
{
    static const char *const kinds[] = {"bool", "list", "path", "level"};
    size_t n = 0;
    PyObject *t;

    while (hm_fields[n].name != NULL) {
        n++;
    }
    t = PyTuple_New((Py_ssize_t)n);
    for (size_t i = 0; t != NULL && i < n; i++) {
        const struct hm_field *f = &hm_fields[i];
        PyObject *item =
            Py_BuildValue("(sss)", f->name, f->cli, kinds[f->kind]);

        if (item == NULL) {
            Py_CLEAR(t);
            break;
        }
        PyTuple_SET_ITEM(t, (Py_ssize_t)i, item);
    }
    return t;
}

/* PROFILES: the names of the built-in profiles. */
static PyObject *
profiles_tuple(void)
{
    size_t n = 0;
    PyObject *t;

    while (hm_profile_names[n] != NULL) {
        n++;
    }
    t = PyTuple_New((Py_ssize_t)n);
    for (size_t i = 0; t != NULL && i < n; i++) {
        PyObject *name = PyUnicode_FromString(hm_profile_names[i]);

        if (name == NULL) {
            Py_CLEAR(t);
            break;
        }
        PyTuple_SET_ITEM(t, (Py_ssize_t)i, name);
    }
    return t;
}

static int
add_tables(PyObject *m)
{
    PyObject *fields = fields_tuple();
    PyObject *profiles = profiles_tuple();
    int rc = -1;

    if (fields != NULL && profiles != NULL &&
        PyModule_AddObject(m, "FIELDS", fields) == 0) {
        fields = NULL;
        if (PyModule_AddObject(m, "PROFILES", profiles) == 0) {
            profiles = NULL;
            rc = 0;
        }
    }
    Py_XDECREF(fields);
    Py_XDECREF(profiles);
    return rc;
}

/*
 * One core per process.  When the shim loaded a core from another
 * installation before this one, hand out that core's module, so there is
 * one stack and one set of exception classes.
 */
struct hm_anchor {
    PyObject *(*init)(void);
};

static PyObject *init_here(void);

__attribute__((visibility(
    "default"))) struct hm_anchor hermetic_core_anchor = {init_here};

static PyObject *
init_here(void)
{
    PyObject *m;

    if (core_module_object != NULL) {
        Py_INCREF(core_module_object);
        return core_module_object;
    }
    hm_output_default();
    if (PyType_Ready(&PolicyType) < 0) {
        return NULL;
    }
    m = PyModule_Create(&core_module);
    if (m == NULL || hm_errors_init(m) < 0) {
        Py_XDECREF(m);
        return NULL;
    }
    Py_INCREF(&PolicyType);
    if (PyModule_AddObject(m, "Policy", (PyObject *)&PolicyType) < 0 ||
        PyModule_AddStringConstant(m, "__version__", HM_VERSION) < 0 ||
        add_tables(m) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    core_module_object = m;
    Py_INCREF(m);
    return m;
}

PyMODINIT_FUNC
PyInit__core(void)
{
    struct hm_anchor *first = dlsym(RTLD_DEFAULT, "hermetic_core_anchor");

    if (first != NULL && first != &hermetic_core_anchor) {
        return first->init();
    }
    return init_here();
}
