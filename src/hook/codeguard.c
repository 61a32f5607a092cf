/*
 * codeguard.c: the dynamic code guard (SPEC section 3, "Dynamic code").
 *
 * compile, exec and eval are replaced in place (patch.c), so the guard
 * sees their arguments (compile's flags: ast.parse produces no code) and
 * references captured before are covered.  marshal and code objects built
 * by hand are judged at their audit events.
 *
 * Who may run new code is decided by what is asked and by code identity:
 * the frame that calls compile/exec/eval must be one of a small set of
 * code objects captured from the import system and from the standard
 * library's code generators, and for the import system the loader must
 * read its source from disk.  Names, file names and audit events can be
 * forged by the guarded code; code objects cannot, since building one is
 * refused.
 */
#include "hook.h"

#if PY_VERSION_HEX < 0x030B0000
#include <frameobject.h> /* PyFrame_GetBack: not in Python.h before 3.11 */
#endif

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* What a captured code object is allowed to do. */
enum role {
    R_NONE,
    R_GENERATOR,          /* namedtuple, dataclasses, site.addpackage */
    R_COMPILE_ONLY,       /* typing.ForwardRef.__init__: compiles only */
    R_CODE_FLAGS,         /* types.coroutine: sets a flag of a function */
    R_CWFR,               /* importlib._bootstrap._call_with_frames_removed */
    R_LOAD_UNLOCKED,      /* importlib._bootstrap._load_unlocked */
    R_FROZEN_EXEC,        /* FrozenImporter.exec_module */
    R_EXEC_MODULE,        /* _LoaderBasics.exec_module */
    R_SOURCE_GET_CODE,    /* SourceLoader.get_code */
    R_SOURCELESS_CODE,    /* SourcelessFileLoader.get_code */
    R_SOURCE_TO_CODE,     /* SourceLoader.source_to_code */
    R_COMPILE_BYTECODE,   /* _bootstrap_external._compile_bytecode */
    R_RUN_CODE,           /* runpy._run_code */
    R_RUN_MODULE_AS_MAIN, /* runpy._run_module_as_main */
    R_RUN_MODULE,         /* runpy.run_module */
    R_RUN_PATH,           /* runpy.run_path */
};

/* Standard-library functions captured when their module is loaded.
 * attr is looked up in a loaded module, or followed through the module
 * code's constants ("C.m": method m in the body of class C). */
struct watch {
    const char *module;
    const char *file; /* relative to the standard library directory */
    const char *attr;
    enum role role;
};

static const struct watch watches[] = {
    {"collections", "collections/__init__.py", "namedtuple", R_GENERATOR},
    {"dataclasses", "dataclasses.py", "_create_fn", R_GENERATOR},
    {"dataclasses", "dataclasses.py", "_FuncBuilder.add_fns_to_class",
     R_GENERATOR},
    {"site", "site.py", "addpackage", R_GENERATOR},
    {"typing", "typing.py", "ForwardRef.__init__", R_COMPILE_ONLY},
    {"types", "types.py", "coroutine", R_CODE_FLAGS},
    {"runpy", "runpy.py", "_run_code", R_RUN_CODE},
    {"runpy", "runpy.py", "_run_module_as_main", R_RUN_MODULE_AS_MAIN},
    {"runpy", "runpy.py", "run_module", R_RUN_MODULE},
    {"runpy", "runpy.py", "run_path", R_RUN_PATH},
};

#define NWATCH (sizeof(watches) / sizeof(watches[0]))
#define MAX_KNOWN 128
#define MAX_DEPTH 64 /* frames walked to name or authorize an action */

/* Strong references: a captured code object is never freed, so its
 * address cannot be reused by another one. */
static struct {
    PyObject *code;
    enum role role;
} known[MAX_KNOWN];
static size_t nknown;

/* The import system's functions whose binding to a loader is checked. */
static PyObject *fn_get_data;       /* FileLoader.get_data */
static PyObject *fn_get_code;       /* SourceLoader.get_code */
static PyObject *fn_sourceless;     /* SourcelessFileLoader.get_code */
static PyObject *fn_source_to_code; /* SourceLoader.source_to_code */

/* The next frameless compile is the main program's (see main_event). */
static int expect_main;

static enum role
role_of(PyObject *code)
{
    for (size_t i = 0; i < nknown; i++) {
        if (known[i].code == code) {
            return known[i].role;
        }
    }
    return R_NONE;
}

