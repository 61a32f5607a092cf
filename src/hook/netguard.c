/*
 * netguard.c: the network guard (SPEC section 3, "Network").
 *
 * Names are judged as names, numeric hosts after parsing, so every
 * spelling of an address meets the same rule.  Addresses that an allowed
 * name resolved to are remembered, because real clients resolve first
 * and then connect to the address.
 */
#include "hook.h"

#include <string.h>
#include <sys/socket.h>

#include "netmatch.h"

enum verdict { ALLOW, DENY, DENY_METADATA, DENY_UNIX };

/* Or'ed into a verdict when only observing policies refuse. */
#define OBSERVED 0x10
#define VERDICT(v) ((v) & ~OBSERVED)

/* A host as the caller gave it (for messages) and as bytes to judge. */
struct host {
    PyObject *bytes; /* owned; NULL for None */
    const char *s;
    size_t len;
};

/* --- remembered resolutions --------------------------------------- */

#define RESOLVED_MAX 256
#define NAME_MAX_LEN 254

struct resolved {
    struct hm_addr addr;
    char name[NAME_MAX_LEN];
};

static struct resolved resolved[RESOLVED_MAX];
static size_t resolved_next;
static size_t resolved_count;

static void
resolved_add(const struct hm_addr *a, const char *name, size_t len)
{
    struct resolved *r = &resolved[resolved_next];
    size_t i;

    if (len >= NAME_MAX_LEN) {
        return;
    }
    for (i = 0; i < len; i++) {
        char c = name[i];

        r->name[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    r->name[len] = '\0';
    r->addr = *a;
    resolved_next = (resolved_next + 1) % RESOLVED_MAX;
    if (resolved_count < RESOLVED_MAX) {
        resolved_count++;
    }
}

static int
same_addr(const struct hm_addr *x, const struct hm_addr *y)
{
    size_t n = x->family == HM_AF_INET ? 4 : 16;

    return x->family == y->family && memcmp(x->b, y->b, n) == 0;
}

/* 1 when a name that p allows resolved to a. */
static int
resolved_allowed(const struct hm_policy *p, const struct hm_addr *a)
{
    for (size_t i = 0; i < resolved_count; i++) {
        const struct resolved *r = &resolved[i];

        if (!same_addr(&r->addr, a)) {
            continue;
        }
        for (size_t d = 0; d < p->allow_domains.n; d++) {
            if (hm_name_matches(r->name, strlen(r->name),
                                p->allow_domains.v[d])) {
                return 1;
            }
        }
    }
    return 0;
}

/* 1 when some name resolved to a: an observing policy has reported that
 * lookup, and the allowance it suggests for the name covers a too. */
static int
resolved_any(const struct hm_addr *a)
{
    for (size_t i = 0; i < resolved_count; i++) {
        if (same_addr(&resolved[i].addr, a)) {
            return 1;
        }
    }
    return 0;
}

/* --- judging --------------------------------------------------------- */

static int
domain_allowed(const struct hm_policy *p, const char *s, size_t len)
{
    for (size_t d = 0; d < p->allow_domains.n; d++) {
        if (hm_name_matches(s, len, p->allow_domains.v[d])) {
            return 1;
        }
    }
    return 0;
}

static int
ip_allowed(const struct hm_policy *p, const struct hm_addr *a)
{
    for (size_t i = 0; i < p->allow_ips.n; i++) {
        if (hm_cidr_contains(&p->allow_ips.v[i], a)) {
            return 1;
        }
    }
    return 0;
}

/* A refusal by p: final when p enforces, else remembered in *v as
 * observed.  Returns 1 when the judging is over. */
static int
refused_by(const struct hm_policy *p, int *v)
{
    if (!hm_observing(p)) {
        *v = DENY;
        return 1;
    }
    *v = DENY | OBSERVED;
    return 0;
}

/* Metadata endpoints are never allowed; observed when no enforcing
 * policy blocks the network. */
static int
metadata_verdict(void)
{
    return (hm.enforce_mask & HM_BLOCK_NETWORK) ? DENY_METADATA
                                                : DENY_METADATA | OBSERVED;
}

/* A name is allowed when every network policy allows it. */
static int
judge_name(const char *s, size_t len)
{
    int loopback = hm_name_is_loopback(s, len);
    int v = ALLOW;

    if (hm_name_is_metadata(s, len)) {
        return metadata_verdict();
    }
    for (size_t i = 0; i < hm.n; i++) {
        const struct hm_policy *p = hm.v[i].p;

        if (!(p->flags & HM_BLOCK_NETWORK)) {
            continue;
        }
        if (loopback && (p->flags & HM_ALLOW_LOCALHOST)) {
            continue;
        }
        if (!domain_allowed(p, s, len) && refused_by(p, &v)) {
            break;
        }
    }
    return v;
}

static int
judge_peer(const struct hm_addr *a)
{
    int loopback = hm_addr_is_loopback_peer(a);
    int v = ALLOW;

    if (hm_addr_is_metadata(a)) {
        return metadata_verdict();
    }
    for (size_t i = 0; i < hm.n; i++) {
        const struct hm_policy *p = hm.v[i].p;

        if (!(p->flags & HM_BLOCK_NETWORK)) {
            continue;
        }
        if (loopback && (p->flags & HM_ALLOW_LOCALHOST)) {
            continue;
        }
        /* XXX: an allowed name that resolves to loopback or a private
         * address (DNS rebinding) opens that address: SPEC section 3
         * allows what allowed names resolve to, and tests rely on a hosts
         * entry.  Metadata stays denied above. */
        if (hm_observing(p) && resolved_any(a)) {
            continue;
        }
        if (!ip_allowed(p, a) && !resolved_allowed(p, a) &&
            refused_by(p, &v)) {
            break;
        }
    }
    return v;
}

/* Binding a loopback address is always allowed; anything else needs an
 * allowance (a range that holds it). */
static int
judge_bind(const struct hm_addr *a)
{
    int v = ALLOW;

    if (hm_addr_is_metadata(a)) {
        return metadata_verdict();
    }
    if (hm_addr_is_loopback_bind(a)) {
        return ALLOW;
    }
    for (size_t i = 0; i < hm.n; i++) {
        const struct hm_policy *p = hm.v[i].p;

        if ((p->flags & HM_BLOCK_NETWORK) && !ip_allowed(p, a) &&
            refused_by(p, &v)) {
            break;
        }
    }
    return v;
}

/* --- Python objects to hosts ------------------------------------------ */

/*
 * CPython encodes a str host with the idna codec before resolving it, so
 * judge what the resolver will see.  Falls back to UTF-8 with surrogate
 * escapes when idna refuses (the call will fail anyway).
 */
static PyObject *
host_bytes(PyObject *obj)
{
    PyObject *b;

    if (PyBytes_Check(obj)) {
        Py_INCREF(obj);
        return obj;
    }
    if (PyByteArray_Check(obj)) {
        return PyBytes_FromStringAndSize(PyByteArray_AS_STRING(obj),
                                         PyByteArray_GET_SIZE(obj));
    }
    if (!PyUnicode_Check(obj)) {
        PyObject *r = PyObject_Repr(obj);

        if (r == NULL) {
            return NULL;
        }
        b = PyUnicode_AsEncodedString(r, "utf-8", "backslashreplace");
        Py_DECREF(r);
        return b;
    }
    if (PyUnicode_IS_ASCII(obj)) {
        return PyUnicode_AsUTF8String(obj);
    }
    b = PyUnicode_AsEncodedString(obj, "idna", NULL);
    if (b == NULL) {
        PyErr_Clear();
        b = PyUnicode_AsEncodedString(obj, "utf-8", "surrogateescape");
    }
    return b;
}

static int
host_from(struct host *h, PyObject *obj)
{
    h->bytes = NULL;
    h->s = NULL;
    h->len = 0;
    if (obj == Py_None) {
        return 0;
    }
    h->bytes = host_bytes(obj);
    if (h->bytes == NULL) {
        return -1;
    }
    h->s = PyBytes_AS_STRING(h->bytes);
    h->len = (size_t)PyBytes_GET_SIZE(h->bytes);
    return 0;
}

/*
 * The bytes CPython's resolver is to use for a host, made here so that
 * what is judged is what is used: CPython would run a str host through
 * the idna codec, which is Python code that guarded code can replace.
 * ASCII needs no codec; other text goes through it once, here, and the
 * result is what both the guard and the resolver see.  None stays None;
 * other types are returned as they are (CPython refuses them).
 */
static PyObject *
canonical_host(PyObject *obj)
{
    const char *s;
    Py_ssize_t n;

    if (PyByteArray_Check(obj)) {
        return PyBytes_FromStringAndSize(PyByteArray_AS_STRING(obj),
                                         PyByteArray_GET_SIZE(obj));
    }
    if (!PyUnicode_Check(obj)) {
        Py_INCREF(obj);
        return obj;
    }
    s = PyUnicode_AsUTF8AndSize(obj, &n);
    if (s == NULL) {
        PyErr_Clear();
    } else if (PyUnicode_GET_LENGTH(obj) == n) {
        return PyBytes_FromStringAndSize(s, n);
    }
    return PyUnicode_AsEncodedString(obj, "idna", NULL);
}

/* (host, port, ...) with the host made canonical, as an exact tuple. */
static PyObject *
canonical_address(PyObject *addr)
{
    Py_ssize_t n = PyTuple_GET_SIZE(addr);
    PyObject *t = PyTuple_New(n);
    PyObject *host;

    if (t == NULL) {
        return NULL;
    }
    host = canonical_host(PyTuple_GET_ITEM(addr, 0));
    if (host == NULL) {
        Py_DECREF(t);
        return NULL;
    }
    PyTuple_SET_ITEM(t, 0, host);
    for (Py_ssize_t i = 1; i < n; i++) {
        PyObject *item = PyTuple_GET_ITEM(addr, i);

        Py_INCREF(item);
        PyTuple_SET_ITEM(t, i, item);
    }
    return t;
}

/* --- sockets ----------------------------------------------------------- */

/* The head of CPython's PySocketSockObject (Modules/socketmodule.h),
 * unchanged from 3.9 to 3.13. */
struct sock_head {
    PyObject_HEAD int fd;
    int family;
};

/*
 * The address family of a socket, read from the object, never from
 * attributes Python code can override.  -1 when obj is no socket (only
 * in events forged with sys.audit, which do nothing).
 */
static int
sock_family(PyObject *obj)
{
    for (PyTypeObject *t = Py_TYPE(obj); t != NULL; t = t->tp_base) {
        if (strcmp(t->tp_name, "_socket.socket") == 0 &&
            Py_TYPE(obj)->tp_basicsize >=
                (Py_ssize_t)sizeof(struct sock_head)) {
            return ((struct sock_head *)obj)->family;
        }
    }
    return -1;
}

/* --- blocking ---------------------------------------------------------- */

static const char *
reason_of(int v)
{
    switch (VERDICT(v)) {
    case DENY_METADATA:
        return "metadata";
    case DENY_UNIX:
        return "no-unix-sockets";
    default:
        return "no-network";
    }
}

/*
 * Raises for a blocked host.  what is the message's verb ("DNS",
 * "connect"), api the trace name ("socket.getaddrinfo").
 */
static int
block_host(int v, const char *what, const char *api, const struct host *h)
{
    struct hm_block b = {0};
    char message[1200];
    char shown[1024];
    size_t n = h->len < sizeof(shown) - 1 ? h->len : sizeof(shown) - 1;

    memcpy(shown, h->s, n);
    shown[n] = '\0';
    if (VERDICT(v) == DENY_METADATA) {
        snprintf(message, sizeof(message),
                 "network disabled: metadata endpoint %s", shown);
    } else {
        snprintf(message, sizeof(message), "network disabled: %s(%s)", what,
                 shown);
    }
    b.guard = "network";
    b.message = message;
    b.target = shown;
    b.api = api;
    b.key = VERDICT(v) == DENY_UNIX ? "path" : "host";
    b.value = h->s;
    b.vlen = h->len;
    b.reason = reason_of(v);
    b.observe = (v & OBSERVED) != 0;
    return hm_block(&b);
}

/* --- the events -------------------------------------------------------- */

static int
judge_lookup(const struct host *h, int reverse)
{
    struct hm_addr a;

    if (h->s == NULL) {
        return ALLOW;
    }
    if (hm_addr_parse(h->s, h->len, &a) == 0) {
        /* A numeric host is no lookup: it is judged where it is used.  A
         * reverse lookup asks about it, except for loopback, which the
         * machine answers itself (servers bound to loopback call getfqdn
         * on their address). */
        if (!reverse || hm_addr_is_loopback_bind(&a)) {
            return ALLOW;
        }
        return judge_peer(&a);
    }
    return judge_name(h->s, h->len);
}

/*
 * A replacement below judged this call (or reported it as observed): the
 * audit event the original fires next under this name (its trace api) is
 * the same action.  Only under this name: the original can run Python
 * code before its event (a port's __index__), and what that code does,
 * such as a getnameinfo, which has no replacement, must still be judged.
 */
static const char *judged_event;

static int
consume_judged(const char *event)
{
    int was = judged_event != NULL && strcmp(judged_event, event) == 0;

    if (was) {
        judged_event = NULL;
    }
    return was;
}

static int
lookup_event(PyObject *hostobj, const char *api, int reverse)
{
    struct host h;
    int v;
    int rc = 0;

    if (consume_judged(api) || !(hm.mask & HM_BLOCK_NETWORK)) {
        return 0;
    }
    if (host_from(&h, hostobj) < 0) {
        return -1;
    }
    v = judge_lookup(&h, reverse);
    if (v != ALLOW) {
        rc = block_host(v, "DNS", api, &h);
    }
    Py_XDECREF(h.bytes);
    return rc;
}

static int
judge_inet(const struct host *h, int bind)
{
    struct hm_addr a;

    if (hm_addr_parse(h->s, h->len, &a) == 0) {
        return bind ? judge_bind(&a) : judge_peer(&a);
    }
    if (bind && hm_name_is_loopback(h->s, h->len)) {
        return ALLOW;
    }
    return judge_name(h->s, h->len);
}

static int
check_unix(PyObject *addr, const char *what, const char *api)
{
    struct host h;
    PyObject *path;
    int rc;

    if (!(hm.mask & HM_BLOCK_UNIX_SOCKETS)) {
        return 0;
    }
    if (PyUnicode_Check(addr) || PyBytes_Check(addr) ||
        PyByteArray_Check(addr)) {
        Py_INCREF(addr);
        path = addr;
    } else {
        path = PyOS_FSPath(addr);
    }
    if (path == NULL || host_from(&h, path) < 0) {
        Py_XDECREF(path);
        return -1;
    }
    rc = block_host(DENY_UNIX, what, api, &h);
    Py_XDECREF(h.bytes);
    Py_DECREF(path);
    return rc;
}

/*
 * Judges the address given to connect, sendto, sendmsg or bind on a
 * socket of this family: a path for AF_UNIX, (host, port, ...) for IP.
 * Which it is follows the socket, not the address object (a tuple can
 * pretend to be a path).  what is the message's verb, api the trace name.
 */
static int
check_address(int family, PyObject *addr, const char *what, const char *api,
              int bind)
{
    struct host h;
    int v;
    PyObject *hostobj;
    int rc = 0;

    if (addr == Py_None) {
        return 0; /* sendmsg on a connected socket */
    }
    if (family == AF_UNIX || (family < 0 && !PyTuple_Check(addr))) {
        return check_unix(addr, what, api);
    }
    if (!(hm.mask & HM_BLOCK_NETWORK)) {
        return 0;
    }
    /* Other families, and anything but (host, port, ...), cannot be
     * judged: refuse them, showing what was given. */
    if ((family == AF_INET || family == AF_INET6 || family < 0) &&
        PyTuple_Check(addr) && PyTuple_GET_SIZE(addr) >= 1) {
        hostobj = PyTuple_GET_ITEM(addr, 0);
        Py_INCREF(hostobj);
    } else {
        hostobj = PyObject_Repr(addr);
    }
    if (hostobj == NULL || host_from(&h, hostobj) < 0) {
        Py_XDECREF(hostobj);
        return -1;
    }
    v = judge_inet(&h, bind);
    if (v != ALLOW) {
        rc = block_host(v, what, api, &h);
    }
    Py_XDECREF(h.bytes);
    Py_DECREF(hostobj);
    return rc;
}

static int
peer_event(PyObject *args, const char *what, const char *api, int bind)
{
    if (consume_judged(api) || !PyTuple_Check(args) ||
        PyTuple_GET_SIZE(args) < 2) {
        return 0;
    }
    return check_address(sock_family(PyTuple_GET_ITEM(args, 0)),
                         PyTuple_GET_ITEM(args, 1), what, api, bind);
}

static const char *
family_name(long family)
{
    switch (family) {
    case AF_INET:
        return "AF_INET";
    case AF_INET6:
        return "AF_INET6";
    case AF_PACKET:
        return "AF_PACKET";
    case AF_NETLINK:
        return "AF_NETLINK";
    case AF_BLUETOOTH:
        return "AF_BLUETOOTH";
    case AF_VSOCK:
        return "AF_VSOCK";
    case AF_CAN:
        return "AF_CAN";
    case AF_TIPC:
        return "AF_TIPC";
    case AF_ALG:
        return "AF_ALG";
    case AF_RDS:
        return "AF_RDS";
    case AF_QIPCRTR:
        return "AF_QIPCRTR";
    default:
        return NULL;
    }
}

/* socket.__new__ reports (self, family, type, proto); the type may
 * carry SOCK_NONBLOCK and SOCK_CLOEXEC. */
static int
is_raw(PyObject *args)
{
    long type;

    if (PyTuple_GET_SIZE(args) < 3) {
        return 0;
    }
    type = PyLong_AsLong(PyTuple_GET_ITEM(args, 2));
    if (type == -1 && PyErr_Occurred()) {
        PyErr_Clear();
        return 0;
    }
    return type != -1 && (type & 0xf) == SOCK_RAW;
}

static int
block_raw(long family)
{
    struct hm_block b = {0};
    const char *what = family == AF_INET
                           ? "network disabled: socket(AF_INET, "
                             "SOCK_RAW)"
                           : "network disabled: socket(AF_INET6, "
                             "SOCK_RAW)";

    b.guard = "network";
    b.message = what;
    b.target = "SOCK_RAW";
    b.api = "socket.socket";
    b.key = "type";
    b.value = "SOCK_RAW";
    b.vlen = strlen("SOCK_RAW");
    b.reason = "no-network";
    return hm_block(&b);
}

/* Families other than IP and UNIX are not IPC and not allowed peers. */
static int
socket_event(PyObject *args)
{
    struct hm_block b = {0};
    char message[96];
    char number[32];
    const char *name;
    long family;

    if (!PyTuple_Check(args) || PyTuple_GET_SIZE(args) < 2) {
        return 0;
    }
    family = PyLong_AsLong(PyTuple_GET_ITEM(args, 1));
    if (family == -1 && PyErr_Occurred()) {
        return -1;
    }
    if (!(hm.mask & HM_BLOCK_NETWORK) || family == -1 || family == AF_UNIX ||
        family == AF_UNSPEC) {
        return 0;
    }
    /* Under --kernel the kernel refuses IP sockets too: say so first, as
     * a violation, rather than let the kernel's EPERM come out.  A raw IP
     * socket writes its own headers, so the peer it is given is not
     * where its packets go: refused whatever is allowed. */
    if ((family == AF_INET || family == AF_INET6) && !hm.kernel_net) {
        return is_raw(args) ? block_raw(family) : 0;
    }
    name = family_name(family);
    if (name == NULL) {
        snprintf(number, sizeof(number), "%ld", family);
        name = number;
    }
    snprintf(message, sizeof(message), "network disabled: socket(%s)", name);
    b.guard = "network";
    b.message = message;
    b.target = name;
    b.api = "socket.socket";
    b.key = "family";
    b.value = name;
    b.vlen = strlen(name);
    b.reason = "no-network";
    return hm_block(&b);
}

/* An AF_UNIX bind also makes a file: the filesystem guard judges it. */
static int
bind_node_event(PyObject *args)
{
    if (!PyTuple_Check(args) || PyTuple_GET_SIZE(args) < 2 ||
        sock_family(PyTuple_GET_ITEM(args, 0)) != AF_UNIX) {
        return 0;
    }
    return hm_fs_unix_bind(PyTuple_GET_ITEM(args, 1));
}

static PyObject *
arg0(PyObject *args)
{
    if (!PyTuple_Check(args) || PyTuple_GET_SIZE(args) < 1) {
        return Py_None;
    }
    return PyTuple_GET_ITEM(args, 0);
}

int
hm_net_event(enum hm_event_kind kind, const char *event, PyObject *args)
{
    PyObject *sa;

    (void)event;
    switch (kind) {
    case EV_GETADDRINFO:
        return lookup_event(arg0(args), "socket.getaddrinfo", 0);
    case EV_GETHOSTBYNAME:
        return lookup_event(arg0(args), "socket.gethostbyname", 0);
    case EV_GETHOSTBYADDR:
        return lookup_event(arg0(args), "socket.gethostbyaddr", 1);
    case EV_GETNAMEINFO:
        sa = arg0(args);
        if (PyTuple_Check(sa) && PyTuple_GET_SIZE(sa) >= 1) {
            sa = PyTuple_GET_ITEM(sa, 0);
        }
        return lookup_event(sa, "socket.getnameinfo", 1);
    case EV_CONNECT:
        return peer_event(args, "connect", "socket.connect", 0);
    case EV_SENDTO:
        return peer_event(args, "sendto", "socket.sendto", 0);
    case EV_SENDMSG:
        return peer_event(args, "sendmsg", "socket.sendmsg", 0);
    case EV_BIND:
        if (peer_event(args, "bind", "socket.bind", 1) < 0) {
            return -1;
        }
        return bind_node_event(args);
    case EV_SOCKET_NEW:
        return socket_event(args);
    default:
        return 0;
    }
}

/* --- remembering what allowed names resolve to ------------------------ */

static struct hm_patch p_getaddrinfo = {"_socket", "getaddrinfo",
                                        "socket.getaddrinfo"};
static struct hm_patch p_gethostbyname = {"_socket", "gethostbyname",
                                          "socket.gethostbyname"};
static struct hm_patch p_gethostbyname_ex = {"_socket", "gethostbyname_ex",
                                             "socket.gethostbyname"};
static struct hm_patch p_gethostbyaddr = {"_socket", "gethostbyaddr",
                                          "socket.gethostbyaddr"};

static void
remember(const struct host *h, PyObject *addrstr)
{
    struct hm_addr a;
    PyObject *b;

    if (!PyUnicode_Check(addrstr)) {
        return;
    }
    b = PyUnicode_AsUTF8String(addrstr);
    if (b == NULL) {
        PyErr_Clear();
        return;
    }
    if (hm_addr_parse(PyBytes_AS_STRING(b), (size_t)PyBytes_GET_SIZE(b), &a) ==
        0) {
        resolved_add(&a, h->s, h->len);
    }
    Py_DECREF(b);
}

/* Results of getaddrinfo: (family, type, proto, canonname, sockaddr). */
static void
remember_addrinfo(const struct host *h, PyObject *result)
{
    if (!PyList_Check(result)) {
        return;
    }
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(result); i++) {
        PyObject *item = PyList_GET_ITEM(result, i);
        PyObject *sa;

        if (!PyTuple_Check(item) || PyTuple_GET_SIZE(item) < 5) {
            continue;
        }
        sa = PyTuple_GET_ITEM(item, 4);
        if (PyTuple_Check(sa) && PyTuple_GET_SIZE(sa) >= 1) {
            remember(h, PyTuple_GET_ITEM(sa, 0));
        }
    }
}

/* gethostbyname_ex: (hostname, aliases, addresses). */
static void
remember_hostent(const struct host *h, PyObject *result)
{
    PyObject *addrs;

    if (PyUnicode_Check(result)) {
        remember(h, result);
        return;
    }
    if (!PyTuple_Check(result) || PyTuple_GET_SIZE(result) < 3) {
        return;
    }
    addrs = PyTuple_GET_ITEM(result, 2);
    if (!PyList_Check(addrs)) {
        return;
    }
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(addrs); i++) {
        remember(h, PyList_GET_ITEM(addrs, i));
    }
}

