"""Does a dump download stream? The server's peak memory while it writes and serves the dumps
of a large synthetic graph, beside the dumps' sizes.

    .venv/bin/python bench/dumps.py --triples 1000000

generates a graph in demograph's model (bench/graphgen.py), writes it as a store snapshot
(bench/sparql.py's write_store), serves it with `demograph serve` (one worker), and for each
dump format downloads it twice: the first download waits (503, Retry-After) while the server
makes the dumps in the background — the snapshot comes without them, as one an older version
built does (`demograph build` now writes them into the snapshot) — the second is the file
sent as it is. A sampler reads the RSS of the
server's processes (gunicorn's arbiter, its worker and anything they start) every 20 ms. If
the dump were built in memory, the peak would grow with the dump's uncompressed size; it
should stay near the idle server's. Writes the "dumps" section of bench/results.json and the
section between the dumps markers of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from graphgen import generate_graph, size_label  # noqa: E402
from measure import demograph_command, machine_facts  # noqa: E402
from sparql import free_port, write_store  # noqa: E402

FORMATS = ("nq", "nt", "ttl", "jsonld")
START, END = "<!-- dumps:start -->", "<!-- dumps:end -->"


def tree_rss_kb(root: int) -> int:
    """The summed RSS of ``root`` and every process below it, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    parent = int(handle.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        try:
            with open(f"/proc/{pid}/status") as handle:
                for line in handle:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            continue
    return total


class Sampler:
    """The peak of ``tree_rss_kb(pid)`` between start() and stop()."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._stop = pid, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_rss_kb(self.pid))
            time.sleep(0.02)

    def __enter__(self) -> "Sampler":
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def download(url: str, target: Path) -> tuple[float, int]:
    """The dump at ``url``, waiting out the 503s the server answers while it makes the dumps
    of a snapshot that came without them (as write_store's do) in the background."""
    started = time.perf_counter()
    while True:
        try:
            with urllib.request.urlopen(url, timeout=3600) as response, \
                    open(target, "wb") as out:
                while chunk := response.read(1 << 20):
                    out.write(chunk)
            return time.perf_counter() - started, target.stat().st_size
        except urllib.error.HTTPError as error:
            if error.code != 503:
                raise
            time.sleep(0.5)


def uncompressed_size(path: Path) -> int:
    size = 0
    with gzip.open(path, "rb") as handle:
        while chunk := handle.read(1 << 22):
            size += len(chunk)
    return size


def measure(triples: int, seed: int, work: Path) -> dict[str, object]:
    nq = work / "graph.nq"
    info = generate_graph(triples, seed, nq)
    store = work / "store"
    _, loaded = write_store(nq, store, info)
    nq.unlink()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEMOGRAPH_")}
    env.update({"DEMOGRAPH_STORE": str(store), "DEMOGRAPH_PORT": str(port),
                "DEMOGRAPH_WORKERS": "1", "DEMOGRAPH_RATE_LIMIT": "0",
                "DEMOGRAPH_CACHE_DIR": str(work / "cache")})
    server = subprocess.Popen([*demograph_command(), "serve"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/health", timeout=2).read()
                break
            except OSError:
                time.sleep(0.1)
        urllib.request.urlopen(base + "/", timeout=60).read()  # a served page: the idle state
        idle = tree_rss_kb(server.pid)
        rows = []
        for fmt in FORMATS:
            url = f"{base}/dumps/demograph.{fmt}.gz"
            with Sampler(server.pid) as first:
                made_seconds, size = download(url, work / f"dump.{fmt}.gz")
            with Sampler(server.pid) as second:
                sent_seconds, _ = download(url, work / f"dump.{fmt}.gz")
            rows.append({"format": fmt, "gzip_bytes": size,
                         "uncompressed_bytes": uncompressed_size(work / f"dump.{fmt}.gz"),
                         "first_download_seconds": round(made_seconds, 2),
                         "cached_download_seconds": round(sent_seconds, 2),
                         "peak_rss_kb_while_made": first.peak,
                         "peak_rss_kb_while_sent": second.peak})
            (work / f"dump.{fmt}.gz").unlink()
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {"machine": machine_facts(), "triples": triples, "seed": seed,
            "store_quads": loaded["quads"], "distinct_triples": loaded["distinct_triples"],
            "server_rss_kb_idle": idle, "graph_label": size_label(triples), "dumps": rows}


def report(result: dict[str, object]) -> str:
    idle = int(result["server_rss_kb_idle"])  # type: ignore[call-overload]
    lines = [START, "## Dumps: does a download stream?", "",
             f"`bench/dumps.py --triples {result['triples']}`: a synthetic graph of "
             f"{result['store_quads']:,} quads ({result['distinct_triples']:,} distinct triples), "
             f"served by `demograph serve` (one worker), each dump downloaded twice (the first "
             f"makes it, the second sends the file). RSS of the server's processes, sampled "
             f"every 20 ms; idle after serving a page: {idle / 1024:.0f} MB. "
             f"Machine: {result['machine']['cpu_model']}, {result['machine']['nproc']} CPUs "  # type: ignore[index]
             f"({result['machine']['date']}).", "",  # type: ignore[index]
             "| dump | gzip | uncompressed | first download (made) | peak RSS | again (sent) "
             "| peak RSS |", "|---|---:|---:|---:|---:|---:|---:|"]
    for row in result["dumps"]:  # type: ignore[attr-defined]
        lines.append(f"| {row['format']} | {row['gzip_bytes'] / 2**20:.1f} MB | "
                     f"{row['uncompressed_bytes'] / 2**20:.0f} MB | "
                     f"{row['first_download_seconds']} s | "
                     f"{row['peak_rss_kb_while_made'] / 1024:.0f} MB | "
                     f"{row['cached_download_seconds']} s | "
                     f"{row['peak_rss_kb_while_sent'] / 1024:.0f} MB |")
    rows = result["dumps"]  # type: ignore[assignment]
    growth = max(max(r["peak_rss_kb_while_made"], r["peak_rss_kb_while_sent"]) - idle
                 for r in rows) / 1024
    largest = max(r["uncompressed_bytes"] for r in rows) / 2**20
    lines += ["", f"The server grew by at most {growth:.0f} MB above idle while making and "
              f"sending dumps of up to {largest:.0f} MB uncompressed: the dump is streamed "
              "from Oxigraph into gzip on disk and sent from the file, never held whole.", END]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2021)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="demograph-dumps-") as work:
        result = measure(args.triples, args.seed, Path(work))
    results_path = BENCH / "results.json"
    results = json.loads(results_path.read_text()) if results_path.exists() else {}
    results["dumps"] = result
    results_path.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    section = report(result)
    md_path = BENCH / "RESULTS.md"
    text = md_path.read_text() if md_path.exists() else ""
    if START in text and END in text:
        text = text[:text.index(START)] + section + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    md_path.write_text(text)
    print(section)


if __name__ == "__main__":
    main()
