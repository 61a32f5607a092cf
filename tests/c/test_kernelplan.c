/*
 * test_kernelplan.c: what the kernel tier makes of policies (kernelplan.h)
 * and the program kind of ELF headers (elfkind.h).  The seccomp programs
 * are run by a small BPF interpreter on seccomp_data rows.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include "elfkind.h"
#include "kernelplan.h"
#include "policy.h"
#include "tap.h"

#if defined(__x86_64__)
#define ARCH AUDIT_ARCH_X86_64
#else
#define ARCH AUDIT_ARCH_AARCH64
#endif

/* Runs the classic BPF subset we emit: LD ABS, JEQ/JGE/JSET K, RET K. */
static uint32_t
run_bpf(const struct sock_filter *prog, size_t n, const struct seccomp_data *d)
{
    uint32_t a = 0;

    for (size_t pc = 0; pc < n; pc++) {
        const struct sock_filter *f = &prog[pc];
        int taken;

        switch (f->code) {
        case BPF_LD | BPF_W | BPF_ABS:
            memcpy(&a, (const char *)d + f->k, 4);
            continue;
        case BPF_RET | BPF_K:
            return f->k;
        case BPF_JMP | BPF_JEQ | BPF_K:
            taken = a == f->k;
            break;
        case BPF_JMP | BPF_JGE | BPF_K:
            taken = a >= f->k;
            break;
        case BPF_JMP | BPF_JSET | BPF_K:
            taken = (a & f->k) != 0;
            break;
        default:
            return 0xdeadbeef;
        }
        pc += taken ? f->jt : f->jf;
    }
    return 0xdeadbeef;
}

#define ALLOW SECCOMP_RET_ALLOW
#define KILL SECCOMP_RET_KILL_PROCESS
#define ERR(e) (SECCOMP_RET_ERRNO | (e))

enum { P_NONE, P_NET, P_NET_LOCAL, P_SUB, P_FS, P_FS_WRITE, P_ALL };

/* The policy of a row, all with --kernel. */
static void
make_policy(struct hm_policy *p, int which)
{
    hm_policy_init(p);
    hm_policy_set_kernel(p, HM_KLEVEL_ON);
    switch (which) {
    case P_NET:
        hm_policy_set_bool(p, "block_network", 1);
        break;
    case P_NET_LOCAL:
        hm_policy_set_bool(p, "allow_localhost", 1);
        break;
    case P_SUB:
        hm_policy_set_bool(p, "block_subprocess", 1);
        break;
    case P_FS:
        hm_policy_set_bool(p, "fs_readonly", 1);
        break;
    case P_FS_WRITE:
        hm_policy_add(p, "allow_write", "/tmp/w");
        break;
    case P_ALL:
        hm_policy_apply_profile(p, "block-all");
        break;
    }
}

struct sys_row {
    int policy;
    uint32_t arch;
    int nr;
    uint64_t arg0;
    uint32_t want;
};

