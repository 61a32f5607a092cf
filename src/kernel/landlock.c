/*
 * landlock.c: Landlock rulesets from a plan (kernel.h).
 */
#define _GNU_SOURCE
#include "kernel.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset 444
#define __NR_landlock_add_rule 445
#define __NR_landlock_restrict_self 446
#endif

#define CREATE_RULESET_VERSION (1u << 0)
#define RULE_PATH_BENEATH 1

/* The kernel's structures, as of ABI 6; an older kernel accepts the
 * longer one while the fields it does not know are zero. */
struct ruleset_attr {
    uint64_t handled_access_fs;
    uint64_t handled_access_net;
    uint64_t scoped;
};

struct path_beneath_attr {
    uint64_t allowed_access;
    int32_t parent_fd;
} __attribute__((packed));

int
hm_landlock_abi(void)
{
    long abi =
        syscall(__NR_landlock_create_ruleset, NULL, 0, CREATE_RULESET_VERSION);

    return abi > 0 ? (int)abi : 0;
}

/* Adds one path rule; a path that does not exist needs none. */
static int
add_path(int ruleset, const struct hm_kll_rule *r)
{
    struct path_beneath_attr pb = {r->access, -1};
    struct stat st;
    int rc = 0;

    pb.parent_fd = open(r->path, O_PATH | O_CLOEXEC);
    if (pb.parent_fd < 0) {
        return errno == ENOENT || errno == ENOTDIR ? 0 : -errno;
    }
    if (fstat(pb.parent_fd, &st) == 0 && !S_ISDIR(st.st_mode)) {
        pb.allowed_access &= HM_LL_FS_FILE_RIGHTS;
    }
    if (pb.allowed_access != 0 && syscall(__NR_landlock_add_rule, ruleset,
                                          RULE_PATH_BENEATH, &pb, 0) < 0) {
        rc = -errno;
    }
    close(pb.parent_fd);
    return rc;
}

static int
apply_layer(const struct hm_kll_layer *l)
{
    struct ruleset_attr attr = {l->fs, l->net, l->scoped};
    int rc = 0;
    int fd;

    fd = (int)syscall(__NR_landlock_create_ruleset, &attr, sizeof(attr), 0);
    if (fd < 0) {
        return -errno;
    }
    for (size_t i = 0; rc == 0 && i < l->nrules; i++) {
        rc = add_path(fd, &l->rules[i]);
    }
    if (rc == 0 && syscall(__NR_landlock_restrict_self, fd, 0) < 0) {
        rc = -errno;
    }
    close(fd);
    return rc;
}

int
hm_landlock_apply(const struct hm_kplan *plan)
{
    int rc = 0;

    for (size_t i = 0; rc == 0 && i < plan->nlayers; i++) {
        rc = apply_layer(&plan->layers[i]);
    }
    return rc;
}