static void
remember(PyObject *code, enum role role)
{
    if (!PyCode_Check(code) || role_of(code) != R_NONE ||
        nknown == MAX_KNOWN) {
        return;
    }
    Py_INCREF(code);
    known[nknown].code = code;
    known[nknown++].role = role;
}

/* --- frames ------------------------------------------------------------- */

static enum role
frame_role(PyFrameObject *f)
{
    PyCodeObject *code;
    enum role r;

    if (f == NULL) {
        return R_NONE;
    }
    code = PyFrame_GetCode(f);
    r = role_of((PyObject *)code);
    Py_DECREF(code);
    return r;
}

/* A local variable of a frame (new reference), or NULL without an error. */
static PyObject *
frame_local(PyFrameObject *f, const char *name)
{
    PyObject *locals = PyObject_GetAttrString((PyObject *)f, "f_locals");
    PyObject *key = PyUnicode_FromString(name);
    PyObject *value = NULL;

    if (locals != NULL && key != NULL) {
        value = PyObject_GetItem(locals, key);
    }
    Py_XDECREF(locals);
    Py_XDECREF(key);
    if (value == NULL) {
        PyErr_Clear();
    }
    return value;
}

/* The frame's globals, borrowed through the frame (which the caller
 * holds). */
static PyObject *
frame_globals(PyFrameObject *f)
{
    PyObject *g = PyObject_GetAttrString((PyObject *)f, "f_globals");

    if (g == NULL) {
        PyErr_Clear();
        return NULL;
    }
    Py_DECREF(g);
    return g;
}

/* 1 when obj.name is a method bound to obj whose function is fn. */
static int
bound_to(PyObject *obj, const char *name, PyObject *fn)
{
    PyObject *m = PyObject_GetAttrString(obj, name);
    int ok;

    if (m == NULL) {
        PyErr_Clear();
        return 0;
    }
    ok = fn != NULL && PyMethod_Check(m) && PyMethod_GET_FUNCTION(m) == fn &&
         PyMethod_GET_SELF(m) == obj;
    Py_DECREF(m);
    return ok;
}

/*
 * A loader whose code can only come from files: the standard library's
 * get_code reading through FileLoader.get_data, neither overridden by a
 * subclass nor shadowed on the instance.
 */
static int
trusted_loader(PyObject *loader)
{
    if (loader == NULL || !bound_to(loader, "get_data", fn_get_data)) {
        return 0;
    }
    if (bound_to(loader, "get_code", fn_sourceless)) {
        return 1;
    }
    return bound_to(loader, "get_code", fn_get_code) &&
           bound_to(loader, "source_to_code", fn_source_to_code);
}

static int
frame_self_trusted(PyFrameObject *f)
{
    PyObject *self = frame_local(f, "self");
    int ok = trusted_loader(self);

    Py_XDECREF(self);
    return ok;
}

/* --- what the import system may do ------------------------------------- */

/* compile <- _call_with_frames_removed <- source_to_code <- get_code of a
 * trusted loader: a module's source read from its file. */
static int
source_compile_ok(PyFrameObject *cwfr)
{
    PyFrameObject *s2c = PyFrame_GetBack(cwfr);
    PyFrameObject *get_code = s2c != NULL ? PyFrame_GetBack(s2c) : NULL;
    int ok = frame_role(s2c) == R_SOURCE_TO_CODE &&
             frame_role(get_code) == R_SOURCE_GET_CODE &&
             frame_self_trusted(get_code);

    Py_XDECREF(s2c);
    Py_XDECREF(get_code);
    return ok;
}

/* exec <- _call_with_frames_removed <- exec_module of a trusted loader.
 * Returns the loader (new reference) or NULL. */
static PyObject *
module_exec_loader(PyFrameObject *cwfr)
{
    PyFrameObject *em = PyFrame_GetBack(cwfr);
    PyObject *self = NULL;

    if (frame_role(em) == R_EXEC_MODULE) {
        self = frame_local(em, "self");
        if (!trusted_loader(self)) {
            Py_CLEAR(self);
        }
    }
    Py_XDECREF(em);
    return self;
}

