"""`dvc plots show` for a machine without internet: `python -m gan_pipeline.offline_plots`.

DVC's page loads vega, vega-lite and vega-embed from a CDN, so offline its charts stay blank.
This writes a page template with the three inlined (vl-convert-python ships them) into DVC's
git-ignored `.dvc/tmp/` and passes it to `dvc plots show --html-template`; any other arguments
go to `dvc plots show` as they are (docs/dvc.md).
"""

from __future__ import annotations

import sys
from pathlib import Path

import vl_convert
from dvc.cli import main as dvc
from dvc.repo import Repo

# DVC fills `{plot_divs}`; there is no `{scripts}`, where DVC would put its CDN <script> tags.
# Each chart's own inline script calls `vegaEmbed`, which the bundle sets on `window` first.
PAGE = """<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<title>DVC Plot</title>
<script>{bundle}</script>
<style>table {{ border-spacing: 15px; }}</style>
</head>
<body>
{{plot_divs}}
</body>
</html>
"""


def template(root: Path) -> Path:
    """The page template under ``root``/.dvc/tmp, written once per vl-convert version (making
    the bundle takes seconds)."""
    path = Path(root, ".dvc", "tmp", f"plots-offline-{vl_convert.__version__}.html")
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(PAGE.format(bundle=vl_convert.javascript_bundle()), encoding="utf-8")
    return path


def main(arguments: list[str]) -> int:
    return dvc(["plots", "show", "--html-template", str(template(Repo.find_root())), *arguments])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
