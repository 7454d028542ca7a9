"""One family of errors. Library code raises these; the CLI maps them to exit codes.

    DemographError            exit 2 unless a subclass says otherwise
    ├── UsageError            bad arguments, settings or paths            exit 2
    ├── StoreError            the store cannot be opened, read or swapped  exit 2
    ├── InputError            one input text cannot be read as text        exit 1
    ├── NothingRecognised     a readable text names no signing actor       exit 1
    ├── QueryError            a SPARQL query is malformed or not allowed   exit 1
    └── RdfInputError         an RDF file cannot be parsed                 exit 1
"""

from __future__ import annotations


class DemographError(Exception):
    exit_code = 2


class UsageError(DemographError):
    exit_code = 2


class StoreError(DemographError):
    exit_code = 2


class InputError(DemographError):
    """A text that cannot be read: empty, binary, undecodable, too large."""

    exit_code = 1


class NothingRecognised(DemographError):
    exit_code = 1


class QueryError(DemographError):
    exit_code = 1


class RdfInputError(DemographError):
    exit_code = 1
