# attack: os.system submitted to a concurrent.futures ThreadPoolExecutor
# flags: --no-subprocess
import os
from concurrent.futures import ThreadPoolExecutor

with ThreadPoolExecutor(2) as pool:
    fut = pool.submit(os.system, "true")
try:
    fut.result()
    print("ESCAPED")
except RuntimeError as e:
    print("BLOCKED", e)
