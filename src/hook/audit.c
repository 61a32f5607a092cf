/*
 * audit.c: the audit hook.  Every event of every guarded process passes
 * through hm_audit_hook, so the common case (an event no active guard
 * cares about) must leave after one table lookup.
 */
#include "hook.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "trace.h"

struct hm_state hm;

/* What a guard does with an event: 0 to let it through, -1 after
 * hm_block. */
typedef int (*hm_handler)(enum hm_event_kind kind, const char *event,
                          PyObject *args);

struct hm_event {
    const char *name;
    enum hm_event_kind kind;
    unsigned mask; /* the flags that make this event matter */
    hm_handler handler;
};

static int subinterpreter_event(enum hm_event_kind kind, const char *event,
                                PyObject *args);
static int import_event(enum hm_event_kind kind, const char *event,
                        PyObject *args);
static int shared_event(enum hm_event_kind kind, const char *event,
                        PyObject *args);
static int main_event(enum hm_event_kind kind, const char *event,
                      PyObject *args);

#define FS_MUTATION(name)                                                     \
    {                                                                         \
        name, EV_FS_MUTATION, FS_MASK, hm_fs_event                            \
    }
#define RUN_MAIN(name, kind)                                                  \
    {                                                                         \
        name, kind, FS_MASK | INTERP_MASK | HM_BLOCK_CODE_EXEC, main_event    \
    }

static const struct hm_event events[] = {
    {"socket.getaddrinfo", EV_GETADDRINFO, NET_MASK, hm_net_event},
    {"socket.gethostbyname", EV_GETHOSTBYNAME, NET_MASK, hm_net_event},
    {"socket.gethostbyaddr", EV_GETHOSTBYADDR, NET_MASK, hm_net_event},
    {"socket.getnameinfo", EV_GETNAMEINFO, NET_MASK, hm_net_event},
    {"socket.connect", EV_CONNECT, NET_MASK, hm_net_event},
    {"socket.sendto", EV_SENDTO, NET_MASK, hm_net_event},
    {"socket.sendmsg", EV_SENDMSG, NET_MASK, hm_net_event},
    {"socket.bind", EV_BIND, NET_MASK | FS_MASK, hm_net_event},
    {"socket.__new__", EV_SOCKET_NEW, NET_MASK, hm_net_event},
    {"subprocess.Popen", EV_PROCESS, ~0u, hm_proc_event},
    {"os.system", EV_PROCESS, ~0u, hm_proc_event},
    {"os.exec", EV_PROCESS, ~0u, hm_proc_event},
    {"os.fork", EV_PROCESS, ~0u, hm_proc_event},
    {"os.forkpty", EV_PROCESS, ~0u, hm_proc_event},
    {"os.posix_spawn", EV_PROCESS, ~0u, hm_proc_event},
    {"os.spawn", EV_PROCESS, ~0u, hm_proc_event},
    {"pty.spawn", EV_PROCESS, ~0u, hm_proc_event},
    {"import", EV_IMPORT, ~0u, import_event},
    {"cpython.PyInterpreterState_New", EV_SUBINTERPRETER, ~0u,
     subinterpreter_event},
    {"os.putenv", EV_ENV_WRITE, HM_BLOCK_ENVIRONMENT, hm_env_event},
    {"os.unsetenv", EV_ENV_WRITE, HM_BLOCK_ENVIRONMENT, hm_env_event},
    {"ctypes.dlopen", EV_DLOPEN, HM_BLOCK_NATIVE, hm_native_event},
    {"ctypes.dlsym", EV_DLSYM, HM_BLOCK_NATIVE, hm_native_event},
    {"ctypes.dlsym/handle", EV_DLSYM, HM_BLOCK_NATIVE, hm_native_event},
    {"open", EV_OPEN, FS_MASK | INTERP_MASK, shared_event},
    {"os.listdir", EV_LISTDIR, FS_MASK | INTERP_MASK, shared_event},
    {"os.scandir", EV_LISTDIR, FS_MASK | INTERP_MASK, shared_event},
    {"sqlite3.connect", EV_SQLITE_CONNECT, FS_MASK, hm_fs_event},
    FS_MUTATION("os.remove"),
    FS_MUTATION("os.rmdir"),
    FS_MUTATION("os.mkdir"),
    FS_MUTATION("os.rename"),
    FS_MUTATION("os.link"),
    FS_MUTATION("os.symlink"),
    FS_MUTATION("os.chmod"),
    FS_MUTATION("os.chown"),
    FS_MUTATION("os.utime"),
    FS_MUTATION("os.truncate"),
    FS_MUTATION("os.setxattr"),
    FS_MUTATION("os.removexattr"),
    FS_MUTATION("fcntl.ioctl"),
    {"os.chdir", EV_CHDIR, INTERP_MASK, hm_interp_event},
    {"compile", EV_COMPILE, HM_BLOCK_CODE_EXEC, hm_code_event},
    {"marshal.loads", EV_MARSHAL, HM_BLOCK_CODE_EXEC, hm_code_event},
    {"marshal.load", EV_MARSHAL, HM_BLOCK_CODE_EXEC, hm_code_event},
    {"code.__new__", EV_CODE_NEW, HM_BLOCK_CODE_EXEC, hm_code_event},
    {"function.__new__", EV_FUNCTION_NEW, HM_BLOCK_CODE_EXEC, hm_code_event},
    {"object.__setattr__", EV_SETATTR, HM_BLOCK_CODE_EXEC, hm_code_event},
    RUN_MAIN("cpython.run_file", EV_RUN_MAIN),
    RUN_MAIN("cpython.run_command", EV_RUN_MAIN),
    RUN_MAIN("cpython.run_module", EV_RUN_MAIN),
    RUN_MAIN("cpython.run_stdin", EV_RUN_STDIN),
    RUN_MAIN("cpython.run_interactivehook", EV_RUN_HOOK),
};

