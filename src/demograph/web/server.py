"""``demograph serve``: the app under gunicorn (threaded workers), not Flask's dev server."""

from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication

from ..config import Settings
from . import create_app

THREADS_PER_WORKER = 8


class _Server(BaseApplication):  # type: ignore[misc]
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        super().__init__()

    def load_config(self) -> None:
        s = self.settings
        self.cfg.set("bind", f"{s.host}:{s.port}")
        self.cfg.set("workers", max(1, s.workers))
        self.cfg.set("worker_class", "gthread")
        self.cfg.set("threads", THREADS_PER_WORKER)
        # the query time limit is enforced by the query workers; this only catches a hung web worker
        self.cfg.set("timeout", int(s.query_timeout) + 30)
        self.cfg.set("graceful_timeout", 10)
        self.cfg.set("accesslog", "-" if s.access_log else None)
        # forwarded headers are trusted only as DEMOGRAPH_PROXY_HOPS says (ProxyFix in
        # create_app); gunicorn would otherwise take X-Forwarded-Proto from any local client
        self.cfg.set("forwarded_allow_ips", "")

    def load(self) -> Any:
        return create_app(self.settings)


def serve(settings: Settings) -> None:
    _Server(settings).run()
