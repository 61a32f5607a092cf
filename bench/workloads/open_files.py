"""N `open(f).read()` of the small files in a directory (the sandbox root).

The files are made by the harness before the guarded run (bench/run,
files_root), since a guarded process may not write them.
"""
import os
import sys

root = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 50000
names = [os.path.join(root, name) for name in sorted(os.listdir(root))]
total = 0
for i in range(n):
    with open(names[i % len(names)]) as f:
        total += len(f.read())
print(total)
