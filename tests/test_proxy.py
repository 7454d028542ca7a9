"""Behind a reverse proxy (deploy/nginx.conf): with DEMOGRAPH_PROXY_HOPS=1 the client's
address and the public URL come from the proxy's X-Forwarded-* headers — each client has its
own rate-limit bucket, and the sitemap names the public site. With the default 0 the headers
are ignored, so a client cannot forge its way out of the limit. Real `demograph serve`
processes, real HTTP."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import Server, start_server, stop_server

LIMIT = 3  # requests per minute per client
ASK = "/sparql?query=" + urllib.parse.quote("ASK { ?s ?p ?o }")


def status(url: str, headers: dict[str, str] | None = None) -> int:
    request = urllib.request.Request(url, headers={"Accept": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def body(url: str, headers: dict[str, str]) -> str:
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=60) as response:
        return str(response.read().decode("utf-8"))


def _serve(seed_store: Path, log: Path, hops: str) -> Iterator[Server]:
    running = start_server(seed_store, log, proxy_hops=hops, rate_limit=str(LIMIT),
                           query_timeout="5")
    yield running
    stop_server(running)


@pytest.fixture(scope="module")
def proxied(seed_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from _serve(seed_store, tmp_path_factory.mktemp("proxied") / "serve.log", "1")


@pytest.fixture(scope="module")
def direct(seed_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from _serve(seed_store, tmp_path_factory.mktemp("direct") / "serve.log", "0")


def test_clients_behind_a_trusted_proxy_have_their_own_rate_limit(proxied: Server) -> None:
    alice = {"X-Forwarded-For": "198.51.100.7"}
    bob = {"X-Forwarded-For": "203.0.113.9"}
    assert [status(proxied.url + ASK, alice) for _ in range(LIMIT)] == [200] * LIMIT
    assert status(proxied.url + ASK, alice) == 429  # alice used up her minute …
    assert status(proxied.url + ASK, bob) == 200  # … which costs bob nothing
    # nginx appends the peer it saw: a value the client made up in front does not count
    forged = {"X-Forwarded-For": "203.0.113.200, 198.51.100.7"}
    assert status(proxied.url + ASK, forged) == 429


def test_without_trusted_proxies_the_header_cannot_dodge_the_limit(direct: Server) -> None:
    codes = [status(direct.url + ASK, {"X-Forwarded-For": f"192.0.2.{i}"})
             for i in range(LIMIT + 2)]
    assert codes[:LIMIT] == [200] * LIMIT
    assert codes[LIMIT:] == [429, 429]  # one client, whatever it claims to be


def test_public_urls_come_from_the_trusted_proxy(proxied: Server, direct: Server) -> None:
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "data.example.org",
                 "X-Forwarded-For": "198.51.100.50"}
    robots = body(proxied.url + "/robots.txt", forwarded)
    assert "Sitemap: https://data.example.org/sitemap.xml" in robots
    sitemap = body(proxied.url + "/sitemap.xml", forwarded)
    assert "<loc>https://data.example.org/actors</loc>" in sitemap
    assert "127.0.0.1" not in sitemap
    # not trusted: the host the request really came to
    untrusted = body(direct.url + "/robots.txt", forwarded)
    assert "data.example.org" not in untrusted
    assert f"{direct.url.split('://')[1]}/sitemap.xml" in untrusted


def test_an_untrusted_forwarded_proto_is_ignored(direct: Server) -> None:
    untrusted = body(direct.url + "/robots.txt", {"X-Forwarded-Proto": "https"})
    assert f"Sitemap: {direct.url}/sitemap.xml" in untrusted