/* Open addressing over a power-of-two table of indexes into events[]. */
#define TABLE_SIZE 256
static short table[TABLE_SIZE];
static int table_ready;
static int probing;
static int probe_seen;
static int hook_verified;
static PyThreadState *setup_tstate;

static uint32_t
event_hash(const char *s)
{
    uint32_t h = 2166136261u;

    while (*s) {
        h = (h ^ (unsigned char)*s++) * 16777619u;
    }
    return h;
}

static void
table_build(void)
{
    memset(table, -1, sizeof(table));
    for (size_t i = 0; i < sizeof(events) / sizeof(events[0]); i++) {
        uint32_t slot = event_hash(events[i].name) & (TABLE_SIZE - 1);

        while (table[slot] >= 0) {
            slot = (slot + 1) & (TABLE_SIZE - 1);
        }
        table[slot] = (short)i;
    }
    table_ready = 1;
}

static const struct hm_event *
event_find(const char *name)
{
    uint32_t slot = event_hash(name) & (TABLE_SIZE - 1);

    while (table[slot] >= 0) {
        const struct hm_event *ev = &events[(int)table[slot]];

        if (strcmp(ev->name, name) == 0) {
            return ev;
        }
        slot = (slot + 1) & (TABLE_SIZE - 1);
    }
    return NULL;
}

/* An import, an open or a listing: the interpreter guard compares sys
 * with its snapshot first, then the filesystem guard judges the path. */
static int
shared_event(enum hm_event_kind kind, const char *event, PyObject *args)
{
    if (hm_interp_check() < 0) {
        return -1;
    }
    return hm_fs_event(kind, event, args);
}

/* The main program starts (CLI mode): the code guard judges how, and
 * sys.path now holds what the program was started with, so the
 * filesystem and interpreter guards latch their readable set and
 * snapshot. */
static int
main_event(enum hm_event_kind kind, const char *event, PyObject *args)
{
    /* The interactive hook is no main program: the prompt after it is
     * dynamic code, which the code guard must still see as such. */
    if ((hm.mask & HM_BLOCK_CODE_EXEC) && kind != EV_RUN_HOOK &&
        hm_code_event(kind, event, args) < 0) {
        return -1;
    }
    if (!(hm.mask & (FS_MASK | INTERP_MASK))) {
        return 0;
    }
    hm_fs_latch();
    return hm_interp_latch();
}

/* Writes the whole buffer, retrying on EINTR and short writes. */
void
hm_write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, buf, len);

        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            return;
        }
        buf += w;
        len -= (size_t)w;
    }
}

/* The trace line of an action, in line->buf; returns its length. */
static size_t
trace_build(const struct hm_block *b, int observe, struct hm_line *line)
{
    hm_line_start(line, observe ? "would block" : "blocked", b->api);
    if (b->key != NULL) {
        hm_line_add(line, b->key, b->value, b->vlen);
    }
    if (b->extra_key != NULL) {
        hm_line_add(line, b->extra_key, b->extra_value,
                    strlen(b->extra_value));
    }
    return hm_line_finish(line, b->reason);
}