static const struct sys_row sys_rows[] = {
    {P_NONE, ARCH, __NR_execve, 0, ALLOW},
    {P_NONE, AUDIT_ARCH_I386, __NR_getpid, 0, KILL},
    {P_NONE, ARCH, __NR_prctl, 0, ALLOW},
    {P_SUB, ARCH, __NR_execve, 0, ERR(EPERM)},
    {P_SUB, ARCH, __NR_execveat, 0, ERR(EPERM)},
    {P_SUB, ARCH, 435 /* clone3 */, 0, ERR(ENOSYS)},
    {P_SUB, ARCH, __NR_clone, 0x11 /* SIGCHLD */, ERR(EPERM)},
    {P_SUB, ARCH, __NR_clone, 0x3d0f00 /* pthread_create */, ALLOW},
    {P_SUB, ARCH, __NR_clone, 0x4111 /* vfork-like */, ERR(EPERM)},
    {P_SUB, ARCH, __NR_socket, 2, ALLOW},
    {P_SUB, ARCH, __NR_getpid, 0, ALLOW},
#ifdef __NR_fork
    {P_SUB, ARCH, __NR_fork, 0, ERR(EPERM)},
    {P_SUB, ARCH, __NR_vfork, 0, ERR(EPERM)},
#endif
    {P_NET, ARCH, __NR_socket, 2 /* AF_INET */, ERR(EPERM)},
    {P_NET, ARCH, __NR_socket, 10 /* AF_INET6 */, ERR(EPERM)},
    {P_NET, ARCH, __NR_socket, 16 /* AF_NETLINK */, ERR(EPERM)},
    {P_NET, ARCH, __NR_socket, 17 /* AF_PACKET */, ERR(EPERM)},
    {P_NET, ARCH, __NR_socket, 1 /* AF_UNIX */, ALLOW},
    {P_NET, ARCH, __NR_socket, 0x100000001ull /* high bits ignored */, ALLOW},
    {P_NET, ARCH, __NR_socketpair, 1, ALLOW},
    {P_NET, ARCH, 425 /* io_uring_setup */, 0, ERR(ENOSYS)},
    {P_NET, ARCH, __NR_execve, 0, ALLOW},
    {P_NET_LOCAL, ARCH, __NR_socket, 2, ALLOW},
    {P_FS, ARCH, __NR_fchmodat, 0, ERR(EPERM)},
    {P_FS, ARCH, __NR_fchown, 0, ERR(EPERM)},
    {P_FS, ARCH, __NR_utimensat, 0, ERR(EPERM)},
    {P_FS, ARCH, __NR_fsetxattr, 0, ERR(EPERM)},
    {P_FS, ARCH, 452 /* fchmodat2 */, 0, ERR(EPERM)},
    {P_FS, ARCH, __NR_openat, 0, ALLOW},
    {P_FS_WRITE, ARCH, __NR_fchmodat, 0, ALLOW},
    {P_ALL, ARCH, __NR_fchmodat, 0, ERR(EPERM)},
    {P_ALL, ARCH, __NR_socket, 2, ERR(EPERM)},
    {P_ALL, ARCH, __NR_execve, 0, ERR(EPERM)},
#if defined(__x86_64__)
    {P_NONE, ARCH, 0x40000000 | __NR_getpid, 0, ERR(EPERM)},
    {P_NET, ARCH, 0x40000000 | 41 /* x32 socket */, 2, ERR(EPERM)},
#endif
};

static const struct hm_kenv full_kenv = {7, 1, NULL, 0};

static void
test_programs(void)
{
    static struct hm_kplan plan;

    for (size_t i = 0; i < sizeof(sys_rows) / sizeof(sys_rows[0]); i++) {
        const struct sys_row *r = &sys_rows[i];
        const struct hm_policy *v[1];
        struct seccomp_data d = {0};
        struct hm_policy p;
        uint32_t got;

        make_policy(&p, r->policy);
        v[0] = &p;
        TAP_OK(hm_kplan_build(v, 1, &full_kenv, &plan) == 0, "build %zu", i);
        TAP_OK(hm_kplan_check(plan.prog, plan.nprog) == 0, "check %zu", i);
        d.nr = r->nr;
        d.arch = r->arch;
        d.args[0] = r->arg0;
        got = run_bpf(plan.prog, plan.nprog, &d);
        TAP_OK(got == r->want, "row %zu: nr %d arg0 %#llx: %#x, want %#x", i,
               r->nr, (unsigned long long)r->arg0, got, r->want);
        hm_policy_free(&p);
    }
}

struct trunc_row {
    int policy;
    int nr;
    int arg; /* which argument holds the flags */
    uint64_t flags;
    uint32_t want;
};

/* Nowhere writable: seccomp, not Landlock, refuses truncation. */
static const struct trunc_row trunc_rows[] = {
    {P_FS, __NR_openat, 2, O_RDONLY, ALLOW},
    {P_FS, __NR_openat, 2, O_RDONLY | O_CLOEXEC | O_DIRECTORY, ALLOW},
    {P_FS, __NR_openat, 2, O_RDONLY | O_TRUNC, ERR(EPERM)},
    {P_FS, __NR_openat, 2, O_WRONLY | O_CREAT | O_TRUNC, ERR(EPERM)},
    {P_FS, __NR_openat, 1, O_TRUNC, ALLOW}, /* a path, not the flags */
#ifdef __NR_open
    {P_FS, __NR_open, 1, O_RDONLY | O_TRUNC, ERR(EPERM)},
    {P_FS, __NR_open, 1, O_RDONLY, ALLOW},
#endif
    {P_FS, 437 /* openat2 */, 2, 0, ERR(ENOSYS)},
    {P_FS, __NR_truncate, 1, 0, ERR(EPERM)},
    {P_FS, __NR_ftruncate, 1, 0, ALLOW},
    {P_FS, 425 /* io_uring_setup */, 0, 0, ERR(ENOSYS)},
    {P_FS_WRITE, __NR_openat, 2, O_RDONLY | O_TRUNC, ALLOW},
    {P_FS_WRITE, __NR_truncate, 1, 0, ALLOW},
    {P_NET, __NR_openat, 2, O_RDONLY | O_TRUNC, ALLOW},
};

