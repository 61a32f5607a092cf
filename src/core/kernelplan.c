/*
 * kernelplan.c: the kernel's share of a policy stack (see kernelplan.h).
 *
 * The seccomp program is raw BPF for the architecture this file is built
 * for; it checks that architecture first, because the same syscall number
 * means another call under another ABI (i386, x32).
 */
#include "kernelplan.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/audit.h>
#include <linux/seccomp.h>
#include <sys/syscall.h>

#include "policy.h"

#if defined(__x86_64__) && !defined(__ILP32__)
#define HM_AUDIT_ARCH AUDIT_ARCH_X86_64
#define HM_X32_BIT 0x40000000u
#elif defined(__aarch64__)
#define HM_AUDIT_ARCH AUDIT_ARCH_AARCH64
#else
#error "the kernel tier knows the syscalls of x86_64 and aarch64 only"
#endif

/* Numbers from 424 on are the same on every architecture; headers older
 * than the running kernel may lack them. */
#ifndef __NR_io_uring_setup
#define __NR_io_uring_setup 425
#endif
#ifndef __NR_clone3
#define __NR_clone3 435
#endif
#ifndef __NR_fchmodat2
#define __NR_fchmodat2 452
#endif
#ifndef __NR_setxattrat
#define __NR_setxattrat 463
#endif
#ifndef __NR_removexattrat
#define __NR_removexattrat 466
#endif

#define CLONE_THREAD_FLAG 0x00010000u
#define AF_UNIX_FAMILY 1u

/* --- the parts ---------------------------------------------------------- */

struct part_name {
    unsigned part;
    const char *text;
};

static const struct part_name part_names[] = {
    {HM_KP_NETWORK, "--no-network"},
    {HM_KP_ALLOW_LOCALHOST, "--allow-localhost (loopback only)"},
    {HM_KP_ALLOW_DOMAINS, "--allow-domain"},
    {HM_KP_ALLOW_IPS, "--allow-ip"},
    {HM_KP_UNIX_SOCKETS, "--no-unix-sockets (socket paths)"},
    {HM_KP_SUBPROCESS, "--no-subprocess"},
    {HM_KP_FS_WRITE, "--fs-readonly"},
    {HM_KP_FS_ATTR, "--fs-readonly (chmod, chown, utime, xattrs)"},
    {HM_KP_FS_ROOT, "--fs-readonly=ROOT"},
    {HM_KP_ENVIRONMENT, "--no-environment"},
    {HM_KP_IMPORTS, "--deny-import"},
    {HM_KP_CODE_EXEC, "--no-code-exec"},
    {HM_KP_INTERPRETER, "--no-interpreter-mutation"},
    {HM_KP_NATIVE, "--block-native"},
};

size_t
hm_kplan_describe(unsigned mask, char *dst, size_t cap)
{
    size_t len = 0;

    if (cap > 0) {
        dst[0] = '\0';
    }
    for (size_t i = 0; i < sizeof(part_names) / sizeof(part_names[0]); i++) {
        const char *sep = len > 0 ? ", " : "";
        int n;

        if (!(mask & part_names[i].part)) {
            continue;
        }
        n = snprintf(len < cap ? dst + len : NULL, len < cap ? cap - len : 0,
                     "%s%s", sep, part_names[i].text);
        len += n > 0 ? (size_t)n : 0;
    }
    return len;
}

static int
has_allowance(const struct hm_policy *p)
{
    return (p->flags & HM_ALLOW_LOCALHOST) || p->allow_domains.n > 0 ||
           p->allow_ips.n > 0;
}

/* Parts one policy asks for, network allowances aside. */
static unsigned
policy_parts(const struct hm_policy *p)
{
    static const struct {
        unsigned flag;
        unsigned part;
    } simple[] = {
        {HM_BLOCK_UNIX_SOCKETS, HM_KP_UNIX_SOCKETS},
        {HM_BLOCK_SUBPROCESS, HM_KP_SUBPROCESS},
        {HM_FS_READONLY, HM_KP_FS_WRITE | HM_KP_FS_ATTR},
        {HM_BLOCK_ENVIRONMENT, HM_KP_ENVIRONMENT},
        {HM_BLOCK_CODE_EXEC, HM_KP_CODE_EXEC},
        {HM_BLOCK_INTERPRETER_MUTATION, HM_KP_INTERPRETER},
        {HM_BLOCK_NATIVE, HM_KP_NATIVE},
    };
    unsigned parts = 0;

    for (size_t i = 0; i < sizeof(simple) / sizeof(simple[0]); i++) {
        if (p->flags & simple[i].flag) {
            parts |= simple[i].part;
        }
    }
    if (p->fs_root != NULL) {
        parts |= HM_KP_FS_ROOT;
    }
    if (p->deny_imports.n > 0) {
        parts |= HM_KP_IMPORTS;
    }
    return parts;
}