/*
 * The resolvers: judge the canonical host, call the original with it, and
 * remember the addresses an allowed name resolved to.
 */
static PyObject *
resolve_guard(struct hm_patch *p, PyObject *self, PyObject *const *args,
              Py_ssize_t nargs, PyObject *kwnames)
{
    int reverse = p == &p_gethostbyaddr;
    Py_ssize_t at = hm_arg_index(nargs, kwnames, 0, "host");
    PyObject *host, *result;
    struct hm_addr a;
    struct host h;
    int v;

    if (!(hm.mask & HM_BLOCK_NETWORK) || at < 0) {
        return hm_patch_call(p, self, args, nargs, kwnames);
    }
    host = canonical_host(args[at]);
    if (host == NULL || host_from(&h, host) < 0) {
        Py_XDECREF(host);
        return NULL;
    }
    v = judge_lookup(&h, reverse);
    if (v != ALLOW && block_host(v, "DNS", p->trace, &h) < 0) {
        Py_XDECREF(h.bytes);
        Py_DECREF(host);
        return NULL;
    }
    Py_INCREF(host);
    judged_event = v != ALLOW ? p->trace : NULL;
    result = hm_patch_call_with(p, self, args, nargs, kwnames, at, host);
    judged_event = NULL;
    if (result != NULL && !reverse && h.s != NULL &&
        hm_addr_parse(h.s, h.len, &a) != 0) {
        if (p == &p_getaddrinfo) {
            remember_addrinfo(&h, result);
        } else {
            remember_hostent(&h, result);
        }
    }
    Py_XDECREF(h.bytes);
    Py_DECREF(host);
    return result;
}

