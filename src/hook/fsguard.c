/*
 * fsguard.c: the filesystem guard (SPEC section 3, "Filesystem").
 *
 * A path is judged after resolution: made absolute against the working
 * directory or the dir_fd it is relative to, its symbolic links resolved
 * (the final component too, for opens and attribute changes; not for
 * remove, rename, mkdir and the other calls that act on a link itself).
 *
 * Reads under --fs-readonly=ROOT: a user open must resolve under ROOT or
 * an --allow-write directory.  The import system's reads, and directory
 * listings, may also reach the readable set: the directories on sys.path
 * when the main program starts.  An import's read is told from a user
 * open by what is asked, not by who seems to ask: it comes through
 * io.open_code (our open_code hook marks it) or the interpreter's own
 * C-level open of the main script (mode given, flags 0, which io.open
 * and os.open never produce), and it only ever reads.  A user calling
 * io.open_code gets no more than the import system could read anyway.
 */
#include "hook.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pathmatch.h"

enum access { ACC_READ, ACC_CODE, ACC_LIST, ACC_WRITE };

/* A path as the caller gave it: bytes, or a descriptor. */
struct fspath {
    PyObject *bytes; /* owned; NULL for a descriptor */
    const char *s;
    size_t len;
    int fd;     /* -1 unless the path is a descriptor */
    int opaque; /* a descriptor given as an object with __index__ */
};

/* --- the readable set ------------------------------------------------ */

static char **readable;
static size_t nreadable;
static int readable_latched;

static void
readable_add(PyObject *entry)
{
    PyObject *b = NULL;
    char canon[PATH_MAX];
    char **v;

    if (PyUnicode_Check(entry)) {
        b = PyUnicode_EncodeFSDefault(entry);
    } else if (PyBytes_Check(entry)) {
        Py_INCREF(entry);
        b = entry;
    }
    if (b == NULL) {
        PyErr_Clear();
        return;
    }
    if (realpath(PyBytes_GET_SIZE(b) ? PyBytes_AS_STRING(b) : ".", canon) !=
        NULL) {
        v = realloc(readable, (nreadable + 1) * sizeof(*v));
        if (v != NULL) {
            readable = v;
            readable[nreadable] = strdup(canon);
            nreadable += readable[nreadable] != NULL;
        }
    }
    Py_DECREF(b);
}

/* Latches the readable set from sys.path, once per process. */
void
hm_fs_latch(void)
{
    PyObject *path = PySys_GetObject("path");

    if (readable_latched) {
        return;
    }
    readable_latched = 1;
    if (path == NULL || !PyList_Check(path)) {
        return;
    }
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(path); i++) {
        readable_add(PyList_GET_ITEM(path, i));
    }
}

static int
in_readable(const char *p, size_t n)
{
    if (!readable_latched) {
        return 1; /* start-up, before the main program: the interpreter */
    }
    for (size_t i = 0; i < nreadable; i++) {
        if (hm_path_inside(p, n, readable[i], strlen(readable[i]))) {
            return 1;
        }
    }
    return 0;
}

/* --- judging ------------------------------------------------------------
 */

static int
in_list(const struct hm_strv *v, const char *p, size_t n)
{
    for (size_t i = 0; i < v->n; i++) {
        if (hm_path_inside(p, n, v->v[i], strlen(v->v[i]))) {
            return 1;
        }
    }
    return 0;
}

/* 1 when p is under an allow_write directory of some policy. */
static int
in_any_write_dir(const char *p, size_t n)
{
    for (size_t i = 0; i < hm.n; i++) {
        if (in_list(&hm.v[i].p->allow_write, p, n)) {
            return 1;
        }
    }
    return 0;
}

/* 1 when every filesystem policy allows this access to resolved path p. */
static int
allowed(const char *p, size_t n, enum access a)
{
    for (size_t i = 0; i < hm.n; i++) {
        const struct hm_policy *pol = hm.v[i].p;

        if (!(pol->flags & HM_FS_READONLY) ||
            in_list(&pol->allow_write, p, n)) {
            continue;
        }
        if (a == ACC_WRITE) {
            return 0;
        }
        if (pol->fs_root == NULL ||
            hm_path_inside(p, n, pol->fs_root, strlen(pol->fs_root))) {
            continue;
        }
        /* Before the main program starts (CLI mode), reads are the
         * interpreter's start-up: site reads pyvenv.cfg and .pth files. */
        if (readable_latched && (a == ACC_READ || !in_readable(p, n))) {
            return 0;
        }
    }
    return 1;
}

/* What the stack needs resolved: 'w' some policy has an allow_write, 'r'
 * some policy has a root. */
static int
stack_has(int what)
{
    for (size_t i = 0; i < hm.n; i++) {
        const struct hm_policy *p = hm.v[i].p;

        if (!(p->flags & HM_FS_READONLY)) {
            continue;
        }
        if (what == 'w' ? p->allow_write.n > 0 : p->fs_root != NULL) {
            return 1;
        }
    }
    return 0;
}

/* --- paths from Python objects ------------------------------------------ */

/*
 * Fills fp from a path argument: str, bytes, os.PathLike, an int
 * descriptor, or None (the working directory).  Returns 0, or -1 with
 * an exception set when the path cannot be read: the call converted the
 * same object before its event, so an error here (an exception raised
 * by __fspath__, a signal, the recursion limit) must refuse it, never
 * let it through unjudged.  Any other object with __index__ is a
 * descriptor the call converted itself (os.chmod(obj) is fchmod): a
 * second conversion could name another one, so it is marked opaque.
 * XXX: a PathLike whose __fspath__ answers differently on each call is
 * judged on the answer it gives us, not the one CPython used.
 */