static void
test_truncate(void)
{
    static const char *const none[] = {NULL};
    static struct hm_kplan plan;
    struct hm_kenv kenv = {7, 1, none, 0};
    const struct hm_kll_layer *l = &plan.layers[0];
    const struct hm_policy *v[1];
    struct hm_policy p;

    for (size_t i = 0; i < sizeof(trunc_rows) / sizeof(trunc_rows[0]); i++) {
        const struct trunc_row *r = &trunc_rows[i];
        struct seccomp_data d = {0};
        uint32_t got;

        make_policy(&p, r->policy);
        v[0] = &p;
        hm_kplan_build(v, 1, &full_kenv, &plan);
        d.nr = r->nr;
        d.arch = ARCH;
        d.args[r->arg] = r->flags;
        got = run_bpf(plan.prog, plan.nprog, &d);
        TAP_OK(got == r->want, "truncate row %zu: nr %d: %#x, want %#x", i,
               r->nr, got, r->want);
        hm_policy_free(&p);
    }
    make_policy(&p, P_FS);
    v[0] = &p;
    hm_kplan_build(v, 1, &kenv, &plan);
    TAP_OK((l->fs & HM_LL_FS_TRUNCATE) == 0,
           "nowhere writable, with seccomp: truncation left to it");
    kenv.seccomp = 0;
    hm_kplan_build(v, 1, &kenv, &plan);
    TAP_OK(l->fs & HM_LL_FS_TRUNCATE, "without seccomp: Landlock handles it");
    hm_policy_free(&p);
}

/* The mark answers the plan's own id only. */
static void
test_mark(void)
{
    static struct hm_kplan plan;
    struct seccomp_data d = {0};
    const struct hm_policy *v[1];
    struct hm_policy p;

    make_policy(&p, P_NET);
    v[0] = &p;
    hm_kplan_build(v, 1, &full_kenv, &plan);
    TAP_OK(plan.id != 0 && plan.id == hm_kplan_id(v, 1), "id is stable");
    d.nr = __NR_prctl;
    d.arch = ARCH;
    d.args[0] = HM_KMARK_OPTION;
    d.args[1] = plan.id;
    TAP_OK(run_bpf(plan.prog, plan.nprog, &d) == ERR(HM_KMARK_ERRNO),
           "the mark answers its id");
    d.args[1] = plan.id ^ (1ull << 40);
    TAP_OK(run_bpf(plan.prog, plan.nprog, &d) == ALLOW,
           "another id (high half) is not answered");
    d.args[1] = plan.id ^ 1;
    TAP_OK(run_bpf(plan.prog, plan.nprog, &d) == ALLOW,
           "another id (low half) is not answered");
    hm_policy_set_bool(&p, "block_subprocess", 1);
    TAP_OK(hm_kplan_id(v, 1) != plan.id, "another policy, another id");
    hm_policy_free(&p);
}

struct part_row {
    int policy;
    struct hm_kenv kenv;
    unsigned asked;
    unsigned held;
    const char *gaps;
};

static const struct part_row part_rows[] = {
    {P_NET, {7, 1, NULL, 0}, HM_KP_NETWORK, HM_KP_NETWORK, ""},
    {P_NET, {0, 0, NULL, 0}, HM_KP_NETWORK, 0, "--no-network"},
    {P_NET_LOCAL,
     {7, 1, NULL, 0},
     HM_KP_ALLOW_LOCALHOST,
     0,
     "--allow-localhost (loopback only)"},
    {P_SUB, {7, 1, NULL, 0}, HM_KP_SUBPROCESS, HM_KP_SUBPROCESS, ""},
    {P_FS,
     {7, 1, NULL, 0},
     HM_KP_FS_WRITE | HM_KP_FS_ATTR,
     HM_KP_FS_WRITE | HM_KP_FS_ATTR,
     ""},
    {P_FS,
     {2, 1, NULL, 0},
     HM_KP_FS_WRITE | HM_KP_FS_ATTR,
     HM_KP_FS_ATTR,
     "--fs-readonly"},
    {P_FS_WRITE,
     {7, 1, NULL, 0},
     HM_KP_FS_WRITE | HM_KP_FS_ATTR,
     HM_KP_FS_WRITE,
     "--fs-readonly (chmod, chown, utime, xattrs)"},
    {P_ALL,
     {7, 1, NULL, 0},
     HM_KP_NETWORK | HM_KP_UNIX_SOCKETS | HM_KP_SUBPROCESS | HM_KP_FS_WRITE |
         HM_KP_FS_ATTR | HM_KP_ENVIRONMENT | HM_KP_CODE_EXEC |
         HM_KP_INTERPRETER | HM_KP_NATIVE,
     HM_KP_NETWORK | HM_KP_SUBPROCESS | HM_KP_FS_WRITE | HM_KP_FS_ATTR,
     "--no-unix-sockets (socket paths), --no-environment, --no-code-exec, "
     "--no-interpreter-mutation, --block-native"},
};

