"""Publishing: the dataset's description (VoID + DCAT, following DCAT-AP-SE) at ``/dataset``
and ``/.well-known/void``, the full dumps under ``/dumps/``, ``/sitemap.xml`` and
``/robots.txt``.

The description is data-driven: counts, classes, properties, vocabularies, links to Wikidata
and the period covered are read from the store (once per snapshot), the dumps' sizes and
checksums from the files. The human page and the RDF are made from the same
:class:`Description`.

The dumps are written by the build into the snapshot; this module only reads them. A
snapshot without them (an older version's) or a remote store gets them made in the
background (:class:`~demograph.dumps.DumpMaker`, under DEMOGRAPH_CACHE_DIR): until then
``/dumps/<file>`` answers 503 with ``Retry-After`` and ``/dataset`` lists the distributions
without size or checksum. No request ever waits for a dump to be made.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from xml.sax.saxutils import escape as xml_escape

from flask import (Blueprint, Flask, Response, abort, current_app, render_template, request,
                   send_file)
from rdflib import Literal, URIRef

from ..dumps import (BY_FILENAME, DUMPS_DIR, FORMATS, Dump, DumpMaker, remote_source,
                     snapshot_source)
from ..errors import HttpError
from ..queries import text
from ..void import DESCRIPTION, TARGETS, TITLE, Description, Publisher, Stats, describe
from .data import Data, PerSnapshot
from .negotiate import GRAPH_OFFER, choose
from .results import GRAPH_TYPES
from .site import local_path
from .runtime import current

bp = Blueprint("publish", __name__)

HTML_OFFER = (("html", "text/html"), ("html", "application/xhtml+xml"))
SITEMAP_URLS = 50_000  # the sitemap protocol's limit per file
PAGES = ("/", "/actors", "/themes", "/events", "/search", "/query", "/dataset", "/dumps/")


def data() -> Data:
    return current().data


def site() -> str:
    """This server's address as the client reached it, without the trailing slash."""
    return request.host_url.rstrip("/")


# --- dumps --------------------------------------------------------------------------------
def _dumps() -> list[Dump]:
    """This snapshot's dumps as they are now; any missing are started in the background."""
    runtime = current()
    maker: DumpMaker = current_app.extensions["demograph.dumps"]
    version = data().version()
    if runtime.remote is not None:
        found = maker.find(version)
        if not all(d.ready for d in found):
            maker.ensure(version, lambda: remote_source(runtime.remote, version, maker.root))
        return found
    snapshot = runtime.snapshot()
    found = maker.find(version, snapshot / DUMPS_DIR)
    if not all(d.ready for d in found):
        union = runtime.manifest().union_default
        maker.ensure(version, lambda: snapshot_source(snapshot, union))
    return found


