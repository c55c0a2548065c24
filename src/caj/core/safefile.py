"""One way to write a file, for every command that writes one. A user's file, folder, link, pipe
or device is theirs: caj may create and replace only what it wrote itself.

- a regular file, or a new path, is replaced atomically: a temporary file beside it, synced, then
  renamed onto it, keeping the mode of the file it replaces;
- a link is written through to its target, which is replaced the same way; the link stays;
- a FIFO, device or socket, and an open descriptor named as a path (/dev/stdout, /dev/fd/N), is
  written into as it is, never renamed over, unlinked or truncated by name;
- `-` (or None) is standard output;
- a folder of files (an export) is written only when it is new, empty, or holds caj's own
  unchanged previous export, recognised by the manifest caj wrote into it.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from caj.core.errors import CajError, UsageError, WriteError, shown

MANIFEST = ".caj-export.json"
TEMP_PREFIX = ".caj-tmp-"  # every temporary file caj makes beside a target is named so
MANIFEST_NOTE = ("The files caj wrote into this folder, with the sha256 of each as written. caj "
                 "replaces or removes a file here only while it is listed and unchanged.")

# errno -> why a write failed, for the one-line WriteError
REASONS = {
    errno.ENOSPC: "no space left on the device",
    errno.EDQUOT: "no space left in the disk quota",
    errno.EFBIG: "the file is too large for the file system",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "the file system is read-only",
}


# --- errors ---------------------------------------------------------------------------------------


def _error(exc: OSError, path: str) -> CajError:
    """The one-line error for an OSError met while writing `path`, named as the user gave it."""
    code = exc.errno
    if code == errno.ENAMETOOLONG:
        return UsageError(f"{shown(path)}: a name in it is too long for the file system")
    if code == errno.EISDIR:
        return UsageError(f"{shown(path)} is a folder; give a file name")
    if code == errno.ELOOP:
        return UsageError(f"{shown(path)} is a loop of links")
    if code == errno.ENOTDIR:
        return UsageError(f"folder {shown(os.path.dirname(path) or '.')} does not exist")
    reason = REASONS.get(code) or (exc.strerror or str(exc)).lower()
    return WriteError(f"cannot write {shown(path)}: {reason}")


@contextmanager
def _mapped(path: str) -> Iterator[None]:
    """OSErrors of the writing become one-line errors. A broken pipe passes (the reader left: caj
    ends quietly), and so does an error the caller's block raised about a file of its own."""
    try:
        yield
    except OSError as exc:
        if isinstance(exc, BrokenPipeError) or getattr(exc, "caj_callers", False):
            raise
        raise _error(exc, path) from exc


@contextmanager
def _callers(*ours: str) -> Iterator[None]:
    """Around the caller's block. An OSError naming another file is about that file and is left as
    it is; one naming no file (a write that found the disk full) or one of `ours` is mapped."""
    try:
        yield
    except OSError as exc:
        if exc.filename is not None and os.fsdecode(exc.filename) not in ours:
            exc.caj_callers = True
        raise


# --- where to write -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Target:
    path: str  # the file to write: a link's target already resolved when it is replaced
    direct: bool = False  # written into as it is (FIFO, device, socket, descriptor), never replaced
    fd: int | None = None  # a descriptor named as a path: written through a duplicate of it


def _is_stdout(path) -> bool:
    return path is None or os.fsdecode(path) == "-"


def _name(path, what: str, hint: str) -> str:
    """A file or folder name as text, refused when empty or holding a NUL character."""
    raw = os.fsdecode(path)
    if not raw:
        raise UsageError(f"the {what} name is empty; {hint}")
    if "\0" in raw:
        raise UsageError(f"{shown(raw)} cannot be a {what} name (it holds a NUL character)")
    return raw


def _raw(path) -> str:
    """The path as text, refused when it cannot name a file."""
    raw = _name(path, "file", "give a file name, or - for standard output")
    if os.path.basename(raw) in ("", ".", ".."):
        if os.path.isdir(raw):
            raise UsageError(f"{shown(raw)} is a folder; give a file name")
        raise UsageError(f"{shown(raw)} does not name a file; give a file name")
    return raw