static void
test_parts(void)
{
    static struct hm_kplan plan;
    char gaps[512];

    for (size_t i = 0; i < sizeof(part_rows) / sizeof(part_rows[0]); i++) {
        const struct part_row *r = &part_rows[i];
        const struct hm_policy *v[1];
        struct hm_policy p;

        make_policy(&p, r->policy);
        v[0] = &p;
        hm_kplan_build(v, 1, &r->kenv, &plan);
        TAP_OK(plan.asked == r->asked, "asked %zu: %#x", i, plan.asked);
        TAP_OK(plan.held == r->held, "held %zu: %#x", i, plan.held);
        hm_kplan_describe(plan.asked & ~plan.held, gaps, sizeof(gaps));
        TAP_STREQ(gaps, r->gaps, "gaps %zu", i);
        hm_policy_free(&p);
    }
}

/* Allowances intersect: one entry that allows nothing wins. */
static void
test_stack(void)
{
    static struct hm_kplan plan;
    struct hm_policy a, b;
    const struct hm_policy *v[2] = {&a, &b};

    make_policy(&a, P_NET_LOCAL);
    make_policy(&b, P_NET);
    hm_kplan_build(v, 2, &full_kenv, &plan);
    TAP_OK(plan.asked == HM_KP_NETWORK, "a blocking entry holds the network");
    hm_policy_free(&b);
    make_policy(&b, P_FS);
    hm_policy_set_bool(&a, "fs_readonly", 1);
    hm_policy_add(&a, "allow_write", "/tmp/x");
    hm_kplan_build(v, 2, &full_kenv, &plan);
    TAP_OK(plan.nlayers == 2, "one Landlock layer per read-only entry");
    TAP_OK(plan.held & HM_KP_FS_ATTR, "nowhere writable: chmod held");
    hm_policy_set_kernel(&b, HM_KLEVEL_STRICT);
    hm_kplan_build(v, 2, &full_kenv, &plan);
    TAP_OK(plan.level == HM_KLEVEL_STRICT, "the highest level wins");
    hm_policy_free(&a);
    hm_policy_free(&b);
}

static int
has_rule(const struct hm_kll_layer *l, const char *path, uint64_t access)
{
    for (size_t i = 0; i < l->nrules; i++) {
        if (strcmp(l->rules[i].path, path) == 0) {
            return l->rules[i].access == access;
        }
    }
    return 0;
}

#define WRITES                                                                \
    (HM_LL_FS_WRITE_FILE | HM_LL_FS_REMOVE_DIR | HM_LL_FS_REMOVE_FILE |       \
     HM_LL_FS_MAKE_CHAR | HM_LL_FS_MAKE_DIR | HM_LL_FS_MAKE_REG |             \
     HM_LL_FS_MAKE_SOCK | HM_LL_FS_MAKE_FIFO | HM_LL_FS_MAKE_BLOCK |          \
     HM_LL_FS_MAKE_SYM | HM_LL_FS_REFER | HM_LL_FS_TRUNCATE)
#define READS (HM_LL_FS_EXECUTE | HM_LL_FS_READ_FILE | HM_LL_FS_READ_DIR)

