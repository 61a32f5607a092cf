# attack: multiprocessing with the spawn start method
# flags: --no-subprocess
import multiprocessing


def child():
    pass


if __name__ == "__main__":
    ctx = multiprocessing.get_context("spawn")
    p = ctx.Process(target=child)
    try:
        p.start()
        p.join()
        print("ESCAPED", p.exitcode)
    except RuntimeError as e:
        print("BLOCKED", type(e).__name__, e)
