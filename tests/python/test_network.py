"""The network guard (SPEC 3 "Network", 4, 5), each case in a fresh interpreter."""

import os
import socket

import pytest

NO_NET = {"block_network": True, "trace": True}
SETUP = "import socket"
SOCK4 = "socket.AF_INET"

# A peer nothing answers on; a guard that fails open must not hang the test.
CONNECT = """
s = socket.socket({family}, socket.SOCK_STREAM)
s.settimeout(2)
return s.{method}(({host!r}, {port}))
"""


def connect(host, port, method="connect", family=SOCK4):
    return CONNECT.format(family=family, method=method, host=host, port=port)


def line(api, key, value, reason="no-network"):
    return f"[hermetic] blocked {api} {key}={value} reason={reason}"


@pytest.mark.parametrize(
    ("call", "api"),
    [
        ("socket.getaddrinfo('example.com', 80)", "socket.getaddrinfo"),
        ("socket.gethostbyname('example.com')", "socket.gethostbyname"),
        ("socket.gethostbyname_ex('example.com')", "socket.gethostbyname"),
        ("socket.gethostbyaddr('example.com')", "socket.gethostbyaddr"),
        ("socket.getnameinfo(('example.com', 80), 0)", "socket.getnameinfo"),
        ("socket.create_connection(('example.com', 80), timeout=2)", "socket.getaddrinfo"),
    ],
)
def test_name_lookup_blocked(probe, call, api):
    out = probe(f"return {call}", setup=SETUP, **NO_NET)
    out.assert_blocked("network", "example.com", "network disabled: DNS(example.com)")
    assert out.raised == "NetworkViolation"
    assert "OSError" not in out.mro
    assert out.trace == [line(api, "host", "example.com")]


@pytest.mark.parametrize(
    "call",
    [
        "socket.getaddrinfo(None, 8000, flags=socket.AI_PASSIVE)",
        "socket.getaddrinfo('127.0.0.1', 80)",
        "socket.getaddrinfo('10.1.2.3', 80)",
        "socket.gethostbyname('127.0.0.1')",
    ],
)
def test_numeric_lookup_is_not_a_lookup(probe, call):
    out = probe(f"return len({call}) > 0", setup=SETUP, block_network=True)
    out.assert_result(True)
    assert out.trace == []


UDP = "socket.socket(socket.AF_INET, socket.SOCK_DGRAM)"
REMOTE = "('10.1.2.3', 9)"


@pytest.mark.parametrize(
    ("body", "message", "api"),
    [
        (connect("10.1.2.3", 9), "connect", "socket.connect"),
        (connect("10.1.2.3", 9, "connect_ex"), "connect", "socket.connect"),
        (f"{UDP}.sendto(b'x', {REMOTE})", "sendto", "socket.sendto"),
        (f"{UDP}.sendmsg([b'x'], [], 0, {REMOTE})", "sendmsg", "socket.sendmsg"),
    ],
)
def test_send_to_remote_peer_blocked(probe, body, message, api):
    out = probe(body, setup=SETUP, **NO_NET)
    out.assert_blocked("network", "10.1.2.3", f"network disabled: {message}(10.1.2.3)")
    assert out.raised == "NetworkViolation"
    assert out.trace == [line(api, "host", "10.1.2.3")]


@pytest.mark.parametrize(
    ("body", "api"),
    [
        (connect("example.com", 80), "connect"),
        (connect("example.com", 80, "connect_ex"), "connect"),
        (f"{UDP}.sendto(b'x', ('example.com', 9))", "sendto"),
        ("socket.socket().bind(('example.com', 0))", "bind"),
    ],
)
def test_name_given_to_a_socket_call_is_judged_as_a_name(probe, body, api):
    """CPython resolves such a name in C before its audit event: no lookup may happen."""
    out = probe(body, setup=SETUP, **NO_NET)
    out.assert_blocked("network", "example.com", f"network disabled: {api}(example.com)")
    assert out.trace == [line(f"socket.{api}", "host", "example.com")]