/* The network parts of the stack: all of it when one entry allows
 * nothing (allowances intersect), else the allowances asked for. */
static unsigned
network_parts(const struct hm_policy *const *v, size_t n)
{
    unsigned allow = 0;

    for (size_t i = 0; i < n; i++) {
        const struct hm_policy *p = v[i];

        if (!(p->flags & HM_BLOCK_NETWORK)) {
            continue;
        }
        if (!has_allowance(p)) {
            return HM_KP_NETWORK;
        }
        allow |= p->flags & HM_ALLOW_LOCALHOST ? HM_KP_ALLOW_LOCALHOST : 0;
        allow |= p->allow_domains.n > 0 ? HM_KP_ALLOW_DOMAINS : 0;
        allow |= p->allow_ips.n > 0 ? HM_KP_ALLOW_IPS : 0;
    }
    return allow;
}

/* 1 when some entry is read-only with nowhere to write: then seccomp can
 * deny chmod and the rest outright. */
static int
nowhere_writable(const struct hm_policy *const *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if ((v[i]->flags & HM_FS_READONLY) && v[i]->allow_write.n == 0) {
            return 1;
        }
    }
    return 0;
}

static unsigned
held_parts(unsigned asked, int fs_attr, const struct hm_kenv *kenv)
{
    unsigned held = 0;

    if (kenv->seccomp) {
        held |= HM_KP_NETWORK | HM_KP_SUBPROCESS;
        held |= fs_attr ? HM_KP_FS_ATTR : 0;
    }
    if (kenv->abi >= 3) {
        held |= HM_KP_FS_WRITE;
    }
    if (kenv->abi >= 1) {
        held |= HM_KP_FS_ROOT;
    }
    return held & asked;
}

/* --- Landlock ------------------------------------------------------------ */

#define READ_RIGHTS (HM_LL_FS_EXECUTE | HM_LL_FS_READ_FILE | HM_LL_FS_READ_DIR)

/*
 * The write rights this ABI knows.  Truncation is one of them from ABI 3,
 * but a handled truncate right costs every open: Landlock looks for it
 * (for ftruncate later) from the file up to the root, since no rule of a
 * read-only layer grants it.  A layer with no writable directory does not
 * handle it when seccomp is there to deny truncation instead
 * (emit_truncate), and then an open inside ROOT stops at ROOT's rule.
 */
static uint64_t
write_rights(int abi, int truncate)
{
    uint64_t r = HM_LL_FS_WRITE_FILE | HM_LL_FS_REMOVE_DIR |
                 HM_LL_FS_REMOVE_FILE | HM_LL_FS_MAKE_CHAR |
                 HM_LL_FS_MAKE_DIR | HM_LL_FS_MAKE_REG | HM_LL_FS_MAKE_SOCK |
                 HM_LL_FS_MAKE_FIFO | HM_LL_FS_MAKE_BLOCK | HM_LL_FS_MAKE_SYM;

    r |= abi >= 2 ? HM_LL_FS_REFER : 0;
    r |= abi >= 3 && truncate ? HM_LL_FS_TRUNCATE : 0;
    return r;
}

/* Devices a read-only program still opens for writing (SPEC section 3),
 * and the terminal. */
static const char *const device_files[] = {
    "/dev/null", "/dev/zero",   "/dev/full",
    "/dev/tty",  "/dev/random", "/dev/urandom",
};

#define DEVICE_RIGHTS                                                         \
    (HM_LL_FS_WRITE_FILE | HM_LL_FS_READ_FILE | HM_LL_FS_TRUNCATE)

static int
add_rule(struct hm_kll_layer *l, const char *path, uint64_t access)
{
    access &= l->fs;
    if (access == 0) {
        return 0;
    }
    if (l->nrules == HM_KPLAN_RULES) {
        return -E2BIG;
    }
    l->rules[l->nrules].path = path;
    l->rules[l->nrules].access = access;
    l->nrules++;
    return 0;
}

