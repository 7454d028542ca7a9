"""``demograph``: the command line. Thin: arguments → one library call → output → exit code.

Exit codes (INTERFACES.md): 0 success; 1 the input was bad (a text that fails, a graph that
does not conform, a malformed query); 2 usage, settings or I/O errors. No traceback, ever.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from . import __version__
from .config import SETTINGS, Settings
from .errors import DemographError, QueryError

FORMATS_EXTRACT = {"turtle": "turtle", "jsonld": "json-ld", "nt": "nt"}


def _settings_epilog() -> str:
    lines = ["Settings (defaults, then environment variables, then flags):", ""]
    for s in SETTINGS:
        lines.append(f"  {s.env:<26} {s.help} [default: {s.default}]")
    return "\n".join(lines)


def _load_settings(**overrides: Any) -> Settings:
    return Settings.load(overrides=overrides)


def _knowledge(settings: Settings) -> Any:
    from .knowledge import Knowledge

    return Knowledge.load(settings.base)


store_option = click.option("--store", type=click.Path(path_type=Path), default=None,
                            help="Store directory [env DEMOGRAPH_STORE].")
base_option = click.option("--base", default=None, help="IRI base of instance data [env DEMOGRAPH_BASE].")
store_url_option = click.option(
    "--store-url", default=None, metavar="URL",
    help="Query endpoint of a remote SPARQL 1.1 store, used instead of the store directory "
         "[env DEMOGRAPH_STORE_URL].")


def _embedded_only(settings: Settings, command: str) -> None:
    """Refuse, rather than silently use the local store, when a remote store is configured."""
    if settings.store_url:
        raise click.UsageError(
            f"`demograph {command}` works on the embedded store only, but a remote store is "
            f"configured (DEMOGRAPH_STORE_URL={settings.store_url}); unset it to use "
            f"{settings.store}")


def _as_oxigraph(result: Any) -> Any:
    """A remote store's answer (the Store protocol's values) as the pyoxigraph result
    ``results.render`` writes."""
    import pyoxigraph as ox

    from .store.protocol import Solutions, Triples

    if isinstance(result, Triples):
        held = ox.Store()
        held.extend(ox.Quad(t.subject, t.predicate, t.object) for t in result.triples)
        return held.query("CONSTRUCT WHERE { ?s ?p ?o }")
    if isinstance(result, Solutions):
        from .web.results import solutions_json

        body = solutions_json(result.variables, result.rows)
    else:
        body = b'{"head":{},"boolean":%s}' % (b"true" if result else b"false")
    return ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)


def _remote(settings: Settings) -> Any:
    """The remote store the settings name, or None for the embedded one."""
    if not settings.store_url:
        return None
    from .store.remote import open_remote

    if not settings.store_url.startswith(("http://", "https://")):
        raise click.UsageError(f"--store-url {settings.store_url}: must be an http(s) URL")
    return open_remote(settings)


class _Group(click.Group):
    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write("\n")
        for line in _settings_epilog().splitlines():
            formatter.write(line + "\n")


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"],
                                           "max_content_width": 100})
@click.version_option(__version__, prog_name="demograph")
def cli() -> None:
    """demograph — the commitments of the Swedish "Deklaration för en stark demokrati" as a
    linked-open-data knowledge graph: build it from declaration texts, validate it, query it."""


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@store_option
@base_option
@click.option("--keep-going", is_flag=True,
              help="Publish the files that succeed even when others fail (exit code is still 1).")
@store_url_option
@click.option("--adopt", is_flag=True,
              help="With --store-url: send nothing, but check that the store already holds "
                   "the graphs these texts make, with as many triples each, and their merge (a first load made "
                   "with the store's own bulk loader, from `export --format nq` and "
                   "`--format nt` of an embedded build), then serve them.")
def build(paths: tuple[Path, ...], store: Path | None, base: str | None, keep_going: bool,
          store_url: str | None, adopt: bool) -> None:
    """Ingest declaration texts (default: DEMOGRAPH_DATA) and the reference data, validate
    with SHACL, and replace the store atomically. A failure leaves the old store in place."""
    from .build import build as run_build
    from .build import collect_inputs

    settings = _load_settings(store=store, base=base, store_url=store_url)
    remote = _remote(settings)
    if adopt and remote is None:
        raise click.UsageError("--adopt checks a remote store: give --store-url (or "
                               "DEMOGRAPH_STORE_URL)")
    inputs = collect_inputs(list(paths) or [settings.data])
    knowledge = _knowledge(settings)
    with click.progressbar(length=len(inputs), label="Reading texts", file=sys.stderr,
                           show_pos=True) as bar:
        report = run_build(inputs, settings.store, knowledge, keep_going=keep_going, remote=remote,
                           adopt=adopt, progress=lambda _: bar.update(1))
    for entry in report.files:
        status = "ok" if entry.ok else "FAILED"
        detail = entry.message or (f"{entry.signatories} signator{'y' if entry.signatories == 1 else 'ies'}, "
                                   f"{entry.commitments} commitment{'s' if entry.commitments != 1 else ''}")
        extra = f" ({'; '.join(entry.warnings)})" if entry.warnings else ""
        click.echo(f"  {status:<7} {entry.name}: {detail}{extra}")
    for note in report.notes:
        click.echo(f"  note    {note}")
    for what, check in report.findings:
        if not check.conforms:
            click.echo(f"\n{what}:\n{check.format_text(limit=20)}", err=True)
    if report.published:
        click.echo(f"Published {report.triples} triples from {len(report.files) - len(report.failed)} "
                   f"file(s) to {settings.store_url or settings.store} in {report.seconds:.1f} s.")
    else:
        click.echo("Nothing published: the previous store (if any) is unchanged.", err=True)
    sys.exit(0 if report.published and not report.failed and report.conforms else 1)


@cli.command()
@click.argument("file", type=click.Path(path_type=Path, allow_dash=True))
@click.option("--format", "fmt", type=click.Choice(list(FORMATS_EXTRACT)), default="turtle",
              show_default=True, help="RDF syntax of the output.")
@base_option
def extract(file: Path, fmt: str, base: str | None) -> None:
    """Print the RDF of one declaration text (- reads standard input). No store is touched."""
    from .pipeline import extract_bytes, read_bytes, standalone

    settings = _load_settings(base=base)
    knowledge = _knowledge(settings)
    if str(file) == "-":
        data, name = sys.stdin.buffer.read(), "stdin"
    else:
        if not file.exists():
            raise click.UsageError(f"{file}: no such file")
        data, name = read_bytes(file), file.name
    graph = standalone(extract_bytes(data, name, knowledge), knowledge)
    sys.stdout.buffer.write(graph.serialize(format=FORMATS_EXTRACT[fmt], encoding="utf-8"))


@cli.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path, exists=True, dir_okay=False))
@store_option
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def validate(files: tuple[Path, ...], store: Path | None, as_json: bool) -> None:
    """SHACL-validate the store, or RDF files (with the reference data they point to)."""
    import json

    from .load import parse_file
    from .store import Store
    from .store.convert import quads_to_graph
    from .validate import validate as run_validate

    settings = _load_settings(store=store)
    if not files:
        _embedded_only(settings, "validate")
    knowledge = _knowledge(settings)
    if files:
        quads = [q for f in files for q in parse_file(f)]
        data = quads_to_graph(quads)
        data += knowledge.context.closure(data)
    else:
        data = quads_to_graph(Store(settings.store).db.quads_for_pattern(None, None, None))
    report = run_validate(data, ontology=knowledge.ontology)
    if as_json:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        click.echo(report.format_text(limit=100))
    sys.exit(0 if report.conforms else 1)


@cli.command()
@click.argument("query", required=False)
@click.option("-f", "--file", "query_file", type=click.Path(path_type=Path, allow_dash=True),
              help="Read the query from a file (- for standard input).")
@click.option("--example", "example_name", metavar="NAME", default=None,
              help="Run the example query NAME (see --list-examples).")
@click.option("--list-examples", is_flag=True, help="List the example queries and exit.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json"]), default="table",
              show_default=True, help="Output format (graphs from CONSTRUCT/DESCRIBE: Turtle, "
                                      "N-Triples or JSON-LD).")
@store_option
@store_url_option
def query(query: str | None, query_file: Path | None, example_name: str | None,
          list_examples: bool, fmt: str, store: Path | None, store_url: str | None) -> None:
    """Run a read-only SPARQL query on the store (the merge of all its graphs): QUERY,
    -f FILE or --example NAME."""
    from . import examples
    from .querycheck import check_query
    from .results import render
    from .store import Store

    if list_examples:
        for item in examples.load_examples():
            click.echo(f"{item.name:<26} {item.title_en} / {item.title_sv}")
        return
    if sum(given is not None for given in (query, query_file, example_name)) != 1:
        raise click.UsageError("give a QUERY, -f FILE or --example NAME (one of them)")
    settings = _load_settings(store=store, store_url=store_url)
    remote = _remote(settings)
    if example_name is not None:
        try:
            text = examples.for_base(examples.example(example_name).query, settings.base)
        except examples.UnknownExample as exc:
            raise click.UsageError(str(exc)) from None
    elif query_file is not None:
        try:
            text = sys.stdin.read() if str(query_file) == "-" else query_file.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise click.UsageError(f"{query_file}: cannot read: {exc}") from None
    else:
        text = query or ""
    check_query(text)
    if remote is not None:
        try:
            result = _as_oxigraph(remote.query(text))
        finally:
            remote.close()
    else:
        result = Store(settings.store).query(text)
    try:
        output = render(result, fmt)
    except (OSError, SyntaxError) as exc:  # evaluation errors surface while serialising
        raise QueryError(f"query failed: {exc}") from None
    sys.stdout.buffer.write(output)


@cli.command()
@click.argument("files", nargs=-1, required=True,
                type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--graph", default=None,
              help="Named graph to load into [default: {base}graph/loaded/<file names>].")
@store_option
def load(files: tuple[Path, ...], graph: str | None, store: Path | None) -> None:
    """Add other RDF (another dataset, a Wikidata extract) to the store, into a named graph.
    Validated where the shapes apply; nothing is added unless it conforms."""
    from .load import load as run_load

    settings = _load_settings(store=store)
    _embedded_only(settings, "load")
    report = run_load(list(files), settings.store, _knowledge(settings), graph)
    if not report.published:
        click.echo(report.validation.format_text(limit=50), err=True)
        click.echo(f"Nothing loaded: {len(files)} file(s) do not conform.", err=True)
        sys.exit(1)
    click.echo(f"Loaded {report.triples} triples into <{report.graph}>.")


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["ttl", "nt", "nq", "jsonld"]), default="nq",
              show_default=True, help="nq and jsonld keep the named graphs; ttl and nt give their merge.")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Write to a file (.gz compresses) instead of standard output.")
@store_option
@store_url_option
def export(fmt: str, output: Path | None, store: Path | None, store_url: str | None) -> None:
    """Dump the whole store."""
    import contextlib
    import gzip
    import tempfile

    from .load import export as run_export
    from .store import Store

    settings = _load_settings(store=store, store_url=store_url)
    remote = _remote(settings)
    with contextlib.ExitStack() as stack:
        if remote is not None:  # copied graph by graph into a temporary store, as serve's dumps
            from .dumps import remote_source

            stack.callback(remote.close)
            workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="demograph-export-")))
            db, union = stack.enter_context(remote_source(remote, remote.version(), workdir))
        else:
            opened = Store(settings.store)
            db, union = opened.db, opened.manifest.union_default
        if output is None:
            run_export(db, fmt, sys.stdout.buffer, union)
            return
        try:
            with (gzip.open(output, "wb") if output.suffix == ".gz" else open(output, "wb")) as handle:
                run_export(db, fmt, handle, union)  # type: ignore[arg-type]
        except OSError as exc:
            raise click.UsageError(f"{output}: cannot write: {exc.strerror}") from None


@cli.command()
@click.option("--host", default=None, help="Address to listen on [env DEMOGRAPH_HOST].")
@click.option("--port", type=int, default=None, help="Port to listen on [env DEMOGRAPH_PORT].")
@click.option("--workers", type=int, default=None, help="WSGI worker processes [env DEMOGRAPH_WORKERS].")
@store_option
@store_url_option
def serve(host: str | None, port: int | None, workers: int | None, store: Path | None,
          store_url: str | None) -> None:
    """Serve the store: the SPARQL endpoint at /sparql and /health, under gunicorn."""
    from .store.oxigraph import SnapshotDir
    from .web.server import serve as run_server

    settings = _load_settings(host=host, port=port, workers=workers, store=store,
                              store_url=store_url)
    remote = _remote(settings)
    if remote is not None:
        remote.version()  # a store that is down or empty: a clear message now, not 503s later
    else:  # the manifest reads and the database opens: a corrupted one fails here, clearly
        snapshots = SnapshotDir(settings.store)
        snapshots.manifest()
        snapshots.open_read()
    run_server(settings)


def main() -> NoReturn:
    try:
        cli.main(prog_name="demograph", standalone_mode=False)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except DemographError as exc:
        click.echo(f"demograph: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    except Exception as exc:  # the promise is "never a traceback": say what broke, briefly
        click.echo(f"demograph: internal error: {type(exc).__name__}: {exc}", err=True)
        sys.exit(2)
    sys.exit(0)
