"""Real remote SPARQL stores for the tests: `oxigraph serve` (PyPI `oxigraph`) and Virtuoso
open source (Debian `virtuoso-opensource`), each started on free 127.0.0.1 ports in a
temporary directory and stopped afterwards."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .conftest import free_port, stop_process

OXIGRAPH = Path(sys.executable).parent / "oxigraph"
VIRTUOSO = shutil.which("virtuoso-t")
ISQL = shutil.which("isql-vt") or shutil.which("isql")


@dataclass
class RemoteServer:
    name: str
    url: str  # the query endpoint
    process: subprocess.Popen[bytes]
    log: Path
    handle: Any  # the open log file
    sql_port: int = 0  # Virtuoso's SQL port (isql), 0 for other stores

    def isql(self, statement: str, timeout: float = 3600) -> str:
        """Run one statement through Virtuoso's isql as dba; its output, or RuntimeError."""
        done = subprocess.run([ISQL or "isql-vt", f"127.0.0.1:{self.sql_port}", "dba", "dba",
                               f"exec={statement}"], capture_output=True, timeout=timeout)
        out = done.stdout.decode(errors="replace") + done.stderr.decode(errors="replace")
        if done.returncode != 0 or "*** Error" in out:
            raise RuntimeError(f"isql {statement!r}: {out[-1500:]}")
        return out

    def stop(self) -> None:
        stop_process(self.process, grace=20)
        self.handle.close()


def _wait(url: str, process: subprocess.Popen[bytes], log: Path, seconds: float,
          handle: Any) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            handle.close()
            raise RuntimeError(f"{url}: the server exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.2)
    process.kill()
    process.wait(timeout=10)
    handle.close()
    raise RuntimeError(f"{url} did not answer in {seconds:g} s: {log.read_text(errors='replace')[-2000:]}")


def start_oxigraph(workdir: Path) -> RemoteServer:
    """`oxigraph serve` with a database in ``workdir``; query /query, update /update."""
    if not OXIGRAPH.exists():
        raise RuntimeError(f"{OXIGRAPH} is missing: pip install '.[test]' installs the "
                           "PyPI package oxigraph, which has the `oxigraph` command")
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = workdir / "oxigraph.log"
    process = subprocess.Popen([str(OXIGRAPH), "serve", "--location", str(workdir / "db"),
                                "--bind", f"127.0.0.1:{port}"],
                               stdout=(handle := open(log, "wb")), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/query"
    _wait(url, process, log, 30, handle)
    return RemoteServer("oxigraph", url, process, log, handle)


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DisableTcpSocket = 0
MaxClientConnections = 20
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = ., {d}
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty_buffers}
ThreadsPerQuery = 2
AsyncQueueMaxThreads = 4

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {d}/vsp
MaxClientConnections = 20
ServerThreads = 20
EnabledDavVSP = 0
HTTPProxyEnabled = 0
Charset = UTF-8

[SPARQL]
; above any DEMOGRAPH_MAX_ROWS: demograph caps results itself and must see them all
ResultSetMaxRows = 1000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime = 60
MaxSortedTopRows = 1000000
"""


def start_virtuoso(workdir: Path, buffers: int = 50_000) -> RemoteServer:
    """`virtuoso-t` in the foreground with a generated virtuoso.ini; the SPARQL user may
    update (what a build's credentials would allow) — /sparql for queries and updates.
    ``buffers``: 8 KB pages of cache (Virtuoso's advice: about two thirds of the memory it may
    use); the default, 400 MB, is for the tests' small stores."""
    if VIRTUOSO is None:
        raise RuntimeError("virtuoso-t is not installed")
    if ISQL is None:
        raise RuntimeError("isql-vt is missing: it comes with virtuoso-opensource")
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "vsp").mkdir(exist_ok=True)
    http_port, sql_port = free_port(), free_port()
    ini = workdir / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(d=workdir, sql_port=sql_port, http_port=http_port,
                                       buffers=buffers, dirty_buffers=buffers * 3 // 5))
    log = workdir / "virtuoso-stdout.log"
    process = subprocess.Popen([VIRTUOSO, "+foreground", "+configfile", str(ini)], cwd=workdir,
                               stdout=(handle := open(log, "wb")), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{http_port}/sparql"
    _wait(url, process, log, 90, handle)
    server = RemoteServer("virtuoso", url, process, log, handle, sql_port)
    try:
        server.isql('GRANT SPARQL_UPDATE TO "SPARQL";', timeout=60)
    except (RuntimeError, OSError, subprocess.TimeoutExpired):
        process.kill()
        handle.close()
        raise
    return server
