"""What re-encoding a group photo costs, and how long it holds up other requests.

For a few generated inputs this runs the photo re-encode (``app/groups/services/photos.py``)
as a request does, under gevent, while a greenlet that wakes every 5 ms stands in for the
other requests: "loop stall" is the longest it waited (the request loop is held up that
long). CPU is ``time.process_time`` (every thread of the process), wall the elapsed time;
"encodes" counts JPEG encodes, "decoded" the pixels Pillow decoded.

    .venv/bin/python benchmarks/photos.py

The inputs are made first (a few seconds): a 6,320² PNG of flat colour and lines (the file
of the issue, some 150 KB), a 40-megapixel and a 12-megapixel phone-like JPEG, and a noisy
12-megapixel JPEG (hard to compress: the quality search's worst case).

Measured on the shared 2-core development machine (timings vary with its load; the decoded
pixels and encodes do not). Before (the cap was 40 megapixels, every picture was decoded
whole and encoded on the request loop, up to 20 times):

========================  ======  =======  =============  ==========  =======  =========
input                     CPU ms  wall ms  loop stall ms  decoded MP  encodes  output
========================  ======  =======  =============  ==========  =======  =========
PNG 6320×6320 (280 KB)       696     1625           1624        39.9        2  97,849 B
JPEG 7728×5152 (40 MP)       583      786            784        39.8        6  81,127 B
JPEG 4000×3000 (12 MP)       282      439            440        12.0        7  89,108 B
JPEG 4000×3000 noisy         315      534            537        12.0        6  98,633 B
========================  ======  =======  =============  ==========  =======  =========

After:

========================  ======  =======  =============  ==========  =======  =========
input                     CPU ms  wall ms  loop stall ms  decoded MP  encodes  output
========================  ======  =======  =============  ==========  =======  =========
PNG 6320×6320 (280 KB)         4       16             16         0.0        0  refused
JPEG 7728×5152 (40 MP)       190      659             85         2.5        5  100,626 B
JPEG 4000×3000 (12 MP)       130      418             63         3.0        3  85,508 B
JPEG 4000×3000 noisy         187      427             46         3.0        3  65,569 B
========================  ======  =======  =============  ==========  =======  =========
"""

from gevent import monkey

monkey.patch_all()

import io  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import gevent  # noqa: E402
from PIL import Image, ImageDraw, ImageFile  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.groups.services import photos  # noqa: E402
from app.groups.services._common import GroupError  # noqa: E402

TICK_S = 0.005


def big_png() -> bytes:
    picture = Image.new("RGB", (6320, 6320), "white")
    draw = ImageDraw.Draw(picture)
    for x in range(0, 6320, 400):
        draw.line([(x, 0), (6320 - x, 6320)], fill="navy", width=6)
    draw.rectangle([800, 800, 2400, 1600], fill="teal")
    out = io.BytesIO()
    picture.save(out, "PNG", optimize=True)
    return out.getvalue()


def phone_jpeg(size: tuple[int, int], grain: int) -> bytes:
    """A smooth scene with some texture, as a phone camera writes it (quality 92)."""
    small = (size[0] // 8, size[1] // 8)
    texture = Image.effect_noise(small, grain).resize(size, Image.Resampling.BICUBIC)
    light = Image.linear_gradient("L").resize(size)
    picture = Image.merge("RGB", (texture, light, Image.blend(texture, light, 0.5)))
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=92)
    return out.getvalue()


def noisy_jpeg(size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.effect_noise(size, 60).convert("RGB").save(out, "JPEG", quality=90)
    return out.getvalue()


class Counting:
    """Counts JPEG encodes and decoded pixels while it is in a ``with``."""

    def __enter__(self):
        self.encodes, self.decoded = 0, 0
        self._save, self._load = Image.Image.save, ImageFile.ImageFile.load
        counter = self

        def save(image, *args, **kwargs):
            counter.encodes += 1
            return counter._save(image, *args, **kwargs)

        def load(image):
            if image.tile:
                counter.decoded += image.width * image.height
            return counter._load(image)

        Image.Image.save, ImageFile.ImageFile.load = save, load
        return self

    def __exit__(self, *exc):
        Image.Image.save, ImageFile.ImageFile.load = self._save, self._load


def measure(data: bytes) -> dict:
    longest = [0.0]
    running = [True]

    def other_requests():
        last = time.perf_counter()
        while running[0]:
            gevent.sleep(TICK_S)
            now = time.perf_counter()
            longest[0] = max(longest[0], now - last - TICK_S)
            last = now

    ticker = gevent.spawn(other_requests)
    gevent.sleep(0.02)
    cpu, wall = time.process_time(), time.perf_counter()
    with Counting() as counting:
        try:
            result = f"{len(photos.reencode(io.BytesIO(data))):,} B"
        except GroupError as error:
            result = "refused: " + str(error)[:34] + "…"
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    running[0] = False
    ticker.join()
    return {
        "cpu": cpu * 1000,
        "wall": wall * 1000,
        "stall": longest[0] * 1000,
        "out": result,
        "encodes": counting.encodes,
        "decoded": counting.decoded / 1e6,
    }


def main() -> None:
    inputs = [
        ("PNG 6320×6320", big_png()),
        ("JPEG 7728×5152 (40 MP)", phone_jpeg((7728, 5152), 40)),
        ("JPEG 4000×3000 (12 MP)", phone_jpeg((4000, 3000), 40)),
        ("JPEG 4000×3000 noisy", noisy_jpeg((4000, 3000))),
    ]
    print(
        f"{'input':<24} {'in KB':>7} {'CPU ms':>7} {'wall ms':>8} {'loop stall ms':>13} "
        f"{'decoded MP':>10} {'encodes':>7}  output"
    )
    for name, data in inputs:
        row = measure(data)
        print(
            f"{name:<24} {len(data) / 1024:>7,.0f} {row['cpu']:>7.0f} {row['wall']:>8.0f} "
            f"{row['stall']:>13.0f} {row['decoded']:>10.1f} {row['encodes']:>7}  {row['out']}"
        )


if __name__ == "__main__":
    main()
