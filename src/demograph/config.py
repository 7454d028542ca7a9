"""Settings: one declared table, and the only module that reads ``DEMOGRAPH_*`` variables.

Precedence is defaults, then environment variables, then command-line flags (the CLI passes
its flags as ``overrides``). The table drives ``demograph --help`` and the README's settings
section, and a test fails when either forgets one.

>>> s = Settings.load(env={"DEMOGRAPH_PORT": "9000"}, overrides={"host": "0.0.0.0"})
>>> (s.port, s.host, s.rate_limit)
(9000, '0.0.0.0', 60)
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from .errors import UsageError
from .prefixes import DEFAULT_BASE

RESOURCES = Path(__file__).resolve().parent / "resources"  # ontology, shapes, reference data


@dataclass(frozen=True)
class Setting:
    name: str
    env: str
    default: Any
    parse: Callable[[str], Any]
    help: str


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise ValueError("must be 0 or more")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise ValueError("must be more than 0")
    return value


def _flag(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ValueError("must be 1/0, true/false, yes/no or on/off")


def _base(text: str) -> str:
    if not text.startswith(("http://", "https://")):
        raise ValueError("must be an http(s) IRI")
    return text if text.endswith("/") else text + "/"


def _url(text: str) -> str:
    if not text.startswith(("http://", "https://")) or " " in text:
        raise ValueError("must be an http(s) URL")
    return text


def _email(text: str) -> str:
    address = text.strip().removeprefix("mailto:")
    local, at, domain = address.partition("@")
    if not (local and at and "." in domain) or any(c in address for c in " <>,;"):
        raise ValueError("must be one e-mail address, e.g. data@example.org")
    return address


# The EU's ADMS publisher-type vocabulary, which DCAT-AP-SE takes dcterms:type from.
PUBLISHER_TYPES = ("Academia-ScientificOrganisation", "Company", "IndustryConsortium",
                   "LocalAuthority", "NationalAuthority", "NonGovernmentalOrganisation",
                   "NonProfitOrganisation", "PrivateIndividual(s)", "RegionalAuthority",
                   "StandardisationBody", "SupraNationalAuthority")


def _one_of(*choices: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if text not in choices:
            raise ValueError("must be one of: " + ", ".join(choices))
        return text
    return parse


SETTINGS: tuple[Setting, ...] = (
    Setting("store", "DEMOGRAPH_STORE", Path("var/store"), Path,
            "Directory of the embedded Oxigraph store (snapshots are swapped in atomically)."),
    Setting("data", "DEMOGRAPH_DATA", Path("data/declarations"), Path,
            "Declaration texts that `build` reads when no PATH is given."),
    Setting("base", "DEMOGRAPH_BASE", DEFAULT_BASE, _base,
            "IRI base of the instance data; things are minted under {base}id/."),
    Setting("host", "DEMOGRAPH_HOST", "127.0.0.1", str, "Address `serve` listens on."),
    Setting("port", "DEMOGRAPH_PORT", 8000, int, "Port `serve` listens on."),
    Setting("workers", "DEMOGRAPH_WORKERS", 2, _positive_int, "WSGI worker processes for `serve`."),
    Setting("query_workers", "DEMOGRAPH_QUERY_WORKERS", 2, _positive_int,
            "Query processes per WSGI worker; one over the time limit is killed and replaced."),
    Setting("query_timeout", "DEMOGRAPH_QUERY_TIMEOUT", 30.0, _positive_float,
            "Seconds a SPARQL query may run before it is stopped."),
    Setting("memory_triples", "DEMOGRAPH_MEMORY_TRIPLES", 2_000_000, _positive_int,
            "Query workers copy a store of at most this many triples into memory, where "
            "queries run 2-6x faster (about 0.5 GB per worker per million triples; 0: off)."),
    Setting("max_rows", "DEMOGRAPH_MAX_ROWS", 10000, _positive_int,
            "Most result rows a query returns (0: no cap)."),
    Setting("rate_limit", "DEMOGRAPH_RATE_LIMIT", 60, _positive_int,
            "Requests per minute per client on the SPARQL endpoint (0: off)."),
    Setting("result_cache", "DEMOGRAPH_RESULT_CACHE", True, _flag,
            "Keep serialised results of repeated queries, and rendered /doc pages, in memory (0: off)."),
    Setting("access_log", "DEMOGRAPH_ACCESS_LOG", True, _flag,
            "`serve` writes a line per request to standard output (0: off, e.g. behind a "
            "proxy that logs, or for benchmarks: it costs about 0.1 ms of CPU a request)."),
    Setting("proxy_hops", "DEMOGRAPH_PROXY_HOPS", 0, _positive_int,
            "Reverse proxies in front of `serve` whose X-Forwarded-For/-Proto/-Host/-Port "
            "headers are trusted for the client's address and the public URL (0: none, the "
            "headers are ignored; behind deploy/nginx.conf: 1)."),
    Setting("store_url", "DEMOGRAPH_STORE_URL", "", _url,
            "Query endpoint of a remote SPARQL 1.1 store to build into and serve from, "
            "instead of DEMOGRAPH_STORE (empty: the embedded store)."),
    Setting("store_update_url", "DEMOGRAPH_STORE_UPDATE_URL", "", _url,
            "Update endpoint of the remote store (empty: …/query becomes …/update, else the "
            "query endpoint)."),
    Setting("store_user", "DEMOGRAPH_STORE_USER", "", str,
            "User for the remote store (HTTP Basic); read-only for `serve`, write for `build`."),
    Setting("store_password", "DEMOGRAPH_STORE_PASSWORD", "", str,
            "Password of DEMOGRAPH_STORE_USER."),
    Setting("store_dialect", "DEMOGRAPH_STORE_DIALECT", "auto",
            _one_of("auto", "standard", "union"),
            "How the remote store reads its default graph: standard, union (Virtuoso, GraphDB, "
            "Neptune: the union of all graphs) or auto (union for Virtuoso)."),
    Setting("cache_dir", "DEMOGRAPH_CACHE_DIR", Path("var/cache"), Path,
            "Directory where `serve` makes the dumps of a snapshot that has none (an older "
            "store, a remote store); never the store itself."),
    Setting("publisher_name", "DEMOGRAPH_PUBLISHER_NAME", "demograph-projektet", str,
            "Publisher of the dataset in its DCAT description (foaf:name)."),
    Setting("publisher_url", "DEMOGRAPH_PUBLISHER_URL", "", _url,
            "Publisher's home page (foaf:homepage; empty: none stated)."),
    Setting("publisher_type", "DEMOGRAPH_PUBLISHER_TYPE", "", _one_of(*PUBLISHER_TYPES),
            "Publisher's kind, from the ADMS publisher types (e.g. NationalAuthority, "
            "LocalAuthority, NonProfitOrganisation; empty: none stated)."),
    Setting("contact_email", "DEMOGRAPH_CONTACT_EMAIL", "", _email,
            "E-mail address of the dataset's contact point (vcard:hasEmail); DCAT-AP-SE "
            "expects one (empty: the site's address only)."),
)


@dataclass(frozen=True)
class Settings:
    store: Path
    data: Path
    base: str
    host: str
    port: int
    workers: int
    query_workers: int
    query_timeout: float
    memory_triples: int
    max_rows: int
    rate_limit: int
    result_cache: bool
    access_log: bool = True
    proxy_hops: int = 0
    store_url: str = ""
    store_update_url: str = ""
    store_user: str = ""
    store_password: str = dataclasses.field(default="", repr=False)  # never in a log line
    store_dialect: str = "auto"
    cache_dir: Path = Path("var/cache")
    publisher_name: str = "demograph-projektet"
    publisher_url: str = ""
    publisher_type: str = ""
    contact_email: str = ""

    @classmethod
    def load(cls, env: Mapping[str, str] | None = None,
             overrides: Mapping[str, Any] | None = None) -> "Settings":
        """Resolve every setting; a malformed environment value is a :class:`UsageError`."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for setting in SETTINGS:
            value = setting.default
            raw = env.get(setting.env)
            if raw not in (None, ""):
                try:
                    value = setting.parse(raw)
                except ValueError as exc:
                    raise UsageError(f"{setting.env}={raw!r}: {exc}") from None
            if overrides and overrides.get(setting.name) is not None:
                value = overrides[setting.name]
            values[setting.name] = value
        return cls(**values)

    def replace(self, **changes: Any) -> "Settings":
        return dataclasses.replace(self, **changes)