def _target(raw: str) -> _Target:
    """Decide how to write `raw`, by what it is once links are followed."""
    fd = _fd_named(raw)
    if fd is not None:
        return _Target(raw, direct=True, fd=fd)
    try:
        st = os.stat(raw)  # follows links: the kind of what is finally there decides
    except FileNotFoundError:
        return _Target(_new_file(raw))
    if stat.S_ISDIR(st.st_mode):
        raise UsageError(f"{shown(raw)} is a folder; give a file name")
    if not stat.S_ISREG(st.st_mode):
        return _Target(raw, direct=True)
    real = os.path.realpath(raw)
    # /proc's links can name a file that is not at that path (deleted, another mount namespace):
    # then it cannot be replaced beside itself, only written into.
    if _same_file(real, st):
        return _Target(real)
    return _Target(raw, direct=True)


def _same_file(path: str, st: os.stat_result) -> bool:
    try:
        other = os.stat(path)
    except OSError:
        return False
    return (other.st_dev, other.st_ino) == (st.st_dev, st.st_ino)


def _new_file(raw: str) -> str:
    """Where a path that does not exist yet is created: a dangling link's target (the link stays),
    else the path itself; its folder must exist, caj makes no folders for a file."""
    where = os.path.realpath(raw) if os.path.islink(raw) else raw
    folder = os.path.dirname(where) or "."
    if not os.path.isdir(folder):
        if where != raw:
            raise UsageError(f"{shown(raw)} links to {shown(where)}, whose folder does not exist")
        raise UsageError(f"folder {shown(folder)} does not exist")
    return where


def _fd_named(raw: str) -> int | None:
    """The descriptor a path names (/dev/stdout, /dev/fd/N, /proc/self/fd/N, or a link to one),
    else None. It is written through a duplicate: reopening it by name would truncate a file the
    shell opened for appending, and cannot open a socket at all."""
    own = rf"/(?:dev|proc/(?:self|thread-self|{os.getpid()}))/fd/(\d+)"
    path = os.path.abspath(raw)
    for _ in range(40):  # the kernel's own limit on links followed
        match = re.fullmatch(own, path)
        if match:
            return int(match[1])
        try:
            link = os.readlink(path)
        except OSError:  # not a link (or not readable): names no descriptor
            return None
        path = os.path.normpath(os.path.join(os.path.dirname(path), link))
    return None


# --- writing one file -----------------------------------------------------------------------------


def _umask() -> int:
    """The process umask, read without changing it where the system allows (os.umask sets it)."""
    with suppress(OSError, ValueError, IndexError), open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _suffix(name: str) -> str:
    """`name`'s extension for its temporary file: writers such as matplotlib choose the format by
    it. A long one is left out, so the temporary name stays within the file system's limit."""
    ext = os.path.splitext(name)[1]
    return ext if len(ext.encode("utf-8", "surrogateescape")) <= 16 else ""


def _settle(tmp: str, target: str) -> None:
    """Give the temporary file the mode (and, where allowed, the owner) of the file it replaces,
    or an ordinary new file's mode: mkstemp makes it private (0o600)."""
    try:
        st = os.stat(target)
    except FileNotFoundError:
        os.chmod(tmp, 0o666 & ~_umask())
        return
    mine = os.stat(tmp)
    if (mine.st_uid, mine.st_gid) != (st.st_uid, st.st_gid):
        with suppress(OSError):  # only root may give a file away; a group of one's own is fine
            os.chown(tmp, st.st_uid, st.st_gid)
    os.chmod(tmp, stat.S_IMODE(st.st_mode))  # after chown, which may clear set-id bits


def _discard(tmp: str) -> None:
    """Remove a temporary file, and the journal files SQLite may have left beside it."""
    for path in (tmp, tmp + "-journal", tmp + "-wal", tmp + "-shm"):
        with suppress(OSError):  # already failing: the first error is the one to report
            os.unlink(path)


