"""System tools some tests need (Debian's chromium for the browser test, poppler-utils for PDF
pages): installed with apt-get when missing. In CI (CI=true) a tool that cannot be installed
fails the test; elsewhere the test is skipped with the reason."""

import os
import shutil
import subprocess

import pytest

PACKAGES = {"chromium": "chromium", "pdftoppm": "poppler-utils", "pdftotext": "poppler-utils"}
_tried: set[str] = set()


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require(tool: str) -> str:
    """The path of `tool`, installing its Debian package first if it is missing."""
    found = shutil.which(tool) or (f"/usr/bin/{tool}" if os.path.exists(f"/usr/bin/{tool}") else None)
    if found:
        return found
    package = PACKAGES[tool]
    if package not in _tried:
        _tried.add(package)
        problem = _apt_install(package)
    else:
        problem = f"{package} could not be installed earlier in this run"
    found = shutil.which(tool)
    if found:
        return found
    message = f"{tool} (Debian package {package}) is missing and could not be installed: {problem}"
    if in_ci():
        pytest.fail(message)
    pytest.skip(message)


def _apt_install(package: str) -> str | None:
    if shutil.which("apt-get") is None:
        return "no apt-get on this machine"
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    lock = ["-o", "DPkg::Lock::Timeout=600"]
    for command in ([*sudo, "apt-get", "install", "-y", "-q", *lock, package],
                    [*sudo, "apt-get", "update", "-q", *lock],
                    [*sudo, "apt-get", "install", "-y", "-q", *lock, package]):
        try:
            done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=1200)
        except (OSError, subprocess.TimeoutExpired) as error:
            return str(error)
        if done.returncode == 0 and command[-1] == package:
            return None
    return (done.stderr or done.stdout).strip().splitlines()[-1] if (done.stderr or done.stdout).strip() else "apt-get failed"