static int
fspath_from(PyObject *obj, struct fspath *fp)
{
    PyObject *p;
    long fd;

    memset(fp, 0, sizeof(*fp));
    fp->fd = -1;
    if (PyLong_Check(obj)) {
        fd = PyLong_AsLong(obj);
        if ((fd == -1 && PyErr_Occurred()) || fd < INT_MIN || fd > INT_MAX) {
            PyErr_Clear();
            PyErr_SetString(PyExc_OverflowError, "fd out of range");
            return -1;
        }
        fp->fd = (int)fd;
        return 0;
    }
    if (PyIndex_Check(obj)) {
        fp->opaque = 1;
        return 0;
    }
    p = obj == Py_None ? PyUnicode_FromString(".") : PyOS_FSPath(obj);
    if (p != NULL && PyUnicode_Check(p)) {
        Py_SETREF(p, PyUnicode_EncodeFSDefault(p));
    }
    if (p == NULL) {
        return -1;
    }
    fp->bytes = p;
    fp->s = PyBytes_AS_STRING(p);
    fp->len = (size_t)PyBytes_GET_SIZE(p);
    return 0;
}

static void
fspath_clear(struct fspath *fp)
{
    Py_CLEAR(fp->bytes);
}

/* The target of /proc/self/fd/N: the path a descriptor was opened with.
 * Returns its length, or -1 (not a descriptor of a file: a pipe, a
 * socket, or closed). */
static long
fd_path(int fd, char *out, size_t cap)
{
    char link[64];
    ssize_t n;

    snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
    n = readlink(link, out, cap - 1);
    if (n <= 0 || out[0] != '/') {
        return -1;
    }
    out[n] = '\0';
    return (long)n;
}

/* The directory a relative path starts from: dir_fd's, or the working
 * directory (dir_fd < 0).  Returns 0 or -1. */
static int
base_dir(int dir_fd, char *out, size_t cap)
{
    if (dir_fd >= 0) {
        return fd_path(dir_fd, out, cap) < 0 ? -1 : 0;
    }
    return getcwd(out, cap) != NULL ? 0 : -1;
}

/* abs = base + "/" + s, unnormalised (".." must meet the symbolic links
 * of the real tree).  Returns 0, or -1 when it does not fit. */
static int
make_absolute(const char *s, size_t len, int dir_fd, char *abs, size_t cap)
{
    char base[PATH_MAX];
    int n;

    if (len > 0 && s[0] == '/') {
        /* the common case, on every open: no formatting */
        if (len >= cap || memchr(s, '\0', len) != NULL) {
            return -1;
        }
        memcpy(abs, s, len);
        abs[len] = '\0';
        return 0;
    } else if (base_dir(dir_fd, base, sizeof(base)) < 0) {
        return -1;
    } else {
        n = snprintf(abs, cap, "%s/%.*s", base, (int)len, s);
    }
    return n > 0 && (size_t)n < cap && strlen(abs) == (size_t)n ? 0 : -1;
}

/*
 * Resolves abs without following its final component: the real path of
 * the parent directory, then the final name.  A parent that does not
 * exist is normalised lexically (the call will fail with ENOENT).
 */
static long
resolve_parent(const char *abs, char *out, size_t cap)
{
    char parent[PATH_MAX], canon[PATH_MAX];
    const char *slash;
    size_t len = strlen(abs);

    while (len > 1 && abs[len - 1] == '/') {
        len--;
    }
    slash = memrchr(abs, '/', len);
    if (slash == NULL ||
        (len - (size_t)(slash - abs) == 2 && slash[1] == '.') ||
        (len - (size_t)(slash - abs) == 3 && slash[1] == '.' &&
         slash[2] == '.')) {
        return realpath(abs, canon) != NULL
                   ? hm_path_normalize(canon, strlen(canon), out, cap)
                   : hm_path_normalize(abs, len, out, cap);
    }
    snprintf(parent, sizeof(parent), "%.*s", (int)(slash - abs + 1), abs);
    if (realpath(parent, canon) == NULL) {
        return hm_path_normalize(abs, len, out, cap);
    }
    return hm_path_join(canon, slash + 1, len - (size_t)(slash - abs) - 1, out,
                        cap);
}

/*
 * The real paths of the last directories files were opened in.  Guarded
 * code cannot swap a directory for a link outside --allow-write
 * directories, so those are not cached, and the cache is forgotten when
 * the stack changes.  An open in a cached directory then costs one lstat
 * instead of one readlink per component.
 */
#define DIRCACHE_SIZE 8

struct dircache {
    unsigned gen; /* hm.gen + 1 when filled */
    char given[PATH_MAX];
    char canon[PATH_MAX];
};

static struct dircache dircache[DIRCACHE_SIZE];
static unsigned dircache_next;

static int in_any_write_dir(const char *p, size_t n);

/* The real path of directory dir (canon, PATH_MAX bytes).  Returns 1
 * when it may be cached (no link on the way, not writable by the guarded
 * code), 0 otherwise, -1 when it cannot be resolved. */
static int
dir_real(const char *dir, char *canon)
{
    struct dircache *c;

    for (size_t i = 0; i < DIRCACHE_SIZE; i++) {
        c = &dircache[i];
        if (c->gen == hm.gen + 1 && strcmp(c->given, dir) == 0) {
            strcpy(canon, c->canon);
            return 1;
        }
    }
    if (realpath(dir, canon) == NULL) {
        return -1;
    }
    /* Only directories reached without a link: a link in an
     * --allow-write directory could be pointed elsewhere later. */
    if (strcmp(dir, canon) != 0 || in_any_write_dir(canon, strlen(canon))) {
        return 0;
    }
    c = &dircache[dircache_next++ % DIRCACHE_SIZE];
    strcpy(c->given, dir);
    strcpy(c->canon, canon);
    c->gen = hm.gen + 1;
    return 1;
}

/* Files, in cached directories, known to be no link: their path is their
 * real path.  Same reasoning as the directories; a file opened again
 * (the common loop) then costs no system call at all. */
