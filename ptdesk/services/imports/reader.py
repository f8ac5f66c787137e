"""Read an import file: encoding, separator, header, rows with their line numbers.

UTF-8 (with or without BOM) is decoded strictly; a file that is not UTF-8 is read as
Windows-1252 (what Excel on Windows saves as "CSV"). The separator is a comma or a semicolon
(European Excel), decided from the header line.
"""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


class ImportFileError(Exception):
    """The file cannot be read at all (missing, not text, no header, a required column absent)."""


@dataclass(frozen=True, slots=True)
class CsvTable:
    headers: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]  # (line number, cells)
    encoding: str  # "utf-8", "utf-8 (BOM)" or "windows-1252"
    delimiter: str


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise ImportFileError(f"{path} does not exist") from None
    except IsADirectoryError:
        raise ImportFileError(f"{path} is a folder, not a CSV file") from None
    except OSError as exc:
        raise ImportFileError(f"{path} cannot be opened ({exc.strerror})") from None


def decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8 (BOM)"
        except UnicodeDecodeError:
            raise ImportFileError("the file starts as UTF-8 but is not valid UTF-8") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError:
        raise ImportFileError("the file is neither UTF-8 nor Windows-1252 text") from None


def _delimiter(header_line: str) -> str:
    counts = {d: 0 for d in ",;\t"}
    quoted = False
    for ch in header_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def _first_line(text: str, window: int = 1 << 20) -> str:
    """The first non-blank line (`str.splitlines`' idea of a line), without splitting a
    100 MB file into a list of lines for it."""
    lines = text[:window].splitlines()
    if len(text) > window:
        lines = lines[:-1]  # may be cut by the window
    found = next((ln for ln in lines if ln.strip()), "")
    if found or len(text) <= window:
        return found
    return next((ln for ln in text.splitlines() if ln.strip()), "")


def _lines(text: str) -> Iterator[str]:
    """The lines with their endings, as `io.StringIO(text, newline="")` gives them to the csv
    reader, without its copy of the text (four bytes a character: 400 MB for a 100 MB file).
    A file with a lone carriage return as a line end (old Mac) goes through StringIO."""
    if text.count("\r") != text.count("\r\n"):
        yield from io.StringIO(text, newline="")
        return
    start, end = 0, len(text)
    find = text.find
    while start < end:
        stop = find("\n", start)
        if stop < 0:
            yield text[start:]
            return
        yield text[start:stop + 1]
        start = stop + 1


def parse(data: bytes) -> CsvTable:
    headers, rows, encoding, delim = stream(data)
    return CsvTable(headers, tuple(rows), encoding, delim)


def stream(data: bytes) -> tuple[tuple[str, ...], Iterator[tuple[int, tuple[str, ...]]], str,
                                 str]:
    """The header row now, the rows (line number, cells) as they are read: an import of two
    million visits never holds every row's cells at once."""
    text, encoding = decode(data)
    if "\x00" in text:
        raise ImportFileError("the file is not a CSV text file (it contains binary data)")
    first = _first_line(text)
    if not first:
        raise ImportFileError("the file is empty (no header row)")
    delim = _delimiter(first)
    reader = csv.reader(_lines(text), delimiter=delim)
    state = {"last": 0}

    def rows() -> Iterator[tuple[int, tuple[str, ...]]]:
        try:
            for cells in reader:
                start, state["last"] = state["last"] + 1, reader.line_num
                if any(c.strip() for c in cells):
                    yield start, tuple(cells)
        except csv.Error as exc:
            raise ImportFileError(f"line {state['last'] + 1} is not valid CSV ({exc})") from None

    it = rows()
    try:
        _, cells = next(it)
    except StopIteration:  # not reached: `first` is a non-blank line
        raise ImportFileError("the file is empty (no header row)") from None
    return tuple(c.strip() for c in cells), it, encoding, delim
