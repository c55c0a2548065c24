"""caj.core.safefile: caj creates and replaces only what it wrote; a user's file, link, FIFO,
descriptor or folder is theirs. Every test works in its own temporary folder: none writes to a
real path under /dev (a wrong version could replace the machine's device node)."""

from __future__ import annotations

import contextlib
import errno
import io
import json
import os
import sqlite3
import stat
import tempfile
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caj.core import safefile
from caj.core.errors import UsageError, WriteError
from caj.core.safefile import MANIFEST, export_folder, open_output, output_path, write_text


def leftovers(folder: Path) -> list[str]:
    """Temporary files caj left behind in `folder`."""
    return [p.name for p in folder.iterdir() if p.name.startswith(safefile.TEMP_PREFIX)]


def umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


class Reader(threading.Thread):
    """Reads a FIFO to its end, as the program at the other end of a pipe would."""

    def __init__(self, path: Path) -> None:
        super().__init__(daemon=True)
        self.path, self.data = path, None

    def run(self) -> None:
        with open(self.path, "rb") as f:
            self.data = f.read()


@pytest.fixture
def fifo(tmp_path):
    path = tmp_path / "pipe"
    os.mkfifo(path)
    reader = Reader(path)
    reader.start()
    yield path, reader
    if reader.is_alive():  # a failed test: let the reader's open return so the thread ends
        with open(os.open(path, os.O_WRONLY | os.O_NONBLOCK), "wb"):
            pass


@pytest.fixture
def pipe_fd():
    """The writing end of an os.pipe, as /dev/fd/N, and the reading end; checked to be a FIFO."""
    r, w = os.pipe()
    path = f"/dev/fd/{w}"
    assert stat.S_ISFIFO(os.stat(path).st_mode)
    yield path, w, r
    for fd in (r, w):
        with contextlib.suppress(OSError):  # already closed by the test
            os.close(fd)


# --- one file -------------------------------------------------------------------------------------


def test_new_file_gets_an_ordinary_mode(tmp_path):
    out = tmp_path / "out.csv"
    write_text(out, "a,b\n")
    assert out.read_text() == "a,b\n"
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask()
    assert leftovers(tmp_path) == []


def test_replacing_keeps_mode_and_is_atomic(tmp_path):
    out = tmp_path / "out.txt"
    out.write_text("old")
    out.chmod(0o640)
    inode = out.stat().st_ino
    write_text(str(out), "new")
    assert out.read_text() == "new"
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
    assert out.stat().st_ino != inode  # a new file renamed into place, not the old one rewritten


def test_binary_and_text_exactly_as_given(tmp_path):
    out = tmp_path / "out.bin"
    with open_output(out, binary=True) as f:
        f.write(b"\x00\xff\r\n")
    assert out.read_bytes() == b"\x00\xff\r\n"
    write_text(out, "é\r\nx\n")  # UTF-8, no newline translation
    assert out.read_bytes() == "é\r\nx\n".encode()


def test_symlink_stays_a_link_and_its_target_is_written(tmp_path):
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "data.json"
    target.write_text("old")
    target.chmod(0o600)
    link = tmp_path / "link.json"
    link.symlink_to(Path("real") / "data.json")
    write_text(link, "new")
    assert link.is_symlink() and os.readlink(link) == str(Path("real") / "data.json")
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert leftovers(tmp_path) == [] and leftovers(tmp_path / "real") == []


def test_dangling_symlink_creates_its_target(tmp_path):
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "made.txt")
    write_text(link, "hi")
    assert link.is_symlink() and (tmp_path / "made.txt").read_text() == "hi"


def test_dangling_symlink_into_a_missing_folder_is_refused(tmp_path):
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "nowhere" / "made.txt")
    with pytest.raises(UsageError, match="whose folder does not exist"):
        write_text(link, "hi")
    assert link.is_symlink()


def test_fifo_is_written_into_and_stays_a_fifo(fifo):
    path, reader = fifo
    with open_output(path, binary=True) as f:
        f.write(b"through the pipe")
    reader.join(5)
    assert reader.data == b"through the pipe"
    assert stat.S_ISFIFO(os.lstat(path).st_mode)
    assert leftovers(path.parent) == []


