# attack: asyncio.open_connection to a numeric address (no lookup, straight to sock_connect)
# flags: --no-network --allow-localhost
import asyncio


async def main():
    try:
        await asyncio.wait_for(asyncio.open_connection("192.0.2.10", 80), 2)
        print("ESCAPED connected")
    except RuntimeError as e:
        print("BLOCKED", e)
    except (OSError, asyncio.TimeoutError) as e:
        print("ESCAPED connect was attempted:", type(e).__name__, e)


asyncio.run(main())