@pytest.mark.parametrize("host", ["0.0.0.0", "::", ""])
def test_bind_wildcard_blocked(probe, family, host):
    body = f"socket.socket({family(host or '0')}).bind(({host!r}, 0))"
    out = probe(body, setup=SETUP, **NO_NET)
    out.assert_blocked("network", host, f"network disabled: bind({host})")
    assert out.trace[0].startswith("[hermetic] blocked socket.bind host=")
    if host:
        assert out.trace == [line("socket.bind", "host", host)]


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1"])
def test_bind_loopback_allowed(probe, family, host):
    body = f"s = socket.socket({family(host)}); s.bind(({host!r}, 0)); return 'bound'"
    probe(body, setup=SETUP, block_network=True).assert_result("bound")


def test_accept_and_send_on_connected_sockets_allowed(probe):
    setup = """
    import socket
    srv = socket.socket(); srv.bind(("127.0.0.1", 0)); srv.listen()
    cli = socket.create_connection(srv.getsockname())
    """
    body = "conn, _ = srv.accept(); cli.sendall(b'ping'); return conn.recv(4)"
    probe(body, setup=setup, block_network=True).assert_result(b"ping")


LOOPBACK_PEERS = [
    "127.0.0.1",
    "127.1",
    "0x7f000001",
    "::1",
    "::ffff:127.0.0.1",
    "localhost",
    "foo.localhost",
    "0.0.0.0",
]


@pytest.mark.parametrize("host", LOOPBACK_PEERS)
def test_loopback_peer_blocked_without_allow_localhost(probe, family, echo_port, host):
    body = connect(host, echo_port, family=family(host))
    out = probe(body, setup=SETUP, **NO_NET)
    out.assert_blocked("network", host, f"network disabled: connect({host})")
    assert out.trace == [line("socket.connect", "host", host)]


@pytest.mark.parametrize("host", LOOPBACK_PEERS)
def test_loopback_peer_allowed_with_allow_localhost(probe, family, echo_port, host):
    """Allowed means not a violation: a refused or unresolvable peer is fine."""
    body = connect(host, echo_port, family=family(host))
    out = probe(body, setup=SETUP, block_network=True, allow_localhost=True)
    out.assert_not_blocked()
    assert out.trace == []


def test_loopback_echo_round_trip(probe, echo_port):
    body = f"""
    s = socket.create_connection(("127.0.0.1", {echo_port}), timeout=5)
    s.sendall(b"ping")
    return s.recv(4)
    """
    probe(body, setup=SETUP, block_network=True, allow_localhost=True).assert_result(b"ping")


@pytest.mark.parametrize(
    ("allowed", "host"),
    [
        ("example.com", "example.com"),
        ("example.com", "api.example.com"),
        ("example.com", "a.b.example.com"),
        ("example.com", "API.Example.COM"),
        ("example.com", "api.example.com."),
        ("Example.COM.", "api.example.com"),
    ],
)
def test_allowed_domain_lookup_passes(probe, allowed, host):
    out = probe(f"socket.getaddrinfo({host!r}, 80)", setup=SETUP, allow_domains=[allowed])
    out.assert_not_blocked()


@pytest.mark.parametrize(
    "host", ["notexample.com", "example.com.evil.test", "example.co", "xample.com", "com"]
)
def test_domain_match_is_at_a_dot_boundary(probe, host):
    out = probe(f"socket.getaddrinfo({host!r}, 80)", setup=SETUP, allow_domains=["example.com"])
    out.assert_blocked("network", host, f"network disabled: DNS({host})")


def test_allow_domain_implies_block_network(probe):
    out = probe("socket.socket().bind(('0.0.0.0', 0))", setup=SETUP, allow_domains=["x.test"])
    out.assert_blocked("network", "0.0.0.0", "network disabled: bind(0.0.0.0)")


def test_addresses_of_an_allowed_name_may_be_connected(probe, loopback_name, echo_port):
    body = f"""
    info = socket.getaddrinfo({loopback_name!r}, {echo_port}, socket.AF_INET, socket.SOCK_STREAM)
    s = socket.create_connection(info[0][4], timeout=5)
    s.sendall(b"ping")
    return s.recv(4)
    """
    probe(body, setup=SETUP, allow_domains=[loopback_name]).assert_result(b"ping")


