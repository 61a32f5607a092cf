/*
 * nativeguard.c: the native guard (SPEC section 3, "Native code"):
 * extension modules from outside the interpreter's own lib-dynload, and
 * libraries or symbols through an already-imported ctypes or cffi.  The
 * FFI modules themselves are refused at import (importguard.c).
 * hermetic's own core, the file already loaded, stays importable.
 */
#include "hook.h"

#include <dlfcn.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char dynload[PATH_MAX]; /* realpath of lib-dynload, or "" */
static int dynload_known;
static struct stat self_file; /* this core's file; st_ino 0 if unknown */
static int self_known;

static int
block_native(const char *what, const char *api, const char *key,
             const char *value)
{
    struct hm_block b = {0};
    char message[PATH_MAX + 64];

    snprintf(message, sizeof(message), "native %s blocked: %s", what, value);
    b.guard = "native";
    b.message = message;
    b.target = value;
    b.api = api;
    b.key = key;
    b.value = value;
    b.vlen = strlen(value);
    b.reason = "block-native";
    return hm_block(&b);
}

/*
 * The interpreter's own extension directory: lib-dynload under the base
 * installation (a venv's base, not the venv), found from sys rather than
 * from sys.path, which the guarded code can change.  Computed once, at
 * the first extension load, when sys is complete even during start-up.
 */
static void
dynload_find(void)
{
    PyObject *prefix = PySys_GetObject("base_exec_prefix");
    PyObject *libdir = PySys_GetObject("platlibdir");
    char path[PATH_MAX];
    const char *p, *l;

    dynload_known = 1;
    if (prefix == NULL || libdir == NULL || !PyUnicode_Check(prefix) ||
        !PyUnicode_Check(libdir) || (p = PyUnicode_AsUTF8(prefix)) == NULL ||
        (l = PyUnicode_AsUTF8(libdir)) == NULL) {
        PyErr_Clear();
        return;
    }
    snprintf(path, sizeof(path), "%s/%s/python%d.%d/lib-dynload", p, l,
             PY_MAJOR_VERSION, PY_MINOR_VERSION);
    if (realpath(path, dynload) == NULL) {
        dynload[0] = '\0';
    }
}

/*
 * 1 when the file lies directly in the interpreter's lib-dynload and is
 * named by its canonical path.  The path is loaded after this check: a
 * path through a symbolic link could be pointed elsewhere in between, so
 * only a path with no link in it passes.
 * XXX: a process that can write lib-dynload or a directory above it
 * (root without --fs-readonly) can still plant or swap a module there.
 */
static int
in_dynload(const char *file)
{
    char real[PATH_MAX], dir[PATH_MAX];

    if (!dynload_known) {
        dynload_find();
    }
    if (dynload[0] == '\0' || realpath(file, real) == NULL ||
        strcmp(real, file) != 0) {
        return 0;
    }
    strcpy(dir, real);
    return strcmp(dirname(dir), dynload) == 0;
}

/*
 * 1 when file is the very file this core was loaded from (same device and
 * inode, so a copy or another installation's core does not count): hermetic
 * importing its own extension, which the process has already mapped, is
 * not new native code.  Judged by the file, never by the module's name.
 */
static int
is_self(const char *file)
{
    struct stat st;

    if (!self_known) {
        Dl_info info;

        self_known = 1;
        if (dladdr((void *)dynload, &info) == 0 || info.dli_fname == NULL ||
            stat(info.dli_fname, &self_file) < 0) {
            self_file.st_ino = 0;
        }
    }
    return self_file.st_ino != 0 && stat(file, &st) == 0 &&
           st.st_dev == self_file.st_dev && st.st_ino == self_file.st_ino;
}

/* An extension module being loaded from filename ("import" event). */
int
hm_native_load(PyObject *name, PyObject *filename)
{
    PyObject *path;
    const char *n;
    int rc = 0;

    if (!(hm.mask & HM_BLOCK_NATIVE) || !PyUnicode_Check(name)) {
        return 0;
    }
    path = PyUnicode_EncodeFSDefault(filename);
    if (path == NULL || (n = PyUnicode_AsUTF8(name)) == NULL) {
        Py_XDECREF(path);
        return -1;
    }
    if (!in_dynload(PyBytes_AS_STRING(path)) &&
        !is_self(PyBytes_AS_STRING(path))) {
        rc = block_native("import", "native import", "spec", n);
    }
    Py_DECREF(path);
    return rc;
}

/* ctypes.dlopen (name,), ctypes.dlsym (lib, name), ctypes.dlsym/handle. */
int
hm_native_event(enum hm_event_kind kind, const char *event, PyObject *args)
{
    (void)event;
    (void)args;
    if (!(hm.mask & HM_BLOCK_NATIVE)) {
        return 0;
    }
    return block_native("interface", "native interface", "name",
                        kind == EV_DLOPEN ? "ctypes.CDLL" : "ctypes.dlsym");
}

/* --- cffi: no audit events, so its loaders are replaced in place ------ */

static struct hm_patch p_load_library = {"_cffi_backend", "load_library"};
static struct hm_patch p_ffi_dlopen = {"_cffi_backend", "FFI.dlopen"};

static PyObject *
cffi_guard(struct hm_patch *p, PyObject *self, PyObject *const *args,
           Py_ssize_t nargs, PyObject *kwnames)
{
    if ((hm.mask & HM_BLOCK_NATIVE) &&
        block_native("interface", "native interface", "name",
                     p == &p_ffi_dlopen ? "cffi.FFI.dlopen"
                                        : "cffi.load_library") < 0) {
        return NULL;
    }
    return hm_patch_call(p, self, args, nargs, kwnames);
}

HM_PATCH_THUNKS(load_library, cffi_guard, p_load_library)
HM_PATCH_THUNKS(ffi_dlopen, cffi_guard, p_ffi_dlopen)

/*
 * Called while a policy refuses imports, before the FFI modules leave
 * sys.modules: an already-imported cffi gets its loaders replaced.  A
 * cffi imported later is refused at import.
 */
int
hm_native_setup(void)
{
    PyObject *modules = PyImport_GetModuleDict();
    PyObject *cffi;

    if (!(hm.mask & HM_BLOCK_NATIVE) || p_load_library.def != NULL) {
        return 0;
    }
    cffi = PyDict_GetItemString(modules, "_cffi_backend");
    if (cffi == NULL) {
        return 0;
    }
    if (hm_patch_apply(&p_load_library, HM_THUNKS(load_library)) < 0 ||
        hm_patch_apply(&p_ffi_dlopen, HM_THUNKS(ffi_dlopen)) < 0) {
        return -1;
    }
    return 0;
}