#define FILECACHE_SIZE 1024 /* untouched slots cost no memory */
#define FILECACHE_PATH 256

struct filecache {
    unsigned gen;
    char path[FILECACHE_PATH];
};

static struct filecache filecache[FILECACHE_SIZE];

static struct filecache *
file_slot(const char *abs, size_t len)
{
    uint32_t h = 2166136261u;

    for (size_t i = 0; i < len; i++) {
        h = (h ^ (unsigned char)abs[i]) * 16777619u;
    }
    return &filecache[h % FILECACHE_SIZE];
}

/* The common case: abs names a file that is not a link, in a directory
 * resolved before.  Returns the length of out, or -1 to take the slow
 * way. */
static long
resolve_fast(const char *abs, char *out, size_t cap)
{
    char dir[PATH_MAX], canon[PATH_MAX];
    size_t len = strlen(abs);
    const char *slash = strrchr(abs, '/');
    const char *name = slash != NULL ? slash + 1 : NULL;
    struct filecache *fc = file_slot(abs, len);
    struct stat st;
    int cacheable;
    long n;

    if (fc->gen == hm.gen + 1 && strcmp(fc->path, abs) == 0 && len < cap) {
        memcpy(out, abs, len + 1);
        return (long)len;
    }
    if (name == NULL || *name == '\0' || strcmp(name, ".") == 0 ||
        strcmp(name, "..") == 0 || slash == abs) {
        return -1;
    }
    memcpy(dir, abs, (size_t)(slash - abs));
    dir[slash - abs] = '\0';
    cacheable = dir_real(dir, canon);
    if (cacheable < 0) {
        return -1;
    }
    n = hm_path_join(canon, name, strlen(name), out, cap);
    if (n < 0 || lstat(out, &st) < 0 || S_ISLNK(st.st_mode)) {
        return -1;
    }
    if (cacheable && len < FILECACHE_PATH && strcmp(out, abs) == 0) {
        memcpy(fc->path, abs, len + 1);
        fc->gen = hm.gen + 1;
    }
    return n;
}

/*
 * Resolves abs following every symbolic link, the final one included,
 * even when it dangles (an O_CREAT open through a dangling link creates
 * its target).  Returns the length of out, or -1.
 */
static long
resolve_follow(const char *abs, char *out, size_t cap)
{
    char cur[PATH_MAX], target[PATH_MAX], dir[PATH_MAX];
    long n = resolve_fast(abs, out, cap);

    if (n >= 0) {
        return n;
    }
    if (realpath(abs, out) != NULL) {
        return (long)strlen(out);
    }
    snprintf(cur, sizeof(cur), "%s", abs);
    for (int hops = 0; hops < 40; hops++) {
        struct stat st;
        ssize_t t;

        n = resolve_parent(cur, out, cap);
        if (n < 0 || lstat(out, &st) < 0 || !S_ISLNK(st.st_mode)) {
            return n;
        }
        t = readlink(out, target, sizeof(target) - 1);
        if (t <= 0) {
            return n;
        }
        target[t] = '\0';
        snprintf(dir, sizeof(dir), "%s", out);
        *strrchr(dir, '/') = '\0';
        if (target[0] == '/') {
            snprintf(cur, sizeof(cur), "%s", target);
        } else if (snprintf(cur, sizeof(cur), "%s/%s", dir, target) >=
                   (int)sizeof(cur)) {
            return -1;
        }
    }
    return -1;
}

/* Resolves fp (relative to dir_fd) into out.  Returns the length, or -1
 * when it cannot be resolved, or -2 for a descriptor that names no file
 * (a pipe, a socket): nothing on the filesystem to guard. */
static long
resolve(const struct fspath *fp, int dir_fd, int follow, char *out, size_t cap)
{
    char abs[PATH_MAX];

    if (fp->opaque) {
        return -1;
    }
    if (fp->bytes == NULL) {
        if (fd_path(fp->fd, abs, sizeof(abs)) < 0) {
            return -2;
        }
        return hm_path_normalize(abs, strlen(abs), out, cap);
    }
    if (make_absolute(fp->s, fp->len, dir_fd, abs, sizeof(abs)) < 0) {
        return -1;
    }
    return follow ? resolve_follow(abs, out, cap)
                  : resolve_parent(abs, out, cap);
}

/* --- blocking ------------------------------------------------------------
 */

/* The path as the caller gave it, as text: the bytes, or the descriptor's
 * number. */
static void
shown_path(const struct fspath *fp, char *out, size_t cap)
{
    if (fp->opaque) {
        snprintf(out, cap, "%s", "descriptor");
    } else if (fp->bytes == NULL) {
        snprintf(out, cap, "%d", fp->fd);
    } else {
        snprintf(out, cap, "%.*s", (int)fp->len, fp->s);
    }
}

/*
 * The path for the message, which the exception decodes as strict UTF-8:
 * bytes that are not UTF-8 (a path from bytes) are shown as \xNN.  The
 * target keeps the bytes; it is decoded like os.fsdecode.
 */
static void
shown_text(const char *shown, char *out, size_t cap)
{
    PyObject *u = NULL;
    const char *t = NULL;
    size_t o = 0;

    if (!hm_before_init() && !PyErr_Occurred()) {
        u = PyUnicode_DecodeUTF8(shown, (Py_ssize_t)strlen(shown),
                                 "backslashreplace");
        t = u != NULL ? PyUnicode_AsUTF8(u) : NULL;
        PyErr_Clear();
    }
    if (t != NULL) {
        snprintf(out, cap, "%s", t);
        Py_XDECREF(u);
        return;
    }
    Py_XDECREF(u);
    for (const unsigned char *c = (const unsigned char *)shown;
         *c != '\0' && o + 5 < cap; c++) {
        o += (size_t)snprintf(out + o, cap - o, *c < 0x80 ? "%c" : "\\x%02x",
                              *c);
    }
    out[o] = '\0';
}

