"""Runs a command in a real pseudo-terminal and types into it, for test/init/pty.test.ts.

Reads a JSON session from stdin:
  {"argv": [...], "cwd": "...", "env": {...}, "columns": 120, "rows": 40,
   "timeout": 20, "steps": [{"expect": "text on screen", "send": "keys"}, ...]}
Each step waits until `expect` appears in the output printed since the previous step's keys were
sent, then types `send`. After the last step it reads until the command exits. Prints one JSON
object: {"exitCode": n, "output": "...", "failed": null | "why"}.
Only the standard library (pty, select): nothing to install, no native Node dependency.
"""

import fcntl
import json
import os
import pty
import re
import select
import struct
import sys
import termios
import time

# Escape sequences (colours, cursor moves) that sit between the words of a prompt.
ANSI = re.compile(rb"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-Z\\-_]")


def main():
    session = json.load(sys.stdin)
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(session["cwd"])
        os.execvpe(session["argv"][0], session["argv"], session["env"])
    size = struct.pack("HHHH", session.get("rows", 40), session.get("columns", 120), 0, 0)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, size)

    output = bytearray()
    timeout = session.get("timeout", 20)
    failed = None
    seen_up_to = 0
    for step in session["steps"]:
        wanted = step["expect"].encode()
        deadline = time.monotonic() + timeout
        while wanted not in ANSI.sub(b"", bytes(output[seen_up_to:])):
            if not read_some(fd, output, deadline):
                failed = "timed out or exited waiting for %r" % step["expect"]
                break
        if failed:
            break
        seen_up_to = len(output)
        keys = step["send"] if isinstance(step["send"], list) else [step["send"]]
        for index, key in enumerate(keys):
            if index > 0:
                time.sleep(0.1)  # one keypress at a time, as a person types
            os.write(fd, key.encode())

    deadline = time.monotonic() + timeout
    while read_some(fd, output, deadline):
        pass
    exit_code = wait_for_exit(pid, failed is not None)
    print(json.dumps({
        "exitCode": exit_code,
        "output": ANSI.sub(b"", bytes(output)).decode("utf-8", "replace"),
        "failed": failed,
    }))


def read_some(fd, output, deadline):
    """Reads what is available; False at end of output (the child exited) or at the deadline."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        return False
    ready, _, _ = select.select([fd], [], [], remaining)
    if not ready:
        return False
    try:
        chunk = os.read(fd, 65536)
    except OSError:  # EIO: the child closed the terminal
        return False
    if not chunk:
        return False
    output.extend(chunk)
    return True


def wait_for_exit(pid, kill):
    if kill:
        try:
            os.kill(pid, 9)
        except ProcessLookupError:
            pass
    _, status = os.waitpid(pid, 0)
    if os.WIFEXITED(status):
        return os.WEXITSTATUS(status)
    return 128 + os.WTERMSIG(status)


if __name__ == "__main__":
    main()
