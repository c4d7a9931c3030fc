"""Network guard for the students' Python in the hub tests: only 127.0.0.1 is reachable.

Installed as ``sitecustomize`` in the students' environment (tests/hub/conftest.py),
so every Python process of a student's server loads it: the postStart commands
(gitpuller, pip), the single-user server and each kernel. An audit hook sees every
``socket.connect`` and name lookup; one that would leave the machine is refused
(``OSError``) and written, with the process and a short stack, to the file named by
``COURSE_NETWORK_GUARD_LOG``. The tests fail if that file is not empty. (Sockets
opened by C libraries, such as ZeroMQ's between a server and its kernels, do not
pass through Python's ``socket`` module; those are all on 127.0.0.1.)
"""

import os
import sys

_LOG = os.environ.get("COURSE_NETWORK_GUARD_LOG")
_LOCAL_NAMES = {"127.0.0.1", "::1", "localhost", "::ffff:127.0.0.1", "", None}


def _host(address):
    if isinstance(address, tuple) and address:
        return address[0]
    return None  # a Unix socket path: local


def _record(what):
    import traceback

    stack = "".join(traceback.format_stack(limit=12)[:-2])
    line = f"pid {os.getpid()} ({' '.join(sys.argv[:3])}): {what}\n{stack}\n"
    with open(_LOG, "a") as log:
        log.write(line)


def _guard(event, args):
    if event == "socket.connect":
        host = _host(args[1])
    elif event == "socket.getaddrinfo":
        host = args[0]
        host = host.decode() if isinstance(host, bytes) else host
    elif event in ("socket.gethostbyname", "socket.gethostbyaddr"):
        host = args[0]
    else:
        return
    if host in _LOCAL_NAMES or (isinstance(host, str) and host.startswith("127.")):
        return
    _record(f"{event} {host!r}")
    raise OSError(f"network guard: {event} to {host!r} refused (tests allow 127.0.0.1 only)")


if _LOG:
    sys.addaudithook(_guard)
