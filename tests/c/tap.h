/*
 * tap.h: a tiny TAP-style harness for the C unit tests.
 *
 * Each check prints "ok N - what" or "not ok N - what (file:line)";
 * tap_done() prints the plan and "N passed, N failed" last, and returns
 * the exit status (1 on any failure).
 */
#ifndef HERMETIC_TAP_H
#define HERMETIC_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_passed;
static int tap_failed;

static inline void tap_vcheck(int ok, const char *file, int line,
                              const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));

static inline void
tap_vcheck(int ok, const char *file, int line, const char *fmt, va_list ap)
{
    printf("%s %d - ", ok ? "ok" : "not ok", tap_passed + tap_failed + 1);
    vprintf(fmt, ap);
    if (!ok) {
        printf(" (%s:%d)", file, line);
    }
    printf("\n");
    if (ok) {
        tap_passed++;
    } else {
        tap_failed++;
    }
}

static inline int tap_check(int ok, const char *file, int line,
                            const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static inline int
tap_check(int ok, const char *file, int line, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    tap_vcheck(ok, file, line, fmt, ap);
    va_end(ap);
    return ok;
}

static inline int tap_streq(const char *got, const char *want,
                            const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Like tap_check on strcmp(got, want) == 0, printing both on a miss. */
static inline int
tap_streq(const char *got, const char *want, const char *file, int line,
          const char *fmt, ...)
{
    int ok = got != NULL && want != NULL && !strcmp(got, want);
    va_list ap;

    va_start(ap, fmt);
    tap_vcheck(ok, file, line, fmt, ap);
    va_end(ap);
    if (!ok) {
        printf("#   got:  \"%s\"\n", got ? got : "(null)");
        printf("#   want: \"%s\"\n", want ? want : "(null)");
    }
    return ok;
}

/* TAP_OK(condition, "printf format", ...) */
#define TAP_OK(cond, ...) tap_check(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

/* TAP_STREQ(got, want, "printf format", ...) */
#define TAP_STREQ(got, want, ...)                                             \
    tap_streq((got), (want), __FILE__, __LINE__, __VA_ARGS__)

static inline int
tap_done(void)
{
    printf("1..%d\n", tap_passed + tap_failed);
    printf("%d passed, %d failed\n", tap_passed, tap_failed);
    return tap_failed ? 1 : 0;
}

#endif