/*
 * Before the interpreter is initialised an exception cannot be raised:
 * the start-up would abort with a fatal error and a core dump.  A blocked
 * action there can only end the process, with one clear line.
 */
static void
die_before_init(const struct hm_block *b)
{
    char msg[1024];
    int n;

    n = snprintf(msg, sizeof(msg),
                 "hermetic: blocked action during interpreter start-up: "
                 "%s\n",
                 b->message);
    if (n > 0) {
        hm_write_all(STDERR_FILENO, msg,
                     (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg) - 1);
    }
    _exit(2);
}

static int
raise_violation(const struct hm_block *b)
{
    PyObject *cls = hm_error_class(b->guard);
    PyObject *exc;
    PyObject *guard;
    PyObject *target;

    if (cls == NULL) {
        return -1;
    }
    exc = PyObject_CallFunction(cls, "s", b->message);
    if (exc == NULL) {
        return -1;
    }
    guard = PyUnicode_FromString(b->guard);
    if (b->target != NULL) {
        target = PyUnicode_DecodeFSDefault(b->target);
    } else {
        Py_INCREF(Py_None);
        target = Py_None;
    }
    if (guard != NULL && target != NULL &&
        PyObject_SetAttrString(exc, "guard", guard) == 0 &&
        PyObject_SetAttrString(exc, "target", target) == 0) {
        PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
    }
    Py_XDECREF(guard);
    Py_XDECREF(target);
    Py_DECREF(exc);
    return -1;
}

/* The flags whose enforcing policies refuse an action of this reason;
 * any policy for reasons hermetic gives to what every policy refuses. */
static unsigned
reason_flags(const char *reason)
{
    static const struct {
        const char *reason;
        unsigned flags;
    } reasons[] = {
        {"no-network", HM_BLOCK_NETWORK},
        {"metadata", HM_BLOCK_NETWORK},
        {"no-unix-sockets", HM_BLOCK_UNIX_SOCKETS},
        {"no-subprocess", HM_BLOCK_SUBPROCESS},
        {"fs-readonly", HM_FS_READONLY},
        {"no-environment", HM_BLOCK_ENVIRONMENT},
        {"no-code-exec", HM_BLOCK_CODE_EXEC},
        {"deny-import", HM_DENY_IMPORTS},
        {"block-native", HM_BLOCK_NATIVE},
        {"no-interpreter-mutation", HM_BLOCK_INTERPRETER_MUTATION},
    };

    for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++) {
        if (strcmp(reasons[i].reason, reason) == 0) {
            return reasons[i].flags;
        }
    }
    return ~0u;
}

/*
 * 1 when the action is only observed: the guard found no enforcing
 * policy that refuses it, or no enforcing policy holds its kind of
 * block at all.  Never 1 when an enforcing policy could refuse it.
 */
static int
observed(const struct hm_block *b)
{
    if (!(hm.mask & HM_OBSERVE)) {
        return 0; /* nothing observes */
    }
    return b->observe || (hm.enforce_mask & reason_flags(b->reason)) == 0;
}

/*
 * The line is built even without trace: the record keeps it, so a
 * violation the code under test swallowed can still be reported.  An
 * observed action is reported and goes on (returns 0), also before
 * initialisation.
 */
int
hm_block(const struct hm_block *b)
{
    static struct hm_line line; /* 4 KiB: off the stack; the GIL is held */
    int observe = observed(b);
    size_t len = trace_build(b, observe, &line);

    hm_report_write(b, observe, line.buf, len);
    if (observe) {
        hm_record_add(b, 1, line.buf, len);
        return 0;
    }
    /* After set-up, a false Py_IsInitialized() means finalisation, where
     * raising still works (a __del__ at exit). */
    if (hm_before_init()) {
        die_before_init(b);
    }
    hm_record_add(b, 0, line.buf, len);
    return raise_violation(b);
}

int
hm_before_init(void)
{
    return !hm.python_ready && !Py_IsInitialized();
}

/* The flags of the policies that refuse what would escape them: the
 * enforcing ones, or the observing ones when none enforces. */
unsigned
hm_refusing_mask(void)
{
    return hm.enforce_mask != 0 ? hm.enforce_mask : hm.mask;
}

/* The reason a policy gives for refusing what would escape it: the first
 * of its blocks, for actions that every policy refuses. */