def test_connect_through_an_allowed_name(probe, loopback_name, echo_port):
    body = f"""
    s = socket.create_connection(({loopback_name!r}, {echo_port}), timeout=5)
    s.sendall(b"ping")
    return s.recv(4)
    """
    probe(body, setup=SETUP, allow_domains=[loopback_name]).assert_result(b"ping")


def test_address_not_resolved_from_an_allowed_name_stays_blocked(probe, loopback_name, echo_port):
    body = connect("127.0.0.1", echo_port)
    out = probe(body, setup=SETUP, allow_domains=[loopback_name])
    out.assert_blocked("network", "127.0.0.1", "network disabled: connect(127.0.0.1)")


@pytest.mark.parametrize(
    ("cidr", "host", "allowed"),
    [
        ("127.0.0.0/8", "127.0.0.1", True),
        ("127.0.0.1/32", "127.0.0.1", True),
        ("127.0.0.2/32", "127.0.0.1", False),
        ("10.0.0.0/8", "127.0.0.1", False),
        ("10.0.0.0/8", "10.1.2.3", True),
        ("10.1.0.0/16", "10.2.0.1", False),
        ("::1/128", "::1", True),
        ("0.0.0.0/0", "192.0.2.1", True),
    ],
)
def test_allow_ips_cidr(probe, family, echo_port, cidr, host, allowed):
    body = connect(host, echo_port, "connect_ex", family(host))
    out = probe(body, setup=SETUP, allow_ips=[cidr])
    if allowed:
        out.assert_not_blocked()
    else:
        out.assert_blocked("network", host, f"network disabled: connect({host})")


METADATA_PEERS = [
    "169.254.169.254",
    "2852039166",
    "0xa9fea9fe",
    "0xa9.0xfe.0xa9.0xfe",
    "0251.0376.0251.0376",
    "169.254.43518",
    "169.16689662",
    "169.254.170.2",
    "169.254.170.23",
    "100.100.100.200",
    "::ffff:169.254.169.254",
    "::ffff:a9fe:a9fe",
    "fd00:ec2::254",
    "FD00:EC2:0:0:0:0:0:254",
    "fd00:ec2::23",
    "fe80::a9fe:a9fe",
    "fe80::a9fe:a9fe%1",
]


@pytest.mark.parametrize("host", METADATA_PEERS)
def test_metadata_endpoint_always_blocked(probe, family, host):
    body = connect(host, 80, family=family(host))
    everything = {"allow_ips": ["0.0.0.0/0", "::/0"], "allow_localhost": True}
    out = probe(body, setup=SETUP, trace=True, **everything)
    out.assert_blocked("network", host, f"network disabled: metadata endpoint {host}")
    assert out.trace == [line("socket.connect", "host", host, reason="metadata")]


@pytest.mark.parametrize(
    "name", ["metadata.google.internal", "metadata", "METADATA.Google.Internal."]
)
def test_metadata_names_always_blocked(probe, name):
    policy = {"allow_domains": ["internal", "metadata", "google.internal"], "trace": True}
    out = probe(f"socket.getaddrinfo({name!r}, 80)", setup=SETUP, **policy)
    out.assert_blocked("network", name, f"network disabled: metadata endpoint {name}")
    assert out.trace == [line("socket.getaddrinfo", "host", name, reason="metadata")]


ALLOWED_NAME_CALLS = {
    "connect": "s = socket.socket()\ns.settimeout(2)\nreturn s.connect((NAME, 80))",
    "connect_ex": "s = socket.socket()\ns.settimeout(2)\nreturn s.connect_ex((NAME, 80))",
    "sendto": "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
    "return s.sendto(b'x', (NAME, 80))",
    "sendmsg": "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
    "return s.sendmsg([b'x'], [], 0, (NAME, 80))",
}