static int
block_path(const struct fspath *fp, enum access a)
{
    struct hm_block b = {0};
    char message[PATH_MAX * 4 + 64], shown[PATH_MAX], text[PATH_MAX * 4];

    shown_path(fp, shown, sizeof(shown));
    shown_text(shown, text, sizeof(text));
    snprintf(message, sizeof(message), "%s: %s",
             a == ACC_WRITE ? "filesystem readonly"
                            : "read outside sandbox root",
             text);
    b.guard = "filesystem";
    b.message = message;
    b.target = shown;
    b.api = a == ACC_WRITE  ? "open write"
            : a == ACC_LIST ? "listdir read-outside-root"
                            : "open read-outside-root";
    b.key = "path";
    b.value = shown;
    b.vlen = strlen(shown);
    b.reason = "fs-readonly";
    return hm_block(&b);
}

static int
block_mutation(const char *op, const struct fspath *fp)
{
    struct hm_block b = {0};
    char message[PATH_MAX * 4 + 128], shown[PATH_MAX], text[PATH_MAX * 4];

    shown_path(fp, shown, sizeof(shown));
    shown_text(shown, text, sizeof(text));
    snprintf(message, sizeof(message), "filesystem mutation disabled: %s(%s)",
             op, text);
    b.guard = "filesystem";
    b.message = message;
    b.target = shown;
    b.api = "fs mutation";
    b.key = "op";
    b.value = op;
    b.vlen = strlen(op);
    b.extra_key = "path";
    b.extra_value = shown;
    b.reason = "fs-readonly";
    return hm_block(&b);
}

/* --- opens --------------------------------------------------------------
 */

/* Set by the open_code hook while it opens a file for the import system;
 * the open event of that very path object, in that thread, is a code
 * read. */
static PyObject *code_path;
static PyThreadState *code_tstate;
static int open_code_hooked;

static PyObject *
open_code_hook(PyObject *path, void *data)
{
    PyObject *io = PyImport_ImportModule("_io");
    PyObject *saved = code_path, *f = NULL;
    PyThreadState *saved_ts = code_tstate;

    (void)data;
    if (io == NULL) {
        return NULL;
    }
    code_path = path;
    code_tstate = PyThreadState_Get();
    f = PyObject_CallMethod(io, "open", "Os", path, "rb");
    code_path = saved;
    code_tstate = saved_ts;
    Py_DECREF(io);
    return f;
}

static int
is_code_open(PyObject *path, PyObject *mode, long flags)
{
    if (path == code_path && code_tstate == PyThreadState_Get()) {
        return 1;
    }
    /* The interpreter's own fopen of the main script (and of a source
     * line for a SyntaxError): a mode string and flags 0. */
    return flags == 0 && PyUnicode_Check(mode);
}

/*
 * os.open(path, flags, mode, *, dir_fd) reports path and flags but not
 * dir_fd; without it a relative name would be judged against the working
 * directory.  posix.open is replaced to note dir_fd for its own event.
 */
static struct hm_patch p_open = {"posix", "open"};
static PyObject *open_path;
static int open_dir_fd = -1;

static PyObject *kwarg(PyObject *const *args, Py_ssize_t nargs,
                       PyObject *kwnames, const char *name);

/*
 * dir_fd as CPython reads it: any object with __index__, not only an int.
 * Converts it once so the original gets the very number judged.  Returns
 * the converted int (a new reference) and its value in *fd; NULL with no
 * error set when there is no dir_fd; NULL with the conversion's error
 * set when it does not convert (the original would raise too, and a
 * second __index__ could answer where the first raised).
 */
static PyObject *
dir_fd_index(PyObject *dfd, int *fd)
{
    PyObject *idx;
    long v;
    int overflow;

    if (dfd == NULL || dfd == Py_None) {
        return NULL;
    }
    idx = PyNumber_Index(dfd);
    if (idx == NULL) {
        return NULL;
    }
    v = PyLong_AsLongAndOverflow(idx, &overflow);
    if (v == -1 && PyErr_Occurred()) {
        Py_DECREF(idx);
        return NULL;
    }
    if (overflow != 0 || v < INT_MIN || v > INT_MAX) {
        PyErr_SetString(PyExc_OverflowError, overflow > 0 || v > INT_MAX
                                                 ? "fd is greater than maximum"
                                                 : "fd is less than minimum");
        Py_DECREF(idx);
        return NULL;
    }
    *fd = (int)v;
    return idx;
}

/* Calls the original with dir_fd replaced by idx (consumed), or as it was
 * when idx is NULL (the original raises for a dir_fd that is no index). */
static PyObject *
call_with_dir_fd(struct hm_patch *p, PyObject *self, PyObject *const *args,
                 Py_ssize_t nargs, PyObject *kwnames, PyObject *idx)
{
    /* dir_fd is keyword-only in os.open, os.mkfifo and os.mknod */
    Py_ssize_t at = hm_arg_index(nargs, kwnames, PY_SSIZE_T_MAX, "dir_fd");

    if (idx == NULL || at < 0) {
        Py_XDECREF(idx);
        return hm_patch_call(p, self, args, nargs, kwnames);
    }
    return hm_patch_call_with(p, self, args, nargs, kwnames, at, idx);
}

static PyObject *
os_open_guard(struct hm_patch *p, PyObject *self, PyObject *const *args,
              Py_ssize_t nargs, PyObject *kwnames)
{
    PyObject *dfd = kwarg(args, nargs, kwnames, "dir_fd");
    PyObject *saved = open_path, *result, *idx;
    int saved_fd = open_dir_fd, fd = -1;

    idx = dir_fd_index(dfd, &fd);
    if (idx == NULL) {
        return PyErr_Occurred() ? NULL
                                : hm_patch_call(p, self, args, nargs, kwnames);
    }
    open_path = nargs > 0 ? args[0] : kwarg(args, nargs, kwnames, "path");
    open_dir_fd = fd;
    result = call_with_dir_fd(p, self, args, nargs, kwnames, idx);
    open_path = saved;
    open_dir_fd = saved_fd;
    return result;
}

