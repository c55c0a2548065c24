"""Any number of caj processes writing into one folder at once, to one file or several: every one
succeeds, and each file is always one of them whole. Real processes, started together."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import xml.etree.ElementTree as ET

from conftest import caj_exe, env

EPOCH = {"SOURCE_DATE_EPOCH": "1700000000"}  # builds are then byte for byte the same


def start(args, cwd) -> subprocess.Popen:
    return subprocess.Popen([*caj_exe(), *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env(CAJ_DB=os.environ["CAJ_DB"], **EPOCH))


def finish(procs) -> list[tuple[int, str]]:
    return [(p.wait(timeout=300), p.communicate()[1]) for p in procs]


def sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_builds_exports_and_pictures_at_once_in_one_folder(tmp_path):
    solo = tmp_path / "solo"
    solo.mkdir()
    assert finish([start(["build", "--out", "solo.db", "-q"], solo)]) == [(0, "")]
    jobs = [["build", "--out", "same.db", "-q"]] * 4
    jobs += [["build", "--out", f"own{i}.db", "-q"] for i in range(2)]
    jobs += [["export", "csl-json", "--out", "refs.json", "-q"]] * 3
    jobs += [["export", "timelinejs", "--out", "tl.json", "-q"]] * 2
    jobs += [["timeline", "--plot", "tl.svg"]] * 2
    procs = [start(job, tmp_path) for job in jobs]
    results = finish(procs)
    assert all(code == 0 for code, _ in results), results
    for name in ("same.db", "own0.db", "own1.db"):
        assert sha(tmp_path / name) == sha(solo / "solo.db"), name
    assert json.loads((tmp_path / "refs.json").read_text())[0]["id"]
    assert json.loads((tmp_path / "tl.json").read_text())["events"]
    assert ET.parse(tmp_path / "tl.svg").getroot().tag.endswith("svg")
    assert not list(tmp_path.glob(".caj-tmp-*"))


def test_exports_of_a_data_package_into_one_folder_take_turns(tmp_path):
    results = finish([start(["export", "datapackage", "pkg", "-q"], tmp_path) for _ in range(6)])
    assert results == [(0, "")] * 6, results
    listed = json.loads((tmp_path / "pkg" / ".caj-export.json").read_text())["files"]
    written = sorted(p.name for p in (tmp_path / "pkg").iterdir())
    assert written == sorted([*listed, ".caj-export.json"])
    for name, digest in listed.items():
        assert sha(tmp_path / "pkg" / name) == digest, name