/* marshal <- _compile_bytecode <- get_code of a trusted loader. */
static int
bytecode_ok(PyFrameObject *cb)
{
    PyFrameObject *gc = PyFrame_GetBack(cb);
    enum role r = frame_role(gc);
    int ok = (r == R_SOURCE_GET_CODE || r == R_SOURCELESS_CODE) &&
             frame_self_trusted(gc);

    Py_XDECREF(gc);
    return ok;
}

/* marshal <- _call_with_frames_removed <- FrozenImporter.exec_module:
 * _imp.get_frozen_object unmarshals code frozen into the interpreter
 * (Python 3.13 fires marshal.loads for it). */
static int
frozen_ok(PyFrameObject *cwfr)
{
    PyFrameObject *em = PyFrame_GetBack(cwfr);
    int ok = frame_role(em) == R_FROZEN_EXEC;

    Py_XDECREF(em);
    return ok;
}

/* 1 when f is the outermost frame of its thread, or NULL. */
static int
outermost(PyFrameObject *f)
{
    PyFrameObject *back = f != NULL ? PyFrame_GetBack(f) : NULL;

    Py_XDECREF(back);
    return back == NULL;
}

/*
 * exec <- runpy._run_code <- _run_module_as_main called by the
 * interpreter (python -m) or by the outermost frame (hermetic's own -c
 * bootstrap), for a module a trusted loader read from disk.
 */
static int
run_as_main_ok(PyFrameObject *run_code)
{
    PyFrameObject *ram = PyFrame_GetBack(run_code);
    PyFrameObject *caller = ram != NULL ? PyFrame_GetBack(ram) : NULL;
    PyObject *spec = NULL, *loader = NULL;
    int ok = 0;

    if (frame_role(ram) == R_RUN_MODULE_AS_MAIN && outermost(caller)) {
        spec = frame_local(run_code, "mod_spec");
        loader = spec != NULL ? PyObject_GetAttrString(spec, "loader") : NULL;
        PyErr_Clear();
        ok = trusted_loader(loader);
    }
    Py_XDECREF(spec);
    Py_XDECREF(loader);
    Py_XDECREF(ram);
    Py_XDECREF(caller);
    return ok;
}

/* --- import hooks of other packages (pytest's assertion rewriting) ----- */

/* The innermost _load_unlocked frame above f (new reference), or NULL. */
static PyFrameObject *
find_load(PyFrameObject *f)
{
    PyFrameObject *cur = f;

    Py_INCREF(cur);
    for (int depth = 0; cur != NULL && depth < MAX_DEPTH; depth++) {
        PyFrameObject *back;

        if (frame_role(cur) == R_LOAD_UNLOCKED) {
            return cur;
        }
        back = PyFrame_GetBack(cur);
        Py_DECREF(cur);
        cur = back;
    }
    Py_XDECREF(cur);
    return NULL;
}

static int
in_meta_path(PyObject *loader)
{
    PyObject *meta = PySys_GetObject("meta_path");

    if (meta == NULL || !PyList_Check(meta)) {
        return 0;
    }
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(meta); i++) {
        if (PyList_GET_ITEM(meta, i) == loader) {
            return 1;
        }
    }
    return 0;
}

/* 1 when f runs in the module of the loader's own exec_module. */
static int
runs_in_loader_module(PyFrameObject *f, PyObject *loader)
{
    PyObject *em =
        PyObject_GetAttrString((PyObject *)Py_TYPE(loader), "exec_module");
    int ok;

    if (em == NULL) {
        PyErr_Clear();
        return 0;
    }
    ok =
        PyFunction_Check(em) && PyFunction_GET_GLOBALS(em) == frame_globals(f);
    Py_DECREF(em);
    return ok;
}

/* 1 when no frame from f up to (not including) load runs in the module
 * being loaded: its own code has not started. */
static int
module_not_started(PyFrameObject *f, PyFrameObject *load)
{
    PyObject *module = frame_local(load, "module");
    PyObject *dict = module != NULL && PyModule_Check(module)
                         ? PyModule_GetDict(module)
                         : NULL;
    PyFrameObject *cur = f;
    int ok = 1;

    Py_INCREF(cur);
    while (cur != NULL && cur != load) {
        PyFrameObject *back = PyFrame_GetBack(cur);

        ok &= dict == NULL || frame_globals(cur) != dict;
        Py_DECREF(cur);
        cur = back;
    }
    Py_XDECREF(cur);
    Py_XDECREF(module);
    return ok;
}