const char *
hm_first_reason(unsigned mask)
{
    static const struct {
        unsigned flag;
        const char *reason;
    } reasons[] = {
        {HM_BLOCK_INTERPRETER_MUTATION, "no-interpreter-mutation"},
        {HM_BLOCK_NETWORK, "no-network"},
        {HM_BLOCK_UNIX_SOCKETS, "no-unix-sockets"},
        {HM_BLOCK_SUBPROCESS, "no-subprocess"},
        {HM_FS_READONLY, "fs-readonly"},
        {HM_BLOCK_ENVIRONMENT, "no-environment"},
        {HM_BLOCK_CODE_EXEC, "no-code-exec"},
        {HM_BLOCK_NATIVE, "block-native"},
    };

    for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++) {
        if (mask & reasons[i].flag) {
            return reasons[i].reason;
        }
    }
    return "sealed";
}

/*
 * A subinterpreter has its own modules and would start without the
 * replacements; creating one is refused while any policy is active.
 * Python 3.13 fires no event when _interpreters creates one, so the
 * modules that create them cannot be imported either.
 */
static int
block_subinterpreter(void)
{
    struct hm_block b = {0};

    b.guard = "interpreter";
    b.message = "interpreter mutation disabled: subinterpreter";
    b.target = "subinterpreter";
    b.api = "interpreter mutation";
    b.key = "name";
    b.value = "subinterpreter";
    b.vlen = strlen(b.value);
    b.reason = hm_first_reason(hm_refusing_mask());
    return hm_block(&b);
}

static int
subinterpreter_event(enum hm_event_kind kind, const char *event,
                     PyObject *args)
{
    (void)kind;
    (void)event;
    (void)args;
    return block_subinterpreter();
}

/* For modules imported before the policy (API mode), their create. */
static struct hm_patch p_create_xx = {"_xxsubinterpreters", "create"};
static struct hm_patch p_create = {"_interpreters", "create"};
static struct hm_patch p_run_in_subinterp = {"_testcapi", "run_in_subinterp"};

static PyObject *
refuse_create(struct hm_patch *p, PyObject *self, PyObject *const *args,
              Py_ssize_t nargs, PyObject *kwnames)
{
    if (hm.mask != 0 && block_subinterpreter() < 0) {
        return NULL;
    }
    return hm_patch_call(p, self, args, nargs, kwnames);
}

HM_PATCH_THUNKS(create_xx, refuse_create, p_create_xx)
HM_PATCH_THUNKS(create, refuse_create, p_create)
HM_PATCH_THUNKS(run_in_subinterp, refuse_create, p_run_in_subinterp)

static int
patch_if_loaded(struct hm_patch *p, const struct hm_thunks *t)
{
    PyObject *name = PyUnicode_FromString(p->module);
    PyObject *mod = name != NULL ? PyImport_GetModule(name) : NULL;

    Py_XDECREF(name);
    if (mod == NULL) {
        return PyErr_Occurred() ? -1 : 0;
    }
    Py_DECREF(mod);
    return hm_patch_apply(p, t);
}

static int
subinterpreter_setup(void)
{
    return patch_if_loaded(&p_create_xx, HM_THUNKS(create_xx)) < 0 ||
                   patch_if_loaded(&p_create, HM_THUNKS(create)) < 0 ||
                   patch_if_loaded(&p_run_in_subinterp,
                                   HM_THUNKS(run_in_subinterp)) < 0
               ? -1
               : 0;
}

/* Refused as an import (also an ImportError), so fallbacks work. */
static int
block_creator_import(const char *name)
{
    struct hm_block b = {0};
    char message[96];

    snprintf(message, sizeof(message), "import blocked: %s", name);
    b.guard = "imports";
    b.message = message;
    b.target = name;
    b.api = "import";
    b.key = "name";
    b.value = name;
    b.vlen = strlen(name);
    b.reason = hm_first_reason(hm_refusing_mask());
    return hm_block(&b);
}

static int
import_event(enum hm_event_kind kind, const char *event, PyObject *args)
{
    /* _testcapi and _testinternalcapi create interpreters too
     * (run_in_subinterp) and change the interpreter's configuration. */
    static const char *const creators[] = {"_xxsubinterpreters",
                                           "_interpreters", "_testcapi",
                                           "_testinternalcapi", NULL};
    char init[256];
    int known;

    hm_ext_snapshot();
    if (hm_proc_import_event(kind, event, args) < 0) {
        return -1;
    }
    if ((hm.mask & (HM_BLOCK_NATIVE | HM_DENY_IMPORTS)) &&
        hm_import_event(kind, event, args) < 0) {
        return -1;
    }
    if ((hm.mask & (FS_MASK | INTERP_MASK)) &&
        shared_event(kind, event, args) < 0) {
        return -1;
    }
    if (!PyTuple_Check(args) || PyTuple_GET_SIZE(args) < 1 ||
        !PyUnicode_Check(PyTuple_GET_ITEM(args, 0))) {
        return 0;
    }
    known = hm_ext_init_name(PyTuple_GET_ITEM(args, 0), init, sizeof(init));
    for (const char *const *c = creators; *c != NULL; c++) {
        if (known < 0 || (known > 0 && strcmp(init, *c) == 0)) {
            return block_creator_import(*c);
        }
    }
    return hm_net_import_event(args);
}

