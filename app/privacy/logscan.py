"""Card numbers in log files: `flask --app app privacy scan-cards --logs PATH…`.

Relais masks what it writes (`app.cards.logmasking`), but a log written before that, or by a program that does
not mask (nginx, a proxy, a script), may hold card numbers. The scan reads each file line by line: plain
or gzip-compressed (logrotate's `.gz`, recognised by its first bytes), every file of a directory and of
its sub-directories, `-` for the standard input (`journalctl … | flask … --logs -`). Each line is read
with the one detector (`app.cards.detector`) as written and, when it holds percent escapes or `+`, as a URL
decodes it. A hit is reported as `file:line` with a French label, never the number. The scan changes no
log: the operator rotates or deletes the file it names.
"""

import gzip
import io
import sys
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from app.cards.detector import contains_card_number
from app.cards.logmasking import url_decoded

LABEL = "numéro de carte"
LABEL_ENCODED = "numéro de carte (encodé dans une URL)"
LABEL_SPLIT = "numéro de carte (coupé sur plusieurs lignes)"
MAX_SPLIT_LINES = 4  # a number typed with line breaks between its groups
STDIN = "-"
GZIP_MAGIC = b"\x1f\x8b"


class LogScanError(ValueError):
    """A path that does not exist: the French message names it."""


@dataclass(frozen=True)
class LogHit:
    """One log line holding a card number: where it is, never what it is."""

    path: str
    line: int
    label: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}\t{self.label}"


@dataclass
class LogScan:
    """What a scan found and read."""

    hits: list[LogHit] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)  # "path : reason", in French
    files: int = 0
    lines: int = 0


def line_label(line: str) -> str | None:
    """The label of a line holding a card number (as written, or once URL-decoded), or None."""
    if contains_card_number(line):
        return LABEL
    if "%" in line or "+" in line:
        decoded = url_decoded(line, plus=True)
        if decoded != line and contains_card_number(decoded):
            return LABEL_ENCODED
    return None


def log_files(paths: list[str]) -> Iterator[str]:
    """Each file to read: the paths given, directories walked (sorted); raises LogScanError for a missing one."""
    for raw in paths:
        if raw == STDIN:
            yield STDIN
            continue
        path = Path(raw)
        if path.is_dir():
            yield from (str(child) for child in sorted(path.rglob("*")) if child.is_file())
        elif path.exists():
            yield raw
        else:
            raise LogScanError(f"{raw} : fichier ou dossier introuvable.")


def _lines(name: str):
    if name == STDIN:
        return io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
    with open(name, "rb") as probe:
        compressed = probe.read(2) == GZIP_MAGIC
    if compressed:
        return gzip.open(name, "rt", encoding="utf-8", errors="replace")
    return open(name, encoding="utf-8", errors="replace")  # noqa: SIM115 - closed by the caller's `with`


def _continues(previous: str, line: str) -> bool:
    """Whether `line` may carry on a number `previous` ended with (digits on both sides of the line break)."""
    tail, head = previous.rstrip("\r\n"), line.lstrip()
    return tail[-1:].isdigit() and head[:1].isdigit()


def _scan_file(name: str, scan: LogScan) -> None:
    """Append the hits of one file to `scan`; a file that cannot be read (to its end) is named in `unreadable`.

    Each line is read alone; consecutive lines that a line break splits between digits (up to
    MAX_SPLIT_LINES, none of them a hit alone) are also read together, reported at their first line.
    """
    number, run = 0, []  # run: (line number, line, hit alone) of lines joined between digits
    try:
        with _lines(name) as lines:
            for number, line in enumerate(lines, start=1):
                label = line_label(line)
                if label:
                    scan.hits.append(LogHit(name, number, label))
                if run and len(run) < MAX_SPLIT_LINES and _continues(run[-1][1], line):
                    run.append((number, line, bool(label)))
                    if not any(alone for _n, _l, alone in run) and line_label("".join(text for _n, text, _a in run)):
                        scan.hits.append(LogHit(name, run[0][0], LABEL_SPLIT))
                        run = []
                else:
                    run = [(number, line, bool(label))]
    except (gzip.BadGzipFile, EOFError, zlib.error):
        scan.unreadable.append(f"{name} : archive gzip illisible ou tronquée (lue jusqu'à la ligne {number})")
    except OSError as exc:
        scan.unreadable.append(f"{name} : illisible ({exc.strerror or exc})")
    else:
        scan.files += 1
    scan.lines += number


def scan_logs(paths: list[str]) -> LogScan:
    """Scan the log files and directories of `paths` (see the module's docstring); LogScanError for a
    path that does not exist, before anything is read."""
    names = list(log_files(paths))
    scan = LogScan()
    for name in names:
        _scan_file(name, scan)
    return scan