static int
same_origin(PyObject *spec, PyObject *filename)
{
    PyObject *origin = PyObject_GetAttrString(spec, "origin");
    int same;

    if (origin == NULL) {
        PyErr_Clear();
        return 0;
    }
    same = PyUnicode_Check(origin) && PyUnicode_Check(filename) &&
           PyUnicode_Compare(origin, filename) == 0;
    Py_DECREF(origin);
    return same;
}

/*
 * An import hook on sys.meta_path (pytest's assertion rewriting) building
 * the code of the module it is importing: called from the hook's own
 * module, inside _load_unlocked of a spec whose loader is that hook,
 * before the module's own code runs, and for compile under the module's
 * file name.
 *
 * XXX: a function made with types.FunctionType(code, hook_globals) and
 * run from an audit hook or a trace function during such an import looks
 * like the hook; it needs a code object made before the guard.
 */
static int
import_hook_ok(PyFrameObject *f, PyObject *filename)
{
    PyFrameObject *load = find_load(f);
    PyObject *spec = load != NULL ? frame_local(load, "spec") : NULL;
    PyObject *loader = NULL;
    int ok = 0;

    if (spec != NULL) {
        loader = PyObject_GetAttrString(spec, "loader");
        PyErr_Clear();
    }
    if (loader != NULL && in_meta_path(loader) &&
        runs_in_loader_module(f, loader) && module_not_started(f, load)) {
        ok = filename == NULL || same_origin(spec, filename);
    }
    Py_XDECREF(loader);
    Py_XDECREF(spec);
    Py_XDECREF(load);
    return ok;
}

/* --- verdicts ----------------------------------------------------------- */

enum verdict { V_BLOCK, V_ALLOW, V_IMPORT };

/* runpy.run_path or run_module when one of them is above f, else what. */
static const char *
action_name(PyFrameObject *f, const char *what)
{
    PyFrameObject *cur = f;
    const char *name = what;

    Py_XINCREF(cur);
    for (int depth = 0; cur != NULL && depth < MAX_DEPTH; depth++) {
        PyFrameObject *back;
        enum role r = frame_role(cur);

        if (r == R_RUN_PATH || r == R_RUN_MODULE) {
            name = r == R_RUN_PATH ? "runpy.run_path" : "runpy.run_module";
            break;
        }
        back = PyFrame_GetBack(cur);
        Py_DECREF(cur);
        cur = back;
    }
    Py_XDECREF(cur);
    return name;
}

static int
block_code(const char *what)
{
    struct hm_block b = {0};
    char message[96];

    snprintf(message, sizeof(message), "dynamic code execution disabled: %s",
             what);
    b.guard = "code_exec";
    b.message = message;
    b.target = what;
    b.api = what;
    b.reason = "no-code-exec";
    return hm_block(&b);
}

/*
 * Judges compile (filename given), exec/eval (source given) or marshal
 * (neither) called from frame f.  For an exec the import system runs, the
 * trusted loader is returned in *loader (new reference; NULL for a frozen
 * module).
 */
static enum verdict
judge(PyFrameObject *f, int is_compile, int is_marshal, PyObject *filename,
      PyObject **loader)
{
    switch (frame_role(f)) {
    case R_GENERATOR:
        return is_marshal ? V_BLOCK : V_ALLOW;
    case R_COMPILE_ONLY:
        return is_compile ? V_ALLOW : V_BLOCK;
    case R_FROZEN_EXEC:
        return is_compile || is_marshal ? V_BLOCK : V_IMPORT;
    case R_COMPILE_BYTECODE:
        return is_marshal && bytecode_ok(f) ? V_ALLOW : V_BLOCK;
    case R_RUN_CODE:
        return !is_compile && !is_marshal && run_as_main_ok(f) ? V_ALLOW
                                                               : V_BLOCK;
    case R_CWFR:
        if (is_compile) {
            return source_compile_ok(f) ? V_ALLOW : V_BLOCK;
        }
        if (is_marshal) {
            return frozen_ok(f) ? V_ALLOW : V_BLOCK;
        }
        *loader = module_exec_loader(f);
        return *loader != NULL ? V_IMPORT : V_BLOCK;
    default:
        break;
    }
    return import_hook_ok(f, is_compile ? filename : NULL) ? V_ALLOW : V_BLOCK;
}

/* --- capturing the standard library's generators ------------------------ */

