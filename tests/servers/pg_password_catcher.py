#!/usr/bin/env python3
"""A PostgreSQL server that asks every client for its password in clear text and writes what
it receives, one line per connection, to LOG; then refuses the login. Tests use it to prove
which passwords strata sends, and where.

usage: pg_password_catcher.py PORT_FILE LOG
Writes its port to PORT_FILE once listening on 127.0.0.1; runs until killed.
"""
import socket
import struct
import sys
import threading

SSL_REQUEST = 80877103
GSS_REQUEST = 80877104


def read_exact(conn, n):
    data = b""
    while len(data) < n:
        part = conn.recv(n - len(data))
        if not part:
            raise EOFError
        data += part
    return data


def serve(conn, log_path):
    try:
        while True:
            (length,) = struct.unpack("!i", read_exact(conn, 4))
            body = read_exact(conn, length - 4)
            (code,) = struct.unpack("!i", body[:4])
            if code in (SSL_REQUEST, GSS_REQUEST):
                conn.sendall(b"N")
                continue
            break
        # AuthenticationCleartextPassword
        conn.sendall(b"R" + struct.pack("!ii", 8, 3))
        kind = read_exact(conn, 1)
        (length,) = struct.unpack("!i", read_exact(conn, 4))
        body = read_exact(conn, length - 4)
        password = body.rstrip(b"\0").decode("utf-8", "replace") if kind == b"p" else ""
        with open(log_path, "a", encoding="utf-8") as log:
            log.write("password=" + password + "\n")
        fields = b"SFATAL\0C28P01\0Mpassword authentication failed\0\0"
        conn.sendall(b"E" + struct.pack("!i", len(fields) + 4) + fields)
    except (EOFError, OSError):
        with open(log_path, "a", encoding="utf-8") as log:
            log.write("no password\n")
    finally:
        conn.close()


def main():
    port_file, log_path = sys.argv[1], sys.argv[2]
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    with open(port_file + ".tmp", "w", encoding="utf-8") as f:
        f.write(str(server.getsockname()[1]))
    import os
    os.replace(port_file + ".tmp", port_file)
    while True:
        conn, _ = server.accept()
        threading.Thread(target=serve, args=(conn, log_path), daemon=True).start()


if __name__ == "__main__":
    main()
