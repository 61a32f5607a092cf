"""N loopback TCP round trips (connect, send, recv, close) to an echo server.

The echo server runs in a thread of this process, so the guards see both
ends. The server closes first, which keeps TIME_WAIT on its side and the
client's ephemeral ports free for back-to-back runs.
"""
import socket
import sys
import threading

N = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
MSG = b"x" * 64

srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0))
srv.listen(128)


def serve():
    for _ in range(N):
        conn, _ = srv.accept()
        with conn:
            conn.sendall(conn.recv(len(MSG)))


server = threading.Thread(target=serve, daemon=True)
server.start()
addr = srv.getsockname()
for _ in range(N):
    with socket.create_connection(addr) as s:
        s.sendall(MSG)
        got = b""
        while len(got) < len(MSG):
            got += s.recv(len(MSG))
        s.recv(1)  # EOF: the server has closed
server.join()
srv.close()