/* Where a program under ROOT may read: ROOT and the readable set. */
static int
add_read_rules(struct hm_kll_layer *l, const struct hm_policy *p,
               const struct hm_kenv *kenv)
{
    int rc = add_rule(l, p->fs_root, READ_RIGHTS);

    for (size_t i = 0; rc == 0 && i < kenv->nreadable; i++) {
        rc = add_rule(l, kenv->readable[i], READ_RIGHTS);
    }
    return rc;
}

/*
 * The layer of one read-only policy.  /dev/shm stays writable: POSIX
 * semaphores live there, and multiprocessing cannot make a lock without
 * them (XXX: it is a tmpfs other processes of the user can see).
 */
static int
fs_layer(struct hm_kll_layer *l, const struct hm_policy *p,
         const struct hm_kenv *kenv)
{
    size_t ndev = sizeof(device_files) / sizeof(device_files[0]);
    int rc = 0;

    memset(l, 0, sizeof(*l));
    l->fs = write_rights(kenv->abi, p->allow_write.n > 0 || !kenv->seccomp) |
            (p->fs_root != NULL ? READ_RIGHTS : 0);
    for (size_t i = 0; rc == 0 && i < p->allow_write.n; i++) {
        rc = add_rule(l, p->allow_write.v[i], l->fs);
    }
    for (size_t i = 0; rc == 0 && i < ndev; i++) {
        rc = add_rule(l, device_files[i], DEVICE_RIGHTS);
    }
    if (rc == 0) {
        rc = add_rule(l, "/dev/pts", DEVICE_RIGHTS | HM_LL_FS_READ_DIR);
    }
    if (rc == 0) {
        rc = add_rule(l, "/dev/shm", l->fs);
    }
    if (rc == 0 && p->fs_root != NULL) {
        rc = add_read_rules(l, p, kenv);
    }
    return rc;
}

static int
plan_layers(const struct hm_policy *const *v, size_t n,
            const struct hm_kenv *kenv, struct hm_kplan *out)
{
    int rc = 0;

    if (kenv->abi < 1) {
        return 0;
    }
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (!(v[i]->flags & HM_FS_READONLY)) {
            continue;
        }
        if (out->nlayers == HM_KPLAN_LAYERS) {
            return -E2BIG;
        }
        rc = fs_layer(&out->layers[out->nlayers++], v[i], kenv);
    }
    return rc;
}

/*
 * Network and scopes go into the first layer.  Signals are scoped under
 * every --kernel: a sandboxed process has no business signalling
 * processes outside it.  TCP bind and connect are denied by port, so only
 * when nothing is allowed.
 */
static void
plan_scopes(unsigned asked, const struct hm_kenv *kenv, struct hm_kplan *out)
{
    struct hm_kll_layer *l = &out->layers[0];
    uint64_t net = 0, scoped = 0;

    if (kenv->abi >= 4 && (asked & HM_KP_NETWORK)) {
        net = HM_LL_NET_BIND_TCP | HM_LL_NET_CONNECT_TCP;
    }
    if (kenv->abi >= 6) {
        scoped = HM_LL_SCOPE_SIGNAL;
        scoped |= asked & HM_KP_UNIX_SOCKETS ? HM_LL_SCOPE_ABSTRACT_UNIX : 0;
    }
    if (net == 0 && scoped == 0) {
        return;
    }
    if (out->nlayers == 0) {
        memset(l, 0, sizeof(*l));
        out->nlayers = 1;
    }
    l->net = net;
    l->scoped = scoped;
}

/* --- seccomp ------------------------------------------------------------- */

struct emit {
    struct sock_filter *prog;
    size_t n;
    int overflow;
};

static void
put(struct emit *e, struct sock_filter insn)
{
    if (e->n == HM_KPLAN_INSNS) {
        e->overflow = 1;
        return;
    }
    e->prog[e->n++] = insn;
}

static void
stmt(struct emit *e, uint16_t code, uint32_t k)
{
    put(e, (struct sock_filter)BPF_STMT(code, k));
}

static void
jump(struct emit *e, uint16_t code, uint32_t k, uint8_t jt, uint8_t jf)
{
    put(e, (struct sock_filter)BPF_JUMP(code, k, jt, jf));
}

#define DATA_NR 0u
#define DATA_ARCH 4u
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ARG_LO(i) (16u + 8u * (i))
#define ARG_HI(i) (16u + 8u * (i) + 4u)
#else
#define ARG_LO(i) (16u + 8u * (i) + 4u)
#define ARG_HI(i) (16u + 8u * (i))
#endif

