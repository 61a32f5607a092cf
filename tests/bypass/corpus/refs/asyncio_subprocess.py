# attack: asyncio.create_subprocess_exec from a coroutine
# flags: --no-subprocess
import asyncio
import sys


async def main():
    try:
        p = await asyncio.create_subprocess_exec(sys.executable, "-c", "pass")
        await p.wait()
        print("ESCAPED")
    except RuntimeError as e:
        print("BLOCKED", e)


asyncio.run(main())
