"""Build the SQLite database from data/ into the wheel (or, for an editable install, beside the
sources), so an installed caj answers with no network and nothing to build on first use."""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CajDatabaseHook(BuildHookInterface):
    def initialize(self, version: str, build_data: dict) -> None:
        root = Path(self.root)
        sys.path.insert(0, str(root / "src"))
        from caj.building import i18n
        from caj.building.database import build
        from caj.building.load import load

        ds = load(root / "data")
        if ds.problems and version == "editable":
            # a checkout mid-edit still installs; `caj build` or a reinstall makes the database
            print(f"caj: data/ has {len(ds.problems)} problem(s); no database built", file=sys.stderr)
            return
        if ds.problems:
            lines = "\n".join(str(p) for p in ds.problems[:20])
            raise RuntimeError(f"data/ does not validate:\n{lines}")
        if version == "editable":
            build(ds, root / "src" / "caj" / "caj.db")
            i18n.ui_compile()  # beside the catalogs, where the sources are imported from
            return
        self._tmp = Path(tempfile.mkdtemp(prefix="caj-wheel-"))
        # every word caj prints, compiled into the wheel: caj/locale/LANG/LC_MESSAGES/caj.mo
        for mo in i18n.ui_compile(self._tmp / "locale"):
            build_data["force_include"][str(mo)] = f"caj/locale/{mo.relative_to(self._tmp / 'locale')}"
        out = self._tmp / "caj.db"
        try:
            build(ds, out)
        except BaseException:
            shutil.rmtree(self._tmp, ignore_errors=True)
            raise
        build_data["force_include"][str(out)] = "caj/caj.db"

    def finalize(self, version: str, build_data: dict, artifact_path: str) -> None:
        # the database is inside the wheel now: nothing of the build stays in the temporary folder
        tmp = getattr(self, "_tmp", None)
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