HM_PATCH_THUNKS(os_open, os_open_guard, p_open)

/*
 * /dev/stdin, /dev/stdout and /dev/stderr reopen what descriptors 0, 1
 * and 2 name.  What they named when the guard was installed is the
 * user's choice (a shell redirection); a file the guarded code moved
 * there with dup2 is not, and is judged as the file it is.
 */
static struct stat std_files[3];
static int std_known[3];

static void
std_latch(void)
{
    static int latched;

    if (latched) {
        return;
    }
    latched = 1;
    for (int fd = 0; fd < 3; fd++) {
        std_known[fd] = fstat(fd, &std_files[fd]) == 0;
    }
}

/* 1 when a reopen of descriptor fd reaches the file it named at
 * install, or no file at all (a pipe, a socket). */
static int
std_unmoved(int fd)
{
    char path[PATH_MAX];
    struct stat st;

    if (fstat(fd, &st) < 0 || fd_path(fd, path, sizeof(path)) < 0) {
        return 1;
    }
    return std_known[fd] && st.st_dev == std_files[fd].st_dev &&
           st.st_ino == std_files[fd].st_ino;
}

/* The path as given, made absolute lexically, is one of the devices? */
static int
is_device(const struct fspath *fp, int write)
{
    static const char *const std_names[] = {"/dev/stdin", "/dev/stdout",
                                            "/dev/stderr"};

    if (fp->bytes == NULL || fp->len == 0 || fp->s[0] != '/') {
        return 0;
    }
    if (!(write ? hm_path_is_sink(fp->s, fp->len)
                : hm_path_is_source(fp->s, fp->len))) {
        return 0;
    }
    for (int fd = 0; fd < 3; fd++) {
        if (hm_path_is_named(fp->s, fp->len, std_names[fd])) {
            return std_unmoved(fd);
        }
    }
    return 1;
}

/* Judges one access to fp; blocks when a policy refuses it. */
static int
judge(const struct fspath *fp, int dir_fd, int follow, enum access a)
{
    char real[PATH_MAX];
    long n;

    if (is_device(fp, a == ACC_WRITE)) {
        return 0;
    }
    if (a == ACC_WRITE && !stack_has('w')) {
        return block_path(fp, a);
    }
    n = resolve(fp, dir_fd, follow, real, sizeof(real));
    if (n == -2) {
        return 0;
    }
    if (n < 0 || !allowed(real, (size_t)n, a)) {
        return block_path(fp, a);
    }
    return 0;
}

/* open (path, mode, flags): io.open, FileIO, os.open, open_code. */
static int
open_event(PyObject *args)
{
    PyObject *path, *mode, *fobj;
    struct fspath fp;
    const char *m = NULL;
    Py_ssize_t mlen = 0;
    long flags;
    int write, rc;

    if (!PyTuple_Check(args) || PyTuple_GET_SIZE(args) < 3) {
        return 0;
    }
    path = PyTuple_GET_ITEM(args, 0);
    mode = PyTuple_GET_ITEM(args, 1);
    fobj = PyTuple_GET_ITEM(args, 2);
    if (PyLong_Check(path)) {
        return 0; /* a descriptor already open: stdio, pipes */
    }
    flags = PyLong_Check(fobj) ? PyLong_AsLong(fobj) : 0;
    if (PyUnicode_Check(mode)) {
        /* A forged event may carry a mode that is no UTF-8: judge it as
         * a write, the strictest reading. */
        m = PyUnicode_AsUTF8AndSize(mode, &mlen);
        if (m == NULL) {
            PyErr_Clear();
        }
    }
    write = hm_open_flags_write((int)flags) ||
            (PyUnicode_Check(mode) &&
             (m == NULL || hm_open_mode_write(m, (size_t)mlen)));
    if (!write && !stack_has('r')) {
        return 0;
    }
    if (fspath_from(path, &fp) < 0) {
        return -1;
    }
    if (fp.opaque &&
        !PyObject_HasAttrString((PyObject *)Py_TYPE(path), "__fspath__")) {
        return 0; /* FileIO can only take it as a descriptor already open */
    }
    rc = judge(&fp, path == open_path ? open_dir_fd : -1, 1,
               write                             ? ACC_WRITE
               : is_code_open(path, mode, flags) ? ACC_CODE
                                                 : ACC_READ);
    fspath_clear(&fp);
    return rc;
}

/* os.listdir (path,), os.scandir (path,) */
static int
listing_event(PyObject *args)
{
    struct fspath fp;
    int rc;

    if (!stack_has('r') || !PyTuple_Check(args) ||
        PyTuple_GET_SIZE(args) < 1) {
        return 0;
    }
    if (fspath_from(PyTuple_GET_ITEM(args, 0), &fp) < 0) {
        return -1;
    }
    if (fp.bytes == NULL && fp.fd == -1 && !fp.opaque) {
        /* CPython lists the working directory for descriptor -1 (its
         * "no descriptor" value): judge "." instead of the descriptor. */
        fp.bytes = PyBytes_FromStringAndSize(".", 1);
        if (fp.bytes == NULL) {
            return -1;
        }
        fp.s = PyBytes_AS_STRING(fp.bytes);
        fp.len = 1;
    }
    rc = judge(&fp, -1, 1, ACC_LIST);
    fspath_clear(&fp);
    return rc;
}

/* --- mutations ---------------------------------------------------------- */

