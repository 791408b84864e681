#!/usr/bin/python3
"""A stand-in for qemu-ga on a unix socket, for the agent protocol tests: it answers
guest-sync (after a stale line, as a late answer would be), guest-ping, and an error for
guest-bad; it never answers guest-hang; with --mute it answers nothing at all."""
import json
import os
import socket
import sys

path, mute = sys.argv[1], "--mute" in sys.argv
server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
server.bind(path)
server.listen(4)
print("ready", flush=True)
while True:
    conn, _ = server.accept()
    with conn, conn.makefile("rwb") as stream:
        for raw in stream:
            if mute:
                continue
            request = json.loads(raw)
            name = request.get("execute")
            if name == "guest-sync":
                stream.write(b'{"return": {"stale": true}}\n')
                reply = {"return": request["arguments"]["id"]}
            elif name == "guest-ping":
                reply = {"return": {}}
            elif name == "guest-bad":
                reply = {"error": {"class": "CommandNotFound", "desc": "The command guest-bad has not been found"}}
            else:
                continue
            stream.write(json.dumps(reply).encode() + b"\n")
            stream.flush()