static char stdlib_dir[PATH_MAX]; /* realpath, or "" when unknown */
static int stdlib_known;

static void
stdlib_find(void)
{
    PyObject *prefix = PySys_GetObject("base_prefix");
    PyObject *libdir = PySys_GetObject("platlibdir");
    char path[PATH_MAX];
    const char *p, *l;

    stdlib_known = 1;
    if (prefix == NULL || libdir == NULL || !PyUnicode_Check(prefix) ||
        !PyUnicode_Check(libdir) || (p = PyUnicode_AsUTF8(prefix)) == NULL ||
        (l = PyUnicode_AsUTF8(libdir)) == NULL) {
        PyErr_Clear();
        return;
    }
    snprintf(path, sizeof(path), "%s/%s/python%d.%d", p, l, PY_MAJOR_VERSION,
             PY_MINOR_VERSION);
    if (realpath(path, stdlib_dir) == NULL) {
        stdlib_dir[0] = '\0';
    }
}

/* 1 when path (str) is the standard library's file rel. */
static int
is_stdlib_file(PyObject *path, const char *rel)
{
    char want[PATH_MAX], real[PATH_MAX];
    const char *s;
    int n;

    if (!stdlib_known) {
        stdlib_find();
    }
    if (stdlib_dir[0] == '\0' || path == NULL || !PyUnicode_Check(path) ||
        (s = PyUnicode_AsUTF8(path)) == NULL) {
        PyErr_Clear();
        return 0;
    }
    n = snprintf(want, sizeof(want), "%s/%s", stdlib_dir, rel);
    if (n < 0 || (size_t)n >= sizeof(want)) {
        return 0; /* a cut path could name another file */
    }
    return realpath(s, real) != NULL && strcmp(real, want) == 0;
}

/* Remembers the code object at the dotted path among code's constants:
 * "f" is a function of the module, "C.m" a method in class C's body. */
static void
capture_consts(PyObject *code, const char *path, enum role role)
{
    const char *dot = strchr(path, '.');
    size_t len = dot != NULL ? (size_t)(dot - path) : strlen(path);
    PyObject *consts = PyObject_GetAttrString(code, "co_consts");

    if (consts == NULL || !PyTuple_Check(consts)) {
        Py_XDECREF(consts);
        PyErr_Clear();
        return;
    }
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(consts); i++) {
        PyObject *c = PyTuple_GET_ITEM(consts, i);
        PyObject *n =
            PyCode_Check(c) ? PyObject_GetAttrString(c, "co_name") : NULL;
        const char *s = n != NULL ? PyUnicode_AsUTF8(n) : NULL;

        if (s != NULL && strlen(s) == len && strncmp(s, path, len) == 0) {
            if (dot == NULL) {
                remember(c, role);
            } else {
                capture_consts(c, dot + 1, role);
            }
        }
        Py_XDECREF(n);
        PyErr_Clear();
    }
    Py_DECREF(consts);
}

/*
 * The import system is about to run a module's code: if it is one of the
 * watched standard-library modules, read from the standard library's own
 * file (or frozen into the interpreter), its generators are captured from
 * the code's constants before anything can replace them.
 */
static void
capture_module(PyObject *code, PyObject *globals, PyObject *loader)
{
    PyObject *name, *path = NULL;

    if (!PyCode_Check(code) || !PyDict_Check(globals)) {
        return;
    }
    name = PyDict_GetItemString(globals, "__name__");
    if (name == NULL || !PyUnicode_Check(name)) {
        return;
    }
    for (size_t i = 0; i < NWATCH; i++) {
        if (PyUnicode_CompareWithASCIIString(name, watches[i].module) != 0) {
            continue;
        }
        if (loader != NULL && path == NULL) {
            path = PyObject_GetAttrString(loader, "path");
            PyErr_Clear();
        }
        if (loader == NULL || is_stdlib_file(path, watches[i].file)) {
            capture_consts(code, watches[i].attr, watches[i].role);
        }
    }
    Py_XDECREF(path);
}

/* 1 when a loaded module came from the standard library's file, or is
 * frozen into the interpreter. */
