/*
 * trace.h: building trace lines (SPEC section 5).
 *
 *     [hermetic] blocked <api> [<key>=<value>]... reason=<flag>\n
 *
 * Pure C: the caller writes the finished line with one write(2).
 */
#ifndef HERMETIC_TRACE_H
#define HERMETIC_TRACE_H

#include <stddef.h>

/* Longest line, newline included. */
#define HM_LINE_MAX 4096

struct hm_line {
    char buf[HM_LINE_MAX + 64];
    size_t len; /* bytes of the body so far (before " reason=") */
    int cut;    /* the body did not fit and was cut */
};

/* Starts "[hermetic] <verb> <api>"; verb is "blocked" (or "would block"). */
void hm_line_start(struct hm_line *l, const char *verb, const char *api);

/* Appends " key=value", the value quoted when SPEC section 5 says so.
 * value may hold any bytes, NUL included. */
void hm_line_add(struct hm_line *l, const char *key, const char *value,
                 size_t vlen);

/*
 * Appends " reason=<reason>\n" and returns the whole line's length.  A
 * body that did not fit in HM_LINE_MAX is cut at a whole character or
 * escape, its open quote closed, and "..." added before " reason=".
 * The line is then in l->buf, NUL-terminated (the NUL not counted).  A
 * reason longer than 48 bytes is shortened; in verb, api, key and reason
 * (program text, never user data) a quote, backslash or control
 * character is written as '?', so no argument can break the line.
 */
size_t hm_line_finish(struct hm_line *l, const char *reason);

/*
 * Writes value into dst as a trace value: bare when it holds no space,
 * double quote, backslash or control character (and is not empty);
 * otherwise in double quotes with C escapes (\" \\ \n \r \t, \xHH).
 * Returns the length the whole value needs; writes at most cap bytes
 * and no NUL.
 */
size_t hm_quote(char *dst, size_t cap, const char *value, size_t vlen);

/* One report as a machine reads it (hermetic --trace-format=json and the
 * run's shared log): the trace line's fields, the guard, the exception's
 * target and the process. */
struct hm_report {
    const char *verb; /* "blocked" or "would block" */
    const char *api;
    const char *key; /* or NULL */
    const char *value;
    size_t vlen;
    const char *extra_key; /* or NULL */
    const char *extra_value;
    const char *reason;
    const char *guard;
    const char *target; /* or NULL */
    long pid;
};

/*
 * The report as one JSON object and a newline:
 *   {"verb":"would block","api":"socket.getaddrinfo","host":"x.org",
 *    "reason":"no-network","guard":"network","target":"x.org","pid":7}
 * Bytes that are not UTF-8 become U+FFFD; a value longer than 1,024 bytes
 * is cut and ends with "...".  Returns a malloc'd NUL-terminated string
 * and its length in *len, or NULL when out of memory.
 */
char *hm_report_json(const struct hm_report *r, size_t *len);

#endif
