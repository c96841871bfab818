"""Installable outside the repository: the wheel in a fresh virtualenv, used from another folder.

`pip wheel --no-deps` builds the wheel from the checkout; a virtualenv in a temporary folder
(no system site-packages) installs it with its pinned dependencies, with no index, from a
wheelhouse outside the repository that holds the wheels of exactly those requirements (made once
by pip from its cache and the index); from that folder `nbzbx --help`, `nbzbx db upgrade` (the
packaged migrations), `nbzbx doctor` against the lab and Dagster's definitions check must work,
with the package imported from the virtualenv, not the checkout.
"""

import hashlib
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest
from dagster_process import REPO

from nbzbx_dagster.lab import services as lab

pytestmark = pytest.mark.integration
WHEELHOUSES = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "nbzbx-wheelhouse"


def run(args: list[str], cwd: Path, env: dict[str, str], timeout: float = 600) -> str:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(args)}:\n{done.stdout[-3000:]}{done.stderr[-3000:]}"
    return done.stdout + done.stderr


def requirements(wheel: Path) -> list[str]:
    """The wheel's Requires-Dist lines: its pinned dependencies (and the extras')."""
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        metadata = Parser().parsestr(archive.read(name).decode())
    return metadata.get_all("Requires-Dist") or []


def wheelhouse(wheel: Path, env: dict[str, str]) -> Path:
    """The wheels of the wheel's dependencies, in a folder named by a hash of its requirements,
    the Python and the platform: made once, so that later installs need no index (resolving
    against the index and fetching was most of this test's minute). A changed pin is a new
    folder. Filled aside and renamed into place, so a folder that exists is complete."""
    text = "\n".join([sys.version, sysconfig.get_platform(), *sorted(requirements(wheel))])
    folder = WHEELHOUSES / hashlib.sha256(text.encode()).hexdigest()[:16]
    if not folder.is_dir():
        WHEELHOUSES.mkdir(parents=True, exist_ok=True)
        partial = Path(tempfile.mkdtemp(prefix=f"{folder.name}-", dir=WHEELHOUSES))
        run(
            [sys.executable, "-m", "pip", "wheel", "-q", "-w", str(partial), str(wheel)],
            partial,
            env,
        )
        (partial / wheel.name).unlink()  # the project's own wheel is the one under test
        try:
            partial.rename(folder)
        except OSError:  # another run filled it meanwhile
            shutil.rmtree(partial)
    return folder


def test_the_wheel_works_from_a_fresh_virtualenv(tmp_path: Path) -> None:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("NBZBX_", "DAGSTER_"))}
    base.pop("VIRTUAL_ENV", None)
    base.pop("PYTHONPATH", None)
    # built from a copy: an in-tree build would leave build/ in the checkout
    source = tmp_path / "source"
    files = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    for name in files:
        if (REPO / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, source / name)
    wheels = tmp_path / "wheels"
    run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), "."],
        source,
        base,
    )
    (wheel,) = wheels.glob("nbzbx_dagster-*.whl")

    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)], tmp_path, base)
    bin_dir = venv / "bin"
    wheels_of_requirements = wheelhouse(wheel, base)
    install = [str(bin_dir / "pip"), "install", "-q", "--disable-pip-version-check", "--no-index"]
    run([*install, "--find-links", str(wheels_of_requirements), str(wheel)], tmp_path, base)

    elsewhere = tmp_path / "elsewhere"
    home = elsewhere / "dagster-home"
    home.mkdir(parents=True)
    shutil.copy(REPO / "dagster.yaml", home / "dagster.yaml")  # what a deployment copies
    env = (
        base
        | lab.env("7.0")
        | {
            "PATH": f"{bin_dir}{os.pathsep}{base.get('PATH', '')}",
            "DAGSTER_HOME": str(home),
            "NBZBX_DATABASE_URL": f"sqlite:///{elsewhere / 'state.db'}",
        }
    )
    where = run(
        [str(bin_dir / "python"), "-c", "import nbzbx_dagster; print(nbzbx_dagster.__file__)"],
        elsewhere,
        env,
    )
    assert where.strip().startswith(str(venv)), where

    assert "keep NetBox and Zabbix consistent" in run(
        [str(bin_dir / "nbzbx"), "--help"], elsewhere, env
    )
    assert "up to date" in run([str(bin_dir / "nbzbx"), "db", "upgrade"], elsewhere, env)
    doctor = run([str(bin_dir / "nbzbx"), "doctor"], elsewhere, env, timeout=120)
    assert "FAIL" not in doctor and "netbox" in doctor.lower(), doctor
    checked = run(
        [str(bin_dir / "dagster"), "definitions", "validate", "-m", "nbzbx_dagster.definitions"],
        elsewhere,
        env,
        timeout=180,
    )
    assert "All code locations passed validation" in checked, checked