static int
loaded_from_stdlib(PyObject *mod, const char *file)
{
    PyObject *path = PyObject_GetAttrString(mod, "__file__");
    PyObject *spec = PyObject_GetAttrString(mod, "__spec__");
    PyObject *origin =
        spec != NULL ? PyObject_GetAttrString(spec, "origin") : NULL;
    int ok;

    PyErr_Clear();
    ok = is_stdlib_file(path, file) ||
         (origin != NULL && PyUnicode_Check(origin) &&
          PyUnicode_CompareWithASCIIString(origin, "frozen") == 0);
    Py_XDECREF(path);
    Py_XDECREF(spec);
    Py_XDECREF(origin);
    return ok;
}

/* Captures from a module already loaded, looked up by dotted attr. */
static void
capture_loaded(const struct watch *w)
{
    PyObject *name = PyUnicode_FromString(w->module);
    PyObject *mod = name != NULL ? PyImport_GetModule(name) : NULL;
    char part[64];
    const char *s = w->attr;

    Py_XDECREF(name);
    PyErr_Clear();
    if (mod != NULL && !loaded_from_stdlib(mod, w->file)) {
        Py_CLEAR(mod);
    }
    while (mod != NULL) {
        const char *dot = strchr(s, '.');
        size_t len = dot != NULL ? (size_t)(dot - s) : strlen(s);

        snprintf(part, sizeof(part), "%.*s", (int)len, s);
        Py_SETREF(mod, PyObject_GetAttrString(mod, part));
        if (dot == NULL) {
            break;
        }
        s = dot + 1;
    }
    PyErr_Clear();
    if (mod != NULL && PyFunction_Check(mod)) {
        remember(PyFunction_GET_CODE(mod), w->role);
    }
    Py_XDECREF(mod);
}

/* --- the replaced builtins ---------------------------------------------- */

static struct hm_patch p_compile = {"builtins", "compile"};
static struct hm_patch p_exec = {"builtins", "exec"};
static struct hm_patch p_eval = {"builtins", "eval"};

/* The flags argument of compile, or 0. */
static long
compile_flags(PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    Py_ssize_t i = hm_arg_index(nargs, kwnames, 3, "flags");
    long flags;

    if (i < 0 || !PyLong_Check(args[i])) {
        return 0;
    }
    flags = PyLong_AsLong(args[i]);
    if (flags == -1 && PyErr_Occurred()) {
        PyErr_Clear();
        return 0;
    }
    return flags;
}

static PyObject *
guarded_compile(struct hm_patch *p, PyObject *self, PyObject *const *args,
                Py_ssize_t nargs, PyObject *kwnames)
{
    PyFrameObject *f = PyEval_GetFrame();
    PyObject *loader = NULL;
    Py_ssize_t fi;

    /* ast.parse: an AST is not code. */
    if (!(hm.mask & HM_BLOCK_CODE_EXEC) ||
        (compile_flags(args, nargs, kwnames) & PyCF_ONLY_AST)) {
        return hm_patch_call(p, self, args, nargs, kwnames);
    }
    fi = hm_arg_index(nargs, kwnames, 1, "filename");
    /* hm_block returns 0 when only observing policies refuse. */
    if ((f == NULL ||
         judge(f, 1, 0, fi >= 0 ? args[fi] : NULL, &loader) == V_BLOCK) &&
        block_code(action_name(f, "compile")) < 0) {
        return NULL;
    }
    return hm_patch_call(p, self, args, nargs, kwnames);
}

static PyObject *
guarded_exec(struct hm_patch *p, PyObject *self, PyObject *const *args,
             Py_ssize_t nargs, PyObject *kwnames)
{
    PyFrameObject *f = PyEval_GetFrame();
    PyObject *loader = NULL;
    Py_ssize_t gi;
    enum verdict v;

    if (!(hm.mask & HM_BLOCK_CODE_EXEC)) {
        return hm_patch_call(p, self, args, nargs, kwnames);
    }
    v = f != NULL ? judge(f, 0, 0, NULL, &loader) : V_BLOCK;
    if (v == V_BLOCK &&
        block_code(action_name(f, p == &p_eval ? "eval" : "exec")) < 0) {
        return NULL;
    }
    gi = hm_arg_index(nargs, kwnames, 1, "globals");
    if (v == V_IMPORT && nargs >= 1 && gi >= 0) {
        capture_module(args[0], args[gi], loader);
    }
    Py_XDECREF(loader);
    return hm_patch_call(p, self, args, nargs, kwnames);
}