def test_output_path_to_a_fifo_copies_the_bytes(fifo):
    path, reader = fifo
    with output_path(path) as tmp:
        assert tmp.parent != path.parent  # not beside the FIFO: its folder may be /dev
        tmp.write_bytes(b"picture")
    reader.join(5)
    assert reader.data == b"picture"
    assert stat.S_ISFIFO(os.lstat(path).st_mode)
    assert not tmp.exists()


def test_dev_fd_of_a_pipe_receives_the_bytes(pipe_fd):
    path, w, r = pipe_fd
    write_text(path, "to the pipe")
    os.fstat(w)  # caj wrote through a duplicate and closed only that
    os.close(w)
    assert os.read(r, 100) == b"to the pipe"


def test_a_link_to_dev_fd_writes_into_the_descriptor(tmp_path, pipe_fd):
    path, w, r = pipe_fd
    link = tmp_path / "out"
    link.symlink_to(path)
    write_text(link, "linked")
    os.close(w)
    assert os.read(r, 100) == b"linked" and link.is_symlink()


def test_dev_fd_of_a_file_opened_for_appending_is_appended_to(tmp_path):
    log = tmp_path / "log.txt"
    log.write_text("kept\n")
    inode = log.stat().st_ino
    fd = os.open(log, os.O_WRONLY | os.O_APPEND)
    try:
        write_text(f"/dev/fd/{fd}", "added\n")  # as `caj ... --out /dev/stdout >> log.txt`
    finally:
        os.close(fd)
    assert log.read_text() == "kept\nadded\n" and log.stat().st_ino == inode


@pytest.mark.parametrize("dash", ["-", None])
def test_dash_is_the_given_stream(dash):
    text, data = io.StringIO(), io.BytesIO()
    write_text(dash, "words", stdout=text)
    with open_output(dash, binary=True, stdout=data) as f:
        f.write(b"bytes")
    assert text.getvalue() == "words" and data.getvalue() == b"bytes"


def test_folder_as_target_is_refused(tmp_path):
    with pytest.raises(UsageError, match="is a folder; give a file name"):
        write_text(tmp_path, "x")
    with pytest.raises(UsageError, match="is a folder; give a file name"):
        write_text(f"{tmp_path}/", "x")


