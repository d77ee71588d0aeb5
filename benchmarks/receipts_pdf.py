"""Receipt PDF speed, as ratios against targets and WeasyPrint's own layout time, same run.

    python benchmarks/receipts_pdf.py            # 50 + 50 single renders, 1,000-receipt batch
    python benchmarks/receipts_pdf.py --quick    # 10 + 10, 100-receipt batch

Prints:
* layout-only: WeasyPrint ``HTML(...).render()`` of a default A5 receipt's HTML with the
  renderer's warm stylesheets and fonts (median of N);
* single receipt PDF: ``Renderer.render_pdf(view)`` end to end: context, QR code, words, Jinja,
  layout and ``write_pdf`` (median of N, a different receipt each time), and its ratio to
  layout-only (target <= 2). The two are measured alternately on the same receipts;
* batch: receipts/s for one PDF of many receipts, streamed from a generator into a file by a
  warm 2-worker BatchRenderer, and its ratio to the 40/s target; then the same counting the
  pool's start-up, the CPU time per receipt (so the ceiling on idle cores can be read even
  when other jobs share the machine), how busy the workers were (2.0 = both cores all the
  time; less means they waited for the parent or for other jobs) and the peak memory of the
  parent and of a worker;
* whether WeasyPrint subsets fonts with libharfbuzz-subset (fast) or fontTools (slow).
The machine is shared and noisy: compare figures within one run, not across runs.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._measure import cpu_time, load_average
from receipt_templates import BatchRenderer, Renderer, sample_receipt
from receipt_templates.doctor import harfbuzz_subset_available

BATCH_TARGET = 40.0  # receipts/s on two cores (issue 6)
SINGLE_TARGET = 2.0  # single PDF time / layout-only time


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def _single(repeats: int, template: str) -> None:
    renderer = Renderer()
    view = sample_receipt()
    for _ in range(3):  # warm fonts, images, caches
        renderer.render_pdf(view, template)
    # Interleaved, so that both series see the same load on a shared machine.
    layout: list[float] = []
    single: list[float] = []
    sizes: list[int] = []
    for each in (sample_receipt(i) for i in range(1, repeats + 1)):
        each_html = renderer.render_html(each, template)
        start = time.perf_counter()
        renderer.layout(each_html, template)
        layout.append(time.perf_counter() - start)
        start = time.perf_counter()
        pdf = renderer.render_pdf(each, template)
        single.append(time.perf_counter() - start)
        sizes.append(len(pdf))
    layout_ms, single_ms = _median_ms(layout), _median_ms(single)
    ratio = single_ms / layout_ms
    print(f"layout only (HTML.render), median of {repeats}: {layout_ms:7.1f} ms")
    print(f"single receipt PDF (render_pdf), median of {repeats}: {single_ms:7.1f} ms "
          f"({statistics.median(sizes) / 1024:.0f} KiB)")
    print(f"ratio PDF / layout: {ratio:.2f}  (target <= {SINGLE_TARGET:.2f}: "
          f"{'met' if ratio <= SINGLE_TARGET else 'MISSED'})")


def _batch(size: int, workers: int, chunk_size: int, template: str) -> None:
    # Workers' CPU time is known once they have exited (RUSAGE_CHILDREN): a pool that only
    # starts and warms up gives the start-up share, to subtract from the real run's.
    cpu_before = cpu_time(children=True)
    with BatchRenderer(workers=workers, chunk_size=chunk_size, warm_templates=(template,)) as printer:
        printer.warm_up()
    cpu_startup = cpu_time(children=True) - cpu_before

    views = (sample_receipt(i) for i in range(1, size + 1))  # a stream, as from a query
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "batch.pdf"
        start = time.perf_counter()
        with BatchRenderer(workers=workers, chunk_size=chunk_size,
                           warm_templates=(template,)) as printer:
            printer.warm_up()
            warm = time.perf_counter()
            parent_cpu = time.process_time()
            pages = printer.write(views, out, template, progress=False, total=size)
            done = time.perf_counter()
            parent_cpu = time.process_time() - parent_cpu
        megabytes = out.stat().st_size / 1e6
    assert pages == size, (pages, size)
    cpu_batch = cpu_time(children=True) - cpu_before - 2 * cpu_startup
    startup_s, batch_s = warm - start, done - warm
    rate = size / batch_s
    print(f"batch of {size} receipts, {workers} workers, chunks of {chunk_size}, one PDF "
          f"({megabytes:.1f} MB): {batch_s:.2f} s = {rate:.1f} receipts/s = "
          f"{rate / BATCH_TARGET:.2f} x the {BATCH_TARGET:.0f}/s target "
          f"({'met' if rate >= BATCH_TARGET else 'MISSED'})")
    print(f"  pool start-up and warm-up {startup_s:.2f} s; counting it: "
          f"{size / (startup_s + batch_s):.1f} receipts/s")
    per_receipt_ms = (cpu_batch + parent_cpu) / size * 1000
    print(f"  CPU per receipt: {per_receipt_ms:.1f} ms (joining parent "
          f"{parent_cpu / size * 1000:.1f} ms); on {workers} otherwise idle cores that is at most "
          f"{workers * 1000 / per_receipt_ms:.1f} receipts/s")
    print(f"  workers busy {cpu_batch / batch_s:.2f} of {workers} cores on average "
          f"(the rest of the wall time they waited: for the parent, or for other jobs)")
    parent_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"  peak memory: parent {parent_mb:.0f} MB, largest worker {worker_mb:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer iterations (CI smoke run)")
    parser.add_argument("--batch", type=int, help="receipts in the batch (default 1000)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--chunk-size", type=int, default=25)
    parser.add_argument("--skip-single", action="store_true", help="only the batch")
    parser.add_argument("--template", default="default", help="default, thermal80, bilingual")
    args = parser.parse_args()
    repeats = 10 if args.quick else 50
    batch_size = args.batch or (100 if args.quick else 1000)

    import weasyprint

    fast = harfbuzz_subset_available()
    subsetting = "libharfbuzz-subset (fast)" if fast else "fontTools (SLOW: libharfbuzz-subset0)"
    print(f"WeasyPrint {weasyprint.__version__}; font subsetting: {subsetting}")
    print(f"CPUs: {os.cpu_count()}; load average before: {load_average()}")
    print(f"template: {args.template}")
    if not args.skip_single:
        _single(repeats, args.template)
    _batch(batch_size, args.workers, args.chunk_size, args.template)
    print(f"load average after: {load_average()}")


if __name__ == "__main__":
    main()