HM_PATCH_THUNKS(getaddrinfo, resolve_guard, p_getaddrinfo)
HM_PATCH_THUNKS(gethostbyname, resolve_guard, p_gethostbyname)
HM_PATCH_THUNKS(gethostbyname_ex, resolve_guard, p_gethostbyname_ex)
HM_PATCH_THUNKS(gethostbyaddr, resolve_guard, p_gethostbyaddr)

/* --- judging before CPython resolves ------------------------------------ */

/*
 * CPython resolves a name given to connect, sendto or bind before it
 * reports the call, so the lookup would go out before the hook could
 * refuse it.  These replacements judge the address first, with its host
 * made canonical, and hand CPython exactly what they judged.
 */
static struct hm_patch p_connect = {"_socket", "socket.connect",
                                    "socket.connect"};
static struct hm_patch p_connect_ex = {"_socket", "socket.connect_ex",
                                       "socket.connect"};
static struct hm_patch p_sendto = {"_socket", "socket.sendto",
                                   "socket.sendto"};
static struct hm_patch p_sendmsg = {"_socket", "socket.sendmsg",
                                    "socket.sendmsg"};
static struct hm_patch p_bind = {"_socket", "socket.bind", "socket.bind"};

/* Where the address is: connect(a), bind(a), sendto(data[, flags], a),
 * sendmsg(buffers[, ancdata[, flags[, a]]]).  -1 when there is none. */