def _sync_path(path: str) -> None:
    """fsync a file or a folder by name (a folder: so that a rename in it is durable)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync_folder(folder: str) -> None:
    with suppress(OSError):  # a system that cannot sync a folder still has the file
        _sync_path(folder)


def _sync(f: IO) -> None:
    f.flush()
    os.fsync(f.fileno())


def _lock(fd: int, wait: bool = True) -> bool:
    """An exclusive lock on an open file: held by a writer until its process ends, however it ends,
    so a temporary file whose lock can be taken was left by a process that was killed."""
    try:
        import fcntl
    except ImportError:  # no flock (Windows): abandoned temporaries are not cleared
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except OSError:
        return False
    return True


def _clear_abandoned(folder: str, suffix: str) -> None:
    """Remove the temporaries of writes that were killed midway (`kill -9`): only caj's own
    (TEMP_PREFIX and the same extension), and only those no running process holds. The lock is
    held while the file is removed, so a writer that was just about to lock it finds it gone."""
    with suppress(OSError):
        for entry in os.scandir(folder or "."):
            if not (entry.name.startswith(TEMP_PREFIX) and entry.name.endswith(suffix)
                    and entry.is_file(follow_symlinks=False)):
                continue
            fd = os.open(entry.path, os.O_RDONLY)
            try:
                if _lock(fd, wait=False) and _same_file(entry.path, os.fstat(fd)):
                    _discard(entry.path)
            finally:
                os.close(fd)


def _claim_temporary(folder: str, suffix: str) -> tuple[int, str]:
    """A new temporary file in `folder`, locked by this process. Between its creation and the lock
    another caj may take it for abandoned and remove it: then the lock is on a file no longer
    there, and another is made. Once locked and still in place, nobody else removes it."""
    while True:
        fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=suffix, dir=folder or ".")
        _lock(fd)
        if _same_file(tmp, os.fstat(fd)):
            return fd, tmp
        os.close(fd)


@contextmanager
def _replacing(target: str) -> Iterator[str]:
    """A temporary file beside `target`, renamed onto it when the block succeeds and removed when it
    fails in any way (KeyboardInterrupt too); locked while it is written. The block writes into
    the file at that path, never unlinks it: the lock is on that file, and any number of writers
    in one folder, to one target or several, each rename a whole file of their own into place."""
    folder, name = os.path.split(target)
    _clear_abandoned(folder, _suffix(name))
    fd, tmp = _claim_temporary(folder, _suffix(name))
    try:
        yield tmp
        _settle(tmp, target)
        os.replace(tmp, target)
    except BaseException:
        _discard(tmp)
        raise
    finally:
        os.close(fd)
    _sync_folder(folder or ".")


def _file(where: str | int, binary: bool) -> IO:
    """A file object on a path or descriptor; text is UTF-8 and written exactly as given (no
    newline translation), so a file's bytes are the same on every system."""
    if binary:
        return open(where, "wb")
    return open(where, "w", encoding="utf-8", newline="")


@contextmanager
def _atomic(target: str, binary: bool) -> Iterator[IO]:
    with _replacing(target) as tmp, _file(tmp, binary) as f:
        yield f
        _sync(f)


def _flush_std(fd: int) -> None:
    """Flush the Python stream over `fd`, so what caj printed earlier comes first."""
    for stream in (sys.stdout, sys.stderr):
        with suppress(AttributeError, OSError, ValueError):  # a stream with no descriptor
            if stream.fileno() == fd:
                stream.flush()


def _open_direct(target: _Target) -> int:
    """A descriptor on a FIFO, device, socket or open descriptor: opened without O_CREAT or
    O_TRUNC, so nothing at the path is created or replaced."""
    if target.fd is not None:
        _flush_std(target.fd)
        return os.dup(target.fd)
    fd = os.open(target.path, os.O_WRONLY | getattr(os, "O_NOCTTY", 0))
    if stat.S_ISREG(os.fstat(fd).st_mode):  # a file only reachable by name (see _target): rewrite it
        os.ftruncate(fd, 0)
    return fd


@contextmanager
def _direct(target: _Target, binary: bool) -> Iterator[IO]:
    fd = _open_direct(target)
    try:
        f = _file(fd, binary)
    except BaseException:
        os.close(fd)
        raise
    with f:
        yield f
        f.flush()


def _stdout(stdout, binary: bool):
    if stdout is not None:
        return stdout
    return sys.stdout.buffer if binary else sys.stdout


@contextmanager
def open_output(path: str | os.PathLike | None, *, binary: bool = False, stdout=None) -> Iterator[IO]:
    """A file object to write the output into, by the module's rules; committed (renamed into
    place) only when the block exits without an exception. `stdout` is the stream for None or '-'
    (default sys.stdout, or sys.stdout.buffer when binary). Text is UTF-8, newlines as given."""
    if _is_stdout(path):
        stream = _stdout(stdout, binary)
        yield stream
        stream.flush()
        return
    raw = _raw(path)
    with _mapped(raw):
        target = _target(raw)
        writer = _direct(target, binary) if target.direct else _atomic(target.path, binary)
        with writer as f, _callers():
            yield f


def write_text(path: str | os.PathLike | None, text: str, *, stdout=None) -> None:
    """Write `text` (UTF-8) to `path` by open_output's rules; None or '-' is `stdout`."""
    with open_output(path, stdout=stdout) as f:
        f.write(text)