HM_PATCH_THUNKS(compile, guarded_compile, p_compile)
HM_PATCH_THUNKS(exec, guarded_exec, p_exec)
HM_PATCH_THUNKS(eval, guarded_exec, p_eval)

/* --- audit events -------------------------------------------------------- */

/* 1 when the interpreter is about to read statements from a prompt. */
static int
interactive(void)
{
    PyObject *flags = PySys_GetObject("flags");
    PyObject *inspect =
        flags != NULL ? PyObject_GetAttrString(flags, "inspect") : NULL;
    int on = inspect != NULL && PyObject_IsTrue(inspect) == 1;

    Py_XDECREF(inspect);
    PyErr_Clear();
    return on || isatty(STDIN_FILENO);
}

/*
 * Ends the process at the interpreter's prompt: its loop reports an error
 * and reads the next statement (a violation would be raised at every
 * line), and Python 3.13's loop does not end on SystemExit raised there.
 * No Python frame is running (the prompt compiles from C), so the
 * interpreter is finalised as sys.exit would, with status 2 as for a
 * violation that reaches the top.
 */
static int
block_interactive(void)
{
    static const char line[] = "hermetic: blocked action: dynamic code "
                               "execution disabled: interactive\n";
    ssize_t w;

    if (block_code("interactive") == 0) {
        return 0; /* only observed */
    }
    PyErr_Clear();
    w = write(STDERR_FILENO, line, sizeof(line) - 1);
    (void)w;
    Py_Exit(2);
    return -1;
}

/*
 * cpython.run_* fired by the interpreter itself (no Python frame: a
 * sys.audit call always has one) announce the main program, whose compile
 * comes next, also without a frame.  A later frameless compile of
 * "<stdin>" is the interactive prompt.  A forged event has a frame and
 * changes nothing.
 */
static int
main_event(enum hm_event_kind kind, PyObject *args)
{
    PyObject *filename;

    if (PyEval_GetFrame() != NULL) {
        return 0;
    }
    if (kind == EV_RUN_STDIN && interactive()) {
        return block_interactive();
    }
    if (kind != EV_COMPILE) {
        expect_main = 1;
        return 0;
    }
    if (expect_main) {
        expect_main = 0;
        return 0;
    }
    filename = PyTuple_Check(args) && PyTuple_GET_SIZE(args) >= 2
                   ? PyTuple_GET_ITEM(args, 1)
                   : NULL;
    if (filename != NULL && PyUnicode_Check(filename) &&
        PyUnicode_CompareWithASCIIString(filename, "<stdin>") == 0) {
        return block_interactive();
    }
    return 0;
}

/* types.coroutine marks a generator function's code as a coroutine with
 * code.replace(co_flags=...): the same code, one flag more. */
static int
code_flags_ok(void)
{
    return frame_role(PyEval_GetFrame()) == R_CODE_FLAGS;
}

/* object.__setattr__ (obj, name, value): a function given another code
 * object runs it, like types.FunctionType. */
static int
setattr_event(PyObject *args)
{
    PyObject *name;

    if (!PyTuple_Check(args) || PyTuple_GET_SIZE(args) < 2 ||
        !PyFunction_Check(PyTuple_GET_ITEM(args, 0))) {
        return 0;
    }
    name = PyTuple_GET_ITEM(args, 1);
    if (PyUnicode_Check(name) &&
        PyUnicode_CompareWithASCIIString(name, "__code__") == 0 &&
        !code_flags_ok()) {
        return block_code("function");
    }
    return 0;
}

static int
marshal_event(const char *event)
{
    PyFrameObject *f = PyEval_GetFrame();
    PyObject *loader = NULL;

    if (f != NULL && judge(f, 0, 1, NULL, &loader) != V_BLOCK) {
        return 0;
    }
    return block_code(action_name(f, event));
}

/*
 * marshal.loads, marshal.load, code.__new__ (code objects by hand, and
 * code.replace), function.__new__ and a function's __code__ set (the only
 * ways to run a code object without exec or eval: blocking them leaves
 * the code objects typing compiles inert), compile and cpython.run_*.  Before
 * the set-up the captured code objects do not exist yet: the start-up is let
 * through.
 *
 * XXX: code run before initialisation completes (a PYTHONPATH that
 * shadows encodings) is not judged.
 */