static Py_ssize_t
address_index(const struct hm_patch *p, Py_ssize_t nargs)
{
    if (p == &p_sendto) {
        return nargs == 2 || nargs == 3 ? nargs - 1 : -1;
    }
    if (p == &p_sendmsg) {
        return nargs >= 4 ? 3 : -1;
    }
    return nargs == 1 ? 0 : -1;
}

static const char *
verb_of(const struct hm_patch *p)
{
    return strchr(p->trace, '.') + 1;
}

/* Calls the original with the judged address; what it reports through
 * the audit hook was judged here already. */
static PyObject *
call_judged(struct hm_patch *p, PyObject *self, PyObject *const *args,
            Py_ssize_t nargs, PyObject *kwnames, Py_ssize_t at, PyObject *addr)
{
    PyObject *result;

    judged_event = p->trace;
    result = hm_patch_call_with(p, self, args, nargs, kwnames, at, addr);
    judged_event = NULL;
    return result;
}

/*
 * A name given straight to connect, sendto or sendmsg, once judged: left
 * to CPython, it would be resolved after the guard, to any address, a
 * metadata endpoint included.  It is resolved here, through the guarded
 * getaddrinfo (which remembers the addresses of allowed names), and its
 * first address, the one CPython would take, replaces it, to be judged
 * as a peer.  Numeric hosts, "" and "<broadcast>" are CPython's own.
 * Returns a new reference: the address to use.
 */