#define RET_ERRNO(e) (SECCOMP_RET_ERRNO | ((e)&SECCOMP_RET_DATA))

/* A is the syscall number: nr answers action, the rest falls through. */
static void
deny(struct emit *e, uint32_t nr, uint32_t action)
{
    jump(e, BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 1);
    stmt(e, BPF_RET | BPF_K, action);
}

/* The wrong architecture is killed: its numbers mean other calls.  x32
 * calls share the x86_64 architecture and are told by a bit. */
static void
emit_arch(struct emit *e)
{
    stmt(e, BPF_LD | BPF_W | BPF_ABS, DATA_ARCH);
    jump(e, BPF_JMP | BPF_JEQ | BPF_K, HM_AUDIT_ARCH, 1, 0);
    stmt(e, BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
    stmt(e, BPF_LD | BPF_W | BPF_ABS, DATA_NR);
#ifdef HM_X32_BIT
    jump(e, BPF_JMP | BPF_JGE | BPF_K, HM_X32_BIT, 0, 1);
    stmt(e, BPF_RET | BPF_K, RET_ERRNO(EPERM));
#endif
}

/* prctl(HM_KMARK_OPTION, id) answers HM_KMARK_ERRNO; any other prctl is
 * allowed.  Nine instructions, jumps counted by hand. */
static void
emit_mark(struct emit *e, uint64_t id)
{
    jump(e, BPF_JMP | BPF_JEQ | BPF_K, __NR_prctl, 0, 8);
    stmt(e, BPF_LD | BPF_W | BPF_ABS, ARG_LO(0));
    jump(e, BPF_JMP | BPF_JEQ | BPF_K, HM_KMARK_OPTION, 0, 5);
    stmt(e, BPF_LD | BPF_W | BPF_ABS, ARG_LO(1));
    jump(e, BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)id, 0, 3);
    stmt(e, BPF_LD | BPF_W | BPF_ABS, ARG_HI(1));
    jump(e, BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)(id >> 32), 0, 1);
    stmt(e, BPF_RET | BPF_K, RET_ERRNO(HM_KMARK_ERRNO));
    stmt(e, BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
}

/* nr's first argument (its low 32 bits) decides: allowed when it has a
 * bit of mask (JSET) or equals value (JEQ); EPERM otherwise. */
static void
emit_arg_check(struct emit *e, uint32_t nr, uint16_t test, uint32_t k)
{
    jump(e, BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 4);
    stmt(e, BPF_LD | BPF_W | BPF_ABS, ARG_LO(0));
    jump(e, BPF_JMP | test | BPF_K, k, 0, 1);
    stmt(e, BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    stmt(e, BPF_RET | BPF_K, RET_ERRNO(EPERM));
}

/* nr is refused (EPERM) when its argument arg has bit set, and allowed
 * otherwise. */
static void
emit_arg_bit(struct emit *e, uint32_t nr, unsigned arg, uint32_t bit)
{
    jump(e, BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 4);
    stmt(e, BPF_LD | BPF_W | BPF_ABS, ARG_LO(arg));
    jump(e, BPF_JMP | BPF_JSET | BPF_K, bit, 0, 1);
    stmt(e, BPF_RET | BPF_K, RET_ERRNO(EPERM));
    stmt(e, BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
}

/*
 * No process creation.  clone3 passes its flags in memory BPF cannot
 * read: ENOSYS makes glibc fall back to clone, whose flags it can, so
 * threads (CLONE_THREAD) keep working.
 */
static void
emit_subprocess(struct emit *e)
{
    static const uint32_t calls[] = {
        __NR_execve,
        __NR_execveat,
#ifdef __NR_fork
        __NR_fork,
#endif
#ifdef __NR_vfork
        __NR_vfork,
#endif
    };

    for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
        deny(e, calls[i], RET_ERRNO(EPERM));
    }
    deny(e, __NR_clone3, RET_ERRNO(ENOSYS));
    emit_arg_check(e, __NR_clone, BPF_JSET, CLONE_THREAD_FLAG);
}

/* Sockets of every family but AF_UNIX.  io_uring makes sockets without
 * the socket syscall: ENOSYS, so runtimes fall back to epoll. */
static void
emit_network(struct emit *e)
{
    deny(e, __NR_io_uring_setup, RET_ERRNO(ENOSYS));
    emit_arg_check(e, __NR_socket, BPF_JEQ, AF_UNIX_FAMILY);
}

/* What Landlock does not cover: modes, owners, times, xattrs.  io_uring
 * sets xattrs without these calls: ENOSYS, as for the network. */
static void
emit_fs_attr(struct emit *e)
{
    static const uint32_t calls[] = {
#ifdef __NR_chmod
        __NR_chmod,
#endif
#ifdef __NR_chown
        __NR_chown,
#endif
#ifdef __NR_lchown
        __NR_lchown,
#endif
#ifdef __NR_utime
        __NR_utime,
#endif
#ifdef __NR_utimes
        __NR_utimes,
#endif
#ifdef __NR_futimesat
        __NR_futimesat,
#endif
        __NR_fchmod,      __NR_fchmodat,      __NR_fchmodat2,
        __NR_fchown,      __NR_fchownat,      __NR_utimensat,
        __NR_setxattr,    __NR_lsetxattr,     __NR_fsetxattr,
        __NR_removexattr, __NR_lremovexattr,  __NR_fremovexattr,
        __NR_setxattrat,  __NR_removexattrat,
    };

    for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
        deny(e, calls[i], RET_ERRNO(EPERM));
    }
    deny(e, __NR_io_uring_setup, RET_ERRNO(ENOSYS));
}