@pytest.mark.parametrize("call", sorted(ALLOWED_NAME_CALLS))
def test_allowed_name_given_to_a_socket_cannot_reach_metadata(probe, metadata_name, call):
    # CPython resolves a name given to connect itself; the guard resolves
    # it first and judges the address CPython is handed.
    body = ALLOWED_NAME_CALLS[call].replace("NAME", repr(metadata_name))
    out = probe(body, setup=SETUP, trace=True, allow_domains=[metadata_name])
    out.assert_blocked(
        "network", "169.254.169.254", "network disabled: metadata endpoint 169.254.169.254"
    )
    api = "socket.connect" if call.startswith("connect") else f"socket.{call}"
    assert out.trace == [line(api, "host", "169.254.169.254", reason="metadata")]


def test_allowed_name_given_to_connect_reaches_its_address(probe, loopback_name, echo_port):
    body = f"s = socket.create_connection(({loopback_name!r}, {echo_port}), 2)\n"
    body += "s.close()\n"
    body += f"s = socket.socket()\ns.connect(({loopback_name!r}, {echo_port}))\n"
    body += "return s.getpeername()[0]"
    out = probe(body, setup=SETUP, allow_domains=[loopback_name])
    out.assert_result(socket.gethostbyname(loopback_name))


@pytest.mark.parametrize("family", ["AF_INET", "AF_INET6"])
def test_raw_ip_sockets_are_refused(probe, family):
    # A raw socket writes its own IP header: the peer it is given is not
    # where its packets go, so no allowance can make it safe.
    body = f"return socket.socket(socket.{family}, socket.SOCK_RAW | socket.SOCK_CLOEXEC, 1)"
    out = probe(body, setup=SETUP, trace=True, allow_ips=["0.0.0.0/0", "::/0"])
    out.assert_blocked("network", "SOCK_RAW", f"network disabled: socket({family}, SOCK_RAW)")
    assert out.trace == [line("socket.socket", "type", "SOCK_RAW")]


UNIX_SETUP = """
import os, socket, tempfile
path = os.path.join(tempfile.mkdtemp(), "s")
srv = socket.socket(socket.AF_UNIX)
srv.bind(path)
srv.listen()
"""


def test_unix_sockets_allowed_under_block_network(probe):
    body = """
    c = socket.socket(socket.AF_UNIX); c.connect(path)
    b = socket.socket(socket.AF_UNIX); b.bind(path + "2")
    return "ok"
    """
    probe(body, setup=UNIX_SETUP, block_network=True).assert_result("ok")


@pytest.mark.parametrize("policy", [{"block_network": True}, {"block_unix_sockets": True}])
def test_socketpair_allowed(probe, policy):
    body = "a, b = socket.socketpair(); a.sendall(b'hi'); return b.recv(2)"
    probe(body, setup="import socket", **policy).assert_result(b"hi")


@pytest.mark.parametrize(
    ("body", "api"),
    [
        ("socket.socket(socket.AF_UNIX).connect(path)", "connect"),
        ("socket.socket(socket.AF_UNIX).connect_ex(path)", "connect"),
        ("socket.socket(socket.AF_UNIX).bind(path + '2')", "bind"),
    ],
)
def test_unix_sockets_blocked_with_block_unix_sockets(probe, body, api):
    out = probe(body, setup=UNIX_SETUP, block_unix_sockets=True, trace=True)
    target = out.target or ""
    assert target.endswith(("/s", "/s2")), out.describe()
    out.assert_blocked("network", target, f"network disabled: {api}({target})")
    assert out.trace == [f"[hermetic] blocked socket.{api} path={target} reason=no-unix-sockets"]


@pytest.mark.skipif(os.geteuid() != 0, reason="AF_PACKET needs root")
@pytest.mark.parametrize(
    ("family", "name"),
    [("socket.AF_PACKET, socket.SOCK_RAW", "AF_PACKET"), ("socket.AF_NETLINK", "AF_NETLINK")],
)
def test_other_families_blocked_at_creation(probe, family, name):
    out = probe(f"socket.socket({family})", setup=SETUP, **NO_NET)
    assert out.guard == "network", out.describe()
    assert out.raised == "NetworkViolation", out.describe()
    assert out.message == f"network disabled: socket({name})"
    assert out.trace == [f"[hermetic] blocked socket.socket family={name} reason=no-network"]