/*
 * The _socket module a socket belongs to, whose state getaddrinfo must
 * use (its gaierror is the one the program catches): with multi-phase
 * init each load has its own, and the one the guard patched may be its
 * own load.  Before 3.11 (one-phase init, shared state) the patched one.
 */
static PyObject *
socket_module_of(PyObject *sock)
{
#if PY_VERSION_HEX >= 0x030B0000
    PyModuleDef *def =
        p_getaddrinfo.self != NULL && PyModule_Check(p_getaddrinfo.self)
            ? PyModule_GetDef(p_getaddrinfo.self)
            : NULL;

    if (def != NULL && sock != NULL) {
        PyObject *m = PyType_GetModuleByDef(Py_TYPE(sock), def);

        if (m != NULL) {
            return m;
        }
        PyErr_Clear();
    }
#else
    (void)sock;
#endif
    return p_getaddrinfo.self;
}

static PyObject *
resolved_address(PyObject *sock, int family, PyObject *addr)
{
    PyObject *host = PyTuple_GET_ITEM(addr, 0), *argv[3], *list, *t;
    PyObject *sa = NULL;
    struct hm_addr a;

    if (!(hm.mask & HM_BLOCK_NETWORK) || !PyBytes_Check(host) ||
        PyBytes_GET_SIZE(host) == 0 || PyBytes_AS_STRING(host)[0] == '<' ||
        hm_addr_parse(PyBytes_AS_STRING(host), (size_t)PyBytes_GET_SIZE(host),
                      &a) == 0) {
        Py_INCREF(addr);
        return addr;
    }
    argv[0] = host;
    argv[1] = Py_None;
    argv[2] = PyLong_FromLong(family);
    if (argv[2] == NULL) {
        return NULL;
    }
    list =
        resolve_guard(&p_getaddrinfo, socket_module_of(sock), argv, 3, NULL);
    Py_DECREF(argv[2]);
    if (list == NULL) {
        return NULL;
    }
    if (PyList_Check(list) && PyList_GET_SIZE(list) > 0 &&
        PyTuple_Check(PyList_GET_ITEM(list, 0)) &&
        PyTuple_GET_SIZE(PyList_GET_ITEM(list, 0)) >= 5) {
        sa = PyTuple_GET_ITEM(PyList_GET_ITEM(list, 0), 4);
    }
    if (sa == NULL || !PyTuple_Check(sa) || PyTuple_GET_SIZE(sa) < 1 ||
        !PyUnicode_Check(PyTuple_GET_ITEM(sa, 0))) {
        Py_DECREF(list);
        PyErr_SetString(PyExc_OSError, "getaddrinfo returned no address");
        return NULL;
    }
    t = PyTuple_New(PyTuple_GET_SIZE(addr));
    for (Py_ssize_t i = 0; t != NULL && i < PyTuple_GET_SIZE(addr); i++) {
        PyObject *item =
            i == 0 ? PyTuple_GET_ITEM(sa, 0) : PyTuple_GET_ITEM(addr, i);

        Py_INCREF(item);
        PyTuple_SET_ITEM(t, i, item);
    }
    Py_DECREF(list);
    return t;
}

