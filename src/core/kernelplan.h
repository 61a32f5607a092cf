/*
 * kernelplan.h: what the kernel can hold of a policy stack (SPEC section
 * 9), computed without a system call: the Landlock rulesets, the seccomp
 * program, and the parts of the policy the kernel cannot express.
 *
 * src/kernel/ applies a plan; the launcher only describes it.  Functions
 * return 0 or a negative errno value; none prints.
 */
#ifndef HERMETIC_KERNELPLAN_H
#define HERMETIC_KERNELPLAN_H

#include <stddef.h>
#include <stdint.h>

#include <linux/filter.h>

#include "policy.h"

/*
 * Landlock access rights and rule types, by value: the kernel's ABI is
 * stable, and the installed <linux/landlock.h> may predate the ABI the
 * running kernel has.
 */
#define HM_LL_FS_EXECUTE (1ull << 0)
#define HM_LL_FS_WRITE_FILE (1ull << 1)
#define HM_LL_FS_READ_FILE (1ull << 2)
#define HM_LL_FS_READ_DIR (1ull << 3)
#define HM_LL_FS_REMOVE_DIR (1ull << 4)
#define HM_LL_FS_REMOVE_FILE (1ull << 5)
#define HM_LL_FS_MAKE_CHAR (1ull << 6)
#define HM_LL_FS_MAKE_DIR (1ull << 7)
#define HM_LL_FS_MAKE_REG (1ull << 8)
#define HM_LL_FS_MAKE_SOCK (1ull << 9)
#define HM_LL_FS_MAKE_FIFO (1ull << 10)
#define HM_LL_FS_MAKE_BLOCK (1ull << 11)
#define HM_LL_FS_MAKE_SYM (1ull << 12)
#define HM_LL_FS_REFER (1ull << 13)    /* ABI 2 */
#define HM_LL_FS_TRUNCATE (1ull << 14) /* ABI 3 */
#define HM_LL_NET_BIND_TCP (1ull << 0) /* ABI 4 */
#define HM_LL_NET_CONNECT_TCP (1ull << 1)
#define HM_LL_SCOPE_ABSTRACT_UNIX (1ull << 0) /* ABI 6 */
#define HM_LL_SCOPE_SIGNAL (1ull << 1)

/* Rights of a file (not a directory) in a path rule. */
#define HM_LL_FS_FILE_RIGHTS                                                  \
    (HM_LL_FS_EXECUTE | HM_LL_FS_WRITE_FILE | HM_LL_FS_READ_FILE |            \
     HM_LL_FS_TRUNCATE)

/* Parts of a policy, for what the kernel holds and what it does not. */
enum hm_kpart {
    HM_KP_NETWORK = 1u << 0,         /* --no-network, nothing allowed */
    HM_KP_ALLOW_LOCALHOST = 1u << 1, /* loopback only */
    HM_KP_ALLOW_DOMAINS = 1u << 2,
    HM_KP_ALLOW_IPS = 1u << 3,
    HM_KP_UNIX_SOCKETS = 1u << 4, /* paths; abstract names are scoped */
    HM_KP_SUBPROCESS = 1u << 5,
    HM_KP_FS_WRITE = 1u << 6, /* write-opens and mutation (Landlock) */
    HM_KP_FS_ATTR = 1u << 7,  /* chmod, chown, utime, xattrs (seccomp) */
    HM_KP_FS_ROOT = 1u << 8,  /* reads only under ROOT */
    HM_KP_ENVIRONMENT = 1u << 9,
    HM_KP_IMPORTS = 1u << 10,
    HM_KP_CODE_EXEC = 1u << 11,
    HM_KP_INTERPRETER = 1u << 12,
    HM_KP_NATIVE = 1u << 13,
};

/* What the running kernel offers; filled by src/kernel (or a test). */
struct hm_kenv {
    int abi;                     /* Landlock ABI, 0 when there is none */
    int seccomp;                 /* 1 when seccomp filters work */
    const char *const *readable; /* what --fs-readonly=ROOT keeps readable */
    size_t nreadable;            /* (the interpreter, the loader) */
};

#define HM_KPLAN_LAYERS 8
#define HM_KPLAN_RULES 64
#define HM_KPLAN_INSNS 128

/* One path rule; path is borrowed from the stack or the kenv. */
struct hm_kll_rule {
    const char *path;
    uint64_t access;
};

/* One Landlock ruleset: what it handles, and what its rules allow. */
struct hm_kll_layer {
    uint64_t fs;
    uint64_t net;
    uint64_t scoped;
    struct hm_kll_rule rules[HM_KPLAN_RULES];
    size_t nrules;
};

struct hm_kplan {
    int level;      /* HM_KLEVEL_*: the highest in the stack */
    unsigned asked; /* hm_kpart: what the stack asks for */
    unsigned held;  /* hm_kpart: what this kernel holds of it */
    uint64_t id;    /* of the stack: "this plan is applied" (the mark) */
    struct hm_kll_layer layers[HM_KPLAN_LAYERS];
    size_t nlayers;
    struct sock_filter prog[HM_KPLAN_INSNS];
    size_t nprog;
};

/*
 * The prctl(2) option the seccomp program answers with HM_KMARK_ERRNO
 * when its second argument is the plan's id: how a process learns that an
 * ancestor applied this very plan, so it is applied once per tree.
 * Without the program, prctl fails with EINVAL.
 */
#define HM_KMARK_OPTION 0x484d4b31u /* "HMK1" */
#define HM_KMARK_ERRNO 131          /* ENOTRECOVERABLE, never from prctl */

/*
 * Computes the plan of a stack (every entry permanent) for kenv.  The
 * plan borrows strings from v and kenv.  Blocks are ORed and allowances
 * intersect (SPEC section 2): the kernel denies the network when some
 * entry blocks it with nothing allowed, and each entry that makes the
 * filesystem read-only gets its own Landlock layer, so the layers
 * intersect as the policies do.  -E2BIG: more layers, rules or
 * instructions than a plan holds.
 */
int hm_kplan_build(const struct hm_policy *const *v, size_t n,
                   const struct hm_kenv *kenv, struct hm_kplan *out);

/* The id of a stack: FNV-1a of its canonical encoding; 0 on ENOMEM. */
uint64_t hm_kplan_id(const struct hm_policy *const *v, size_t n);

/*
 * Writes the parts in mask as the flags a user gave, comma-separated:
 * "--allow-localhost (loopback only), --no-environment".  Returns the
 * length it needed (snprintf-like).
 */
size_t hm_kplan_describe(unsigned mask, char *dst, size_t cap);

/*
 * Checks a program the way the kernel's verifier would for what we emit:
 * not empty, every jump lands inside it, the last instruction returns.
 * 0 or -EINVAL.
 */
int hm_kplan_check(const struct sock_filter *prog, size_t n);

#endif