/* Where an event carries its paths: argument index of the path and of
 * its dir_fd (-1: none); follow: the call follows a final symlink;
 * follow_src: the first path is also judged with its final symlink
 * followed (the event does not tell whether the call follows it). */
struct mutation {
    const char *event;
    signed char path[2];
    signed char dir_fd[2];
    int follow;
    int follow_src;
};

static const struct mutation mutations[] = {
    {"os.remove", {0, -1}, {1, -1}, 0, 0},
    {"os.rmdir", {0, -1}, {1, -1}, 0, 0},
    {"os.mkdir", {0, -1}, {2, -1}, 0, 0},
    {"os.rename", {0, 1}, {2, 3}, 0, 0},
    /* os.link(follow_symlinks=True) is linkat(AT_SYMLINK_FOLLOW) whenever
     * a dir_fd is given: a link in an --allow-write directory to a file
     * outside would make that file writable (and readable) through the
     * new name.  The source is judged both ways: the file it names
     * must itself be writable. */
    {"os.link", {0, 1}, {2, 3}, 0, 1},
    {"os.symlink", {1, -1}, {2, -1}, 0, 0},
    {"os.chmod", {0, -1}, {2, -1}, 1, 0},
    {"os.chown", {0, -1}, {3, -1}, 1, 0},
    {"os.utime", {0, -1}, {3, -1}, 1, 0},
    {"os.truncate", {0, -1}, {-1, -1}, 1, 0},
    {"os.setxattr", {0, -1}, {-1, -1}, 1, 0},
    {"os.removexattr", {0, -1}, {-1, -1}, 1, 0},
    {"os.mkfifo", {0, -1}, {1, -1}, 0, 0},
    {"os.mknod", {0, -1}, {1, -1}, 0, 0},
};

static int
dir_fd_arg(PyObject *args, int index)
{
    PyObject *o;

    if (index < 0 || index >= PyTuple_GET_SIZE(args)) {
        return -1;
    }
    o = PyTuple_GET_ITEM(args, index);
    return PyLong_Check(o) ? (int)PyLong_AsLong(o) : -1;
}

/* Judges one path of a mutation: allowed only under an allow_write
 * directory of every filesystem policy. */
static int
judge_mutation(const char *op, PyObject *obj, int dir_fd, int follow)
{
    char real[PATH_MAX];
    struct fspath fp;
    long n;
    int rc = 0;

    if (fspath_from(obj, &fp) < 0) {
        return -1;
    }
    if (!stack_has('w')) {
        rc = block_mutation(op, &fp);
    } else {
        n = resolve(&fp, dir_fd, follow, real, sizeof(real));
        if (n != -2 && (n < 0 || !allowed(real, (size_t)n, ACC_WRITE))) {
            rc = block_mutation(op, &fp);
        }
    }
    fspath_clear(&fp);
    return rc;
}

/*
 * fcntl.ioctl (fd, request, arg): on a file, a directory or a block
 * device an ioctl can change what the descriptor names without a
 * write-open (chattr's FS_IOC_SETFLAGS needs only a read-only one), and
 * the request's number does not say which do (FS_IOC_SHUTDOWN is an
 * _IOR), so each is judged as a mutation of that file.  The generic
 * 'T' requests (FIONREAD, FIONBIO, FIOCLEX, the terminal ones) only act
 * on the open descriptor; terminals, pipes and sockets are no files.
 */
static int
ioctl_event(PyObject *args)
{
    struct stat st;
    long fd, request;

    if (!PyTuple_Check(args) || PyTuple_GET_SIZE(args) < 2 ||
        !PyLong_Check(PyTuple_GET_ITEM(args, 0)) ||
        !PyLong_Check(PyTuple_GET_ITEM(args, 1))) {
        return 0;
    }
    fd = PyLong_AsLong(PyTuple_GET_ITEM(args, 0));
    request = PyLong_AsLong(PyTuple_GET_ITEM(args, 1));
    if (PyErr_Occurred()) {
        PyErr_Clear();
        return 0; /* no descriptor: the call fails */
    }
    if (((unsigned long)request >> 8 & 0xff) == 'T' || fd < 0 ||
        fd > INT_MAX || fstat((int)fd, &st) < 0 ||
        !(S_ISREG(st.st_mode) || S_ISDIR(st.st_mode) || S_ISBLK(st.st_mode))) {
        return 0;
    }
    return judge_mutation("fcntl.ioctl", PyTuple_GET_ITEM(args, 0), -1, 1);
}

static int
mutation_event(const char *event, PyObject *args)
{
    const struct mutation *m = NULL;

    for (size_t i = 0; i < sizeof(mutations) / sizeof(mutations[0]); i++) {
        if (strcmp(mutations[i].event, event) == 0) {
            m = &mutations[i];
            break;
        }
    }
    if (strcmp(event, "fcntl.ioctl") == 0) {
        return ioctl_event(args);
    }
    if (m == NULL || !PyTuple_Check(args)) {
        return 0;
    }
    for (int k = 0; k < 2 && m->path[k] >= 0; k++) {
        if (m->path[k] >= PyTuple_GET_SIZE(args)) {
            break;
        }
        if (judge_mutation(event, PyTuple_GET_ITEM(args, m->path[k]),
                           dir_fd_arg(args, m->dir_fd[k]), m->follow) < 0) {
            return -1;
        }
        if (k == 0 && m->follow_src && !m->follow &&
            judge_mutation(event, PyTuple_GET_ITEM(args, m->path[k]),
                           dir_fd_arg(args, m->dir_fd[k]), 1) < 0) {
            return -1;
        }
    }
    return 0;
}

/*
 * bind() of an AF_UNIX socket to a path makes a file there, as mknod
 * does.  The address is a str or any buffer (bytes, bytearray,
 * memoryview); an abstract one (a leading NUL byte, or empty for
 * autobind) makes none.
 */