@contextmanager
def _scratch(name: str) -> Iterator[str]:
    """An empty temporary file, with `name`'s extension, in a private temporary folder: for output
    bound for a FIFO, device or stdout, whose own folder (/dev, say) is not caj's to write in."""
    folder = tempfile.mkdtemp(prefix="caj-")
    try:
        path = os.path.join(folder, "output" + _suffix(name))
        open(path, "xb").close()
        yield path
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def output_path(path: str | os.PathLike | None, *, stdout=None) -> Iterator[Path]:
    """For writers that need a path (SQLite builds, matplotlib): an empty temporary file with the
    target's extension; on success it becomes `path` by the same rules: renamed onto a regular or
    new file (mode kept) or onto a link's target (link kept); for a FIFO, device or descriptor its
    bytes are copied into it. None or '-' copies them to `stdout` (default sys.stdout.buffer)."""
    if _is_stdout(path):
        with _scratch("output") as tmp:
            yield Path(tmp)
            _copy(tmp, _stdout(stdout, binary=True))
        return
    raw = _raw(path)
    with _mapped(raw):
        target = _target(raw)
        if not target.direct:
            with _replacing(target.path) as tmp:
                with _callers(tmp):
                    yield Path(tmp)
                _sync_path(tmp)
            return
        with _scratch(raw) as tmp:
            with _callers(tmp):
                yield Path(tmp)
            with _direct(target, binary=True) as out:
                _copy(tmp, out)


def _copy(path: str, out: IO) -> None:
    with open(path, "rb") as src:
        shutil.copyfileobj(src, out)
    out.flush()


# --- a folder of files ----------------------------------------------------------------------------


def _is_plain(name: object) -> bool:
    """A name for a file directly in the folder: no separators, not the manifest."""
    return (isinstance(name, str) and name not in ("", ".", "..", MANIFEST) and "\0" not in name
            and os.sep not in name and (os.altsep is None or os.altsep not in name))


def _sha256(path: str) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _unchanged(path: str, digest: str) -> bool:
    """Is `path` still the regular file caj wrote (not a link, folder, or other bytes)?"""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return False
    except FileNotFoundError:
        return False
    return _sha256(path) == digest


def _label(entry: os.DirEntry) -> str:
    name = shown(entry.name)[1:-1]  # readable whatever bytes the name holds
    return name + "/" if entry.is_dir(follow_symlinks=False) else name


def _few(labels: list[str], most: int = 8) -> str:
    """A list short enough for one line."""
    if len(labels) <= most:
        return ", ".join(labels)
    return ", ".join(labels[:most]) + f" and {len(labels) - most} more"


def _read_manifest(folder: str) -> dict[str, str]:
    """The files caj's previous export listed; a manifest caj cannot have written is refused."""
    path = os.path.join(folder, MANIFEST)
    bad = UsageError(f"{shown(path)} is not a manifest caj wrote; move it away to export here")
    if not stat.S_ISREG(os.lstat(path).st_mode):
        raise bad
    try:
        with open(path, encoding="utf-8") as f:
            files = json.load(f)["files"]
    except (ValueError, KeyError, TypeError):
        raise bad from None
    if not isinstance(files, dict) or not all(_is_plain(n) and isinstance(d, str) for n, d in files.items()):
        raise bad
    return files


def _previous_export(folder: str) -> dict[str, str]:
    """The files of caj's previous export in `folder` (name -> sha256), or {} when it is empty;
    refused, naming what is in the way, when the folder holds anything else."""
    with os.scandir(folder) as it:
        entries = sorted(it, key=lambda e: e.name)
    if not entries:
        return {}
    names = {e.name for e in entries}
    listed = _read_manifest(folder) if MANIFEST in names else {}
    foreign = [_label(e) for e in entries if e.name != MANIFEST and e.name not in listed]
    if foreign:
        raise UsageError(f"{shown(folder)} holds files caj did not write: {_few(foreign)}")
    present = {n: d for n, d in listed.items() if n in names}  # one the user removed is no matter
    for name, digest in present.items():
        if not _unchanged(os.path.join(folder, name), digest):
            raise UsageError(f"{shown(os.path.join(folder, name))} was changed after caj wrote it")
    return present


def _folder_raw(folder) -> str:
    raw = _name(folder, "folder", "give a folder for the export")
    trimmed = raw.rstrip(os.sep) or raw
    if os.path.basename(trimmed) in ("", ".", ".."):
        raise UsageError(f"{shown(raw)} cannot hold the export; give a new folder, such as 'export'")
    return trimmed


