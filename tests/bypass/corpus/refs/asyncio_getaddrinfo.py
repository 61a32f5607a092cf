# attack: loop.getaddrinfo, which resolves in the default executor's worker thread
# flags: --no-network
import asyncio


async def main():
    loop = asyncio.get_running_loop()
    try:
        await loop.getaddrinfo("example.com", 80)
        print("ESCAPED")
    except RuntimeError as e:
        print("BLOCKED", e)
    except OSError as e:
        print("ESCAPED the resolver was asked:", e)


asyncio.run(main())
