/*
 * pathresolve.c: canonical policy paths (see pathresolve.h).
 */
#include "pathresolve.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Replaces *slot with its realpath, which must be a directory.  On
 * failure *slot is unchanged. */
static int
resolve_one(char **slot, char *bad, size_t badlen)
{
    char *canon = realpath(*slot, NULL);
    struct stat st;

    if (canon == NULL) {
        int rc = errno == ENOMEM ? -ENOMEM : -(errno ? errno : EINVAL);

        snprintf(bad, badlen, "%s", *slot);
        return rc;
    }
    if (stat(canon, &st) < 0 || !S_ISDIR(st.st_mode)) {
        snprintf(bad, badlen, "%s", *slot);
        free(canon);
        return -ENOTDIR;
    }
    free(*slot);
    *slot = canon;
    return 0;
}

int
hm_policy_resolve_paths(struct hm_policy *p, char *bad, size_t badlen)
{
    int rc = 0;

    if (p->fs_root != NULL) {
        rc = resolve_one(&p->fs_root, bad, badlen);
    }
    for (size_t i = 0; rc == 0 && i < p->allow_write.n; i++) {
        rc = resolve_one(&p->allow_write.v[i], bad, badlen);
    }
    return rc;
}
