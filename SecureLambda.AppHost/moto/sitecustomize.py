# Python imports this module at start-up from PYTHONPATH, which every launch of the engine points here: the AppHost's
# moto_server, the tests' and benchmarks' moto_server (SecureLambda.Testing.MotoServer, from a copy in its output)
# and the moto image that scripts/build-engine-image.sh builds. It changes two things, and no answer of moto's.
#
# 1. moto's web server (werkzeug) writes its request log to stderr, so the Aspire dashboard shows every request to the
#    engine as an error line, and it starts with "WARNING: This is a development server", which is what moto is here.
#    The log goes to stdout instead, at werkzeug's own level, without that one warning. Anything werkzeug logs at
#    WARNING or above for another reason still shows, on stderr.
# 2. To tell which service a request is for, moto's dispatcher calls moto.backends.list_of_moto_modules() twice per
#    request, and each call lists moto's package directory and stats every entry in it: about 180 stat calls per
#    request, nearly half of what a Publish costs moto in CPU. The package directory does not change while the server
#    runs, so the list is read once, at start-up, and kept.
import importlib.machinery
import importlib.util
import logging
import os
import sys


_NOTICE = "This is a development server"


class _RequestLog(logging.Filter):
    """Below WARNING, without werkzeug's notice that it is a development server (logged at INFO, in red)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING:
            return False
        if isinstance(record.msg, str) and _NOTICE in record.msg:
            record.msg = "\n".join(line for line in record.msg.splitlines() if _NOTICE not in line)
        return bool(record.getMessage().strip())


_stdout = logging.StreamHandler(sys.stdout)
_stdout.addFilter(_RequestLog())
_stderr = logging.StreamHandler(sys.stderr)
_stderr.setLevel(logging.WARNING)
_werkzeug = logging.getLogger("werkzeug")
_werkzeug.setLevel(logging.INFO)
_werkzeug.addHandler(_stdout)
_werkzeug.addHandler(_stderr)
_werkzeug.propagate = False


def _keep_moto_modules() -> None:
    try:
        import moto.backends as backends
    except ImportError:
        return  # Not moto's interpreter: nothing to keep.
    modules = tuple(backends.list_of_moto_modules())
    backends.list_of_moto_modules = lambda: modules


_keep_moto_modules()

# A sitecustomize of the interpreter's own (Debian ships one) still runs: this one only stands in front of it.
_here = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.machinery.PathFinder.find_spec("sitecustomize", [p for p in sys.path if os.path.abspath(p or ".") != _here])
if _spec is not None and _spec.loader is not None:
    _spec.loader.exec_module(importlib.util.module_from_spec(_spec))
