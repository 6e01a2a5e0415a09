import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def pytest_configure(config):
    """The user cache (remembered format checks, prepared templates) of a test run lives in a folder
    of its own, so tests neither depend on nor touch the cache of the person running them."""
    import os
    import tempfile

    config._compile_cache = os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="compile-test-cache-")


def pytest_unconfigure(config):
    import shutil

    if getattr(config, "_compile_cache", None):
        shutil.rmtree(config._compile_cache, ignore_errors=True)
