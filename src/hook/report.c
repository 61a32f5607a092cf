/*
 * report.c: where the reports of blocked and observed actions go.
 *
 * By default trace lines go to stderr, as text.  The launcher can give a
 * trace file and a shared log (hermetic --trace-file, --observe): it opens
 * them before exec and every guarded process inherits the descriptors by
 * number, carried in HERMETIC_FLAGS_JSON.  They survive exec because they
 * are not close-on-exec, and subprocess's close_fds because the fork_exec
 * replacement adds them to pass_fds (hm_output_pass_fds).
 *
 * Guarded code can close or reuse those numbers.  Each descriptor's file
 * is remembered when adopted and checked before every write, so a report
 * never lands in a file the program opened later; a descriptor that
 * changed is dropped for good.  Only blocked actions are reported, so the
 * check never runs on the hook's common path.
 */
#include "hook.h"

#include <dirent.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "trace.h"

struct sink {
    int *fd; /* into hm.out */
    dev_t dev;
    ino_t ino;
};

static struct sink trace_sink = {&hm.out.trace_fd, 0, 0};
static struct sink log_sink = {&hm.out.log_fd, 0, 0};
static int output_ready;

/* Remembers which file the descriptor is, or drops it when it is not
 * open. */
static void
sink_adopt(struct sink *s)
{
    struct stat st;

    if (*s->fd < 0) {
        return;
    }
    if (fstat(*s->fd, &st) < 0) {
        *s->fd = -1;
        return;
    }
    s->dev = st.st_dev;
    s->ino = st.st_ino;
}

/* The descriptor, if it is still the file adopted; -1 otherwise. */
static int
sink_fd(struct sink *s)
{
    struct stat st;

    if (*s->fd < 0) {
        return -1;
    }
    if (fstat(*s->fd, &st) < 0 || st.st_dev != s->dev || st.st_ino != s->ino) {
        *s->fd = -1;
        hm_stack_changed(); /* children no longer get it */
    }
    return *s->fd;
}

void
hm_output_adopt(const struct hm_output *o)
{
    hm.out = *o;
    sink_adopt(&trace_sink);
    sink_adopt(&log_sink);
    output_ready = 1;
}

/* API mode: no launcher gave anything; trace lines go to stderr. */
void
hm_output_default(void)
{
    if (!output_ready) {
        hm_output_init(&hm.out);
        output_ready = 1;
    }
}

/* The report as JSON (malloc'd), or NULL when out of memory. */
static char *
json_of(const struct hm_block *b, int observe, size_t *len)
{
    struct hm_report r;

    r.verb = observe ? "would block" : "blocked";
    r.api = b->api;
    r.key = b->key;
    r.value = b->value;
    r.vlen = b->vlen;
    r.extra_key = b->extra_key;
    r.extra_value = b->extra_value;
    r.reason = b->reason;
    r.guard = b->guard;
    r.target = b->target;
    r.pid = (long)getpid();
    return hm_report_json(&r, len);
}

/*
 * Reports one action: its trace line (line, already built) when tracing
 * or observing, to the trace file or stderr; and a JSON line to the run's
 * shared log when there is one.  One write(2) each, so lines from threads
 * and processes never interleave (the log is opened O_APPEND).
 */
void
hm_report_write(const struct hm_block *b, int observe, const char *line,
                size_t len)
{
    int trace = observe || (hm.mask & HM_TRACE);
    int fd = output_ready ? sink_fd(&trace_sink) : -1;
    int log = output_ready ? sink_fd(&log_sink) : -1;
    char *json = NULL;
    size_t jlen = 0;

    if ((trace && hm.out.trace_json && output_ready) || log >= 0) {
        json = json_of(b, observe, &jlen);
    }
    if (trace) {
        fd = fd >= 0 ? fd : STDERR_FILENO;
        if (hm.out.trace_json && output_ready && json != NULL) {
            hm_write_all(fd, json, jlen);
        } else {
            hm_write_all(fd, line, len);
        }
    }
    if (log >= 0 && json != NULL) {
        hm_write_all(log, json, jlen);
    }
    free(json);
}

static int
add_fd(PyObject *list, int fd)
{
    PyObject *n;
    int rc;

    if (fd < 0) {
        return 0;
    }
    n = PyLong_FromLong(fd);
    rc = n != NULL && !PySequence_Contains(list, n) ? PyList_Append(list, n)
                                                    : (n != NULL ? 0 : -1);
    Py_XDECREF(n);
    return rc;
}

/*
 * The pass_fds of _posixsubprocess.fork_exec (a sorted tuple of ints)
 * with our descriptors added, so close_fds keeps them.  New reference;
 * fds itself when there is nothing to add.
 */