static PyObject *
judge_then_call(struct hm_patch *p, PyObject *self, PyObject *const *args,
                Py_ssize_t nargs, PyObject *kwnames)
{
    Py_ssize_t at = address_index(p, nargs);
    int family = sock_family(self);
    PyObject *addr;

    if (!(hm.mask & NET_MASK) || at < 0 ||
        (kwnames != NULL && PyTuple_GET_SIZE(kwnames) > 0)) {
        return hm_patch_call(p, self, args, nargs, kwnames);
    }
    addr = args[at];
    if ((family == AF_INET || family == AF_INET6) && PyTuple_Check(addr) &&
        PyTuple_GET_SIZE(addr) >= 1) {
        addr = canonical_address(addr);
    } else {
        Py_INCREF(addr);
    }
    if (addr == NULL ||
        check_address(family, addr, verb_of(p), p->trace, p == &p_bind) < 0) {
        Py_XDECREF(addr);
        return NULL;
    }
    if (p != &p_bind && (family == AF_INET || family == AF_INET6) &&
        PyTuple_Check(addr) && PyTuple_GET_SIZE(addr) >= 1) {
        PyObject *judged = addr;

        addr = resolved_address(self, family, judged);
        if (addr == NULL ||
            (addr != judged &&
             check_address(family, addr, verb_of(p), p->trace, 0) < 0)) {
            Py_DECREF(judged);
            Py_XDECREF(addr);
            return NULL;
        }
        Py_DECREF(judged);
    }
    return call_judged(p, self, args, nargs, kwnames, at, addr);
}

