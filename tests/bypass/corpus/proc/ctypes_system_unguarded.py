# attack: ctypes calling libc system() without --block-native and without --kernel
# flags: --no-subprocess
# limitation: Without `--kernel`, native code is not held
import ctypes
import os

marker = os.path.join(os.environ["ATTACK_TMP"], "w", "ran")
rc = ctypes.CDLL(None).system(("touch " + marker).encode())
print("ESCAPED" if os.path.exists(marker) else "BLOCKED", rc)