def _retry_after() -> int:
    """Seconds to suggest a client waits for a dump: about what making them takes (a
    million triples, some three minutes for the four), within reason."""
    triples = current().manifest().triples
    return max(5, min(300, triples // 5000))


@bp.route("/dumps/")
def dumps_index() -> str:
    return render_template("publish/dumps.html", dumps=_dumps(),
                           built=current().manifest().created)


@bp.route("/dumps/<name>")
def dump(name: str) -> Response:
    fmt = BY_FILENAME.get(name)
    if fmt is None:
        abort(404, description=f"no dump named {name!r}; the dumps are: "
                               + ", ".join(f.filename for f in FORMATS))
    made = next(d for d in _dumps() if d.format == fmt)
    if made.path is None:
        maker: DumpMaker = current_app.extensions["demograph.dumps"]
        failed = maker.failure(data().version())
        why = (f"making it failed ({failed}); it will be tried again" if failed else
               "it is being made now, in the background")
        raise HttpError(f"the dump {name} is not ready: this snapshot came without its dumps "
                        f"(written by an older version of demograph, or a remote store) and "
                        f"{why}; try again later", 503, _retry_after())
    # conditional=True: Content-Length, an ETag and Last-Modified of this snapshot's file,
    # 304 on If-None-Match / If-Modified-Since, and Range requests for resumed downloads
    response = send_file(made.path, mimetype="application/gzip", conditional=True,
                         download_name=name, as_attachment=False, etag=True,
                         last_modified=made.modified)
    response.headers["Cache-Control"] = "public, no-cache"  # a rebuild changes the file
    return response


# --- the description ----------------------------------------------------------------------
def read_stats(source: Data) -> Stats:
    totals = source.select(text("browse/void-totals"))[0]
    period = source.select(text("browse/void-period"))[0]
    links = {name: [(URIRef(str(r["property"])), int(r["triples"]))  # type: ignore[call-overload]
                    for r in source.select(text("browse/void-links"), space=Literal(target[2]))]
             for name, target in TARGETS.items()}
    return Stats(
        triples=source.count(),
        subjects=int(totals["subjects"]), objects=int(totals["objects"]),  # type: ignore[call-overload]
        entities=int(totals["entities"]),  # type: ignore[call-overload]
        classes=[(URIRef(str(r["class"])), int(r["entities"]))  # type: ignore[call-overload]
                 for r in source.select(text("browse/void-classes"))],
        properties=[(URIRef(str(r["property"])), int(r["triples"]))  # type: ignore[call-overload]
                    for r in source.select(text("browse/void-properties"))],
        links=links,
        first=str(period["first"]) if "first" in period else None,
        last=str(period["last"]) if "last" in period else None,
        modified=current().manifest().created)


def description() -> Description:
    stats: Stats = current_app.extensions["demograph.stats"].get(data())
    settings = current().settings
    return Description(stats=stats, base=settings.base, site=site(), dumps=_dumps(),
                       publisher=Publisher(settings.publisher_name, settings.publisher_url,
                                           settings.publisher_type, settings.contact_email))


def _describe(default: str) -> Response:
    offer = HTML_OFFER + GRAPH_OFFER if default == "html" else GRAPH_OFFER + HTML_OFFER
    chosen = choose(request.headers.get("Accept"), offer, request.args.get("format"))
    if chosen is None:
        abort(406, description="the dataset description comes as HTML, Turtle, N-Triples, "
                               "JSON-LD or RDF/XML")
    about = description()
    if chosen == "html":
        body = render_template("publish/dataset.html", d=about, texts={
            "title": TITLE, "description": DESCRIPTION})
        mimetype = "text/html"
    else:
        body = describe(about).serialize(format={"turtle": "turtle", "ntriples": "nt",
                                                 "jsonld": "json-ld", "rdfxml": "xml"}[chosen])
        mimetype = GRAPH_TYPES[chosen]
    response = Response(body, mimetype=mimetype)
    response.headers["Vary"] = "Accept"
    response.headers["Cache-Control"] = "public, no-cache"
    # which dumps are ready is part of the representation: sizes and checksums appear
    ready = "".join("1" if dump.ready else "0" for dump in about.dumps)
    tag = hashlib.sha256(f"{data().version()}|{chosen}|{site()}|{ready}".encode()).hexdigest()[:32]
    response.set_etag(tag)
    return response.make_conditional(request)


@bp.route("/dataset")
def dataset() -> Response:
    return _describe("html")


@bp.route("/.well-known/void")
def well_known_void() -> Response:
    return _describe("turtle")


# --- crawlers -----------------------------------------------------------------------------
def _urls() -> Iterator[str]:
    """Every URL the sitemap lists: the site's pages, then every resource's page."""
    root = site()
    yield from (root + page for page in PAGES)
    for row in data().iter_select(text("browse/sitemap")):
        path = local_path(str(row["resource"]))
        if path is not None:
            yield root + path


def _urlset(urls: Iterator[str], lastmod: str) -> str:
    entries = "".join(f"<url><loc>{xml_escape(u)}</loc><lastmod>{lastmod}</lastmod></url>\n"
                      for u in urls)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{entries}</urlset>\n")


def _xml(body: str) -> Response:
    response = Response(body, mimetype="application/xml")
    response.headers["Cache-Control"] = "public, no-cache"
    return response


@bp.route("/sitemap.xml")
def sitemap() -> Response:
    """One sitemap, or, past the protocol's limit per file, an index of numbered ones."""
    per_file = current_app.config["SITEMAP_URLS"]
    lastmod = current().manifest().created[:10]
    total = sum(1 for _ in _urls())
    if total <= per_file:
        return _xml(_urlset(_urls(), lastmod))
    files = "".join(f"<sitemap><loc>{site()}/sitemap-{n}.xml</loc><lastmod>{lastmod}</lastmod>"
                    "</sitemap>\n" for n in range(1, (total + per_file - 1) // per_file + 1))
    return _xml('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
                f"{files}</sitemapindex>\n")


@bp.route("/sitemap-<int:number>.xml")
def sitemap_page(number: int) -> Response:
    per_file = current_app.config["SITEMAP_URLS"]
    lastmod = current().manifest().created[:10]
    first = (number - 1) * per_file
    urls = [u for i, u in enumerate(_urls()) if first <= i < first + per_file]
    if number < 1 or not urls:
        abort(404, description=f"there is no sitemap number {number}")
    return _xml(_urlset(iter(urls), lastmod))


@bp.route("/robots.txt")
def robots() -> Response:
    # The endpoint and the editor answer any query: crawling them costs and finds nothing a
    # page does not show. Search results are endless variations of the same pages.
    body = ("User-agent: *\nAllow: /\nDisallow: /sparql\nDisallow: /query\n"
            f"Disallow: /search?\n\nSitemap: {site()}/sitemap.xml\n")
    return Response(body, mimetype="text/plain")


def init_app(app: Flask) -> None:
    app.config.setdefault("SITEMAP_URLS", SITEMAP_URLS)
    # dumps the server makes itself go to the cache directory: the store is only read
    app.extensions["demograph.dumps"] = DumpMaker(app.extensions["demograph"].settings.cache_dir)
    app.extensions["demograph.stats"] = PerSnapshot(read_stats)
    app.register_blueprint(bp)

