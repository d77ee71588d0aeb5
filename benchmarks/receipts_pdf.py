"""Receipt PDF speed, as ratios against WeasyPrint's own layout time measured in the same run.

    python benchmarks/receipts_pdf.py            # 50 + 50 single renders, 1,000-receipt batch
    python benchmarks/receipts_pdf.py --quick    # 10 + 10, 100-receipt batch

Prints:
* layout-only: WeasyPrint ``HTML(...).render()`` of a default A5 receipt's HTML with the
  renderer's warm stylesheets and fonts (median of N);
* single receipt PDF: ``Renderer.render_pdf(view)`` end to end: context, QR code, words, Jinja,
  layout and ``write_pdf`` (median of N, a different receipt each time), and its ratio to
  layout-only (target <= 2). The two are measured alternately on the same receipts;
* batch: receipts/s for one PDF of many receipts with a warm 2-worker BatchRenderer (target
  >= 40/s), with the pool's start-up counted, and the CPU time per receipt (so the ceiling on
  idle cores can be read even when other jobs share the machine);
* whether WeasyPrint subsets fonts with libharfbuzz-subset (fast) or fontTools (slow).
The machine is shared and noisy: compare figures within one run, not across runs.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from receipt_templates import BatchRenderer, Renderer, sample_receipt
from receipt_templates.doctor import harfbuzz_subset_available


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer iterations (CI smoke run)")
    parser.add_argument("--batch", type=int, help="receipts in the batch (default 1000)")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    repeats = 10 if args.quick else 50
    batch_size = args.batch or (100 if args.quick else 1000)

    import weasyprint

    fast = harfbuzz_subset_available()
    print(f"WeasyPrint {weasyprint.__version__}; font subsetting: "
          f"{'libharfbuzz-subset (fast)' if fast else 'fontTools (SLOW: install libharfbuzz-subset0)'}")
    print(f"CPUs: {os.cpu_count()}; load average before: {os.getloadavg()[0]:.2f}")

    renderer = Renderer()
    view = sample_receipt()
    for _ in range(3):  # warm fonts, images, caches
        renderer.render_pdf(view)

    # Interleaved, so that both series see the same load on a shared machine.
    views = [sample_receipt(i) for i in range(1, repeats + 1)]
    layout: list[float] = []
    single: list[float] = []
    sizes: list[int] = []
    for each in views:
        each_html = renderer.render_html(each)
        start = time.perf_counter()
        renderer.layout(each_html)
        layout.append(time.perf_counter() - start)
        start = time.perf_counter()
        pdf = renderer.render_pdf(each)
        single.append(time.perf_counter() - start)
        sizes.append(len(pdf))

    layout_ms, single_ms = _median_ms(layout), _median_ms(single)
    print(f"layout only (HTML.render), median of {repeats}: {layout_ms:7.1f} ms")
    print(f"single receipt PDF (render_pdf), median of {repeats}: {single_ms:7.1f} ms "
          f"({statistics.median(sizes) / 1024:.0f} KiB)")
    print(f"ratio PDF / layout: {single_ms / layout_ms:.2f}  (target <= 2.00)")

    batch_views = [sample_receipt(i) for i in range(1, batch_size + 1)]
    # Workers' CPU time is known once they have exited (RUSAGE_CHILDREN): a pool that only
    # starts and warms up gives the start-up share, to subtract from the real run's.
    cpu_before = _children_cpu()
    with BatchRenderer(workers=args.workers) as printer:
        printer.warm_up()
    cpu_startup = _children_cpu() - cpu_before

    start = time.perf_counter()
    with BatchRenderer(workers=args.workers) as printer:
        printer.warm_up()
        warm = time.perf_counter()
        parent_cpu = time.process_time()
        pdf = printer.render(batch_views)
        done = time.perf_counter()
        parent_cpu = time.process_time() - parent_cpu
    cpu_batch = _children_cpu() - cpu_before - 2 * cpu_startup
    startup_s, batch_s = warm - start, done - warm
    print(f"batch of {batch_size} receipts, {args.workers} workers, one PDF "
          f"({len(pdf) / 1e6:.1f} MB): {batch_s:.2f} s = {batch_size / batch_s:.1f} receipts/s "
          "(target >= 40)")
    print(f"  pool start-up and warm-up {startup_s:.2f} s; counting it: "
          f"{batch_size / (startup_s + batch_s):.1f} receipts/s")
    per_receipt_ms = (cpu_batch + parent_cpu) / batch_size * 1000
    print(f"  CPU per receipt (workers + merging parent): {per_receipt_ms:.1f} ms; on "
          f"{args.workers} otherwise idle cores that is at most "
          f"{args.workers * 1000 / per_receipt_ms:.1f} receipts/s")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