PyObject *
hm_output_pass_fds(PyObject *fds)
{
    PyObject *list, *t;

    if (!output_ready || !PyTuple_Check(fds) ||
        (hm.out.trace_fd < 0 && hm.out.log_fd < 0)) {
        Py_INCREF(fds);
        return fds;
    }
    list = PySequence_List(fds);
    if (list == NULL || add_fd(list, hm.out.trace_fd) < 0 ||
        add_fd(list, hm.out.log_fd) < 0 || PyList_Sort(list) < 0) {
        Py_XDECREF(list);
        return NULL;
    }
    t = PyList_AsTuple(list);
    Py_DECREF(list);
    return t;
}

/* Appends (action, fd) to list. */
static int
add_action(PyObject *list, long action, long fd)
{
    PyObject *t = Py_BuildValue("(ll)", action, fd);
    int rc = t != NULL ? PyList_Append(list, t) : -1;

    Py_XDECREF(t);
    return rc;
}

static int
is_ours(long fd)
{
    return fd == hm.out.trace_fd || fd == hm.out.log_fd;
}

/*
 * A closefrom(low) that would close our descriptors, rewritten: every
 * other descriptor open now from low up to ours is closed one by one,
 * then everything above ours.  (Closing one that is no longer open is not
 * an error for posix_spawn.)
 */
static int
add_closefrom(PyObject *list, long closefrom, long close, long low)
{
    long top =
        hm.out.trace_fd > hm.out.log_fd ? hm.out.trace_fd : hm.out.log_fd;
    DIR *d;
    struct dirent *e;
    int rc = 0;

    if (low > top) {
        return add_action(list, closefrom, low);
    }
    d = opendir("/proc/self/fd");
    while (d != NULL && rc == 0 && (e = readdir(d)) != NULL) {
        long fd = strtol(e->d_name, NULL, 10);

        if (e->d_name[0] >= '0' && e->d_name[0] <= '9' && fd >= low &&
            fd < top && !is_ours(fd) && fd != dirfd(d)) {
            rc = add_action(list, close, fd);
        }
    }
    if (d != NULL) {
        closedir(d);
    }
    return rc == 0 ? add_action(list, closefrom, top + 1) : -1;
}

/*
 * The file_actions of os.posix_spawn with our report descriptors kept:
 * Python 3.13's subprocess implements close_fds with POSIX_SPAWN_CLOSEFROM,
 * which would close them.  New reference; actions itself when there is
 * nothing to change.
 */
PyObject *
hm_output_file_actions(PyObject *actions)
{
    PyObject *posix, *list = NULL, *seq;
    long closefrom = -1, close = -1;

    if (!output_ready || actions == Py_None ||
        (hm.out.trace_fd < 0 && hm.out.log_fd < 0)) {
        Py_INCREF(actions);
        return actions;
    }
    posix = PyImport_ImportModule("posix");
    if (posix != NULL) {
        PyObject *c = PyObject_GetAttrString(posix, "POSIX_SPAWN_CLOSEFROM");
        PyObject *k = PyObject_GetAttrString(posix, "POSIX_SPAWN_CLOSE");

        closefrom = c != NULL ? PyLong_AsLong(c) : -1;
        close = k != NULL ? PyLong_AsLong(k) : -1;
        Py_XDECREF(c);
        Py_XDECREF(k);
        Py_DECREF(posix);
    }
    PyErr_Clear();
    seq = PySequence_Fast(actions, "file_actions must be a sequence");
    if (closefrom < 0 || seq == NULL) {
        Py_XDECREF(seq);
        PyErr_Clear();
        Py_INCREF(actions);
        return actions;
    }
    list = PyList_New(0);
    for (Py_ssize_t i = 0; list != NULL && i < PySequence_Fast_GET_SIZE(seq);
         i++) {
        PyObject *a = PySequence_Fast_GET_ITEM(seq, i);
        int rc;

        if (PyTuple_Check(a) && PyTuple_GET_SIZE(a) == 2 &&
            PyLong_Check(PyTuple_GET_ITEM(a, 0)) &&
            PyLong_AsLong(PyTuple_GET_ITEM(a, 0)) == closefrom &&
            PyLong_Check(PyTuple_GET_ITEM(a, 1))) {
            rc = add_closefrom(list, closefrom, close,
                               PyLong_AsLong(PyTuple_GET_ITEM(a, 1)));
        } else {
            rc = PyList_Append(list, a);
        }
        if (rc < 0) {
            Py_CLEAR(list);
        }
    }
    Py_DECREF(seq);
    return list;
}
