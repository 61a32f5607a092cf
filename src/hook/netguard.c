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

/* A name is allowed when every network policy allows it. */
static enum verdict
judge_name(const char *s, size_t len)
{
    int loopback = hm_name_is_loopback(s, len);

    if (hm_name_is_metadata(s, len)) {
        return DENY_METADATA;
    }
    for (size_t i = 0; i < hm.n; i++) {
        const struct hm_policy *p = hm.v[i].p;

        if (!(p->flags & HM_BLOCK_NETWORK)) {
            continue;
        }
        if (loopback && (p->flags & HM_ALLOW_LOCALHOST)) {
            continue;
        }
        if (!domain_allowed(p, s, len)) {
            return DENY;
        }
    }
    return ALLOW;
}

static enum verdict
judge_peer(const struct hm_addr *a)
{
    int loopback = hm_addr_is_loopback_peer(a);

    if (hm_addr_is_metadata(a)) {
        return DENY_METADATA;
    }
    for (size_t i = 0; i < hm.n; i++) {
        const struct hm_policy *p = hm.v[i].p;

        if (!(p->flags & HM_BLOCK_NETWORK)) {
            continue;
        }
        if (loopback && (p->flags & HM_ALLOW_LOCALHOST)) {
            continue;
        }
        if (!ip_allowed(p, a) && !resolved_allowed(p, a)) {
            return DENY;
        }
    }
    return ALLOW;
}

/* Binding a loopback address is always allowed; anything else needs an
 * allowance (a range that holds it). */