/*
 * In CLI mode the set-up runs inside the hook, at the first event after
 * initialisation.  If it fails, the target must not go on unguarded.
 */
static void
setup_or_die(void)
{
    PyObject *type, *value, *tb, *text = NULL;
    const char *why = "unknown error";

    if (hm_python_setup() == 0) {
        return;
    }
    PyErr_Fetch(&type, &value, &tb);
    if (value != NULL) {
        text = PyObject_Str(value);
    }
    if (text != NULL && PyUnicode_AsUTF8(text) != NULL) {
        why = PyUnicode_AsUTF8(text);
    }
    fprintf(stderr, "hermetic: cannot install the guards: %s\n", why);
    fflush(stderr);
    _exit(1);
}

/*
 * Our own set-up imports modules, which fires events: they must not start
 * the set-up again.  They are still judged: an import can run Python code
 * from sys.path (a module shadowed on PYTHONPATH), which is the target's.
 */
static int
in_own_setup(void)
{
    return setup_tstate != NULL && setup_tstate == PyThreadState_Get();
}

int
hm_audit_hook(const char *event, PyObject *args, void *data)
{
    const struct hm_event *ev;

    (void)data;
    if (probing) {
        probe_seen |= strcmp(event, "hermetic.probe") == 0;
    }
    if (hm.mask == 0) {
        return 0;
    }
    if (!hm.python_ready) {
        /* CLI mode: the first event after initialisation sets up the
         * rest, before any code of the target can run. */
        if (Py_IsInitialized() && !in_own_setup()) {
            setup_or_die();
        }
    }
    ev = event_find(event);
    if (ev == NULL || (ev->mask & hm.mask) == 0) {
        return 0;
    }
    return ev->handler(ev->kind, event, args);
}

/*
 * Adds the hook once per process and checks that it really fires: an
 * earlier hook can refuse later ones silently (sys.addaudithook swallows
 * RuntimeError), and a guard that does not fire must never pretend.
 */
int
hm_hook_install(void)
{
    if (!table_ready) {
        table_build();
    }
    if (!hm.hook_added) {
        if (PySys_AddAuditHook(hm_audit_hook, NULL) < 0) {
            return -1;
        }
        hm.hook_added = 1;
    }
    /* Once seen firing it stays: hooks cannot be removed, and a hook
     * before ours that raises aborts the action it raises on. */
    if (!Py_IsInitialized() || hook_verified) {
        return 0;
    }
    probe_seen = 0;
    probing = 1;
    if (PySys_Audit("hermetic.probe", NULL) < 0) {
        probing = 0;
        return -1;
    }
    probing = 0;
    if (!probe_seen) {
        hm.hook_added = 0;
        PyErr_SetString(hm_error_class("policy"),
                        "hermetic: the audit hook could not be installed "
                        "(another audit hook refused it)");
        return -1;
    }
    hook_verified = 1;
    return 0;
}

/*
 * The part of the set-up that needs a running interpreter: exception
 * classes, the replacements of functions that fire no audit event, and in
 * CLI mode the excepthook.  Runs once, at the first event after
 * initialisation (CLI) or at the first blocker (API).
 */
int
hm_python_setup(void)
{
    int rc = -1;

    if (hm.python_ready) {
        return 0;
    }
    setup_tstate = PyThreadState_Get();
    if (hm_ext_init() < 0 || hm_proc_setup() < 0 || hm_net_setup() < 0 ||
        hm_fs_setup() < 0 || subinterpreter_setup() < 0 ||
        hm_code_setup() < 0) {
        goto out;
    }
    if (hm.from_env &&
        (hm_excepthook_install() < 0 || hm_finder_install() < 0)) {
        goto out;
    }
    if (hm_env_sync() < 0 || hm_import_sync() < 0) {
        goto out;
    }
    hm.python_ready = 1;
    rc = 0;
out:
    setup_tstate = NULL;
    return rc;
}
