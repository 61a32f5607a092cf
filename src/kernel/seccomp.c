/*
 * seccomp.c: the plan's seccomp program (kernel.h).
 */
#define _GNU_SOURCE
#include "kernel.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int
hm_seccomp_available(void)
{
    uint32_t action = SECCOMP_RET_ERRNO;

    return prctl(PR_GET_SECCOMP, 0, 0, 0, 0) >= 0 &&
           syscall(__NR_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) == 0;
}

int
hm_seccomp_marked(uint64_t id)
{
    if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) != SECCOMP_MODE_FILTER) {
        return 0;
    }
    return prctl(HM_KMARK_OPTION, (unsigned long)id, 0, 0, 0) == -1 &&
           errno == HM_KMARK_ERRNO;
}

int
hm_no_new_privs(void)
{
    return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 ? 0 : -errno;
}

/* TSYNC: threads a library started before us are filtered too; the call
 * returns the id of a thread it could not synchronise. */
int
hm_seccomp_apply(const struct hm_kplan *plan)
{
    struct sock_fprog prog = {(unsigned short)plan->nprog,
                              (struct sock_filter *)plan->prog};
    long rc;

    rc = syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER,
                 SECCOMP_FILTER_FLAG_TSYNC, &prog);
    if (rc < 0) {
        return -errno;
    }
    return rc == 0 ? 0 : -EAGAIN;
}