static enum verdict
judge_bind(const struct hm_addr *a)
{
    if (hm_addr_is_metadata(a)) {
        return DENY_METADATA;
    }
    if (hm_addr_is_loopback_bind(a)) {
        return ALLOW;
    }
    for (size_t i = 0; i < hm.n; i++) {
        const struct hm_policy *p = hm.v[i].p;

        if ((p->flags & HM_BLOCK_NETWORK) && !ip_allowed(p, a)) {
            return DENY;
        }
    }
    return ALLOW;
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

/* --- blocking ---------------------------------------------------------- */

static const char *
reason_of(enum verdict v)
{
    switch (v) {
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
block_host(enum verdict v, const char *what, const char *api,
           const struct host *h)
{
    struct hm_block b = {0};
    char message[1200];
    char shown[1024];
    size_t n = h->len < sizeof(shown) - 1 ? h->len : sizeof(shown) - 1;

    memcpy(shown, h->s, n);
    shown[n] = '\0';
    if (v == DENY_METADATA) {
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
    b.key = v == DENY_UNIX ? "path" : "host";
    b.value = h->s;
    b.vlen = h->len;
    b.reason = reason_of(v);
    return hm_block(&b);
}

/* --- the events -------------------------------------------------------- */

static enum verdict
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

static int
lookup_event(PyObject *hostobj, const char *api, int reverse)
{
    struct host h;
    enum verdict v;
    int rc = 0;

    if (!(hm.mask & HM_BLOCK_NETWORK)) {
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
is_unix_address(PyObject *addr)
{
    return PyUnicode_Check(addr) || PyBytes_Check(addr) ||
           PyByteArray_Check(addr) ||
           PyObject_HasAttrString(addr, "__fspath__");
}

static enum verdict
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

/*
 * Judges the address given to connect, sendto, sendmsg or bind: a path
 * for AF_UNIX, (host, port, ...) for IP.  what is the message's verb,
 * api the trace name.
 */
static int
check_address(PyObject *addr, const char *what, const char *api, int bind)
{
    struct host h;
    enum verdict v = ALLOW;
    int rc = 0;

    if (addr == Py_None) {
        return 0; /* sendmsg on a connected socket */
    }
    if (is_unix_address(addr)) {
        if (!(hm.mask & HM_BLOCK_UNIX_SOCKETS)) {
            return 0;
        }
        v = DENY_UNIX;
    } else if (!(hm.mask & HM_BLOCK_NETWORK)) {
        return 0;
    }
    /* Anything but (host, port, ...) cannot be judged: refuse it. */
    if (v == ALLOW && (!PyTuple_Check(addr) || PyTuple_GET_SIZE(addr) < 1)) {
        addr = PyObject_Repr(addr);
    } else if (v == ALLOW) {
        addr = PyTuple_GET_ITEM(addr, 0);
        Py_INCREF(addr);
    } else if (PyByteArray_Check(addr)) {
        Py_INCREF(addr);
    } else {
        addr = PyOS_FSPath(addr);
    }
    if (addr == NULL || host_from(&h, addr) < 0) {
        Py_XDECREF(addr);
        return -1;
    }
    if (v == ALLOW) {
        v = judge_inet(&h, bind);
    }
    if (v != ALLOW) {
        rc = block_host(v, what, api, &h);
    }
    Py_XDECREF(h.bytes);
    Py_DECREF(addr);
    return rc;
}

static int
peer_event(PyObject *args, const char *what, const char *api, int bind)
{
    if (!PyTuple_Check(args) || PyTuple_GET_SIZE(args) < 2) {
        return 0;
    }
    return check_address(PyTuple_GET_ITEM(args, 1), what, api, bind);
}

static int socket_methods_setup(void);

static const char *
family_name(long family)
{
    switch (family) {
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
    if (socket_methods_setup() < 0) {
        return -1;
    }
    family = PyLong_AsLong(PyTuple_GET_ITEM(args, 1));
    if (family == -1 && PyErr_Occurred()) {
        return -1;
    }
    if (!(hm.mask & HM_BLOCK_NETWORK) || family == -1 || family == AF_INET ||
        family == AF_INET6 || family == AF_UNIX || family == AF_UNSPEC) {
        return 0;
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
        return peer_event(args, "bind", "socket.bind", 1);
    case EV_SOCKET_NEW:
        return socket_event(args);
    default:
        return 0;
    }
}

/* --- remembering what allowed names resolve to ------------------------ */

static struct hm_patch p_getaddrinfo = {"_socket", "getaddrinfo"};
static struct hm_patch p_gethostbyname = {"_socket", "gethostbyname"};
static struct hm_patch p_gethostbyname_ex = {"_socket", "gethostbyname_ex"};

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
 * Calls the original resolver, then remembers the addresses a name
 * resolved to.  The lookup itself was judged by the audit event.
 */
static PyObject *
resolve_and_remember(struct hm_patch *p, PyObject *self, PyObject *const *args,
                     Py_ssize_t nargs, PyObject *kwnames)
{
    PyObject *result = hm_patch_call(p, self, args, nargs, kwnames);
    struct hm_addr a;
    struct host h;

    if (result == NULL || nargs < 1 || args[0] == Py_None) {
        return result;
    }
    if (host_from(&h, args[0]) < 0) {
        PyErr_Clear();
        return result;
    }
    if (hm_addr_parse(h.s, h.len, &a) != 0) {
        if (p == &p_getaddrinfo) {
            remember_addrinfo(&h, result);
        } else {
            remember_hostent(&h, result);
        }
    }
    Py_DECREF(h.bytes);
    return result;
}

HM_PATCH_THUNKS(getaddrinfo, resolve_and_remember, p_getaddrinfo)
HM_PATCH_THUNKS(gethostbyname, resolve_and_remember, p_gethostbyname)
HM_PATCH_THUNKS(gethostbyname_ex, resolve_and_remember, p_gethostbyname_ex)

/* --- judging before CPython resolves ------------------------------------ */

/*
 * CPython resolves a name given to connect, sendto or bind before it
 * reports the call, so the lookup would go out before the hook could
 * refuse it.  These replacements judge the address first.
 */
static struct hm_patch p_connect = {"_socket", "socket.connect"};
static struct hm_patch p_connect_ex = {"_socket", "socket.connect_ex"};
static struct hm_patch p_sendto = {"_socket", "socket.sendto"};
static struct hm_patch p_sendmsg = {"_socket", "socket.sendmsg"};
static struct hm_patch p_bind = {"_socket", "socket.bind"};

static PyObject *
judge_then_call(struct hm_patch *p, PyObject *self, PyObject *const *args,
                Py_ssize_t nargs, PyObject *kwnames)
{
    PyObject *addr = NULL;
    int rc = 0;

    if (!(hm.mask & NET_MASK)) {
        return hm_patch_call(p, self, args, nargs, kwnames);
    }
    if (p == &p_sendto && (nargs == 2 || nargs == 3)) {
        addr = args[nargs - 1];
    } else if (p == &p_sendmsg && nargs >= 4) {
        addr = args[3];
    } else if (p != &p_sendto && p != &p_sendmsg && nargs == 1) {
        addr = args[0];
    }
    if (addr == NULL) {
        return hm_patch_call(p, self, args, nargs, kwnames);
    }
    if (p == &p_bind) {
        rc = check_address(addr, "bind", "socket.bind", 1);
    } else if (p == &p_sendto) {
        rc = check_address(addr, "sendto", "socket.sendto", 0);
    } else if (p == &p_sendmsg) {
        rc = check_address(addr, "sendmsg", "socket.sendmsg", 0);
    } else {
        rc = check_address(addr, "connect", "socket.connect", 0);
    }
    return rc < 0 ? NULL : hm_patch_call(p, self, args, nargs, kwnames);
}

HM_PATCH_THUNKS(connect, judge_then_call, p_connect)
HM_PATCH_THUNKS(connect_ex, judge_then_call, p_connect_ex)
HM_PATCH_THUNKS(sendto, judge_then_call, p_sendto)
HM_PATCH_THUNKS(sendmsg, judge_then_call, p_sendmsg)
HM_PATCH_THUNKS(bind, judge_then_call, p_bind)

/*
 * Puts the replacements in place once _socket is loaded: at set-up when
 * it already is, else at the first socket created (no socket exists
 * before that, so nothing can connect unjudged).
 */
static int
socket_methods_setup(void)
{
    PyObject *name, *mod;

    if (p_connect.def != NULL) {
        return 0;
    }
    name = PyUnicode_FromString("_socket");
    mod = name != NULL ? PyImport_GetModule(name) : NULL;
    Py_XDECREF(name);
    if (mod == NULL) {
        return PyErr_Occurred() ? -1 : 0;
    }
    Py_DECREF(mod);
    if (hm_patch_apply(&p_connect, HM_THUNKS(connect)) < 0 ||
        hm_patch_apply(&p_connect_ex, HM_THUNKS(connect_ex)) < 0 ||
        hm_patch_apply(&p_sendto, HM_THUNKS(sendto)) < 0 ||
        hm_patch_apply(&p_sendmsg, HM_THUNKS(sendmsg)) < 0 ||
        hm_patch_apply(&p_bind, HM_THUNKS(bind)) < 0) {
        return -1;
    }
    return 0;
}

static int
any_domains(void)
{
    for (size_t i = 0; i < hm.n; i++) {
        if (hm.v[i].p->allow_domains.n > 0) {
            return 1;
        }
    }
    return 0;
}

/*
 * The resolver wrappers cost an import of _socket, so they are put in
 * place only once some policy allows a domain.  Called at set-up and
 * whenever the stack changes.
 */
int
hm_net_setup(void)
{
    if ((hm.mask & NET_MASK) && socket_methods_setup() < 0) {
        return -1;
    }
    if (p_getaddrinfo.def != NULL || !any_domains()) {
        return 0;
    }
    if (hm_patch_apply(&p_getaddrinfo, HM_THUNKS(getaddrinfo)) < 0 ||
        hm_patch_apply(&p_gethostbyname, HM_THUNKS(gethostbyname)) < 0 ||
        hm_patch_apply(&p_gethostbyname_ex, HM_THUNKS(gethostbyname_ex)) < 0) {
        return -1;
    }
    return 0;
}
