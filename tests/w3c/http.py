"""One HTTP request exactly as written — method, path, headers, body — with http.client, which
(unlike urllib) adds no Content-Type of its own, so a request without one stays without."""

from __future__ import annotations

import http.client
from dataclasses import dataclass
from urllib.parse import urlparse


@dataclass
class Reply:
    status: int
    headers: dict[str, str]  # names in lower case
    body: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    @property
    def media_type(self) -> str:
        return self.content_type.split(";")[0].strip().lower()

    def text(self, limit: int = 300) -> str:
        text = self.body.decode("utf-8", "replace").strip().replace("\n", " ")
        return text if len(text) <= limit else text[:limit] + " …"


def send(base_url: str, method: str, path: str, headers: list[tuple[str, str]] | None = None,
         body: bytes | None = None, timeout: float = 60) -> Reply:
    """``path`` is absolute on the server at ``base_url`` (scheme, host and port only)."""
    url = urlparse(base_url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=timeout)
    try:
        connection.putrequest(method, path, skip_accept_encoding=True)
        for name, value in headers or []:
            connection.putheader(name, value)
        if body is not None:
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        return Reply(response.status, {k.lower(): v for k, v in response.getheaders()},
                     response.read())
    finally:
        connection.close()