/*
 * Truncation, when nothing is writable (write_rights): truncate(2) by
 * name, and open or openat with O_TRUNC, which truncates even a file
 * opened read-only.  openat2 passes its flags in memory: ENOSYS, so
 * callers fall back to openat.  First in the program, since every open
 * now runs it.
 */
static void
emit_truncate(struct emit *e)
{
#ifdef __NR_open
    emit_arg_bit(e, __NR_open, 1, O_TRUNC);
#endif
    emit_arg_bit(e, __NR_openat, 2, O_TRUNC);
    deny(e, __NR_openat2, RET_ERRNO(ENOSYS));
    deny(e, __NR_truncate, RET_ERRNO(EPERM));
}

static int
plan_program(unsigned asked, int fs_attr, struct hm_kplan *out)
{
    struct emit e = {out->prog, 0, 0};

    emit_arch(&e);
    if (fs_attr) {
        emit_truncate(&e);
    }
    emit_mark(&e, out->id);
    if (asked & HM_KP_SUBPROCESS) {
        emit_subprocess(&e);
    }
    if (asked & HM_KP_NETWORK) {
        emit_network(&e);
    }
    if (fs_attr) {
        emit_fs_attr(&e);
    }
    stmt(&e, BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    out->nprog = e.n;
    return e.overflow ? -E2BIG : 0;
}

/* --- the plan -------------------------------------------------------------
 */

uint64_t
hm_kplan_id(const struct hm_policy *const *v, size_t n)
{
    char *json = hm_stack_encode(v, n, 0);
    uint64_t h = 0xcbf29ce484222325ull;

    if (json == NULL) {
        return 0;
    }
    for (const unsigned char *s = (const unsigned char *)json; *s; s++) {
        h = (h ^ *s) * 0x100000001b3ull;
    }
    free(json);
    return h;
}

int
hm_kplan_build(const struct hm_policy *const *v, size_t n,
               const struct hm_kenv *kenv, struct hm_kplan *out)
{
    int fs_attr = nowhere_writable(v, n);
    int rc;

    memset(out, 0, sizeof(*out));
    out->level = hm_policies_kernel(v, n);
    for (size_t i = 0; i < n; i++) {
        out->asked |= policy_parts(v[i]);
    }
    out->asked |= network_parts(v, n);
    out->held = held_parts(out->asked, fs_attr, kenv);
    out->id = hm_kplan_id(v, n);
    if (out->id == 0) {
        return -ENOMEM;
    }
    rc = plan_layers(v, n, kenv, out);
    if (rc == 0) {
        plan_scopes(out->asked, kenv, out);
        rc = plan_program(out->asked, fs_attr && kenv->seccomp, out);
    }
    return rc;
}

int
hm_kplan_check(const struct sock_filter *prog, size_t n)
{
    if (n == 0 || n > BPF_MAXINSNS || BPF_CLASS(prog[n - 1].code) != BPF_RET) {
        return -EINVAL;
    }
    for (size_t i = 0; i < n; i++) {
        const struct sock_filter *f = &prog[i];

        if (BPF_CLASS(f->code) != BPF_JMP) {
            continue;
        }
        if (i + 1 + f->jt >= n || i + 1 + f->jf >= n) {
            return -EINVAL;
        }
    }
    return 0;
}
