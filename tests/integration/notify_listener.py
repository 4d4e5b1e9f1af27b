#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""notify_listener.py OUT VDSD_LOG SOCKET... - the service manager's end of
systemd's notify protocol, for tests/integration/sdnotify.sh: binds an
AF_UNIX datagram socket at each SOCKET (a path, or "@name" for a name in
the abstract namespace, the two forms NOTIFY_SOCKET takes) and appends
each message it receives on any of them to OUT as one line (its fields
joined by " | "), followed by what vdsd's log (VDSD_LOG) said by then in
the current run (after its last "vdsd start" marker): "[connected N]", N
the lines "AgentX subagent connected".  The first line of OUT,
"listening", says the sockets are bound."""
import select
import socket
import sys

out_path, log_path = sys.argv[1:3]
socks = []
for name in sys.argv[3:]:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind("\0" + name[1:] if name.startswith("@") else name)
    socks.append(s)


def connected_in_log():
    try:
        with open(log_path, errors="replace") as f:
            text = f.read()
    except OSError:
        return 0
    run = text.rsplit(": vdsd start\n", 1)[-1]
    return run.count("AgentX subagent connected")


with open(out_path, "a", buffering=1) as out:
    out.write("listening\n")
    while True:
        ready, _, _ = select.select(socks, [], [])
        for s in ready:
            msg = s.recv(65536).decode(errors="replace").strip("\n")
            out.write(" | ".join(msg.split("\n")) + " [connected %d]\n" % connected_in_log())