static void
test_landlock(void)
{
    static const char *const readable[] = {"/usr/lib", "/opt/venv"};
    static struct hm_kplan plan;
    struct hm_kenv kenv = {7, 1, readable, 2};
    const struct hm_policy *v[1];
    struct hm_policy p;
    const struct hm_kll_layer *l = &plan.layers[0];

    make_policy(&p, P_FS_WRITE);
    v[0] = &p;
    hm_kplan_build(v, 1, &kenv, &plan);
    TAP_OK(plan.nlayers == 1 && l->fs == WRITES, "read-only handles writes");
    TAP_OK(has_rule(l, "/tmp/w", WRITES), "--allow-write dir writable");
    TAP_OK(has_rule(l, "/dev/null", HM_LL_FS_WRITE_FILE | HM_LL_FS_TRUNCATE),
           "/dev/null writable");
    TAP_OK(l->scoped == HM_LL_SCOPE_SIGNAL, "signals scoped");
    TAP_OK(l->net == 0, "TCP not handled without --no-network");
    hm_policy_add(&p, "fs_root", "/srv");
    hm_policy_set_bool(&p, "block_network", 1);
    hm_policy_set_bool(&p, "block_unix_sockets", 1);
    hm_kplan_build(v, 1, &kenv, &plan);
    TAP_OK(l->fs == (WRITES | READS), "a root handles reads too");
    TAP_OK(has_rule(l, "/srv", READS) && has_rule(l, "/opt/venv", READS),
           "root and readable set readable");
    TAP_OK(has_rule(l, "/tmp/w", WRITES | READS), "write dir readable");
    TAP_OK(l->net == (HM_LL_NET_BIND_TCP | HM_LL_NET_CONNECT_TCP),
           "TCP denied by port");
    TAP_OK(l->scoped == (HM_LL_SCOPE_SIGNAL | HM_LL_SCOPE_ABSTRACT_UNIX),
           "abstract sockets scoped under --no-unix-sockets");
    kenv.abi = 3;
    hm_kplan_build(v, 1, &kenv, &plan);
    TAP_OK(l->net == 0 && l->scoped == 0, "ABI 3: no TCP, no scopes");
    kenv.abi = 1;
    hm_kplan_build(v, 1, &kenv, &plan);
    TAP_OK((l->fs & (HM_LL_FS_REFER | HM_LL_FS_TRUNCATE)) == 0,
           "ABI 1: only the rights it knows");
    kenv.abi = 0;
    hm_kplan_build(v, 1, &kenv, &plan);
    TAP_OK(plan.nlayers == 0, "no Landlock, no layers");
    hm_policy_free(&p);
}

static void
test_check(void)
{
    struct sock_filter bad_jump[] = {
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 5),
        BPF_STMT(BPF_RET | BPF_K, 0),
    };
    struct sock_filter no_ret[] = {BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0)};

    TAP_OK(hm_kplan_check(bad_jump, 2) == -EINVAL, "jump past the end");
    TAP_OK(hm_kplan_check(no_ret, 1) == -EINVAL, "no return at the end");
    TAP_OK(hm_kplan_check(no_ret, 0) == -EINVAL, "empty");
}

/* A minimal 64-bit ELF: header, then phnum program headers. */
static size_t
make_elf(unsigned char *buf, int machine, int cls, int interp)
{
    Elf64_Ehdr eh = {0};
    Elf64_Phdr ph = {0};

    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = (unsigned char)cls;
    eh.e_machine = (Elf64_Half)machine;
    eh.e_phoff = sizeof(eh);
    eh.e_phentsize = sizeof(ph);
    eh.e_phnum = 2;
    memcpy(buf, &eh, sizeof(eh));
    ph.p_type = PT_LOAD;
    memcpy(buf + sizeof(eh), &ph, sizeof(ph));
    ph.p_type = interp ? PT_INTERP : PT_NOTE;
    memcpy(buf + sizeof(eh) + sizeof(ph), &ph, sizeof(ph));
    return sizeof(eh) + 2 * sizeof(ph);
}

static void
test_elf(void)
{
#if defined(__x86_64__)
    int self = EM_X86_64, other = EM_AARCH64;
#else
    int self = EM_AARCH64, other = EM_X86_64;
#endif
    unsigned char buf[512];
    size_t n;

    TAP_OK(hm_elf_kind((const unsigned char *)"#!/bin/sh\n", 10) ==
               HM_ELF_NONE,
           "a script");
    n = make_elf(buf, self, ELFCLASS64, 1);
    TAP_OK(hm_elf_kind(buf, n) == HM_ELF_DYNAMIC, "dynamic");
    TAP_OK(hm_elf_kind(buf, n - 1) == HM_ELF_BAD, "truncated table");
    TAP_OK(hm_elf_kind(buf, 20) == HM_ELF_BAD, "truncated header");
    n = make_elf(buf, self, ELFCLASS64, 0);
    TAP_OK(hm_elf_kind(buf, n) == HM_ELF_STATIC, "static");
    n = make_elf(buf, other, ELFCLASS64, 1);
    TAP_OK(hm_elf_kind(buf, n) == HM_ELF_FOREIGN, "other machine");
    n = make_elf(buf, self, ELFCLASS32, 1);
    TAP_OK(hm_elf_kind(buf, n) == HM_ELF_FOREIGN, "32-bit");
}