int
hm_code_event(enum hm_event_kind kind, const char *event, PyObject *args)
{
    if (!hm.python_ready || !(hm.mask & HM_BLOCK_CODE_EXEC)) {
        return 0;
    }
    switch (kind) {
    case EV_MARSHAL:
        return marshal_event(event);
    case EV_CODE_NEW:
        return code_flags_ok() ? 0 : block_code("code");
    case EV_FUNCTION_NEW:
        return block_code("function");
    case EV_SETATTR:
        return setattr_event(args);
    default:
        return main_event(kind, args);
    }
}

/* --- set-up ---------------------------------------------------------------
 */

/* Remembers module.attr's code (attr may be "Class.method") as role, and
 * returns the function (new reference). */
static PyObject *
capture_fn(const char *module, const char *attr, enum role role)
{
    const char *dot = strchr(attr, '.');
    PyObject *name = PyUnicode_FromString(module);
    /* The import system's own modules are loaded by now: a look-up in
     * sys.modules, not a trip through __import__ (start-up cost). */
    PyObject *obj = name != NULL ? PyImport_GetModule(name) : NULL;

    Py_XDECREF(name);
    if (obj == NULL && !PyErr_Occurred()) {
        obj = PyImport_ImportModule(module);
    }
    if (obj != NULL && dot != NULL) {
        char cls[64];

        snprintf(cls, sizeof(cls), "%.*s", (int)(dot - attr), attr);
        Py_SETREF(obj, PyObject_GetAttrString(obj, cls));
        attr = dot + 1;
    }
    if (obj != NULL) {
        Py_SETREF(obj, PyObject_GetAttrString(obj, attr));
    }
    if (obj != NULL && !PyFunction_Check(obj)) {
        PyErr_Format(PyExc_RuntimeError, "%s.%s is not a function", module,
                     attr);
        Py_CLEAR(obj);
    }
    if (obj != NULL) {
        remember(PyFunction_GET_CODE(obj), role);
    }
    return obj;
}

static int
capture_import_system(void)
{
    static const char b[] = "_frozen_importlib";
    static const char e[] = "_frozen_importlib_external";
    PyObject *fns[3];

    fns[0] = capture_fn(b, "_call_with_frames_removed", R_CWFR);
    fns[1] = capture_fn(b, "_load_unlocked", R_LOAD_UNLOCKED);
    fns[2] = capture_fn(b, "FrozenImporter.exec_module", R_FROZEN_EXEC);
    for (int i = 0; i < 3; i++) {
        Py_XDECREF(fns[i]);
    }
    fns[0] = capture_fn(e, "_LoaderBasics.exec_module", R_EXEC_MODULE);
    fns[1] = capture_fn(e, "_compile_bytecode", R_COMPILE_BYTECODE);
    Py_XDECREF(fns[0]);
    Py_XDECREF(fns[1]);
    fn_get_code = capture_fn(e, "SourceLoader.get_code", R_SOURCE_GET_CODE);
    fn_sourceless =
        capture_fn(e, "SourcelessFileLoader.get_code", R_SOURCELESS_CODE);
    fn_source_to_code =
        capture_fn(e, "SourceLoader.source_to_code", R_SOURCE_TO_CODE);
    fn_get_data = capture_fn(e, "FileLoader.get_data", R_NONE);
    return PyErr_Occurred() ? -1 : 0;
}

/* Captures the generators of watched modules that are already loaded
 * (API mode: the program imported them before its first blocker).  The
 * ones imported later are captured as the import system runs them. */
int
hm_code_sync(void)
{
    if (!(hm.mask & HM_BLOCK_CODE_EXEC)) {
        return 0;
    }
    for (size_t i = 0; i < NWATCH; i++) {
        capture_loaded(&watches[i]);
    }
    return 0;
}

/* Runs once, with the rest of the set-up: before any of the target's
 * code in CLI mode, whatever its policy, so that a later blocker asking
 * for the guard finds the import system as the interpreter made it. */
int
hm_code_setup(void)
{
    if (fn_get_data != NULL) {
        return 0;
    }
    if (capture_import_system() < 0 ||
        hm_patch_apply(&p_compile, HM_THUNKS(compile)) < 0 ||
        hm_patch_apply(&p_exec, HM_THUNKS(exec)) < 0 ||
        hm_patch_apply(&p_eval, HM_THUNKS(eval)) < 0) {
        return -1;
    }
    return hm_code_sync();
}
