/*
 * output.c: opening the run's report files before exec.
 *
 * They are opened here, before any guard applies, so a trace file can be
 * written under --fs-readonly.  Every guarded process inherits them by
 * number (carried in HERMETIC_FLAGS_JSON): numbers are moved high, out of
 * the way of the descriptors a program opens, and not close-on-exec.
 */
#define _GNU_SOURCE
#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Lowest descriptor number the report files get. */
#define HIGH_FD 200

/* fd moved to HIGH_FD or above, inheritable; -1 with errno set. */
static int
move_high(int fd)
{
    int high;

    if (fd < 0) {
        return -1;
    }
    high = fcntl(fd, F_DUPFD, HIGH_FD);
    if (high < 0) {
        high = fcntl(fd, F_DUPFD, 3); /* a low RLIMIT_NOFILE */
    }
    close(fd);
    return high;
}

/*
 * The shared log: an unnamed file in TMPDIR (or /tmp), open for append
 * and read, gone when the last process of the run closes it.
 */
static int
log_open(void)
{
    const char *dir = getenv("TMPDIR");
    char path[4096];
    int fd;

    if (dir == NULL || dir[0] == '\0') {
        dir = "/tmp";
    }
    fd = open(dir, O_TMPFILE | O_RDWR | O_APPEND, 0600);
    if (fd < 0) {
        snprintf(path, sizeof(path), "%s/hermetic-observe-XXXXXX", dir);
        fd = mkstemp(path);
        if (fd >= 0) {
            unlink(path);
            fcntl(fd, F_SETFL, O_APPEND);
        }
    }
    return move_high(fd);
}

int
hm_output_open(const struct hm_cli *cli, struct hm_output *out,
               struct hm_cli_error *e)
{
    if (cli->trace_file != NULL) {
        out->trace_fd = move_high(open(
            cli->trace_file, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0666));
        if (out->trace_fd < 0) {
            snprintf(e->what, sizeof(e->what), "--trace-file: %.300s: %s",
                     cli->trace_file, strerror(errno));
            return -1;
        }
    }
    if (cli->trace_json >= 0) {
        out->trace_json = cli->trace_json;
    }
    if (cli->policy.flags & HM_OBSERVE) {
        out->log_fd = log_open();
        out->top_pid = (long)getpid(); /* the target, after exec */
        if (out->log_fd < 0) {
            snprintf(e->what, sizeof(e->what),
                     "--observe: cannot create the run's log: %s",
                     strerror(errno));
            snprintf(e->hint, sizeof(e->hint),
                     "set TMPDIR to a writable directory");
            return -1;
        }
    }
    return 0;
}
