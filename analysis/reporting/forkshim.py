"""The kernel command of a batch with a fork server: ask the server for a kernel, then stand in for it.

Run by jupyter_client in place of ``python -m ipykernel_launcher`` (see :mod:`analysis.reporting.forkserver`), as
``python -I -S forkshim.py SOCKET -- KERNEL_ARGV...``: standard library only, so it starts in milliseconds. It sends
the server its working directory, environment, standard streams and the launcher's arguments; the server forks a
kernel and answers with its process id. From then on this process is the kernel as far as jupyter_client knows:
signals sent to it (interrupt, terminate) are passed on to the kernel, and it exits when the kernel exits. If it is
killed, the server kills the kernel. Without a server (none running, or it refuses the connection), it becomes the
usual kernel command, ``KERNEL_ARGV``, so a report never depends on the server.

Once the request is sent, the server may fork a kernel for it at any moment, so from then on this process never
starts a kernel of its own: it waits for the answer however long a loaded machine takes (jupyter_client's start
time-out bounds the wait), and falls back only if the server closes the connection without forking. A fallback
after a time-out would start a second kernel on the same connection file: two kernels racing for the same ports,
and the one that jupyter_client watches dies before replying ("Kernel died before replying to kernel_info").
"""

import json
import os
import select
import signal
import socket
import sys
import time

CONNECT_TIMEOUT_S = 30.0  # to connect and send the request only; the answer is awaited without a limit
RELAYED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2)


def launcher_arguments(argv: list[str]) -> list[str] | None:
    """The arguments after ``-m ipykernel_launcher`` in a kernel command, or None for any other command."""
    for i in range(len(argv) - 1):
        if argv[i] == "-m" and argv[i + 1] == "ipykernel_launcher":
            return argv[i + 2:]
    return None


class NoServer(Exception):
    """The server did not take the request (none running, refused, closed without forking): start the usual kernel."""


def ask(sock_path: str, arguments: list[str]) -> int:
    """Ask the fork server for a kernel with these launcher arguments; its process id. Raises :class:`NoServer` when
    no kernel was forked for this request, and only then."""
    request = json.dumps({"argv": arguments, "cwd": os.getcwd(), "env": dict(os.environ),
                          "shim": os.getpid()}).encode()
    message = len(request).to_bytes(8, "big") + request
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        try:
            s.settimeout(CONNECT_TIMEOUT_S)
            s.connect(sock_path)
            sent = socket.send_fds(s, [message], [0, 1, 2])
            if sent < len(message):
                s.sendall(message[sent:])
        except OSError as exc:  # the server cannot have forked: it forks only once it has the whole request
            raise NoServer(str(exc)) from None
        s.settimeout(None)  # from here on a kernel may exist for this request: wait for its process id
        reply = b""
        while not reply.endswith(b"\n"):
            try:
                chunk = s.recv(4096)
            except InterruptedError:
                continue
            if not chunk:  # closed without an answer: the server rejected the request before forking
                raise NoServer("the fork server closed the connection")
            reply += chunk
    return int(json.loads(reply)["pid"])


def stand_in(pid: int) -> None:
    """Pass signals on to the kernel and return when it has exited."""
    def relay(signum, frame):
        try:
            os.kill(pid, signum)
        except ProcessLookupError:
            pass

    for sig in RELAYED:
        signal.signal(sig, relay)
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return
    except OSError:  # no process handles here: poll instead
        while True:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.2)
    while not select.select([fd], [], [], 5.0)[0]:
        pass


def main(argv: list[str]) -> None:
    sock_path, kernel_argv = argv[1], argv[3:]  # argv[2] is "--"
    arguments = launcher_arguments(kernel_argv)
    try:
        if arguments is None or not sock_path:
            raise NoServer("not an ipykernel command")
        pid = ask(sock_path, arguments)
    except NoServer:
        os.execv(kernel_argv[0], kernel_argv)  # no server: the usual kernel, in this process
    stand_in(pid)


if __name__ == "__main__":
    main(sys.argv)