@pytest.mark.parametrize(
    ("setup", "body", "message"),
    [
        ("import _socket", "_socket.getaddrinfo('example.com', 80)", "DNS(example.com)"),
        ("import _socket", "_socket.gethostbyname('example.com')", "DNS(example.com)"),
        (
            "import _socket",
            "s = _socket.socket(); s.settimeout(2); s.connect(('10.1.2.3', 9))",
            "connect(10.1.2.3)",
        ),
        ("from socket import getaddrinfo", "getaddrinfo('example.com', 80)", "DNS(example.com)"),
        ("from socket import socket as S", "S().connect(('10.1.2.3', 9))", "connect(10.1.2.3)"),
        (
            "import importlib, socket",
            "importlib.reload(socket).getaddrinfo('example.com', 80)",
            "DNS(example.com)",
        ),
        (
            "import socket, sys",
            "del sys.modules['socket']; import socket as s2; s2.gethostbyname('example.com')",
            "DNS(example.com)",
        ),
    ],
)
def test_every_route_to_the_capability_is_guarded(probe, setup, body, message):
    out = probe(body, setup=setup, block_network=True)
    assert out.raised == "NetworkViolation", out.describe()
    assert out.message == f"network disabled: {message}"


def test_threads_are_guarded(probe):
    body = """
    seen = []
    def lookup():
        try:
            socket.getaddrinfo("example.com", 80)
        except Exception as exc:
            seen.append(type(exc).__name__)
    t = threading.Thread(target=lookup); t.start(); t.join()
    return seen
    """
    probe(body, setup="import socket, threading", block_network=True).assert_result(
        ["NetworkViolation"]
    )


def test_thread_started_before_entering_is_guarded(probe):
    setup = """
    import socket, threading
    go, done, seen = threading.Event(), threading.Event(), []
    def lookup():
        go.wait()
        try:
            socket.getaddrinfo("example.com", 80)
        except Exception as exc:
            seen.append(type(exc).__name__)
        done.set()
    threading.Thread(target=lookup).start()
    """
    body = "go.set(); done.wait(10); return seen"
    probe(body, setup=setup, block_network=True).assert_result(["NetworkViolation"])


ASYNC_SETUP = "import asyncio, socket"


def test_asyncio_event_loop_works(probe):
    body = "return asyncio.run(asyncio.sleep(0, result='ran'))"
    probe(body, setup=ASYNC_SETUP, block_network=True).assert_result("ran")


def test_asyncio_open_connection_to_loopback(probe, echo_port):
    body = f"""
    async def main():
        reader, writer = await asyncio.open_connection("127.0.0.1", {echo_port})
        writer.write(b"ping")
        data = await reader.readexactly(4)
        writer.close()
        return data
    return asyncio.run(main())
    """
    out = probe(body, setup=ASYNC_SETUP, block_network=True, allow_localhost=True)
    out.assert_result(b"ping")


def test_asyncio_open_connection_to_a_name_blocked(probe):
    body = "return asyncio.run(asyncio.open_connection('example.com', 80))"
    out = probe(body, setup=ASYNC_SETUP, **NO_NET)
    out.assert_blocked("network", "example.com", "network disabled: DNS(example.com)")
    assert out.trace == [line("socket.getaddrinfo", "host", "example.com")]


def test_asyncio_open_connection_to_loopback_blocked_without_allowance(probe, echo_port):
    body = f"return asyncio.run(asyncio.open_connection('127.0.0.1', {echo_port}))"
    out = probe(body, setup=ASYNC_SETUP, block_network=True)
    out.assert_blocked("network", "127.0.0.1", "network disabled: connect(127.0.0.1)")


def test_multiprocessing_manager_works(probe):
    body = """
    with multiprocessing.Manager() as manager:
        shared = manager.dict()
        shared["answer"] = 42
        return shared["answer"]
    """
    probe(body, setup="import multiprocessing", block_network=True).assert_result(42)
