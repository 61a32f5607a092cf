"""Real HTTP clients against a loopback server (SPEC 3 "Network")."""

import pytest

GET = {
    "urllib": "import urllib.request as m\nreturn m.urlopen(URL, timeout=10).read()",
    "http.client": (
        "import http.client, urllib.parse\n"
        "u = urllib.parse.urlsplit(URL)\n"
        "c = http.client.HTTPConnection(u.hostname, u.port, timeout=10)\n"
        "c.request('GET', '/')\n"
        "return c.getresponse().read()"
    ),
    "requests": "import requests\nreturn requests.get(URL, timeout=10).content",
    "httpx": "import httpx\nreturn httpx.get(URL, timeout=10).content",
    "httpx-async": (
        "import asyncio, httpx\n"
        "async def main():\n"
        "    async with httpx.AsyncClient(timeout=10) as client:\n"
        "        return (await client.get(URL)).content\n"
        "return asyncio.run(main())"
    ),
}
CLIENTS = list(GET)
BODY = b"hello from loopback"


def get(probe, client, url, **policy):
    return probe(GET[client], setup=f"URL = {url!r}", trace=True, **policy)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
@pytest.mark.parametrize("client", CLIENTS)
def test_allowed_with_allow_localhost(probe, http_port, client, host):
    out = get(
        probe, client, f"http://{host}:{http_port}/", block_network=True, allow_localhost=True
    )
    out.assert_result(BODY)
    assert out.trace == []


@pytest.mark.parametrize("client", CLIENTS)
def test_allowed_through_an_allowed_name(probe, http_port, loopback_name, client):
    out = get(probe, client, f"http://{loopback_name}:{http_port}/", allow_domains=[loopback_name])
    out.assert_result(BODY)


@pytest.mark.parametrize("client", CLIENTS)
def test_loopback_blocked_without_allowance(probe, http_port, client):
    out = get(probe, client, f"http://127.0.0.1:{http_port}/", block_network=True)
    out.assert_blocked("network", "127.0.0.1", "network disabled: connect(127.0.0.1)")
    assert out.raised == "NetworkViolation"
    assert out.trace == ["[hermetic] blocked socket.connect host=127.0.0.1 reason=no-network"]


@pytest.mark.parametrize("client", CLIENTS)
def test_remote_name_blocked(probe, client):
    out = get(probe, client, "https://example.com/", block_network=True, allow_localhost=True)
    out.assert_blocked("network", "example.com", "network disabled: DNS(example.com)")
    assert out.trace == [
        "[hermetic] blocked socket.getaddrinfo host=example.com reason=no-network"
    ]


@pytest.mark.parametrize("client", CLIENTS)
def test_other_name_blocked_when_a_domain_is_allowed(probe, loopback_name, client):
    out = get(probe, client, "http://pypi.org/simple/", allow_domains=[loopback_name])
    out.assert_blocked("network", "pypi.org", "network disabled: DNS(pypi.org)")


@pytest.mark.parametrize("client", ["urllib", "requests", "httpx"])
def test_proxy_environment_is_a_peer_like_any_other(probe, client):
    """A proxy from the environment is judged as the peer it is."""
    out = probe(
        GET[client],
        setup="URL = 'http://example.com/'",
        env={"http_proxy": "http://proxy.test:3128", "HTTP_PROXY": "http://proxy.test:3128"},
        block_network=True,
    )
    assert out.raised == "NetworkViolation", out.describe()
    assert out.message in {
        "network disabled: DNS(proxy.test)",
        "network disabled: DNS(example.com)",
    }