HM_PATCH_THUNKS(connect, judge_then_call, p_connect)
HM_PATCH_THUNKS(connect_ex, judge_then_call, p_connect_ex)
HM_PATCH_THUNKS(sendto, judge_then_call, p_sendto)
HM_PATCH_THUNKS(sendmsg, judge_then_call, p_sendmsg)
HM_PATCH_THUNKS(bind, judge_then_call, p_bind)

/* The connect replacement goes last: it says all are in. */
static int
socket_patch(PyObject *mod)
{
    return hm_patch_apply_in(&p_getaddrinfo, HM_THUNKS(getaddrinfo), mod) <
                       0 ||
                   hm_patch_apply_in(&p_gethostbyname,
                                     HM_THUNKS(gethostbyname), mod) < 0 ||
                   hm_patch_apply_in(&p_gethostbyname_ex,
                                     HM_THUNKS(gethostbyname_ex), mod) < 0 ||
                   hm_patch_apply_in(&p_gethostbyaddr,
                                     HM_THUNKS(gethostbyaddr), mod) < 0 ||
                   hm_patch_apply_in(&p_connect_ex, HM_THUNKS(connect_ex),
                                     mod) < 0 ||
                   hm_patch_apply_in(&p_sendto, HM_THUNKS(sendto), mod) < 0 ||
                   hm_patch_apply_in(&p_sendmsg, HM_THUNKS(sendmsg), mod) <
                       0 ||
                   hm_patch_apply_in(&p_bind, HM_THUNKS(bind), mod) < 0 ||
                   hm_patch_apply_in(&p_connect, HM_THUNKS(connect), mod) < 0
               ? -1
               : 0;
}

static struct hm_ext_file socket_file = {"_socket", socket_patch,
                                         &p_getaddrinfo};

/*
 * The replacements of _socket go in under a network policy: the audit
 * events alone cannot hold an allowed name to the addresses it resolves
 * to, and CPython resolves a name given to connect before its event.  At
 * once when _socket is loaded; else at its first load, before the loader
 * gets it (hm_ext_setup), so that a program that never touches the
 * network does not load it.
 */
int
hm_net_setup(void)
{
    return (hm.mask & NET_MASK) ? hm_ext_setup(&socket_file) : 0;
}

/* An import event: the first load of _socket is patched, and another copy
 * of its file, loaded by spec, is refused. */
int
hm_net_import_event(PyObject *args)
{
    if (!(hm.mask & NET_MASK)) {
        return 0;
    }
    return hm_ext_import_event(&socket_file, args,
                               (hm.mask & HM_BLOCK_NETWORK)
                                   ? "no-network"
                                   : hm_first_reason(hm_refusing_mask()));
}