def test_missing_parent_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UsageError, match=r"^folder 'x/y' does not exist$") as info:
        write_text("x/y/out.txt", "x")
    assert info.value.exit_code == 2
    (tmp_path / "file").write_text("")
    with pytest.raises(UsageError, match="does not exist"):
        write_text(tmp_path / "file" / "out.txt", "x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_empty_and_too_long_names_are_refused(tmp_path):
    with pytest.raises(UsageError, match="empty"):
        write_text("", "x")
    with pytest.raises(UsageError, match="too long"):
        write_text(tmp_path / ("n" * 300), "x")
    with pytest.raises(UsageError, match="NUL"):
        write_text(f"{tmp_path}/a\0b", "x")
    assert list(tmp_path.iterdir()) == []


def test_failure_inside_the_block_keeps_the_old_file(tmp_path):
    out = tmp_path / "out.txt"
    out.write_text("old")
    for error in (RuntimeError("boom"), KeyboardInterrupt()):
        with pytest.raises(type(error)), open_output(out) as f:
            f.write("half")
            raise error
    assert out.read_text() == "old" and leftovers(tmp_path) == []


def test_an_error_about_another_file_passes_unchanged(tmp_path):
    with pytest.raises(FileNotFoundError), open_output(tmp_path / "out.txt"):
        (tmp_path / "missing.txt").read_text()
    assert list(tmp_path.iterdir()) == []


def test_no_space_left_while_syncing(tmp_path, monkeypatch):
    out = tmp_path / "out.txt"
    out.write_text("old")

    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(WriteError, match="no space left") as info:
        write_text(out, "new")
    assert info.value.exit_code == 1
    assert out.read_text() == "old" and leftovers(tmp_path) == []


def test_no_space_left_while_writing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    full = pytest.raises(WriteError, match=r"^cannot write 'out.txt': no space left")
    with full, open_output("out.txt") as f:
        f.write("x")
        raise OSError(errno.ENOSPC, "No space left on device")  # as a write to a full disk
    assert list(tmp_path.iterdir()) == []


def test_permission_denied(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    locked = Path("locked")
    locked.mkdir()
    locked.chmod(0o500)
    if os.geteuid() == 0:  # root writes anywhere: refuse as the file system would
        def denied(*args, **kwargs):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(locked))
        monkeypatch.setattr(tempfile, "mkstemp", denied)
    try:
        with pytest.raises(WriteError, match=r"^cannot write 'locked/out.txt': permission denied$"):
            write_text(locked / "out.txt", "x")
    finally:
        locked.chmod(0o700)
    assert list(locked.iterdir()) == []


def test_output_path_sqlite_ends_at_the_target(tmp_path):
    db = tmp_path / "caj.db"
    db.write_text("an old database")
    db.chmod(0o644)
    with output_path(db) as tmp:
        assert tmp.parent == tmp_path and tmp.suffix == ".db"
        with sqlite3.connect(tmp) as conn:
            conn.execute("CREATE TABLE t (x)")
            conn.execute("INSERT INTO t VALUES (42)")
        conn.close()
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT x FROM t").fetchall() == [(42,)]
    conn.close()
    assert stat.S_IMODE(db.stat().st_mode) == 0o644
    assert leftovers(tmp_path) == []


def test_output_path_failure_removes_the_temporary(tmp_path):
    with pytest.raises(RuntimeError), output_path(tmp_path / "plot.png") as tmp:
        tmp.write_bytes(b"half")
        Path(f"{tmp}-journal").write_bytes(b"")
        raise RuntimeError
    assert list(tmp_path.iterdir()) == []


def test_output_path_to_stdout():
    data = io.BytesIO()
    with output_path("-", stdout=data) as tmp:
        tmp.write_bytes(b"png")
    assert data.getvalue() == b"png" and not tmp.exists()


# --- a folder of files ----------------------------------------------------------------------------


def export(folder, files: dict[str, str]) -> None:
    with export_folder(folder) as out:
        for name, text in files.items():
            out.write_text(name, text)


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_export_into_an_absent_folder(tmp_path):
    folder = tmp_path / "survey"
    export(folder, {"facts.csv": "a\n", "datapackage.json": "{}"})
    assert names(folder) == [MANIFEST, "datapackage.json", "facts.csv"]
    manifest = json.loads((folder / MANIFEST).read_text())
    assert set(manifest["files"]) == {"facts.csv", "datapackage.json"}


def test_export_into_an_empty_folder_and_again(tmp_path):
    folder = tmp_path / "survey"
    folder.mkdir()
    export(folder, {"facts.csv": "a\n"})
    export(folder, {"facts.csv": "b\n"})
    assert (folder / "facts.csv").read_text() == "b\n"
    assert names(folder) == [MANIFEST, "facts.csv"]


def test_the_issues_folder_is_refused_and_kept(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "survey" / "raw").mkdir(parents=True)
    (tmp_path / "survey" / "datapackage.json").write_text('{"name":"my-survey"}\n')
    (tmp_path / "survey" / "answers.csv").write_text("q,a\n")
    (tmp_path / "survey" / "raw" / "interviews.txt").write_text("precious\n")
    with pytest.raises(UsageError) as info:
        export("survey", {"datapackage.json": "{}"})
    assert info.value.message == ("'survey' holds files caj did not write: "
                                  "answers.csv, datapackage.json, raw/")
    assert (tmp_path / "survey" / "datapackage.json").read_text() == '{"name":"my-survey"}\n'
    assert (tmp_path / "survey" / "answers.csv").read_text() == "q,a\n"
    assert (tmp_path / "survey" / "raw" / "interviews.txt").read_text() == "precious\n"


def test_a_user_file_added_to_an_export_is_refused_and_kept(tmp_path):
    folder = tmp_path / "out"
    export(folder, {"facts.csv": "a\n"})
    (folder / "notes.txt").write_text("mine")
    with pytest.raises(UsageError, match="holds files caj did not write: notes.txt$"):
        export(folder, {"facts.csv": "b\n"})
    assert (folder / "notes.txt").read_text() == "mine"
    assert (folder / "facts.csv").read_text() == "a\n"


def test_a_changed_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = Path("out")
    export(folder, {"facts.csv": "a\n"})
    (folder / "facts.csv").write_text("edited by hand\n")
    with pytest.raises(UsageError, match=r"^'out/facts.csv' was changed after caj wrote it"):
        export(folder, {"facts.csv": "b\n"})
    assert (folder / "facts.csv").read_text() == "edited by hand\n"


def test_a_file_replaced_by_a_link_is_refused(tmp_path):
    folder = tmp_path / "out"
    export(folder, {"facts.csv": "a\n"})
    (tmp_path / "elsewhere").write_text("a\n")
    (folder / "facts.csv").unlink()
    (folder / "facts.csv").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(UsageError, match="was changed"):
        export(folder, {"facts.csv": "b\n"})
    assert (tmp_path / "elsewhere").read_text() == "a\n"


def test_a_manifest_caj_did_not_write_is_refused(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / MANIFEST).write_text('{"files": {"../escape": "0"}}')
    with pytest.raises(UsageError, match="is not a manifest caj wrote"):
        export(folder, {"facts.csv": "b\n"})


@pytest.mark.parametrize("bad", [".", "", "..", "/"])
def test_dot_and_empty_are_refused(bad):
    with pytest.raises(UsageError):
        export(bad, {"x.csv": "x"})


def test_a_file_as_the_folder_is_refused(tmp_path):
    (tmp_path / "out").write_text("mine")
    with pytest.raises(UsageError, match="is a file"):
        export(tmp_path / "out", {"x.csv": "x"})
    with pytest.raises(UsageError, match="does not exist"):
        export(tmp_path / "no" / "out", {"x.csv": "x"})
    assert (tmp_path / "out").read_text() == "mine"


def test_a_smaller_re_export_removes_only_cajs_stale_files(tmp_path):
    folder = tmp_path / "out"
    export(folder, {"a.csv": "a", "b.csv": "b", "c.csv": "c"})
    export(folder, {"a.csv": "A"})
    assert names(folder) == [MANIFEST, "a.csv"]
    assert json.loads((folder / MANIFEST).read_text())["files"].keys() == {"a.csv"}


def test_a_failed_export_leaves_no_temporary_and_stays_cajs(tmp_path):
    folder = tmp_path / "out"
    export(folder, {"a.csv": "a", "b.csv": "b"})
    with pytest.raises(KeyboardInterrupt), export_folder(folder) as out:
        out.write_text("a.csv", "new a")
        with out.open("b.csv") as f:
            f.write("half")
            raise KeyboardInterrupt
    assert (folder / "b.csv").read_text() == "b" and leftovers(folder) == []
    export(folder, {"a.csv": "again"})  # still recognised as caj's own
    assert names(folder) == [MANIFEST, "a.csv"]


def test_a_failed_export_into_a_new_folder_removes_it(tmp_path):
    with pytest.raises(RuntimeError), export_folder(tmp_path / "out"):
        raise RuntimeError
    assert list(tmp_path.iterdir()) == []


def test_export_names_must_be_plain(tmp_path):
    with export_folder(tmp_path / "out") as out:
        for bad in ("../x", "a/b", MANIFEST, "", "."):
            with pytest.raises(ValueError):
                out.write_text(bad, "x")
        with out.open("img.png", binary=True) as f:
            f.write(b"\x89PNG")
    assert names(tmp_path / "out") == [MANIFEST, "img.png"]


# --- round trip -----------------------------------------------------------------------------------

file_names = st.text(st.characters(blacklist_characters="/\0", blacklist_categories=("Cs",)),
                     min_size=1, max_size=40).filter(
    lambda n: n not in (".", "..") and len(n.encode()) <= 200)


@settings(max_examples=60, deadline=None)
@given(name=file_names, text=st.text(), data=st.binary())
def test_names_and_contents_round_trip(name, text, data):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, name)
        write_text(path, text)
        with open(path, encoding="utf-8", newline="") as f:
            assert f.read() == text
        with open_output(Path(path), binary=True) as f:
            f.write(data)
        assert Path(path).read_bytes() == data
        assert os.listdir(d) == [name]
