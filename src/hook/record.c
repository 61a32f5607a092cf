/*
 * record.c: a bounded record of the violations of this process.
 *
 * Code under test may catch a violation and carry on; the pytest plugin's
 * strict mode must still see that it happened.  The record is a counter
 * and a ring of the last HM_RECORD_MAX violations, written only when an
 * action is blocked, so the hook's common path never touches it.  It runs
 * with the GIL held, like every caller of hm_block.
 */
#include "hook.h"

#include <stdlib.h>
#include <string.h>

#define HM_RECORD_MAX 64

struct hm_violation {
    char *guard;
    char *target; /* NULL when the violation has none */
    char *message;
    char *line;  /* the trace line, without its newline */
    int observe; /* reported as "would block", not blocked */
};

static struct hm_violation ring[HM_RECORD_MAX];
static unsigned long long count; /* violations since the last clear */

static void
entry_free(struct hm_violation *v)
{
    free(v->guard);
    free(v->target);
    free(v->message);
    free(v->line);
    memset(v, 0, sizeof(*v));
}

/* A copy of s, or NULL (for NULL, or when out of memory: the record is
 * best effort and a missing string reads as None). */
static char *
copy(const char *s, size_t len)
{
    char *d = s != NULL ? malloc(len + 1) : NULL;

    if (d != NULL) {
        memcpy(d, s, len);
        d[len] = '\0';
    }
    return d;
}

void
hm_record_add(const struct hm_block *b, int observe, const char *line,
              size_t len)
{
    struct hm_violation *v = &ring[count % HM_RECORD_MAX];

    entry_free(v);
    v->guard = copy(b->guard, strlen(b->guard));
    v->target = b->target != NULL ? copy(b->target, strlen(b->target)) : NULL;
    v->message = copy(b->message, strlen(b->message));
    if (len > 0 && line[len - 1] == '\n') {
        len--;
    }
    v->line = copy(line, len);
    v->observe = observe;
    count++;
}

void
hm_record_clear(void)
{
    for (size_t i = 0; i < HM_RECORD_MAX; i++) {
        entry_free(&ring[i]);
    }
    count = 0;
}

/* s as str, bytes that are not UTF-8 replaced; None for NULL. */
static PyObject *
text(const char *s)
{
    if (s == NULL) {
        Py_RETURN_NONE;
    }
    return PyUnicode_DecodeUTF8(s, (Py_ssize_t)strlen(s), "replace");
}

static PyObject *
entry_tuple(const struct hm_violation *v)
{
    PyObject *target =
        v->target != NULL ? PyUnicode_DecodeFSDefault(v->target) : text(NULL);

    if (target == NULL) {
        return NULL;
    }
    return Py_BuildValue("(NNNNO)", text(v->guard), target, text(v->message),
                         text(v->line), v->observe ? Py_True : Py_False);
}

/*
 * (count, [(guard, target, message, line, would_block), ...]): the
 * number of
 * violations since the last clear and the last of them, oldest first.
 * The target is decoded as the exception's is; the rest as UTF-8.  New
 * reference.
 */
PyObject *
hm_record_list(void)
{
    size_t kept = count < HM_RECORD_MAX ? (size_t)count : HM_RECORD_MAX;
    PyObject *list = PyList_New((Py_ssize_t)kept);

    if (list == NULL) {
        return NULL;
    }
    for (size_t i = 0; i < kept; i++) {
        size_t slot = (size_t)((count - kept + i) % HM_RECORD_MAX);
        PyObject *t = entry_tuple(&ring[slot]);

        if (t == NULL) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, (Py_ssize_t)i, t);
    }
    return Py_BuildValue("(KN)", count, list);
}