/* A minimal shared library: a PT_LOAD of the first 0x100 bytes and a
 * PT_DYNAMIC inside it, or other values where the row asks. */
struct lib_shape {
    Elf64_Half type;
    Elf64_Word second; /* the second segment's type */
    Elf64_Off off;     /* the second segment's file offset */
    Elf64_Xword filesz;
};

static size_t
make_lib(unsigned char *buf, const struct lib_shape *shape)
{
    Elf64_Ehdr eh = {0};
    Elf64_Phdr ph = {0};

    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
#if defined(__x86_64__)
    eh.e_machine = EM_X86_64;
#else
    eh.e_machine = EM_AARCH64;
#endif
    eh.e_type = shape->type;
    eh.e_phoff = sizeof(eh);
    eh.e_phentsize = sizeof(ph);
    eh.e_phnum = 2;
    memcpy(buf, &eh, sizeof(eh));
    ph.p_type = PT_LOAD;
    ph.p_filesz = 0x100;
    memcpy(buf + sizeof(eh), &ph, sizeof(ph));
    ph.p_type = shape->second;
    ph.p_offset = shape->off;
    ph.p_filesz = shape->filesz;
    memcpy(buf + sizeof(eh) + sizeof(ph), &ph, sizeof(ph));
    return sizeof(eh) + 2 * sizeof(ph);
}

static void
test_library(void)
{
    static const struct {
        struct lib_shape shape;
        unsigned long long size;
        const char *fault; /* NULL: loads */
        const char *name;
    } rows[] = {
        {{ET_DYN, PT_DYNAMIC, 0x80, 0x20}, 0x100, NULL, "a library"},
        {{ET_DYN, PT_DYNAMIC, 0x80, 0x80}, 0x100, NULL, "ends at the end"},
        {{ET_DYN, PT_DYNAMIC, 0x80, 0x20},
         0xff,
         "truncated",
         "load segment cut"},
        {{ET_DYN, PT_DYNAMIC, 0x80, 0x81},
         0x100,
         "truncated",
         "dynamic segment cut"},
        {{ET_DYN, PT_DYNAMIC, ~(Elf64_Off)0, 0x20},
         0x100,
         "truncated",
         "offset past the end"},
        {{ET_DYN, PT_DYNAMIC, 0x80, ~(Elf64_Xword)0},
         0x100,
         "truncated",
         "size that wraps"},
        {{ET_EXEC, PT_DYNAMIC, 0x80, 0x20},
         0x100,
         "not a shared library",
         "an executable"},
        {{ET_DYN, PT_NOTE, 0x80, 0x20},
         0x100,
         "not a shared library",
         "no dynamic segment"},
    };
    unsigned char buf[512];
    size_t n;

    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        const char *got;

        n = make_lib(buf, &rows[i].shape);
        got = hm_elf_library_fault(buf, n, rows[i].size);
        TAP_OK(rows[i].fault == NULL
                   ? got == NULL
                   : got != NULL && strcmp(got, rows[i].fault) == 0,
               "%s", rows[i].name);
    }
    n = make_lib(buf, &rows[0].shape);
    TAP_OK(hm_elf_library_fault(buf, n - 1, 0x100) != NULL,
           "program headers cut");
    TAP_OK(strcmp(hm_elf_library_fault((const unsigned char *)"#!", 2, 2),
                  "not an ELF file") == 0,
           "a script");
    buf[EI_CLASS] = ELFCLASS32;
    TAP_OK(strcmp(hm_elf_library_fault(buf, n, 0x100),
                  "built for another architecture") == 0,
           "32-bit");
}

int
main(void)
{
    test_programs();
    test_truncate();
    test_mark();
    test_parts();
    test_stack();
    test_landlock();
    test_check();
    test_elf();
    test_library();
    return tap_done();
}
