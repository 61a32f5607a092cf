# attack: ctypes imported before the blocker; libc loaded and symbols looked up inside it
# mode: api
import ctypes

from hermetic import hermetic_blocker

with hermetic_blocker(block_native=True, block_subprocess=True):
    for label, call in (
        ("CDLL", lambda: ctypes.CDLL("libc.so.6").fork),
        ("cdll attr", lambda: ctypes.cdll.LoadLibrary("libc.so.6")),
        ("pythonapi", lambda: ctypes.pythonapi.PyOS_snprintf),
    ):
        try:
            print("ESCAPED", label, call())
        except RuntimeError as e:
            print("BLOCKED", label, e)