def _make_folder(folder: str) -> bool:
    """Whether caj created `folder` now; an existing folder must be one."""
    try:
        st = os.stat(folder)
    except FileNotFoundError:
        if os.path.islink(folder):
            raise UsageError(f"{shown(folder)} is a link to a folder that does not exist") from None
        parent = os.path.dirname(folder) or "."
        if not os.path.isdir(parent):
            raise UsageError(f"folder {shown(parent)} does not exist") from None
        try:
            os.mkdir(folder)
        except FileExistsError:  # another caj made it a moment ago: checked as found
            return _make_folder(folder)
        return True
    if not stat.S_ISDIR(st.st_mode):
        raise UsageError(f"{shown(folder)} is a file; give a folder for the export")
    return False


def _claim(folder: str) -> tuple[int, bool, dict[str, str]]:
    """The folder locked for this export (another caj exporting there waits its turn, so neither
    takes the other's files for a stranger's), whether caj created it now and left it empty, and
    its previous export."""
    while True:
        created = _make_folder(folder)
        fd = os.open(folder, os.O_RDONLY)
        try:
            _lock(fd)
            if _same_file(folder, os.fstat(fd)):
                _clear_abandoned(folder, "")
                return fd, created and not os.listdir(folder), _previous_export(folder)
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)  # the export before this one failed and removed the folder it had made


class FolderWriter:
    """Writes the files of one export into a folder export_folder has checked; each file atomic."""

    def __init__(self, folder: str, previous: dict[str, str]) -> None:
        self.folder = folder
        self._previous = previous  # caj's files there before, as checked: name -> sha256
        self._written: dict[str, str] = {}

    @contextmanager
    def open(self, name: str, binary: bool = False) -> Iterator[IO]:
        """One file of the export, replaced atomically when the block succeeds."""
        if not _is_plain(name) or name.startswith(TEMP_PREFIX):
            raise ValueError(f"not a file name for an export: {name!r}")
        path = os.path.join(self.folder, name)
        with _mapped(path):
            if os.path.lexists(path) and name not in self._previous and name not in self._written:
                raise UsageError(f"{shown(path)} appeared while caj was writing; it was left as it is")
            with _replacing(path) as tmp:
                with _file(tmp, binary) as f:
                    with _callers():
                        yield f
                    _sync(f)
                digest = _sha256(tmp)
        self._written[name] = digest

    def write_text(self, name: str, text: str) -> None:
        with self.open(name) as f:
            f.write(text)

    def _manifest(self, files: dict[str, str]) -> None:
        body = {"note": MANIFEST_NOTE, "files": dict(sorted(files.items()))}
        with _replacing(os.path.join(self.folder, MANIFEST)) as tmp, _file(tmp, binary=False) as f:
            f.write(json.dumps(body, ensure_ascii=False, indent=2) + "\n")
            _sync(f)

    def _finish(self) -> None:
        """The manifest last; then caj's files the new export no longer writes go. Until they are
        gone they stay listed, so a crash between leaves a folder caj still recognises."""
        stale = {n: d for n, d in self._previous.items() if n not in self._written}
        if stale:
            self._manifest({**stale, **self._written})
            for name, digest in stale.items():
                path = os.path.join(self.folder, name)
                if _unchanged(path, digest):  # checked again: a file changed meanwhile is the user's
                    os.unlink(path)
        self._manifest(self._written)

    def _abandon(self, created: bool) -> None:
        """After a failed block: list the files already replaced, so the folder stays caj's own
        export; a folder caj created and left empty goes. Best effort: the first error counts."""
        with suppress(OSError, CajError):
            if created:  # a new folder: everything in it is what this export just wrote
                for name in self._written:
                    os.unlink(os.path.join(self.folder, name))
                os.rmdir(self.folder)
            elif self._written:
                self._manifest({**self._previous, **self._written})


@contextmanager
def export_folder(folder: str | os.PathLike) -> Iterator[FolderWriter]:
    """Write a set of files into `folder`: allowed only when it is absent (created; its parent must
    exist), empty, or holds caj's own previous export and nothing else, every file unchanged.
    Files of the previous export the new one does not write are removed; nothing else ever is."""
    raw = _folder_raw(folder)
    with _mapped(raw):
        lock, created, previous = _claim(raw)
    writer = FolderWriter(raw, previous)
    try:
        try:
            with _callers():
                yield writer
        except BaseException:
            writer._abandon(created)
            raise
        with _mapped(raw):
            writer._finish()
    finally:
        os.close(lock)  # after the manifest: the next export finds this one whole