int
hm_fs_unix_bind(PyObject *addr)
{
    PyObject *path;
    int rc;

    if (!(hm.mask & HM_FS_READONLY)) {
        return 0;
    }
    if (PyUnicode_Check(addr)) {
        path = PyUnicode_EncodeFSDefault(addr);
    } else if (PyObject_CheckBuffer(addr)) {
        path = PyBytes_FromObject(addr);
    } else {
        return 0; /* no address: the call raises TypeError */
    }
    if (path == NULL) {
        PyErr_Clear();
        return 0; /* the call fails the same way */
    }
    rc = 0;
    if (PyBytes_GET_SIZE(path) > 0 && PyBytes_AS_STRING(path)[0] != '\0') {
        rc = judge_mutation("socket.bind", path, -1, 0);
    }
    Py_DECREF(path);
    return rc;
}

/* --- mkfifo and mknod: no audit event ------------------------------------
 */

static struct hm_patch p_mkfifo = {"posix", "mkfifo"};
static struct hm_patch p_mknod = {"posix", "mknod"};

/* The keyword argument called name, or NULL. */
static PyObject *
kwarg(PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames,
      const char *name)
{
    for (Py_ssize_t i = 0; kwnames && i < PyTuple_GET_SIZE(kwnames); i++) {
        if (PyUnicode_CompareWithASCIIString(PyTuple_GET_ITEM(kwnames, i),
                                             name) == 0) {
            return args[nargs + i];
        }
    }
    return NULL;
}

/* mkfifo(path, mode=0o666, *, dir_fd=None), mknod(path, mode, device,
 * *, dir_fd=None) */
static PyObject *
node_guard(struct hm_patch *p, PyObject *self, PyObject *const *args,
           Py_ssize_t nargs, PyObject *kwnames)
{
    PyObject *path = nargs > 0 ? args[0] : kwarg(args, nargs, kwnames, "path");
    PyObject *dfd = kwarg(args, nargs, kwnames, "dir_fd");
    int dir_fd = -1;
    PyObject *idx = dir_fd_index(dfd, &dir_fd);

    if (idx == NULL && PyErr_Occurred()) {
        return NULL; /* no index: TypeError, OverflowError, or its own */
    }
    if ((hm.mask & HM_FS_READONLY) && path != NULL &&
        judge_mutation(p == &p_mkfifo ? "os.mkfifo" : "os.mknod", path, dir_fd,
                       0) < 0) {
        Py_XDECREF(idx);
        return NULL;
    }
    return call_with_dir_fd(p, self, args, nargs, kwnames, idx);
}

HM_PATCH_THUNKS(mkfifo, node_guard, p_mkfifo)
HM_PATCH_THUNKS(mknod, node_guard, p_mknod)

/* --- sqlite3 ------------------------------------------------------------ */

/*
 * The sqlite3.connect event carries the database but not uri=, which
 * decides whether "file:...?mode=ro" is a read-only URI or a file of that
 * name opened read-write.  _sqlite3.connect is replaced to note uri= for
 * the connection it is about to make.  A Connection made another way,
 * or by a factory= (user code, which may pass another uri=), is judged
 * both as a plain file name and as a URI whose file is written.
 */
static struct hm_patch p_connect = {"_sqlite3", "connect"};
static PyObject *connect_db; /* the database of the call in progress, as
                                bytes (3.9 reports it encoded) */
static int connect_uri;

static PyObject *
connect_guard(struct hm_patch *p, PyObject *self, PyObject *const *args,
              Py_ssize_t nargs, PyObject *kwnames)
{
    PyObject *db =
        nargs > 0 ? args[0] : kwarg(args, nargs, kwnames, "database");
    PyObject *uri = nargs > 7 ? args[7] : kwarg(args, nargs, kwnames, "uri");
    PyObject *factory =
        nargs > 5 ? args[5] : kwarg(args, nargs, kwnames, "factory");
    PyObject *saved_db = connect_db, *result, *own = NULL;
    int saved_uri = connect_uri;
    struct fspath fp = {0};

    if (factory != NULL) {
        own = PyObject_GetAttrString(self, "Connection");
        PyErr_Clear();
    }
    if (db == NULL || (factory != NULL && factory != own) ||
        fspath_from(db, &fp) < 0) {
        fp.bytes = NULL;
    }
    Py_XDECREF(own);
    connect_db = fp.bytes;
    connect_uri = uri != NULL && PyObject_IsTrue(uri) == 1;
    PyErr_Clear();
    result = hm_patch_call(p, self, args, nargs, kwnames);
    connect_db = saved_db;
    connect_uri = saved_uri;
    fspath_clear(&fp);
    return result;
}

/* 1 when the event's database is the one connect() was called with. */
static int
is_connect_db(const struct fspath *fp)
{
    return connect_db != NULL &&
           (size_t)PyBytes_GET_SIZE(connect_db) == fp->len &&
           memcmp(PyBytes_AS_STRING(connect_db), fp->s, fp->len) == 0;
}

HM_PATCH_THUNKS(connect, connect_guard, p_connect)

static int sqlite_setup(void);

/* Judges database name db, read as a URI (uri) or as a file name;
 * as_write: judged as a write whatever the URI's mode says. */
static int
sqlite_judge(const struct fspath *fp, int uri, int as_write)
{
    char path[PATH_MAX];
    enum hm_sqlite_kind kind;
    struct fspath file = {0};
    int rc;

    rc = hm_sqlite_classify(fp->s, fp->len, uri, path, sizeof(path), &kind);
    if (rc == 0 && kind == HM_SQLITE_MEMORY) {
        return 0;
    }
    /* A URI whose file we cannot tell ("%00" cuts SQLite's path short,
     * leaving a name unlike the text) must not be judged as its text. */
    if (rc < 0 && uri && fp->len >= 5 && memcmp(fp->s, "file:", 5) == 0) {
        return block_path(fp, ACC_WRITE);
    }
    file.s = rc == 0 ? path : fp->s;
    file.len = rc == 0 ? strlen(path) : fp->len;
    file.fd = -1;
    file.bytes = fp->bytes; /* borrowed: only tested for NULL */
    return judge(&file, -1, 1,
                 kind == HM_SQLITE_READ && !as_write ? ACC_READ : ACC_WRITE);
}

