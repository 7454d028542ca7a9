"""One family of errors. Library code raises these; the CLI maps them to exit codes and the
web layer to HTTP statuses (``http_status``), in one place each.

    DemographError            exit 2 unless a subclass says otherwise
    ├── UsageError            bad arguments, settings or paths            exit 2
    ├── StoreError            the store cannot be opened, read or swapped  exit 2
    ├── InputError            one input text cannot be read as text        exit 1
    ├── NothingRecognised     a readable text names no signing actor       exit 1
    ├── QueryError            a SPARQL query is malformed or not allowed   exit 1
    │   └── UpdateRefused     an update sent to the read-only store       exit 1
    ├── RdfInputError         an RDF file cannot be parsed                 exit 1
    └── HttpError             what only the web layer meets: 406 413 415 429 503
"""

from __future__ import annotations


class DemographError(Exception):
    exit_code = 2
    http_status = 500


class UsageError(DemographError):
    exit_code = 2


class StoreError(DemographError):
    exit_code = 2
    http_status = 503  # no store yet, or one that cannot be read: try again after a build


class InputError(DemographError):
    """A text that cannot be read: empty, binary, undecodable, too large."""

    exit_code = 1


class NothingRecognised(DemographError):
    exit_code = 1


class QueryError(DemographError):
    exit_code = 1
    http_status = 400


class UpdateRefused(QueryError):
    """The store is read-only: the web layer answers 403, not 400."""

    http_status = 403


class RdfInputError(DemographError):
    exit_code = 1


class HttpError(DemographError):
    """A request the web layer refuses before any query runs, or cannot serve now."""

    def __init__(self, message: str, http_status: int, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.http_status = http_status
        self.retry_after = retry_after
