# attack: a lookup run in a ProcessPoolExecutor worker (spawn start method: a fresh interpreter)
# flags: --no-network
import multiprocessing
import socket
from concurrent.futures import ProcessPoolExecutor


def lookup():
    return socket.getaddrinfo("example.com", 80)


if __name__ == "__main__":
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=ctx) as pool:
        fut = pool.submit(lookup)
        try:
            fut.result(timeout=30)
            print("ESCAPED")
        except RuntimeError as e:
            print("BLOCKED", type(e).__name__, e)
        except OSError as e:
            print("ESCAPED the resolver was asked:", e)