static int
sqlite_event(PyObject *args)
{
    struct fspath fp;
    PyObject *db;
    int rc, known_uri;

    if (!PyTuple_Check(args) || PyTuple_GET_SIZE(args) < 1) {
        return 0;
    }
    if (sqlite_setup() < 0) {
        return -1;
    }
    db = PyTuple_GET_ITEM(args, 0);
    if (fspath_from(db, &fp) < 0) {
        return -1;
    }
    if (fp.bytes == NULL) {
        return 0;
    }
    known_uri = is_connect_db(&fp) && connect_uri;
    rc = sqlite_judge(&fp, known_uri, 0);
    /* uri= is only known for connect(); sqlite3.Connection(...) made
     * directly, or by a factory, may open "file:" names as URIs: judge
     * the URI's path too, for writing (its mode= is not trusted). */
    if (rc == 0 && !known_uri && fp.len >= 5 &&
        memcmp(fp.s, "file:", 5) == 0) {
        rc = sqlite_judge(&fp, 1, 1);
    }
    fspath_clear(&fp);
    return rc;
}

/* Puts the connect replacement in place once _sqlite3 is loaded. */
static int
sqlite_setup(void)
{
    PyObject *name, *mod;

    if (p_connect.def != NULL) {
        return 0;
    }
    name = PyUnicode_FromString("_sqlite3");
    mod = name != NULL ? PyImport_GetModule(name) : NULL;
    Py_XDECREF(name);
    if (mod == NULL) {
        return PyErr_Occurred() ? -1 : 0;
    }
    Py_DECREF(mod);
    return hm_patch_apply(&p_connect, HM_THUNKS(connect));
}

/*
 * import (name, None, ...): "import sqlite3" will load _sqlite3; load it
 * a moment early to replace its connect before any connection can be
 * made.  Not at the import of _sqlite3 itself: importing a module from
 * the audit event of its own import crashes CPython 3.13.
 */
static int
import_event(PyObject *args)
{
    PyObject *name, *mod;

    if (p_connect.def != NULL || !PyTuple_Check(args) ||
        PyTuple_GET_SIZE(args) < 2 || PyTuple_GET_ITEM(args, 1) != Py_None) {
        return 0;
    }
    name = PyTuple_GET_ITEM(args, 0);
    if (!PyUnicode_Check(name) ||
        (PyUnicode_CompareWithASCIIString(name, "sqlite3") != 0 &&
         PyUnicode_CompareWithASCIIString(name, "sqlite3.dbapi2") != 0)) {
        return 0;
    }
    mod = PyImport_ImportModule("_sqlite3");
    if (mod == NULL) {
        PyErr_Clear(); /* the import itself will report it */
        return 0;
    }
    Py_DECREF(mod);
    return sqlite_setup();
}

/* --- entry points ------------------------------------------------------- */

int
hm_fs_event(enum hm_event_kind kind, const char *event, PyObject *args)
{
    if (!(hm.mask & HM_FS_READONLY)) {
        return 0;
    }
    switch (kind) {
    case EV_OPEN:
        return open_event(args);
    case EV_LISTDIR:
        return listing_event(args);
    case EV_FS_MUTATION:
        return mutation_event(event, args);
    case EV_SQLITE_CONNECT:
        return sqlite_event(args);
    case EV_IMPORT:
        return import_event(args);
    default:
        return 0;
    }
}

/* Sets the flag importlib reads before Py_Initialize: bytecode is then
 * never written (SPEC: imports work without .pyc).  Looked up by name
 * because the variable is deprecated in 3.12 headers. */
static void
no_bytecode_before_init(void)
{
    int *flag = dlsym(RTLD_DEFAULT, "Py_DontWriteBytecodeFlag");

    if (flag != NULL) {
        *flag = 1;
    }
}

static int
open_code_setup(void)
{
    if (open_code_hooked || !stack_has('r')) {
        return 0;
    }
    if (PyFile_SetOpenCodeHook(open_code_hook, NULL) < 0) {
        if (Py_IsInitialized()) {
            PyErr_SetString(PyExc_RuntimeError,
                            "hermetic: fs_root needs the open_code hook, "
                            "and another one is already installed");
        }
        return -1;
    }
    open_code_hooked = 1;
    return 0;
}

/* Before the interpreter exists (the shim's hermetic_preinit). */
int
hm_fs_preinit(void)
{
    if (!(hm.mask & HM_FS_READONLY)) {
        return 0;
    }
    no_bytecode_before_init();
    std_latch();
    return open_code_setup();
}

/*
 * With the interpreter running: at set-up and whenever a policy is
 * pushed.  sys.dont_write_bytecode makes importlib skip the write-opens
 * of .pyc files that would only be refused (it catches the OSError, but
 * every import would pay for it and trace it).
 */
int
hm_fs_setup(void)
{
    if (!(hm.mask & HM_FS_READONLY)) {
        return 0;
    }
    std_latch();
    if (PySys_SetObject("dont_write_bytecode", Py_True) < 0 ||
        open_code_setup() < 0 ||
        hm_patch_apply(&p_mkfifo, HM_THUNKS(mkfifo)) < 0 ||
        hm_patch_apply(&p_mknod, HM_THUNKS(mknod)) < 0 ||
        hm_patch_apply(&p_open, HM_THUNKS(os_open)) < 0) {
        return -1;
    }
    return sqlite_setup();
}
